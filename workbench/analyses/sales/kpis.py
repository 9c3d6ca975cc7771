"""Store KPIs per period, and one period against the previous one and the same period last year.

The metrics are listed in :data:`METRICS`; their business definitions and formulas are written once, in the
report's glossary (``workbench.reports.sales.DEFINITIONS``), and the functions below compute exactly those
definitions. This module returns numbers and frames only.

Conventions (where practices differ, the choice is written down here and in the glossary):

- **Revenue** is net sales as :mod:`workbench.data.schema` defines it: quantity x price minus discounts,
  before tax and shipping, with returns as negative lines on the day they are processed (Shopify's sales
  report convention). Net revenue of a period = sales - returns (+ any kept non-product lines).
- **Orders** and **customers** count ``sale`` lines only; lines without a customer id count for revenue and
  orders, not for customer metrics.
- **AOV** = sales revenue of the period / orders of the period, net of discounts, excluding tax, shipping and
  returns (Shopify's "average order value" also leaves returns out: a return processed this month usually
  belongs to an order of an earlier month).
- **New customer**: the customer's first order ever (judged on the whole history in the data) falls in the
  period; **returning customer**: ordered in the period and had ordered before it.
- **Repeat purchase rate** (within the window): customers with 2+ orders in the period / customers in the
  period. **Returning customer rate** (Shopify): customers in the period who have ordered more than once in
  their whole history up to the end of the period / customers in the period.
- **Return rate**: returned revenue / sales revenue of the same period (both dated when processed); shown
  only when the data has return lines at all, otherwise "not in the data".
- **Period**: day, week (Monday to Sunday, ISO 8601), month or quarter. By default the report period is the
  **last complete period** in the data: the last one whose final day is on or before the last order date.
  The comparison periods are the previous period and the same period a year earlier (12 months earlier for
  months and quarters; 52 weeks / 364 days earlier for weeks and days, so weekdays line up).

All aggregation over order lines is portable Ibis (DuckDB by default; the same expressions run on Spark, see
``tests/spark/test_parity.py``) over the order rollup (:mod:`workbench.analyses.sales.rollup`: the lines rolled up
once to orders, with each customer's first purchase): one small query for the per-period sums and one for the
customers by first-purchase period and period. Only these small results (one row per period; one per pair of
periods) come back to pandas, where the ratios are taken. Orders are counted per period over order ids, so an
order whose lines carry two customer ids still counts once.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ibis
import numpy as np
import pandas as pd

from workbench import engine
from workbench.analyses.sales.rollup import rollup_of
from workbench.analyses.periods import (OFFSETS, YEAR_AGO, check_period, last_complete_period, period_bounds,
                                         period_name, period_start)
from workbench.errors import DataError

__all__ = ["METRICS", "COMPARISON_METRICS", "COUNT_METRICS", "kpis_by_period", "kpi_comparison", "KpiComparison",
           "PeriodWindow"]

# The metrics of kpis_by_period, one column each (defined in words in the report's glossary).
METRICS: tuple[str, ...] = (
    "revenue", "gross_sales", "returns", "orders", "customers", "new_customers", "returning_customers",
    "new_customer_revenue", "returning_customer_revenue", "guest_revenue", "units", "aov", "units_per_order",
    "revenue_per_customer", "orders_per_customer", "repeat_purchase_rate", "returning_customer_rate", "return_rate",
)
# Metrics that count things (whole numbers).
COUNT_METRICS: frozenset[str] = frozenset({"orders", "customers", "new_customers", "returning_customers", "units"})

# The metrics of the period comparison ("Monday page"), in display order.
COMPARISON_METRICS: tuple[str, ...] = (
    "revenue", "orders", "aov", "units_per_order", "customers", "new_customers", "returning_customers",
    "new_customer_revenue", "returning_customer_revenue", "repeat_purchase_rate", "returning_customer_rate",
    "return_rate",
)

# --------------------------------------------------------------------------------------------------------
# KPIs per period
# --------------------------------------------------------------------------------------------------------

def kpis_by_period(
    orders: Any, *, period: str = "month", customer: str = "customer_id", date: str = "order_date",
    order: str = "order_id", revenue: str = "revenue", quantity: str = "quantity",
    line_type: str | None = "line_type",
) -> pd.DataFrame:
    """Store KPIs for every period from the first to the last order date, one row per period.

    Parameters
    ----------
    orders : DataFrame, ibis.Table, OrderLines or OrderRollup
        Canonical order lines (:mod:`workbench.data.schema`), or their :func:`~workbench.analyses.sales.rollup.
        order_rollup` (made once for several figures; the column names below are then the rollup's).
    period : {"day", "week", "month", "quarter"}
        Reporting period; weeks run Monday to Sunday.
    customer, date, order, revenue, quantity, line_type : str
        Column names, when they differ from the canonical ones. ``line_type=None`` treats every line as a
        sale (a table without returns).

    Returns
    -------
    DataFrame
        One row per period (periods without orders included, with zeros), columns ``period_start``,
        ``period_end`` (last day), ``label``, ``complete`` (the data covers the whole period) and one column
        per metric of :data:`METRICS`, plus ``repeat_customers`` and ``multi_order_customers`` (the numerators
        of the two repeat rates) and the parts the revenue bridge needs: ``customer_orders`` (orders of
        identified customers, an order counted once per customer on it; ``orders_per_customer`` =
        customer_orders / customers), ``new_customer_sales``, ``returning_customer_sales`` and ``guest_sales``
        (sales revenue before returns, which add up to ``gross_sales``). ``return_rate`` is NaN when the data
        has no return lines.

    Notes
    -----
    New vs returning is judged on each customer's first sale in the whole table, so pass the full history,
    not a filtered window. The returning customer rate counts a customer as returning when they ordered
    before the period, or placed 2+ orders inside it (= more than one order up to the period's end).
    """
    check_period(period)
    rollup = rollup_of(orders, needs_units=True, customer=customer, date=date, order=order, revenue=revenue,
                       quantity=quantity, line_type=line_type)
    a = rollup.period_totals(period)
    if a.empty:
        raise DataError("there are no order lines to report on", source=rollup.source,
                        rows=0, fix="Check the file and any filter applied before this call.")
    return _finish(a, _customer_counts(rollup.cohort_periods(period)), period)


def _customer_counts(cells: ibis.Table) -> pd.DataFrame:
    """Per period from the (first period, period) cells of the rollup: customers and their orders, new customers
    (first purchase in the period) with their revenue, repeat customers, customers with more than one order up
    to the period's end (everyone but the new customers with a single order). One row per period comes back."""
    new = cells._first == cells._period
    out = engine.to_pandas(cells.group_by("_period").aggregate(
        customers=cells.customers.sum(), customer_orders=cells.orders.sum(),
        repeat_customers=cells.repeat_customers.sum(), new_customers=cells.customers.sum(where=new),
        _single_new=cells.single_order_customers.sum(where=new), new_customer_revenue=cells.revenue.sum(where=new),
        new_customer_sales=cells.sales.sum(where=new)))
    out["multi_order_customers"] = out["customers"] - out.pop("_single_new").fillna(0)
    return out


def _finish(a: pd.DataFrame, b: pd.DataFrame, period: str) -> pd.DataFrame:
    """Complete the per-period frame: all periods, zeros for gaps, ratios, labels and completeness."""
    has_returns = bool(a["return_lines"].fillna(0).sum() > 0)
    first_day = pd.Timestamp(a["_first_day"].min()).normalize()
    last_day = pd.Timestamp(a["_last_day"].max()).normalize()
    df = a.drop(columns=["_first_day", "_last_day", "return_lines"]).merge(b, on="_period", how="left")
    df["_period"] = pd.to_datetime(df["_period"]).astype("datetime64[us]")
    starts = pd.date_range(period_bounds(first_day, period=period)[0], period_bounds(last_day, period=period)[0],
                           freq=OFFSETS[period]).astype("datetime64[us]")
    df = df.set_index("_period").reindex(starts)
    counts = ["orders", "units", "customers", "customer_orders", "new_customers", "repeat_customers",
              "multi_order_customers"]
    money = ["revenue", "gross_sales", "returns", "new_customer_revenue", "guest_revenue", "new_customer_sales",
             "guest_sales"]
    df[counts] = df[counts].fillna(0).astype("int64")
    df[money] = df[money].astype("float64").fillna(0.0)
    out = pd.DataFrame({"period_start": starts})
    out["period_end"] = [period_bounds(s, period=period)[1] for s in starts]
    out["label"] = [period_name(s, period=period) for s in starts]
    out["complete"] = (out["period_start"] >= first_day) & (out["period_end"] <= last_day)
    for c in [*money[:3], "orders", "customers", "new_customers"]:
        out[c] = df[c].to_numpy()
    out["returning_customers"] = out["customers"] - out["new_customers"]
    out["new_customer_revenue"] = df["new_customer_revenue"].to_numpy()
    out["guest_revenue"] = df["guest_revenue"].to_numpy()
    out["returning_customer_revenue"] = out["revenue"] - out["new_customer_revenue"] - out["guest_revenue"]
    out["units"] = df["units"].to_numpy()
    out["customer_orders"] = df["customer_orders"].to_numpy()
    out["new_customer_sales"] = df["new_customer_sales"].to_numpy()
    out["guest_sales"] = df["guest_sales"].to_numpy()
    out["returning_customer_sales"] = out["gross_sales"] - out["new_customer_sales"] - out["guest_sales"]
    out["aov"] = _ratio(out["gross_sales"], out["orders"])
    out["units_per_order"] = _ratio(out["units"], out["orders"])
    out["revenue_per_customer"] = _ratio(out["new_customer_revenue"] + out["returning_customer_revenue"],
                                         out["customers"])
    out["orders_per_customer"] = _ratio(out["customer_orders"], out["customers"])
    out["repeat_customers"] = df["repeat_customers"].to_numpy()
    out["multi_order_customers"] = df["multi_order_customers"].to_numpy()
    out["repeat_purchase_rate"] = _ratio(out["repeat_customers"], out["customers"])
    out["returning_customer_rate"] = _ratio(out["multi_order_customers"], out["customers"])
    out["return_rate"] = _ratio(out["returns"], out["gross_sales"]) if has_returns else np.nan
    # attrs hold JSON-able values only (pandas writes them into Parquet metadata)
    out.attrs.update(period=period, first_date=first_day.isoformat(), last_date=last_day.isoformat(),
                     has_returns=has_returns)
    return out


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    den = den.astype("float64")
    return (num.astype("float64") / den.where(den != 0)).astype("float64")


# --------------------------------------------------------------------------------------------------------
# One period against the previous one and the same period last year
# --------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PeriodWindow:
    """One reporting period: its first and last day, its label, and whether the data covers all of it."""
    start: pd.Timestamp
    end: pd.Timestamp
    label: str
    complete: bool
    in_data: bool


@dataclass(frozen=True)
class KpiComparison:
    """A period's KPIs against the previous period and the same period a year earlier.

    ``table`` has one row per metric of :data:`COMPARISON_METRICS` (index = metric key) and columns
    ``current``, ``previous``, ``change``, ``change_pct``, ``last_year``, ``yoy_change``, ``yoy_change_pct``.
    Changes are absolute (current - other) and relative (current / other - 1); for rates the absolute change
    is in percentage points (0.012 = +1.2 pp). ``periods`` holds the three periods' full rows of
    :func:`kpis_by_period` (index ``current``, ``previous``, ``last_year``; NaN where the data has no such
    period), for analyses built on the comparison such as the revenue bridge. ``last_acquisition``: the label
    of the last period up to the reported one in which a customer placed a first order, and
    ``periods_since_acquisition`` how many periods before the reported one it was (0: the reported period
    itself; None for both when no identified customer ordered).
    """
    period: str
    current: PeriodWindow
    previous: PeriodWindow
    last_year: PeriodWindow
    table: pd.DataFrame
    has_returns: bool
    first_date: pd.Timestamp
    last_date: pd.Timestamp
    periods: pd.DataFrame
    last_acquisition: str | None = None
    periods_since_acquisition: int | None = None

    def window(self, which: str) -> PeriodWindow:
        """The :class:`PeriodWindow` named ``"current"``, ``"previous"`` or ``"last_year"``."""
        if which not in ("current", "previous", "last_year"):
            raise DataError(f"which={which!r} is not one of ['current', 'previous', 'last_year']",
                            source="KpiComparison.window", fix="Pick 'previous' or 'last_year'.")
        return getattr(self, which)

    @property
    def as_of(self) -> pd.Timestamp:
        """The last day of the reported period that the data covers (its end, or the last order date when the
        period is partial): the day a customer-level analysis of this period looks from."""
        return min(self.current.end, self.last_date)

    def value(self, metric: str, which: str = "current") -> float | int:
        """A number of the table: ``cmp.value("revenue")``, ``cmp.value("aov", "previous")``; counts come back
        as ``int`` (NaN where the period has no data), everything else as ``float``."""
        x = float(self.table.loc[metric, which])
        if metric in COUNT_METRICS and which in ("current", "previous", "last_year") and not np.isnan(x):
            return int(round(x))
        return x

    def __repr__(self) -> str:
        return (f"<KpiComparison {self.period} {self.current.label} vs {self.previous.label} and "
                f"{self.last_year.label}: revenue {self.value('revenue'):,.2f}>")


def kpi_comparison(
    orders: Any, *, period: str = "month", period_end: Any = None, kpis: pd.DataFrame | None = None,
    customer: str = "customer_id", date: str = "order_date", order: str = "order_id",
    revenue: str = "revenue", quantity: str = "quantity", line_type: str | None = "line_type",
) -> KpiComparison:
    """The KPIs of one period against the previous period and the same period last year.

    Parameters
    ----------
    orders : DataFrame, ibis.Table, OrderLines or OrderRollup
        Canonical order lines, the whole history (new vs returning is judged on it), or their order rollup.
    period : {"day", "week", "month", "quarter"}
        Reporting period.
    period_end : date-like, optional
        Any day of the period to report (its last day, typically). ``None`` = the last complete period in
        the data (see :func:`last_complete_period`).
    kpis : DataFrame, optional
        The result of :func:`kpis_by_period` for the same orders and period, to avoid computing it twice.
    customer, date, order, revenue, quantity, line_type : str
        Column names, as in :func:`kpis_by_period`.

    Returns
    -------
    KpiComparison

    Raises
    ------
    DataError
        If ``period_end`` is not a date or lies outside the data's date range.
    """
    check_period(period)
    if kpis is None:
        kpis = kpis_by_period(orders, period=period, customer=customer, date=date, order=order,
                              revenue=revenue, quantity=quantity, line_type=line_type)
    first_date, last_date = pd.Timestamp(kpis.attrs["first_date"]), pd.Timestamp(kpis.attrs["last_date"])
    if period_end is None:
        start = last_complete_period(last_date, period=period)
        if start < kpis["period_start"].min():  # not one complete period: report the partial one
            start = kpis["period_start"].max()
    else:
        try:
            when = pd.Timestamp(period_end)
        except (TypeError, ValueError) as exc:
            raise DataError("period_end is not a date", source="period_end", example=repr(period_end),
                            fix="Give a date like '1998-06-30', or None for the last complete period.") from exc
        if pd.isna(when) or not (period_bounds(first_date, period=period)[0] <= when.normalize() <= last_date):
            raise DataError(f"period_end {period_end!r} is outside the orders' date range "
                            f"{first_date:%Y-%m-%d} to {last_date:%Y-%m-%d}", source="period_end",
                            example=repr(period_end),
                            fix="Pick a date inside the data, or None for the last complete period.")
        start = period_bounds(when, period=period)[0]
    windows = {"current": start, "previous": start - OFFSETS[period], "last_year": start - YEAR_AGO[period]}
    by_start = kpis.set_index("period_start")
    rows, info = {}, {}
    for which, s in windows.items():
        s = period_bounds(s, period=period)[0]  # a year before a Monday week start is a Monday again
        in_data = s in by_start.index
        end = period_bounds(s, period=period)[1]
        info[which] = PeriodWindow(start=s, end=end, label=period_name(s, period=period),
                                   complete=bool(by_start.loc[s, "complete"]) if in_data else False,
                                   in_data=in_data)
        rows[which] = by_start.loc[s] if in_data else pd.Series(np.nan, index=by_start.columns)
    table = pd.DataFrame(index=pd.Index(COMPARISON_METRICS, name="metric"))
    for which in windows:
        table[which] = [float(rows[which][m]) for m in COMPARISON_METRICS]
    for other, prefix in (("previous", "change"), ("last_year", "yoy_change")):
        table[prefix] = table["current"] - table[other]
        base = table[other].where(table[other] != 0)
        table[f"{prefix}_pct"] = table["current"] / base - 1
    periods = pd.DataFrame({which: rows[which] for which in windows}).T
    upto = kpis[kpis["period_start"] <= info["current"].start].sort_values("period_start")
    acquired = np.flatnonzero(upto["new_customers"].fillna(0).to_numpy() > 0)
    last_acquisition = since = None
    if len(acquired):
        last_acquisition = period_name(upto["period_start"].iloc[acquired[-1]], period=period)
        since = len(upto) - 1 - int(acquired[-1])
    return KpiComparison(period=period, current=info["current"], previous=info["previous"],
                         last_year=info["last_year"], table=table,
                         has_returns=bool(kpis.attrs["has_returns"]), first_date=first_date, last_date=last_date,
                         periods=periods, last_acquisition=last_acquisition, periods_since_acquisition=since)
