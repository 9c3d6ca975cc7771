"""Order lines on another engine than the in-process DuckDB: Spark or a warehouse (any Ibis backend).

With ``engine=``, :func:`load_on_engine` reads a **table name** where it lives (nothing copied), lets the engine
read a **Parquet** file or folder itself, and hands lines **parsed here** (a CSV/Excel export, a DataFrame) to the
engine as a temporary view. Connection failures and missing tables are reported with the URL, its password masked.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import ibis
import pandas as pd

from workbench import config
from workbench.data.orders.files import FILE_SUFFIXES, load_local
from workbench.data.orders.lazy import load_table
from workbench.data.orders.orderlines import OrderLines, bound_backend, engine_name, engine_title, memtable
from workbench.data.orders.policies import LoadOptions
from workbench.engine import backend_url, mask_password
from workbench.errors import DataError, WorkbenchError


def engine_backend(engine: Any, *, source: Any = None, table: str | None = None):
    """None for the default in-process DuckDB, else the Ibis backend named by ``engine``.

    A URL that cannot be connected to (server down, wrong password, unknown database or scheme) raises a
    ``DataError`` naming the URL with its password masked, the table that was to be read, and the fix."""
    if engine is None or (isinstance(engine, str) and engine.strip().lower() in ("", "duckdb", "local")):
        return None
    if isinstance(engine, str):
        from workbench.engine import connect
        try:
            return connect(engine.strip())
        except WorkbenchError:
            raise  # e.g. Spark without Java or without PySpark: its own message says what to install
        except Exception as exc:  # noqa: BLE001 - unknown scheme, missing driver, bad URL, server unreachable
            shown = mask_password(engine.strip())
            first = mask_password(str(exc).strip().splitlines()[0]) if str(exc).strip() else ""
            name = table if table is not None else source if looks_like_table_name(source) else None
            reading = f" to read table {name!r}" if name else ""
            raise DataError(f"cannot connect to engine {shown!r}{reading} ({exc.__class__.__name__}: {first})",
                            source="engine=", example=shown, fix=_connect_fix(engine.strip(), str(exc))) from None
    return engine  # an Ibis backend object


def _connect_fix(url: str, error: str) -> str:
    """What to do about a failed connection, from the driver's words (libpq's, in PostgreSQL's case)."""
    text = error.lower()
    try:
        parts = urlsplit(url)
        where = f"{parts.hostname}:{parts.port}" if parts.hostname and parts.port else parts.hostname
    except ValueError:
        parts, where = None, None
    if "password" in text or "authentication failed" in text:
        return ("Check the user name and password in the URL (a password with @, : or / in it must be "
                "percent-encoded, e.g. p%40ss for p@ss)")
    if "database" in text and "does not exist" in text:
        return "Check the database name, the part of the URL after host:port/"
    if where and any(w in text for w in ("connection refused", "could not connect", "timeout", "timed out",
                                         "could not translate host", "name or service not known",
                                         "no route to host", "network is unreachable")):
        check = (f" (pg_isready -h {parts.hostname} -p {parts.port} tells)"
                 if parts.scheme in ("postgres", "postgresql") and parts.port else "")
        return (f"Check that the database server is running and accepts connections at {where}{check}, or correct "
                "the host and port in the URL")
    return ("Use 'duckdb' (local files), 'spark', or an Ibis connection URL such as "
            "'postgres://user:password@host:5432/database', 'bigquery://project/dataset', "
            "'snowflake://user:password@account/database/schema?warehouse=wh' or "
            "'trino://user@host:8080/catalog/schema' (the backend's Ibis extra must be "
            "installed, e.g. pip install 'ibis-framework[postgres]')")


def looks_like_table_name(source: Any) -> bool:
    """``orders``, ``sales.orders`` or ``catalog.sales.orders`` that is not a file or a shipped data set."""
    if not isinstance(source, str) or source in config.SHIPPED:
        return False
    if not re.fullmatch(r"[A-Za-z_][\w$]*(\.[A-Za-z_][\w$]*){0,2}", source):
        return False
    if Path(source).suffix.lower() in FILE_SUFFIXES:
        return False
    return not config.resolve_path(source).exists()


def load_on_engine(source: Any, con: Any, *, table: str | None, fmt: str, columns: dict | None,
                   options: LoadOptions, sheet: str | int | None, delimiter: str | None,
                   encoding: str | None) -> OrderLines:
    """Order lines whose queries run on ``con`` (Spark, a warehouse)."""
    engine = engine_name(con)
    name = table if table is not None else source if looks_like_table_name(source) else None
    if name is not None:
        expr = engine_table(con, name, engine)
        lines = load_table(expr, name=f"{name} ({engine_title(engine)})",
                           source=f"{engine_title(engine)} table {name}", fmt=fmt, columns=columns,
                           options=options, num_rows=None, engine=engine)
        if table is not None and source is not None:
            lines.summary.note(f"Read table {name!r} on {engine_title(engine)}; the file given as source ({source}) "
                               "was not read.")
    elif source is None:
        raise DataError("no orders source given", source="load_orders",
                        fix=f"Pass a table name on {engine} (load_orders('orders', engine=...)) or a file")
    else:
        lines = load_local(source, fmt=fmt, columns=columns, options=options, sheet=sheet, delimiter=delimiter,
                           encoding=encoding, table=None, con=con)
    if engine_name(bound_backend(lines.table)) == engine:
        return lines
    frame = lines.to_pandas() if lines._frame is None and lines.local_file else lines._frame
    if frame is None:
        raise DataError(f"this source cannot be read by {engine_title(engine)}", source=lines.source,
                        fix="Export the order lines as Parquet (DuckDB: COPY orders TO 'orders.parquet') and pass "
                            "that file, or put them in a table on the engine and pass its name")
    # parsed here (CSV, Excel, fixed width, a frame): hand the canonical lines to the engine
    view = upload(con, frame)
    lines.summary.note(f"Parsed in this process, then handed to {engine_title(engine)} as a temporary view: the "
                       "analyses' queries run there.")
    return OrderLines(view, lines.summary, source=lines.source, format=lines.format, frame=frame, engine=engine)


def engine_table(con: Any, name: str, engine: str) -> ibis.Table:
    """Table ``name`` (``orders``, ``sales.orders``, ``catalog.sales.orders``) on ``con``, or a DataError listing
    the tables there."""
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
        raise DataError(f"table {name!r} not found on {engine_title(engine)} ({exc.__class__.__name__})",
                        source=backend_url(con) or "engine=" + engine,
                        example=f"tables there: {tables[:20]}{' ...' if len(tables) > 20 else ''}",
                        fix="Check the table name (with its database: 'sales.orders'), or pass a file path; a "
                            "path that does not exist is taken as a table name when engine= is given") from None


def upload(con: Any, frame: pd.DataFrame) -> ibis.Table:
    """The canonical frame as a temporary view/table on ``con``."""
    from ibis import util

    name = util.gen_name("workbench_orders")
    if engine_name(con) == "pyspark":
        from workbench.spark import frame_view

        return frame_view(con, frame, name)
    return con.create_table(name, memtable(frame), temp=True)
