"""Read a spend export into a frame, finding its header below any title rows.

Platform downloads do not start with their header: Google Ads writes the report's name and date range above it,
and a generated sample starts with ``# GENERATED ...`` comment lines. :func:`read_table` skips leading ``#``
lines (keeping them, so the loader can say the file is generated), then takes as the header the first of the
next lines that a known layout (or the caller's ``columns=`` mapping) recognises; it reads the rest with pandas
as text (CSV) or typed cells (Excel), or as it is (Parquet, DataFrame).
"""
from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from workbench.data.csvread import detect_encoding
from workbench.data.excel import typed_columns
from workbench.errors import DataError

HEADER_SEARCH_LINES = 12
_DELIMITERS = (",", ";", "\t", "|")


@dataclass
class RawTable:
    frame: pd.DataFrame
    header: list[str]
    comments: list[str] = field(default_factory=list)
    skipped_above: int = 0            # title / date-range lines above the header
    default_decimal: str = "."


def _fields(line: str, delim: str) -> list[str]:
    return [f.strip() for f in next(csv.reader([line], delimiter=delim))] if line.strip() else []


def _delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in _DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _check_header(header: list[str], name: str) -> None:
    seen: dict[str, int] = {}
    for h in header:
        seen[h] = seen.get(h, 0) + 1
    dups = [h for h, n in seen.items() if n > 1 and h]
    if dups:
        raise DataError(f"the header names {len(dups)} column(s) twice: {dups}", source=name, column=dups[0],
                        rows=sum(seen[d] for d in dups), example=f"header: {header}",
                        fix="Rename or delete the duplicated columns so each name appears once, then load again")


def read_table(path: Path, *, name: str, recognised: Callable[[Sequence[str]], bool],
               sheet: str | int | None = None) -> RawTable:
    """The file as a frame under its header (see module docstring)."""
    suffix = "".join(path.suffixes[-2:]).lower() if path.suffix.lower() == ".gz" else path.suffix.lower()
    if suffix in (".parquet", ".pq", ".parq"):
        frame = pd.read_parquet(path)
        return RawTable(frame=frame, header=[str(c) for c in frame.columns])
    if suffix in (".xlsx", ".xlsm", ".xls"):
        return _read_excel(path, name=name, recognised=recognised, sheet=sheet)
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        raise DataError("the file is empty (no header, no rows)", source=name,
                        fix="Export the spend report again, or check that the right file was given")
    encoding, _ = detect_encoding(raw)
    text = raw.decode(encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.splitlines()
    comments, i = [], 0
    while i < len(lines) and (lines[i].lstrip().startswith("#") or not lines[i].strip()):
        if lines[i].strip():
            comments.append(lines[i].strip().lstrip("#").strip())
        i += 1
    start = i
    header_at = None
    for j in range(start, min(len(lines), start + HEADER_SEARCH_LINES)):
        if recognised(_fields(lines[j], _delimiter(lines[j]))):
            header_at = j
            break
    if header_at is None:
        header_at = start
    skipped = sum(1 for ln in lines[start:header_at] if ln.strip())
    delim = _delimiter(lines[header_at]) if header_at < len(lines) else ","
    header = _fields(lines[header_at], delim) if header_at < len(lines) else []
    _check_header(header, name)
    body = "\n".join(lines[header_at:])
    try:
        frame = pd.read_csv(io.StringIO(body), sep=delim, dtype=str, keep_default_na=False, na_values=[""],
                            skip_blank_lines=True, engine="c", on_bad_lines="error")
    except pd.errors.ParserError as exc:
        raise DataError(f"a row has more fields than the header's {len(header)}", source=name,
                        example=str(exc).strip().splitlines()[-1],
                        fix=f"Check for an unquoted '{delim}' inside a campaign name, or export the report again"
                        ) from None
    frame.columns = header
    if frame.empty:
        raise DataError("the file has a header but no data rows", source=name, rows=0,
                        example=f"header: {header}", fix="Export a period that has spend")
    frame = frame.apply(lambda s: s.str.strip()).replace("", np.nan)
    return RawTable(frame=frame, header=header, comments=comments, skipped_above=skipped,
                    default_decimal="," if delim == ";" else ".")


def _read_excel(path: Path, *, name: str, recognised, sheet) -> RawTable:
    try:
        raw = pd.read_excel(path, sheet_name=0 if sheet is None else sheet, header=None, dtype=object)
    except ValueError as exc:
        if "sheet" in str(exc).lower() or "worksheet" in str(exc).lower():
            raise DataError(f"sheet {sheet!r} not found", source=name,
                            example=f"sheets: {pd.ExcelFile(path).sheet_names}",
                            fix="Pass sheet= with one of the sheet names") from None
        raise
    raw = raw.dropna(how="all").dropna(axis=1, how="all").reset_index(drop=True)
    if raw.empty:
        raise DataError("the sheet is empty (no header, no rows)", source=name,
                        fix="Choose the sheet holding the spend report with sheet=")
    rows = [[str(v).strip() if pd.notna(v) else "" for v in raw.iloc[j]] for j in range(min(len(raw), 12))]
    comments = [r[0].lstrip("#").strip() for r in rows if r and r[0].startswith("#")]
    header_at = next((j for j, r in enumerate(rows) if not r[0].startswith("#") and recognised(r)),
                     len(comments))
    header = rows[header_at]
    _check_header(header, name)
    body = raw.iloc[header_at + 1:].reset_index(drop=True)
    if body.empty:
        raise DataError("the file has a header but no data rows", source=name, rows=0,
                        example=f"header: {header}", fix="Export a period that has spend")
    body.columns = header
    return RawTable(frame=typed_columns(body, strip=True), header=header, comments=comments,
                    skipped_above=max(0, header_at - len(comments)))
