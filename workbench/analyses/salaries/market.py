"""Market pay for an occupation: the published distribution, location comparisons, industry comparisons.

All figures are BLS OEWS estimates as published, never recomputed: employment, mean, and the 10th, 25th,
50th (median), 75th and 90th percentile wages, annual and hourly, with their relative standard errors.
Three rules run through every function here:

- A value BLS did not publish stays missing and is shown as "not published" (with the reason: not
  released, only the other wage basis, or no estimate at all for that occupation and area).
- A top-coded value (flag ``<stat>_topcoded``, stored as the $239,200 / $115.00 threshold) is a lower
  bound, shown as "at least $239,200", and never ranked as if exact.
- Rankings (highest and lowest paying areas) use the median and leave out areas whose median is missing
  or top-coded; those are listed separately with the reason.

The location ratio is the area median divided by the national median for the same occupation (1.10 = pays
10% above the national median). It compares pay levels only; it is not a cost-of-living index.

There is no e-commerce industry in OEWS (see :data:`NO_ECOMMERCE_INDUSTRY_NOTE`); :data:`ECOMMERCE_INDUSTRIES`
lists the industries closest to it.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from workbench.errors import DataError
from workbench.present import fmt

__all__ = [
    "PERCENTILES", "ECOMMERCE_INDUSTRIES", "NO_ECOMMERCE_INDUSTRY_NOTE", "resolve_areas", "market_distribution",
    "distribution_table", "wage_text", "location_comparison", "highest_paying", "lowest_paying",
    "unranked_areas", "location_table", "industry_comparison", "industry_table", "area_list", "focus_row",
    "national_row", "unranked_table",
]

NATIONAL = "0000000"
CROSS_INDUSTRY = "000000"
#: Published percentiles: percentile -> statistic name used in column names (``annual_p25``, ``p25_topcoded``).
PERCENTILES: dict[int, str] = {10: "p10", 25: "p25", 50: "p50", 75: "p75", 90: "p90"}
_STATS = ("mean", "p10", "p25", "p50", "p75", "p90")

#: Industries closest to e-commerce (OEWS industry code -> group), cross-industry first. Retail subsectors
#: under NAICS 2022 hold store and online sellers alike; warehousing and couriers carry fulfilment and
#: parcel delivery; advertising, platforms, hosting and search carry the marketing and technology side.
ECOMMERCE_INDUSTRIES: dict[str, str] = {
    "000000": "All industries",
    "44--46": "Retail",
    "455000": "Retail",
    "458000": "Retail",
    "449000": "Retail",
    "456000": "Retail",
    "459000": "Retail",
    "445000": "Retail",
    "444000": "Retail",
    "441000": "Retail",
    "425000": "Wholesale",
    "493000": "Fulfilment and delivery",
    "492000": "Fulfilment and delivery",
    "541800": "Advertising and platforms",
    "516200": "Advertising and platforms",
    "518200": "Advertising and platforms",
    "519200": "Advertising and platforms",
    "541500": "Advertising and platforms",
}

NO_ECOMMERCE_INDUSTRY_NOTE = (
    "There is no e-commerce industry in OEWS. The industry list follows NAICS 2022, which dropped the old "
    "'nonstore retailers' subsector (and with it 'electronic shopping and mail-order houses'): retail "
    "industries are now defined by the products sold, not by how they are sold, so online retailers sit inside "
    "the retail subsectors (441-459) next to stores selling the same goods. The closest proxies are the retail "
    "subsectors (General Merchandise Retailers above all), Warehousing and Storage (fulfilment), Couriers and "
    "Messengers (parcel delivery), and the advertising, hosting, search and social-media industries (the "
    "marketing and platform side). Industry figures are national only: OEWS publishes states and metro areas "
    "for all industries combined."
)

_WAGE_COLS = [f"annual_{s}" for s in _STATS] + [f"hourly_{s}" for s in _STATS]
_STATUS_TEXT = {
    "not_released": "not published (estimate not released by BLS)",
    "annual_only": "not published (BLS publishes this occupation's wages as annual salaries only)",
    "hourly_only": "not published (BLS publishes this occupation's wages as hourly rates only)",
    "no_estimate": "not published (no estimate for this occupation and area)",
}


# --------------------------------------------------------------------------------------------- areas

def area_list(oews: pd.DataFrame) -> pd.DataFrame:
    """The areas in ``oews``: ``area_code``, ``area_name``, ``area_type``, ``state_abbr`` (one row each)."""
    cols = [c for c in ("area_code", "area_name", "area_type", "state_abbr") if c in oews.columns]
    if "area_code" not in cols or "area_name" not in cols:
        raise DataError("area columns missing from the OEWS table", source="oews", column="area_code",
                        fix="Pass the table returned by wb.load_oews()")
    return oews[cols].drop_duplicates("area_code").reset_index(drop=True)


def resolve_areas(oews: pd.DataFrame, areas: str | Sequence[str] | None, *,
                  include_national: bool = True) -> pd.DataFrame:
    """Match area names or codes to OEWS areas.

    Each entry may be a 7-digit BLS area code (``"0041860"``), an exact area name (``"California"``,
    ``"Seattle-Tacoma-Bellevue, WA"``), a state abbreviation (``"CA"``), ``"national"``, or a unique part of
    a name (``"Seattle"``). An exact name wins over a partial one ("New York" is the state; write "New
    York-Newark" for the metro area). Matching ignores case.

    Returns
    -------
    DataFrame of the matched areas in the order given, national first when ``include_national``; duplicates
    are dropped.

    Raises
    ------
    DataError
        A name matches no area (closest names suggested) or several (candidates listed).
    """
    table = area_list(oews)
    items = [] if areas is None else [areas] if isinstance(areas, str) else list(areas)
    by_code = dict(zip(table["area_code"], table.index))
    by_name = {str(n).casefold(): i for n, i in zip(table["area_name"], table.index)}
    by_abbr = {}
    if "state_abbr" in table:
        states = table[table["area_type"] == "state"]
        by_abbr = {str(a): i for a, i in zip(states["state_abbr"], states.index) if pd.notna(a)}
    picks: list[int] = []
    if include_national:
        if NATIONAL not in by_code:
            raise DataError("the OEWS table has no national rows", source="oews", fix="Load it without an area filter")
        picks.append(by_code[NATIONAL])
    for item in items:
        text = str(item).strip()
        key = text.casefold()
        if text in by_code:
            picks.append(by_code[text])
        elif key in ("national", "nation", "us", "u.s.", "usa", "united states"):
            picks.append(by_code[NATIONAL])
        elif key in by_name:
            picks.append(by_name[key])
        elif text.upper() in by_abbr and len(text) == 2:
            picks.append(by_abbr[text.upper()])
        else:
            hits = table[table["area_name"].str.casefold().str.contains(re.escape(key), regex=True)]
            if len(hits) > 1:
                starts = hits[hits["area_name"].str.casefold().str.startswith(key) & (hits["area_type"] == "metro")]
                if len(starts) == 1:
                    hits = starts
            if len(hits) == 1:
                picks.append(hits.index[0])
            elif len(hits) > 1:
                listed = "; ".join(f"{n} ({c})" for c, n in zip(hits["area_code"], hits["area_name"]))
                raise DataError(f"area {text!r} matches {len(hits)} areas", source="areas", rows=len(hits),
                                example=hits["area_name"].iloc[0],
                                fix=f"Use the full name or the BLS area code: {listed}")
            else:
                close = difflib.get_close_matches(text, list(table["area_name"]), n=5, cutoff=0.4)
                raise DataError(f"area {text!r} not found", source="areas",
                                fix=f"Close matches: {close or 'none'}. Use a state, a metro area name as BLS "
                                    "writes it (e.g. 'Seattle-Tacoma-Bellevue, WA'), or a 7-digit BLS area code")
    seen, order = set(), []
    for i in picks:
        if i not in seen:
            seen.add(i)
            order.append(i)
    return table.loc[order].reset_index(drop=True)


# --------------------------------------------------------------------------------------------- distribution

def _occupation_names(oews: pd.DataFrame) -> dict[str, str]:
    occ = oews[["occupation_code", "occupation_name"]].drop_duplicates("occupation_code")
    return dict(zip(occ["occupation_code"], occ["occupation_name"]))


def _codes(occupations: str | Sequence[str]) -> list[str]:
    items = [occupations] if isinstance(occupations, str) else list(occupations)
    out = []
    for c in items:
        d = str(c).strip().replace("-", "")
        out.append(f"{d[:2]}-{d[2:]}" if len(d) == 6 and d.isdigit() else str(c).strip())
    return out


def market_distribution(oews: pd.DataFrame, occupations: str | Sequence[str], *,
                        areas: str | Sequence[str] | None = None, industry: str = CROSS_INDUSTRY,
                        include_national: bool = True) -> pd.DataFrame:
    """The published pay distribution of occupation(s) in area(s): one row per occupation and area.

    Parameters
    ----------
    oews : DataFrame
        The OEWS table (``wb.load_oews()``).
    occupations : str or list of str
        SOC code(s), e.g. ``"11-2021"`` or ``role.codes``.
    areas : str or list of str, optional
        Area names or codes (see :func:`resolve_areas`); the nation is always included first unless
        ``include_national=False``.
    industry : str
        OEWS industry code; ``"000000"`` (all industries) by default. Industry cells exist nationally only.

    Returns
    -------
    DataFrame with the OEWS columns for each (occupation, area) pair, in the order occupations x areas.
    A pair BLS publishes nothing for is kept as a row with ``wage_status`` and ``employment_status``
    ``"no_estimate"`` and every figure missing, so reports can say "not published" rather than drop it.

    Raises
    ------
    DataError
        Unknown occupation code or area.
    """
    codes = _codes(occupations)
    names = _occupation_names(oews)
    unknown = [c for c in codes if c not in names]
    if unknown:
        raise DataError(f"SOC code {unknown[0]} is not in the OEWS table", source="occupations", rows=len(unknown),
                        example=unknown[0], fix="Resolve the role first with wb.salaries.resolve_role(oews, role)")
    area_rows = resolve_areas(oews, areas, include_national=include_national)
    cells = oews[oews["occupation_code"].isin(codes) & oews["area_code"].isin(area_rows["area_code"])
                 & (oews["industry_code"] == industry)]
    grid = pd.DataFrame([(c, a) for c in codes for a in area_rows["area_code"]],
                        columns=["occupation_code", "area_code"])
    out = grid.merge(cells, on=["occupation_code", "area_code"], how="left", suffixes=("", "_cell"))
    info = area_rows.set_index("area_code")
    for col in ("area_name", "area_type", "state_abbr"):
        if col in info:
            out[col] = out["area_code"].map(info[col]).astype("string")
    out["occupation_name"] = out["occupation_code"].map(names).astype("string")
    out["industry_code"] = out["industry_code"].fillna(industry)
    for col in ("wage_status", "employment_status"):
        out[col] = out[col].fillna("no_estimate")
    for s in _STATS:
        out[f"{s}_topcoded"] = out[f"{s}_topcoded"].fillna(False).astype("boolean")
    return out.reset_index(drop=True)


def focus_row(dist: pd.DataFrame, occupation: str) -> pd.Series:
    """The row of ``dist`` a report sets its bands for: the occupation in the first area chosen after the nation.

    With no area chosen (only the national row), the national row.
    """
    code = _codes(occupation)[0]
    rows = dist[dist["occupation_code"] == code]
    if rows.empty:
        raise DataError(f"SOC {code} is not in the distribution", source="occupation", example=code,
                        fix="Pass the role's primary SOC code (role.soc)")
    local = rows[rows["area_code"] != NATIONAL]
    return (local if len(local) else rows).iloc[0]


def national_row(dist: pd.DataFrame, occupation: str) -> pd.Series:
    """The national row of ``occupation`` in a :func:`market_distribution` result."""
    code = _codes(occupation)[0]
    rows = dist[(dist["occupation_code"] == code) & (dist["area_code"] == NATIONAL)]
    if rows.empty:
        raise DataError(f"no national row for SOC {code}", source="occupation", example=code,
                        fix="Build the distribution with include_national=True")
    return rows.iloc[0]


def wage_text(row: pd.Series | dict, stat: str, *, basis: str = "annual") -> str:
    """One wage figure as a report shows it.

    ``"$166,790"`` when published; ``"at least $239,200"`` (or ``"at least $115.00"`` an hour) when
    top-coded; ``"not published"`` when BLS published no value.
    """
    col = f"{basis}_{stat}"
    value = row.get(col) if hasattr(row, "get") else row[col]
    if value is None or pd.isna(value):
        return "not published"
    decimals = 2 if basis == "hourly" else 0
    text = fmt.money(float(value), decimals=decimals)
    top = row.get(f"{stat}_topcoded", False)
    if top is not None and not pd.isna(top) and bool(top):
        return f"at least {text}"
    return text


def _status_note(row: pd.Series, basis: str) -> str:
    status = row.get("wage_status")
    if status == "not_released" or status == "no_estimate":
        return _STATUS_TEXT[status]
    if (basis == "annual" and status == "hourly_only") or (basis == "hourly" and status == "annual_only"):
        return _STATUS_TEXT[status]
    return ""


def distribution_table(dist: pd.DataFrame, *, basis: str = "annual") -> pd.DataFrame:
    """The distribution as a report table: one row per statistic, one column per occupation and area.

    Money is formatted for managers; top-coded values read "at least $239,200"; values BLS did not publish
    read "not published". Relative standard errors (RSE) are percentages of the estimate: 95% of the time the
    true value lies within about two RSEs.
    """
    _check_basis(basis)
    multi = dist["occupation_code"].nunique() > 1
    labels = {
        "employment": "Employment (jobs)", "employment_rse": "Employment RSE",
        "mean": "Mean", "p10": "10th percentile", "p25": "25th percentile", "p50": "Median (50th percentile)",
        "p75": "75th percentile", "p90": "90th percentile", "wage_rse": "Wage RSE (mean)",
    }
    columns = {}
    for _, row in dist.iterrows():
        name = row["area_name"] if not multi else f"{row['occupation_code']} {row['occupation_name']}, {row['area_name']}"
        col = {}
        emp = row.get("employment")
        col[labels["employment"]] = fmt.num(emp) if pd.notna(emp) else "not published"
        rse = row.get("employment_rse")
        col[labels["employment_rse"]] = f"{fmt.num(rse, 1)}%" if pd.notna(rse) else "not published"
        for s in _STATS:
            col[labels[s]] = wage_text(row, s, basis=basis)
        wr = row.get("wage_rse")
        col[labels["wage_rse"]] = f"{fmt.num(wr, 1)}%" if pd.notna(wr) else "not published"
        note = _status_note(row, basis)
        col["Note"] = note
        columns[name] = col
    out = pd.DataFrame(columns)
    if not out.loc["Note"].astype(bool).any():
        out = out.drop(index="Note")
    out.index.name = f"{basis} wage" if basis == "annual" else "hourly wage"
    return out


def _check_basis(basis: str) -> None:
    if basis not in ("annual", "hourly"):
        raise DataError(f"basis {basis!r} not recognised", source="basis", fix="Use 'annual' or 'hourly'")


# --------------------------------------------------------------------------------------------- location

def _rank_info(df: pd.DataFrame, basis: str) -> tuple[pd.Series, pd.Series]:
    med = df[f"{basis}_p50"]
    top = df["p50_topcoded"].fillna(False).astype(bool)
    notes = []
    for (_, row), m, t in zip(df.iterrows(), med, top):
        note = _status_note(row, basis)
        if not note and pd.isna(m):
            note = "median not published"
        if not note and t:
            note = f"median top-coded ({wage_text(row, 'p50', basis=basis)}): not ranked"
        notes.append(note)
    notes = pd.Series(notes, index=df.index, dtype="string")
    rankable = med.notna() & ~top & (notes == "")
    return rankable.astype(bool), notes


def location_comparison(oews: pd.DataFrame, occupation: str, *, area_type: str | Sequence[str] = "metro",
                        areas: str | Sequence[str] | None = None, basis: str = "annual") -> pd.DataFrame:
    """Pay for one occupation across areas, against the national median.

    Parameters
    ----------
    oews : DataFrame
        The OEWS table.
    occupation : str
        SOC code.
    area_type : str or list of str
        ``"state"``, ``"metro"``, ``"nonmetro"`` (or a list); ignored when ``areas`` is given.
    areas : list of str, optional
        A chosen list of areas (names or codes, see :func:`resolve_areas`); the nation is included first.
    basis : {"annual", "hourly"}

    Returns
    -------
    DataFrame, one row per area that has a cell for the occupation (for a chosen list: every area, with
    "no estimate" where BLS has none): area, employment, the wage percentiles and mean with their top-code
    flags, ``wage_rse``, ``location_quotient``, ``location_ratio`` (area median / national median; missing
    where the median is missing or top-coded), ``rankable`` and ``note`` (why an area is not ranked).
    Sorted by median, highest first, unranked areas last.
    """
    _check_basis(basis)
    code = _codes(occupation)[0]
    if areas is not None:
        df = market_distribution(oews, code, areas=areas)
    else:
        types = [area_type] if isinstance(area_type, str) else list(area_type)
        df = oews[(oews["occupation_code"] == code) & (oews["industry_code"] == CROSS_INDUSTRY)
                  & oews["area_type"].isin(types)].copy()
        if df.empty:
            raise DataError(f"no {'/'.join(types)} estimates for SOC {code}", source="occupation", example=code,
                            fix="Check the SOC code, or compare states instead of metro areas")
    nat = oews[(oews["occupation_code"] == code) & (oews["industry_code"] == CROSS_INDUSTRY)
               & (oews["area_code"] == NATIONAL)]
    nat_med = nat[f"{basis}_p50"].iloc[0] if len(nat) else pd.NA
    nat_top = bool(nat["p50_topcoded"].iloc[0]) if len(nat) else False
    rankable, notes = _rank_info(df, basis)
    out = df.assign(rankable=rankable.to_numpy(), note=notes.to_numpy())
    ratio = out[f"{basis}_p50"].astype("Float64") / nat_med if pd.notna(nat_med) and not nat_top else pd.NA
    out["location_ratio"] = pd.Series(ratio, index=out.index, dtype="Float64").where(out["rankable"])
    keep = ["area_code", "area_name", "area_type", "state_abbr", "occupation_code", "occupation_name",
            "employment", "employment_rse", f"{basis}_mean", *[f"{basis}_{p}" for p in PERCENTILES.values()],
            "wage_rse", "location_quotient", "location_ratio", "wage_status", "employment_status",
            *[f"{s}_topcoded" for s in _STATS], "rankable", "note"]
    out = out[[c for c in keep if c in out.columns]]
    order = np.lexsort((out["area_name"].astype(str).to_numpy(),
                        -out[f"{basis}_p50"].astype("Float64").fillna(-1).to_numpy(dtype=float),
                        ~out["rankable"].to_numpy()))
    if areas is not None:
        return out.reset_index(drop=True)
    return out.iloc[order].reset_index(drop=True)


def highest_paying(locations: pd.DataFrame, *, n: int = 15, min_employment: int = 0,
                   basis: str = "annual") -> pd.DataFrame:
    """The ``n`` areas with the highest median among rankable ones (median published and not top-coded).

    ``min_employment`` drops areas with fewer jobs than that (small cells have wide error margins).
    Adds ``rank`` (1 = highest). Ties in the median are broken by area name.
    """
    return _ranked(locations, n=n, min_employment=min_employment, basis=basis, lowest=False)


def lowest_paying(locations: pd.DataFrame, *, n: int = 15, min_employment: int = 0,
                  basis: str = "annual") -> pd.DataFrame:
    """The ``n`` areas with the lowest median among rankable ones; ``rank`` 1 = lowest."""
    return _ranked(locations, n=n, min_employment=min_employment, basis=basis, lowest=True)


def _ranked(locations: pd.DataFrame, *, n: int, min_employment: int, basis: str, lowest: bool) -> pd.DataFrame:
    if n < 1:
        raise DataError(f"n must be at least 1, got {n}", source="n", fix="Ask for 15 areas, say")
    df = locations[locations["rankable"] & (locations["area_code"] != NATIONAL)]
    if min_employment:
        df = df[df["employment"].fillna(0) >= min_employment]
    med = df[f"{basis}_p50"].astype(float)
    df = df.assign(_m=med.to_numpy()).sort_values(["_m", "area_name"], ascending=[lowest, True]).drop(columns="_m")
    df = df.head(n).reset_index(drop=True)
    return df.assign(rank=np.arange(1, len(df) + 1))


def unranked_areas(locations: pd.DataFrame) -> pd.DataFrame:
    """Areas left out of the rankings, with the reason (median not published or top-coded)."""
    df = locations[~locations["rankable"] & (locations["area_code"] != NATIONAL)]
    return df[["area_code", "area_name", "area_type", "employment", "note"]].reset_index(drop=True)


def unranked_table(locations: pd.DataFrame) -> pd.DataFrame:
    """:func:`unranked_areas` formatted for a report: area, type, jobs and why it is not ranked."""
    df = unranked_areas(locations)
    if df.empty:
        return pd.DataFrame({"Areas left out of the rankings": ["none: every area's median is published and exact"]})
    return pd.DataFrame({"Area": df["area_name"], "Type": df["area_type"],
                         "Jobs": [fmt.num(v) if pd.notna(v) else "not published" for v in df["employment"]],
                         "Why not ranked": df["note"]})


def location_table(locations: pd.DataFrame, *, basis: str = "annual") -> pd.DataFrame:
    """Locations formatted for a report: area, jobs, 25th / median / 75th, location ratio, note."""
    rows = []
    for _, row in locations.iterrows():
        ratio = row.get("location_ratio")
        rows.append({
            **({"Rank": int(row["rank"])} if "rank" in locations.columns else {}),
            "Area": row["area_name"],
            "Jobs": fmt.num(row["employment"]) if pd.notna(row["employment"]) else "not published",
            "25th percentile": wage_text(row, "p25", basis=basis),
            "Median": wage_text(row, "p50", basis=basis),
            "75th percentile": wage_text(row, "p75", basis=basis),
            "vs national median": f"{ratio:.2f}x" if pd.notna(ratio) else "n/a",
            "Note": row.get("note", "") or "",
        })
    out = pd.DataFrame(rows)
    if len(out) and not out["Note"].astype(bool).any():
        out = out.drop(columns="Note")
    return out


# --------------------------------------------------------------------------------------------- industry

def industry_comparison(oews: pd.DataFrame, occupation: str, *,
                        industries: Sequence[str] | str | None = None, basis: str = "annual") -> pd.DataFrame:
    """National pay for one occupation by industry, next to the all-industries figure.

    Parameters
    ----------
    industries : list of str, ``"all"`` or None
        OEWS industry codes; None = :data:`ECOMMERCE_INDUSTRIES` (cross-industry, retail subsectors,
        wholesale, fulfilment and delivery, advertising and platforms); ``"all"`` = every NAICS 3-digit-level
        industry (``industry_level`` 3) that publishes the occupation, largest employment first.

    Returns
    -------
    DataFrame: ``group``, ``industry_code``, ``industry_name``, employment, wage percentiles and mean with
    top-code flags, ``ratio_to_all_industries`` (industry median / cross-industry median) and ``note``.
    Industries with no estimate for the occupation are kept with the note "no estimate".
    """
    _check_basis(basis)
    code = _codes(occupation)[0]
    rows = oews[(oews["occupation_code"] == code) & (oews["area_code"] == NATIONAL)]
    if rows.empty:
        raise DataError(f"no national estimates for SOC {code}", source="occupation", example=code,
                        fix="Check the SOC code (wb.salaries.find_occupations)")
    if isinstance(industries, str) and industries == "all":
        sel = rows[(rows["industry_level"] == 3)].sort_values("employment", ascending=False, na_position="last")
        base = rows[rows["industry_code"] == CROSS_INDUSTRY]
        out = pd.concat([base, sel], ignore_index=True)
        out.insert(0, "group", np.where(out["industry_code"] == CROSS_INDUSTRY, "All industries", "Industry"))
    else:
        groups = ECOMMERCE_INDUSTRIES if industries is None else {
            **{CROSS_INDUSTRY: "All industries"}, **{str(c): "Chosen" for c in industries}}
        names = oews[["industry_code", "industry_name"]].drop_duplicates("industry_code")
        grid = pd.DataFrame({"group": list(groups.values()), "industry_code": list(groups)})
        unknown = grid[~grid["industry_code"].isin(names["industry_code"])]
        if len(unknown):
            raise DataError(f"industry code {unknown['industry_code'].iloc[0]!r} is not in the OEWS table",
                            source="industries", rows=len(unknown), example=unknown["industry_code"].iloc[0],
                            fix="Use OEWS industry codes such as '455000' (General Merchandise Retailers)")
        out = grid.merge(rows.drop(columns=["industry_name"]), on="industry_code", how="left")
        out = out.merge(names, on="industry_code", how="left")
        out["wage_status"] = out["wage_status"].fillna("no_estimate")
        out["employment_status"] = out["employment_status"].fillna("no_estimate")
        for s in _STATS:
            out[f"{s}_topcoded"] = out[f"{s}_topcoded"].fillna(False).astype("boolean")
    rankable, notes = _rank_info(out, basis)
    base_med = out.loc[out["industry_code"] == CROSS_INDUSTRY, f"{basis}_p50"]
    base_ok = len(base_med) and pd.notna(base_med.iloc[0]) and rankable[out["industry_code"] == CROSS_INDUSTRY].all()
    ratio = out[f"{basis}_p50"].astype("Float64") / base_med.iloc[0] if base_ok else pd.NA
    out["ratio_to_all_industries"] = pd.Series(ratio, index=out.index, dtype="Float64").where(rankable)
    out["rankable"] = rankable.to_numpy()
    out["note"] = notes.to_numpy()
    out["industry_label"] = np.where(out["industry_code"] == CROSS_INDUSTRY, "All industries", out["industry_name"])
    keep = ["group", "industry_code", "industry_name", "industry_label", "employment", "employment_rse", f"{basis}_mean",
            *[f"{basis}_{p}" for p in PERCENTILES.values()], "wage_rse", "ratio_to_all_industries",
            "wage_status", *[f"{s}_topcoded" for s in _STATS], "rankable", "note"]
    return out[keep].reset_index(drop=True)


def industry_table(industries: pd.DataFrame, *, basis: str = "annual") -> pd.DataFrame:
    """Industries formatted for a report: group, industry, jobs, 25th / median / 75th, mean, ratio, note."""
    rows = []
    for _, row in industries.iterrows():
        ratio = row.get("ratio_to_all_industries")
        rows.append({
            "Group": row["group"], "Industry": f"{row['industry_name']} ({row['industry_code']})",
            "Jobs": fmt.num(row["employment"]) if pd.notna(row["employment"]) else "not published",
            "25th percentile": wage_text(row, "p25", basis=basis), "Median": wage_text(row, "p50", basis=basis),
            "75th percentile": wage_text(row, "p75", basis=basis), "Mean": wage_text(row, "mean", basis=basis),
            "vs all industries": f"{ratio:.2f}x" if pd.notna(ratio) else "n/a",
            "Note": row.get("note", "") or "",
        })
    out = pd.DataFrame(rows)
    if len(out) and not out["Note"].astype(bool).any():
        out = out.drop(columns="Note")
    return out
