"""Market pay for an occupation: the published distribution, location comparisons, industry comparisons.

All figures are BLS OEWS estimates as published, never recomputed: employment, mean, and the 10th, 25th,
50th (median), 75th and 90th percentile wages, annual and hourly, with their relative standard errors.
Three rules run through every function here:

- A value BLS did not publish stays missing, with the reason (not released, only the other wage basis, or no
  estimate at all for that occupation and area); reports show it as "not published".
- A top-coded value (flag ``<stat>_topcoded``, stored as the $239,200 / $115.00 threshold) is a lower
  bound (reports show "at least $239,200") and never ranked as if exact.
- Rankings (highest and lowest paying areas) use the median and leave out areas whose median is missing
  or top-coded; those are listed separately with the reason.

The location ratio is the area median divided by the national median for the same occupation (1.10 = pays
10% above the national median). It compares pay levels only; it is not a cost-of-living index.

There is no e-commerce industry in OEWS (NAICS 2022 files online sellers under the retail subsectors of what they
sell; the report explains it); :data:`ECOMMERCE_INDUSTRIES` lists the industries closest to it.

Results are numbers and codes only: a value BLS did not publish is missing, with the reason in ``wage_status``
(and, for areas and industries left out of a ranking, ``unranked_reason``); the report
(:mod:`workbench.reports.salaries`) turns them into words.
"""
from __future__ import annotations

import difflib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.data.oews import oews_soc_code
from workbench.errors import DataError

__all__ = [
    "PERCENTILES", "ECOMMERCE_INDUSTRIES", "UNRANKED_REASONS", "resolve_areas", "market_distribution", "focus_row",
    "national_row", "occupations_in_area", "areas_for_occupation", "location_comparison", "highest_paying",
    "lowest_paying", "unranked_areas", "AreaRanking", "area_ranking", "industry_comparison", "area_list",
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

#: Why an area or industry is left out of a ranking (``unranked_reason``): the cell's ``wage_status`` when it
#: concerns the wage basis asked for, else whether the median is missing or top-coded.
UNRANKED_REASONS: tuple[str, ...] = ("not_released", "no_estimate", "annual_only", "hourly_only", "median_missing",
                                     "median_topcoded")


# --------------------------------------------------------------------------------------------- areas

def area_list(oews: pd.DataFrame) -> pd.DataFrame:
    """The areas in ``oews``: ``area_code``, ``area_name``, ``area_type``, ``state_abbr`` (one row each)."""
    cols = [c for c in ("area_code", "area_name", "area_type", "state_abbr") if c in oews.columns]
    if "area_code" not in cols or "area_name" not in cols:
        raise DataError("area columns missing from the OEWS table", source="oews", column="area_code",
                        fix="Pass the table returned by wb.load_oews()")
    return oews[cols].drop_duplicates("area_code").reset_index(drop=True)


def resolve_areas(oews: pd.DataFrame, *, areas: str | Sequence[str] | None = None,
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
    return [oews_soc_code(c) for c in items]


def market_distribution(oews: pd.DataFrame, *, occupations: str | Sequence[str],
                        areas: str | Sequence[str] | None = None, industry: str = CROSS_INDUSTRY,
                        include_national: bool = True) -> pd.DataFrame:
    """The published pay distribution of occupation(s) in area(s): one row per occupation and area.

    Parameters
    ----------
    oews : DataFrame
        The OEWS table (``wb.load_oews()``).
    occupations : str or list of str
        SOC code(s), e.g. ``"11-2021"`` or ``role.codes``; the first is the report's benchmark (the *primary*
        occupation of :func:`focus_row`).
    areas : str or list of str, optional
        Area names or codes (see :func:`resolve_areas`); the nation is always included first unless
        ``include_national=False``. The first area after the nation is the report's *focus* area.
    industry : str
        OEWS industry code; ``"000000"`` (all industries) by default. Industry cells exist nationally only.
    include_national : bool
        Put the national row of each occupation first.

    Returns
    -------
    DataFrame with the OEWS columns for each (occupation, area) pair, in the order occupations x areas.
    A pair BLS publishes nothing for is kept as a row with ``wage_status`` and ``employment_status``
    ``"no_estimate"`` and every figure missing, so reports can say "not published" rather than drop it.
    ``attrs`` carries the OEWS table's ``release`` and ``source``.

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
                        example=unknown[0], fix="Resolve the role first with wb.salaries.resolve_role(oews, role=...)")
    area_rows = resolve_areas(oews, areas=areas, include_national=include_national)
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
    out = out.reset_index(drop=True)
    out.attrs = {"release": oews.attrs.get("release"), "source": oews.attrs.get("source")}
    return out


def _primary(market: pd.DataFrame, occupation: str | None) -> str:
    if occupation is not None:
        return _codes(occupation)[0]
    if market.empty:
        raise DataError("the market distribution has no rows", source="market",
                        fix="Build it with wb.salaries.market_distribution(oews, occupations=...)")
    return str(market["occupation_code"].iloc[0])


def _focus_area(market: pd.DataFrame) -> str:
    local = market.loc[market["area_code"] != NATIONAL, "area_code"]
    return str(local.iloc[0]) if len(local) else NATIONAL


def focus_row(market: pd.DataFrame, *, occupation: str | None = None) -> pd.Series:
    """The row a report sets its bands for: the primary occupation in the focus area.

    The primary occupation is ``occupation`` or, by default, the first of :func:`market_distribution`'s
    ``occupations``; the focus area is the first area chosen after the nation (the nation when none was
    chosen). The row's ``attrs`` carry the OEWS release and source.
    """
    code = _primary(market, occupation)
    rows = market[market["occupation_code"] == code]
    if rows.empty:
        raise DataError(f"SOC {code} is not in the distribution", source="occupation", example=code,
                        fix="Pass the role's primary SOC code (role.soc)")
    local = rows[rows["area_code"] != NATIONAL]
    row = (local if len(local) else rows).iloc[0].copy()
    row.attrs = dict(market.attrs)
    return row


def national_row(market: pd.DataFrame, *, occupation: str | None = None) -> pd.Series:
    """The national row of ``occupation`` (default: the primary one) in a :func:`market_distribution` result."""
    code = _primary(market, occupation)
    rows = market[(market["occupation_code"] == code) & (market["area_code"] == NATIONAL)]
    if rows.empty:
        raise DataError(f"no national row for SOC {code}", source="occupation", example=code,
                        fix="Build the distribution with include_national=True")
    return rows.iloc[0]


def occupations_in_area(market: pd.DataFrame, *, area: str | None = None) -> pd.DataFrame:
    """Every occupation of a :func:`market_distribution` result in one area (default: the focus area).

    ``area`` is a BLS area code (``"0042660"``) or an area name as the table writes it. One row per occupation,
    in the order given to :func:`market_distribution`: the candidate occupations side by side.
    """
    code = _focus_area(market) if area is None else str(area)
    rows = market[(market["area_code"] == code) | (market["area_name"] == code)]
    if rows.empty:
        raise DataError(f"area {code!r} is not in the distribution", source="area", example=code,
                        fix=f"Use one of {list(dict.fromkeys(market['area_code']))}")
    out = rows.reset_index(drop=True)
    out.attrs = dict(market.attrs)
    return out


def areas_for_occupation(market: pd.DataFrame, *, occupation: str | None = None) -> pd.DataFrame:
    """One occupation (default: the primary one) in every area of a :func:`market_distribution` result."""
    code = _primary(market, occupation)
    rows = market[market["occupation_code"] == code]
    if rows.empty:
        raise DataError(f"SOC {code} is not in the distribution", source="occupation", example=code,
                        fix="Pass the role's primary SOC code (role.soc)")
    out = rows.reset_index(drop=True)
    out.attrs = dict(market.attrs)
    return out


def _check_basis(basis: str) -> None:
    if basis not in ("annual", "hourly"):
        raise DataError(f"basis {basis!r} not recognised", source="basis", fix="Use 'annual' or 'hourly'")


# --------------------------------------------------------------------------------------------- location

def _unranked_reason(df: pd.DataFrame, basis: str) -> pd.Series:
    """Why each row cannot be ranked on its median (<NA> when it can): see :data:`UNRANKED_REASONS`."""
    status = df["wage_status"].astype("string").fillna("no_estimate")
    other = "hourly_only" if basis == "annual" else "annual_only"
    med = df[f"{basis}_p50"]
    top = df["p50_topcoded"].fillna(False).astype(bool)
    reason = np.select(
        [status.isin(["not_released", "no_estimate"]).to_numpy(), (status == other).to_numpy(),
         med.isna().to_numpy(), top.to_numpy()],
        [status.to_numpy(dtype=object), status.to_numpy(dtype=object), "median_missing", "median_topcoded"],
        default=None)
    return pd.Series(reason, index=df.index, dtype="string")


def location_comparison(oews: pd.DataFrame, *, occupation: str, area_type: str | Sequence[str] = "metro",
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
    ``no_estimate`` where BLS has none): area, employment, the wage percentiles and mean with their top-code
    flags, ``wage_rse``, ``location_quotient``, ``national_median`` (the occupation's national median; missing
    when it is top-coded), ``location_ratio`` (area median / national median; missing where the median is
    missing or top-coded), ``rankable`` and ``unranked_reason`` (see :data:`UNRANKED_REASONS`).
    Sorted by median, highest first, unranked areas last (a chosen list keeps its order).
    """
    _check_basis(basis)
    code = _codes(occupation)[0]
    if areas is not None:
        df = market_distribution(oews, occupations=code, areas=areas)
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
    nat_ok = pd.notna(nat_med) and not nat_top
    reason = _unranked_reason(df, basis)
    out = df.assign(rankable=reason.isna().to_numpy(), unranked_reason=reason.to_numpy())
    out["national_median"] = pd.Series(float(nat_med) if nat_ok else pd.NA, index=out.index, dtype="Float64")
    ratio = out[f"{basis}_p50"].astype("Float64") / out["national_median"]
    out["location_ratio"] = ratio.where(out["rankable"])
    keep = ["area_code", "area_name", "area_type", "state_abbr", "occupation_code", "occupation_name",
            "employment", "employment_rse", f"{basis}_mean", *[f"{basis}_{p}" for p in PERCENTILES.values()],
            "wage_rse", "location_quotient", "national_median", "location_ratio", "wage_status",
            "employment_status", *[f"{s}_topcoded" for s in _STATS], "rankable", "unranked_reason"]
    out = out[[c for c in keep if c in out.columns]]
    if areas is not None:
        return out.reset_index(drop=True)
    order = np.lexsort((out["area_name"].astype(str).to_numpy(),
                        -out[f"{basis}_p50"].astype("Float64").fillna(-1).to_numpy(dtype=float),
                        ~out["rankable"].to_numpy()))
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
    """Areas left out of the rankings, with the reason (``unranked_reason``: median not published or top-coded)."""
    df = locations[~locations["rankable"] & (locations["area_code"] != NATIONAL)]
    cols = ["area_code", "area_name", "area_type", "employment", "wage_status", "unranked_reason",
            *[c for c in df.columns if c.endswith("_p50") or c == "p50_topcoded"]]
    return df[cols].reset_index(drop=True)


@dataclass(frozen=True)
class AreaRanking:
    """The highest- and lowest-paying areas of one kind for one occupation (see :func:`area_ranking`)."""

    highest: pd.DataFrame
    lowest: pd.DataFrame
    occupation_code: str
    occupation_name: str
    area_type: str             # "metro", "state", "nonmetro", or several joined by "/"
    national_median: float     # NaN when not published or top-coded
    n: int
    min_employment: int
    basis: str = "annual"


def area_ranking(locations: pd.DataFrame, *, n: int = 15, min_employment: int = 0,
                 basis: str = "annual") -> AreaRanking:
    """The ``n`` highest- and ``n`` lowest-paying areas of a :func:`location_comparison` result, by median.

    Same rules as :func:`highest_paying` and :func:`lowest_paying` (areas whose median is missing or top-coded
    are never ranked; ``min_employment`` drops small cells), with what a chart or caption needs to say what
    was ranked. With fewer than 2 x ``n`` rankable areas the two lists overlap.
    """
    rankable = locations[locations["area_code"] != NATIONAL]
    types = "/".join(dict.fromkeys(rankable["area_type"].astype(str))) if len(rankable) else ""
    nat = locations["national_median"].dropna() if "national_median" in locations else pd.Series(dtype=float)
    code = str(locations["occupation_code"].iloc[0]) if len(locations) else ""
    name = str(locations["occupation_name"].iloc[0]) if len(locations) else ""
    return AreaRanking(highest=highest_paying(locations, n=n, min_employment=min_employment, basis=basis),
                       lowest=lowest_paying(locations, n=n, min_employment=min_employment, basis=basis),
                       occupation_code=code, occupation_name=name, area_type=types,
                       national_median=float(nat.iloc[0]) if len(nat) else math.nan, n=n,
                       min_employment=min_employment, basis=basis)


# --------------------------------------------------------------------------------------------- industry

def industry_comparison(oews: pd.DataFrame, *, occupation: str,
                        industries: Sequence[str] | str | None = None, basis: str = "annual") -> pd.DataFrame:
    """National pay for one occupation by industry, next to the all-industries figure.

    Parameters
    ----------
    oews : DataFrame
        The OEWS table.
    occupation : str
        SOC code.
    industries : list of str, ``"all"`` or None
        OEWS industry codes; None = :data:`ECOMMERCE_INDUSTRIES` (cross-industry, retail subsectors,
        wholesale, fulfilment and delivery, advertising and platforms); ``"all"`` = every NAICS 3-digit-level
        industry (``industry_level`` 3) that publishes the occupation, largest employment first.
    basis : {"annual", "hourly"}

    Returns
    -------
    DataFrame: ``group``, ``industry_code``, ``industry_name``, ``industry_label`` ("All industries" for the
    cross-industry row), the occupation, employment, wage percentiles and mean with top-code flags,
    ``ratio_to_all_industries`` (industry median / cross-industry median), ``rankable`` and ``unranked_reason``.
    Industries with no estimate for the occupation are kept with ``wage_status`` ``no_estimate``.
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
    reason = _unranked_reason(out, basis)
    rankable = reason.isna()
    is_base = out["industry_code"] == CROSS_INDUSTRY
    base_med = out.loc[is_base, f"{basis}_p50"]
    base_ok = len(base_med) and pd.notna(base_med.iloc[0]) and rankable[is_base].all()
    ratio = out[f"{basis}_p50"].astype("Float64") / base_med.iloc[0] if base_ok else pd.NA
    out["ratio_to_all_industries"] = pd.Series(ratio, index=out.index, dtype="Float64").where(rankable)
    out["rankable"] = rankable.to_numpy()
    out["unranked_reason"] = reason.to_numpy()
    out["industry_label"] = np.where(is_base, "All industries", out["industry_name"])
    out["occupation_code"] = code
    out["occupation_name"] = _occupation_names(oews).get(code, "")
    keep = ["group", "industry_code", "industry_name", "industry_label", "occupation_code", "occupation_name",
            "employment", "employment_rse", f"{basis}_mean", *[f"{basis}_{p}" for p in PERCENTILES.values()],
            "wage_rse", "ratio_to_all_industries", "wage_status", *[f"{s}_topcoded" for s in _STATS], "rankable",
            "unranked_reason"]
    return out[keep].reset_index(drop=True)
