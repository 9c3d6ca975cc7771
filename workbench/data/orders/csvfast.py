"""CSV exports parsed by DuckDB, with the careful reader wherever DuckDB could not say the same thing.

The careful reader (:func:`workbench.data.csvread.read_csv_robust` and the layout mappers) holds and checks every
value of a file in Python: 12 s and 1.4 GB for a 2M-line, 156 MB export. Here the careful reader's own rules
are run on the first lines only (:data:`SAMPLE_BYTES`, :func:`~workbench.data.csvread.read_csv_head` and
:mod:`workbench.data.csvsniff`): encoding, delimiter, header, layout, the decimal mark of each amount column
and the notation and day/month order of the dates. DuckDB's ``read_csv`` is then told exactly that (explicit
types, ``timestampformat``, ``decimal_separator``, no auto-detection) and parses the file itself.

:func:`load_csv` tries three ways, fastest first, and the load summary says which one read the file and why:

1. **engine** (canonical files and files mapped by column names; :mod:`~workbench.data.orders.csvengine`):
   the canonical columns are Ibis expressions over DuckDB's scan of the file, the line policies are applied
   lazily (the same definitions as for every other source), and **one query at load time** both checks every
   line and counts the load summary. The lines stay in the file: each later query reads it again, like a
   Parquet file.
2. **text** (:func:`text_frame`): DuckDB reads every field as text (trimmed, empty = missing: the frame of
   strings the careful reader builds) and the layout is mapped in pandas by the careful mappers. Known export
   layouts (Shopify, WooCommerce, UCI, CDNOW: their mapping needs whole orders), files whose first lines need
   the careful parser (currency signs, thousands separators, time-zone offsets, several date notations), and
   files the engine's check found a problem in: the careful mapping then raises its own message, naming the
   row.
3. **careful** (:func:`workbench.data.csvread.read_csv_robust`): what DuckDB cannot read as the careful reader
   does: another encoding than UTF-8, a row with more or fewer fields than the header, a line of spaces, a zip
   archive, blank lines above the header, a field that starts with spaces and a quote (:func:`_quote_after_spaces`,
   one look at every byte while DuckDB reads).

Every error message therefore comes from the careful code, on the same strings. Known difference: DuckDB
reads ``1_000`` in an amount column as 1000, where the careful parser refuses it.

Measured on a 2M-line, 157 MB generated export (``benchmarks/load_orders.py``): see the README's benchmark
section.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from workbench.data.csvread import compression_of, read_csv_head, read_csv_robust
from workbench.data.orders.csvengine import (CsvHead, NotForEngine, col, duckdb_errors, duckdb_reason,
                                             engine_lines, trimmed)
from workbench.data.orders.eager import load_frame
from workbench.data.orders.headers import Layout, choose_layout
from workbench.data.orders.orderlines import OrderLines
from workbench.data.orders.policies import LoadOptions
from workbench.errors import DataError

__all__ = ["load_csv", "careful_lines", "text_frame", "SAMPLE_BYTES"]

SAMPLE_BYTES = 1 << 20   # the first MiB (whole lines) decides the dialect and the notations
_ENCODINGS = ("utf-8", "utf-8-sig")  # what DuckDB decodes as the careful reader does


def load_csv(path: Path, *, fmt: str, columns: dict | None, options: LoadOptions, delimiter: str | None,
             encoding: str | None) -> OrderLines:
    """Read a delimited text export: DuckDB where it reads the file as the careful reader would, else the
    careful reader (see the module docstring). Error messages are the careful reader's."""
    careful = dict(fmt=fmt, columns=columns, options=options, delimiter=delimiter, encoding=encoding)
    try:
        head = _head(path, path.name, delimiter=delimiter, encoding=encoding)
        layout = _layout(head, fmt=fmt, columns=columns, currency=options.currency)
    except NotForEngine as why:
        return careful_lines(path, reason=str(why), **careful)
    # meanwhile, one look at every byte for what DuckDB reads differently from the careful reader whatever the
    # notations: a quote after spaces at the start of a field (DuckDB skips the spaces and unquotes the field;
    # the careful reader keeps the field as written, quotes and all)
    with ThreadPoolExecutor(max_workers=1) as pool:
        quoted_after_spaces = pool.submit(_quote_after_spaces, path, head.read.delimiter, head.compression)
        try:
            lines = _duckdb_lines(head, layout, fmt=fmt, columns=columns, options=options)
        except NotForEngine as why:
            return careful_lines(path, reason=str(why), **careful)
        except DataError:
            if quoted_after_spaces.result():   # DuckDB's strings were not the careful reader's: its message
                return careful_lines(path, reason="a field starts with spaces before a quote.", **careful)
            raise
    if quoted_after_spaces.result():
        return careful_lines(path, reason="a field starts with spaces before a quote (DuckDB would drop the "
                                          "spaces and the quotes; the careful reader keeps them).", **careful)
    return lines


def _duckdb_lines(head: CsvHead, layout: Layout, *, fmt: str, columns: dict | None,
                  options: LoadOptions) -> OrderLines:
    """The engine way for mapped layouts, else (or where the engine's check refuses) the text way; NotForEngine
    where DuckDB cannot read the file as it is."""
    reason = None
    if layout.mapped:
        try:
            return engine_lines(head, layout=layout, options=options)
        except NotForEngine as why:
            reason = str(why)
    try:
        frame = text_frame(head)
    except duckdb_errors() as exc:
        raise NotForEngine(duckdb_reason(exc)) from None
    lines = load_frame(frame, name=head.name, source=str(head.path), fmt=fmt, columns=columns, options=options,
                       default_decimal=head.read.decimal, read_notes=head.read.notes)
    if reason:  # a known layout is always mapped here (it needs whole orders): nothing to say
        lines.summary.note(f"Read by DuckDB's CSV reader as text and mapped here: {reason}")
    return lines


def _quote_after_spaces(path: Path, delimiter: str, compression: str | None, chunk: int = 1 << 22) -> bool:
    """Whether a field starts with spaces and then a quote (``A1, "c1",...``).

    DuckDB drops such spaces and unquotes the field (duckdb/duckdb#10438); the careful reader (pandas) keeps the
    field as written, quotes and all. A space and a quote right after a delimiter or a line start count, unless
    they sit inside a quoted field: an odd number of quotes before them, and the quote is escaped (``""``) or
    closes the field. A quote inside an unquoted field (``12" pizza``) throws the count off: then a quoted text
    holding ``, ""organic""`` sends the file to the careful reader (slower, not different), and a field of
    spaces and an empty quoted text further down would go unnoticed (both in one file: not met in any export
    we know of).
    """
    import gzip
    delim = delimiter.encode()
    inside_next = (b'"', delim, b"\r", b"\n")
    parity, tail = 0, b"\n"                       # tail: bytes seen already (context, their quotes counted)
    with (gzip.open(path, "rb") if compression == "gzip" else open(path, "rb")) as fh:
        while block := fh.read(chunk):
            data = tail + block
            if b'"' not in block:                   # most blocks of a large export hold no quote at all
                end = len(data)
                while end > 0 and data[end - 1] == 32:
                    end -= 1
                tail = data[max(end - 1, 0):]
                continue
            counted = len(tail)
            at = data.find(b' "')
            while at >= 0:
                parity ^= data.count(b'"', counted, at) & 1
                counted = at
                start = at                          # back to the first space of the run
                while start > 0 and data[start - 1] == 32:
                    start -= 1
                field_start = start == 0 or data[start - 1:start] in (delim, b"\n", b"\r")
                if field_start and (parity == 0 or data[at + 2:at + 3] not in inside_next):
                    return True
                at = data.find(b' "', at + 1)
            parity ^= data.count(b'"', counted) & 1
            end = len(data)                         # the last run of spaces and the byte before it
            while end > 0 and data[end - 1] == 32:
                end -= 1
            tail = data[max(end - 1, 0):]
    return False


def careful_lines(path: Path, *, reason: str, fmt: str, columns: dict | None, options: LoadOptions,
                  delimiter: str | None, encoding: str | None) -> OrderLines:
    """The careful reader on the whole file; ``reason`` says in the summary why DuckDB did not read it."""
    read = read_csv_robust(path, delimiter=delimiter, encoding=encoding, source=path.name)
    lines = load_frame(read.frame, name=path.name, source=str(path), fmt=fmt, columns=columns, options=options,
                       default_decimal=read.decimal, read_notes=read.notes)
    lines.summary.note(f"Read by the careful reader: {reason}")
    return lines


def _head(path: Path, name: str, *, delimiter: str | None, encoding: str | None) -> CsvHead:
    compression = compression_of(path)
    if compression == "zip":
        raise NotForEngine("a zip archive (DuckDB reads plain and gzip files).")
    try:
        read, complete = read_csv_head(path, max_bytes=SAMPLE_BYTES, delimiter=delimiter, encoding=encoding,
                                       source=name)
    except DataError:
        raise NotForEngine("its first lines could not be read (the careful reader says why).") from None
    except (UnicodeDecodeError, LookupError):
        raise NotForEngine("the encoding given does not decode its first lines.") from None
    if read.encoding.lower().replace("_", "-") not in _ENCODINGS:
        raise NotForEngine(f"not UTF-8 ({read.encoding}); DuckDB reads UTF-8 only.")
    if not _header_first(path, compression):
        raise NotForEngine("blank lines above the header (DuckDB takes the first line as the header).")
    if len(read.delimiter) != 1 or read.delimiter == '"':
        raise NotForEngine(f"delimiter {read.delimiter!r} is not one character.")
    return CsvHead(path=path, name=name, read=read, complete=complete, compression=compression)


def _header_first(path: Path, compression: str | None) -> bool:
    """The file's first line holds the header (the careful reader skips blank lines above it; DuckDB does not)."""
    import gzip
    with (gzip.open(path, "rb") if compression == "gzip" else open(path, "rb")) as fh:
        first = fh.read(1 << 16).removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    return bool(first.strip())


def _layout(head: CsvHead, *, fmt: str, columns: dict | None, currency: str | None) -> Layout:
    """The layout of the header, as the careful reader decides it. Its error is the careful reader's when the
    sample holds the rows it would show in a suggestion (the whole file, or 200 rows) and the careful reader
    would get that far: it reads the whole file first, so a row it cannot read (more fields than the header) is
    what it reports. A large file is checked for such rows by DuckDB before the error is raised."""
    try:
        return choose_layout(head.read.header, name=head.name, fmt=fmt, columns=columns,
                             sample=lambda: head.read.frame.head(200), currency=currency)
    except DataError:
        if head.complete or (head.lines >= 200 and _readable(head)):
            raise
        raise NotForEngine("the header needs the careful reader.") from None


def _readable(head: CsvHead) -> bool:
    """DuckDB reads every row of the file as the careful reader would split it (one scan, text only)."""
    from workbench.engine import default_backend
    try:
        default_backend().con.sql(f"SELECT count(*) FROM {head.read_csv({})}").fetchall()
    except duckdb_errors():
        return False
    return not _quote_after_spaces(head.path, head.read.delimiter, head.compression)


def text_frame(head: CsvHead) -> pd.DataFrame:
    """The whole file as the careful reader's frame of strings (every field trimmed, empty = missing), read
    by DuckDB. Raises DuckDB's error where it cannot read the file as the careful reader does."""
    from workbench.engine import default_backend

    n = len(head.read.header)
    select = ", ".join(f'{trimmed(col(i))} AS "c{i}"' for i in range(n))
    arrow = default_backend().con.sql(f"SELECT {select} FROM {head.read_csv({})}").arrow()
    frame = (arrow.read_all() if hasattr(arrow, "read_all") else arrow).to_pandas()
    frame.columns = list(head.read.header)
    if frame.empty:
        raise NotForEngine("no rows")  # pragma: no cover - the sample had rows
    return frame


