"""Any spend table with one row per date (and channel and campaign), in CSV, Excel or Parquet.

Recognised when the header has a date, a spend and a channel column under a common spelling (``date``/``day``/
``week``; ``spend``/``cost``/``amount spent``/``ad spend``; ``channel``/``platform``/``source``); any other header
is read with ``columns={canonical name: source column}`` (a partial mapping is enough: columns already named like
the canonical ones are taken too). Without a channel column every row belongs to ``channel=``. An ``end_date``
column, when present, says how many days each row covers.
"""
from __future__ import annotations

import pandas as pd

from workbench.data.formats._base import currency_in_header
from workbench.data.spend_formats._base import SPEND_COLUMNS, SpendContext, canonical, find, text
from workbench.errors import DataError

NAME = "canonical"
TITLE = "spend table (date, channel, spend)"
DEFAULT_CHANNEL = None
REQUIRED = ("date", "spend")

SPELLINGS = {
    "date": ("date", "day", "week", "start date", "start_date", "period"),
    "end_date": ("end_date", "end date"),
    "channel": ("channel", "platform", "source", "medium", "network"),
    "campaign": ("campaign", "campaign name", "campaign_name"),
    "spend": ("spend", "cost", "amount spent", "ad spend", "ad_spend", "media spend"),
    "currency": ("currency", "currency code", "currency_code"),
    "impressions": ("impressions", "impr.", "impr"),
    "clicks": ("clicks", "link clicks"),
    "conversions": ("conversions", "purchases", "conv."),
    "conversion_value": ("conversion_value", "conversion value", "conv. value", "purchase value",
                         "purchases conversion value"),
}


def resolve(header, columns: dict | None = None) -> dict[str, str]:
    """canonical name -> source column: the caller's mapping first, then the common spellings."""
    out = {k: v for k, v in (columns or {}).items()}
    for canon, names in SPELLINGS.items():
        if canon not in out:
            hit = find(header, *names)
            if hit is not None and hit not in out.values():
                out[canon] = hit
    return out


def matches(header) -> bool:
    found = resolve(header)
    return {"date", "spend", "channel"} <= set(found)


def check_mapping(columns: dict, header, *, source: str) -> None:
    """A ``columns=`` mapping must use canonical names and name columns the file has."""
    if not isinstance(columns, dict):
        raise DataError("columns= must be a dict {canonical name: source column}", source="columns=",
                        example=repr(columns), fix="e.g. columns={'date': 'Day', 'spend': 'Cost'}")
    allowed = set(SPEND_COLUMNS) | {"end_date"}
    unknown = [k for k in columns if k not in allowed]
    if unknown:
        raise DataError(f"columns= names {unknown[0]!r}, which is not a spend column", source="columns=",
                        rows=len(unknown), example=unknown[0],
                        fix=f"Use these names as keys: {sorted(allowed - {'source'})}")
    missing = {k: v for k, v in columns.items() if v not in header}
    if missing:
        k, v = next(iter(missing.items()))
        raise DataError(f"column `{v}` (mapped to {k}) not found", source=source, column=v, rows=len(missing),
                        example=f"columns present: {list(header)}",
                        fix="Correct the columns= mapping to use the file's own column names")


def to_canonical(frame: pd.DataFrame, ctx: SpendContext) -> pd.DataFrame:
    header = list(frame.columns)
    cols = resolve(header, ctx.columns)
    lacking = [c for c in ("date", "spend") if c not in cols]
    if lacking:
        guess = {"date": "Day", "spend": "Cost"}[lacking[0]]
        raise DataError(f"no {lacking[0]} column found", source=ctx.source, column=lacking[0],
                        example=f"columns present: {header}",
                        fix=f"Name it with columns={{'{lacking[0]}': '<your column>'}}, e.g. "
                            f"columns={{'{lacking[0]}': '{guess}'}}")
    if "channel" not in cols and not ctx.channel:
        raise DataError("no channel column, and no channel= given", source=ctx.source, column="channel",
                        example=f"columns present: {header}",
                        fix="Pass channel='TikTok Ads' (every row is that channel's spend), or map the column "
                            "holding it: columns={'channel': '<your column>'}")
    frame = frame[frame[cols["date"]].notna()]
    channel = ctx.channel if "channel" not in cols else text(frame, cols["channel"])
    if "channel" in cols and channel.isna().any():
        first = int(channel.isna().to_numpy().nonzero()[0][0])
        if not ctx.channel:
            raise DataError("rows without a channel", source=ctx.source, column=cols["channel"],
                            rows=int(channel.isna().sum()), example=f"row {first + 1}",
                            fix="Fill in the channel, or pass channel= for rows that have none")
        channel = channel.fillna(ctx.channel)
    ctx.spend_columns["*"] = cols["spend"]
    days = ctx.days(frame, cols["date"], cols.get("end_date"))
    # a currency column, else the one a header names ("Cost (EUR)"), else currency=
    currency = (text(frame, cols["currency"]).str.upper() if "currency" in cols
                else currency_in_header(cols["spend"]) or ctx.currency)
    return canonical(
        frame, date=ctx.dates(frame, cols["date"]), days=days, channel=channel,
        campaign=text(frame, cols.get("campaign")), spend=ctx.numbers(frame, cols["spend"]), currency=currency,
        impressions=ctx.numbers(frame, cols.get("impressions")), clicks=ctx.numbers(frame, cols.get("clicks")),
        conversions=ctx.numbers(frame, cols.get("conversions")),
        conversion_value=ctx.numbers(frame, cols.get("conversion_value")), source=ctx.source)


__all__: list[str] = []
