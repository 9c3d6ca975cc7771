"""load_orders: read an orders export (CSV, Parquet, Excel, DuckDB, known layouts) into the canonical order-line table.

``wb.load_orders(source)`` returns an :class:`OrderLines`: ``.table`` (an Ibis table with the canonical columns of
``workbench.data.schema.ORDERS``), ``.summary`` (a :class:`~workbench.data.summary.LoadSummary` of what was read
and what was done with every line), ``.source``, ``.format``, ``.columns`` and ``.to_pandas()``. Every analysis
accepts it (``workbench.engine.as_table``).

Sources
-------
- A path (relative paths from the current folder, then the project root) or a shipped name (``"cdnow"``).
- CSV/TSV/TXT (also ``.gz``): read with :func:`workbench.data.csvread.read_csv_robust` (encodings, delimiters,
  decimal commas, currency signs), then mapped by layout. Excel (``.xlsx``, ``.xls``; ``sheet=``).
- Parquet (a file, a folder or a glob) and DuckDB databases (``.duckdb``; ``table=``): **lazy**. The file is
  opened through Ibis on DuckDB and mapped with Ibis expressions; nothing is read until an analysis runs a
  query, and the summary's counts are computed on first access. Canonical columns or ``columns=`` mapping.
  (A Parquet file in a known export layout, e.g. Online Retail, is read eagerly and mapped like a CSV.)
- A pandas DataFrame (canonical columns, or ``columns=``) or an Ibis table (lazy, like Parquet).

Engines (``engine=``)
---------------------
Where the queries of the analyses run. ``None``/``"duckdb"`` (the default): DuckDB in this process, for
local files. ``"spark"``: the process's Spark session (:mod:`workbench.spark`: a local ``local[2]`` session, or
the session already running under ``spark-submit``/Databricks). Any Ibis connection URL for a warehouse:
``"postgres://user:pass@host:5432/shop"``, ``"bigquery://project/dataset"``,
``"snowflake://user:pass@account/database/schema?warehouse=wh"``, ``"trino://user@host:8080/hive/sales"``,
``"duckdb:///srv/warehouse.duckdb"``. An Ibis backend object is taken as it is. With an engine:

- a **table name** (``load_orders("orders", engine="spark")``, ``"sales.orders"`` with its database, or
  ``table="orders"``) reads that table where it lives; nothing is copied;
- a **Parquet** file, folder (e.g. Hive-partitioned) or glob is read by the engine itself (Spark reads it in
  parallel; a warehouse cannot read local files: load them there first);
- a **CSV/Excel/fixed-width export** or a DataFrame is parsed here as usual and the canonical lines are handed
  to the engine as a temporary view (sensible for Spark; for a warehouse, load the data there instead).

Results stay on the engine: the analyses bring back only aggregates, and ``workbench.engine.to_pandas``
refuses to bring more than ``MAX_COLLECT_ROWS`` rows from a non-local engine (so ``.to_pandas()`` on ten
million Spark lines fails with a clear message instead of filling the memory).

Layouts recognised by header (``format="auto"``): ``canonical``, ``cdnow`` (fixed width and its CSV twin),
``shopify``, ``woocommerce`` (Analytics download) and ``woocommerce-export`` (order-export plugin),
``online-retail`` (UCI) and ``online-retail-ii``; anything else with ``columns={canonical: source column}``.

Policy for returns, cancellations and non-product lines (the defaults follow Shopify's sales reports)
------------------------------------------------------------------------------------------------------
- ``returns="keep"``: return, refund and cancellation lines stay as negative revenue and quantity
  (``line_type="return"``), so revenue sums to **net sales**; ``"drop"`` leaves them out (gross sales).
- ``cancelled="reverse"``: an order cancelled after it was placed is a sale on the day placed and a return on
  the day cancelled (net zero); ``"drop"`` leaves the whole cancelled order out (its sale and its reversal).
- ``non_product="drop"``: postage, fees, manual adjustments, bad debt and similar lines
  (``line_type="non_product"``) are left out of the table; ``"keep"`` keeps them (revenue then includes them).
- Lines without a customer id are always kept: they count for revenue and orders, not for customer metrics.
- Amounts in several currencies need ``currency=``: lines in that currency are kept, others left out.

Every one of these decisions is counted in ``.summary``; nothing is dropped silently.
"""
from __future__ import annotations

import glob as _glob
import os
import re
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

import ibis
import numpy as np
import pandas as pd

from workbench import config, provenance
from workbench.data import formats
from workbench.data.csvread import read_csv_robust
from workbench.data.formats import cdnow as _cdnow
from workbench.data.formats import generic as _generic
from workbench.data.formats._base import LoadContext, norm, plural
from workbench.data.schema import LINE_TYPES, ORDERS, ORDER_COLUMNS, REQUIRED_ORDER_COLUMNS
from workbench.data.summary import LoadSummary, SummaryItem
from workbench.errors import DataError, WorkbenchError

__all__ = ["load_orders", "OrderLines", "LoadSummary", "SummaryItem", "ORDER_FORMATS", "read_csv_robust"]

ORDER_FORMATS = ("canonical", "cdnow", "shopify", "woocommerce", "woocommerce-export", "online-retail",
                 "online-retail-ii")

_DTYPES = {c.name: c.dtype for c in ORDERS}
_IBIS_TYPES = {"string": "string", "datetime64[us]": "timestamp", "float64": "float64", "int64": "int64"}
_CSV_SUFFIXES = {".csv", ".tsv", ".txt", ".tab", ".dat", ".zip"}
_EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
_PARQUET_SUFFIXES = {".parquet", ".pq", ".parq"}
_DUCKDB_SUFFIXES = {".duckdb", ".ddb", ".db"}
_ENGINE_TITLES = {"duckdb": "DuckDB", "pyspark": "Spark", "postgres": "PostgreSQL", "bigquery": "BigQuery",
                  "snowflake": "Snowflake", "trino": "Trino"}


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
    """

    def __init__(self, table: ibis.Table, summary: LoadSummary, *, source: str, format: str,
                 frame: pd.DataFrame | None = None, engine: str = "duckdb") -> None:
        self.table = table
        self.summary = summary
        self.source = source
        self.format = format
        self.engine = engine
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
        return _canonical_dtypes(to_pandas(expr))

    def __len__(self) -> int:
        if self._frame is not None:
            return len(self._frame)
        return int(self.summary.resolve().lines_kept)

    def __repr__(self) -> str:
        kind = f"lazy, {_title(self.engine)}" if self.lazy else "in memory" if self.engine == "duckdb" \
            else f"parsed here, queried on {_title(self.engine)}"
        n = f"{len(self._frame):,} lines" if self._frame is not None else "lines counted on demand"
        return f"<OrderLines {self.format} from {Path(self.source).name}: {n} ({kind}); columns {self.columns}>"

    def _repr_html_(self) -> str:
        return self.summary._repr_html_()


# ----------------------------------------------------------------------------------------------------------
# the loader
# ----------------------------------------------------------------------------------------------------------

def load_orders(source: Any = None, format: str = "auto", columns: dict[str, str] | None = None, *,
                sheet: str | int | None = None, currency: str | None = None, returns: str = "keep",
                non_product: str = "drop", cancelled: str = "reverse", dayfirst: bool | None = None,
                decimal: str = "auto", delimiter: str | None = None, encoding: str | None = None,
                table: str | None = None, engine: Any = None) -> OrderLines:
    """Read order lines from a file, a shipped data set or a frame into the canonical order-line table.

    Parameters
    ----------
    source : path, str, DataFrame or ibis.Table
        A CSV/TSV/TXT, Excel, Parquet (file, folder or glob) or DuckDB file; a shipped data set name
        (``"cdnow"``); a pandas DataFrame; an Ibis table; with ``engine=``, also a table name on that engine
        (``"orders"``, ``"sales.orders"``).
    format : str
        ``"auto"`` (recognise the layout by its header) or one of ``ORDER_FORMATS``.
    columns : dict, optional
        ``{canonical column: source column}`` for files in no known layout, e.g.
        ``{"order_id": "Invoice", "customer_id": "Client", "order_date": "Date", "revenue": "Net"}``.
        Needs order_id, customer_id, order_date and revenue (or unit_price). Source columns already named
        canonically are taken too.
    sheet : str or int, optional
        Excel sheet (default: the first).
    currency : str, optional
        ISO code. Required when the amounts are in several currencies: lines in this currency are kept, the
        others left out and counted. For a file without a currency column, it is written on every line.
    returns : {"keep", "drop"}
        Keep return/refund/cancellation lines as negative revenue (net sales), or leave them out (gross).
    non_product : {"drop", "keep"}
        Leave out postage, fees, adjustments and other non-product lines, or keep them.
    cancelled : {"reverse", "drop"}
        A cancelled order: a sale reversed by a return on the cancellation day, or left out entirely.
    dayfirst : bool, optional
        For ``01/02/2024``-style dates: True = day/month. Decided from the data when omitted (see summary).
    decimal : {"auto", ".", ","}
        Decimal mark of amounts in text files; decided per column when "auto".
    delimiter, encoding : str, optional
        Override CSV detection.
    table : str, optional
        Table name inside a DuckDB database (default: ``orders``, or its only table). With ``engine=``: a
        table on that engine (``"orders"``, ``"sales.orders"``), read instead of ``source``.
    engine : str or Ibis backend, optional
        Where the analyses' queries run: ``None``/``"duckdb"`` (default, this process), ``"spark"`` (see
        :mod:`workbench.spark`), or an Ibis connection URL (``"postgres://..."``, ``"bigquery://..."``,
        ``"snowflake://..."``, ``"trino://..."``); see the module docstring.

    Returns
    -------
    OrderLines

    Raises
    ------
    DataError
        A file that does not exist, is empty or has only a header; a layout not recognised; a required column
        missing; amounts that are not numbers; dates that are not dates; a duplicated header; several
        currencies without ``currency=``; a table not found on the engine. The message names the file,
        column, row count, first example and the fix.
    SparkUnavailableError
        ``engine="spark"`` on a machine without Java 17+.
    """
    _check_option("returns", returns, ("keep", "drop"))
    _check_option("non_product", non_product, ("drop", "keep"))
    _check_option("cancelled", cancelled, ("reverse", "drop"))
    _check_option("decimal", decimal, ("auto", ".", ","))
    if format != "auto" and format not in ORDER_FORMATS:
        raise DataError(f"format {format!r} is not a known orders format", source="format=",
                        example=format, fix=f"Use 'auto' or one of {list(ORDER_FORMATS)}, or pass columns=")
    if currency is not None:
        currency = str(currency).strip().upper()
    opts = dict(currency=currency, returns=returns, non_product=non_product, cancelled=cancelled,
                dayfirst=dayfirst, decimal=decimal)
    read = dict(fmt=format, columns=columns, opts=opts, sheet=sheet, delimiter=delimiter, encoding=encoding)
    con = _engine_backend(engine)
    if con is not None:
        return _load_on_engine(source, con, table=table, **read)
    if source is None:
        raise DataError("no orders source given", source="load_orders",
                        fix="Pass a file path, a shipped data set name ('cdnow') or a DataFrame; for a table on "
                            "Spark or a warehouse pass its name with engine=, e.g. load_orders('orders', "
                            "engine='spark')")
    return _load_local(source, table=table, **read)


def _load_local(source: Any, *, fmt: str, columns: dict | None, opts: dict, sheet: str | int | None,
                delimiter: str | None, encoding: str | None, table: str | None,
                con: Any = None) -> OrderLines:
    """Read a file or frame; Parquet through ``con`` (default DuckDB), everything else parsed here."""
    format = fmt
    if isinstance(source, ibis.Table):
        return _load_lazy(source, name="Ibis table", source="Ibis table", fmt=format, columns=columns,
                          opts=opts, num_rows=None, engine=_engine_name(_bound_backend(source)))
    if isinstance(source, pd.DataFrame):
        return _load_frame(source.copy(deep=False), name="DataFrame", source="DataFrame", fmt=format,
                           columns=columns, opts=opts, default_decimal=".")

    path, paths = _resolve_source(source)
    for p in paths:
        provenance.register_input(p, role="orders")
    name = path.name
    suffixes = [s.lower() for s in path.suffixes]
    suffix = suffixes[-1] if suffixes else ""
    if suffix == ".gz" and len(suffixes) > 1:
        suffix = suffixes[-2]

    if path.is_dir() or suffix in _PARQUET_SUFFIXES:
        expr = _read_parquet(con or _backend(), path, paths)
        return _load_lazy(expr, name=name, source=str(path), fmt=format, columns=columns, opts=opts,
                          num_rows=_parquet_rows(paths), parquet_files=paths if columns is None else None,
                          engine=_engine_name(con))
    if suffix in _DUCKDB_SUFFIXES:
        return _load_duckdb(path, name=name, fmt=format, columns=columns, opts=opts, table=table)
    if suffix in _EXCEL_SUFFIXES:
        frame, notes = _read_excel(path, name=name, sheet=sheet)
        return _load_frame(frame, name=name, source=str(path), fmt=format, columns=columns, opts=opts,
                           default_decimal=".", read_notes=notes)
    if format in ("auto", "cdnow") and columns is None and _cdnow.sniff(path) and suffix != ".csv":
        frame = _cdnow.read_fixed_width(path, source=name)
        return _load_frame(frame, name=name, source=str(path), fmt="cdnow", columns=None, opts=opts,
                           default_decimal=".", read_notes=["Read as the fixed-width CDNOW master file."])
    read = read_csv_robust(path, delimiter=delimiter, encoding=encoding, source=name)
    return _load_frame(read.frame, name=name, source=str(path), fmt=format, columns=columns, opts=opts,
                       default_decimal=read.decimal, read_notes=read.notes)


def _check_option(name: str, value: Any, allowed: tuple) -> None:
    if value not in allowed:
        raise DataError(f"{name}={value!r} is not one of {list(allowed)}", source=f"{name}=", example=value,
                        fix=f"Pass {name}=" + " or ".join(repr(a) for a in allowed))


def _backend():
    from workbench.engine import default_backend
    return default_backend()


# ----------------------------------------------------------------------------------------------------------
# other engines: Spark, warehouses (any Ibis backend)
# ----------------------------------------------------------------------------------------------------------

_FILE_SUFFIXES = _CSV_SUFFIXES | _EXCEL_SUFFIXES | _PARQUET_SUFFIXES | _DUCKDB_SUFFIXES | {".gz", ".xml", ".json"}


def _engine_backend(engine: Any):
    """None for the default in-process DuckDB, else the Ibis backend named by ``engine``."""
    if engine is None or (isinstance(engine, str) and engine.strip().lower() in ("", "duckdb", "local")):
        return None
    if isinstance(engine, str):
        from workbench.engine import connect
        try:
            return connect(engine.strip())
        except WorkbenchError:
            raise  # e.g. Spark without Java: its own message says what to install
        except Exception as exc:  # noqa: BLE001 - unknown scheme, missing driver, bad URL, server unreachable
            shown = _mask_password(engine)
            first = _mask_password(str(exc).strip().splitlines()[0]) if str(exc).strip() else ""
            raise DataError(f"cannot connect to engine {shown!r} ({exc.__class__.__name__}: {first})",
                            source="engine=", example=shown,
                            fix="Use 'duckdb' (local files), 'spark', or an Ibis connection URL such as "
                                "'postgres://user:password@host:5432/database', 'bigquery://project/dataset', "
                                "'snowflake://user:password@account/database/schema?warehouse=wh' or "
                                "'trino://user@host:8080/catalog/schema' (the backend's Ibis extra must be "
                                "installed, e.g. pip install 'ibis-framework[postgres]')") from None
    return engine  # an Ibis backend object


def _mask_password(text: str) -> str:
    """``postgres://bob:secret@host`` -> ``postgres://bob:***@host``: messages never show a password."""
    return re.sub(r"//([^:/@\s]+):[^@\s]*@", r"//\1:***@", text)


def _engine_name(con: Any) -> str:
    return "duckdb" if con is None else str(getattr(con, "name", type(con).__name__))


def _title(engine: str) -> str:
    return _ENGINE_TITLES.get(engine, engine)


def _looks_like_table_name(source: Any) -> bool:
    """``orders``, ``sales.orders`` or ``catalog.sales.orders`` that is not a file or a shipped data set."""
    if not isinstance(source, str) or source in config.SHIPPED:
        return False
    if not re.fullmatch(r"[A-Za-z_][\w$]*(\.[A-Za-z_][\w$]*){0,2}", source):
        return False
    if Path(source).suffix.lower() in _FILE_SUFFIXES:
        return False
    return not config.resolve_path(source).exists()


def _load_on_engine(source: Any, con: Any, *, table: str | None, fmt: str, columns: dict | None, opts: dict,
                    sheet: str | int | None, delimiter: str | None, encoding: str | None) -> OrderLines:
    """Order lines whose queries run on ``con`` (Spark, a warehouse)."""
    engine = _engine_name(con)
    name = table if table is not None else source if _looks_like_table_name(source) else None
    if name is not None:
        expr = _engine_table(con, name, engine)
        lines = _load_lazy(expr, name=f"{name} ({_title(engine)})", source=f"{_title(engine)} table {name}",
                           fmt=fmt, columns=columns, opts=opts, num_rows=None, engine=engine)
        if table is not None and source is not None:
            lines.summary.note(f"Read table {name!r} on {_title(engine)}; the file given as source ({source}) was "
                               "not read.")
    elif source is None:
        raise DataError("no orders source given", source="load_orders",
                        fix=f"Pass a table name on {engine} (load_orders('orders', engine=...)) or a file")
    else:
        lines = _load_local(source, fmt=fmt, columns=columns, opts=opts, sheet=sheet, delimiter=delimiter,
                            encoding=encoding, table=None, con=con)
    if _engine_name(_bound_backend(lines.table)) == engine:
        return lines
    if lines._frame is None:
        raise DataError(f"this source cannot be read by {_title(engine)}", source=lines.source,
                        fix="Export the order lines as Parquet (DuckDB: COPY orders TO 'orders.parquet') and pass "
                            "that file, or put them in a table on the engine and pass its name")
    # parsed here (CSV, Excel, fixed width, a frame): hand the canonical lines to the engine
    view = _upload(con, lines._frame)
    lines.summary.note(f"Parsed in this process, then handed to {_title(engine)} as a temporary view: the "
                       "analyses' queries run there.")
    return OrderLines(view, lines.summary, source=lines.source, format=lines.format, frame=lines._frame,
                      engine=engine)


def _bound_backend(expr: ibis.Table):
    try:
        backends, _ = expr._find_backends()
    except Exception:  # noqa: BLE001
        return None
    return backends[0] if len(backends) == 1 else None


def _engine_table(con: Any, name: str, engine: str) -> ibis.Table:
    parts = name.split(".")
    database = tuple(parts[:-1]) if len(parts) == 3 else parts[0] if len(parts) == 2 else None
    try:
        return con.table(parts[-1], database=database)
    except Exception as exc:  # noqa: BLE001 - each backend raises its own "not found"
        try:
            tables = sorted(con.list_tables(database=database) if database else con.list_tables())
        except Exception:  # noqa: BLE001
            tables = []
        tables = [t for t in tables if not t.startswith(("ibis_", "workbench_orders_"))]  # our own temp views
        raise DataError(f"table {name!r} not found on {_title(engine)} ({exc.__class__.__name__})",
                        source="engine=" + engine,
                        example=f"tables there: {tables[:20]}{' ...' if len(tables) > 20 else ''}",
                        fix="Check the table name (with its database: 'sales.orders'), or pass a file path; a "
                            "path that does not exist is taken as a table name when engine= is given") from None


def _read_parquet(con: Any, path: Path, paths: list[Path]) -> ibis.Table:
    engine = _engine_name(con)
    try:
        if path.is_dir() and engine != "duckdb":
            return con.read_parquet(str(path))  # Spark reads the folder itself (Hive partitions too)
        if engine == "duckdb":
            target = [str(p) for p in paths]
            return con.read_parquet(target if len(target) > 1 else target[0])
        parts = [con.read_parquet(str(p)) for p in paths]
        return parts[0] if len(parts) == 1 else parts[0].union(*parts[1:])
    except (NotImplementedError, AttributeError) as exc:
        raise DataError(f"{_title(engine)} cannot read local Parquet files ({exc.__class__.__name__})",
                        source=str(path),
                        fix=f"Load the file into {_title(engine)} first (its own bulk loader) and pass the table "
                            "name, or use engine='duckdb' or engine='spark' for local files") from None


def _upload(con: Any, frame: pd.DataFrame) -> ibis.Table:
    """The canonical frame as a temporary view/table on ``con``."""
    from ibis import util

    name = util.gen_name("workbench_orders")
    if _engine_name(con) == "pyspark":
        return con.create_view(name, _memtable(frame), overwrite=True)
    return con.create_table(name, _memtable(frame), temp=True)


def _resolve_source(source: Any) -> tuple[Path, list[Path]]:
    """The path given, and the files it stands for (one, or every Parquet file of a folder or glob)."""
    text = os.fspath(source)
    if any(ch in text for ch in "*?[") and not Path(text).exists():
        base = config.resolve_path(Path(text).parent)
        files = sorted(Path(p) for p in _glob.glob(str(base / Path(text).name)))
        if not files:
            raise DataError("no file matches the pattern", source=text, rows=0,
                            fix="Check the folder and the pattern (e.g. 'data/orders/*.parquet')")
        return files[0], files
    path = config.resolve_path(text)
    if not path.exists():
        shipped = ", ".join(sorted(config.SHIPPED))
        raise DataError("file not found", source=text,
                        fix=f"Check the path (relative paths are read from the current folder, then the project "
                            f"root {config.PROJECT_ROOT}); shipped data sets by name: {shipped}")
    if path.is_dir():
        files = sorted(f for f in path.rglob("*") if f.suffix.lower() in _PARQUET_SUFFIXES)
        if not files:
            raise DataError("the folder holds no Parquet files", source=str(path), rows=0,
                            fix="Pass a file, or a folder of .parquet files")
        return path, files
    return path, [path]


def _parquet_rows(paths: list[Path]) -> int | None:
    """Row count from the Parquet footers (no data read); None when pyarrow cannot read them."""
    try:
        import pyarrow.parquet as pq
        return int(sum(pq.ParquetFile(p).metadata.num_rows for p in paths))
    except Exception:  # noqa: BLE001 - fall back to a lazy count
        return None


def _read_excel(path: Path, *, name: str, sheet: str | int | None) -> tuple[pd.DataFrame, list[str]]:
    sheets = pd.ExcelFile(path).sheet_names
    chosen = sheets[0] if sheet is None else sheets[sheet] if isinstance(sheet, int) and sheet < len(sheets) \
        else sheet
    notes = [f"Sheet {chosen!r} read" + (f" (the workbook also has {[s for s in sheets if s != chosen]}; pass "
                                         "sheet= for another)." if len(sheets) > 1 else ".")]
    try:
        raw = pd.read_excel(path, sheet_name=0 if sheet is None else sheet, header=None, dtype=object)
    except ValueError as exc:
        if "Worksheet" in str(exc) or "sheet" in str(exc).lower():
            raise DataError(f"sheet {sheet!r} not found", source=name, example=f"sheets: {sheets}",
                            fix="Pass sheet= with one of the sheet names") from None
        raise
    raw = raw.dropna(how="all").dropna(axis=1, how="all")
    if raw.empty:
        raise DataError("the sheet is empty (no header, no rows)", source=name,
                        fix="Choose the sheet holding the orders with sheet=")
    header = [str(h).strip() if pd.notna(h) else "" for h in raw.iloc[0]]
    _check_header(header, name)
    body = raw.iloc[1:].reset_index(drop=True)
    if body.empty:
        raise DataError("the file has a header but no data rows", source=name, rows=0,
                        example=f"header: {header}", fix="Export a period that contains orders")
    body.columns = header
    # Excel cells come typed (numbers, datetimes) or as text; keep types where Excel has them, text otherwise.
    out = {}
    for col in header:
        s = body[col]
        kinds = {type(v) for v in s.dropna()}
        if kinds and all(issubclass(k, (int, float, np.integer, np.floating)) for k in kinds):
            out[col] = pd.to_numeric(s).astype("float64")
        elif kinds and all(issubclass(k, (pd.Timestamp, np.datetime64)) or k.__name__ == "datetime" for k in kinds):
            out[col] = pd.to_datetime(s)
        else:
            out[col] = s.map(lambda v: v if pd.isna(v) else str(v)).astype("string")
    return pd.DataFrame(out), notes


def _check_header(header: list[str], name: str) -> None:
    seen: dict[str, int] = {}
    for h in header:
        seen[h] = seen.get(h, 0) + 1
    dups = [h for h, n in seen.items() if n > 1]
    if dups:
        raise DataError(f"the header names {len(dups)} column(s) twice: {dups}", source=name, column=dups[0],
                        rows=sum(seen[d] for d in dups), example=f"header: {header}",
                        fix="Rename or delete the duplicated columns so each name appears once, "
                            "then load the file again")


# ----------------------------------------------------------------------------------------------------------
# eager path: pandas frame -> layout mapper -> policies -> memtable
# ----------------------------------------------------------------------------------------------------------

def _choose_layout(header: list[str], *, name: str, fmt: str, columns: dict | None) -> tuple[ModuleType, str]:
    """The layout module for this header, or one clear DataError."""
    if columns is not None:
        _generic.check_mapping(columns, header, source=name)
        return _generic, "generic"
    if fmt != "auto":
        module = formats.FORMATS[fmt]
        _require(module, header, name)
        return module, module.NAME
    module = formats.detect(header)
    if module is not None:
        _require(module, header, name)
        return module, module.NAME
    near = formats.near_misses(header)
    if near:
        module, lacking = near[0]
        raise DataError(f"looks like a {module.TITLE} but required column `{lacking[0]}` is missing",
                        source=name, column=lacking[0], rows=len(lacking),
                        example=f"columns present: {header}",
                        fix=f"Export again with all columns ({module.TITLE} needs {list(module.REQUIRED)}), "
                            "or pass columns={'order_id': ..., 'customer_id': ..., 'order_date': ..., "
                            "'revenue': ...}")
    raise DataError("layout not recognised", source=name, rows=len(header),
                    example=f"columns present: {header}",
                    fix=f"Known export formats: {', '.join(ORDER_FORMATS)}; or pass columns={{'order_id': ..., "
                        "'customer_id': ..., 'order_date': ..., 'revenue': ...} naming your columns")


def _require(module: ModuleType, header: list[str], name: str) -> None:
    have = {norm(h) for h in header}
    lacking = [c for c in module.REQUIRED if norm(c) not in have]
    if lacking:
        raise DataError(f"required column `{lacking[0]}` of the {module.TITLE} is missing", source=name,
                        column=lacking[0], rows=len(lacking), example=f"columns present: {header}",
                        fix=f"Export again with all columns ({module.TITLE} needs {list(module.REQUIRED)}), "
                            "or pass columns= to map your own")


def _load_frame(frame: pd.DataFrame, *, name: str, source: str, fmt: str, columns: dict | None, opts: dict,
                default_decimal: str, read_notes: list[str] | None = None) -> OrderLines:
    header = [str(c) for c in frame.columns]
    _check_header(header, name)
    if len(frame) == 0:
        raise DataError("the data has a header but no rows", source=name, rows=0, example=f"columns: {header}",
                        fix="Pass data that contains orders")
    frame = frame.reset_index(drop=True)
    frame.columns = header
    module, fmt_name = _choose_layout(header, name=name, fmt=fmt, columns=columns)
    if columns is not None:
        keep = {src: canon for canon, src in columns.items()}
        extra = [h for h in header if h in ORDER_COLUMNS and h not in columns and h not in keep]
        frame = pd.concat([frame[list(keep)].rename(columns=keep), frame[extra]], axis=1)
    summary = LoadSummary(source=source, format=fmt_name, lines_read=len(frame), lines_kept=0)
    for note in read_notes or []:
        summary.note(note)
    ctx = LoadContext(source=name, summary=summary, decimal=opts["decimal"], default_decimal=default_decimal,
                      dayfirst=opts["dayfirst"], default_dayfirst=default_decimal == ",",
                      returns=opts["returns"], non_product=opts["non_product"], cancelled=opts["cancelled"],
                      currency=opts["currency"])
    mapped = module.to_canonical(frame, ctx)
    out = _finalise(mapped, ctx)
    summary.lines_kept = len(out)
    return OrderLines(_memtable(out), summary, source=source, format=fmt_name, frame=out)


def _memtable(frame: pd.DataFrame) -> ibis.Table:
    with warnings.catch_warnings():
        # ibis 12 with pandas 3 warns about `future.infer_string` when it reads string dtypes; harmless here
        warnings.filterwarnings("ignore", message=".*infer_string.*")
        return ibis.memtable(frame)


def _first(mask: pd.Series) -> int:
    return int(np.flatnonzero(mask.to_numpy())[0])


def _finalise(out: pd.DataFrame, ctx: LoadContext) -> pd.DataFrame:
    """Apply the common policies (currency, returns, non-product, no customer), count them, fix dtypes."""
    s = ctx.summary
    out = out.reset_index(drop=True)
    for col, what in (("order_id", "order ids"), ("order_date", "order dates"), ("revenue", "amounts"),
                      ("quantity", "quantities")):
        miss = out[col].isna()
        if miss.any():
            raise DataError(f"{what} are missing", source=ctx.source, column=col, rows=int(miss.sum()),
                            example=f"row {_first(miss) + 1}",
                            fix="Fill them in or remove those rows; every order line needs an order id, a date, "
                                "an amount and a quantity")
    bad_type = ~out["line_type"].isin(LINE_TYPES)
    if bad_type.any():
        raise DataError("internal: line types outside the schema", source=ctx.source, column="line_type",
                        rows=int(bad_type.sum()), example=out["line_type"][bad_type].iloc[0])

    # currencies
    if "currency" in out:
        cur = out["currency"].astype("string").str.strip().str.upper()
        codes = cur.dropna().unique().tolist()
        if ctx.currency is None and len(codes) > 1:
            counts = cur.value_counts()
            other = cur != counts.index[0]
            raise DataError(f"amounts are in {len(codes)} currencies: "
                            + ", ".join(f"{c} ({plural(int(n), 'line')})" for c, n in counts.items()),
                            source=ctx.source, column=ctx.options.get("currency_column", "currency"),
                            rows=int(other.sum()),
                            example=f"row {_first(other.fillna(False)) + 1}: {cur[other.fillna(False)].iloc[0]!r}",
                            fix=f"Pass currency='{counts.index[0]}' to keep the lines in one currency (the others "
                                "are left out and counted), or convert the amounts before loading")
        if ctx.currency is not None:
            other = cur.notna() & (cur != ctx.currency)
            if other.all():
                raise DataError(f"no line is in {ctx.currency}", source=ctx.source, column="currency",
                                rows=int(other.sum()), example=f"row 1: {cur.iloc[0]!r}",
                                fix=f"Pass one of the file's currencies: {codes}")
            s.add("other_currency", int(other.sum()), "dropped",
                  f"lines in another currency than {ctx.currency}: left out", revenue=float(out["revenue"][other].sum()))
            filled = cur.isna()
            s.add("currency_filled", int(filled.sum()), "changed",
                  f"lines without a currency: taken to be {ctx.currency}")
            out = out[~other].reset_index(drop=True)
            out["currency"] = ctx.currency
        else:
            if len(codes) == 1 and cur.isna().any():
                s.add("currency_filled", int(cur.isna().sum()), "changed",
                      f"lines without a currency: taken to be {codes[0]}, the only currency the file names")
                cur = cur.fillna(codes[0])
            out["currency"] = cur
    elif ctx.currency is not None:
        out["currency"] = ctx.currency
        s.note(f"Amounts taken to be in {ctx.currency} (currency=; the file names none).")

    # returns and non-product lines
    ret = out["line_type"] == "return"
    if ctx.returns == "drop":
        s.add("returns", int(ret.sum()), "dropped",
              "lines of returns, refunds and cancellations: left out (returns='drop'; revenue is gross sales)",
              revenue=float(out["revenue"][ret].sum()))
        out = out[~ret].reset_index(drop=True)
    else:
        s.add("returns", int(ret.sum()), "kept",
              "lines of returns, refunds and cancellations: kept as negative revenue, so revenue is net of "
              "returns (returns='drop' to leave them out)", revenue=float(out["revenue"][ret].sum()))
    nonp = out["line_type"] == "non_product"
    if ctx.non_product == "drop":
        s.add("non_product", int(nonp.sum()), "dropped",
              "lines not for products (postage, fees, adjustments): left out of the table (non_product='keep' to keep "
              "them)", revenue=float(out["revenue"][nonp].sum()))
        out = out[~nonp].reset_index(drop=True)
    else:
        s.add("non_product", int(nonp.sum()), "kept",
              "lines not for products (postage, fees, adjustments): kept (non_product='keep'); revenue includes them",
              revenue=float(out["revenue"][nonp].sum()))

    nocust = out["customer_id"].isna()
    s.add("no_customer", int(nocust.sum()), "kept",
          "lines without a customer id: kept for revenue, left out of customer metrics",
          revenue=float(out["revenue"][nocust].sum()))
    if "zero_revenue" not in s:
        zero = (out["revenue"] == 0) & (out["line_type"] == "sale")
        s.add("zero_revenue", int(zero.sum()), "kept", "sale lines with revenue 0: kept as sales of revenue 0")
    # quantity x price in binary floating point leaves noise (6 x 2.55 = 15.299999999999999): rounding money
    # to a millionth removes it without changing any cent (and keeps shares of allocated discounts)
    for col in ("revenue", "discount", "unit_price", "tax", "shipping"):
        if col in out:
            out[col] = pd.to_numeric(out[col]).astype("float64").round(6)
    neg_sale = (out["revenue"] < 0) & (out["line_type"] == "sale")
    s.add("negative_sale", int(neg_sale.sum()), "note",
          "sale lines with negative revenue (discount larger than the price?): kept as they are")
    return _canonical_dtypes(out)


def _canonical_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    """Canonical columns in schema order, with the schema's dtypes; optional columns only when present."""
    cols = [c for c in ORDER_COLUMNS if c in frame.columns]
    out = {}
    for c in cols:
        dtype = _DTYPES[c]
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


# ----------------------------------------------------------------------------------------------------------
# lazy path: Parquet / DuckDB / Ibis tables, mapped with Ibis expressions
# ----------------------------------------------------------------------------------------------------------

def _load_duckdb(path: Path, *, name: str, fmt: str, columns: dict | None, opts: dict,
                 table: str | None) -> OrderLines:
    tables = _duckdb_tables(path, name)
    con = ibis.duckdb.connect(str(path), read_only=True)
    if table is None:
        table = "orders" if "orders" in tables else (tables[0] if len(tables) == 1 else None)
    if table is None or table not in tables:
        raise DataError("the database has no table to read" if not tables else
                        f"table {table!r} not found in the database" if table else
                        "the database holds several tables", source=name, rows=len(tables),
                        example=f"tables: {tables}", fix="Pass table= with the table holding the order lines")
    return _load_lazy(con.table(table), name=name, source=str(path), fmt=fmt, columns=columns, opts=opts,
                      num_rows=None)


def _duckdb_tables(path: Path, name: str) -> list[str]:
    """Table names of a DuckDB file (read with duckdb itself: ibis 12's list_tables fails on duckdb 2.0)."""
    import duckdb
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise DataError(f"not a DuckDB database ({exc.__class__.__name__})", source=name,
                        fix="Pass a .duckdb file written by DuckDB, or export the orders as Parquet or CSV") from None
    try:
        rows = con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
                           "ORDER BY table_name").fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


def _load_lazy(expr: ibis.Table, *, name: str, source: str, fmt: str, columns: dict | None, opts: dict,
               num_rows: int | None, parquet_files: list[Path] | None = None,
               engine: str = "duckdb") -> OrderLines:
    header = list(expr.columns)
    _check_header(header, name)
    if columns is not None:
        _generic.check_mapping(columns, header, source=name)
        extra = [h for h in header if h in ORDER_COLUMNS and h not in columns and h not in columns.values()]
        expr = expr.select(**{canon: expr[src] for canon, src in columns.items()}, **{h: expr[h] for h in extra})
        fmt_name = "generic"
    elif fmt in ("auto", "canonical") and formats.signature_matches(_generic, header):
        fmt_name = "canonical"
    else:
        # a known export layout stored as Parquet/DuckDB: map it in pandas (layouts need row-wise logic)
        module, fmt_name = _choose_layout(header, name=name, fmt=fmt, columns=None)
        from workbench.engine import to_pandas
        frame = to_pandas(expr)
        return _load_frame(frame, name=name, source=source, fmt=fmt_name, columns=None, opts=opts,
                           default_decimal=".", read_notes=[f"{fmt_name} layout read into memory to be mapped"])

    schema = expr.schema()
    summary = LoadSummary(source=source, format=fmt_name, lines_read=num_rows if num_rows is not None
                          else expr.count(), lines_kept=0)
    cols: dict[str, Any] = {}
    for c in ORDER_COLUMNS:
        if c not in header and c not in (columns or {}):
            continue
        col = expr[c]
        want = _IBIS_TYPES[_DTYPES[c]]
        if want == "timestamp":
            if schema[c].is_string():
                _check_lazy_dates(expr, c, name)
                col = col.cast("timestamp")
            elif schema[c].is_date():
                col = col.cast("timestamp")
            elif schema[c].is_timestamp() and schema[c].timezone is not None:
                summary.note("order dates carry a time zone: converted to naive timestamps (UTC wall-clock)")
                col = col.cast("timestamp")
        elif want == "string":
            if not schema[c].is_string():
                col = col.cast("int64").cast("string") if schema[c].is_floating() else col.cast("string")
        elif want == "int64":
            if not schema[c].is_integer():
                col = col.cast("float64").round().cast("int64")
            elif schema[c] != ibis.dtype("int64"):
                col = col.cast("int64")
        elif not schema[c].is_floating() or schema[c] != ibis.dtype("float64"):
            col = col.cast("float64")
        cols[c] = col
    if "quantity" not in cols:
        cols["quantity"] = ibis.literal(1, "int64")
        summary.note("No quantity column: quantity set to 1 per line.")
    if "revenue" not in cols:
        if "unit_price" not in cols:
            raise DataError("required column 'revenue' (or 'unit_price') is missing", source=name,
                            column="revenue", example=f"columns present: {header}",
                            fix="Pass columns={'revenue': '<your net sales column>'}")
        disc = cols["discount"].fill_null(0) if "discount" in cols else 0
        cols["revenue"] = cols["quantity"] * cols["unit_price"] - disc
    if "line_type" in cols:
        cols["line_type"] = cols["line_type"].lower()
    else:
        cols["line_type"] = ibis.ifelse((cols["revenue"] < 0) | (cols["quantity"] < 0), "return", "sale")
        summary.note("No line_type column: lines with negative revenue or quantity are typed as returns.")
    base = expr.select(**{c: cols[c] for c in ORDER_COLUMNS if c in cols})

    ctx_currency = opts["currency"]
    raw = base
    keep = ibis.literal(True)
    counts: dict[str, Any] = {}   # every lazy count, computed together in one scan on first access
    if "currency" in base.columns:
        raw = base = base.mutate(currency=base.currency.strip().upper())
        if ctx_currency is None:
            single = _parquet_single_value(parquet_files, "currency") if parquet_files else None
            codes = [single] if single else _distinct_currencies(base)
            if len(codes) > 1:
                raise DataError(f"amounts are in {len(codes)} currencies: {codes}", source=name, column="currency",
                                rows=None, example=codes[1],
                                fix=f"Pass currency='{codes[0]}' to keep the lines in one currency (the others are "
                                    "left out and counted), or convert the amounts before loading")
        else:
            other = raw.currency.notnull() & (raw.currency != ctx_currency)
            counts["other_n"] = other.sum()
            keep = keep & ~other
            base = base.filter(~other).mutate(currency=ibis.literal(ctx_currency))
    elif ctx_currency is not None:
        base = base.mutate(currency=ibis.literal(ctx_currency))
        summary.note(f"Amounts taken to be in {ctx_currency} (currency=; the data names none).")

    is_ret = raw.line_type == "return"
    is_np = raw.line_type == "non_product"
    counts["ret_n"] = (keep & is_ret).sum()
    counts["ret_rev"] = raw.revenue.sum(where=keep & is_ret)
    if opts["returns"] == "drop":
        keep = keep & ~is_ret
        base = base.filter(base.line_type != "return")
    counts["np_n"] = (keep & is_np).sum()
    counts["np_rev"] = raw.revenue.sum(where=keep & is_np)
    if opts["non_product"] == "drop":
        keep = keep & ~is_np
        base = base.filter(base.line_type != "non_product")
    counts["nocust_n"] = (keep & raw.customer_id.isnull()).sum()
    counts["nocust_rev"] = raw.revenue.sum(where=keep & raw.customer_id.isnull())
    counts["zero_n"] = (keep & (raw.revenue == 0) & (raw.line_type == "sale")).sum()
    counts["kept_n"] = keep.sum()
    if num_rows is None:
        counts["read_n"] = raw.count()
    query = raw.aggregate(**counts)
    cache: dict[str, Any] = {}

    def lazy(key: str):
        def get():
            if not cache:
                from workbench.engine import to_pandas
                row = to_pandas(query).iloc[0]
                cache.update({k: (0 if pd.isna(v) else v.item() if hasattr(v, "item") else v) for k, v in row.items()})
            return cache[key]
        return get

    if "other_n" in counts:
        summary.add("other_currency", lazy("other_n"), "dropped",
                    f"lines in another currency than {ctx_currency}: left out")
    if opts["returns"] == "drop":
        summary.add("returns", lazy("ret_n"), "dropped",
                    "lines of returns, refunds and cancellations: left out (returns='drop'; revenue is gross sales)",
                    revenue=lazy("ret_rev"))
    else:
        summary.add("returns", lazy("ret_n"), "kept",
                    "lines of returns, refunds and cancellations: kept as negative revenue, so revenue is net of "
                    "returns (returns='drop' to leave them out)", revenue=lazy("ret_rev"))
    if opts["non_product"] == "drop":
        summary.add("non_product", lazy("np_n"), "dropped",
                    "lines not for products (postage, fees, adjustments): left out of the table (non_product='keep' to "
                    "keep them)", revenue=lazy("np_rev"))
    else:
        summary.add("non_product", lazy("np_n"), "kept",
                    "lines not for products (postage, fees, adjustments): kept (non_product='keep'); revenue includes "
                    "them", revenue=lazy("np_rev"))
    summary.add("no_customer", lazy("nocust_n"), "kept",
                "lines without a customer id: kept for revenue, left out of customer metrics",
                revenue=lazy("nocust_rev"))
    summary.add("zero_revenue", lazy("zero_n"), "kept", "sale lines with revenue 0: kept as sales of revenue 0")
    summary.lines_kept = lazy("kept_n")
    if num_rows is None:
        summary.lines_read = lazy("read_n")
    summary.note(f"Read lazily through {_title(engine)}: the counts above come from one query "
                 "run when the summary was first shown.")
    return OrderLines(base, summary, source=source, format=fmt_name, frame=None, engine=engine)


def _check_lazy_dates(expr: ibis.Table, column: str, name: str, sample: int = 10_000) -> None:
    """Text dates in a lazy source: check a sample now (one small query), so a bad file fails at load time
    with a DataError instead of deep inside an analysis query."""
    from workbench.engine import to_pandas
    head = to_pandas(expr.select(v=expr[column]).limit(sample))["v"]
    try:
        from workbench.data.csvread import parse_dates
        parse_dates(head, source=name, column=column)
    except DataError as exc:
        raise DataError(exc.problem + f" (checked the first {len(head):,} rows)", source=name, column=column,
                        rows=exc.rows, example=exc.example,
                        fix="Store dates as ISO text (2024-01-31 09:15:00) or as a timestamp column") from None
    iso = head.dropna().astype(str).str.match(r"^\d{4}-\d{2}-\d{2}")
    if not iso.all():
        first = head.dropna()[~iso.to_numpy()].iloc[0]
        raise DataError("dates in a Parquet/DuckDB text column must be ISO (YYYY-MM-DD ...) to be read lazily",
                        source=name, column=column, rows=int((~iso).sum()), example=repr(first),
                        fix="Store the dates as a timestamp column or ISO text, or load a CSV export instead")


def _parquet_single_value(paths: list[Path], column: str) -> str | None:
    """The one value a column holds in every row group, read from Parquet statistics (no data scanned).

    None when statistics are missing, show more than one value, or the column has nulls: then a query decides.
    """
    try:
        import pyarrow.parquet as pq
        value = None
        for p in paths:
            meta = pq.ParquetFile(p).metadata
            idx = meta.schema.names.index(column)
            for g in range(meta.num_row_groups):
                st = meta.row_group(g).column(idx).statistics
                if st is None or not st.has_min_max or st.null_count or st.min != st.max:
                    return None
                v = st.min.decode() if isinstance(st.min, bytes) else st.min
                if value is not None and v != value:
                    return None
                value = v
        return str(value).strip().upper() if value is not None else None
    except Exception:  # noqa: BLE001 - statistics are an optimisation only
        return None


def _distinct_currencies(table: ibis.Table, limit: int = 10) -> list[str]:
    from workbench.engine import to_pandas
    counts = to_pandas(table.currency.value_counts().order_by(ibis.desc("currency_count")).limit(limit))
    return [c for c in counts["currency"].tolist() if isinstance(c, str)]
