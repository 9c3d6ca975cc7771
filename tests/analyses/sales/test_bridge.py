"""The revenue bridge on the hand-worked store of conftest.py and on tiny hand-computed shops.

LMDI by hand (December 2023 -> January 2024 in conftest.py): identified customers' sales go from S0 = 100
(A: one order of 100) to S1 = 180 (A: o2 = 80; B: o3 = 40, o4 = 60), so L(S1, S0) = 80 / ln(1.8) = 136.1038...;
customers 1 -> 2, orders per customer 1 -> 1.5, order value 100 -> 60:

    customers            136.1038 x ln 2   =  94.3400
    orders per customer  136.1038 x ln 1.5 =  55.1853
    order value          136.1038 x ln 0.6 = -69.5253
    sum                                     =  80.0000 = S1 - S0

then guest sales 0 -> 20 (+20) and returns 0 -> 25 (-25): 100 + 80 + 20 - 25 = 175, January's net revenue.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from workbench.analyses.sales import bridge as B
from workbench.analyses.sales import kpis as K
from workbench.data.synthetic import generate_orders
from workbench.errors import DataError, NotEnoughData


def _lines(rows: list[tuple]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["order_id", "customer_id", "order_date", "revenue", "line_type"])
    df["order_date"] = pd.to_datetime(df["order_date"]).astype("datetime64[us]")
    df["customer_id"] = df["customer_id"].astype("string")
    df["quantity"] = np.where(df["line_type"] == "return", -1, 1)
    return df


class TestDrivers:
    def test_lmdi_by_hand(self, store):
        b = B.revenue_bridge(K.kpi_comparison(store))
        assert (b.start_label, b.end_label, b.start, b.end) == ("Dec 2023", "Jan 2024", 100.0, 175.0)
        s = b.steps
        assert list(s.index) == ["customers", "orders_per_customer", "order_value", "guest_sales", "returns"]
        assert s["before"].tolist() == pytest.approx([1, 1, 100, 0, 0])
        assert s["after"].tolist() == pytest.approx([2, 1.5, 60, 20, 25])
        weight = 80 / math.log(1.8)
        assert weight == pytest.approx(136.1038, abs=1e-4)
        assert s.loc["customers", "contribution"] == pytest.approx(94.3400, abs=1e-4)
        assert s.loc["orders_per_customer", "contribution"] == pytest.approx(55.1853, abs=1e-4)
        assert s.loc["order_value", "contribution"] == pytest.approx(-69.5253, abs=1e-4)
        assert s.loc[["customers", "orders_per_customer", "order_value"], "contribution"].sum() == pytest.approx(80.0)
        assert s.loc["guest_sales", "contribution"] == 20.0 and s.loc["returns", "contribution"] == -25.0
        assert s["contribution"].sum() == pytest.approx(b.change, abs=1e-9) and b.change == 75.0
        assert b.change_pct == pytest.approx(0.75) and b.complete

    def test_a_factor_that_alone_moved_takes_the_whole_change(self):
        # two customers with one order of 50 in May, four in June: only the customer count moved
        shop = _lines([("a", "1", "2024-05-03", 50.0, "sale"), ("b", "2", "2024-05-09", 50.0, "sale"),
                       ("c", "1", "2024-06-03", 50.0, "sale"), ("d", "2", "2024-06-04", 50.0, "sale"),
                       ("e", "3", "2024-06-05", 50.0, "sale"), ("f", "4", "2024-06-30", 50.0, "sale")])
        b = B.revenue_bridge(K.kpi_comparison(shop))
        assert b.steps["contribution"].to_dict() == pytest.approx({"customers": 100.0, "orders_per_customer": 0.0,
                                                                   "order_value": 0.0}, abs=1e-9)

    def test_against_the_same_period_a_year_earlier(self, store):
        # Jan 2023: E, one order of 80 -> Jan 2024: L = 100 / ln(180 / 80)
        b = B.revenue_bridge(K.kpi_comparison(store), against="last_year")
        assert b.start_label == "Jan 2023" and b.start == 80.0
        weight = 100 / math.log(180 / 80)
        expected = {"customers": weight * math.log(2), "orders_per_customer": weight * math.log(1.5),
                    "order_value": weight * math.log(60 / 80), "guest_sales": 20.0, "returns": -25.0}
        assert b.steps["contribution"].to_dict() == pytest.approx(expected)
        assert b.steps["contribution"].sum() == pytest.approx(95.0, abs=1e-9)

    def test_other_lines_are_a_step_of_their_own(self):
        shop = _lines([("a", "1", "2024-05-03", 40.0, "sale"), ("a", "1", "2024-05-03", 5.0, "non_product"),
                       ("b", "1", "2024-06-03", 60.0, "sale"), ("b", "1", "2024-06-03", 8.0, "non_product"),
                       ("b", "1", "2024-06-30", 0.0, "sale")])
        b = B.revenue_bridge(K.kpi_comparison(shop))
        assert b.steps.loc["other"].tolist() == [5.0, 8.0, 3.0]
        assert b.steps["contribution"].sum() == pytest.approx(68.0 - 45.0, abs=1e-9)

    def test_a_period_without_customers_cannot_be_split(self, store):
        # December 2023 against November 2023, a month without orders
        comparison = K.kpi_comparison(store, period_end="2023-12-31")
        with pytest.raises(NotEnoughData, match=r"no identified customer ordered in Nov 2023, so the change cannot "
                                                r"be split into customers, orders per customer and order value"):
            B.revenue_bridge(comparison)
        by_type = B.revenue_bridge(comparison, by="customer_type")   # the additive bridge still works
        assert by_type.steps["contribution"].to_dict() == {"new_customers": 100.0, "returning_customers": 0.0}


class TestCustomerTypes:
    def test_by_hand(self, store):
        b = B.revenue_bridge(K.kpi_comparison(store), by="customer_type")
        assert b.steps.to_dict(orient="index") == {
            "new_customers": {"before": 100.0, "after": 100.0, "contribution": 0.0},        # A in Dec, B in Jan
            "returning_customers": {"before": 0.0, "after": 80.0, "contribution": 80.0},   # A's o2
            "guest_sales": {"before": 0.0, "after": 20.0, "contribution": 20.0},
            "returns": {"before": 0.0, "after": 25.0, "contribution": -25.0},
        }

    def test_steps_without_guests_or_returns_are_left_out(self, store):
        sales = store[store["customer_id"].notna() & (store["line_type"] == "sale")]
        b = B.revenue_bridge(K.kpi_comparison(sales), by="customer_type")
        assert list(b.steps.index) == ["new_customers", "returning_customers"]


@pytest.mark.parametrize("period", ["week", "month", "quarter"])
def test_steps_sum_to_the_change_in_every_period_pair(period):
    """Generated lines (returns, guests, several customers per period): both bridges end exactly at the revenue."""
    lines = generate_orders(3_000, seed=5)
    kpis = K.kpis_by_period(lines, period=period)
    checked = 0
    for start in kpis["period_start"].iloc[1:]:
        comparison = K.kpi_comparison(lines, period=period, period_end=start, kpis=kpis)
        for by in ("drivers", "customer_type"):
            b = B.revenue_bridge(comparison, by=by)
            assert b.start + b.steps["contribution"].sum() == pytest.approx(b.end, rel=1e-12, abs=1e-9)
            checked += 1
    assert checked >= 4


def test_no_earlier_period_in_the_data(store):
    comparison = K.kpi_comparison(store, period_end="2023-01-31")
    with pytest.raises(NotEnoughData, match=r"the orders start on 15 Jan 2023, so there is no Dec 2022 to compare "
                                            r"Jan 2023 with"):
        B.revenue_bridge(comparison)


def test_bad_arguments(store):
    comparison = K.kpi_comparison(store)
    with pytest.raises(DataError, match=r"revenue_bridge: by='channel' is not one of \['drivers', 'customer_type'\]"):
        B.revenue_bridge(comparison, by="channel")
    with pytest.raises(DataError, match=r"revenue_bridge: against='next' is not one of"):
        B.revenue_bridge(comparison, against="next")
    with pytest.raises(DataError, match=r"needs two positive numbers"):
        B._log_mean(0.0, 1.0)
    assert B._log_mean(3.0, 3.0) == 3.0
