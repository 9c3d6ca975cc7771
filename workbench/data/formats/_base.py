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
  without a customer) are applied afterwards by ``workbench.data.orders.policies``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd

from workbench.data.csvread import currency_of_amounts, parse_dates, parse_numbers
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

    def money(self, frame: pd.DataFrame, column: str) -> tuple[pd.Series, pd.Series | None]:
        """Amounts and the currency their symbols name (``$1,234.50``, ``1.234,50 €``), or None without symbols.

        Each currency's amounts are parsed on their own, so a file mixing ``$10.00`` and ``12,00 €`` reaches
        the currency check (one clear error) instead of failing on the mixed decimal marks.
        """
        cur = currency_of_amounts(frame[column]) if not pd.api.types.is_numeric_dtype(frame[column]) else None
        if cur is None or cur.isna().all():
            return self.numbers(frame, column), None
        self.options["currency_column"] = column
        out = pd.Series(np.nan, index=frame.index, dtype="float64")
        for _, idx in cur.fillna("").groupby(cur.fillna("")).groups.items():
            out[idx] = self.numbers(frame.loc[idx], column).to_numpy()
        return out, cur

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


def plural(n: int, word: str) -> str:
    """``plural(1, "order")`` -> ``"1 order"``; ``plural(2, "order")`` -> ``"2 orders"``."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def norm(name: str) -> str:
    """Header names are matched without case, surrounding spaces or repeated inner spaces."""
    return " ".join(str(name).strip().lower().split())


def without_unit(name: object) -> str:
    """A header name less a unit or currency in brackets and currency signs: ``"Cost (EUR)"`` -> ``"Cost "``,
    ``"Total [€]"`` -> ``"Total "`` (each loader then normalises it its own way)."""
    return re.sub(r"\([^)]*\)|\[[^\]]*\]|[€$£¥]", " ", str(name))


def currency_in_header(name: object) -> str | None:
    """The currency code a header names in brackets: ``"Amount spent (EUR)"`` -> ``"EUR"``; else None."""
    if not name:
        return None
    m = re.search(r"\(([A-Z]{3})\)\s*$", str(name).strip())
    return m.group(1) if m else None


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
    "processing": "completed", "pending": "pending", "pending payment": "pending", "on-hold": "pending",
    "on hold": "pending", "authorized": "pending", "partially_paid": "pending", "wc-processing": "completed",
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


def mirror(lines: pd.DataFrame, *, date: pd.Series) -> pd.DataFrame:
    """Return lines that reverse ``lines``: negative revenue, quantity and discount; no tax or shipping."""
    out = lines.copy()
    out["revenue"] = 0.0 - out["revenue"]
    out["quantity"] = 0 - out["quantity"]
    if "discount" in out:
        out["discount"] = 0.0 - out["discount"]
    for c in ("tax", "shipping"):
        if c in out:
            out[c] = 0.0
    out["order_date"] = date.to_numpy()
    out["line_type"] = "return"
    return out


def apply_order_outcomes(out: pd.DataFrame, ctx: LoadContext, *, cancelled: pd.Series,
                         cancel_date: pd.Series | None = None, refunded: pd.Series | None = None,
                         refund_date: pd.Series | None = None, partial_amount: pd.Series | None = None,
                         dropped: pd.Series | None = None, dropped_text: str = "") -> pd.DataFrame:
    """Turn order outcomes into lines, the same way for every shop layout, and count them.

    Parameters
    ----------
    out : DataFrame
        Canonical sale lines, one per source line (index = source row).
    cancelled : bool Series
        Lines of orders cancelled after they were placed. ``ctx.cancelled == "reverse"``: kept, and reversed by
        return lines dated ``cancel_date`` (the order date where unknown); ``"drop"``: left out.
    refunded : bool Series, optional
        Lines of fully refunded orders: reversed by return lines dated ``refund_date`` (order date if unknown).
    partial_amount : float Series, optional
        Per line, the refunded amount of a partially refunded order, set on the order's first line only
        (missing elsewhere): one return line per such order, quantity 0, capped at the order's net sales.
    dropped : bool Series, optional
        Lines that never were sales (failed payments, abandoned checkouts): left out, counted with
        ``dropped_text``.

    Returns
    -------
    DataFrame
        Sale lines and their return lines, each order's lines together (sales in file order, then returns).
    """
    s = ctx.summary
    orders = out["order_id"]
    false = pd.Series(False, index=out.index)
    cancelled = cancelled.fillna(False).astype(bool)
    if dropped is not None and dropped.any():
        dropped = dropped.fillna(False).astype(bool)
        s.add("not_sales", int(dropped.sum()), "dropped", dropped_text, revenue=float(out["revenue"][dropped].sum()))
        keep = ~dropped
        out, cancelled, orders = out[keep], cancelled[keep], orders[keep]
        refunded = refunded[keep] if refunded is not None else None
        partial_amount = partial_amount[keep] if partial_amount is not None else None
        cancel_date = cancel_date[keep] if cancel_date is not None else None
        refund_date = refund_date[keep] if refund_date is not None else None
        false = false[keep]
    pieces = [out]
    n_cancel = int(orders[cancelled].nunique())
    if ctx.cancelled == "drop":
        s.add("cancelled_orders", int(cancelled.sum()), "dropped",
              f"lines of cancelled orders ({plural(n_cancel, 'order')}): left out (cancelled='drop')",
              revenue=float(out["revenue"][cancelled].sum()))
        keep = ~cancelled
        out, orders = out[keep], orders[keep]
        refunded = refunded[keep] if refunded is not None else None
        partial_amount = partial_amount[keep] if partial_amount is not None else None
        refund_date = refund_date[keep] if refund_date is not None else None
        pieces = [out]
        cancelled = false[keep]
    elif cancelled.any():
        when = out["order_date"][cancelled]
        if cancel_date is not None:
            when = cancel_date[cancelled].fillna(when)
        pieces.append(mirror(out[cancelled], date=when))
        same_day = cancel_date is None or cancel_date[cancelled].isna().all()
        s.add("cancelled_orders", int(cancelled.sum()), "changed",
              f"lines of cancelled orders ({plural(n_cancel, 'order')}): each a sale on the day placed and a return "
              + ("dated the same day (the export has no cancellation date)" if same_day else "on the day cancelled")
              + " (net zero; cancelled='drop' to leave them out)",
              revenue=float(out["revenue"][cancelled].sum()))
    if refunded is not None:
        full = refunded.fillna(False).astype(bool) & ~cancelled
        if full.any():
            when = out["order_date"][full]
            if refund_date is not None:
                when = refund_date[full].fillna(when)
            pieces.append(mirror(out[full], date=when))
            dated = refund_date is not None and refund_date[full].notna().any()
            s.add("refunded_orders", int(full.sum()), "changed",
                  f"lines of refunded orders ({plural(int(orders[full].nunique()), 'order')}): each mirrored by a return line "
                  + ("dated when refunded" if dated else "dated on the order day (the export has no refund date)"),
                  revenue=float(out["revenue"][full].sum()))
    if partial_amount is not None:
        amt = partial_amount.where(~cancelled)
        heads = out[amt.notna() & (amt > 0)]
        if len(heads):
            order_net = out["revenue"].groupby(orders.to_numpy()).transform("sum")
            amount = np.minimum(amt[heads.index], order_net[heads.index]).clip(lower=0)
            line = heads.copy()
            line["revenue"] = 0.0 - amount
            line["quantity"] = 0
            line["line_type"] = "return"
            for c in ("sku", "unit_price", "discount", "category"):
                if c in line:
                    line[c] = np.nan if line[c].dtype.kind == "f" else pd.NA
            if "product_name" in line:
                line["product_name"] = "(partial refund, items not stated)"
            for c in ("tax", "shipping"):
                if c in line:
                    line[c] = 0.0
            pieces.append(line)
            s.add("partial_refunds", len(line), "changed",
                  "orders partially refunded: one return line each for the refunded amount, dated on the order "
                  "day (the export says neither which items nor when; the amount may include refunded shipping "
                  "or tax)", revenue=float(-amount.sum()))
    result = pd.concat(pieces)
    pos = pd.Series(np.arange(len(out)), index=out.index)
    order_start = pos.groupby(out["order_id"].to_numpy()).transform("min")
    result["_order"] = order_start.reindex(result.index).to_numpy()
    result["_rev"] = (result["line_type"] == "return").astype(int).to_numpy()
    result["_pos"] = pos.reindex(result.index).to_numpy()
    result = result.sort_values(["_order", "_rev", "_pos"], kind="stable")
    return result.drop(columns=["_order", "_rev", "_pos"]).reset_index(drop=True)
