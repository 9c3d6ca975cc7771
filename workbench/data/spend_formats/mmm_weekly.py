"""A weekly marketing-mix table: one row per week with the revenue, the spend of each channel and the context.

The input layout of Meta's Robyn (``DATE``, ``revenue``, spend columns ending in ``_S``, exposure such as
``facebook_I`` (impressions) or ``search_clicks_P`` (clicks), context such as ``competitor_sales_B``, ``events``
and organic ``newsletter``); Meridian-style ``<channel>_spend`` columns are read the same way.

- Spend columns become one spend row per channel and week (``tv_S`` -> channel "TV"); a week without spend is a
  row of 0.
- Exposure columns that start with a channel's name become its ``impressions`` (``_I`` or "impressions" in the
  name) or ``clicks`` ("clicks" in the name).
- The revenue column (``revenue``, ``sales`` or ``kpi``) is kept as the weekly revenue the model explains.
- Every other column is a **control**: numbers as they are, text as one 0/1 column per value (``events`` ->
  ``events: event1``, ...; ``na``, ``none`` and empty cells are "no event").
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from workbench.data.spend_formats._base import SpendContext, canonical, norm

NAME = "mmm-weekly"
TITLE = "weekly marketing-mix table (Robyn layout)"
DEFAULT_CHANNEL = None
REQUIRED = ("DATE",)

DATE_NAMES = ("date", "week", "ds", "date_week", "time")
KPI_NAMES = ("revenue", "sales", "kpi")
_NO_EVENT = {"na", "n/a", "none", "", "nan", "null", "0"}
_SPEND = re.compile(r"^(?P<channel>.+?)(_S|_spend)$", re.IGNORECASE)


def _spend_columns(header) -> dict[str, str]:
    """source column -> channel key (``tv_S`` -> ``tv``)."""
    out = {}
    for h in header:
        m = _SPEND.match(str(h).strip())
        if m and norm(h) not in DATE_NAMES:
            out[h] = m.group("channel")
    return out


def matches(header) -> bool:
    cols = {norm(h) for h in header}
    return bool(cols & set(DATE_NAMES)) and bool(_spend_columns(header)) and "channel" not in cols


def channel_title(key: str) -> str:
    """``tv`` -> ``TV``, ``ooh`` -> ``OOH``, ``facebook`` -> ``Facebook``, ``paid_social`` -> ``Paid social``."""
    words = key.replace("_", " ").strip()
    return words.upper() if len(words) <= 3 else words[:1].upper() + words[1:]


def to_canonical(frame: pd.DataFrame, ctx: SpendContext) -> pd.DataFrame:
    header = list(frame.columns)
    date_col = next(h for h in header if norm(h) in DATE_NAMES)
    frame = frame[frame[date_col].notna()]
    date = ctx.dates(frame, date_col)
    spend_cols = _spend_columns(header)
    kpi_col = next((h for h in header if norm(h) in KPI_NAMES), None)
    used = {date_col, *spend_cols, *([kpi_col] if kpi_col else [])}
    exposure: dict[str, dict[str, str]] = {}
    for h in header:
        if h in used:
            continue
        for col, key in spend_cols.items():
            if norm(h).startswith(norm(key) + "_"):
                kind = "clicks" if "click" in norm(h) else "impressions" if (norm(h).endswith("_i") or
                                                                              "impression" in norm(h)) else None
                if kind:
                    exposure.setdefault(key, {})[kind] = h
                    used.add(h)
    parts = []
    for col, key in spend_cols.items():
        exp = exposure.get(key, {})
        ctx.spend_columns[channel_title(key)] = col
        parts.append(canonical(
            frame, date=date, days=pd.Series(np.nan, index=frame.index), channel=channel_title(key),
            spend=ctx.numbers(frame, col).fillna(0.0), currency=ctx.currency,
            impressions=ctx.numbers(frame, exp.get("impressions")) if "impressions" in exp else None,
            clicks=ctx.numbers(frame, exp.get("clicks")) if "clicks" in exp else None, source=ctx.source))
    weeks = pd.DatetimeIndex(date, name="week")
    if kpi_col:
        ctx.extra["revenue"] = pd.Series(ctx.numbers(frame, kpi_col).to_numpy(), index=weeks, name="revenue")
        ctx.summary.note(f"`{kpi_col}` read as the weekly revenue the model explains.")
    controls = {}
    for h in header:
        if h in used:
            continue
        values = frame[h]
        if pd.api.types.is_numeric_dtype(values) or _numeric_text(values):
            controls[str(h)] = ctx.numbers(frame, h).fillna(0.0).to_numpy()
        else:
            words = values.astype("string").str.strip()
            for level in sorted({w for w in words.dropna() if w.lower() not in _NO_EVENT}):
                controls[f"{h}: {level}"] = (words == level).fillna(False).to_numpy(dtype=float)
    if controls:
        ctx.extra["controls"] = pd.DataFrame(controls, index=weeks)
        ctx.summary.note(f"Context and organic columns kept as controls: {', '.join(controls)}.")
    ctx.summary.note("Spend columns read as channels: " + ", ".join(
        f"`{c}` -> {channel_title(k)}" for c, k in spend_cols.items()) + ".")
    if exposure:
        ctx.summary.note("Exposure columns: " + ", ".join(
            f"`{c}` -> {channel_title(k)} {kind}" for k, d in exposure.items() for kind, c in d.items()) + ".")
    return pd.concat(parts, ignore_index=True)


def _numeric_text(values: pd.Series) -> bool:
    s = values.dropna().astype("string").str.strip()
    return bool(len(s)) and bool(pd.to_numeric(s, errors="coerce").notna().all())


__all__: list[str] = []
