"""Order lines as analyses read them: an Ibis table with canonical columns, checked for what an analysis needs.

Every analysis over order lines starts with :func:`order_lines`: it accepts a pandas frame, an Ibis table or a
``load_orders`` result, maps the caller's column names to the canonical ones (:mod:`workbench.data.schema`),
and checks that the needed columns exist and hold the right kind of values, so a wrong table fails with a
``DataError`` that names the column instead of deep inside a query.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import ibis
import ibis.expr.datatypes as dt

from workbench.data.schema import SALE
from workbench.engine import as_table, source_name, to_pandas
from workbench.errors import DataError

__all__ = ["order_lines"]

_KINDS = {
    "order_date": (lambda t: t.is_timestamp() or t.is_date(), "dates or timestamps",
                   "convert it with pd.to_datetime(...) first, or load the file with wb.load_orders(), "
                   "which parses dates"),
    "revenue": (lambda t: t.is_numeric(), "numbers",
                "convert it to numbers first (pd.to_numeric), or load the file with wb.load_orders()"),
    "quantity": (lambda t: t.is_numeric(), "numbers",
                 "convert it to numbers first (pd.to_numeric), or load the file with wb.load_orders()"),
}


def order_lines(orders: Any, *, need: Iterable[str], columns: Mapping[str, str | None] | None = None) -> ibis.Table:
    """The orders as an Ibis table with canonical column names, checked for the columns an analysis needs.

    Parameters
    ----------
    orders : DataFrame, ibis.Table or OrderLines
        Order lines (see :mod:`workbench.data.schema`).
    need : iterable of str
        Canonical columns the analysis reads (``"customer_id"``, ``"order_date"``, ...).
    columns : mapping, optional
        Canonical name -> the caller's column name, for tables whose columns are named differently
        (``{"customer_id": "Email"}``). ``{"line_type": None}`` means the table has no line types: every
        line is treated as a sale (e.g. a raw CDNOW frame).

    Returns
    -------
    ibis.Table
        Only the needed columns, renamed to their canonical names.

    Raises
    ------
    DataError
        When a needed column is missing, or order dates / revenue / quantity are not of the right kind.
    """
    t = as_table(orders)
    mapping = {c: c for c in need}
    mapping.update({k: v for k, v in (columns or {}).items() if k in mapping})
    src = source_name(orders)
    present = list(t.columns)
    missing = [(canon, col) for canon, col in mapping.items() if col is not None and col not in present]
    if missing:
        canon, col = missing[0]
        names = ", ".join(f"`{c}`" for _, c in missing)
        raise DataError(
            f"{len(missing)} needed column{'s' if len(missing) > 1 else ''} not found ({names})",
            source=src, column=col,
            fix=(f"Load the file with wb.load_orders(path), which maps known export formats to the canonical "
                 f"columns, or name your column, e.g. {_keyword(canon)}='<your column>'. "
                 f"Columns present: {present[:12]}{' ...' if len(present) > 12 else ''}"))
    exprs = {}
    for canon, col in mapping.items():
        if col is None:
            if canon != "line_type":
                raise DataError(f"column `{canon}` cannot be switched off", source=src, column=canon,
                                fix="Only line_type=None is allowed (every line is then a sale).")
            exprs[canon] = ibis.literal(SALE)
        else:
            exprs[canon] = t[col]
    for canon, (ok, kind, fix) in _KINDS.items():
        if canon in exprs and not ok(exprs[canon].type()):
            first = to_pandas(t.select(exprs[canon].name("v")).limit(1))
            example = repr(first["v"].iloc[0]) if len(first) else None
            raise DataError(f"values are {exprs[canon].type()}, not {kind}", source=src, column=mapping[canon],
                            example=example, fix=f"{fix.capitalize()}")
    if "customer_id" in exprs and not exprs["customer_id"].type().is_string():
        exprs["customer_id"] = exprs["customer_id"].cast(dt.string)
    if "order_id" in exprs and not exprs["order_id"].type().is_string():
        exprs["order_id"] = exprs["order_id"].cast(dt.string)
    return t.select(**exprs)


def _keyword(canonical: str) -> str:
    return {"customer_id": "customer", "order_date": "date", "order_id": "order"}.get(canonical, canonical)
