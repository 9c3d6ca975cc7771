"""The salary-benchmarking report's words: its sentences, display tables and headline metrics.

The analyses (:mod:`workbench.analyses.salaries`) return BLS figures as published, with codes for what BLS did not
publish (``wage_status``, ``unranked_reason``) and for where an amount sits (``placement``). This module words
them the same way everywhere:

- a value BLS did not publish reads "not published" (with the reason where it matters);
- a top-coded value is a lower bound and reads "at least $239,200" (hourly: "at least $115.00");
- money is whole dollars a year, cents an hour.

Display tables hold these words, so their columns are declared as text; the specs give each column its label.
Tables whose columns are the user's own choices (one per area, one per quantile) build their spec from them.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.analyses.salaries.bands import COMPETITIVE_RANGE, OfferPosition
from workbench.analyses.salaries.market import NATIONAL
from workbench.present import fmt
from workbench.present.narrative import Markdown
from workbench.present.tables import Col, TableSpec, table
from workbench.reports.common import Headline, record_metrics
from workbench.sections import Skipped, skippable

__all__ = [
    "HEADLINES", "BAND_HEADLINES", "NO_ECOMMERCE_INDUSTRY_NOTE", "ARTICLE_EXPLANATION", "DISTRIBUTION", "LOCATIONS",
    "UNRANKED", "INDUSTRIES", "OFFER", "ARTICLES", "CROSSWALK", "OWN_BANDS", "OWN_VS_MARKET", "COMPRESSION",
    "record_headlines", "answer_md", "bands_md", "offer_md", "role_md", "offer_method_md", "article_md",
    "article_explanation_md", "own_data_md", "sources_md", "distribution_table", "band_comparison_table",
    "offer_table", "location_table", "highest_paying_table", "lowest_paying_table", "unranked_table",
    "industry_table", "article_table", "crosswalk_table", "experience_curve_table", "own_bands_table",
    "own_vs_market_table", "pay_compression_table",
]

# --------------------------------------------------------------------------------------------- headlines

#: The report's headline metrics. No direction is good news here: a higher market median or offer percentile
#: helps hiring and costs more, so ``good`` stays None (the header shows changes without colouring them).
#: One pair of band metrics per level is added from :data:`BAND_HEADLINES` (``band_<level>_low`` / ``_high``).
HEADLINES: dict[str, Headline] = {
    "median_wage": Headline("Market median{median_bound}", "money", key=True),
    "employment": Headline("Jobs in the occupation and area", "count", key=True),
    "offer": Headline("Offer checked", "money"),
    "offer_percentile": Headline("Offer percentile", "percentile", key=True),
    "offer_percentile_low": Headline("Offer percentile, at least", "percentile"),
    "offer_percentile_high": Headline("Offer percentile, at most", "percentile"),
    "offer_verdict": Headline("Offer verdict", "text", key=True),
}
#: Labels of each level's band edges; ``(at least)`` is added where an edge rests on a top-coded percentile.
BAND_HEADLINES = {"low": "{level} band from", "high": "{level} band to"}


def _offer_given(position: Any) -> bool:
    return isinstance(position, OfferPosition)


def _clean(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value.item() if hasattr(value, "item") else value


def record_headlines(focus: pd.Series | Mapping, *, bands: pd.DataFrame,
                     position: OfferPosition | Skipped | None = None, basis: str = "annual",
                     currency: str = "USD") -> dict[str, Any]:
    """Record the report's headline numbers and return them (name -> value).

    The market median and employment of the focus row, each band's low and high edge (``band_<level>_low`` /
    ``band_<level>_high``) and, when an offer was checked, the offer, its percentile (missing outside the
    10th-90th or next to a top-coded percentile), the ends of the range when only a range is known, and the
    verdict. A value that is a lower bound (top-coded) says so in its label.
    """
    med_top = bool(_clean(focus.get("p50_topcoded", False)) or False)
    values: dict[str, Any] = {"median_wage": _clean(focus.get(f"{basis}_p50")),
                              "employment": _clean(focus.get("employment"))}
    specs = {name: HEADLINES[name] for name in ("median_wage", "employment")}
    previous_high = None
    for _, b in bands.iterrows():
        key = re.sub(r"\W+", "_", str(b["level"]).strip().lower()).strip("_")
        for edge in ("low", "high"):
            bound = " (at least)" if b[f"{edge}_is_lower_bound"] else ""
            label = BAND_HEADLINES[edge].format(level=b["level"]) + bound
            # a band that starts where the one below ends: its start is recorded, not shown again as a card
            card = not (edge == "low" and previous_high is not None and float(b[edge]) == previous_high)
            specs[f"band_{key}_{edge}"] = Headline(label.replace("{", "{{").replace("}", "}}"), "money", card=card)
            values[f"band_{key}_{edge}"] = _clean(float(b[edge]))
        previous_high = float(b["high"])
    specs |= {name: spec for name, spec in HEADLINES.items() if name.startswith("offer")}
    if _offer_given(position):
        values["offer"] = position.offer
        values["offer_percentile"] = _clean(position.percentile)
        if position.percentile_low != position.percentile_high:  # only a range is known: record its ends
            values["offer_percentile_low"] = position.percentile_low
            values["offer_percentile_high"] = position.percentile_high
        values["offer_verdict"] = position.verdict
    return record_metrics(values, specs=specs, currency=currency,
                          median_bound=" (at least; top-coded)" if med_top else "")


# --------------------------------------------------------------------------------------------- wording helpers

def _in_area(name: Any) -> str:
    """``"nationally"`` for the nation, else ``"in <area>"``."""
    return "nationally" if str(name).strip().lower() == "national" else f"in {name}"


def _money(x: float, basis: str = "annual") -> str:
    return fmt.money(x, decimals=2 if basis == "hourly" else 0)


def _flag(value: Any) -> bool:
    return value is not None and not pd.isna(value) and bool(value)


def _wage(row: pd.Series | Mapping, stat: str, *, basis: str = "annual") -> str:
    """One published wage as the report shows it: ``$166,790``, ``at least $239,200`` or ``not published``."""
    value = row.get(f"{basis}_{stat}")
    if value is None or pd.isna(value):
        return "not published"
    text = _money(float(value), basis)
    return f"at least {text}" if _flag(row.get(f"{stat}_topcoded", False)) else text


def _band_text(low: float, high: float, low_lb: bool, high_lb: bool, basis: str = "annual") -> str:
    if low_lb:
        return f"at least {_money(low, basis)}"
    if high_lb:
        return f"{_money(low, basis)} to at least {_money(high, basis)}"
    return f"{_money(low, basis)} - {_money(high, basis)}"


_STATUS_TEXT = {
    "not_released": "not published (estimate not released by BLS)",
    "annual_only": "not published (BLS publishes this occupation's wages as annual salaries only)",
    "hourly_only": "not published (BLS publishes this occupation's wages as hourly rates only)",
    "no_estimate": "not published (no estimate for this occupation and area)",
}


def _status_note(row: pd.Series | Mapping, basis: str) -> str:
    """Why a row's wages on this basis are not published ("" when they are)."""
    status = row.get("wage_status")
    if status in ("not_released", "no_estimate"):
        return _STATUS_TEXT[status]
    if (basis == "annual" and status == "hourly_only") or (basis == "hourly" and status == "annual_only"):
        return _STATUS_TEXT[status]
    return ""


def _unranked_text(row: pd.Series | Mapping, basis: str) -> str:
    """Why a row is not ranked (``unranked_reason``), in words ("" when it is ranked)."""
    reason = row.get("unranked_reason")
    if reason is None or pd.isna(reason):
        return ""
    if reason in _STATUS_TEXT:
        return _STATUS_TEXT[reason]
    if reason == "median_missing":
        return "median not published"
    return f"median top-coded ({_wage(row, 'p50', basis=basis)}): not ranked"


def _count(value: Any) -> str:
    return "not published" if value is None or pd.isna(value) else fmt.num(value)


def _rse(value: Any) -> str:
    return "not published" if value is None or pd.isna(value) else f"{fmt.num(value, 1)}%"


def _ratio(value: Any) -> str:
    return "n/a" if value is None or pd.isna(value) else f"{value:.2f}x"


def _position_text(placement: str, *, percentile: float, low: float, high: float, topcoded_percentile: float,
                   topcode: float, basis: str, detail: bool = True) -> str:
    """Where an amount sits, in words; ``detail`` adds why a top-coded percentile leaves only a range."""
    cap = _money(topcode, basis) if not pd.isna(topcode) else ""
    why = (f" (the {fmt.ordinal(topcoded_percentile)} is top-coded at {cap} or more, so the exact position is "
           "unknown)") if detail and placement in ("below_topcode", "at_or_above_topcode") else ""
    if placement == "at":
        return f"at the {fmt.ordinal(percentile)} percentile"
    if placement == "below_10th":
        return "below the 10th percentile"
    if placement == "above_90th":
        return "above the 90th percentile"
    if placement == "below_topcode":
        return f"between the {fmt.ordinal(low)} and {fmt.ordinal(high)} percentile{why}"
    if placement == "at_or_above_topcode":
        return f"at or above the {fmt.ordinal(low)} percentile{why}"
    return f"not placeable: every published percentile is top-coded ({cap} or more)"


def _offer_position_text(position: OfferPosition, *, detail: bool = True) -> str:
    return _position_text(position.placement, percentile=position.percentile, low=position.percentile_low,
                          high=position.percentile_high, topcoded_percentile=position.topcoded_percentile,
                          topcode=position.topcode, basis=position.basis, detail=detail)


def _message_table(text: str, header: str):
    return table(pd.DataFrame({"message": [text]}), TableSpec({"message": Col(header, "text")}))


# --------------------------------------------------------------------------------------------- the answer

def bands_md(bands: pd.DataFrame) -> Markdown:
    """The bands in one sentence: "**Entry** (10th-25th percentile) $90,260 - $123,020; ... (a year)."."""
    basis = str(bands["basis"].iloc[0]) if "basis" in bands and len(bands) else "annual"
    parts = [f"**{r['level']}** ({fmt.ordinal(r['from_percentile'])}-{fmt.ordinal(r['to_percentile'])} percentile) "
             + _band_text(r["low"], r["high"], r["low_is_lower_bound"], r["high_is_lower_bound"], basis)
             for _, r in bands.iterrows()]
    unit = "a year" if basis == "annual" else "an hour"
    return Markdown("; ".join(parts) + f" ({unit}).")


def offer_md(position: OfferPosition | Skipped | None) -> Markdown:
    """The offer check in one sentence ("" when no offer was given)."""
    if not _offer_given(position):
        return Markdown("")
    compa = "" if math.isnan(position.compa_ratio) else f", {position.compa_ratio:.2f} times the median"
    return Markdown(f"An offer of **{_money(position.offer, position.basis)}** sits "
                    f"{_offer_position_text(position)} of {position.occupation} {_in_area(position.area)}{compa}: "
                    f"**{position.verdict}**.")


def answer_md(role, *, focus: pd.Series | Mapping, bands: pd.DataFrame,
              position: OfferPosition | Skipped | None = None) -> Markdown:
    """The report's opening answer: the recommended bands, the market median, the offer verdict.

    ``focus`` is the market row the bands are set for (``wb.salaries.focus_row``); its ``attrs`` name the OEWS
    release. ``position`` is the offer check, or a ``Skipped`` / None when no offer was given.
    """
    basis = str(bands["basis"].iloc[0]) if "basis" in bands and len(bands) else "annual"
    emp = focus.get("employment")
    jobs = f"{fmt.num(emp)} jobs" if emp is not None and not pd.isna(emp) else "employment not published"
    rse = focus.get("wage_rse")
    rse_text = f", wage RSE {fmt.num(rse, 1)}%" if rse is not None and not pd.isna(rse) else ""
    release = getattr(focus, "attrs", {}).get("release")
    source = f"BLS OEWS {release}" if release else "BLS OEWS"
    median = f"The market median is **{_wage(focus, 'p50', basis=basis)}** ({jobs}{rse_text})."
    offer = offer_md(position)
    lines = [
        f"**Answer.** Recommended base-pay bands for **{role.title}** {_in_area(focus.get('area_name'))}, set from "
        f"what employers pay **{role.label()}** ({source}):",
        "",
        bands_md(bands),
        "",
        f"{median} {offer}" if offer else median,
    ]
    if bands["low_is_lower_bound"].any() or bands["high_is_lower_bound"].any():
        lines += ["", "Band edges marked *at least* rest on top-coded percentiles (BLS publishes only that they "
                      "are at or above the threshold)."]
    return Markdown("\n".join(lines))


def role_md(role) -> Markdown:
    """How the role was matched to an occupation, the reasoning, and the occupations shown beside it."""
    how = {"crosswalk": f"**{role.title}** is benchmarked against **{role.label()}** (the workbench's crosswalk).",
           "soc": f"Benchmarked against **{role.label()}** (SOC code given).",
           "occupation title": f"Benchmarked against **{role.label()}** (OEWS occupation title given)."}[role.source]
    parts = [how, role.reasoning if role.source == "crosswalk" else ""]
    if role.alternates:
        parts.append("Shown beside it for comparison: " + "; ".join(role.label(c) for c in role.alternates) + ".")
    return Markdown(" ".join(p for p in parts if p))


# --------------------------------------------------------------------------------------------- distribution

_STAT_LABELS = {"mean": "Mean", "p10": "10th percentile", "p25": "25th percentile", "p50": "Median (50th percentile)",
                "p75": "75th percentile", "p90": "90th percentile"}

#: The rows of the published distribution (one column per occupation or area, named from the data).
DISTRIBUTION = TableSpec({"figure": Col("Published figure", "text")})
_DISTRIBUTION_ROWS = {"employment": "Employment (jobs)", "employment_rse": "Employment RSE",
                      **_STAT_LABELS, "wage_rse": "Wage RSE (mean)", "note": "Note"}


def _right_aligned(styler, columns: list[str]):
    """Figures written as text still line up on the right, as numbers do."""
    return styler.set_properties(subset=columns, **{"text-align": "right"}) if columns else styler


def distribution_table(market: pd.DataFrame, *, basis: str = "annual"):
    """The published distribution: one row per figure, one column per occupation or area of ``market``.

    A column is named after what varies (the occupation when one area is shown, the area when one occupation
    is); the caption names what is fixed. Money is whole dollars (cents an hour); a top-coded value reads
    "at least $239,200"; a value BLS did not publish reads "not published", with the reason in a note row.
    Relative standard errors (RSE) are percentages of the estimate: 95% of the time the true value lies within
    about two RSEs.
    """
    several_occ = market["occupation_code"].nunique() > 1
    several_areas = market["area_code"].nunique() > 1
    columns = {}
    for _, r in market.iterrows():
        occupation = f"{r['occupation_code']} {r['occupation_name']}"
        name = (f"{occupation}, {r['area_name']}" if several_occ and several_areas
                else occupation if several_occ else str(r["area_name"]))
        columns[name] = {"employment": _count(r.get("employment")), "employment_rse": _rse(r.get("employment_rse")),
                         **{s: _wage(r, s, basis=basis) for s in _STAT_LABELS}, "wage_rse": _rse(r.get("wage_rse")),
                         "note": _status_note(r, basis)}
    shown = pd.DataFrame(columns)
    if not shown.loc["note"].astype(bool).any():
        shown = shown.drop(index="note")
    shown.insert(0, "figure", [_DISTRIBUTION_ROWS[k] for k in shown.index])
    unit = "annual pay" if basis == "annual" else "hourly pay"
    first = market.iloc[0]
    if several_occ and not several_areas:
        caption = f"What employers pay each candidate occupation {_in_area(first['area_name'])} ({unit})"
    elif several_areas and not several_occ:
        caption = f"{first['occupation_code']} {first['occupation_name']}: {unit} by area"
    elif not several_occ:
        caption = f"{first['occupation_code']} {first['occupation_name']} {_in_area(first['area_name'])} ({unit})"
    else:
        caption = f"Published distribution ({unit})"
    spec = TableSpec({**DISTRIBUTION.columns, **{c: Col(c, "text") for c in columns}})
    return _right_aligned(table(shown.reset_index(drop=True), spec, caption=caption), list(columns))


def band_comparison_table(bands: pd.DataFrame):
    """Bands side by side: one row per level, one column per area (and occupation when there are several).

    ``bands`` is a ``wb.salaries.band_comparison`` result; an area whose wages are not published reads
    "not published".
    """
    several_occ = bands["occupation_code"].nunique() > 1
    basis = str(bands["basis"].iloc[0]) if "basis" in bands and len(bands) else "annual"
    name = (bands["occupation_name"] + " - " + bands["area_name"]) if several_occ else bands["area_name"]
    text = [(_band_text(r["low"], r["high"], r["low_is_lower_bound"], r["high_is_lower_bound"], basis)
             if r["published"] else "not published") for _, r in bands.iterrows()]
    level = [f"{r['level']} (p{r['from_percentile']:g}-p{r['to_percentile']:g})" for _, r in bands.iterrows()]
    long = pd.DataFrame({"level": level, "column": name.astype(str).to_numpy(), "band": text})
    wide = long.pivot(index="level", columns="column", values="band")
    wide = wide.loc[list(dict.fromkeys(level)), list(dict.fromkeys(long["column"]))].reset_index()
    spec = TableSpec({"level": Col("Level", "text"), **{c: Col(c, "text") for c in wide.columns[1:]}})
    return table(wide, spec, caption="Base-pay bands by level in each area")


# --------------------------------------------------------------------------------------------- offer

OFFER = TableSpec({"item": Col("Item", "text"), "value": Col("Value", "text")})


@skippable
def offer_table(position: OfferPosition | None):
    """The offer check as a small table (a note when no offer was given)."""
    if position is None:
        return _message_table("No offer given (set the report parameter offer).", "Offer check")
    pct = ("n/a (outside the published range or top-coded)" if math.isnan(position.percentile)
           else f"{position.percentile:.1f}")
    rng = (f"{position.percentile_low:.1f} to {position.percentile_high:.1f}"
           if position.percentile_low != position.percentile_high else "none: the position is exact")
    items = {
        "Offer": _money(position.offer, position.basis),
        "Occupation and area": f"{position.occupation}, {position.area}",
        "Market median": _money(position.median, position.basis),
        "Percentile (point)": pct,
        "Percentile (range)": rng,
        "Position": _offer_position_text(position),
        "Offer / median": "n/a" if math.isnan(position.compa_ratio) else f"{position.compa_ratio:.2f}",
        "Verdict": position.verdict,
    }
    return table(pd.DataFrame({"item": list(items), "value": list(items.values())}), OFFER)


def offer_method_md(position: OfferPosition | Skipped | None = None) -> Markdown:
    """How the offer is placed and judged, with the verdict thresholds the check used."""
    lo, hi = position.competitive if _offer_given(position) else COMPETITIVE_RANGE
    return Markdown(
        "Method: the offer's percentile is interpolated linearly between the published percentiles; below the "
        "10th or above the 90th it is reported as such, not extrapolated. Verdict: below the "
        f"{fmt.ordinal(lo)} percentile = below market, from the {fmt.ordinal(lo)} to the {fmt.ordinal(hi)} = competitive, "
        f"above the {fmt.ordinal(hi)} = above market. Offer / median is the compa-ratio.")


# --------------------------------------------------------------------------------------------- location

#: Areas with their pay against the national median (a rank column when the rows are a ranking).
LOCATIONS = TableSpec({
    "rank": Col("Rank", "count", optional=True),
    "area": Col("Area", "text"),
    "jobs": Col("Jobs", "text"),
    "p25": Col("25th percentile", "text"),
    "p50": Col("Median", "text"),
    "p75": Col("75th percentile", "text"),
    "ratio": Col("vs national median", "text"),
    "note": Col("Note", "text", optional=True),
})


def _location_frame(locations: pd.DataFrame, basis: str) -> pd.DataFrame:
    out = pd.DataFrame({
        "area": locations["area_name"].astype(str),
        "jobs": [_count(v) for v in locations["employment"]],
        **{s: [_wage(r, s, basis=basis) for _, r in locations.iterrows()] for s in ("p25", "p50", "p75")},
        "ratio": [_ratio(v) for v in locations["location_ratio"]],
        "note": [_unranked_text(r, basis) for _, r in locations.iterrows()],
    })
    if "rank" in locations:
        out.insert(0, "rank", locations["rank"].to_numpy())
    return out if out["note"].astype(bool).any() else out.drop(columns="note")


def location_table(locations: pd.DataFrame, *, basis: str = "annual"):
    """Areas (a ``wb.salaries.location_comparison`` result): jobs, 25th / median / 75th, ratio to the nation."""
    return table(_location_frame(locations, basis), LOCATIONS)


_AREA_KINDS = {"metro": "metro areas", "state": "states and territories", "nonmetro": "nonmetropolitan areas"}


def _ranking_caption(ranking, side: str) -> str:
    kind = _AREA_KINDS.get(ranking.area_type, "areas")
    jobs = f" (at least {fmt.num(ranking.min_employment)} jobs)" if ranking.min_employment else ""
    return f"{side}-paying {kind} by median{jobs}"


def highest_paying_table(ranking):
    """The highest-paying areas of a ``wb.salaries.area_ranking`` result, with its caption."""
    return table(_location_frame(ranking.highest, ranking.basis), LOCATIONS,
                 caption=_ranking_caption(ranking, "Highest"))


def lowest_paying_table(ranking):
    """The lowest-paying areas of a ``wb.salaries.area_ranking`` result, with its caption."""
    return table(_location_frame(ranking.lowest, ranking.basis), LOCATIONS,
                 caption=_ranking_caption(ranking, "Lowest"))


UNRANKED = TableSpec({"area": Col("Area", "text"), "type": Col("Type", "text"), "jobs": Col("Jobs", "text"),
                      "why": Col("Why not ranked", "text")})


def unranked_table(locations: pd.DataFrame, *, basis: str = "annual"):
    """Areas left out of the rankings, and why (median not published or top-coded)."""
    left = locations[~locations["rankable"] & (locations["area_code"] != NATIONAL)]
    kind = _AREA_KINDS.get("/".join(dict.fromkeys(locations["area_type"].astype(str))), "areas")
    caption = f"{kind[0].upper()}{kind[1:]} left out of the rankings, and why"
    if left.empty:
        return _message_table("none: every area's median is published and exact", "Areas left out of the rankings")
    shown = pd.DataFrame({"area": left["area_name"].astype(str), "type": left["area_type"].astype(str),
                          "jobs": [_count(v) for v in left["employment"]],
                          "why": [_unranked_text(r, basis) for _, r in left.iterrows()]})
    return table(shown, UNRANKED, caption=caption)


# --------------------------------------------------------------------------------------------- industry

#: There is no e-commerce industry in OEWS: why, and which industries stand in for it.
NO_ECOMMERCE_INDUSTRY_NOTE = Markdown(
    "There is no e-commerce industry in OEWS. The industry list follows NAICS 2022, which dropped the old "
    "'nonstore retailers' subsector (and with it 'electronic shopping and mail-order houses'): retail "
    "industries are now defined by the products sold, not by how they are sold, so online retailers sit inside "
    "the retail subsectors (441-459) next to stores selling the same goods. The closest proxies are the retail "
    "subsectors (General Merchandise Retailers above all), Warehousing and Storage (fulfilment), Couriers and "
    "Messengers (parcel delivery), and the advertising, hosting, search and social-media industries (the "
    "marketing and platform side). Industry figures are national only: OEWS publishes states and metro areas "
    "for all industries combined."
)

INDUSTRIES = TableSpec({
    "group": Col("Group", "text"),
    "industry": Col("Industry", "text"),
    "jobs": Col("Jobs", "text"),
    "p25": Col("25th percentile", "text"),
    "p50": Col("Median", "text"),
    "p75": Col("75th percentile", "text"),
    "mean": Col("Mean", "text"),
    "ratio": Col("vs all industries", "text"),
    "note": Col("Note", "text", optional=True),
})


def industry_table(industries: pd.DataFrame, *, basis: str = "annual"):
    """Industries (a ``wb.salaries.industry_comparison`` result) against the all-industries figure, nationally."""
    shown = pd.DataFrame({
        "group": industries["group"].astype(str),
        "industry": [f"{r['industry_name']} ({r['industry_code']})" for _, r in industries.iterrows()],
        "jobs": [_count(v) for v in industries["employment"]],
        **{s: [_wage(r, s, basis=basis) for _, r in industries.iterrows()] for s in ("p25", "p50", "p75", "mean")},
        "ratio": [_ratio(v) for v in industries["ratio_to_all_industries"]],
        "note": [_unranked_text(r, basis) for _, r in industries.iterrows()],
    })
    if not shown["note"].astype(bool).any():
        shown = shown.drop(columns="note")
    occupation = f"{industries['occupation_code'].iloc[0]} {industries['occupation_name'].iloc[0]}"
    return table(shown, INDUSTRIES, caption=f"{occupation}: national pay by industry")


# --------------------------------------------------------------------------------------------- articles

#: Why the article figures differ from OEWS; ``{occupation}`` and ``{soc}`` name the report's benchmark.
ARTICLE_EXPLANATION = (
    "The article figures and OEWS measure different things. (1) Different jobs: salary sites group everyone who "
    "types 'e-commerce manager' as their title, from coordinators in small shops to heads of e-commerce; OEWS "
    "counts jobs employers classify as {occupation}, which includes senior staff at large firms and "
    "excludes everyone classified elsewhere. (2) Different sources: the articles quote self-reports from a "
    "salary website's visitors, a sample that is not drawn at random and leans towards smaller employers and "
    "earlier careers; OEWS is a survey of employers' payroll records, pooled over three years, covering wage "
    "and salary jobs (not the self-employed or shop owners). (3) Different pay and dates: OEWS wages are "
    "straight-time gross pay including commissions and production bonuses but not overtime or non-production "
    "bonuses, as of {release}; the article figures' date and pay definition are not stated. So neither is "
    "wrong: the article's average sits where a broad mix of e-commerce jobs would, between the specialist and "
    "the general-manager occupations, while {soc} describes one well-defined occupation."
)

ARTICLES = TableSpec({
    "figure": Col("Article figure", "text"),
    "says": Col("Article says", "text"),
    "occupation": Col("Occupation", "text"),
    "oews": Col("OEWS says", "text"),
    "sits": Col("Article value sits", "text"),
    "percentile": Col("Percentile", "number", decimals=0),
}, caption="Article figures beside OEWS, nationally")


def _article_rows(articles: pd.DataFrame, basis: str) -> pd.DataFrame:
    oews, sits = [], []
    for _, r in articles.iterrows():
        if not r["published"]:
            oews.append("not published")
            sits.append("")
            continue
        if r["compared_with"] == "mean":
            mean = _money(r["oews_low"], basis)
            oews.append(f"mean {'at least ' if r['oews_low_is_lower_bound'] else ''}{mean}")
        else:
            oews.append(f"{r['compared_with']} band " + _band_text(r["oews_low"], r["oews_high"],
                                                             r["oews_low_is_lower_bound"],
                                                             r["oews_high_is_lower_bound"], basis))
        sits.append(_position_text(r["placement"], percentile=r["percentile"], low=r["percentile_low"],
                                   high=r["percentile_high"], topcoded_percentile=r["topcoded_percentile"],
                                   topcode=r["topcode"], basis=basis, detail=False))
    return pd.DataFrame({"figure": articles["figure"].astype(str),
                         "says": [_money(v, basis) for v in articles["article_value"]],
                         "occupation": (articles["occupation_code"] + " " + articles["occupation_name"]).astype(str),
                         "oews": oews, "sits": sits, "percentile": articles["percentile"].astype(float)})


def article_table(articles: pd.DataFrame, *, basis: str = "annual"):
    """The article figures beside what OEWS says (a ``wb.salaries.article_comparison`` result)."""
    return table(_article_rows(articles, basis), ARTICLES)


def article_md(articles: pd.DataFrame, *, basis: str = "annual") -> Markdown:
    """One sentence: where the articles' first figure (the average) falls in each occupation compared."""
    rows = _article_rows(articles, basis)
    first = rows[rows["figure"] == rows["figure"].iloc[0]] if len(rows) else rows
    if first.empty:
        return Markdown("")
    bits = [f"{r['sits'] or 'not placeable'} for {r['occupation']}" for _, r in first.iterrows()]
    return Markdown(f"The article {_article_what(first['figure'].iloc[0])} of {first['says'].iloc[0]} sits "
                    + "; ".join(bits) + ".")


def _article_what(figure: str) -> str:
    return "average" if "average" in figure.lower() else f"figure '{figure}'"


def article_explanation_md(articles: pd.DataFrame, *, role) -> Markdown:
    """Why the article figures differ from OEWS, for the report's role (a caution first when the role is not
    the e-commerce manager, whom the article figures describe). ``articles`` (``wb.salaries.article_comparison``)
    names the OEWS release compared."""
    release = articles.attrs.get("release") or "the OEWS reference date"
    text = ARTICLE_EXPLANATION.format(occupation=role.occupation, soc=role.label(), release=release)
    if role.title != "E-commerce manager":
        text = (f"Note: these article figures describe e-commerce managers, while this report benchmarks "
                f"{role.title} ({role.label()}); they are shown for reference only. " + text)
    return Markdown(text)


# --------------------------------------------------------------------------------------------- own data

def _shown_path(path: str) -> str:
    """A path as a report shows it: relative to the project root when inside it."""
    from workbench.config import PROJECT_ROOT

    try:
        return str(Path(path).resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def _own_part(func):
    """For a table of the own-data section: when the whole section is skipped (no file given, say), its note
    (:func:`own_data_md`) has already said why, so the table shows nothing rather than the same reason again."""
    import functools

    @functools.wraps(func)
    def wrapper(own, *args, **kwargs):
        return Markdown("") if isinstance(own, Skipped) else func(own, *args, **kwargs)

    return wrapper


def _years(value: float) -> str:
    return f"{value:g} year" + ("" if value == 1 else "s")


@skippable
def own_data_md(own) -> Markdown:
    """What the own pay file holds and how much of it maps to the role; the pay-compression count (or, when the
    section is skipped, why: the section's tables then show nothing)."""
    parts = [f"Own pay data from `{_shown_path(own.source)}`: {own.people:,} people, {own.titles:,} titles; "
             f"{own.role_people:,} with a title that maps to {own.role_label}."]
    if own.file_note:
        parts.append(f"File note: *{own.file_note}*.")
    if not isinstance(own.curve, Skipped) and own.curve.rearranged_:
        parts.append("The fitted percentile lines crossed somewhere and were put back in order "
                     "(few people at some experience levels).")
    if not isinstance(own.compression, Skipped):
        flagged = int(own.compression["compressed"].sum())
        parts.append(f"Pay compression: {flagged:,} of {len(own.compression):,} new hires (under "
                     f"{_years(own.new_hire_years)}) are paid at least {own.threshold:.0%} of the median of "
                     f"colleagues with {own.tenured_years:g}+ years in the same title.")
    return Markdown(" ".join(parts))


def _quantile_label(name: str) -> str:
    return "Median" if name == "p50" else f"{fmt.ordinal(float(name[1:]))} percentile"


_SPEC_FORMULA = {"log": "pay ~ log(1 + years)", "linear": "pay ~ years", "quadratic": "pay ~ years + years²"}
_CURVE_YEARS = (0, 1, 2, 3, 5, 7, 10, 15, 20)


@_own_part
def experience_curve_table(own):
    """Own pay by years of experience at each fitted percentile (quantile regression), at a few career points."""
    curve = own.curve
    if isinstance(curve, Skipped):
        return curve
    t = curve.curve_[curve.curve_["years_experience"].isin(_CURVE_YEARS)].reset_index(drop=True)
    shown = t.assign(years_experience=t["years_experience"].map(lambda v: f"{v:g}"))
    spec = TableSpec({"years_experience": Col("Years of experience", "text"),
                      **{c: Col(_quantile_label(c), "money") for c in t.columns[1:]}})
    return table(shown, spec, caption=f"Experience curve (quantile regression, {_SPEC_FORMULA[curve.spec]})")


OWN_BANDS = TableSpec({"level": Col("Level", "text"), "people": Col("People", "count"),
                       "p25": Col("25th percentile", "money"), "p50": Col("Median", "money"),
                       "p75": Col("75th percentile", "money")}, caption="Own pay by level")


@_own_part
def own_bands_table(own):
    """Own base pay by level (25th, median, 75th percentile), for the titles that map to the role."""
    if isinstance(own.bands, Skipped):
        return own.bands
    return table(own.bands, OWN_BANDS)


OWN_VS_MARKET = TableSpec({
    "title": Col("Title", "text"), "people": Col("People", "count"), "own_median": Col("Own median", "money"),
    "occupation": Col("Occupation", "text"), "market_median": Col("Market median", "money"),
    "compa_ratio": Col("Own / market", "ratio"), "note": Col("Note", "text", optional=True),
})

_UNMATCHED_TEXT = {"title_not_matched": "title not matched to a SOC occupation",
                   "median_missing": "market median not published", "median_topcoded": "market median top-coded"}


@_own_part
def own_vs_market_table(own):
    """Each title's own median pay against the market median of its occupation in the report's area."""
    vm = own.vs_market
    shown = vm.assign(
        occupation=(vm["occupation_code"] + " " + vm["occupation_name"]).fillna("").astype(str),
        note=[_UNMATCHED_TEXT.get(r, "") if not pd.isna(r) else "" for r in vm["unmatched_reason"]])
    if not shown["note"].astype(bool).any():
        shown = shown.drop(columns="note")
    return table(shown, OWN_VS_MARKET, caption=f"Own median pay against the market median {_in_area(own.area_name)}")


COMPRESSION = TableSpec({
    "title": Col("Title", "text"), "employee_id": Col("Employee", "text", optional=True),
    "tenure_years": Col("Tenure (years)", "number", decimals=1), "base_pay": Col("Base pay", "money"),
    "tenured_median": Col("Tenured median", "money"), "tenured_people": Col("Tenured people", "count"),
    "ratio": Col("Ratio", "ratio"), "compressed": Col("Compressed", "text"),
}, caption="New hires against tenured colleagues in the same title (pay compression)")


@_own_part
def pay_compression_table(own):
    """New hires paid near or above tenured colleagues in the same title, highest ratio first."""
    comp = own.compression
    if isinstance(comp, Skipped):
        return comp
    if comp.empty:
        return _message_table("No new hires in a title that also has tenured staff.", "Pay compression")
    return table(comp.assign(compressed=comp["compressed"].map({True: "yes", False: ""})), COMPRESSION)


# --------------------------------------------------------------------------------------------- sources

def sources_md(oews: pd.DataFrame) -> Markdown:
    """Where the wages come from (the OEWS release read) and what they include."""
    release = oews.attrs.get("release") or "release of the file given"
    return Markdown(
        f"Source: U.S. Bureau of Labor Statistics, Occupational Employment and Wage Statistics (OEWS), {release}, "
        "https://www.bls.gov/oes/ (public domain; BLS cannot vouch for analyses derived from its data). Wages are "
        "straight-time gross pay of wage and salary jobs (no self-employed), including commissions and production "
        "bonuses, excluding overtime and non-production bonuses. Annual wages are hourly wages x 2,080 hours "
        "unless BLS publishes annual salaries only. Top-coded values are lower bounds and never ranked; values "
        "BLS did not publish are shown as not published.")


CROSSWALK = TableSpec({
    "title": Col("Job title", "text"), "soc": Col("SOC", "text"), "occupation": Col("Occupation (OEWS)", "text"),
    "national_median": Col("National median", "money", optional=True),
    "alternates": Col("Shown beside it", "text"), "aliases": Col("Also accepted", "text"),
    "reasoning": Col("Why this occupation", "text"),
}, caption="Role crosswalk: e-commerce job titles to SOC occupations")


def crosswalk_table(crosswalk: pd.DataFrame):
    """The role crosswalk (``wb.salaries.role_crosswalk(oews)``): each title's occupation and the reasoning."""
    return table(crosswalk, CROSSWALK)
