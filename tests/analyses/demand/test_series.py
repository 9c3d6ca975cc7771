"""Demand series: revenue, orders, customers and units per period by hand and on CDNOW; the closed-cohort rule."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import workbench as wb
from workbench.analyses.demand import acquisition_end, demand_series
from workbench.errors import DataError


@pytest.fixture
def lines() -> pd.DataFrame:
    # Wed 2024-01-03 .. Tue 2024-01-30: weeks starting Mon Jan 1 (partial), 8, 15 (no orders), 22, 29 (partial)
    return pd.DataFrame({
        "order_id": ["a", "a", "b", "r", "c", "d", "x"],
        "customer_id": ["1", "1", "2", "1", "1", "3", None],
        "order_date": pd.to_datetime(["2024-01-03", "2024-01-03", "2024-01-09", "2024-01-10", "2024-01-24",
                                      "2024-01-30", "2024-01-25"]),
        "revenue": [10.0, 5.0, 20.0, -5.0, 8.0, 12.0, 3.0],
        "quantity": [1, 1, 2, -1, 1, 1, 1],
        "line_type": ["sale", "sale", "sale", "return", "sale", "sale", "sale"],
    })


class TestSeries:
    def test_weekly_by_hand(self, lines):
        s = demand_series(lines, freq="week")
        assert list(s.index.strftime("%m-%d")) == ["01-01", "01-08", "01-15", "01-22", "01-29"]
        assert s.revenue.tolist() == [15.0, 15.0, 0.0, 11.0, 12.0]       # the return nets week 2
        assert s.orders.tolist() == [1, 1, 0, 2, 1]                       # the guest's order counts
        assert s.customers.tolist() == [1, 1, 0, 1, 1]                    # ... but not as a customer
        assert s.units.tolist() == [2, 2, 0, 2, 1]
        assert s.complete.tolist() == [False, True, True, True, False]
        assert s.attrs["seasonal_period"] == 52

    def test_monthly_and_daily(self, lines):
        m = demand_series(lines, freq="month")
        assert m.revenue.tolist() == [53.0] and m.complete.tolist() == [False]     # Jan 3 .. Jan 30 only
        d = demand_series(lines, freq="day")
        assert len(d) == 28 and d.loc["2024-01-10", "revenue"] == -5.0 and d.loc["2024-01-10", "orders"] == 0

    def test_cdnow_totals(self):
        s = demand_series(wb.load_orders("cdnow"), freq="week")
        assert s.revenue.sum() == pytest.approx(2_500_315.63)
        assert len(s) == 79 and s.complete.sum() == 77

    def test_bad_frequency(self, lines):
        with pytest.raises(DataError, match=r"freq='quarterly' is not one of \['day', 'week', 'month'\]"):
            demand_series(lines, freq="quarterly")

    def test_missing_column(self, lines):
        with pytest.raises(DataError, match=r"amount column `sales` not found"):
            demand_series(lines, amount="sales")


class TestAcquisitionEnd:
    def test_cdnow_is_a_closed_cohort(self):
        assert acquisition_end(wb.load_orders("cdnow")) == dt.date(1997, 3, 25)

    def test_a_store_that_keeps_acquiring(self, lines):
        assert acquisition_end(lines) is None                              # customer 3 first buys on the last day
