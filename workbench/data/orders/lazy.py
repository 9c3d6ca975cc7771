"""Order lines read lazily: an Ibis table (Parquet, a DuckDB database, a table on Spark or a warehouse) mapped
to the canonical lines with Ibis expressions. Nothing is read until a query runs; the summary's counts come
from one aggregate query, run when the summary is first read.

Canonical columns, a ``columns=`` mapping or recognised header spellings are mapped here (see
:func:`~workbench.data.orders.headers.choose_layout`); a known export layout (Shopify, UCI, ...) stored as
Parquet needs row-wise logic and is read into memory and mapped by :mod:`~workbench.data.orders.eager`.
The line policies are the same definitions as for parsed files (:mod:`~workbench.data.orders.policies`).
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import ibis

from workbench.data.formats._base import STATUS_WORDS
from workbench.data.orders.eager import load_frame
from workbench.data.orders.headers import Layout, check_header, choose_layout
from workbench.data.orders.orderlines import DTYPES, OrderLines, engine_title
from workbench.data.orders.policies import LoadOptions, apply_to_table, check_currencies_table
from workbench.data.schema import ORDER_COLUMNS
from workbench.data.summary import LoadSummary
from workbench.errors import DataError

_IBIS_TYPES = {"string": "string", "datetime64[us]": "timestamp", "float64": "float64", "int64": "int64"}


def load_table(expr: ibis.Table, *, name: str, source: str, fmt: str, columns: dict | None, options: LoadOptions,
               num_rows: int | None, parquet_files: list[Path] | None = None, engine: str = "duckdb") -> OrderLines:
    """Map an Ibis table of source rows to canonical order lines, lazily.

    ``num_rows`` is the row count when known without a scan (Parquet footers); ``parquet_files`` lets the
    currency check read the one currency from the files' statistics instead of a query.
    """
    from workbench.engine import to_pandas

    header = list(expr.columns)
    check_header(header, name)
    layout = choose_layout(header, name=name, fmt=fmt, columns=columns,
                           sample=lambda: to_pandas(expr.limit(200)), currency=options.currency)
    if not layout.mapped:
        # a known export layout stored as Parquet/DuckDB: mapped in pandas (layouts need row-wise logic)
        return load_frame(to_pandas(expr), name=name, source=source, fmt=layout.format, columns=None,
                          options=options, default_decimal=".",
                          read_notes=[f"{layout.format} layout read into memory to be mapped"])
    summary = LoadSummary(source=source, format=layout.format, lines_read=num_rows, lines_kept=0)
    for note in layout.notes:
        summary.note(note)
    base, derived = canonical_columns(expr, layout, name=name, summary=summary)
    currency_src = layout.columns.get("currency")
    single = (lambda: _parquet_single_value(parquet_files, currency_src)) if parquet_files and currency_src \
        else None
    base, options = check_currencies_table(base, options, source=name, summary=summary, single=single)
    table = apply_to_table(base, replace(options, derived=derived), summary, lines_read=num_rows)
    summary.note(f"Read lazily through {engine_title(engine)}: the counts above come from one query "
                 "run when the summary was first shown.")
    return OrderLines(table, summary, source=source, format=layout.format, frame=None, engine=engine)


def canonical_columns(expr: ibis.Table, layout: Layout, *, name: str, summary: LoadSummary,
                      extra: dict[str, Any] | None = None) -> tuple[ibis.Table, tuple[str, ...]]:
    """The source columns cast to the canonical types, quantity and line types derived where absent; and the
    columns derived (for the summary). ``extra`` columns of ``expr`` are carried along after them (for
    checks that need a source value beside its canonical one)."""
    schema = expr.schema()
    cols: dict[str, Any] = {}
    derived: list[str] = []
    for c in ORDER_COLUMNS:
        if c not in layout.columns:
            continue
        src = layout.columns[c]
        col, typ = expr[src], schema[src]
        want = _IBIS_TYPES[DTYPES[c]]
        if want == "timestamp":
            if typ.is_string():
                _check_lazy_dates(expr, src, name)
                col = col.cast("timestamp")
            elif typ.is_date():
                col = col.cast("timestamp")
            elif typ.is_timestamp() and typ.timezone is not None:
                summary.note("order dates carry a time zone: converted to naive timestamps (UTC wall-clock)")
                col = col.cast("timestamp")
        elif want == "string":
            if not typ.is_string():
                col = col.cast("int64").cast("string") if typ.is_floating() else col.cast("string")
        elif want == "int64":
            if not typ.is_integer():
                col = col.cast("float64").round().cast("int64")
            elif typ != ibis.dtype("int64"):
                col = col.cast("int64")
        elif not typ.is_floating() or typ != ibis.dtype("float64"):
            col = col.cast("float64")
        cols[c] = col
    if "quantity" not in cols:
        cols["quantity"] = ibis.literal(1, "int64")
        derived.append("quantity")
    if "revenue" not in cols:
        disc = cols["discount"].fill_null(0) if "discount" in cols else 0
        cols["revenue"] = cols["quantity"] * cols["unit_price"] - disc
        summary.note("revenue computed as quantity x unit_price" + (" - discount" if "discount" in cols else ""))
    for c in layout.revenue_less:
        cols["revenue"] = cols["revenue"] - cols[c].fill_null(0)
    if "line_type" in cols:
        cols["line_type"] = cols["line_type"].lower()
    else:
        cols["line_type"] = ibis.ifelse((cols["revenue"] < 0) | (cols["quantity"] < 0), "return", "sale")
        derived.append("line_type")
    if "status" in cols:
        cols["status"] = cols["status"].strip().lower().substitute(STATUS_WORDS, else_=ibis.null("string"))
        derived.append("status")   # taken as written: no cancellation or refund reversed by a return line
    return expr.select(**{c: cols[c] for c in ORDER_COLUMNS if c in cols}, **(extra or {})), tuple(derived)


def _check_lazy_dates(expr: ibis.Table, column: str, name: str, sample: int = 10_000) -> None:
    """Text dates in a lazy source: check a sample now (one small query), so a bad file fails at load time
    with a DataError instead of deep inside an analysis query."""
    from workbench.data.csvread import parse_dates
    from workbench.engine import to_pandas

    head = to_pandas(expr.select(v=expr[column]).limit(sample))["v"]
    try:
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
