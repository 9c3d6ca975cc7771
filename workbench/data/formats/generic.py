"""Any table of order lines: canonical column names, or mapped by ``workbench.data.orders.headers`` (the
user's ``columns={canonical name: source column}``, completed by common header spellings).

Rules (the loader's documented decisions for data it knows nothing about):

- Needed: ``order_id``, ``customer_id``, ``order_date``, and ``revenue`` *or* ``unit_price`` (revenue is then
  quantity x unit price minus ``discount`` when mapped). ``quantity`` defaults to 1 per line when absent (said
  in the summary). A total taken as revenue has the tax and shipping columns beside it subtracted (see
  ``headers``).
- ``line_type`` when absent: a line with negative revenue or quantity is a ``return``, any other a ``sale``.
  When present it must hold ``sale``, ``return`` or ``non_product``.
- ``status`` words of common shops are mapped to the canonical statuses (``paid``/``fulfilled`` ->
  completed, ``processing``/``on-hold`` -> pending, ``canceled``/``voided`` -> cancelled, ...); unknown words
  become missing and are counted.
- Every other canonical column is taken as it comes (text as text, numbers parsed with the robust parser).
"""
from __future__ import annotations

import pandas as pd

from workbench.data.formats._base import LoadContext, map_status, text
from workbench.data.schema import LINE_TYPES, ORDERS, ORDER_COLUMNS
from workbench.errors import DataError

NAME = "canonical"
TITLE = "canonical order lines"
SIGNATURE = ("order_id", "customer_id", "order_date", "revenue")
REQUIRED = SIGNATURE

_TYPES = {c.name: c.dtype for c in ORDERS}
_TEXT = [c.name for c in ORDERS if c.dtype == "string" and c.name not in ("line_type", "status")]
_FLOATS = [c.name for c in ORDERS if c.dtype == "float64"]


def check_mapping(columns: dict, header: list[str], *, source: str) -> None:
    """Validate a ``columns=`` mapping against the canonical names and the source header (a partial mapping is
    fine: the loader completes it)."""
    if not isinstance(columns, dict):
        raise DataError("columns= must be a dict {canonical name: source column}", source="columns=",
                        example=repr(columns), fix="e.g. columns={'order_id': 'Invoice', 'order_date': 'Date'}")
    unknown = [k for k in columns if k not in ORDER_COLUMNS]
    if unknown:
        raise DataError(f"columns= names {unknown[0]!r}, which is not a canonical order column",
                        source="columns=", example=unknown[0],
                        fix=f"Use canonical names as keys: {list(ORDER_COLUMNS)}")
    missing = {k: v for k, v in columns.items() if v not in header}
    if missing:
        k, v = next(iter(missing.items()))
        raise DataError(f"column `{v}` (mapped to {k}) not found", source=source, column=v,
                        fix=f"Correct the columns= mapping to use the file's own column names. Columns present: "
                            f"{header}")
    twice = [v for v in set(columns.values()) if list(columns.values()).count(v) > 1]
    if twice:
        raise DataError(f"column `{twice[0]}` is mapped to more than one canonical column", source="columns=",
                        column=twice[0], fix="Map each source column to one canonical column")


def to_canonical(frame: pd.DataFrame, ctx: LoadContext) -> pd.DataFrame:
    """``frame`` already has canonical column names (renamed by the loader from ``columns=``)."""
    out = pd.DataFrame(index=frame.index)
    out["order_id"] = text(frame, "order_id")
    out["customer_id"] = text(frame, "customer_id")
    out["order_date"] = ctx.dates(frame, "order_date")
    if "quantity" in frame:
        out["quantity"] = ctx.integers(frame, "quantity")
    else:
        out["quantity"] = 1.0
        ctx.options.setdefault("derived", []).append("quantity")
    for col in _FLOATS:
        if col in frame:
            if col == "revenue" and "currency" not in frame:
                out[col], cur = ctx.money(frame, col)
                if cur is not None:
                    out["currency"] = cur
            else:
                out[col] = ctx.numbers(frame, col)
    if "revenue" not in out:
        disc = out["discount"].fillna(0) if "discount" in out else 0.0
        out["revenue"] = out["quantity"] * out["unit_price"] - disc
        ctx.summary.note("revenue computed as quantity x unit_price" + (" - discount" if "discount" in out else ""))
    for col in ctx.options.get("revenue_less", ()):
        out["revenue"] = out["revenue"] - out[col].fillna(0)
    for col in _TEXT:
        if col in frame and col not in out:
            out[col] = text(frame, col)
    if "line_type" in frame:
        lt = text(frame, "line_type").str.lower()
        bad = ~lt.isin(LINE_TYPES)
        if bad.any():
            first = bad.to_numpy().nonzero()[0][0]
            raise DataError(f"line types must be one of {list(LINE_TYPES)}", source=ctx.source, column="line_type",
                            rows=int(bad.sum()), example=f"row {first + 1}: {lt.iloc[first]!r}",
                            fix="Correct those values, or leave line_type out to have it derived from the sign "
                                "of revenue")
        out["line_type"] = lt
    else:
        neg = (out["revenue"] < 0) | (out["quantity"] < 0)
        out["line_type"] = pd.Series("sale", index=frame.index, dtype="string").mask(neg, "return")
        ctx.options.setdefault("derived", []).append("line_type")
    if "status" in frame:
        status, unknown = map_status(frame["status"])
        if unknown.any():
            ctx.summary.add("status_unknown", int(unknown.sum()), "changed",
                            f"lines with a status word not recognised (first: {frame['status'][unknown].iloc[0]!r}): "
                            "status left empty")
        out["status"] = status
        ctx.options.setdefault("derived", []).append("status")   # as written: nothing reversed (see policies)
    return out
