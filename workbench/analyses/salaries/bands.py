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
:attr:`OfferPosition.placement` says which case applies; the report (:mod:`workbench.reports.salaries`) words it.

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

from workbench.analyses.salaries.market import NATIONAL, PERCENTILES
from workbench.errors import DataError, NotEnoughData

__all__ = [
    "DEFAULT_LEVELS", "COMPETITIVE_RANGE", "ARTICLE_FIGURES", "PLACEMENTS", "parse_levels", "wage_at_percentile",
    "pay_bands", "band_comparison", "OfferPosition", "offer_position", "check_offer", "article_comparison",
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

#: Where an amount can sit in a published distribution (:attr:`OfferPosition.placement`): at a percentile
#: (``at``, exact or interpolated), below the 10th, above the 90th, in a range that ends at a top-coded
#: percentile (``below_topcode``: between the last exact percentile and the top-coded one; ``at_or_above_topcode``:
#: at or above the last exact percentile), or nowhere (``unplaceable``: every percentile is top-coded and the
#: amount is above the threshold).
PLACEMENTS: tuple[str, ...] = ("at", "below_10th", "above_90th", "below_topcode", "at_or_above_topcode",
                               "unplaceable")


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


def _ordinal(q: float) -> str:
    n = int(round(q))
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


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
                status, f"the {_ordinal(q)} percentile is not published")
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


def wage_at_percentile(row: pd.Series | Mapping, *, percentile: float, basis: str = "annual") -> tuple[float, bool]:
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
        One row of :func:`~workbench.analyses.salaries.market.market_distribution` (an occupation in an area).
    levels : dict or list of str, optional
        Level mapping (see :func:`parse_levels`); default :data:`DEFAULT_LEVELS`.
    basis : {"annual", "hourly"}

    Returns
    -------
    DataFrame, one row per level: ``level``, ``from_percentile``, ``to_percentile``, ``low``, ``high``,
    ``midpoint`` (the wage at the middle percentile of the band), ``low_is_lower_bound``,
    ``high_is_lower_bound``, ``midpoint_is_lower_bound`` (True where the edge rests on a top-coded percentile:
    the true wage is at least this), ``basis``, and the row's occupation and area.

    Raises
    ------
    DataError
        The occupation's wages are not published for that area (suppressed or no estimate).
    """
    mapping = parse_levels(levels)
    rows = []
    for name, (lo, hi) in mapping.items():
        low, low_lb = wage_at_percentile(row, percentile=lo, basis=basis)
        high, high_lb = wage_at_percentile(row, percentile=hi, basis=basis)
        mid, mid_lb = wage_at_percentile(row, percentile=(lo + hi) / 2, basis=basis)
        rows.append({"level": name, "from_percentile": lo, "to_percentile": hi, "low": low, "high": high,
                     "midpoint": mid, "low_is_lower_bound": low_lb, "high_is_lower_bound": high_lb,
                     "midpoint_is_lower_bound": mid_lb, "basis": basis})
    out = pd.DataFrame(rows)
    for col in ("occupation_code", "occupation_name", "area_code", "area_name"):
        if col in row:
            out[col] = row[col]
    return out


def band_comparison(market: pd.DataFrame, *, levels: Mapping | Sequence[str] | None = None,
                    basis: str = "annual") -> pd.DataFrame:
    """Bands for every row (area, occupation) of a :func:`market_distribution` result, one below the other.

    Returns :func:`pay_bands` for each row, stacked, with ``published`` (False where the row's wages are not
    published: its band figures are then missing instead of raising).
    """
    mapping = parse_levels(levels)
    parts = []
    for _, row in market.iterrows():
        try:
            parts.append(pay_bands(row, levels=mapping, basis=basis).assign(published=True))
        except DataError:
            parts.append(pd.DataFrame({
                "level": list(mapping), "from_percentile": [lo for lo, _ in mapping.values()],
                "to_percentile": [hi for _, hi in mapping.values()], "low": math.nan, "high": math.nan,
                "midpoint": math.nan, "low_is_lower_bound": False, "high_is_lower_bound": False,
                "midpoint_is_lower_bound": False, "basis": basis,
                **{c: row[c] for c in ("occupation_code", "occupation_name", "area_code", "area_name") if c in row},
                "published": False}))
    return pd.concat(parts, ignore_index=True)


# --------------------------------------------------------------------------------------------- offer

@dataclass(frozen=True)
class OfferPosition:
    """Where an offer sits in an occupation's published pay distribution (see the module docstring)."""

    offer: float
    basis: str
    percentile: float            # point estimate; NaN when only a range is known
    percentile_low: float        # the position lies within [percentile_low, percentile_high]
    percentile_high: float
    placement: str               # one of PLACEMENTS
    verdict: str                 # "below market", "competitive", "above market", or a two-sided verdict
    compa_ratio: float           # offer / median (NaN if the median is top-coded)
    median: float
    occupation: str
    area: str
    topcoded_percentile: float = math.nan  # the top-coded percentile that limits the position (top-code cases)
    topcode: float = math.nan              # its value: the threshold, a lower bound of the true wage
    competitive: tuple[float, float] = COMPETITIVE_RANGE

    def to_frame(self) -> pd.DataFrame:
        """The result as a one-row table."""
        return pd.DataFrame([asdict(self)])


def check_offer(offer: object, *, basis: str = "annual", source: str = "offer") -> float:
    """Validate an offer amount and return it as a float.

    Accepts numbers and numeric text (``"$95,000"``). Raises :class:`DataError` for text that is not a number,
    missing values, zero or negative amounts, and an annual offer below $1,000 (probably an hourly rate); no
    offer at all (None) raises :class:`NotEnoughData`, so a report computing the offer check with
    ``wb.attempt`` leaves it out and says why.
    """
    if offer is None:
        raise NotEnoughData("offer must be an amount, got None (no offer given)", source=source,
                            fix="Pass the offered annual base pay to check it, e.g. 95000 (in the salary report, "
                                "the parameter offer)")
    if isinstance(offer, bool):
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


def offer_position(row: pd.Series | Mapping, *, offer: object, basis: str = "annual",
                   competitive: tuple[float, float] = COMPETITIVE_RANGE) -> OfferPosition:
    """Place an offer in an occupation's published distribution and give a verdict.

    Parameters
    ----------
    row : Series or dict
        One row of :func:`~workbench.analyses.salaries.market.market_distribution`.
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
    NotEnoughData
        No offer given (``offer=None``).
    """
    value = check_offer(offer, basis=basis)
    c_lo, c_hi = competitive
    if not 0 <= c_lo < c_hi <= 100:
        raise DataError(f"competitive range {competitive!r} must run low to high within 0-100",
                        source="competitive", fix="e.g. (25, 75)")
    qs, vs, tops = _points(row, basis, what="cannot place the offer")
    exact = ~tops
    point = q_top = cap = math.nan
    if not exact[0]:  # even the 10th percentile is top-coded
        cap = float(vs[0])
        (lo, hi), placement = ((0.0, 10.0), "below_10th") if value < cap else ((0.0, 100.0), "unplaceable")
    elif value < vs[0]:
        lo, hi, placement = 0.0, 10.0, "below_10th"
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
            placement = "at"
        elif last == len(qs) - 1:
            lo, hi, placement = 90.0, 100.0, "above_90th"
        else:
            q_top, cap = float(qs[last + 1]), float(vs[last + 1])  # lower bound of the top-coded percentile
            if value < cap:
                upper = float(qs[last] + (q_top - qs[last]) * (value - vs[last]) / (cap - vs[last]))
                lo, hi, placement = float(qs[last]), upper, "below_topcode"
            else:
                lo, hi, placement = float(qs[last]), 100.0, "at_or_above_topcode"
    median = float(vs[2])
    compa = value / median if exact[2] else math.nan
    return OfferPosition(offer=value, basis=basis, percentile=point, percentile_low=lo, percentile_high=hi,
                         placement=placement, verdict=_verdict(lo, hi, (c_lo, c_hi)), compa_ratio=compa,
                         median=median, occupation=str(row.get("occupation_name", "")),
                         area=str(row.get("area_name", "")), topcoded_percentile=q_top, topcode=cap,
                         competitive=(float(c_lo), float(c_hi)))


# --------------------------------------------------------------------------------------------- articles

def article_comparison(market: pd.DataFrame, *, levels: Mapping | Sequence[str] | None = None,
                       figures: Sequence[Mapping] = ARTICLE_FIGURES, area: str | None = NATIONAL,
                       basis: str = "annual") -> pd.DataFrame:
    """The article figures beside what the data says, for each occupation of ``market`` in one area.

    One row per article figure and occupation (in ``area``, nationally by default; None = every row of
    ``market``): the article's value; the comparable OEWS figure (the mean for an average; for an experience
    bracket, the band of the level named in the figure, under the level mapping, since OEWS has no experience
    dimension); and where the article's value falls in that occupation's distribution (placed as an offer is,
    see :func:`offer_position`).

    Returns
    -------
    DataFrame: ``figure``, ``article_value``, ``compared_with`` ("mean" or a level), ``occupation_code``,
    ``occupation_name``, ``published`` (False where the occupation's wages are not published),
    ``oews_low`` / ``oews_high`` (the mean twice, or the band's edges) with ``oews_low_is_lower_bound`` /
    ``oews_high_is_lower_bound``, and the article value's ``placement``, ``percentile``, ``percentile_low``,
    ``percentile_high``, ``topcoded_percentile`` and ``topcode`` (as in :class:`OfferPosition`). ``attrs`` keeps
    the market distribution's (the OEWS release).
    """
    mapping = parse_levels(levels)
    rows_in = market if area is None else market[market["area_code"] == area]
    rows = []
    for fig in figures:
        for _, row in rows_in.iterrows():
            out = {"figure": fig["figure"], "article_value": float(fig["value"]), "compared_with": fig["compare"],
                   "occupation_code": row["occupation_code"], "occupation_name": row["occupation_name"],
                   "published": True, "oews_low": math.nan, "oews_high": math.nan, "oews_low_is_lower_bound": False,
                   "oews_high_is_lower_bound": False, "placement": pd.NA, "percentile": math.nan,
                   "percentile_low": math.nan, "percentile_high": math.nan, "topcoded_percentile": math.nan,
                   "topcode": math.nan}
            try:
                if fig["compare"] == "mean":
                    mean = row.get(f"{basis}_mean")
                    if mean is None or pd.isna(mean):
                        raise DataError("mean not published")
                    top = bool(row.get("mean_topcoded", False))
                    out.update(oews_low=float(mean), oews_high=float(mean), oews_low_is_lower_bound=top,
                               oews_high_is_lower_bound=top)
                else:
                    lvl = fig["compare"]
                    b = pay_bands(row, levels={lvl: mapping.get(lvl, DEFAULT_LEVELS[lvl])}, basis=basis).iloc[0]
                    out.update(oews_low=b["low"], oews_high=b["high"], oews_low_is_lower_bound=b["low_is_lower_bound"],
                               oews_high_is_lower_bound=b["high_is_lower_bound"])
                pos = offer_position(row, offer=fig["value"], basis=basis)
                out.update(placement=pos.placement, percentile=pos.percentile, percentile_low=pos.percentile_low,
                           percentile_high=pos.percentile_high, topcoded_percentile=pos.topcoded_percentile,
                           topcode=pos.topcode)
            except DataError:
                out.update(published=False, oews_low=math.nan, oews_high=math.nan)
            rows.append(out)
    result = pd.DataFrame(rows)
    result["placement"] = result["placement"].astype("string")
    result.attrs = dict(market.attrs)  # the OEWS release compared
    return result
