"""The market-research report's words: its sentences, display tables and headline metrics.

The notebook ``notebooks/market-research.ipynb`` computes the results (``wb.customers``, ``wb.demand``) and shows
them through these functions, one call per displayed thing. Every section a thin export may not support
(personas, lifetime value, the holdout check, the demand trend and forecast) arrives here either as its result
or as a :class:`~workbench.sections.Skipped` holding the reason; each function then says why in its place.
Every number in the prose comes from the results, and the wording follows the parameters (the interval level,
the horizon, the persona range actually tried).
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from workbench.analyses.customers.clv import value_concentration
from workbench.analyses.customers.personas import MIN_CUSTOMERS_PER_PERSONA
from workbench.analyses.demand.forecast import against_naive
from workbench.present import fmt
from workbench.present.narrative import Markdown, bullets
from workbench.present.tables import Col, TableSpec, table
from workbench.reports.common import Headline, record_metrics
from workbench.sections import Skipped, is_skipped, skippable

__all__ = [
    "summary_md", "persona_descriptions_md", "holdout_md", "values_md", "demand_md",
    "personas_table", "segment_values_table", "persona_values_table", "holdout_table", "top_customers_table",
    "bgnbd_table", "gamma_gamma_table", "forecast_table", "record_headlines",
    "PERSONAS", "SEGMENT_VALUES", "PERSONA_VALUES", "HOLDOUT", "TOP_CUSTOMERS", "PARAMETERS", "FORECAST",
    "HEADLINES", "TOP_SHARE", "TOP_CUSTOMERS_SHOWN", "BGNBD_MEANINGS", "GAMMA_GAMMA_MEANINGS",
]

TOP_SHARE = 0.10           # "the best 10% of customers hold ... of the value"
TOP_CUSTOMERS_SHOWN = 15   # rows of the most-valuable-customers table
_UNITS = {"day": ("day", "days"), "week": ("week", "weeks"), "month": ("month", "months")}

# --------------------------------------------------------------------------- display tables
PERSONAS = TableSpec({
    "persona": Col("Persona", "text"),
    "customers": Col("Customers", "count"),
    "share_customers": Col("Share of customers", "percent"),
    "revenue": Col("Revenue to date", "money"),
    "share_revenue": Col("Share of revenue", "percent"),
    "orders_per_customer": Col("Orders per customer", "number", 1),
    "repeat_share": Col("Came back", "percent"),
    "aov": Col("Spend per order", "money"),
    "units_per_order": Col("Items per order", "number", 1),
    "recency_days": Col("Days since last order", "count"),
    "tenure_days": Col("Days as customer", "count"),
    "top_category": Col("Top category", "text", optional=True),
    "top_country": Col("Top country", "text", optional=True),
}, caption="Personas: median days since the last order and since the first; spend per order = revenue / orders")


def _value_columns(group: str, label: str) -> dict[str, Col]:
    return {
        group: Col(label, "text"),
        "customers": Col("Customers", "count"),
        "share_customers": Col("Share of customers", "percent"),
        "revenue": Col("Revenue to date", "money"),
        "share_revenue": Col("Share of revenue", "percent"),
        "expected_purchases": Col("Expected purchases", "number", 0),
        "clv": Col("Expected value (CLV)", "money"),
        "share_clv": Col("Share of future value", "percent"),
        "clv_per_customer": Col("Value per customer", "money"),
        "p_alive_repeat": Col("Still active: repeat buyers (mean P(alive))", "percent"),
    }


# P(alive) of one-time buyers is 1 in BG/NBD (nothing shows they left), so the table shows the repeat buyers'
_STILL_ACTIVE = ("still active = the model's mean probability that a repeat buyer is still a customer (one-time "
                 "buyers cannot be judged; n/a where a group has none)")
SEGMENT_VALUES = TableSpec(_value_columns("segment", "RFM segment"), caption=(
    "RFM segments: revenue to date, and expected purchases and value over the next {horizon_weeks} weeks; "
    + _STILL_ACTIVE))
PERSONA_VALUES = TableSpec(_value_columns("persona", "Persona"), caption=(
    "Personas: revenue to date, and expected purchases and value over the next {horizon_weeks} weeks; "
    + _STILL_ACTIVE))

HOLDOUT = TableSpec({
    "calibration_purchases": Col("Repeat purchases, calibration", "text"),
    "customers": Col("Customers", "count"),
    "actual": Col("Actual, per customer", "number", 2),
    "predicted": Col("Predicted, per customer", "number", 2),
}, caption="Holdout check: mean purchases per customer in the holdout period, by purchases in the calibration "
           "period")

TOP_CUSTOMERS = TableSpec({
    "customer_id": Col("Customer", "text"),
    "frequency": Col("Repeat purchases", "number", 0),
    "recency": Col("Last purchase (week)", "number", 1),
    "T": Col("Weeks observed", "number", 1),
    "monetary": Col("Mean repeat spend", "money", 2),
    "revenue": Col("Revenue to date", "money", 2),
    "p_alive": Col("P(alive)", "percent"),
    "expected_purchases": Col("Expected purchases", "number", 2),
    "expected_spend_per_purchase": Col("Expected spend per purchase", "money", 2),
    "expected_revenue": Col("Expected revenue", "money", 2),
    "clv": Col("Expected value (CLV)", "money", 2),
}, caption=("The {n} most valuable customers (repeat purchases: days with an order after the first; weeks "
            "counted from the first purchase; expected value over the next {horizon_weeks} weeks)"))

PARAMETERS = TableSpec({
    "parameter": Col("Parameter", "text"),
    "estimate": Col("Estimate", "number", 3),
    "std_error": Col("Standard error", "number", 3),
    "meaning": Col("Meaning", "text"),
})
BGNBD_MEANINGS = {
    "r": "shape of the purchase-rate distribution",
    "alpha": "scale of the purchase-rate distribution (weeks)",
    "a": "dropout-probability distribution, a",
    "b": "dropout-probability distribution, b",
}
GAMMA_GAMMA_MEANINGS = {
    "p": "shape of the spend per transaction around a customer's mean",
    "q": "shape of the spread of customers' mean spend",
    "gamma": "scale of the spread of customers' mean spend",
}

FORECAST = TableSpec({
    "period": Col("Period", "date"),
    "forecast": Col("Forecast", "money"),
    "lower": Col("Lower bound", "money"),
    "upper": Col("Upper bound", "money"),
}, index=True)

# --------------------------------------------------------------------------- headline metrics
HEADLINES = {
    "customers": Headline("Customers analysed", "count", good="up", key=True),
    "personas": Headline("Buyer personas (chosen by silhouette)", "count"),
    "top_persona_by_value": Headline("Persona with the most future value", "text"),
    "top_persona_value_share": Headline("Top persona's share of future value", "percent"),
    "top_segment_by_value": Headline("RFM segment with the most future value", "text"),
    "mean_clv": Headline("Mean customer value, next {horizon_weeks} weeks (discounted margin)", "money", good="up",
                         key=True),
    "total_clv": Headline("Value of all customers, next {horizon_weeks} weeks", "money", good="up", key=True),
    "top10_value_share": Headline("Share of value held by the best {top_share} of customers", "percent"),
    "holdout_predicted": Headline("Holdout repeat purchases predicted", "number", card=False),
    "holdout_actual": Headline("Holdout repeat purchases actual", "number", card=False),
    "holdout_error": Headline("Holdout error (predicted vs actual)", "change"),
    "bgnbd_r": Headline("BG/NBD r", "number", card=False),
    "bgnbd_alpha": Headline("BG/NBD alpha", "number", card=False),
    "bgnbd_a": Headline("BG/NBD a", "number", card=False),
    "bgnbd_b": Headline("BG/NBD b", "number", card=False),
    "gamma_gamma_p": Headline("Gamma-Gamma p", "number", card=False),
    "gamma_gamma_q": Headline("Gamma-Gamma q", "number", card=False),
    "gamma_gamma_gamma": Headline("Gamma-Gamma gamma", "number", card=False),
    "demand_trend_change": Headline("{trend_what} trend change over the last {trend_periods} {trend_unit}", "change",
                                    good="up", key=True),
    "forecast_mean": Headline("Forecast {forecast_what} per {forecast_unit}, next {forecast_periods}", "money",
                              good="up"),
    "forecast_mape": Headline("Forecast back-test MAPE", "percent", good="down"),
    "naive_mape": Headline("Naive forecast back-test MAPE", "percent"),
}


def record_headlines(*, features: Any, personas: Any, lifetime_value: Any, holdout: Any, by_persona: Any,
                     by_segment: Any, trend: Any, forecast: Any, currency: str = "USD") -> dict[str, Any]:
    """Record the report's headline metrics (see :data:`HEADLINES`); a skipped section records nothing.

    Parameters are the notebook's results: ``features`` (``persona_features``), ``personas`` (fitted
    ``Personas``), ``lifetime_value``, ``holdout`` (``holdout_validation``), ``by_persona`` / ``by_segment``
    (``value_by_group``), ``trend`` (``decompose``) and ``forecast`` (fitted ``DemandForecast``), each of them
    possibly a ``Skipped``.

    Returns
    -------
    dict
        name -> value, as recorded.
    """
    values: dict[str, Any] = {}
    fields: dict[str, Any] = {"top_share": fmt.pct(TOP_SHARE, 0)}
    lv = None if is_skipped(lifetime_value) else lifetime_value
    if lv is not None:
        values["customers"] = len(lv.values)
    elif not is_skipped(features):
        values["customers"] = len(features)
    if not is_skipped(personas):
        values["personas"] = personas.k_
    if not is_skipped(by_persona):
        values["top_persona_by_value"] = by_persona.persona.iloc[0]
        values["top_persona_value_share"] = by_persona.share_clv.iloc[0]
    if not is_skipped(by_segment):
        values["top_segment_by_value"] = by_segment.segment.iloc[0]
    if lv is not None:
        fields["horizon_weeks"] = lv.assumptions["horizon_weeks"]
        values["mean_clv"] = round(lv.mean_clv, 2)
        values["total_clv"] = round(lv.total_clv, 2)
        values["top10_value_share"] = value_concentration(lv.values, top=TOP_SHARE)
    if not is_skipped(holdout):
        check = holdout.check
        values.update(holdout_predicted=round(check.predicted, 1), holdout_actual=check.actual,
                      holdout_error=check.error)
    if lv is not None:
        values.update({f"bgnbd_{k}": v for k, v in lv.bgnbd.params_.items()})
        values.update({f"gamma_gamma_{k}": v for k, v in lv.gamma_gamma.params_.items()})
    if not is_skipped(trend):
        fields.update(trend_what=trend.column.capitalize(), trend_periods=trend.trend_change_periods,
                      trend_unit=_UNITS.get(trend.freq, ("period", "periods"))[1])
        values["demand_trend_change"] = trend.trend_change
    if not is_skipped(forecast):
        fields.update(forecast_what=forecast.column, forecast_unit=_UNITS.get(forecast.freq_, ("period",))[0],
                      forecast_periods=len(forecast.forecast_))
        values["forecast_mean"] = round(float(forecast.forecast_.forecast.mean()), 2)
        values["forecast_mape"] = forecast.errors_["mape"]
        values["naive_mape"] = forecast.errors_["naive_mape"]
    return record_metrics(values, specs=HEADLINES, currency=currency, **fields)


# --------------------------------------------------------------------------- sentences
def _not_computed(skipped: Skipped) -> str:
    return f"*Not computed for this data:* {skipped.reason}"


def _same_reason(a: Any, b: Any) -> bool:
    return is_skipped(a) and is_skipped(b) and a.reason == b.reason


def _personas_sentence(personas: Any) -> str:
    prof = personas.profiles_
    largest = prof.loc[prof.customers.idxmax()]
    richest = prof.loc[prof.share_revenue.idxmax()]
    text = (f"The customers fall into {personas.k_} buyer personas. The largest, **{largest.persona}**, is "
            f"{fmt.pct(largest.share_customers, 0)} of customers and brings {fmt.pct(largest.share_revenue, 0)} "
            f"of revenue")
    if richest.persona != largest.persona:
        text += (f"; **{richest.persona}** ({fmt.pct(richest.share_customers, 0)} of customers) bring the most, "
                 f"{fmt.pct(richest.share_revenue, 0)} of revenue")
    text += "."
    note = _range_note(personas)
    return f"{text} {note}" if note else text


def _range_note(personas: Any) -> str:
    """Why fewer personas were tried than the parameters ask (few customers), or ``""``."""
    lo, hi = personas.k_range_
    if (lo, hi) == (personas.k_min, personas.k_max):
        return ""
    tried = f"only {lo} personas were" if lo == hi else f"{lo}-{hi} personas were"
    return (f"With {fmt.num(personas.n_customers_)} customers, {tried} tried instead of "
            f"{personas.k_min}-{personas.k_max}, so that each has at least {MIN_CUSTOMERS_PER_PERSONA} customers.")


def _value_sentence(table: pd.DataFrame, *, group: str, currency: str) -> str:
    top = table.sort_values("clv", ascending=False).iloc[0]
    return (f"**{top[group]}** ({fmt.pct(top.share_customers, 0)} of customers) hold "
            f"{fmt.pct(top.share_clv, 0)} of the expected future value and brought {fmt.pct(top.share_revenue, 0)} "
            f"of revenue to date; each is worth {fmt.money(top.clv_per_customer, currency, 2)} on average.")


def _holdout_sentence(holdout: Any) -> str:
    a, check = holdout.assumptions, holdout.check
    direction = "fewer" if check.predicted < check.actual else "more"
    return (f"Fitted on the purchases up to {a['calibration_end']:%Y-%m-%d}, the model predicted "
            f"{fmt.num(check.predicted)} repeat purchases by these {fmt.num(check.customers)} customers in the "
            f"following {fmt.num(check.weeks)} weeks; they made {fmt.num(check.actual)}, so the model predicted "
            f"{fmt.pct(abs(check.error))} {direction} than happened (mean absolute error "
            f"{fmt.num(check.mae, 2)} purchases per customer).")


def _worth_sentences(lv: Any, *, currency: str) -> str:
    a, v = lv.assumptions, lv.values
    repeat = v[v.frequency > 0]
    alive = float((repeat.p_alive >= 0.5).mean()) if len(repeat) else float("nan")
    return (f"Over the next {fmt.num(a['horizon_weeks'])} weeks a customer is worth "
            f"**{fmt.money(lv.mean_clv, currency, 2)}** on average in margin ({fmt.pct(a['margin'], 0)} of "
            f"revenue, discounted at {fmt.pct(a['discount_rate'], 0)} a year), "
            f"{fmt.money(lv.total_clv, currency)} for all {fmt.num(len(v))} customers: on average "
            f"{fmt.num(v.expected_purchases.mean(), 2)} purchases of "
            f"{fmt.money(v.expected_spend_per_purchase.mean(), currency, 2)} each. The best "
            f"{fmt.pct(TOP_SHARE, 0)} of customers hold {fmt.pct(value_concentration(v, top=TOP_SHARE), 0)} of that "
            f"value. Of the customers who came back at least once, {fmt.pct(alive, 0)} are more likely than not "
            f"still active (the model cannot tell for one-time buyers, whom it counts as active but expects to buy "
            f"little).")


def _trend_sentence(trend: Any, *, currency: str, acquisition_end: Any = None, forecast: bool = True) -> str:
    one, many = _UNITS.get(trend.freq, ("period", "periods"))
    values = trend.frame.trend
    what = "revenue" if trend.column == "revenue" else trend.column
    text = (f"The {what} trend moved {fmt.pct(trend.trend_change, 0, signed=True)} over the last "
            f"{fmt.num(trend.trend_change_periods)} {many}, from "
            f"{_amount(values.iloc[-1 - trend.trend_change_periods], trend.column, currency)} to "
            f"{_amount(values.iloc[-1], trend.column, currency)} per {one}.")
    if acquisition_end is not None:
        text += (f" These data follow one group of customers acquired up to {acquisition_end:%Y-%m-%d} (no new "
                 f"customers after that), so the trend is that group's repeat buying, not the whole market"
                 + (f"; the forecast learns from the {many} after the acquisition window only." if forecast else "."))
    return text


def _forecast_sentence(forecast: Any, *, currency: str) -> str:
    one, many = _UNITS.get(forecast.freq_, ("period", "periods"))
    fc, e = forecast.forecast_, forecast.errors_

    def amount(x: float) -> str:
        return _amount(x, forecast.column, currency)

    result = against_naive(e["mape"], naive_mape=e["naive_mape"])
    verdict = {"better": "better than", "worse": "worse than", "same": "about as good as"}[result]
    naive = "repeating the value one season earlier" if forecast.naive_seasonal_ else "repeating the last value"
    return (f"The forecast for the next {fmt.num(len(fc))} {many} is {amount(fc.forecast.mean())} per {one} on "
            f"average; the {fmt.pct(forecast.level, 0)} prediction interval runs from {amount(fc.lower.iloc[0])}"
            f"-{amount(fc.upper.iloc[0])} in the first {one} to {amount(fc.lower.iloc[-1])}-"
            f"{amount(fc.upper.iloc[-1])} in the last. Held out on the last {fmt.num(len(forecast.backtest_))} "
            f"{many}, the method missed by {fmt.pct(e['mape'], 0)} on average (MAPE), {verdict} simply {naive} "
            f"({fmt.pct(e['naive_mape'], 0)})." + (_plan_naive(forecast, amount) if result == "worse" else ""))


def _plan_naive(forecast: Any, amount: Any) -> str:
    """What to plan with when the method lost to the naive forecast on the back-test."""
    one = _UNITS.get(forecast.freq_, ("period", "periods"))[0]
    rule = "the last season repeated" if forecast.naive_seasonal_ else f"the last {one} repeated"
    return (f" On this history the simpler figure is the safer one to plan with: "
            f"{amount(forecast.naive_forecast_.mean())} per {one} ({rule}).")


def _trend_note(trend: Any) -> str:
    many = _UNITS.get(trend.freq, ("period", "periods"))[1]
    if trend.method == "STL":
        return (f"Trend and a seasonal pattern of {trend.seasonal_period} {many} estimated with STL (robust) on "
                f"{trend.n_periods} {many} of history.")
    need = f"{trend.periods_needed} {many}" if trend.periods_needed else "two full cycles"
    return (f"The history covers {trend.n_periods} {many}, less than the {need} needed to tell a seasonal "
            f"pattern from the trend, so no seasonality is estimated: the trend is a LOWESS smooth over about "
            f"{trend.window} {many} and everything else is left as remainder.")


def _amount(x: float, column: str, currency: str) -> str:
    decimals = 2 if abs(x) < 100 else 0   # a small shop's $12.40 a week, not $12
    return fmt.money(x, currency, decimals) if column == "revenue" else fmt.num(x, 1 if abs(x) < 100 else 0)


def _demand_sentences(trend: Any, forecast: Any, *, currency: str, acquisition_end: Any) -> str:
    if is_skipped(trend):
        return _not_computed(trend)
    text = _trend_sentence(trend, currency=currency, acquisition_end=acquisition_end,
                           forecast=not is_skipped(forecast))
    if is_skipped(forecast):
        return f"{text} The forecast is left out: {forecast.reason}"
    return f"{text} {_forecast_sentence(forecast, currency=currency)}"


def summary_md(*, personas: Any, by_persona: Any, by_segment: Any, lifetime_value: Any, holdout: Any,
               trend: Any, forecast: Any, currency: str = "USD", acquisition_end: Any = None) -> Markdown:
    """The answer first: who the buyers are, who carries the future, what a customer is worth, where demand goes.

    Each paragraph states the reason in its place when its section was not computed for this data.
    """
    who = _not_computed(personas) if is_skipped(personas) else _personas_sentence(personas)
    if is_skipped(by_persona) and is_skipped(by_segment):
        future = ("*Not computed for this data:* it rests on what each customer is worth, which this data cannot "
                  "give (see below)." if _same_reason(by_segment, lifetime_value) else _not_computed(by_segment))
    else:
        parts = [] if is_skipped(by_persona) else [_value_sentence(by_persona, group="persona", currency=currency)]
        if not is_skipped(by_segment):
            segment = _value_sentence(by_segment, group="segment", currency=currency)
            parts.append(f"By RFM segment, {segment}" if parts else segment)
        future = " ".join(parts)
    if is_skipped(lifetime_value):
        worth = _not_computed(lifetime_value)
    else:
        worth = _worth_sentences(lifetime_value, currency=currency)
    if not is_skipped(holdout):
        worth += f" {_holdout_sentence(holdout)}"
    elif not _same_reason(holdout, lifetime_value):
        worth += f" The check of the model on a holdout period is left out: {holdout.reason}"
    demand = _demand_sentences(trend, forecast, currency=currency, acquisition_end=acquisition_end)
    return Markdown(f"**Who the buyers are.** {who}\n\n**Who carries the future.** {future}\n\n"
                    f"**What a customer is worth.** {worth}\n\n**Where demand is going.** {demand}")


@skippable
def persona_descriptions_md(personas: Any, *, currency: str = "USD") -> Markdown:
    """One bullet per persona, largest revenue share first, described from its profile; a note when few
    customers narrowed the range of persona counts tried."""
    items = []
    for row in personas.profiles_.itertuples(index=False):
        basket = "" if pd.isna(row.units_per_order) else f" with {fmt.num(row.units_per_order, 1)} items"
        recency = "ordered" if row.recency_days <= 0 else f"last ordered {fmt.num(row.recency_days)} days ago"
        text = (f"**{row.persona}**: {fmt.num(row.customers)} customers ({fmt.pct(row.share_customers)} of all) "
                f"bringing {fmt.pct(row.share_revenue)} of revenue. They placed "
                f"{fmt.num(row.orders_per_customer, 1)} orders each on average "
                f"({fmt.pct(row.repeat_share, 0)} came back at least once), spend "
                f"{fmt.money(row.aov, currency, 2)} per order{basket}, "
                f"{recency} (median) and have been customers for {fmt.num(row.tenure_days)} days.")
        if isinstance(getattr(row, "top_category", None), str):
            text += f" Their largest category is {row.top_category.replace('_', ' ')}."
        if isinstance(getattr(row, "top_country", None), str):
            text += f" Most are in {row.top_country}."
        items.append(text)
    note = _range_note(personas)
    return Markdown((f"{note}\n\n" if note else "") + bullets(items))


@skippable
def holdout_md(holdout: Any) -> Markdown:
    """The holdout check in words, and what its chart compares."""
    return Markdown(f"**Holdout check.** {_holdout_sentence(holdout)} The chart compares, for customers grouped "
                    f"by how often they bought in the calibration period, how many purchases the model expected in "
                    f"the holdout period with how many they made.")


@skippable
def values_md(lifetime_value: Any, *, currency: str = "USD") -> Markdown:
    """How the values are computed (refit on the whole history, horizon, margin, discount) and what they say."""
    a = lifetime_value.assumptions
    return Markdown(f"**Values.** For the values the models are refitted on the whole history up to "
                    f"{a['as_of']:%Y-%m-%d} and each customer is valued over the next {fmt.num(a['horizon_weeks'])} "
                    f"weeks: expected purchases x expected spend per purchase x {fmt.pct(a['margin'], 0)} margin, "
                    f"discounted at {fmt.pct(a['discount_rate'], 0)} a year. Past purchases are not included. "
                    + _worth_sentences(lifetime_value, currency=currency))


def demand_md(trend: Any, *, forecast: Any, currency: str = "USD", acquisition_end: Any = None) -> Markdown | Skipped:
    """Where demand is going (trend, forecast, back-test), then how the trend was estimated and why.

    A skipped trend is returned as it is (it shows its reason); a skipped forecast is said inside the text.
    """
    if is_skipped(trend):
        return trend
    return Markdown(f"{_demand_sentences(trend, forecast, currency=currency, acquisition_end=acquisition_end)}"
                    f"\n\n{_trend_note(trend)}")


# --------------------------------------------------------------------------- tables
@skippable
def personas_table(personas: Any, *, currency: str = "USD"):
    """The persona profiles (size, revenue, frequency, basket, recency, tenure)."""
    return table(personas.profiles_, PERSONAS, currency=currency)


def _values_table(rollup: pd.DataFrame, spec: TableSpec, currency: str):
    return table(rollup, spec, currency=currency,
                 caption=spec.caption.format(horizon_weeks=fmt.num(rollup.attrs.get("horizon_weeks"))))


@skippable
def segment_values_table(by_segment: Any, *, currency: str = "USD"):
    """RFM segments: revenue to date and the expected value over the horizon (``value_by_group`` by segment)."""
    return _values_table(by_segment, SEGMENT_VALUES, currency)


@skippable
def persona_values_table(by_persona: Any, *, currency: str = "USD"):
    """Personas: revenue to date and the expected value over the horizon (``value_by_group`` by persona)."""
    return _values_table(by_persona, PERSONA_VALUES, currency)


@skippable
def holdout_table(holdout: Any):
    """Mean actual and predicted holdout purchases per customer, by purchases in the calibration period."""
    return table(holdout.check.table, HOLDOUT)


@skippable
def top_customers_table(lifetime_value: Any, *, currency: str = "USD"):
    """The most valuable customers over the horizon, with what the models know of them."""
    top = lifetime_value.values.sort_values("clv", ascending=False).head(TOP_CUSTOMERS_SHOWN)
    top = top.rename_axis("customer_id").reset_index()
    caption = TOP_CUSTOMERS.caption.format(n=fmt.num(len(top)),
                                           horizon_weeks=fmt.num(lifetime_value.assumptions["horizon_weeks"]))
    return table(top, TOP_CUSTOMERS, currency=currency, caption=caption)


def _parameters(model: Any, meanings: dict[str, str]) -> pd.DataFrame:
    out = model.summary_.copy()
    out["meaning"] = out.parameter.map(meanings)
    return out


@skippable
def bgnbd_table(lifetime_value: Any):
    """The BG/NBD parameters with standard errors and what each means."""
    caption = (f"BG/NBD parameters (fitted on the history to {lifetime_value.assumptions['as_of']:%Y-%m-%d}; "
               f"standard errors from the Hessian)")
    return table(_parameters(lifetime_value.bgnbd, BGNBD_MEANINGS), PARAMETERS, caption=caption)


@skippable
def gamma_gamma_table(lifetime_value: Any):
    """The Gamma-Gamma parameters, the repeat customers they rest on and the independence the model assumes."""
    gg = lifetime_value.gamma_gamma
    caption = (f"Gamma-Gamma parameters ({fmt.num(gg.n_customers_)} repeat customers; correlation of purchase "
               f"count and spend per purchase {fmt.num(gg.frequency_spend_correlation_, 2)}, which the model "
               f"assumes to be small)")
    return table(_parameters(gg, GAMMA_GAMMA_MEANINGS), PARAMETERS, caption=caption)


@skippable
def forecast_table(forecast: Any, *, currency: str = "USD"):
    """The forecast per period with the bounds of its prediction interval."""
    one = _UNITS.get(forecast.freq_, ("period",))[0]
    caption = (f"Forecast per {one} ({forecast.method_}); lower and upper bounds of the "
               f"{fmt.pct(forecast.level, 0)} prediction interval")
    frame = forecast.forecast_.rename_axis("period")
    return table(frame, FORECAST, currency=currency, caption=caption)
