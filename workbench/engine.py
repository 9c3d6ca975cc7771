"""The query engine: Ibis on DuckDB by default, any Ibis backend by URL, and the one door back to pandas.

Analyses never loop over order lines in pandas. They take a table (a pandas frame, an Ibis table, or what
``load_orders`` returns), turn it into an Ibis table with :func:`as_table` (order lines go through
:func:`workbench.data.lines.order_lines`, which also maps column names and checks the columns an analysis
needs), build the aggregation as an Ibis expression, and bring only the small result back with
:func:`to_pandas`. This module knows backends, not e-commerce: no order-line column is named here.

Everything here is portable Ibis (no backend-specific SQL strings), so the same expressions run on DuckDB
for pandas frames and Parquet files and on Spark or a warehouse backend for tables that outgrow one
machine.

The in-process DuckDB gets a memory ceiling and a folder to spill to (:func:`duckdb_settings`): by default half
of this machine's memory and a per-process folder under the system's temporary folder (removed at exit), set
with the environment variables ``WORKBENCH_DUCKDB_MEMORY`` (``"4GB"``, ``"500MB"``, ``"25%"`` of the memory) and
``WORKBENCH_DUCKDB_TEMP`` (a folder on a disk with room). Data larger than the ceiling are then processed in
parts written to that folder instead of the process being killed for want of memory.
"""
from __future__ import annotations

import atexit
import contextlib
import contextvars
import os
import re
import shutil
import tempfile
import threading
import warnings
import weakref
from typing import Any

import ibis
import pandas as pd

from workbench.errors import DataError, ParameterError, mask_password

__all__ = ["default_backend", "duckdb_settings", "DUCKDB_MEMORY_SHARE", "connect", "as_table", "to_pandas",
           "source_name", "timestamp", "cache", "LOCAL_BACKENDS", "MAX_COLLECT_ROWS", "collect_limit", "is_local",
           "mask_password", "backend_url"]

_lock = threading.Lock()
_default: Any = None

# Share of the machine's memory DuckDB may use by default: the rest is left to pandas, the notebook's charts and
# the other processes (DuckDB's own default, 80%, leaves a report little room).
DUCKDB_MEMORY_SHARE = 0.5
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(%|B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)\s*$", re.IGNORECASE)


def _machine_memory() -> int | None:
    """Bytes of physical memory (None where the system does not say)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        return None


def duckdb_settings() -> dict[str, str]:
    """The memory ceiling and spill folder of the in-process DuckDB: ``{"memory_limit": ..., "temp_directory": ...}``.

    ``memory_limit`` is ``WORKBENCH_DUCKDB_MEMORY`` (a size such as ``"4GB"`` or ``"500MB"``, or a share of the
    machine's memory such as ``"25%"``), by default :data:`DUCKDB_MEMORY_SHARE` of the memory (DuckDB's own
    default where the system does not say how much there is). ``temp_directory`` is ``WORKBENCH_DUCKDB_TEMP``, by
    default ``workbench-duckdb-<process id>`` in the system's temporary folder, removed when the process ends.
    """
    raw = os.environ.get("WORKBENCH_DUCKDB_MEMORY", "").strip()
    total = _machine_memory()
    out: dict[str, str] = {}
    if raw:
        m = _SIZE.match(raw)
        if not m or float(m.group(1)) <= 0 or (m.group(2) == "%" and (float(m.group(1)) > 100 or total is None)):
            raise ParameterError(
                f"WORKBENCH_DUCKDB_MEMORY={raw!r} is not a memory size: give one such as '4GB' or '500MB', or a "
                f"share of this machine's memory such as '25%', or unset it for {DUCKDB_MEMORY_SHARE:.0%}")
        if m.group(2) == "%":
            out["memory_limit"] = f"{int(total * float(m.group(1)) / 100 / 2**20)}MiB"
        else:
            out["memory_limit"] = f"{m.group(1)}{m.group(2).upper().replace('I', 'i')}"
    elif total:
        out["memory_limit"] = f"{int(total * DUCKDB_MEMORY_SHARE / 2**20)}MiB"
    temp = os.environ.get("WORKBENCH_DUCKDB_TEMP", "").strip()
    out["temp_directory"] = temp or os.path.join(tempfile.gettempdir(), f"workbench-duckdb-{os.getpid()}")
    return out


def _remove_own_temp(folder: str) -> None:
    if os.path.basename(folder) == f"workbench-duckdb-{os.getpid()}":  # only the folder this process named
        shutil.rmtree(folder, ignore_errors=True)


def default_backend():
    """The process-wide in-memory DuckDB connection that holds pandas frames and local files, with the memory
    ceiling and spill folder of :func:`duckdb_settings`."""
    global _default
    with _lock:
        if _default is None:
            settings = duckdb_settings()
            _default = ibis.duckdb.connect(**settings)
            atexit.register(_remove_own_temp, settings["temp_directory"])
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
    con = ibis.connect(url)
    key = id(con)
    _urls[key] = (weakref.ref(con, lambda _, key=key: _urls.pop(key, None)), mask_password(url))
    return con


# The URL each backend was opened with, password masked: how error messages name a warehouse. Keyed by object
# (backends compare equal by connection identity, so two connections to one URL would share a weak key).
_urls: dict[int, tuple[weakref.ref, str]] = {}


def backend_url(con: Any) -> str | None:
    """The URL a backend was opened with by :func:`connect`, password masked (None for other backends)."""
    ref, url = _urls.get(id(con), (None, None))
    return url if ref is not None and ref() is con else None


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
        if is_local(expr):
            return expr.to_pandas(**kwargs)
        try:
            return _collect_remote(expr, **kwargs)
        except Exception as exc:
            if not any(c.__name__ == "OperationalError" for c in type(exc).__mro__):
                raise
            raise _connection_lost(expr, exc) from None


def cache(expr: Any) -> Any:
    """``expr.cache()`` (a temporary table on the backend), with a lost connection or a timeout said as in
    :func:`to_pandas`: an intermediate table is a query too."""
    try:
        return expr.cache()
    except Exception as exc:
        if is_local(expr) or not any(c.__name__ == "OperationalError" for c in type(exc).__mro__):
            raise
        raise _connection_lost(expr, exc) from None


def _collect_remote(expr: Any, **kwargs) -> Any:
    """A query on Spark or a warehouse, refused above the collect limit."""
    if isinstance(expr, ibis.Scalar):
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


def _connection_lost(expr: Any, exc: Exception) -> DataError:
    """A DB-API ``OperationalError`` (the server went down, the connection dropped, a statement timeout) as a
    DataError naming the server's URL (password masked) and the tables the query read."""
    from ibis.expr import operations as ops

    con = expr._find_backend()
    tables = sorted({".".join([*(p for p in (op.namespace.catalog, op.namespace.database) if p), op.name])
                     for op in expr.op().find(ops.DatabaseTable)})
    text = str(exc).strip()
    first = mask_password(text.splitlines()[0]) if text else ""
    reading = f" reading table{'s' if len(tables) > 1 else ''} {', '.join(repr(t) for t in tables)}" if tables \
        else ""
    if getattr(getattr(con, "con", None), "closed", False):  # the driver's connection is gone (psycopg: closed)
        what = "the connection to the server was lost"
        fix = ("Check that the database server is running and reachable from this machine, then load the orders "
               "again (load_orders(..., engine=...)) and rerun")
    else:
        what = "the server could not run it"
        fix = ("Check that the server is up and has the room the query needs (disk, memory, a statement timeout "
               "long enough), then rerun")
    return DataError(f"the query{reading} failed: {what} ({exc.__class__.__name__}: {first})",
                     source=backend_url(con) or f"engine={con.name}", fix=fix)


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


def timestamp(when: Any) -> ibis.Value:
    """A naive timestamp literal (like the canonical ``order_date``) for filters: ``t.order_date < timestamp(x)``."""
    return ibis.literal(pd.Timestamp(when).to_pydatetime(), type="timestamp")
