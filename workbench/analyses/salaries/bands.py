"""Pay bands by level, the offer check, and the article figures beside the data.

**Pay bands.** OEWS has no experience or level dimension: it publishes the 10th, 25th, 50th, 75th and 90th
percentile wage of everyone in the occupation. The bands map levels onto that distribution with a documented,
adjustable convention (:data:`DEFAULT_LEVELS`): Entry = 10th-25th percentile, Mid = 25th-50th, Senior =
50th-75th, Lead = 75th-90th. The idea: a new entrant is paid like the lower part of the occupation, a lead
like its upper part. Edges at other percentiles (say 40) are interpolated as below; edges outside 10-90 are
refused, since BLS publishes nothing beyond them.

**Interpolation (offer position and band edges).** Linear in wage between adjacent published percentiles:
an offer w between the published points (q1, w1) and (q2, w2) sits at percentile q1 + (q2 - q1) (w - w1) /
(w2 - w1). Below the 10th percentile or above the 90th the position is reported as "below the 10th" / "above the
90th", never extrapolated (the tails of pay distributions are long and not linear). Linear interpolation is the
usual reading of published percentile tables (e.g. compensation surveys' "percentile rank"); with wages skewed
to the right it places an offer slightly too low between the 50th and 90th percentiles, by at most a few
percentile points.

**Top-coded percentiles.** A top-coded percentile is known only to be at least the threshold ($239,200). An
offer above the last exact percentile is then placed in a range, not at a point: below the threshold, between
that percentile and the one given by interpolating to the threshold (the true percentile is lower); at or
above it, "at or above" the last exact percentile. Band edges that depend on a top-coded value are lower bounds.

**Verdict.** Below the 25th percentile: "below market"; from the 25th to the 75th: "competitive" (the middle
half of what employers pay the occupation); above the 75th: "above market". The thresholds are a keyword
(``competitive=(25, 75)``). When the position is a range that straddles a threshold, the verdict names both
sides ("competitive or above market").

Written by hand: no library interpolates published percentile tables with top-coded cells; numpy's ``interp``
is used for the straight-line part.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from workbench.analyses.salaries.market import PERCENTILES, wage_text
from workbench.errors import DataError
from workbench.present import fmt

__all__ = [
    "DEFAULT_LEVELS", "COMPETITIVE_RANGE", "ARTICLE_FIGURES", "ARTICLE_EXPLANATION", "parse_levels",
    "wage_at_percentile", "pay_bands", "band_comparison", "OfferPosition", "offer_position", "check_offer",
    "ordinal", "article_comparison", "bands_sentence", "offer_sentence", "offer_table", "record_benchmark",
    "in_area", "answer_text", "article_sentence", "md_escape", "article_explanation",
]

#: Level -> (from percentile, to percentile) of the occupation's distribution.
DEFAULT_LEVELS: dict[str, tuple[float, float]] = {
    "Entry": (10, 25), "Mid": (25, 50), "Senior": (50, 75), "Lead": (75, 90),
}
#: Percentile range read as "competitive"; below it "below market", above it "above market".
COMPETITIVE_RANGE: tuple[float, float] = (25, 75)

#: Figures commonly quoted in articles on e-commerce manager pay (self-reported salary-site data).
ARTICLE_FIGURES: tuple[dict, ...] = (
    dict(figure="Average e-commerce manager salary", value=90_000, compare="mean"),
    dict(figure="Under one year of experience", value=60_000, compare="Entry"),
    dict(figure="Five to nine years of experience", value=100_000, compare="Mid"),
)

ARTICLE_EXPLANATION = (
    "The article figures and OEWS measure different things. (1) Different jobs: salary sites group everyone who "
    "types 'e-commerce manager' as their title, from coordinators in small shops to heads of e-commerce; OEWS "
    "counts jobs employers classify as {occupation}, which includes senior staff at large firms and "
    "excludes everyone classified elsewhere. (2) Different sources: the articles quote self-reports from a "
    "salary website's visitors, a sample that is not drawn at random and leans towards smaller employers and "
    "earlier careers; OEWS is a survey of employers' payroll records, pooled over three years, covering wage "
    "and salary jobs (not the self-employed or shop owners). (3) Different pay and dates: OEWS wages are "
    "straight-time gross pay including commissions and production bonuses but not overtime or non-production "
    "bonuses, as of May 2025; the article figures' date and pay definition are not stated. So neither is wrong: "
    "the article's average sits where a broad mix of e-commerce jobs would, between the specialist and the "
    "general-manager occupations, while {soc} describes one well-defined occupation."
)


# --------------------------------------------------------------------------------------------- levels

def parse_levels(levels: Mapping[str, Sequence[float]] | Sequence[str] | None = None) -> dict[str, tuple[float, float]]:
    """Read a level mapping: a dict ``{"Entry": (10, 25), ...}`` or a list like ``["Entry: 10-25", ...]``.

    Strings may write percentiles with or without ``p`` (``"Senior: p50-p75"``) and use ``:`` or ``=``.
    Every range must lie within 10-90 (the published percentiles) and run low to high; levels may overlap.

    Raises
    ------
    DataError
        An entry that cannot be read, or a range outside 10-90 or reversed.
    """
    if levels is None:
        return dict(DEFAULT_LEVELS)
    out: dict[str, tuple[float, float]] = {}
    if isinstance(levels, Mapping):
        items = [(str(k), v) for k, v in levels.items()]
    elif isinstance(levels, str):
        raise DataError("the level mapping must be a list of entries, not one string", source="levels",
                        example=repr(levels), fix='Write ["Entry: 10-25", "Mid: 25-50", "Senior: 50-75", "Lead: 75-90"]')
    else:
        items = []
        for entry in levels:
            m = re.fullmatch(r"\s*([^:=]+?)\s*[:=]\s*p?(\d+(?:\.\d+)?)\s*[-–to ]+\s*p?(\d+(?:\.\d+)?)\s*", str(entry))
            if not m:
                raise DataError("level entry not understood", source="levels", example=repr(entry),
                                fix='Write each level as "Name: from-to" in percentiles, e.g. "Entry: 10-25"')
            items.append((m.group(1), (float(m.group(2)), float(m.group(3)))))
    if not items:
        raise DataError("the level mapping is empty", source="levels", fix='Give at least one level, e.g. ["Mid: 25-50"]')
    for name, rng in items:
        try:
            lo, hi = (float(x) for x in rng)
        except (TypeError, ValueError) as exc:
            raise DataError("level range is not two numbers", source="levels", example=f"{name}: {rng!r}",
                            fix="Give (from, to) percentiles, e.g. (10, 25)") from exc
        if not (10 <= lo < hi <= 90):
            raise DataError("level range must lie within the 10th-90th percentile and run low to high",
                            source="levels", example=f"{name}: {lo:g}-{hi:g}",
                            fix="BLS publishes the 10th to 90th percentiles only; e.g. 'Lead: 75-90'")
        out[name] = (lo, hi)
    return out


def _points(row: pd.Series | Mapping, basis: str, *, what: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    qs, vs, tops = [], [], []
    for q, stat in PERCENTILES.items():
        v = row.get(f"{basis}_{stat}")
        if v is None or pd.isna(v):
            status = row.get("wage_status", "")
            reason = {"not_released": "BLS did not release wage estimates",
                      "no_estimate": "BLS publishes no estimate",
                      "hourly_only": "BLS publishes hourly rates only for this occupation",
                      "annual_only": "BLS publishes annual salaries only for this occupation"}.get(
                status, f"the {ordinal(q)} percentile is not published")
            raise DataError(f"{what}: {reason} for {row.get('occupation_name', '')} "
                            f"({row.get('occupation_code', '')}) in {row.get('area_name', '')}",
                            source="OEWS", column=f"{basis}_{stat}", example=f"wage_status={status!r}",
                            fix="Use a larger area (the state or the nation), another wage basis, or a related occupation")
        qs.append(float(q))
        vs.append(float(v))
        top = row.get(f"{stat}_topcoded", False)
        tops.append(bool(top) if top is not None and not pd.isna(top) else False)
    # A top-coded percentile is at least the threshold and at least every lower percentile: in 13 cells of the
    # May 2025 release the 90th is top-coded ($239,200) while the exact 75th is higher (e.g. $621,830).
    return np.array(qs), np.maximum.accumulate(np.array(vs)), np.array(tops)


def wage_at_percentile(row: pd.Series | Mapping, percentile: float, *, basis: str = "annual") -> tuple[float, bool]:
    """The wage at a percentile between 10 and 90, linear between the published percentiles.

    Returns ``(wage, is_lower_bound)``: ``is_lower_bound`` is True when the value depends on a top-coded
    percentile (then the true wage is at least this). Raises :class:`DataError` outside 10-90 or when the
    occupation's percentiles are not published in the area.
    """
    if not 10 <= percentile <= 90:
        raise DataError(f"percentile {percentile:g} is outside the published 10th-90th", source="percentile",
                        fix="BLS publishes the 10th, 25th, 50th, 75th and 90th percentiles only")
    qs, vs, tops = _points(row, basis, what="cannot compute a band")
    value = float(np.interp(percentile, qs, vs))
    i = int(np.searchsorted(qs, percentile, side="left"))
    if qs[min(i, len(qs) - 1)] == percentile:
        return value, bool(tops[i])
    return value, bool(tops[i] or tops[i - 1])


def pay_bands(row: pd.Series | Mapping, *, levels: Mapping | Sequence[str] | None = None,
              basis: str = "annual") -> pd.DataFrame:
    """Pay bands by level for one occupation in one area (a row of :func:`market_distribution`).

    Parameters
    ----------
    row : Series or dict
        One row of :func:`market_distribution` (an occupation in an area).
    levels : dict or list of str, optional
        Level mapping (see :func:`parse_levels`); default :data:`DEFAULT_LEVELS`.
    basis : {"annual", "hourly"}

    Returns
    -------
    DataFrame, one row per level: ``level``, ``from_percentile``, ``to_percentile``, ``low``, ``high``,
    ``midpoint`` (the wage at the middle percentile of the band), ``low_is_lower_bound``,
    ``high_is_lower_bound``, and ``band`` as text ("$90,260 - $123,020"; "at least $239,200" where top-coded).

    Raises
    ------
    DataError
        The occupation's wages are not published for that area (suppressed or no estimate).
    """
    mapping = parse_levels(levels)
    rows = []
    for name, (lo, hi) in mapping.items():
        low, low_lb = wage_at_percentile(row, lo, basis=basis)
        high, high_lb = wage_at_percentile(row, hi, basis=basis)
        mid, mid_lb = wage_at_percentile(row, (lo + hi) / 2, basis=basis)
        rows.append({"level": name, "from_percentile": lo, "to_percentile": hi, "low": low, "high": high,
                     "midpoint": mid, "low_is_lower_bound": low_lb, "high_is_lower_bound": high_lb,
                     "midpoint_is_lower_bound": mid_lb,
                     "band": _band_text(low, high, low_lb, high_lb, basis)})
    out = pd.DataFrame(rows)
    for col in ("occupation_code", "occupation_name", "area_code", "area_name"):
        if col in row:
            out[col] = row[col]
    return out


def _money(x: float, basis: str) -> str:
    return fmt.money(x, decimals=2 if basis == "hourly" else 0)


def _band_text(low: float, high: float, low_lb: bool, high_lb: bool, basis: str) -> str:
    if low_lb:
        return f"at least {_money(low, basis)}"
    if high_lb:
        return f"{_money(low, basis)} to at least {_money(high, basis)}"
    return f"{_money(low, basis)} - {_money(high, basis)}"


def band_comparison(dist: pd.DataFrame, *, levels: Mapping | Sequence[str] | None = None,
                    basis: str = "annual") -> pd.DataFrame:
    """Bands for every area (and occupation) of a :func:`market_distribution` result, side by side.

    One row per level, one column per area (``"<occupation> - <area>"`` when several occupations); an area
    whose wages are not published shows "not published" instead of raising.
    """
    mapping = parse_levels(levels)
    multi = dist["occupation_code"].nunique() > 1
    cols = {}
    for _, row in dist.iterrows():
        name = f"{row['occupation_name']} - {row['area_name']}" if multi else row["area_name"]
        try:
            b = pay_bands(row, levels=mapping, basis=basis)
            cols[name] = list(b["band"])
        except DataError:
            cols[name] = ["not published"] * len(mapping)
    index = [f"{k} (p{lo:g}-p{hi:g})" for k, (lo, hi) in mapping.items()]
    return pd.DataFrame(cols, index=pd.Index(index, name="Level"))


# --------------------------------------------------------------------------------------------- offer

@dataclass(frozen=True)
class OfferPosition:
    """Where an offer sits in an occupation's published pay distribution (see the module docstring)."""

    offer: float
    basis: str
    percentile: float            # point estimate; NaN when only a range is known
    percentile_low: float        # the position lies within [percentile_low, percentile_high]
    percentile_high: float
    position: str                # "at the 38th percentile", "below the 10th percentile", ...
    verdict: str                 # "below market", "competitive", "above market", or a two-sided verdict
    compa_ratio: float           # offer / median (NaN if the median is top-coded)
    median: float
    occupation: str
    area: str

    def to_frame(self) -> pd.DataFrame:
        """The result as a one-row table."""
        return pd.DataFrame([asdict(self)])


def md_escape(text: str) -> str:
    """Escape dollar signs for Markdown, so "$90,260 - $123,020" is not read as a formula (JupyterLab, MathJax)."""
    return re.sub(r"(?<!\\)\$", r"\\$", str(text))


def ordinal(q: float) -> str:
    """``ordinal(10)`` -> ``'10th'``; ``ordinal(22.4)`` -> ``'22nd'`` (rounded)."""
    n = int(round(q))
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def check_offer(offer: object, *, basis: str = "annual", source: str = "offer") -> float:
    """Validate an offer amount and return it as a float.

    Accepts numbers and numeric text (``"$95,000"``). Raises :class:`DataError` for text that is not a number,
    missing values, zero or negative amounts, and an annual offer below $1,000 (probably an hourly rate).
    """
    if isinstance(offer, bool) or offer is None:
        raise DataError(f"offer must be an amount, got {offer!r}", source=source,
                        fix="Pass the offered annual base pay, e.g. 95000")
    if isinstance(offer, str):
        text = re.sub(r"[$,\s]|USD", "", offer)
        try:
            value = float(text)
        except ValueError:
            raise DataError("offer is not a number", source=source, example=repr(offer),
                            fix="Pass the offered annual base pay as a number, e.g. 95000 or '$95,000'") from None
    else:
        try:
            value = float(offer)
        except (TypeError, ValueError):
            raise DataError("offer is not a number", source=source, example=repr(offer),
                            fix="Pass the offered annual base pay as a number, e.g. 95000") from None
    if math.isnan(value) or math.isinf(value):
        raise DataError("offer is missing or infinite", source=source, example=repr(offer),
                        fix="Pass the offered annual base pay as a number, e.g. 95000")
    if value <= 0:
        raise DataError("offer must be positive", source=source, example=repr(offer),
                        fix="Pass the offered base pay as a positive amount, e.g. 95000")
    if basis == "annual" and value < 1000:
        raise DataError("offer looks like an hourly rate, not an annual salary", source=source, example=repr(offer),
                        fix="Pass the annual amount, or basis='hourly' for an hourly rate")
    return value


def _verdict(lo: float, hi: float, competitive: tuple[float, float]) -> str:
    c_lo, c_hi = competitive
    def side(q: float) -> str:
        return "below market" if q < c_lo else "above market" if q > c_hi else "competitive"
    a, b = side(lo), side(hi)
    if a == b:
        return a
    if a == "below market" and b == "above market":
        return "anywhere from below to above market"
    return f"{a} or {b.replace(' market', '')} market" if a == "below market" else f"{a} or {b}"


def offer_position(row: pd.Series | Mapping, offer: object, *, basis: str = "annual",
                   competitive: tuple[float, float] = COMPETITIVE_RANGE) -> OfferPosition:
    """Place an offer in an occupation's published distribution and give a verdict.

    Parameters
    ----------
    row : Series or dict
        One row of :func:`market_distribution`.
    offer : number or numeric text
        Offered base pay (annual by default).
    basis : {"annual", "hourly"}
    competitive : (low, high)
        Percentile range called "competitive" (default 25-75).

    Returns
    -------
    OfferPosition

    Raises
    ------
    DataError
        Offer not a positive number; the area's percentiles not published.
    """
    value = check_offer(offer, basis=basis)
    c_lo, c_hi = competitive
    if not 0 <= c_lo < c_hi <= 100:
        raise DataError(f"competitive range {competitive!r} must run low to high within 0-100",
                        source="competitive", fix="e.g. (25, 75)")
    qs, vs, tops = _points(row, basis, what="cannot place the offer")
    exact = ~tops
    point = math.nan
    if not exact[0]:  # even the 10th percentile is top-coded
        cap = float(vs[0])
        lo, hi = (0.0, 10.0) if value < cap else (0.0, 100.0)
        position = ("below the 10th percentile" if value < cap else
                    f"not placeable: every published percentile is top-coded ({_money(cap, basis)} or more)")
    elif value < vs[0]:
        lo, hi, position = 0.0, 10.0, "below the 10th percentile"
    else:
        last = int(np.flatnonzero(exact)[-1])  # last exact percentile
        if value <= vs[last]:
            qe, ve = qs[: last + 1], vs[: last + 1]
            hits = np.flatnonzero(ve == value)
            if len(hits) > 1:  # a flat stretch of the distribution: any percentile in it fits
                lo, hi = float(qe[hits[0]]), float(qe[hits[-1]])
                point = (lo + hi) / 2
            else:
                point = float(np.interp(value, ve, qe))
                lo = hi = point
            position = f"at the {ordinal(point)} percentile"
        elif last == len(qs) - 1:
            lo, hi, position = 90.0, 100.0, "above the 90th percentile"
        else:
            q_next, cap = qs[last + 1], float(vs[last + 1])  # lower bound of the top-coded percentile
            if value < cap:
                upper = float(qs[last] + (q_next - qs[last]) * (value - vs[last]) / (cap - vs[last]))
                lo, hi = float(qs[last]), upper
                position = (f"between the {ordinal(lo)} and {ordinal(hi)} percentile (the {ordinal(q_next)} is "
                            f"top-coded at {_money(cap, basis)} or more, so the exact position is unknown)")
            else:
                lo, hi = float(qs[last]), 100.0
                position = (f"at or above the {ordinal(lo)} percentile (the {ordinal(q_next)} is top-coded at "
                            f"{_money(cap, basis)} or more, so the exact position is unknown)")
    median = float(vs[2])
    compa = value / median if exact[2] else math.nan
    return OfferPosition(offer=value, basis=basis, percentile=point, percentile_low=lo, percentile_high=hi,
                         position=position, verdict=_verdict(lo, hi, (c_lo, c_hi)), compa_ratio=compa,
                         median=median, occupation=str(row.get("occupation_name", "")),
                         area=str(row.get("area_name", "")))


# --------------------------------------------------------------------------------------------- articles

def article_comparison(dist: pd.DataFrame, *, levels: Mapping | Sequence[str] | None = None,
                       figures: Sequence[Mapping] = ARTICLE_FIGURES, basis: str = "annual") -> pd.DataFrame:
    """The article figures beside what the data says, for each occupation in ``dist`` (one area, usually national).

    One row per article figure and occupation: the article's value; the comparable OEWS figure (the mean for
    an average; for an experience bracket, the band of the level named in the figure, under the level mapping,
    since OEWS has no experience dimension); and where the article's value falls in that occupation's
    distribution (interpolated as for an offer).
    """
    mapping = parse_levels(levels)
    rows = []
    for fig in figures:
        for _, row in dist.iterrows():
            try:
                if fig["compare"] == "mean":
                    data = f"mean {wage_text(row, 'mean', basis=basis)}"
                else:
                    lvl = fig["compare"]
                    b = pay_bands(row, levels={lvl: mapping.get(lvl, DEFAULT_LEVELS[lvl])}, basis=basis)
                    data = f"{lvl} band {b['band'].iloc[0]}"
                pos = offer_position(row, fig["value"], basis=basis)
                where, pct = pos.position.split(" (")[0], pos.percentile
            except DataError:
                data, where, pct = "not published", "", math.nan
            rows.append({"Article figure": fig["figure"], "Article says": _money(fig["value"], basis),
                         "Occupation": f"{row['occupation_code']} {row['occupation_name']}",
                         "OEWS says": data, "Article value sits": where, "percentile": pct})
    return pd.DataFrame(rows)


def offer_sentence(position: OfferPosition | None) -> str:
    """The offer check in one Markdown sentence ("" when no offer was given)."""
    if position is None:
        return ""
    compa = "" if math.isnan(position.compa_ratio) else f", {position.compa_ratio:.2f} times the median"
    return md_escape(f"An offer of **{_money(position.offer, position.basis)}** sits {position.position} of "
                     f"{position.occupation} {in_area(position.area)}{compa}: **{position.verdict}**.")


def in_area(name: str) -> str:
    """``"nationally"`` for the nation, else ``"in <area>"``."""
    return "nationally" if str(name).strip().lower() == "national" else f"in {name}"


def offer_table(position: OfferPosition | None) -> pd.DataFrame:
    """The offer check as a small report table (empty with a note when no offer was given)."""
    if position is None:
        return pd.DataFrame({"Offer check": ["No offer given (set the report parameter offer)."]})
    pct = "n/a (outside the published range or top-coded)" if math.isnan(position.percentile) else \
        f"{position.percentile:.1f}"
    rng = (f"{position.percentile_low:.1f} to {position.percentile_high:.1f}"
           if position.percentile_low != position.percentile_high else "none: the position is exact")
    return pd.DataFrame({
        "Item": ["Offer", "Occupation and area", "Market median", "Percentile (point)", "Percentile (range)",
                 "Position", "Offer / median", "Verdict"],
        "Value": [_money(position.offer, position.basis), f"{position.occupation}, {position.area}",
                  _money(position.median, position.basis), pct, rng, position.position,
                  "n/a" if math.isnan(position.compa_ratio) else f"{position.compa_ratio:.2f}", position.verdict],
    })


def record_benchmark(focus: pd.Series | Mapping, bands: pd.DataFrame, position: OfferPosition | None = None,
                     *, basis: str = "annual") -> pd.DataFrame:
    """Record the report's headline numbers with ``wb.record`` and return them as a table.

    Records the market median (and employment) of the focus row, each band's low and high, and, with an
    offer, its percentile (point estimate; missing outside 10-90 or next to a top-coded percentile), the ends
    of the range when only a range is known, and the verdict. Values that are lower bounds (top-coded) say
    so in their label.
    """
    from workbench.provenance import record

    items: list[tuple[str, object, str, str]] = []
    med_top = bool(focus.get("p50_topcoded", False))
    items.append(("median_wage", focus.get(f"{basis}_p50"), "Market median" + (" (at least; top-coded)" if med_top
                                                                               else ""), "money"))
    items.append(("employment", focus.get("employment"), "Jobs in the occupation and area", "count"))
    for _, b in bands.iterrows():
        key = re.sub(r"\W+", "_", str(b["level"]).strip().lower()).strip("_")
        items.append((f"band_{key}_low", b["low"], f"{b['level']} band from" + (" (at least)" if
                                                                                 b["low_is_lower_bound"] else ""),
                      "money"))
        items.append((f"band_{key}_high", b["high"], f"{b['level']} band to" + (" (at least)" if
                                                                                b["high_is_lower_bound"] else ""),
                      "money"))
    if position is not None:
        items += [("offer", position.offer, "Offer checked", "money"),
                  ("offer_percentile", None if math.isnan(position.percentile) else position.percentile,
                   "Offer percentile", "number")]
        if position.percentile_low != position.percentile_high:  # only a range is known: record its ends
            items += [("offer_percentile_low", position.percentile_low, "Offer percentile, at least", "number"),
                      ("offer_percentile_high", position.percentile_high, "Offer percentile, at most", "number")]
        items.append(("offer_verdict", position.verdict, "Offer verdict", "text"))
    rows = []
    for name, value, label, kind in items:
        value = None if value is None or (not isinstance(value, str) and pd.isna(value)) else value
        if isinstance(value, (np.integer, np.floating)):
            value = value.item()
        record(name, value, label=label, kind=kind)
        rows.append({"Metric": label, "Value": fmt.value(value, kind) if value is not None else "n/a",
                     "Recorded as": name})
    return pd.DataFrame(rows)


def bands_sentence(bands: pd.DataFrame, *, basis: str = "annual") -> str:
    """The bands as one Markdown sentence: "**Entry** (10th-25th percentile) $90,260 - $123,020; ..."."""
    parts = [f"**{r['level']}** ({ordinal(r['from_percentile'])}-{ordinal(r['to_percentile'])} percentile) "
             f"{r['band']}" for _, r in bands.iterrows()]
    unit = "a year" if basis == "annual" else "an hour"
    return md_escape("; ".join(parts) + f" ({unit}).")


def answer_text(role, focus: pd.Series | Mapping, bands: pd.DataFrame, position: OfferPosition | None = None, *,
                release: str | None = None, basis: str = "annual") -> str:
    """The report's opening answer in Markdown: the recommended bands, the median, the offer verdict."""
    emp = focus.get("employment")
    jobs = f"{fmt.num(emp)} jobs" if emp is not None and not pd.isna(emp) else "employment not published"
    rse = focus.get("wage_rse")
    rse_text = f", wage RSE {fmt.num(rse, 1)}%" if rse is not None and not pd.isna(rse) else ""
    source = f"BLS OEWS {release}" if release else "BLS OEWS"
    lines = [
        f"**Answer.** Recommended base-pay bands for **{role.title}** {in_area(focus.get('area_name'))}, set from "
        f"what employers pay **{role.label()}** ({source}):",
        "",
        bands_sentence(bands, basis=basis),
        "",
        f"The market median is **{wage_text(focus, 'p50', basis=basis)}** ({jobs}{rse_text}). "
        + offer_sentence(position),
    ]
    if any(bands["low_is_lower_bound"]) or any(bands["high_is_lower_bound"]):
        lines.append("")
        lines.append("Band edges marked *at least* rest on top-coded percentiles (BLS publishes only that they "
                     "are at or above the threshold).")
    return md_escape("\n".join(lines))


def article_explanation(role) -> str:
    """Why the article figures differ from OEWS, for the report's role (a caution first if it is not the
    e-commerce manager, whom the article figures describe)."""
    text = ARTICLE_EXPLANATION.format(occupation=role.occupation, soc=role.label())
    if role.title != "E-commerce manager":
        text = (f"Note: these article figures describe e-commerce managers, while this report benchmarks "
                f"{role.title} ({role.label()}); they are shown for reference only. " + text)
    return md_escape(text)


def article_sentence(articles: pd.DataFrame) -> str:
    """One Markdown sentence: where the article's average falls in each occupation compared."""
    avg = articles[articles["Article figure"] == ARTICLE_FIGURES[0]["figure"]]
    if avg.empty:
        return ""
    bits = [f"{r['Article value sits'] or 'not placeable'} for {r['Occupation']}" for _, r in avg.iterrows()]
    return md_escape(f"The article average of {avg['Article says'].iloc[0]} sits " + "; ".join(bits) + ".")
