"""The sales-performance report's words: its sentences, display tables, glossary and headline metrics.

The analyses (``wb.sales``, ``wb.customers``) return numbers and frames; this module says what they mean for a
manager. Every number in a sentence comes from a result; every display table is a :class:`TableSpec` declared
here (labels and kinds) and shown through :func:`workbench.present.tables.table`. A section that thin data could
not fill arrives as a :class:`~workbench.sections.Skipped` and is shown as its reason.

- Sentences (``_md``): :func:`headline_md`, :func:`data_md`, :func:`bridge_md`, :func:`cohorts_md`,
  :func:`segments_md`, :func:`products_md`.
- Tables (``_table``): :func:`kpi_table` (the Monday page), :func:`bridge_table`, :func:`segments_table`,
  :func:`glossary_table`, :func:`rfm_glossary_table`, :func:`segment_rules_table`.
- Headlines: :func:`record_headlines` with the specs in :data:`HEADLINES`.
- Words the charts read: :data:`DEFINITIONS` (label and kind of every metric), :data:`BRIDGE_STEPS`.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from workbench.analyses.customers.rfm import RFM_SEGMENTS
from workbench.analyses.sales.bridge import RevenueBridge
from workbench.analyses.sales.cohorts import retention_by_age
from workbench.analyses.sales.kpis import KpiComparison
from workbench.data.generated import is_generated_source
from workbench.present import fmt
from workbench.present.narrative import Markdown
from workbench.present.tables import Col, TableSpec, table
from workbench.reports.common import Headline, generated_suffix, record_metrics
from workbench.sections import Skipped, skippable

__all__ = [
    "DEFINITIONS", "RFM_DEFINITIONS", "SEGMENT_GUIDE", "BRIDGE_STEPS", "HEADLINES", "KPIS", "BRIDGE", "SEGMENTS",
    "GLOSSARY", "SEGMENT_RULES", "record_headlines", "headline_md", "data_md", "kpi_table", "bridge_md",
    "bridge_table", "cohorts_md", "segments_md", "segments_table", "products_md", "glossary_table",
    "rfm_glossary_table", "segment_rules_table",
]


# --------------------------------------------------------------------------------------------------------
# Definitions: label, kind, good direction, business definition and formula of every figure
# --------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Definition:
    """How the report names a metric, formats it (kind), which direction is good, and defines it."""
    label: str
    kind: str
    good: str | None
    definition: str
    formula: str


DEFINITIONS: dict[str, Definition] = {
    "revenue": Definition(
        "Net revenue", "money", "up",
        "Money from product sales in the period, net of discounts and of returns processed in the period; "
        "excludes tax and shipping.", "sum of line revenue (sales - returns)"),
    "gross_sales": Definition(
        "Sales revenue", "money", "up",
        "Revenue of sale lines only (net of discounts, before returns, tax and shipping).",
        "sum of revenue on sale lines"),
    "returns": Definition(
        "Returns", "money", "down",
        "Revenue given back on return, refund and cancellation lines processed in the period (a positive amount).",
        "- sum of revenue on return lines"),
    "orders": Definition(
        "Orders", "count", "up", "Distinct orders with at least one sale line in the period.",
        "count distinct order id (sale lines)"),
    "customers": Definition(
        "Customers", "count", "up",
        "Distinct identified customers who placed an order in the period (guest lines without a customer id are "
        "not counted).", "count distinct customer id (sale lines)"),
    "new_customers": Definition(
        "New customers", "count", "up",
        "Customers whose first order ever (judged on the whole history in the data) falls in the period.",
        "customers with first order date in the period"),
    "returning_customers": Definition(
        "Returning customers", "count", "up", "Customers who ordered in the period and had already ordered before it.",
        "customers - new customers"),
    "new_customer_revenue": Definition(
        "Revenue from new customers", "money", "up", "Net revenue of the period's lines that belong to new customers.",
        "sum of revenue of new customers' lines"),
    "returning_customer_revenue": Definition(
        "Revenue from returning customers", "money", "up",
        "Net revenue of the period's lines that belong to customers who had ordered before the period (including "
        "returns of customers without a sale in the data).", "net revenue - new customer revenue - guest revenue"),
    "guest_revenue": Definition(
        "Revenue without a customer id", "money", "up",
        "Net revenue of lines that carry no customer id (guest checkouts, anonymous lines).",
        "sum of revenue where customer id is missing"),
    "units": Definition("Units sold", "count", "up", "Units on sale lines.", "sum of quantity (sale lines)"),
    "aov": Definition(
        "Average order value", "money", "up",
        "Sales revenue per order: net of discounts, excluding tax, shipping and returns (Shopify's convention; "
        "GA4's purchase value also excludes tax and shipping).", "sales revenue / orders"),
    "units_per_order": Definition(
        "Units per order", "ratio", "up", "Average number of units in an order.", "units sold / orders"),
    "revenue_per_customer": Definition(
        "Revenue per customer", "money", "up",
        "Net revenue of identified customers per customer who ordered in the period.",
        "(new + returning customer revenue) / customers"),
    "orders_per_customer": Definition(
        "Orders per customer", "ratio", "up",
        "Orders of identified customers per customer who ordered in the period (an order is counted once per "
        "customer on it).", "orders of identified customers / customers"),
    "repeat_purchase_rate": Definition(
        "Repeat purchase rate (within the period)", "percent", "up",
        "Share of the period's customers who placed two or more orders inside the period.",
        "customers with 2+ orders in the period / customers in the period"),
    "returning_customer_rate": Definition(
        "Returning customer rate (Shopify)", "percent", "up",
        "Share of the period's customers who have ordered more than once in their whole history up to the end of "
        "the period (Shopify's definition).",
        "customers with 2+ orders ever (to period end) / customers in the period"),
    "return_rate": Definition(
        "Return rate", "percent", "down",
        "Returned revenue as a share of sales revenue in the same period (both dated when processed). Not shown "
        "when the data has no return lines.", "returns / sales revenue"),
    "cohort_size": Definition(
        "Cohort size", "count", "up", "Customers whose first order ever falls in the cohort month.",
        "count of customers by month of first order"),
    "retention": Definition(
        "Customer retention (cohort)", "percent", "up",
        "Share of a cohort's customers who ordered again in the k-th month after the month of their first order "
        "(k = 0 is the first month, always 100%).", "cohort customers with an order in month k / cohort size"),
    "revenue_retention": Definition(
        "Revenue retention (cohort)", "percent", "up",
        "A cohort's net revenue in month k as a share of its net revenue in its first month.",
        "cohort net revenue in month k / cohort net revenue in month 0"),
    "cumulative_revenue_per_customer": Definition(
        "Cumulative revenue per customer", "money", "up",
        "Net revenue a cohort has brought in from its first month to month k, per acquired customer.",
        "sum of cohort net revenue, months 0..k / cohort size"),
    "revenue_bridge": Definition(
        "Revenue bridge", "money", "up",
        "The change in net revenue from the previous period, split into steps in money that add up to it: "
        "customers x orders per customer x average order value of identified customers (split by the log-mean "
        "Divisia index, LMDI), then guest sales, returns and other lines; or new customers, returning customers, "
        "guests, returns and other lines.",
        "LMDI: effect of factor x = L(S1, S0) x ln(x1 / x0), L(a, b) = (a - b) / (ln a - ln b)"),
}

RFM_DEFINITIONS: dict[str, Definition] = {
    "recency_days": Definition("Recency", "number", "down", "Days from the customer's last order to the as-of date.",
                               "as-of date - last order date"),
    "frequency": Definition("Frequency", "count", "up", "Distinct orders the customer placed up to the as-of date.",
                            "count distinct order id (sale lines)"),
    "monetary": Definition("Monetary value", "money", "up",
                           "Total net revenue of the customer up to the as-of date (sales net of discounts minus "
                           "returns, before tax and shipping), as the R package rfm uses.", "sum of line revenue"),
    "rfm_score": Definition("R, F, M scores", "text", "up",
                            "Quintile scores 1-5 over all customers, 5 = most recent / most orders / most revenue; "
                            "equal values share a score.",
                            "1 + floor(5 x share of customers with a strictly worse value)"),
    "segment": Definition("RFM segment", "text", "up",
                          "Named group from the rfm 0.2.x score rules; overlapping rules go to the more specific one, "
                          "uncovered score triples to the nearest rule.",
                          "nearest rule box in score steps; ties to the smaller box, then listed order"),
}

# segment -> (who they are, suggested action), after the R package rfm's vignette
SEGMENT_GUIDE: dict[str, tuple[str, str]] = {
    "Champions": ("Bought recently, buy often and spend the most.", "Reward them; early access, ask for reviews."),
    "Loyal": ("Spend good money and buy often.", "Upsell higher-value products; loyalty programme."),
    "Potential loyalist": ("Recent customers with average frequency and spend.",
                           "Membership or loyalty offers, recommendations."),
    "New": ("Bought very recently, once, for little.", "Onboarding, early success, build the relationship."),
    "Promising": ("Fairly recent, one small purchase.", "Create brand awareness, free trials."),
    "Need attention": ("Middling recency, frequency and spend.", "Limited-time offers based on past purchases."),
    "About to sleep": ("Below-average recency, few orders, low spend.", "Share popular products, renewed discounts."),
    "At risk": ("Spent well and bought often, but long ago.", "Personal reactivation emails, renewals."),
    "Can't lose them": ("Made the biggest and most frequent purchases, but not for a long time.",
                        "Win them back with new products; talk to them."),
    "Lost": ("Last order long ago, few orders, low spend (some tools call them Hibernating).",
             "Revive interest with a campaign, or stop spending on them."),
}

# bridge step -> (label, kind of its before/after values: count, ratio, money, or price = money in cents)
BRIDGE_STEPS: dict[str, tuple[str, str]] = {
    "customers": ("Customers who ordered", "count"),
    "orders_per_customer": ("Orders per customer", "ratio"),
    "order_value": ("Average order value", "price"),
    "new_customers": ("New customers' sales", "money"),
    "returning_customers": ("Returning customers' sales", "money"),
    "guest_sales": ("Guest sales (no customer id)", "money"),
    "returns": ("Returns", "money"),
    "other": ("Other lines (shipping, fees)", "money"),
}

# --------------------------------------------------------------------------------------------------------
# Headline metrics
# --------------------------------------------------------------------------------------------------------

HEADLINES: dict[str, Headline] = {
    "period": Headline("Period reported", "text"),
    "net_revenue": Headline("Net revenue, {period}", "money", good="up", key=True),
    "net_revenue_change_vs_previous": Headline("Net revenue change vs {previous}", "change", good="up", key=True),
    "net_revenue_change_vs_last_year": Headline("Net revenue change vs {last_year}", "change", good="up", key=True),
    "orders": Headline("Orders", "count", good="up", key=True),
    "average_order_value": Headline("Average order value", "money", good="up"),
    "customers": Headline("Customers who ordered", "count", good="up"),
    "new_customers": Headline("New customers", "count", good="up"),
    "repeat_purchase_rate": Headline("Repeat purchase rate (2+ orders within the period)", "percent", good="up"),
    "returning_customer_rate": Headline("Returning customer rate (Shopify)", "percent", good="up"),
    "return_rate": Headline("Return rate (share of sales revenue)", "percent", good="down"),
    "month_1_retention": Headline("Customers ordering again in the month after their first (all cohorts)",
                                  "percent", good="up"),
}


def record_headlines(comparison: KpiComparison, *, cohorts: pd.DataFrame | Skipped, orders: Any = None,
                     currency: str = "USD") -> dict[str, Any]:
    """Record the report's headline metrics (the header cards and ``metrics.json``) from its results.

    ``cohorts`` is ``wb.sales.cohort_retention(orders)`` or the ``Skipped`` of a section thin data could not
    fill (month-1 retention is then recorded as missing). Money is rounded to cents; a metric the data cannot
    give (the return rate without return lines) is recorded as missing, so every run has the same names. With
    ``orders`` from generated data, the labels say so.
    """
    month_1 = None
    if not isinstance(cohorts, Skipped):
        by_age = retention_by_age(cohorts).set_index("age")
        month_1 = by_age["retention"].get(1)
    c = comparison
    values = {
        "period": c.current.label,
        "net_revenue": round(c.value("revenue"), 2),
        "net_revenue_change_vs_previous": c.value("revenue", "change_pct"),
        "net_revenue_change_vs_last_year": c.value("revenue", "yoy_change_pct"),
        "orders": c.value("orders"),
        "average_order_value": round(c.value("aov"), 2),
        "customers": c.value("customers"),
        "new_customers": c.value("new_customers"),
        "repeat_purchase_rate": c.value("repeat_purchase_rate"),
        "returning_customer_rate": c.value("returning_customer_rate"),
        "return_rate": c.value("return_rate"),
        "month_1_retention": month_1,
    }
    specs = HEADLINES
    if is_generated_source(orders):
        suffix = generated_suffix(True, what="data")
        specs = {k: replace(v, label=v.label + suffix) for k, v in HEADLINES.items()}
    return record_metrics(values, specs=specs, currency=currency, period=c.current.label,
                          previous=c.previous.label, last_year=c.last_year.label)


# --------------------------------------------------------------------------------------------------------
# The period at a glance
# --------------------------------------------------------------------------------------------------------

def _value(x: float, kind: str, currency: str) -> str:
    if kind == "price":
        return fmt.money(x, currency, 2)
    if kind == "money":
        return fmt.money(x, currency, 2 if not pd.isna(x) and 0 < abs(x) < 1000 else 0)
    if kind == "percent":
        return fmt.pct(x)
    if kind == "ratio":
        return fmt.num(x, 2)
    return fmt.num(x)


def _change(cur: float, other: float, change: float, change_pct: float, kind: str, currency: str) -> str:
    if pd.isna(other):
        return "no data"
    if pd.isna(cur):
        return f"n/a (was {_value(other, kind, currency)})"
    if change == 0:
        return f"= no change (was {_value(other, kind, currency)})"
    arrow = "▲" if change > 0 else "▼"
    if kind == "percent":
        delta = fmt.pp(change)
    elif pd.isna(change_pct):
        delta = "new" if change > 0 else "n/a"
    else:
        delta = fmt.pct(change_pct, signed=True)
    return f"{arrow} {delta} (was {_value(other, kind, currency)})"


def _count(n: float, word: str, plural: str | None = None) -> str:
    """``"1 order"``, ``"2,043 orders"``."""
    return f"{fmt.num(n)} {word if n == 1 else plural or word + 's'}"


def _share(part: float, whole: float) -> float:
    return part / whole if whole else np.nan


def headline_md(comparison: KpiComparison, *, currency: str = "USD") -> Markdown:
    """The period at a glance, in words: a heading and the Monday page's story, every number from ``comparison``.

    Example: "**Jun 1998**: net revenue **$76,109**, **+7.2%** against May 1998 and **-29.8%** against Jun 1997."
    """
    c, t = comparison, comparison.table

    def vs(metric: str, which: str) -> str:
        col = "change_pct" if which == "previous" else "yoy_change_pct"
        window = c.window(which)
        if not window.in_data:
            return f"no data for {window.label}"
        value = t.loc[metric, col]
        if pd.isna(value):
            return f"n/a against {window.label}"
        return f"**{fmt.pct(value, signed=True)}** against {window.label}"

    rev = t.loc["revenue", "current"]
    partial = "" if c.current.complete else " (the data does not cover the whole period)"
    if c.previous.in_data or c.last_year.in_data:
        first = (f"**{c.current.label}**{partial}: net revenue **{fmt.money(rev, currency)}**, "
                 f"{vs('revenue', 'previous')} and {vs('revenue', 'last_year')}.")
        orders_vs, aov_vs = f" ({vs('orders', 'previous')})", f" ({vs('aov', 'previous')})"
    else:
        first = (f"**{c.current.label}**{partial}: net revenue **{fmt.money(rev, currency)}**. The orders start on "
                 f"{c.first_date:%d %b %Y}, so there is no earlier {c.period} to compare with.")
        orders_vs = aov_vs = ""
    lines = [
        f"## {c.current.label} at a glance",
        first,
        f"{_count(t.loc['orders', 'current'], 'order')}{orders_vs} at an average order value of "
        f"{fmt.money(t.loc['aov', 'current'], currency, 2)}{aov_vs}; "
        f"{fmt.num(t.loc['units_per_order', 'current'], 2)} units per order.",
        f"{_count(t.loc['customers', 'current'], 'customer')} ordered: {fmt.num(t.loc['new_customers', 'current'])} "
        f"new and {fmt.num(t.loc['returning_customers', 'current'])} returning; returning customers brought "
        f"{fmt.money(t.loc['returning_customer_revenue', 'current'], currency)} "
        f"({fmt.pct(_share(t.loc['returning_customer_revenue', 'current'], rev))} of net revenue)."
        + _no_new_customers(c),
        f"{fmt.pct(t.loc['repeat_purchase_rate', 'current'])} of the period's customers ordered twice or more "
        f"within it (repeat purchase rate); {fmt.pct(t.loc['returning_customer_rate', 'current'])} have ordered "
        f"more than once in their history (Shopify's returning customer rate).",
    ]
    if c.has_returns:
        change = (f" ({fmt.pp(t.loc['return_rate', 'change'])} against {c.previous.label})"
                  if not pd.isna(t.loc["return_rate", "change"]) else "")
        lines.append(f"Return rate {fmt.pct(t.loc['return_rate', 'current'])} of sales revenue{change}.")
    else:
        lines.append("The data has no return or refund lines, so no return rate is shown.")
    return Markdown("\n\n".join(lines))


def _during(label: str, period: str) -> str:
    """A period's label after a verb: "on 9 Nov 2026", "in the week of 2 Nov 2026", "in Jun 1998"."""
    if period == "day":
        return f"on {label}"
    return f"in the {label[0].lower()}{label[1:]}" if period == "week" else f"in {label}"


def _no_new_customers(c: KpiComparison) -> str:
    """When the period brought no new customer: since when none has come (a stalled acquisition is news)."""
    since = c.periods_since_acquisition
    if c.table.loc["new_customers", "current"] != 0 or c.table.loc["customers", "current"] == 0 or not since:
        return ""
    text = (f" No customer placed a first order {_during(c.current.label, c.period)}; the last did "
            f"{_during(c.last_acquisition, c.period)}")
    if since < 3:
        return text + "."
    return (text + f", {fmt.num(since)} {c.period}s earlier: either acquisition has stopped, or the data covers only "
            "customers acquired up to then.")


def data_md(orders: Any, *, kpis: pd.DataFrame) -> Markdown:
    """What the report reads: file, layout, dates and orders, the revenue convention, and "generated" when it is.

    ``kpis`` is ``wb.sales.kpis_by_period(orders)`` (its attrs carry the date range).
    """
    source = getattr(orders, "source", None) or "a table passed in"
    layout = getattr(orders, "format", None)
    first, last = pd.Timestamp(kpis.attrs["first_date"]), pd.Timestamp(kpis.attrs["last_date"])
    n = int(kpis["orders"].sum())
    text = (f"Data: `{Path(str(source)).name}`{f' ({layout} layout)' if layout else ''}, orders from "
            f"{first:%d %b %Y} to {last:%d %b %Y} ({fmt.num(n)} order{'' if n == 1 else 's'}). Revenue is net "
            f"sales: after discounts and returns, before tax and shipping.")
    if is_generated_source(orders):
        text = ("**Generated data**: these order lines are synthetic (made by the workbench for testing and "
                "benchmarks), not a real store's sales. " + text)
    return Markdown(text)


KPIS = TableSpec({
    "metric": Col("Metric", "text"),
    "current": Col("{current}", "text"),
    "previous": Col("vs {previous}", "text"),
    "last_year": Col("vs {last_year}", "text"),
}, caption="{Period} {current} ({start:%d %b %Y} to {end:%d %b %Y}) against the previous {period} and a year earlier")

_GOOD, _BAD = "color: #2e7d32", "color: #c62828"


def _filled(spec: TableSpec, **fields: Any) -> TableSpec:
    """The spec with ``{fields}`` in its labels and caption filled in."""
    cols = {k: replace(c, label=c.label.format(**fields)) for k, c in spec.cols.items()}
    return TableSpec(cols, caption=spec.caption.format(**fields) if spec.caption else None, index=spec.index)


def _right_aligned(styler: Any, columns: list[str]) -> Any:
    """Numbers formatted as text still read from the right."""
    return styler.set_properties(subset=columns, **{"text-align": "right"})


def kpi_table(comparison: KpiComparison, *, currency: str = "USD") -> Any:
    """The KPI summary table a manager reads on Monday: this period, and the change against the two others.

    Values are formatted (money in ``currency``, rates as percentages, changes of rates in percentage points);
    arrows show the direction, green when the move is good for the business (up for revenue, down for the
    return rate), red when it is bad. The return rate is left out when the data has no return lines.
    """
    t = comparison.table
    if not comparison.has_returns:
        t = t.drop(index="return_rate")
    kinds = [DEFINITIONS[m].kind for m in t.index]
    goods = np.array([DEFINITIONS[m].good for m in t.index])
    frame = pd.DataFrame({
        "metric": [DEFINITIONS[m].label for m in t.index],
        "current": [_value(v, k, currency) for v, k in zip(t["current"], kinds)],
        "previous": [_change(r.current, r.previous, r.change, r.change_pct, k, currency)
                     for r, k in zip(t.itertuples(), kinds)],
        "last_year": [_change(r.current, r.last_year, r.yoy_change, r.yoy_change_pct, k, currency)
                      for r, k in zip(t.itertuples(), kinds)],
    })
    cur = comparison.current
    spec = _filled(KPIS, current=f"{cur.label}{'' if cur.complete else ' (partial)'}",
                   previous=comparison.previous.label, last_year=comparison.last_year.label,
                   Period=comparison.period.capitalize(), period=comparison.period, start=cur.start, end=cur.end)
    colours = {}
    for key, change in (("previous", t["change"]), ("last_year", t["yoy_change"])):
        good = np.where(goods == "up", change > 0, change < 0)
        bad = np.where(goods == "up", change < 0, change > 0)
        colours[spec.label(key)] = [_GOOD if g else _BAD if b else "" for g, b in zip(good, bad)]

    def _style(shown: pd.DataFrame) -> pd.DataFrame:
        css = pd.DataFrame("", index=shown.index, columns=shown.columns)
        for col, values in colours.items():
            css[col] = values
        return css

    styler = table(frame, spec, currency=currency).apply(_style, axis=None)
    return _right_aligned(styler, [spec.label(k) for k in ("current", "previous", "last_year")])


# --------------------------------------------------------------------------------------------------------
# The revenue bridge
# --------------------------------------------------------------------------------------------------------

BRIDGE = TableSpec({
    "step": Col("Step", "text"),
    "before": Col("{start}", "text"),
    "after": Col("{end}", "text"),
    "contribution": Col("Change in net revenue", "text"),
}, caption="{title}: from {start} to {end}")

_BRIDGE_TITLES = {"drivers": "Net revenue through customers, orders per customer and order value",
                  "customer_type": "Net revenue through new and returning customers"}


def _signed_money(x: float, currency: str, decimals: int) -> str:
    text = fmt.money(x, currency, decimals)
    return f"+{text}" if x > 0 else text


def _decimals(*amounts: float) -> int:
    """Whole currency units for a shop's usual figures, cents when every amount is small."""
    return 2 if max(abs(a) for a in amounts) < 1000 else 0


def _rounded_to_sum(values: np.ndarray, total: float, decimals: int) -> np.ndarray:
    """Round ``values`` to ``decimals`` so that they add up to ``total`` (already rounded): largest remainders
    get the last units, so the displayed steps of a bridge add up to the displayed change."""
    unit = 10.0 ** -decimals
    scaled = np.asarray(values, dtype="float64") / unit
    units = np.floor(scaled)
    if not len(units):
        return units
    missing = int(round(total / unit - units.sum()))  # units still to hand out
    units += missing // len(units)                      # (a rounded total can differ by one unit more)
    by_remainder = np.argsort(-(scaled - np.floor(scaled)), kind="stable")
    units[by_remainder[:missing % len(units)]] += 1
    return np.round(units * unit, decimals)


@dataclass(frozen=True)
class _Shown:
    """A bridge as displayed: amounts rounded to ``decimals``, the steps adding up to the shown change."""
    decimals: int
    start: float
    end: float
    change: float
    steps: np.ndarray


def _shown(bridge: RevenueBridge) -> _Shown:
    decimals = _decimals(bridge.start, bridge.end)
    start, end = round(bridge.start, decimals), round(bridge.end, decimals)
    change = round(end - start, decimals)
    return _Shown(decimals, start, end, change,
                  _rounded_to_sum(bridge.steps["contribution"].to_numpy(), change, decimals))


def _bridge_words(bridge: RevenueBridge, *, currency: str) -> str:
    shown = _shown(bridge)
    decimals = shown.decimals
    direction = "rose" if shown.change > 0 else "fell" if shown.change < 0 else "did not change"
    how = (f"{direction} by **{fmt.money(abs(shown.change), currency, decimals)}**"
           + (f" ({fmt.pct(bridge.change_pct, signed=True)})" if not pd.isna(bridge.change_pct) else "")
           if shown.change else direction)
    partial = "" if bridge.complete else " (a period the data cover only in part is compared)"
    return (f"Net revenue {how} from {bridge.start_label} ({fmt.money(bridge.start, currency, decimals)}) to "
            f"{bridge.end_label} ({fmt.money(bridge.end, currency, decimals)}){partial}.")


_MOVES = {  # step -> (words when it added revenue, words when it took revenue away)
    "customers": ("more customers ordered", "fewer customers ordered"),
    "orders_per_customer": ("each ordered more often", "each ordered less often"),
    "order_value": ("orders were larger on average", "orders were smaller on average"),
    "new_customers": ("new customers bought more", "new customers bought less"),
    "returning_customers": ("returning customers bought more", "returning customers bought less"),
    "guest_sales": ("guest sales rose", "guest sales fell"),
    "returns": ("returns fell", "returns rose"),
    "other": ("other lines rose", "other lines fell"),
}


def _steps_words(bridge: RevenueBridge, *, currency: str) -> str:
    shown = _shown(bridge)
    parts = []
    for key, amount in zip(bridge.steps.index, shown.steps):
        if amount == 0:
            continue
        words = _MOVES[key][0 if amount > 0 else 1]
        parts.append(f"{words} ({_signed_money(amount, currency, shown.decimals)})")
    if not parts:
        return "none of the steps moved it."
    return (", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]) + "."


def bridge_md(bridge: RevenueBridge | Skipped, *, customer_types: RevenueBridge | Skipped | None = None,
              currency: str = "USD") -> Markdown | Skipped:
    """What moved net revenue, in words: the change, then each step of the bridge that moved it, in money.

    ``bridge`` is ``wb.sales.revenue_bridge(comparison)`` (through the drivers) and ``customer_types`` the same
    by customer type; either may be a ``Skipped`` (its reason is said instead).
    """
    pieces, reasons = [], []
    for b in (bridge, customer_types):
        if isinstance(b, Skipped) and b.reason not in reasons:
            reasons.append(b.reason)
    drivers = bridge if isinstance(bridge, RevenueBridge) else None
    types = customer_types if isinstance(customer_types, RevenueBridge) else None
    first = drivers or types
    if first is None:
        return bridge if isinstance(bridge, Skipped) else customer_types  # type: ignore[return-value]
    pieces.append(_bridge_words(first, currency=currency))
    if drivers is not None:
        pieces.append("Through its drivers: " + _steps_words(drivers, currency=currency))
    if types is not None:
        pieces.append("By customer type: " + _steps_words(types, currency=currency))
    text = " ".join(pieces)
    if reasons:
        text += "\n\n" + " ".join(f"*Not split for this data:* {r.rstrip('.')}." for r in reasons)
    return Markdown(text)


def _said_above(skipped: Skipped) -> None:
    """A table of a section thin data could not fill shows nothing (a notebook cell that returns None displays
    nothing): the section's sentence already says why."""
    return None


def bridge_table(bridge: RevenueBridge | Skipped, *, currency: str = "USD") -> Any:
    """The bridge as a table: each step's driver in both periods and its contribution in money, then the total.

    The contributions are rounded so that they add up to the rounded change of the last row. A ``Skipped``
    bridge shows nothing (:func:`bridge_md` says why).
    """
    if isinstance(bridge, Skipped):
        return _said_above(bridge)
    shown = _shown(bridge)
    d = shown.decimals

    def value(x: float, kind: str) -> str:  # totals like the change; an average order value in cents
        return fmt.money(x, currency, d) if kind == "money" else _value(x, kind, currency)

    rows = []
    for (key, row), amount in zip(bridge.steps.iterrows(), shown.steps):
        label, kind = BRIDGE_STEPS[key]
        rows.append((label, value(row["before"], kind), value(row["after"], kind), _signed_money(amount, currency, d)))
    rows.append(("Net revenue", fmt.money(shown.start, currency, d), fmt.money(shown.end, currency, d),
                 _signed_money(shown.change, currency, d)))
    frame = pd.DataFrame(rows, columns=["step", "before", "after", "contribution"])
    spec = _filled(BRIDGE, start=bridge.start_label, end=bridge.end_label, title=_BRIDGE_TITLES[bridge.by])
    styler = table(frame, spec, currency=currency)
    styler = styler.apply(lambda r: ["font-weight: bold" if r.name == len(frame) - 1 else ""] * len(r), axis=1)
    return _right_aligned(styler, [spec.label(k) for k in ("before", "after", "contribution")])


# --------------------------------------------------------------------------------------------------------
# Cohorts, segments, products
# --------------------------------------------------------------------------------------------------------

@skippable
def cohorts_md(cohorts: pd.DataFrame, *, currency: str = "USD", ages: tuple[int, ...] = (1, 3, 12)) -> Markdown:
    """Cohort findings in words, every number from ``cohorts`` (``wb.sales.cohort_retention``)."""
    by_age = retention_by_age(cohorts).set_index("age")
    n_cohorts = cohorts["cohort"].nunique()
    first, last = cohorts["cohort"].min(), cohorts["cohort"].max()
    span = f"{first:%b %Y}" if first == last else f"{first:%b %Y} to {last:%b %Y}"
    parts = [f"{fmt.num(n_cohorts)} monthly cohort{'s' if n_cohorts != 1 else ''} ({span}), "
             f"{_count(cohorts.drop_duplicates('cohort')['cohort_size'].sum(), 'customer')} in all."]
    shown = [k for k in ages if k in by_age.index]
    if shown:
        parts.append("Across cohorts (weighted by size), " + "; ".join(
            f"{fmt.pct(by_age.loc[k, 'retention'])} ordered again in month {k}" for k in shown) + ".")
        k = max(shown)
        parts.append(f"By month {k} an acquired customer had brought in "
                     f"{fmt.money(by_age.loc[k, 'cumulative_revenue_per_customer'], currency, 2)} of net revenue "
                     f"on average ({fmt.num(by_age.loc[k, 'cohorts'])} cohort"
                     f"{'s' if by_age.loc[k, 'cohorts'] != 1 else ''} old enough).")
    else:
        parts.append("No cohort is old enough yet to show retention after its first month.")
    return Markdown(" ".join(parts))


@skippable
def segments_md(segments: pd.DataFrame, *, as_of: Any = None) -> Markdown:
    """The RFM segments in words, every number from ``segments`` (``wb.customers.rfm_segment_summary``): which
    segment brings the most revenue from how many customers, and how many valuable customers are slipping."""
    s = segments.set_index("segment")
    top = s["revenue"].idxmax()
    slipping = int(s.loc[["At risk", "Can't lose them"], "customers"].sum())
    slipping_rev = s.loc[["At risk", "Can't lose them"], "revenue_share"].sum()
    when = f"As of {pd.Timestamp(as_of):%d %b %Y}, " if as_of is not None else ""
    nearness = int(s["placed_by_nearness"].sum())
    return Markdown(
        f"{when}**{top}** bring the most net revenue: {fmt.pct(s.at[top, 'revenue_share'])} of it from "
        f"{fmt.pct(s.at[top, 'customer_share'])} of the customers ({fmt.num(s.at[top, 'customers'])}). "
        f"{_count(slipping, 'customer')} who used to buy often or spend well {'has' if slipping == 1 else 'have'} "
        "not ordered for a long time "
        f"(At risk, Can't lose them: {fmt.pct(slipping_rev)} of net revenue so far). "
        f"{fmt.num(nearness)} of {_count(s['customers'].sum(), 'customer')} {'has' if nearness == 1 else 'have'} a "
        f"score combination no rule covers and {'was' if nearness == 1 else 'were'} placed in the nearest segment.")


SEGMENTS = TableSpec({
    "segment": Col("Segment", "text"),
    "customers": Col("Customers", "count"),
    "customer_share": Col("Share of customers", "percent"),
    "revenue": Col("Net revenue", "money"),
    "revenue_share": Col("Share of net revenue", "percent"),
    "aov": Col("Average order value", "money", decimals=2),
    "median_recency_days": Col("Median days since last order", "number", decimals=0),
    "mean_frequency": Col("Average orders", "number", decimals=1),
}, caption="RFM segments: size, net revenue, average order value, median days since the last order, average "
           "orders per customer")


def segments_table(segments: pd.DataFrame | Skipped, *, currency: str = "USD") -> Any:
    """The RFM segment summary with the columns a manager reads, named in words (:data:`SEGMENTS`). A
    ``Skipped`` section shows nothing (:func:`segments_md` says why)."""
    if isinstance(segments, Skipped):
        return _said_above(segments)
    return table(segments, SEGMENTS, currency=currency)


def products_md(products: pd.DataFrame, *, categories: pd.DataFrame, currency: str = "USD") -> Markdown:
    """The sentence above the product and category charts (``products`` and ``categories`` are
    ``wb.sales.top_products`` results by product and by category): what the top ones brought, or why there is no
    ranking."""
    have = [t for t in (products, categories) if t.attrs.get("column")]
    if not have:
        return Markdown("The data has no product or category detail (no product name, SKU or category column with "
                        "values), so there is no product ranking. Exports from Shopify, WooCommerce or Online "
                        "Retail carry it; CDNOW records only amounts and quantities.")
    return Markdown(" ".join(_ranking_words(t) for t in (products, categories)))


def _ranking_words(top: pd.DataFrame) -> str:
    by = top.attrs["dimension"]
    if not top.attrs.get("column"):
        wanted = " or ".join(f"`{c}`" for c in top.attrs.get("candidates", []))
        return (f"The data has no {by} detail (no {wanted} column with values), so there is no {by} ranking. "
                "Exports from Shopify, WooCommerce or Online Retail carry it; CDNOW records only amounts and "
                "quantities.")
    label = top.attrs["period_label"]
    if top.empty:
        return f"No {by} had sales in {label}."
    plural = {"product": "products", "category": "categories"}[by]
    who = f"The top {len(top)} {plural}" if len(top) > 1 else f"The top {by}"
    return (f"{who} by net revenue in {label} brought {fmt.pct(top['revenue_share'].sum())} of the period's net "
            "revenue.")


# --------------------------------------------------------------------------------------------------------
# Glossary
# --------------------------------------------------------------------------------------------------------

GLOSSARY = TableSpec({"metric": Col("Metric", "text"), "definition": Col("Definition", "text"),
                      "formula": Col("Formula", "text")})


def _glossary(definitions: dict[str, Definition], keys: Any, caption: str) -> Any:
    keys = list(definitions) if keys is None else list(keys)
    frame = pd.DataFrame({"metric": [definitions[k].label for k in keys],
                          "definition": [definitions[k].definition for k in keys],
                          "formula": [definitions[k].formula for k in keys]})
    return table(frame, GLOSSARY, caption=caption)


def glossary_table(metrics: Any = None) -> Any:
    """Definitions of the sales figures (``metrics``: keys of :data:`DEFINITIONS`, default all)."""
    return _glossary(DEFINITIONS, metrics, "Sales metrics")


def rfm_glossary_table() -> Any:
    """Definitions of the RFM values, scores and segments."""
    return _glossary(RFM_DEFINITIONS, None, "RFM")


SEGMENT_RULES = TableSpec({
    "segment": Col("Segment", "text"), "r": Col("R", "text"), "f": Col("F", "text"), "m": Col("M", "text"),
    "who": Col("Who they are", "text"), "action": Col("Suggested action", "text"),
}, caption="RFM segment rules (R package rfm 0.2.x score ranges; overlaps go to the more specific rule, uncovered "
           "score triples to the nearest rule)")


def segment_rules_table() -> Any:
    """The segment rules: name, R / F / M score ranges, who they are and a suggested action."""
    def rng(lo_hi: tuple[int, int]) -> str:
        lo, hi = lo_hi
        return f"{lo}" if lo == hi else f"{lo}-{hi}"

    frame = pd.DataFrame({
        "segment": [s.name for s in RFM_SEGMENTS],
        "r": [rng(s.r) for s in RFM_SEGMENTS], "f": [rng(s.f) for s in RFM_SEGMENTS],
        "m": [rng(s.m) for s in RFM_SEGMENTS],
        "who": [SEGMENT_GUIDE[s.name][0] for s in RFM_SEGMENTS],
        "action": [SEGMENT_GUIDE[s.name][1] for s in RFM_SEGMENTS],
    })
    styler = table(frame, SEGMENT_RULES)
    return styler.set_properties(subset=["R", "F", "M"], **{"white-space": "nowrap"})  # "4-5" on one line
