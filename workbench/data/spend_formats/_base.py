"""What every spend-export layout shares: the canonical spend columns, the load context and small parsing helpers.

A layout module (``google_ads.py``, ``meta_ads.py``, ...) defines

- ``NAME`` (what users pass as ``format=``) and ``TITLE`` (how the summary names it);
- ``matches(header) -> bool``: whether a header line is this layout's (compared without case or extra spaces);
- ``REQUIRED``: header names it cannot do without once recognised (a file that has the layout's signature but
  lacks one of them gets an error naming it);
- ``to_canonical(frame, ctx) -> DataFrame``: the source rows mapped to :data:`SPEND_COLUMNS` plus ``days`` (how
  many days each row covers: 1 for a daily row, 7 for a weekly one, missing when the layout does not say),
  noting in ``ctx.summary`` every row it treats specially.

Checks across rows and files (negative spend, currencies, overlaps, daily vs weekly rows) are made afterwards by
:mod:`workbench.data.spend`, the same for every layout.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd

from workbench.data.csvread import parse_dates, parse_numbers
from workbench.data.formats._base import without_unit
from workbench.data.summary import LoadSummary
from workbench.errors import DataError

# name -> (pandas dtype, meaning); the one definition of the canonical spend table
SPEND_SCHEMA: dict[str, tuple[str, str]] = {
    "date": ("datetime64[us]", "First day of the period the row covers (the day, or the first day of its week)."),
    "channel": ("string", "Marketing channel: the platform (Google Ads, Meta Ads, Amazon Ads) or the name given."),
    "campaign": ("string", "Campaign name as the platform writes it (missing when the source has none)."),
    "spend": ("float64", "Money spent in the row's period, in `currency`; never negative."),
    "currency": ("string", "ISO 4217 code of the spend and conversion value (missing when the source says none)."),
    "impressions": ("float64", "Impressions the platform reports (missing when the source has none)."),
    "clicks": ("float64", "Clicks (Meta: link clicks) the platform reports."),
    "conversions": ("float64", "Purchases or conversions the platform attributes to itself (its own window)."),
    "conversion_value": ("float64", "Revenue the platform attributes to itself: the basis of platform ROAS."),
    "source": ("string", "The file (or frame) the row was read from."),
}
SPEND_COLUMNS: tuple[str, ...] = tuple(SPEND_SCHEMA)

_MONTH_NAME = r"^[A-Za-z]{3,9}\.? \d{1,2}, \d{4}$"      # "Jan 5, 2025", "January 05, 2025"
_NO_VALUE = ("--", " --", "—", "-")                      # Google Ads writes "--" for nothing


def norm(name: object) -> str:
    """Header names compare without case, surrounding spaces or repeated inner spaces."""
    return " ".join(str(name).strip().lower().split())


def find(header: Sequence[str], *wanted: str) -> str | None:
    """The header's spelling of the first of ``wanted`` it contains (``None`` when none); a header with a unit
    or currency in brackets matches too when no header matches exactly (``Cost (EUR)`` for ``cost``)."""
    by_norm = {norm(h): h for h in header}
    hit = next((by_norm[norm(w)] for w in wanted if norm(w) in by_norm), None)
    if hit is None:
        bare = {norm(without_unit(h)): h for h in header}
        hit = next((bare[norm(w)] for w in wanted if norm(w) in bare), None)
    return hit


def find_prefix(header: Sequence[str], *prefixes: str) -> str | None:
    """The first header name starting with one of ``prefixes`` (case-insensitive)."""
    for p in prefixes:
        hit = next((h for h in header if norm(h).startswith(norm(p))), None)
        if hit is not None:
            return hit
    return None


@dataclass
class SpendContext:
    """Everything a layout mapper needs besides the frame."""

    source: str                       # name for messages (file name or "DataFrame")
    summary: LoadSummary
    channel: str | None = None        # the channel named by the caller (channel=)
    currency: str | None = None       # the currency named by the caller (currency=)
    default_decimal: str = "."
    default_dayfirst: bool = False    # European files (";" delimiter, decimal comma): 01.02.2025 is 1 February
    columns: dict | None = None       # {canonical column: source column} given by the caller
    spend_columns: dict = field(default_factory=dict)  # channel (or "*") -> the source column holding its spend
    notes: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)  # what a wide weekly file holds besides spend (revenue, controls)

    def numbers(self, frame: pd.DataFrame, column: str | None, *, zero_marks: bool = False) -> pd.Series:
        """A numeric column (text parsed with the robust parser); missing when the column is absent."""
        if column is None or column not in frame:
            return pd.Series(np.nan, index=frame.index, dtype="float64")
        values = frame[column]
        if zero_marks and not pd.api.types.is_numeric_dtype(values):
            values = values.where(~values.astype("string").str.strip().isin(_NO_VALUE), "0")
        if not pd.api.types.is_numeric_dtype(values):
            values = values.astype("string").str.replace("%", "", regex=False)
        return parse_numbers(values, default_decimal=self.default_decimal, source=self.source, column=column)

    def dates(self, frame: pd.DataFrame, column: str) -> pd.Series:
        """Dates as ``datetime64[us]`` at midnight: ISO, day/month or month/day, or ``Jan 5, 2025``."""
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            return parse_dates(values).dt.normalize()
        s = values.astype("string").str.strip()
        named = s.str.match(_MONTH_NAME, na=False)
        out = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us]")
        if named.any():
            cleaned = s[named].str.replace(".", "", regex=False)
            parsed = pd.to_datetime(cleaned, format="%b %d, %Y", errors="coerce")
            parsed = parsed.fillna(pd.to_datetime(cleaned, format="%B %d, %Y", errors="coerce"))
            out[named] = parsed.astype("datetime64[us]")
        rest = ~named & s.notna()
        if rest.any():
            out[rest] = parse_dates(s[rest], source=self.source, column=column, notes=self.notes,
                                    default_dayfirst=self.default_dayfirst).to_numpy()
        bad = s.notna() & out.isna()
        if bad.any():
            first = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError("values are not dates", source=self.source, column=column, rows=int(bad.sum()),
                            example=f"row {first + 1}: {s.iloc[first]!r}",
                            fix="Correct or remove those rows; dates like 2025-01-31, 01/31/2025 or "
                                "Jan 31, 2025 are understood")
        return out.dt.normalize()

    def days(self, frame: pd.DataFrame, start: str, end: str | None) -> pd.Series:
        """How many days each row covers, from its first and last day (missing without an end column)."""
        if end is None or end not in frame:
            return pd.Series(np.nan, index=frame.index, dtype="float64")
        first, last = self.dates(frame, start), self.dates(frame, end)
        return ((last - first).dt.days + 1).astype("float64")


def text(frame: pd.DataFrame, column: str | None) -> pd.Series:
    """A source column as nullable strings (missing when the column is absent or the cell empty)."""
    if column is None or column not in frame:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    return frame[column].astype("string").str.strip().replace("", pd.NA)


def canonical(frame: pd.DataFrame, *, date: pd.Series, channel: str | pd.Series, spend: pd.Series,
              days: pd.Series | None = None, campaign: pd.Series | None = None,
              currency: str | pd.Series | None = None, impressions: pd.Series | None = None,
              clicks: pd.Series | None = None, conversions: pd.Series | None = None,
              conversion_value: pd.Series | None = None, source: str = "") -> pd.DataFrame:
    """Assemble the canonical columns (plus ``days``) with their dtypes."""
    idx = frame.index
    nan = pd.Series(np.nan, index=idx, dtype="float64")
    out = pd.DataFrame({
        "date": date.astype("datetime64[us]"),
        "channel": pd.Series(channel, index=idx, dtype="string") if isinstance(channel, str)
        else channel.astype("string"),
        "campaign": (campaign if campaign is not None else pd.Series(pd.NA, index=idx)).astype("string"),
        "spend": spend.astype("float64"),
        "currency": (pd.Series(currency, index=idx, dtype="string") if currency is None or isinstance(currency, str)
                     else currency.astype("string").str.upper()),
        "impressions": (impressions if impressions is not None else nan).astype("float64"),
        "clicks": (clicks if clicks is not None else nan).astype("float64"),
        "conversions": (conversions if conversions is not None else nan).astype("float64"),
        "conversion_value": (conversion_value if conversion_value is not None else nan).astype("float64"),
        "source": pd.Series(source, index=idx, dtype="string"),
        "days": (days if days is not None else nan).astype("float64"),
    })
    return out


def drop_total_rows(frame: pd.DataFrame, column: str, ctx: SpendContext) -> pd.DataFrame:
    """Leave out the "Total: ..." rows platform downloads end with (their sums would count twice)."""
    first = frame[column].astype("string").str.strip()
    total = first.str.match(r"(?i)^total\b", na=False)
    if total.any():
        ctx.summary.add("total_rows", int(total.sum()), "dropped",
                        "summary rows ('Total: ...'): left out, their amounts are the sum of the rows above")
    return frame[~total]


def drop_empty_rows(frame: pd.DataFrame, column: str, ctx: SpendContext) -> pd.DataFrame:
    """Rows without a date (blank lines, notes under the table) are left out and counted."""
    empty = frame[column].isna()
    if empty.any():
        ctx.summary.add("no_date", int(empty.sum()), "dropped", "rows without a date: left out")
    return frame[~empty]
