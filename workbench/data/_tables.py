"""Shared by the event, assignment and experiment loaders: reading a table, column mappings, numbers and times."""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.config import resolve_path
from workbench.data.csvread import parse_numbers, read_csv_robust
from workbench.errors import DataError
from workbench.provenance import register_input


def parse_mapping(columns: Mapping[str, str] | Sequence[str] | None, *, argument: str) -> dict[str, str]:
    """``{"canonical": "source"}`` from a dict or from a list of ``"canonical=source"`` strings (notebooks)."""
    if columns is None:
        return {}
    if isinstance(columns, Mapping):
        return {str(k): str(v) for k, v in columns.items()}
    if isinstance(columns, str):
        columns = [columns]
    out = {}
    for item in columns:
        if not isinstance(item, str) or "=" not in item:
            raise DataError(f"`{argument}` entries must look like 'canonical=source_column'", source=argument,
                            example=repr(item), fix="Write e.g. 'user_id=visitor_id', one entry per column")
        key, value = item.split("=", 1)
        out[key.strip()] = value.strip()
    return out


def read_table(source: str | os.PathLike | pd.DataFrame, *, role: str) -> tuple[pd.DataFrame, str]:
    """Read a CSV / Parquet / Excel file (registered for the run manifest) or take a frame as it is."""
    if isinstance(source, pd.DataFrame):
        return source.copy(), "the given frame"
    path = resolve_path(source)
    name = Path(path).name
    if not Path(path).exists():
        raise DataError("file not found", source=str(source),
                        fix="Check the path; relative paths are taken from the current folder, then the project root")
    register_input(path, role=role)
    suffix = Path(path).suffix.lower()
    if suffix in (".parquet", ".pq"):
        df = pd.read_parquet(path)
    elif suffix in (".xlsx", ".xls"):
        df = pd.read_excel(path)
    else:  # the team's CSV reader: encoding, delimiter, BOM, duplicated header, ragged rows
        df = read_csv_robust(path, source=name).frame
        df = df.mask(df.isin(["NULL", "null", "None", "NA"]))  # how BigQuery / databases write missing
    if df.shape[1] == 0:
        raise DataError("the file is empty", source=name, rows=0, fix="Export the data again")
    if len(df) == 0:
        raise DataError("the file has a header but no data rows", source=name, rows=0,
                        example=f"columns {list(df.columns)[:8]}", fix="Export a period that has data")
    return df, name


def first_bad(series: pd.Series, bad: pd.Series) -> str:
    idx = bad[bad].index[0]
    pos = int(np.flatnonzero(bad.to_numpy())[0])
    return f"row {pos + 1}: {series.loc[idx]!r}"  # data rows counted from 1, as workbench.data.csvread does


def to_number(df: pd.DataFrame, column: str, *, source: str, shown: str | None = None) -> pd.Series:
    raw = df[column]
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        return raw.astype("float64")
    text = raw.astype("string").str.strip()
    return parse_numbers(text.mask(text == ""), source=source, column=shown or column,
                         fix="Correct or remove those rows: numbers may carry a currency sign and thousands "
                             "separators, nothing else")


def to_time(raw: pd.Series, *, source: str, column: str, unit: str | None = None) -> pd.Series:
    """Timestamps to naive UTC ``datetime64[us]``; integers need a unit (GA4: microseconds)."""
    if unit is not None:
        num = pd.to_numeric(raw, errors="coerce")
        bad = num.isna() & raw.notna()
        if bad.any():
            raise DataError(f"timestamps are not integers ({unit} since 1970-01-01 UTC)", source=source, column=column,
                            rows=int(bad.sum()), example=first_bad(raw, bad),
                            fix="Export event_timestamp as the integer GA4 writes (microseconds)")
        out = pd.to_datetime(num.astype("Int64"), unit=unit, utc=True)
    elif pd.api.types.is_datetime64_any_dtype(raw):
        out = raw if getattr(raw.dt, "tz", None) is not None else raw.dt.tz_localize("UTC")
    else:
        text = raw.astype("string").str.strip()
        try:
            out = pd.to_datetime(text, utc=True, format="ISO8601", errors="coerce")
        except (ValueError, TypeError):
            out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us, UTC]")
        retry = out.isna() & text.notna()
        if retry.any():
            out.loc[retry] = pd.to_datetime(text[retry], utc=True, format="mixed", errors="coerce")
        bad = out.isna() & text.notna() & (text != "")
        if bad.any():
            raise DataError("timestamps cannot be read", source=source, column=column, rows=int(bad.sum()),
                            example=first_bad(raw, bad),
                            fix="Use ISO dates like 2026-10-05 14:03:22 (an offset such as +02:00 is allowed)")
    return out.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[us]")


def missing_columns_error(missing: Sequence[str], df: pd.DataFrame, *, source: str, what: str,
                           fix: str) -> DataError:
    return DataError(f"required {what} column{'s' if len(missing) > 1 else ''} {list(missing)} not found; columns "
                     f"present: {list(df.columns)[:20]}", source=source, column=missing[0], rows=len(df), fix=fix)


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def text(s: pd.Series) -> pd.Series:
    out = s.astype("string").str.strip()
    return out.mask(out == "")
