"""Monthly acquisition cohorts: customer retention, revenue retention, cohort sizes, cumulative revenue.

Conventions (Shopify's customer cohort analysis; Fivetran's ``shopify__customer_cohorts`` model):

- A customer's **cohort** is the calendar month of their first sale, judged on the whole history in the data.
- **Age** k = calendar months since the cohort month (k = 0 is the acquisition month itself).
- **Retention** (cell k) = customers of the cohort who placed at least one order in month k / cohort size;
  it is 100% at k = 0 by construction.
- **Revenue retention** (cell k) = the cohort's net revenue in month k / its net revenue in month 0 (it can
  exceed 100% when the customers who stay spend more).
- **Cumulative revenue per customer** (cell k) = the cohort's net revenue in months 0..k / cohort size: what
  an acquired customer has brought in by that age, on average.

Net revenue includes the cohort's returns (dated when processed); lines without a customer id belong to no
cohort. Return lines dated before a customer's first sale (returns of purchases made before the data starts)
are left out. A trailing month the data covers only in part is left out by default, so the last column does not
look like a collapse in retention. Cells a cohort has not reached yet are missing (NaN), not zero. Data that
do not yet cover one whole calendar month (a new shop's first export) have no cohort to show:
:func:`cohort_retention` then raises :class:`~workbench.errors.NotEnoughData` saying so, and a report leaves the
section out with that reason.

The per-line work is the order rollup's (:mod:`workbench.analyses.sales.rollup`): identified customers by the
month of their first sale and month, one small result shared with the monthly KPIs (one row per cohort and month),
completed in pandas. Orders are counted per customer, so an order whose lines carry two customer ids counts for
each.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from workbench import engine
from workbench.analyses.periods import period_bounds
from workbench.analyses.sales.rollup import rollup_of
from workbench.errors import DataError, NotEnoughData

__all__ = ["COHORT_METRICS", "cohort_retention", "cohort_matrix", "retention_by_age"]

# The cohort metrics of cohort_retention (defined in words in the report's glossary).
COHORT_METRICS = ("cohort_size", "retention", "revenue_retention", "cumulative_revenue_per_customer")

def cohort_retention(
    orders: Any, *, complete_months_only: bool = True, customer: str = "customer_id", date: str = "order_date",
    order: str = "order_id", revenue: str = "revenue", line_type: str | None = "line_type",
) -> pd.DataFrame:
    """Monthly acquisition cohorts in long form: one row per cohort and month since acquisition.

    Parameters
    ----------
    orders : DataFrame, ibis.Table, OrderLines or OrderRollup
        Canonical order lines, the whole history (a customer's cohort is the month of their first order in it), or
        their :func:`~workbench.analyses.sales.rollup.order_rollup`.
    complete_months_only : bool
        Leave out a trailing month the data covers only in part (default).
    customer, date, order, revenue, line_type : str
        Column names when they differ from the canonical ones (``line_type=None``: every line is a sale).

    Returns
    -------
    DataFrame
        Columns ``cohort`` (first day of the cohort month), ``age`` (months since acquisition),
        ``cohort_size``, ``active_customers``, ``orders``, ``revenue``, ``retention``, ``revenue_retention``,
        ``cumulative_revenue``, ``cumulative_revenue_per_customer``. Only observed cells: a cohort's ages run
        from 0 to the last month in the data.

    Raises
    ------
    NotEnoughData
        If the data do not cover one complete calendar month yet (with ``complete_months_only``), or no line
        has a customer id (cohorts need identified customers).
    """
    rollup = rollup_of(orders, customer=customer, date=date, order=order, revenue=revenue, line_type=line_type)
    first, last = rollup.first_date, rollup.last_date
    if pd.isna(last):
        raise DataError("there are no order lines to build cohorts from", source=rollup.source,
                        rows=0, fix="Check the file and any filter applied before this call.")
    month_start, month_end = period_bounds(last, period="month")
    through = month_start if (not complete_months_only or last.normalize() >= month_end) \
        else month_start - pd.DateOffset(months=1)
    if through < period_bounds(first, period="month")[0]:
        raise NotEnoughData(
            f"no calendar month is complete yet: the orders run from {first:%d %b %Y} to {last:%d %b %Y}, and "
            "cohorts compare whole months", fix="Cohorts appear once the data cover a whole calendar month")
    through_index = through.year * 12 + through.month
    # identified customers by first-purchase month (the cohort) and month, from the rollup
    cells = engine.to_pandas(rollup.cohort_periods("month"))
    cells = pd.DataFrame({"_c": _month_index(cells["_first"]), "_m": _month_index(cells["_period"]),
                          "active_customers": cells["customers"], "orders": cells["orders"],
                          "revenue": cells["revenue"]})
    cells = cells[(cells["_c"] <= through_index) & (cells["_m"] <= through_index) & (cells["_m"] >= cells["_c"])]
    cells = cells.assign(age=cells["_m"] - cells["_c"]).drop(columns="_m")
    # everyone in a cohort orders in its first month: the cohort's size is its active customers at age 0
    sizes = cells.loc[cells["age"] == 0, ["_c", "active_customers"]].rename(columns={"active_customers": "cohort_size"})
    if sizes.empty:
        raise NotEnoughData("no line has a customer id, so there are no cohorts", source=rollup.source,
                            column=customer, fix="Cohorts need identified customers: map the customer column "
                                                 "(e.g. customer='Email') when loading.")
    return _complete(cells, sizes, through_index)


def _month_index(starts: pd.Series) -> pd.Series:
    """year x 12 + month of each date (consecutive months are consecutive numbers)."""
    d = pd.to_datetime(starts)
    return (d.dt.year * 12 + d.dt.month).astype("int64")


def _complete(cells: pd.DataFrame, sizes: pd.DataFrame, through_index: int) -> pd.DataFrame:
    """Every (cohort, age) cell up to the last month, zeros where nobody came back, and the ratios."""
    grid = pd.DataFrame([(c, k) for c in sizes["_c"].astype(int) for k in range(through_index - c + 1)],
                        columns=["_c", "age"])
    cells = cells.astype({"_c": "int64", "age": "int64"})
    df = grid.merge(sizes.astype({"_c": "int64"}), on="_c").merge(cells, on=["_c", "age"], how="left")
    df[["active_customers", "orders"]] = df[["active_customers", "orders"]].fillna(0).astype("int64")
    df["revenue"] = df["revenue"].astype("float64").fillna(0.0)
    df = df.sort_values(["_c", "age"], ignore_index=True)
    df.insert(0, "cohort", pd.to_datetime({"year": (df["_c"] - 1) // 12, "month": (df["_c"] - 1) % 12 + 1,
                                           "day": 1}).astype("datetime64[us]"))
    df["cohort_size"] = df["cohort_size"].astype("int64")
    df["retention"] = df["active_customers"] / df["cohort_size"]
    month0 = df.groupby("_c")["revenue"].transform("first")
    df["revenue_retention"] = df["revenue"] / month0.where(month0 != 0)
    df["cumulative_revenue"] = df.groupby("_c")["revenue"].cumsum()
    df["cumulative_revenue_per_customer"] = df["cumulative_revenue"] / df["cohort_size"]
    return df.drop(columns="_c")[["cohort", "age", "cohort_size", "active_customers", "orders", "revenue",
                                  "retention", "revenue_retention", "cumulative_revenue",
                                  "cumulative_revenue_per_customer"]]


def cohort_matrix(cohorts: pd.DataFrame, *, column: str = "retention") -> pd.DataFrame:
    """The cohort x age matrix of one column of :func:`cohort_retention` (cells not reached yet are NaN).

    Rows are cohorts (first day of the month), columns ages 0, 1, 2, ... (months since acquisition).
    """
    if column not in cohorts.columns:
        raise DataError(f"column={column!r} is not a column of the cohorts", source="cohort_matrix",
                        fix=f"Pick one of {[c for c in cohorts.columns if c not in ('cohort', 'age')]}.")
    m = cohorts.pivot(index="cohort", columns="age", values=column)
    m.columns.name = "months since first order"
    return m


def retention_by_age(cohorts: pd.DataFrame) -> pd.DataFrame:
    """Retention at each age over all cohorts that reached it, weighted by cohort size.

    Columns ``age``, ``cohorts`` (how many cohorts reached that age), ``customers`` (their combined size),
    ``active_customers``, ``retention`` (= active / customers), ``cumulative_revenue_per_customer`` (combined
    cumulative revenue / combined size).
    """
    g = cohorts.groupby("age")
    out = pd.DataFrame({"cohorts": g.size(), "customers": g["cohort_size"].sum(),
                        "active_customers": g["active_customers"].sum(),
                        "cumulative_revenue": g["cumulative_revenue"].sum()}).reset_index()
    out["retention"] = out["active_customers"] / out["customers"]
    out["cumulative_revenue_per_customer"] = out["cumulative_revenue"] / out["customers"]
    return out
