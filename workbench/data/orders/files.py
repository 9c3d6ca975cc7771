"""Local sources of order lines: which kind of file a path is, and reading each kind.

:func:`load_local` takes a path (or a shipped name, a glob, a folder), a pandas frame or an Ibis table and hands
it to the lazy path (Parquet, DuckDB databases, Ibis tables: :mod:`~workbench.data.orders.lazy`) or the eager
one (Excel, the fixed-width CDNOW file, frames: :mod:`~workbench.data.orders.eager`); CSV/TSV/TXT exports are
parsed by DuckDB where it reads them as the careful reader would (:mod:`~workbench.data.orders.csvfast`). One
reader per kind of file (:func:`load_parquet`, :func:`load_duckdb`, :func:`load_excel`, :func:`load_text`),
each taking the same options. Every file read is registered with :func:`workbench.provenance.register_input`
(fingerprinted while it is read).
"""
from __future__ import annotations

import glob as _glob
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import ibis
import pandas as pd

from workbench import config, provenance
from workbench.data.excel import typed_columns
from workbench.data.formats import cdnow as _cdnow
from workbench.data.orders.csvfast import load_csv
from workbench.data.orders.eager import load_frame
from workbench.data.orders.headers import check_header
from workbench.data.orders.lazy import load_table
from workbench.data.orders.orderlines import OrderLines, bound_backend, engine_name, engine_title
from workbench.data.orders.policies import LoadOptions
from workbench.errors import DataError

CSV_SUFFIXES = {".csv", ".tsv", ".txt", ".tab", ".dat", ".zip"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
PARQUET_SUFFIXES = {".parquet", ".pq", ".parq"}
DUCKDB_SUFFIXES = {".duckdb", ".ddb", ".db"}
FILE_SUFFIXES = CSV_SUFFIXES | EXCEL_SUFFIXES | PARQUET_SUFFIXES | DUCKDB_SUFFIXES | {".gz", ".xml", ".json"}


def load_local(source: Any, *, fmt: str, columns: dict | None, options: LoadOptions, sheet: str | int | None,
               delimiter: str | None, encoding: str | None, table: str | None, con: Any = None) -> OrderLines:
    """Read a file or frame; Parquet through ``con`` (default: the in-process DuckDB), the rest parsed here."""
    if isinstance(source, ibis.Table):
        return load_table(source, name="Ibis table", source="Ibis table", fmt=fmt, columns=columns,
                          options=options, num_rows=None, engine=engine_name(bound_backend(source)))
    if isinstance(source, pd.DataFrame):
        return load_frame(source.copy(deep=False), name="DataFrame", source="DataFrame", fmt=fmt,
                          columns=columns, options=options, default_decimal=".")
    path, paths = resolve_source(source)
    # the files are fingerprinted for the run record while they are read (hashing a large export takes as long
    # as a third of DuckDB's parse of it; both release the GIL)
    with ThreadPoolExecutor(max_workers=1) as pool:
        registered = pool.submit(lambda: [provenance.register_input(p, role="orders") for p in paths])
        read = dict(fmt=fmt, columns=columns, options=options)
        kind = file_kind(path)
        if kind == "parquet":
            lines = load_parquet(path, paths, con=con, **read)
        elif kind == "duckdb":
            lines = load_duckdb(path, table=table, **read)
        elif kind == "excel":
            lines = load_excel(path, sheet=sheet, **read)
        else:
            lines = load_text(path, delimiter=delimiter, encoding=encoding, **read)
    registered.result()
    return lines


def file_kind(path: Path) -> str:
    """``"parquet"`` (a file or a folder of them), ``"duckdb"``, ``"excel"`` or ``"text"`` (CSV and the like,
    ``.gz`` and one-file ``.zip`` included), from the suffix."""
    suffix = _suffix(path)
    if path.is_dir() or suffix in PARQUET_SUFFIXES:
        return "parquet"
    if suffix in DUCKDB_SUFFIXES:
        return "duckdb"
    if suffix in EXCEL_SUFFIXES:
        return "excel"
    return "text"


def _suffix(path: Path) -> str:
    """The file's kind suffix: ``orders.csv.gz`` -> ``.csv``."""
    suffixes = [s.lower() for s in path.suffixes]
    suffix = suffixes[-1] if suffixes else ""
    return suffixes[-2] if suffix == ".gz" and len(suffixes) > 1 else suffix


def resolve_source(source: Any) -> tuple[Path, list[Path]]:
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
        files = sorted(f for f in path.rglob("*") if f.suffix.lower() in PARQUET_SUFFIXES)
        if not files:
            raise DataError("the folder holds no Parquet files", source=str(path), rows=0,
                            fix="Pass a file, or a folder of .parquet files")
        return path, files
    return path, [path]


# ----------------------------------------------------------------------------------------------------------
# one reader per kind of file
# ----------------------------------------------------------------------------------------------------------

def load_text(path: Path, *, fmt: str, columns: dict | None, options: LoadOptions, delimiter: str | None,
              encoding: str | None) -> OrderLines:
    """A delimited text export (parsed by DuckDB with what the careful reader detects on its first lines, the
    careful reader where DuckDB cannot: :mod:`~workbench.data.orders.csvfast`), or the fixed-width CDNOW
    master file."""
    name = path.name
    if fmt in ("auto", "cdnow") and columns is None and _suffix(path) != ".csv" and _cdnow.sniff(path):
        frame = _cdnow.read_fixed_width(path, source=name)
        return load_frame(frame, name=name, source=str(path), fmt="cdnow", columns=None, options=options,
                          default_decimal=".", read_notes=["Read as the fixed-width CDNOW master file."])
    return load_csv(path, fmt=fmt, columns=columns, options=options, delimiter=delimiter, encoding=encoding)


def load_parquet(path: Path, paths: list[Path], *, con: Any, fmt: str, columns: dict | None,
                 options: LoadOptions) -> OrderLines:
    """A Parquet file, folder (Hive partitions too) or glob, read lazily by ``con`` (default DuckDB)."""
    expr = _read_parquet(con, path, paths)
    return load_table(expr, name=path.name, source=str(path), fmt=fmt, columns=columns, options=options,
                      num_rows=_parquet_rows(paths), parquet_files=paths, engine=engine_name(con))


def load_duckdb(path: Path, *, table: str | None, fmt: str, columns: dict | None,
                options: LoadOptions) -> OrderLines:
    """A table of a DuckDB database file (``table=``, default ``orders`` or its only table), read lazily."""
    name = path.name
    tables = _duckdb_tables(path, name)
    con = ibis.duckdb.connect(str(path), read_only=True)
    if table is None:
        table = "orders" if "orders" in tables else (tables[0] if len(tables) == 1 else None)
    if table is None or table not in tables:
        raise DataError("the database has no table to read" if not tables else
                        f"table {table!r} not found in the database" if table else
                        f"the database holds {len(tables)} tables", source=name,
                        fix=f"Pass table= with the table holding the order lines. Tables: {tables}")
    return load_table(con.table(table), name=name, source=str(path), fmt=fmt, columns=columns, options=options,
                      num_rows=None)


def load_excel(path: Path, *, sheet: str | int | None, fmt: str, columns: dict | None,
               options: LoadOptions) -> OrderLines:
    """One sheet of an Excel workbook (``sheet=``, default the first), parsed here."""
    frame, notes = read_excel(path, name=path.name, sheet=sheet)
    return load_frame(frame, name=path.name, source=str(path), fmt=fmt, columns=columns, options=options,
                      default_decimal=".", read_notes=notes)


def read_excel(path: Path, *, name: str, sheet: str | int | None) -> tuple[pd.DataFrame, list[str]]:
    """The sheet as a frame (typed cells kept, text otherwise) and a note on which sheet was read."""
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
    check_header(header, name)
    body = raw.iloc[1:].reset_index(drop=True)
    if body.empty:
        raise DataError("the file has a header but no data rows", source=name, rows=0,
                        example=f"header: {header}", fix="Export a period that contains orders")
    body.columns = header
    return typed_columns(body), notes  # Excel's numbers and datetimes kept, text otherwise


def _read_parquet(con: Any, path: Path, paths: list[Path]) -> ibis.Table:
    if con is None:
        from workbench.engine import default_backend
        con = default_backend()
    engine = engine_name(con)
    try:
        if path.is_dir() and engine != "duckdb":
            return con.read_parquet(str(path))  # Spark reads the folder itself (Hive partitions too)
        if engine == "duckdb":
            target = [str(p) for p in paths]
            return con.read_parquet(target if len(target) > 1 else target[0])
        parts = [con.read_parquet(str(p)) for p in paths]
        return parts[0] if len(parts) == 1 else parts[0].union(*parts[1:])
    except (NotImplementedError, AttributeError) as exc:
        raise DataError(f"{engine_title(engine)} cannot read local Parquet files ({exc.__class__.__name__})",
                        source=str(path),
                        fix=f"Load the file into {engine_title(engine)} first (its own bulk loader) and pass the "
                            "table name, or use engine='duckdb' or engine='spark' for local files") from None


def _parquet_rows(paths: list[Path]) -> int | None:
    """Row count from the Parquet footers (no data read); None when pyarrow cannot read them."""
    try:
        import pyarrow.parquet as pq
        return int(sum(pq.ParquetFile(p).metadata.num_rows for p in paths))
    except Exception:  # noqa: BLE001 - fall back to a lazy count
        return None


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
