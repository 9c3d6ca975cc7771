"""Revenue bridge: from one period's net revenue to another's, step by step, each step in money.

Two views of the same change ``R1 - R0`` (net revenue of the reported period minus that of the period before,
or of the same period a year earlier), both summing exactly to it:

**Through the drivers** (``by="drivers"``). Sales revenue of identified customers is the product of three
factors, ``S = C x F x V``: customers who ordered ``C``, orders per customer ``F = O / C`` (``O`` = their
orders) and average order value ``V = S / O``. Its change is split among the three by the **logarithmic mean
Divisia index** (LMDI-I; Ang & Liu 2001, Ang 2004 and 2015 in Energy Policy):

    effect of factor x = L(S1, S0) x ln(x1 / x0),   L(a, b) = (a - b) / (ln a - ln b),  L(a, a) = a

Because ``ln C + ln F + ln V = ln S``, the three effects add up to ``L(S1, S0) x ln(S1 / S0) = S1 - S0``
exactly, with no residual ("interaction") term. LMDI is chosen over a sequential bridge (change customers
first, then orders per customer, then order value) because a sequential bridge gives different money to each
factor depending on the order chosen, and over the Shapley average of all orders because LMDI has a closed form
that a reader can check with a calculator and gives the same split in both time directions. A factor that did
not move contributes 0; when only one moves, it takes the whole change. Logarithms need every factor positive
in both periods: when a period has no identified customer or no sales, the split cannot be made and
:class:`~workbench.errors.NotEnoughData` says so.

The rest of net revenue is added step by step (each only when it is not zero in both periods): sales to
guests (lines without a customer id), returns (dated when processed; an increase is a negative step) and other
kept lines (``non_product``), so that ``R = S + guest sales - returns + other`` and the steps end exactly at
``R1``.

**Through new and returning customers** (``by="customer_type"``). Additive: the change in sales to customers
new in the period (first order ever), to returning customers, to guests, minus the change in returns, plus the
change in other lines.

The inputs are the per-period rows of :func:`~workbench.analyses.sales.kpis.kpis_by_period`, carried by a
:class:`~workbench.analyses.sales.kpis.KpiComparison`; this module queries nothing. Orders of identified
customers are counted once per customer on an order, so ``F`` is the mean number of orders per customer; with
no guest orders, ``C``, ``O`` and ``V`` equal the report's customers, orders and average order value.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from workbench.analyses.sales.kpis import KpiComparison
from workbench.errors import DataError, NotEnoughData

__all__ = ["BRIDGES", "RevenueBridge", "revenue_bridge"]

# The two ways to walk from one period's net revenue to another's, and their steps in order.
BRIDGES: dict[str, tuple[str, ...]] = {
    "drivers": ("customers", "orders_per_customer", "order_value", "guest_sales", "returns", "other"),
    "customer_type": ("new_customers", "returning_customers", "guest_sales", "returns", "other"),
}
# Steps shown only when the data have them in one of the two periods.
_OPTIONAL = ("guest_sales", "returns", "other")


@dataclass(frozen=True)
class RevenueBridge:
    """Net revenue of one period walked to another's, one step per driver.

    ``steps`` has one row per step (index = step key of :data:`BRIDGES`) and columns ``before`` and ``after``
    (the driver's value in the earlier and the reported period: customers, orders per customer, money; returns
    as the positive amount given back) and ``contribution`` (money, what the step adds to net revenue: more
    returns is a negative contribution; the contributions sum to ``end - start``).
    """
    by: str
    start_label: str
    end_label: str
    start: float
    end: float
    steps: pd.DataFrame
    complete: bool

    @property
    def change(self) -> float:
        """Net revenue change, end - start."""
        return self.end - self.start

    @property
    def change_pct(self) -> float:
        """Relative change, end / start - 1 (NaN when the earlier period had no revenue)."""
        return self.end / self.start - 1 if self.start else float("nan")

    def __repr__(self) -> str:
        parts = ", ".join(f"{k} {v:+,.2f}" for k, v in self.steps["contribution"].items())
        return (f"<RevenueBridge by {self.by}: {self.start_label} {self.start:,.2f} -> {self.end_label} "
                f"{self.end:,.2f} ({parts})>")


def _log_mean(a: float, b: float) -> float:
    """The logarithmic mean ``(a - b) / (ln a - ln b)`` of two positive numbers (``a`` when they are equal).

    >>> round(_log_mean(2.0, 1.0), 6)
    1.442695
    """
    if a <= 0 or b <= 0:
        raise DataError(f"the logarithmic mean needs two positive numbers, not {a!r} and {b!r}",
                        source="revenue_bridge", fix="Check the inputs: the LMDI split needs positive factors.")
    if a == b:
        return float(a)
    return (a - b) / (math.log(a) - math.log(b))


def revenue_bridge(comparison: KpiComparison, *, by: str = "drivers", against: str = "previous") -> RevenueBridge:
    """The change in net revenue from an earlier period to the reported one, split into steps in money.

    Parameters
    ----------
    comparison : KpiComparison
        ``wb.sales.kpi_comparison(orders, ...)``: the reported period and the periods it is compared with.
    by : {"drivers", "customer_type"}
        ``"drivers"``: customers, orders per customer and average order value (LMDI, see the module
        docstring), then guest sales, returns and other lines. ``"customer_type"``: new customers, returning
        customers, guests, returns, other lines.
    against : {"previous", "last_year"}
        The earlier period: the one before (default) or the same period a year earlier.

    Returns
    -------
    RevenueBridge
        ``start`` and ``end`` net revenue and one contribution per step; the contributions sum to
        ``end - start``.

    Raises
    ------
    NotEnoughData
        If the data do not cover the earlier period, or (``by="drivers"``) a period has no identified
        customer or no sales to them, so the change cannot be split multiplicatively.
    """
    if by not in BRIDGES:
        raise DataError(f"by={by!r} is not one of {list(BRIDGES)}", source="revenue_bridge",
                        fix="Use 'drivers' (customers x orders per customer x order value) or 'customer_type' "
                            "(new vs returning).")
    if against not in ("previous", "last_year"):
        raise DataError(f"against={against!r} is not one of ['previous', 'last_year']", source="revenue_bridge",
                        fix="Compare with the 'previous' period or the same period a year earlier ('last_year').")
    cur, old = comparison.current, comparison.window(against)
    if not old.in_data:
        raise NotEnoughData(f"the orders start on {comparison.first_date:%d %b %Y}, so there is no {old.label} "
                            f"to compare {cur.label} with")
    rows = comparison.periods
    p0 = {k: float(v) for k, v in rows.loc[against].items() if _is_number(v)}
    p1 = {k: float(v) for k, v in rows.loc["current"].items() if _is_number(v)}
    parts = {0: _parts(p0), 1: _parts(p1)}
    if by == "drivers":
        for which, window in ((0, old), (1, cur)):
            c = parts[which]
            if c["customers"] <= 0 or c["customer_orders"] <= 0:
                raise NotEnoughData(f"no identified customer ordered in {window.label}, so the change cannot be "
                                    "split into customers, orders per customer and order value")
            if c["customer_sales"] <= 0:
                raise NotEnoughData(f"identified customers' sales in {window.label} are not positive, so the "
                                    "change cannot be split into customers, orders per customer and order value")
        steps = _drivers(parts[0], parts[1])
    else:
        steps = _customer_types(parts[0], parts[1])
    for key in _OPTIONAL:
        row = steps.loc[key]
        if row["before"] == 0 and row["after"] == 0:
            steps = steps.drop(index=key)
    steps.index.name = "step"
    return RevenueBridge(by=by, start_label=old.label, end_label=cur.label, start=p0["revenue"],
                         end=p1["revenue"], steps=steps, complete=cur.complete and old.complete)


def _is_number(value: object) -> bool:
    try:
        float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True


def _parts(p: dict[str, float]) -> dict[str, float]:
    """The additive parts of one period's net revenue, and the three factors of identified customers' sales."""
    out = {
        "revenue": p["revenue"],
        "customers": p["customers"],
        "customer_orders": p["customer_orders"],
        "customer_sales": p["gross_sales"] - p["guest_sales"],
        "new_customers": p["new_customer_sales"],
        "returning_customers": p["returning_customer_sales"],
        "guest_sales": p["guest_sales"],
        "returns": p["returns"],
    }
    out["other"] = p["revenue"] - p["gross_sales"] + p["returns"]
    return out


def _drivers(a: dict[str, float], b: dict[str, float]) -> pd.DataFrame:
    factors0 = {"customers": a["customers"], "orders_per_customer": a["customer_orders"] / a["customers"],
                "order_value": a["customer_sales"] / a["customer_orders"]}
    factors1 = {"customers": b["customers"], "orders_per_customer": b["customer_orders"] / b["customers"],
                "order_value": b["customer_sales"] / b["customer_orders"]}
    weight = _log_mean(b["customer_sales"], a["customer_sales"])
    rows = {k: (factors0[k], factors1[k], weight * math.log(factors1[k] / factors0[k])) for k in factors0}
    for key in _OPTIONAL:
        rows[key] = _additive(a, b, key)
    return pd.DataFrame.from_dict(rows, orient="index", columns=["before", "after", "contribution"])


def _customer_types(a: dict[str, float], b: dict[str, float]) -> pd.DataFrame:
    rows = {k: _additive(a, b, k) for k in BRIDGES["customer_type"]}
    return pd.DataFrame.from_dict(rows, orient="index", columns=["before", "after", "contribution"])


def _additive(a: dict[str, float], b: dict[str, float], key: str) -> tuple[float, float, float]:
    """(before, after, contribution) of an additive part; returns are subtracted from net revenue."""
    sign = -1.0 if key == "returns" else 1.0
    return a[key], b[key], sign * (b[key] - a[key])
