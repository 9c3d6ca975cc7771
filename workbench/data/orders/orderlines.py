"""OrderLines: what ``load_orders`` returns (the canonical order-line table plus the record of how it was loaded).

Also the two conversions every loading path ends with: a frame to the canonical dtypes and column order of
:mod:`workbench.data.schema`, and a pandas frame to an Ibis in-memory table.
"""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import ibis
import pandas as pd

from workbench.data.schema import ORDERS, ORDER_COLUMNS, REQUIRED_ORDER_COLUMNS
from workbench.data.summary import LoadSummary
from workbench.errors import DataError

__all__ = ["OrderLines"]

DTYPES = {c.name: c.dtype for c in ORDERS}
ENGINE_TITLES = {"duckdb": "DuckDB", "pyspark": "Spark", "postgres": "PostgreSQL", "bigquery": "BigQuery",
                 "snowflake": "Snowflake", "trino": "Trino"}


def engine_title(engine: str) -> str:
    """How messages name an Ibis backend (``"pyspark"`` -> ``"Spark"``)."""
    return ENGINE_TITLES.get(engine, engine)


def engine_name(con: Any) -> str:
    """The Ibis name of a backend (``"duckdb"`` for None, the in-process default)."""
    return "duckdb" if con is None else str(getattr(con, "name", type(con).__name__))


def bound_backend(expr: ibis.Table):
    """The one backend an expression is bound to (None for unbound memtables or several backends)."""
    try:
        backends, _ = expr._find_backends()
    except Exception:  # noqa: BLE001
        return None
    return backends[0] if len(backends) == 1 else None


class OrderLines:
    """Canonical order lines plus the record of how they were loaded.

    Attributes
    ----------
    table : ibis.Table
        Exactly the canonical columns (required ones always, optional ones when the source has them), in
        schema order. For small files an in-memory table; for Parquet/DuckDB a lazy expression on DuckDB.
    summary : LoadSummary
        Lines read, format, lines kept, and every exclusion or treatment with its count and reason.
    source : str
        The file read (absolute path) or ``"DataFrame"``.
    format : str
        The layout recognised.
    engine : str
        Where queries on ``table`` run: ``"duckdb"``, ``"pyspark"``, ``"postgres"``, ...
    local_file : bool
        The lines are a local file that DuckDB reads at each query (a CSV export): another engine gets them
        collected here and handed over, as for lines parsed in memory.
    """

    def __init__(self, table: ibis.Table, summary: LoadSummary, *, source: str, format: str,
                 frame: pd.DataFrame | None = None, engine: str = "duckdb", local_file: bool = False) -> None:
        self.table = table
        self.summary = summary
        self.source = source
        self.format = format
        self.engine = engine
        self.local_file = local_file
        self._frame = frame

    @property
    def columns(self) -> list[str]:
        return list(self.table.columns)

    @property
    def lazy(self) -> bool:
        """True when the lines live in a file or database and are read only by queries."""
        return self._frame is None

    def to_pandas(self, *, limit: int | None = None) -> pd.DataFrame:
        """The order lines as a pandas frame with the canonical dtypes (a copy; for lazy sources, a query)."""
        if self._frame is not None:
            out = self._frame if limit is None else self._frame.head(limit)
            return out.copy()
        from workbench.engine import to_pandas
        expr = self.table if limit is None else self.table.limit(limit)
        return canonical_dtypes(to_pandas(expr))

    def __len__(self) -> int:
        if self._frame is not None:
            return len(self._frame)
        return int(self.summary.resolve().lines_kept)

    def __repr__(self) -> str:
        kind = f"lazy, {engine_title(self.engine)}" if self.lazy else "in memory" if self.engine == "duckdb" \
            else f"parsed here, queried on {engine_title(self.engine)}"
        kept = self.summary.lines_kept
        n = f"{len(self._frame):,} lines" if self._frame is not None else f"{int(kept):,} lines" \
            if isinstance(kept, (int, float)) else "lines counted on demand"
        return f"<OrderLines {self.format} from {Path(self.source).name}: {n} ({kind}); columns {self.columns}>"

    def _repr_html_(self) -> str:
        return self.summary._repr_html_()


def canonical_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    """Canonical columns in schema order, with the schema's dtypes; optional columns only when present."""
    cols = [c for c in ORDER_COLUMNS if c in frame.columns]
    out = {}
    for c in cols:
        dtype = DTYPES[c]
        s = frame[c]
        if dtype == "int64":
            s = pd.to_numeric(s).round().astype("int64")
        elif dtype == "datetime64[us]":
            s = pd.to_datetime(s).astype("datetime64[us]")
        elif dtype == "float64":
            s = pd.to_numeric(s).astype("float64")
        else:
            s = s.astype("string")
        out[c] = s.reset_index(drop=True)
    result = pd.DataFrame(out)
    missing = [c for c in REQUIRED_ORDER_COLUMNS if c not in result]
    if missing:
        raise DataError(f"internal: canonical columns missing {missing}")
    return result


def memtable(frame: pd.DataFrame) -> ibis.Table:
    """A pandas frame as an Ibis in-memory table."""
    with warnings.catch_warnings():
        # ibis 12 with pandas 3 warns about `future.infer_string` when it reads string dtypes; harmless here
        warnings.filterwarnings("ignore", message=".*infer_string.*")
        return ibis.memtable(frame)
