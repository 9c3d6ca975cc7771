"""BLS OEWS wages: the canonical OEWS table and its loader.

:func:`load_oews` reads the shipped extract (``data/raw/oews/oews_may2025.parquet``, one row per
area x industry x occupation cell, 36 columns documented in ``data/raw/README.md``), or any Parquet file with
the same columns, or a folder of BLS flat files (read by :func:`workbench.data.bls_flatfiles.read_bls_oews`).
Filters (occupations, areas, industries, area types) and a column list are pushed down into the Parquet
reader, so a report that needs one occupation does not build a 146 MB frame.

Conventions of the table (the flat-file reader produces the same):

- Values BLS did not publish stay missing (``<NA>``), with the reason in ``employment_status`` /
  ``wage_status``: footnote 8 "Estimate not released" -> ``not_released``; footnote 4 (only one wage
  basis published) -> ``annual_only`` / ``hourly_only``.
- Top-coded values (footnote 5, ">= $115.00 per hour or $239,200 per year") are stored as the threshold
  with a ``<stat>_topcoded`` flag: they are lower bounds, never exact.
- Integer columns are pandas nullable ``Int32`` and flags nullable ``boolean`` (NumPy dtypes would turn
  every integer column with a gap into float).
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence

import pandas as pd

from workbench.config import SHIPPED, resolve_path
from workbench.errors import DataError
from workbench.provenance import register_input

__all__ = [
    "OEWS_COLUMNS", "OEWS_STATS", "OEWS_TOPCODE_ANNUAL", "OEWS_TOPCODE_HOURLY", "OEWS_AREA_TYPES",
    "load_oews", "oews_soc_code",
]

#: The columns of the canonical OEWS table, in order (see ``data/raw/README.md`` for each one's meaning).
OEWS_COLUMNS: list[str] = [
    "area_code", "area_type", "area_name", "state_code", "state_abbr",
    "industry_code", "industry_name", "industry_level",
    "occupation_code", "occupation_name", "occupation_level",
    "employment", "employment_rse", "hourly_mean", "annual_mean", "wage_rse",
    "hourly_p10", "hourly_p25", "hourly_p50", "hourly_p75", "hourly_p90",
    "annual_p10", "annual_p25", "annual_p50", "annual_p75", "annual_p90",
    "jobs_per_1000", "location_quotient", "employment_status", "wage_status",
    "mean_topcoded", "p10_topcoded", "p25_topcoded", "p50_topcoded", "p75_topcoded", "p90_topcoded",
]
#: Wage statistics published per cell, in the order BLS lists them.
OEWS_STATS: tuple[str, ...] = ("mean", "p10", "p25", "p50", "p75", "p90")
#: Footnote 5 thresholds of the May 2025 release (used when a release's footnote text cannot be parsed).
OEWS_TOPCODE_HOURLY = 115.0
OEWS_TOPCODE_ANNUAL = 239200
#: Area types in the extract's sort order.
OEWS_AREA_TYPES: tuple[str, ...] = ("national", "state", "metro", "nonmetro")

_INT_COLS = ["employment", "annual_mean", "annual_p10", "annual_p25", "annual_p50", "annual_p75", "annual_p90"]
_FLOAT_COLS = ["employment_rse", "hourly_mean", "wage_rse", "hourly_p10", "hourly_p25", "hourly_p50",
               "hourly_p75", "hourly_p90", "jobs_per_1000", "location_quotient"]
_FLAG_COLS = [f"{s}_topcoded" for s in OEWS_STATS]

BLS_URL = "https://download.bls.gov/pub/time.series/oe/"

# --------------------------------------------------------------------------------------------- helpers

def oews_soc_code(code: object) -> str:
    """A SOC code in the extract's spelling: ``"112021"`` or ``"11-2021"`` -> ``"11-2021"``.

    Anything that is not six digits (with or without the hyphen) is returned stripped and unchanged,
    so the caller can report it as unknown.
    """
    text = str(code).strip()
    digits = text.replace("-", "")
    if len(digits) == 6 and digits.isdigit():
        return f"{digits[:2]}-{digits[2:]}"
    return text


def as_list(value: str | Iterable[str] | None) -> list[str] | None:
    """A filter value as a list of strings (one string -> a list of one); None stays None."""
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def to_oews_dtypes(df: pd.DataFrame) -> pd.DataFrame:
    """Cast to the canonical nullable dtypes (Int32 / Float64 / boolean / string)."""
    out = df.copy()
    for col in out.columns:
        if col in _INT_COLS:
            out[col] = out[col].astype("Int32")
        elif col in _FLOAT_COLS:
            out[col] = out[col].astype("Float64")
        elif col in _FLAG_COLS:
            out[col] = out[col].astype("boolean")
        elif col == "industry_level":
            out[col] = out[col].astype("Int8")
        else:
            out[col] = out[col].astype("string")
    return out


# --------------------------------------------------------------------------------------------- load_oews

def load_oews(
    path: str | os.PathLike | None = None,
    *,
    occupations: str | Sequence[str] | None = None,
    areas: str | Sequence[str] | None = None,
    industries: str | Sequence[str] | None = None,
    area_types: str | Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Read BLS OEWS wage estimates: one row per (area, industry, occupation) cell.

    Parameters
    ----------
    path : str or path, optional
        The shipped May 2025 extract by default (``"oews"``). Also accepts another Parquet file with the
        same columns, or a folder holding the BLS flat files (read with
        :func:`workbench.data.bls_flatfiles.read_bls_oews`).
    occupations : str or list of str, optional
        SOC codes to keep, with or without the hyphen (``"11-2021"`` or ``"112021"``).
    areas : str or list of str, optional
        BLS 7-character area codes to keep (``"0000000"`` national, ``"0600000"`` California,
        ``"0041860"`` San Francisco metro).
    industries : str or list of str, optional
        OEWS industry codes to keep (``"000000"`` cross-industry).
    area_types : str or list of str, optional
        Any of ``national``, ``state``, ``metro``, ``nonmetro``.
    columns : list of str, optional
        Columns to read (default all 36 of :data:`OEWS_COLUMNS`).

    Returns
    -------
    DataFrame with the columns of :data:`OEWS_COLUMNS` (or ``columns``) and nullable dtypes. Missing
    values are values BLS did not publish (see ``employment_status`` / ``wage_status``); values flagged
    ``*_topcoded`` are lower bounds stored as the threshold. ``attrs`` holds ``source`` and ``release``.

    Raises
    ------
    DataError
        If the file does not exist, is not Parquet, lacks required columns, or a filter value is invalid.
    """
    resolved = resolve_path(path if path is not None else SHIPPED["oews"])
    if resolved.is_dir():
        from workbench.data.bls_flatfiles import read_bls_oews  # the flat-file reader builds on this module

        return read_bls_oews(resolved, occupations=occupations, areas=areas, industries=industries,
                             area_types=area_types, columns=columns)
    if not resolved.exists():
        raise DataError("file not found", source=str(path if path is not None else resolved),
                        fix="Pass the shipped extract (leave path empty), another OEWS Parquet file, or a folder "
                            f"with the BLS flat files from {BLS_URL}")
    wanted = list(columns) if columns is not None else list(OEWS_COLUMNS)
    unknown = [c for c in wanted if c not in OEWS_COLUMNS]
    if unknown:
        raise DataError(f"unknown column(s) {unknown} requested", source="load_oews(columns=...)",
                        example=unknown[0], fix=f"Choose from {OEWS_COLUMNS}")
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(resolved)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for a non-Parquet file
        raise DataError(f"not a readable Parquet file ({type(exc).__name__}: {exc})", source=str(resolved),
                        fix="Pass the OEWS extract in Parquet, or a folder with the BLS flat files") from exc
    filters = _parquet_filters(occupations=occupations, areas=areas, industries=industries, area_types=area_types)
    missing = [c for c in {*wanted, *(f[0] for f in filters)} if c not in schema.names]
    if missing:
        raise DataError(f"{len(missing)} required column(s) missing", source=str(resolved), column=sorted(missing)[0],
                        fix=f"The OEWS table needs the columns {OEWS_COLUMNS}; columns present: {schema.names}")
    df = pd.read_parquet(resolved, columns=wanted, filters=filters or None, dtype_backend="numpy_nullable")
    df = to_oews_dtypes(df.reset_index(drop=True))
    register_input(resolved, role="oews")
    meta = schema.metadata or {}
    title = meta.get(b"title", b"").decode("utf-8", "replace")
    release = re.search(r"(January|February|March|April|May|June|July|August|September|October|November|December)"
                        r" \d{4}", title)
    df.attrs.update(source=str(resolved), release=release.group(0) if release else None)
    return df


def _parquet_filters(*, occupations, areas, industries, area_types) -> list[tuple]:
    filters: list[tuple] = []
    occ = as_list(occupations)
    if occ is not None:
        filters.append(("occupation_code", "in", [oews_soc_code(c) for c in occ]))
    for col, values in (("area_code", as_list(areas)), ("industry_code", as_list(industries))):
        if values is not None:
            filters.append((col, "in", [v.strip() for v in values]))
    types = as_list(area_types)
    if types is not None:
        check_area_types(types)
        filters.append(("area_type", "in", types))
    return filters


def check_area_types(types: Sequence[str]) -> None:
    """Raise :class:`DataError` for an area type the table does not have."""
    bad = [t for t in types if t not in OEWS_AREA_TYPES]
    if bad:
        raise DataError(f"unknown area type {bad[0]!r}", source="area_types", rows=len(bad), example=bad[0],
                        fix=f"Use any of {list(OEWS_AREA_TYPES)}")


