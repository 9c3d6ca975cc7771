"""The query engine behind order-line aggregations: Ibis on DuckDB by default, any Ibis backend by URL.

Analyses never loop over order lines in pandas. They take an orders table (a pandas frame, an Ibis table,
or what ``load_orders`` returns), turn it into an Ibis table with :func:`as_table`, build the aggregation
as an Ibis expression, and bring only the small result back with :func:`to_pandas`.
"""
from __future__ import annotations

import threading
import warnings
from typing import Any

import ibis
import pandas as pd

__all__ = ["default_backend", "connect", "as_table", "to_pandas"]

_lock = threading.Lock()
_default: Any = None


def default_backend():
    """The process-wide in-memory DuckDB connection that holds pandas frames and local files."""
    global _default
    with _lock:
        if _default is None:
            _default = ibis.duckdb.connect()
        return _default


def connect(url: str | None = None):
    """An Ibis backend: the default DuckDB for ``None``/``"duckdb"``, else ``ibis.connect(url)``."""
    if url in (None, "", "duckdb", "local"):
        return default_backend()
    return ibis.connect(url)


def as_table(orders: Any) -> ibis.Table:
    """Accept a pandas DataFrame, an Ibis table, or an object with a ``.table`` (``OrderLines``)."""
    if isinstance(orders, ibis.Table):
        return orders
    if isinstance(orders, pd.DataFrame):
        return ibis.memtable(orders)
    table = getattr(orders, "table", None)
    if isinstance(table, ibis.Table):
        return table
    raise TypeError(f"expected order lines as a pandas DataFrame, an Ibis table or load_orders() result, "
                    f"got {type(orders).__name__}")


def to_pandas(expr: Any, **kwargs) -> pd.DataFrame | pd.Series | Any:
    """Execute an Ibis expression and return pandas (the one place results cross to pandas)."""
    with warnings.catch_warnings():
        # ibis 12 with pandas 3 warns about `future.infer_string` on every conversion; harmless here.
        warnings.filterwarnings("ignore", message=".*infer_string.*")
        return expr.to_pandas(**kwargs)
