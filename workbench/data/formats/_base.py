"""What every export-layout module shares: the load context and small helpers for mapping to canonical columns.

A layout module (``cdnow.py``, ``shopify.py``, ...) defines

- ``NAME``: the format name users pass as ``format=`` and see in the summary;
- ``TITLE``: how the summary names it ("Shopify orders export");
- ``SIGNATURE``: header names (compared without case and surrounding spaces) whose presence identifies it;
- ``REQUIRED``: header names it cannot do without (a file with the signature but not these gets a
  "required column missing" error naming them);
- ``to_canonical(frame, ctx) -> DataFrame``: the source frame (strings, or typed values from Parquet/pandas)
  mapped to canonical columns, with ``line_type`` and ``status`` decided, adding to ``ctx.summary`` every
  line it treats specially. Policies common to all layouts (returns, non-product lines, currencies, lines
  without a customer) are applied afterwards by ``workbench.data.orders``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import pandas as pd

from workbench.data.csvread import parse_dates, parse_numbers
from workbench.data.summary import LoadSummary
from workbench.errors import DataError


@dataclass
class LoadContext:
    """Everything a layout mapper needs besides the frame."""

    source: str                      # name for messages (file name or "DataFrame")
    summary: LoadSummary
    decimal: str = "auto"            # "auto", "." or ","
    default_decimal: str = "."       # the file's likely decimal mark (from the CSV reader)
    dayfirst: bool | None = None
    default_dayfirst: bool = False
    returns: str = "keep"
    non_product: str = "drop"
    cancelled: str = "reverse"
    currency: str | None = None
    options: dict = field(default_factory=dict)

    def numbers(self, frame: pd.DataFrame, column: str, *, fix: str | None = None) -> pd.Series:
        return parse_numbers(frame[column], decimal=self.decimal, default_decimal=self.default_decimal,
                             source=self.source, column=column, fix=fix)

    def dates(self, frame: pd.DataFrame, column: str) -> pd.Series:
        return parse_dates(frame[column], dayfirst=self.dayfirst, default_dayfirst=self.default_dayfirst,
                           source=self.source, column=column, notes=self.summary.notes)

    def integers(self, frame: pd.DataFrame, column: str) -> pd.Series:
        """Quantities: numbers that must be whole."""
        values = self.numbers(frame, column)
        frac = values.notna() & (values != values.round())
        if frac.any():
            first = frac.to_numpy().nonzero()[0][0]
            raise DataError("quantities are not whole numbers", source=self.source, column=column,
                            rows=int(frac.sum()), example=f"row {first + 1}: {frame[column].iloc[first]!r}",
                            fix="Quantities must be whole units; check that the right column is mapped")
        return values


def norm(name: str) -> str:
    """Header names are matched without case, surrounding spaces or repeated inner spaces."""
    return " ".join(str(name).strip().lower().split())


def find_columns(header: Sequence[str], wanted: Sequence[str]) -> dict[str, str]:
    """Map each wanted name to the header's spelling of it (only those present)."""
    by_norm = {norm(h): h for h in header}
    return {w: by_norm[norm(w)] for w in wanted if norm(w) in by_norm}


def text(frame: pd.DataFrame, column: str | None) -> pd.Series:
    """A source column as nullable strings (missing when the column is absent)."""
    if column is None or column not in frame:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    s = frame[column]
    if pd.api.types.is_float_dtype(s):  # ids read from Parquet/Excel as floats: 12346.0 -> "12346"
        whole = s.dropna()
        if len(whole) and (whole == whole.round()).all():
            return s.astype("Int64").astype("string")
    return s.astype("string").str.strip().replace("", pd.NA)


# Status words of common shops -> canonical statuses (schema.ORDER_STATUSES). Unknown words stay missing and
# are counted in the summary by the caller.
STATUS_WORDS = {
    "completed": "completed", "complete": "completed", "paid": "completed", "fulfilled": "completed",
    "shipped": "completed", "delivered": "completed", "closed": "completed", "wc-completed": "completed",
    "processing": "pending", "pending": "pending", "pending payment": "pending", "on-hold": "pending",
    "on hold": "pending", "authorized": "pending", "partially_paid": "pending", "wc-processing": "pending",
    "wc-pending": "pending", "wc-on-hold": "pending", "open": "pending", "unpaid": "pending",
    "cancelled": "cancelled", "canceled": "cancelled", "voided": "cancelled", "wc-cancelled": "cancelled",
    "refunded": "refunded", "wc-refunded": "refunded", "returned": "refunded",
    "partially_refunded": "partially_refunded", "partially refunded": "partially_refunded",
    "failed": "failed", "wc-failed": "failed", "declined": "failed",
}


def map_status(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(canonical status, mask of non-missing words that are not recognised)."""
    words = values.astype("string").str.strip().str.lower()
    mapped = words.map(STATUS_WORDS, na_action="ignore").astype("string")
    unknown = words.notna() & mapped.isna()
    return mapped, unknown
