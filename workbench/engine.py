"""The query engine behind order-line aggregations: Ibis on DuckDB by default, any Ibis backend by URL.

Analyses never loop over order lines in pandas. They take an orders table (a pandas frame, an Ibis table,
or what ``load_orders`` returns), turn it into an Ibis table with :func:`as_table` (or
:func:`order_lines`, which also maps column names and checks the columns an analysis needs), build the
aggregation as an Ibis expression, and bring only the small result back with :func:`to_pandas`.

Everything here is portable Ibis (no backend-specific SQL strings), so the same expressions run on DuckDB
for pandas frames and Parquet files and on Spark or a warehouse backend for tables that outgrow one
machine.
"""
from __future__ import annotations

import contextlib
import contextvars
import os
import threading
import warnings
from collections.abc import Iterable, Mapping
from typing import Any

import ibis
import ibis.expr.datatypes as dt
import pandas as pd

from workbench.errors import DataError, ParameterError

__all__ = ["default_backend", "connect", "as_table", "to_pandas", "order_lines", "source_name",
           "PERIODS", "check_period", "period_start", "timestamp", "SALE", "RETURN",
           "LOCAL_BACKENDS", "MAX_COLLECT_ROWS", "collect_limit", "is_local"]

_lock = threading.Lock()
_default: Any = None

SALE, RETURN = "sale", "return"

# Reporting periods and their Ibis truncation units. Weeks start on Monday (ISO 8601), as DuckDB's and
# Spark's date_trunc('week') both do.
PERIODS: dict[str, str] = {"day": "D", "week": "W", "month": "M", "quarter": "Q"}


def default_backend():
    """The process-wide in-memory DuckDB connection that holds pandas frames and local files."""
    global _default
    with _lock:
        if _default is None:
            _default = ibis.duckdb.connect()
        return _default


def connect(url: Any = None):
    """An Ibis backend: the default DuckDB for ``None``/``"duckdb"``; the process's Spark session for
    ``"spark"`` (``"spark://host:7077"``: that standalone master; see :mod:`workbench.spark`); a backend
    object as it is; else ``ibis.connect(url)`` (``"postgres://..."``, ``"bigquery://project/dataset"``, ...)."""
    if url in (None, "", "duckdb", "local"):
        return default_backend()
    if not isinstance(url, str):
        return url
    if url in ("spark", "pyspark") or url.startswith("spark://"):
        from workbench.spark import spark_backend
        return spark_backend(master=url if url.startswith("spark://") else None)
    return ibis.connect(url)


# Data-size safety: on a backend that is not in-process (Spark, a warehouse) the order lines may not fit in
# memory, so to_pandas refuses to bring back more than a limit of rows (analyses only ever bring back
# aggregates; tests/test_data_size_safety.py runs them under a small limit).
LOCAL_BACKENDS = frozenset({"duckdb", "polars", "datafusion"})
MAX_COLLECT_ROWS = int(os.environ.get("WORKBENCH_MAX_COLLECT_ROWS", "1000000"))
_collect_limit: contextvars.ContextVar[int | None] = contextvars.ContextVar("collect_limit", default=None)


@contextlib.contextmanager
def collect_limit(rows: int):
    """Within the block, to_pandas on a non-local backend fails above ``rows`` rows (default
    :data:`MAX_COLLECT_ROWS`, env ``WORKBENCH_MAX_COLLECT_ROWS``)."""
    token = _collect_limit.set(int(rows))
    try:
        yield
    finally:
        _collect_limit.reset(token)


def is_local(expr: Any) -> bool:
    """True when an Ibis expression runs in this process (DuckDB, or unbound memtables), not on Spark/a warehouse."""
    return expr._find_backend(use_default=True).name in LOCAL_BACKENDS


def as_table(orders: Any) -> ibis.Table:
    """Accept a pandas DataFrame, an Ibis table, or an object with a ``.table`` (``OrderLines``)."""
    if isinstance(orders, ibis.Table):
        return orders
    if isinstance(orders, pd.DataFrame):
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*infer_string.*")  # see to_pandas
            return ibis.memtable(orders)
    table = getattr(orders, "table", None)
    if isinstance(table, ibis.Table):
        return table
    raise TypeError(f"expected order lines as a pandas DataFrame, an Ibis table or load_orders() result, "
                    f"got {type(orders).__name__}")


def to_pandas(expr: Any, **kwargs) -> pd.DataFrame | pd.Series | Any:
    """Execute an Ibis expression and return pandas (the one place results cross to pandas).

    On a non-local backend (see :func:`is_local`) a table or column result larger than :func:`collect_limit`
    rows raises a ``DataError`` instead of filling the memory (the query fetches at most limit + 1 rows).
    """
    with warnings.catch_warnings():
        # ibis 12 with pandas 3 warns about `future.infer_string` on every conversion; harmless here.
        warnings.filterwarnings("ignore", message=".*infer_string.*")
        if isinstance(expr, ibis.Scalar) or is_local(expr):
            return expr.to_pandas(**kwargs)
        limit = _collect_limit.get() or MAX_COLLECT_ROWS
        asked = kwargs.pop("limit", None)
        out = expr.to_pandas(limit=limit + 1 if asked is None else min(int(asked), limit + 1), **kwargs)
        if len(out) > limit:
            raise DataError(f"the query would bring more than {limit:,} rows from "
                            f"{expr._find_backend().name} into memory", source="to_pandas",
                            example=f"columns {list(out.columns) if hasattr(out, 'columns') else [out.name]}",
                            fix="Aggregate in the engine first (the workbench's analyses do), filter the table, or "
                                "raise the limit with wb.engine.collect_limit(n) or WORKBENCH_MAX_COLLECT_ROWS if "
                                "this machine can hold it")
        return out


def source_name(orders: Any) -> str:
    """How error messages name an orders argument: the file it was loaded from, else its kind."""
    for attr in ("source", "path"):
        value = getattr(orders, attr, None)
        if isinstance(value, str) and value:
            return value
        if value is not None and hasattr(value, "__fspath__"):
            return str(value)
    if isinstance(orders, pd.DataFrame):
        return "orders (pandas DataFrame)"
    return "orders"


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


def check_period(period: str) -> str:
    """Return ``period`` if it is one of :data:`PERIODS`, else raise a ``ParameterError`` naming the choices."""
    if period not in PERIODS:
        raise ParameterError(f"period={period!r} is not one of {list(PERIODS)}: pick the reporting period "
                             f"(month is the usual choice for a management report)")
    return period


def period_start(ts: ibis.Value, period: str) -> ibis.Value:
    """Start of the reporting period (day/week/month/quarter) containing each timestamp; weeks start Monday."""
    return ts.truncate(PERIODS[check_period(period)])


def timestamp(when: Any) -> ibis.Value:
    """A naive timestamp literal (like the canonical ``order_date``) for filters: ``t.order_date < timestamp(x)``."""
    return ibis.literal(pd.Timestamp(when).to_pydatetime(), type="timestamp")
