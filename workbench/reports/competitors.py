"""The competitor-analysis report's words: its sentences, display tables and headline metrics.

The numbers come from :mod:`workbench.analyses.competitors`; this module only says them. Wording follows the
parameters: a price rise reads as a rise ("raises its price by 5%", "gains most"), the interval level follows
``alpha``, the price-index reference follows ``reference``, and every figure built on the generated
price-monitoring sample says so (:func:`workbench.reports.common.generated_suffix`).
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from workbench.analyses.competitors.logit import ChoiceLogit
from workbench.analyses.competitors.scenarios import most_affected_competitor, own_price_elasticities
from workbench.present import fmt
from workbench.present.narrative import Markdown
from workbench.present.tables import Col, TableSpec, table
from workbench.reports.common import GENERATED_WORD, Headline, generated_suffix, record_metrics
from workbench.sections import skippable

__all__ = ["HEADLINES", "SHARES", "PROMOTIONS", "ESTIMATES", "MODEL_FIT", "WHAT_IF", "SCENARIOS", "OVERALL_INDEX",
           "POSITION_COUNTS", "SCORECARD", "DEMAND", "change_md", "reference_md", "answer_md", "iia_md",
           "index_direction_md", "demand_data_md", "shares_table", "promotions_table", "estimates_table",
           "model_fit_table", "what_if_table", "scenarios_table", "overall_index_table", "positions_table",
           "scorecard_table", "demand_table", "record_headlines"]

# ----------------------------------------------------------------------------------------------------------
# headline metrics
# ----------------------------------------------------------------------------------------------------------

# The own-price elasticities are recorded one per brand: ``own_price_elasticity_<brand>`` under the
# ``own_price_elasticity`` spec with the brand's name for ``{alternative}``.
HEADLINES = {
    "price_coefficient": Headline("Price coefficient (utility per price unit)", "number", card=False),
    "most_price_sensitive_brand": Headline("Most price-sensitive brand", "text", key=True),
    "own_price_elasticity": Headline("Own-price elasticity: {alternative}", "number"),
    "what_if_share_change_pp": Headline("Change in {brand}'s share if it {change}", "number", unit="pp", key=True),
    "mcfadden_rho2": Headline("McFadden rho-squared", "ratio", good="up", card=False),
    # a price position is a strategy, not good or bad news: no direction
    "overall_price_index": Headline("Overall price index, 100 = level, below = cheaper{generated}", "number", key=True),
}


def _slug(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", str(name).lower()).strip("_")


def record_headlines(model: ChoiceLogit, *, scenario: pd.DataFrame, brand: str, change: float,
                     overall: pd.DataFrame, generated: bool = False) -> dict[str, Any]:
    """Record the report's headline metrics: the price coefficient, the most price-sensitive brand, each brand's
    own-price elasticity (``own_price_elasticity_<brand>``), the what-if change of ``brand``'s share in
    percentage points, McFadden's rho-squared and the overall (unweighted) price index.

    Returns
    -------
    dict
        name -> value, as recorded.
    """
    own = own_price_elasticities(model)
    slugs = {f"own_price_elasticity_{_slug(a)}": a for a in own.index}
    specs: dict[str, Headline] = {}
    for name, spec in HEADLINES.items():
        if name == "own_price_elasticity":
            for key, alt in slugs.items():  # one spec per brand, label filled now ({} in a name kept literal)
                label = spec.label.format(alternative=alt).replace("{", "{{").replace("}", "}}")
                specs[key] = replace(spec, label=label)
        else:
            specs[name] = spec
    values: dict[str, Any] = {"price_coefficient": model.price_coef_, "most_price_sensitive_brand": own.idxmin()}
    values |= {key: float(own[alt]) for key, alt in slugs.items()}
    values |= {"what_if_share_change_pp": 100 * float(scenario.at[brand, "change"]),
               "mcfadden_rho2": model.fit_stats_["rho2"],
               "overall_price_index": float(overall.at["unweighted", "price_index"])}
    return record_metrics(values, specs=specs, brand=brand, change=change_md(change),
                          generated=generated_suffix(generated))


# ----------------------------------------------------------------------------------------------------------
# phrases
# ----------------------------------------------------------------------------------------------------------

def change_md(change: float, *, own: bool = False) -> Markdown:
    """``-0.10`` -> "cuts its price by 10%", ``0.025`` -> "raises its price by 2.5%" (``own=True``: "its own price")."""
    its = "its own price" if own else "its price"
    size = f"{abs(change) * 100:.3g}%"
    if change < 0:
        return Markdown(f"cuts {its} by {size}")
    if change > 0:
        return Markdown(f"raises {its} by {size}")
    return Markdown(f"keeps {its}")


def reference_md(reference: str) -> Markdown:
    """How the report names the price-index reference: ``"mean"`` -> "the competitors' mean price",
    ``"min"`` -> "the lowest competitor price", a competitor -> "Competitor B's price"."""
    if reference == "mean":
        return Markdown("the competitors' mean price")
    if reference in ("min", "lowest"):
        return Markdown("the lowest competitor price")
    return Markdown(f"{reference}'s price")


def _index_words(value: float, *, tolerance: float = 0.005) -> str:
    """``96.4`` -> "3.6% cheaper than", ``103`` -> "3.0% more expensive than", within 0.5% of 100 -> "level with"."""
    if value is None or not np.isfinite(value):
        return "not comparable with"
    gap = value / 100 - 1
    if abs(gap) <= tolerance:
        return "level with"
    return f"{abs(gap):.1%} {'cheaper' if gap < 0 else 'more expensive'} than"


def _level(alpha: float) -> str:
    """The confidence level of ``alpha`` as a percentage: 0.05 -> "95%", 0.025 -> "97.5%"."""
    level = 100 * (1 - alpha)
    return f"{level:.0f}%" if abs(level - round(level)) < 1e-9 else f"{level:.1f}%"


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _moves(scenario: pd.DataFrame, brand: str) -> tuple[str, str]:
    """(the competitor most affected, how the report says it) for the brand's share change."""
    other = most_affected_competitor(scenario, brand=brand)
    gains = scenario.at[brand, "change"] >= 0
    return other, ("taken mostly from" if gains else "going mostly to")


# ----------------------------------------------------------------------------------------------------------
# sentences
# ----------------------------------------------------------------------------------------------------------

def answer_md(model: ChoiceLogit, *, scenario: pd.DataFrame, brand: str, change: float, overall: pd.DataFrame,
              positions: pd.DataFrame, reference: str = "mean", generated: bool = False) -> Markdown:
    """The answer first: who reacts most to price, what the what-if predicts, and where our prices sit.

    Parameters
    ----------
    model : ChoiceLogit
        Fitted.
    scenario : DataFrame
        :func:`~workbench.analyses.competitors.scenarios.what_if` for ``brand`` changing price by ``change``.
    overall, positions : DataFrame
        :func:`~workbench.analyses.competitors.pricing.overall_price_index` and ``position_counts``.
    reference : str
        The price-index reference (``"mean"``, ``"min"`` or a competitor).
    generated : bool
        The prices are the generated sample.
    """
    own = own_price_elasticities(model)
    sensitivity = (
        f"**Answer.** In the {model.name_} panel, **{own.idxmin()}** is the brand whose share reacts most to its "
        f"own price: a 1% price rise is predicted to cut its share by {fmt.num(-own.min(), 2)}% (own-price "
        f"elasticity {fmt.num(own.min(), 2)}; the least sensitive is {own.idxmax()} at {fmt.num(own.max(), 2)}).")
    other, flow = _moves(scenario, brand)
    s = scenario.loc[brand]
    what_if = (
        f"**What-if:** if {brand} {change_md(change)} on every purchase occasion, its predicted share moves from "
        f"{fmt.pct(s['share_now'])} to {fmt.pct(s['share_after'])} ({fmt.pp(s['change'])}, "
        f"{fmt.pct(s['change_relative'], signed=True)}), {flow} {other} ({fmt.pp(scenario.at[other, 'change'])}). "
        "The split across competitors follows their shares (see the note on IIA below).")
    u = overall.loc["unweighted"]
    position = (
        f"**Price position{generated_suffix(generated, what='sample data')}:** our prices are on average "
        f"{_index_words(u['price_index'])} {reference_md(reference)} (price index {fmt.num(u['price_index'], 1)}; "
        f"below 100 = we are cheaper) across {_count(int(u['skus_used']), 'product')}. We are the cheapest seller "
        f"on {fmt.num(positions.at['cheapest', 'skus'])} and the most expensive on "
        f"{fmt.num(positions.at['most expensive', 'skus'])}.")
    return Markdown("\n\n".join([sensitivity, what_if, position]))


def iia_md(split: pd.DataFrame, *, brand: str, change: float) -> Markdown:
    """A note on the independence of irrelevant alternatives (IIA), with this model's numbers.

    ``split`` is :func:`~workbench.analyses.competitors.scenarios.substitution_split` for ``brand`` changing its
    price by ``change``: where its gain (or loss) comes from (or goes to), next to each competitor's share of
    the rest of the market. Under IIA the two columns are close.
    """
    flow, column = (("the share it gains comes from", "part of the gain taken from it") if change < 0
                    else ("the share it loses goes to", "part of the loss going to it"))
    lines = "\n".join(f"| {a} | {fmt.pct(r['part_of_change'])} | {fmt.pct(r['share_of_rest'])} |"
                      for a, r in split.iterrows())
    return Markdown(
        "**A limit of the model: independence of irrelevant alternatives (IIA).** In a logit model the ratio of "
        "the probabilities of any two brands does not depend on the other brands. So when one brand changes "
        "its price, the share it wins (or loses) is taken from (or given to) the other brands *in proportion to "
        "their current shares*: the model cannot know that some brands are closer substitutes than others "
        f"(a diet yogurt for a diet yogurt, a 32 oz bottle for another 32 oz bottle). When {brand} "
        f"{change_md(change)}, {flow}:\n\n"
        f"| competitor | {column} | its share of the rest of the market |\n|---|---|---|\n"
        f"{lines}\n\n"
        "What this means for the what-if numbers: the split of a brand's gain or loss across its competitors "
        "follows their current shares, not how similar they are. Where close substitutes exist, the closest "
        "competitor would in reality lose more, and distant ones less, than shown. The size of the brand's own "
        "change rests on one price coefficient shared by all brands and on the brand's current price and share. "
        "Models that relax IIA (a nested logit, or the random-coefficients logit Jain, Vilcassim & Chintagunta "
        "(1994) fitted to these panels) are the next step when the split matters for a decision. Because the "
        "price coefficient is shared, differences in price sensitivity between brands come only from their "
        "prices and shares.")


def index_direction_md(reference: str, *, tolerance: float, max_age_days: int, generated: bool = False) -> Markdown:
    """How to read the price index: its direction, which competitor prices count, and the tolerance."""
    text = (f"**Direction:** price index = 100 x our price / {reference_md(reference)}; **below 100 = we are "
            f"cheaper**. Competitor prices that are out of stock, missing or older than "
            f"{_count(max_age_days, 'day')} are left out of the reference; a product with no competitor price "
            f"left has no index. Positions treat prices within {fmt.pct(tolerance, 1)} as equal.")
    if generated:
        text += f" **All figures in this section come from {GENERATED_WORD} sample data, not real prices.**"
    return Markdown(text)


def demand_data_md(weekly: pd.DataFrame) -> Markdown:
    """What the log-log regression is and what the orange-juice demonstration data can and cannot say.

    ``weekly`` is :func:`~workbench.analyses.competitors.demand_regression.oj_weekly_sales` (purchases counted
    per store, week and brand).
    """
    brands = " or ".join(map(str, pd.unique(weekly["brand"])))
    seasons = ", ".join(sorted(map(str, weekly["season"].unique())))
    return Markdown(
        "Where only sales totals and prices over time exist, demand is modelled as\n"
        "log(units) = a + e x log(own price) + c x log(competitor price) + promotion effects + season and store "
        "effects,\nand the price coefficients are elasticities. The demonstration uses the shipped ISLR "
        f"orange-juice file: {fmt.num(weekly['units'].sum())} purchases of {brands}, counted per store, week and "
        f"brand ({_count(weekly['store_id'].nunique(), 'store')}, {_count(weekly['week'].nunique(), 'week number')})."
        " Those counts are purchases **in that sample**, not store sales; weeks without any purchase in a store "
        "are absent, and ISLR does not document the calendar behind its week numbers (seasons are consecutive "
        f"blocks of weeks: {seasons}). Weeks in which a brand sold nothing cannot be logged: the ordinary least "
        "squares (OLS) fit leaves them out, and a Poisson fit that keeps them is shown as a check.")


# ----------------------------------------------------------------------------------------------------------
# display tables
# ----------------------------------------------------------------------------------------------------------

SHARES = TableSpec({
    "alternative": "Brand",
    "occasions_won": Col("Occasions won", "count"),
    "share": Col("Share", "percent"),
    "mean_price": Col("Mean price", "number", 2),
    "median_price": Col("Median price", "number", 2),
    "feature_rate": Col("Feature ad rate", "percent", optional=True),
    "display_rate": Col("Display rate", "percent", optional=True),
}, caption="Shares and prices by brand (share = fraction of occasions won; feature ad / display rate = fraction of "
           "occasions with that promotion)", index=True)

PROMOTIONS = TableSpec({
    "alternative": "Brand",
    "promotion": "Promotion",
    "occasions_promoted": Col("Occasions promoted", "count"),
    "share_promoted": Col("Share when promoted", "percent"),
    "share_not_promoted": Col("Share when not promoted", "percent"),
    "lift": Col("Difference", "pp"),
}, caption="Share of occasions won with and without the promotion (difference in percentage points)")

# labels and caption filled per model: {level} is the interval's confidence level
ESTIMATES = TableSpec({
    "term": "Term",
    "estimate": Col("Estimate", "number", 4),
    "std_error": Col("Std. error", "number", 4),
    "z": Col("z", "number", 2),
    "p_value": Col("p-value", "number", 4),
    "ci_low": Col("{level} CI low", "number", 4),
    "ci_high": Col("{level} CI high", "number", 4),
    "std_error_household": Col("Std. error (by household)", "number", 4),
    "price_equivalent": Col("Price equivalent", "number", 2),
}, caption="Conditional logit estimates, {name} panel (reference brand: {reference}; {level} intervals)")

MODEL_FIT = TableSpec({"statistic": "Statistic", "value": Col("Value", "text")},
                      caption="How well the model fits (rho-squared = 1 - LL / LL of the comparison model; hit "
                              "rate = share of occasions whose most likely brand was bought)")

WHAT_IF = TableSpec({
    "alternative": "Brand",
    "observed_share": Col("Observed share", "percent"),
    "share_now": Col("Share now (model)", "percent"),
    "share_after": Col("Share after", "percent"),
    "change": Col("Change", "pp"),
    "change_relative": Col("Relative change", "change"),
}, caption="What-if: {brand} {change} on every occasion (change in percentage points)", index=True)

SCENARIOS = TableSpec({
    "alternative": "Brand",
    "share_now": Col("Share now (model)", "percent"),
    "share_after": Col("Share after", "percent"),
    "change": Col("Change", "pp"),
    "change_relative": Col("Relative change", "change"),
    "most_affected": Col("{most}", "text"),
    "most_affected_change": Col("Its change", "pp"),
}, caption="If each brand alone {change}: its share now and after, and the competitor that {most_verb} "
           "(changes in percentage points)", index=True)

OVERALL_INDEX = TableSpec({
    "method": "Method",
    "price_index": Col("Price index", "number", 1),
    "skus_used": Col("Products with an index", "count"),
    "skus_without_index": Col("Products without", "count"),
    "weight_share": Col("Share of revenue covered", "percent"),
}, caption="Overall price index: unweighted mean of the product indices, and weighted by our revenue per "
           "product{generated}", index=True)

POSITION_COUNTS = TableSpec({
    "position": "Position",
    "skus": Col("Products", "count"),
    "share": Col("Share", "percent"),
}, caption="Where we stand per product, tolerance {tolerance}{generated}", index=True)

SCORECARD = TableSpec({
    "seller": "Seller",
    "stockout_share": Col("Out-of-stock share", "percent"),
    "skus": Col("Products", "count"),
    "change_rate": Col("Price-change rate", "percent"),
    "days_between_changes": Col("Days between changes", "number", 1),
    "median_abs_change": Col("Median change size", "percent"),
    "promo_share": Col("Promo share", "percent"),
    "mean_discount": Col("Mean promo discount", "percent"),
    "index_vs_seller": Col("Our index vs seller", "number", 1),
}, caption="Sellers side by side{generated}", index=True)

DEMAND = TableSpec({
    "{by}": "{by_label}",
    "term": "Term",
    "estimate": Col("Estimate", "number", 2),
    "ci_low": Col("{level} CI low", "number", 2),
    "ci_high": Col("{level} CI high", "number", 2),
    "p_value": Col("p-value", "number", 3),
    "estimate_poisson": Col("Estimate (Poisson check)", "number", 2),
    "periods": Col("Weeks used", "count", optional=True),
    "zero_periods": Col("Weeks with 0 units", "count", optional=True),
}, caption="Log-log demand regression{by_words}, orange juice (OLS with {errors} {level} intervals; price rows are "
           "elasticities; promotion rows are log-points: exp(estimate) - 1 = % change in units)")

_COV_WORDS = {"HC0": "heteroskedasticity-robust", "HC1": "heteroskedasticity-robust",
              "HC2": "heteroskedasticity-robust", "HC3": "heteroskedasticity-robust", "nonrobust": "classical"}


def _filled(spec: TableSpec, **fields: Any) -> TableSpec:
    """The spec with ``{fields}`` filled in its column names, labels and caption."""
    cols = {name.format(**fields): replace(col, label=col.label.format(**fields)) for name, col in spec.cols.items()}
    caption = spec.caption.format(**fields) if spec.caption else spec.caption
    return TableSpec(cols, caption=caption, index=spec.index)


@skippable
def shares_table(shares: pd.DataFrame):
    """Each brand's share of occasions, prices and promotion rates (:func:`~...shares.choice_shares`)."""
    return table(shares, SHARES)


@skippable
def promotions_table(promotions: pd.DataFrame):
    """Share of occasions won with and without each promotion (:func:`~...shares.promotion_shares`)."""
    return table(promotions, PROMOTIONS)


def estimates_table(model: ChoiceLogit):
    """The conditional-logit estimates, with intervals at the model's confidence level."""
    spec = _filled(ESTIMATES, level=_level(model.alpha), name=model.name_, reference=model.reference_)
    return table(model.estimates_, spec)


def model_fit_table(model: ChoiceLogit):
    """The fit statistics as a model summary: counts with separators, likelihoods with 2 decimals, rates as %."""
    s = model.fit_stats_
    rows = [("Purchase occasions", fmt.num(s["occasions"])), ("Parameters", fmt.num(s["parameters"])),
            ("Log-likelihood", fmt.num(s["log_likelihood"], 2)),
            ("Log-likelihood, all brands equally likely", fmt.num(s["ll_equal_shares"], 2)),
            ("Log-likelihood, brand shares only", fmt.num(s["ll_constants_only"], 2)),
            ("McFadden rho-squared (vs all brands equally likely)", fmt.num(s["rho2"], 3)),
            ("Adjusted rho-squared", fmt.num(s["rho2_adjusted"], 3)),
            ("rho-squared beyond brand shares (what price and promotion add)", fmt.num(s["rho2_vs_shares"], 3)),
            ("AIC", fmt.num(s["aic"], 1)), ("BIC", fmt.num(s["bic"], 1)),
            ("Hit rate (the most likely brand was bought)", fmt.pct(s["hit_rate"])),
            ("Hit rate of always predicting the most bought brand", fmt.pct(s["hit_rate_naive"]))]
    return table(pd.DataFrame(rows, columns=["statistic", "value"]), MODEL_FIT)


def what_if_table(scenario: pd.DataFrame, *, brand: str, change: float):
    """Predicted shares now and after ``brand`` changes its price by ``change`` (:func:`~...scenarios.what_if`)."""
    return table(scenario, _filled(WHAT_IF, brand=brand, change=change_md(change)))


def scenarios_table(scenarios: pd.DataFrame, *, change: float):
    """Each brand changing its own price alone, and the competitor most affected
    (:func:`~...scenarios.price_cut_scenarios`)."""
    cut = change < 0
    spec = _filled(SCENARIOS, change=change_md(change, own=True), most="Loses most" if cut else "Gains most",
                   most_verb="loses most" if cut else "gains most")
    return table(scenarios, spec)


def overall_index_table(overall: pd.DataFrame, *, generated: bool = False):
    """The portfolio price index, unweighted and revenue-weighted (:func:`~...pricing.overall_price_index`)."""
    return table(overall, _filled(OVERALL_INDEX, generated=generated_suffix(generated)))


def positions_table(positions: pd.DataFrame, *, tolerance: float, generated: bool = False):
    """How many products sit in each position, cheapest to most expensive (:func:`~...pricing.position_counts`)."""
    return table(positions, _filled(POSITION_COUNTS, tolerance=fmt.pct(tolerance, 1), generated=generated_suffix(generated)))


def scorecard_table(scorecard: pd.DataFrame, *, generated: bool = False):
    """Sellers side by side: stock-outs, price moves, promotions, our index (:func:`~...pricing.seller_scorecard`)."""
    return table(scorecard, _filled(SCORECARD, generated=generated_suffix(generated)))


def demand_table(demand: Any):
    """The log-log regression's elasticities (a fitted ``DemandRegression``), by group when fitted with ``by``."""
    by = demand.by
    spec = _filled(DEMAND, by=by or "", by_label=(by or "").replace("_", " ").capitalize(),
                   by_words=f" by {by.replace('_', ' ')}" if by else "", level=_level(demand.alpha),
                   errors=_COV_WORDS.get(demand.cov_type, f"{demand.cov_type}"))
    if not by:
        spec = TableSpec({k: v for k, v in spec.cols.items() if k}, caption=spec.caption)
    return table(demand.elasticities_, spec)
