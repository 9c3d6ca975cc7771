"""Store KPIs: every metric checked on the hand-worked store of conftest.py, plus CDNOW's published figures."""
from __future__ import annotations

import math
import warnings

import ibis
import numpy as np
import pandas as pd
import pytest

import workbench as wb
from workbench.analyses.sales import kpis as K
from workbench.errors import DataError, ParameterError


def _row(df: pd.DataFrame, start: str) -> pd.Series:
    return df.set_index("period_start").loc[pd.Timestamp(start)]


class TestKpisByPeriod:
    def test_january_2024_by_hand(self, store):
        jan = _row(K.kpis_by_period(store), "2024-01-01")
        assert jan["revenue"] == pytest.approx(175.0)          # 50 + 30 + 40 + 60 + 20 - 25
        assert jan["gross_sales"] == pytest.approx(200.0)
        assert jan["returns"] == pytest.approx(25.0)
        assert jan["orders"] == 4                                # o2, o3, o4, o5 (r1 is a return)
        assert jan["customers"] == 2                             # A and B; the guest line is not a customer
        assert jan["new_customers"] == 1                         # B
        assert jan["returning_customers"] == 1                   # A
        assert jan["new_customer_revenue"] == pytest.approx(100.0)
        assert jan["guest_revenue"] == pytest.approx(20.0)
        assert jan["returning_customer_revenue"] == pytest.approx(55.0)  # A: 50 + 30 - 25
        assert jan["units"] == 6
        assert jan["aov"] == pytest.approx(50.0)                 # 200 sales revenue / 4 orders
        assert jan["units_per_order"] == pytest.approx(1.5)
        assert jan["revenue_per_customer"] == pytest.approx(77.5)  # (100 + 55) / 2
        assert jan["repeat_purchase_rate"] == pytest.approx(0.5)   # B has 2 orders in January, A one
        assert jan["returning_customer_rate"] == pytest.approx(1.0)  # A ordered before, B twice in January
        assert jan["return_rate"] == pytest.approx(0.125)        # 25 / 200
        assert bool(jan["complete"])

    def test_the_parts_the_revenue_bridge_needs_by_hand(self, store):
        jan = _row(K.kpis_by_period(store), "2024-01-01")
        assert jan["customer_orders"] == 3                       # A: o2; B: o3, o4 (the guest's o5 is not counted)
        assert jan["orders_per_customer"] == pytest.approx(1.5)  # 3 orders / 2 customers
        assert jan["new_customer_sales"] == pytest.approx(100.0)  # B: 40 + 60
        assert jan["returning_customer_sales"] == pytest.approx(80.0)  # A: 50 + 30, before the 25 return
        assert jan["guest_sales"] == pytest.approx(20.0)
        parts = jan["new_customer_sales"] + jan["returning_customer_sales"] + jan["guest_sales"]
        assert parts == pytest.approx(jan["gross_sales"])

    def test_february_is_partial_and_counts_a_return_without_a_sale_as_returning_revenue(self, store):
        feb = _row(K.kpis_by_period(store), "2024-02-01")
        assert not feb["complete"]
        assert feb["revenue"] == pytest.approx(65.0)             # 70 + 10 - 15
        assert (feb["customers"], feb["new_customers"], feb["returning_customers"]) == (2, 1, 1)
        assert feb["new_customer_revenue"] == pytest.approx(70.0)
        assert feb["returning_customer_revenue"] == pytest.approx(-5.0)  # B's 10 and D's -15
        assert feb["returning_customer_rate"] == pytest.approx(0.5)      # B yes, C (one order) no
        assert feb["repeat_purchase_rate"] == pytest.approx(0.0)

    def test_december_single_new_customer(self, store):
        dec = _row(K.kpis_by_period(store), "2023-12-01")
        assert (dec["orders"], dec["customers"], dec["new_customers"]) == (1, 1, 1)
        assert dec["returning_customer_rate"] == 0.0
        assert dec["return_rate"] == 0.0

    def test_months_without_orders_are_listed_with_zeros(self, store):
        df = K.kpis_by_period(store)
        assert len(df) == 14                                      # Jan 2023 .. Feb 2024
        gap = _row(df, "2023-06-01")
        assert (gap["revenue"], gap["orders"], gap["customers"]) == (0.0, 0, 0)
        assert math.isnan(gap["aov"])
        assert df["label"].iloc[0] == "Jan 2023" and df["period_end"].iloc[-1] == pd.Timestamp("2024-02-29")

    def test_revenue_splits_into_new_returning_and_guest(self, store):
        df = K.kpis_by_period(store)
        parts = df["new_customer_revenue"] + df["returning_customer_revenue"] + df["guest_revenue"]
        np.testing.assert_allclose(parts, df["revenue"])
        assert df["revenue"].sum() == pytest.approx(store["revenue"].sum())

    def test_weeks_start_on_monday_and_quarters_sum_months(self, store):
        weeks = K.kpis_by_period(store, period="week")
        assert (weeks["period_start"].dt.day_of_week == 0).all()
        wk = _row(weeks, "2024-01-15")                            # Mon 15 .. Sun 21 Jan: o4 and the guest o5
        assert (wk["orders"], wk["revenue"]) == (2, 80.0)
        q = _row(K.kpis_by_period(store, period="quarter"), "2024-01-01")
        assert q["revenue"] == pytest.approx(240.0) and q["orders"] == 6 and q["customers"] == 3
        assert q["label"] == "Q1 2024" and not q["complete"]

    def test_return_rate_is_missing_when_the_data_has_no_returns(self, store):
        df = K.kpis_by_period(store[store["line_type"] == "sale"])
        assert df["return_rate"].isna().all()

    def test_other_column_names_and_no_line_types(self, store):
        renamed = store[store["line_type"] == "sale"].rename(columns={"customer_id": "Email", "revenue": "Net"})
        df = K.kpis_by_period(renamed.drop(columns="line_type"), customer="Email", revenue="Net", line_type=None)
        assert _row(df, "2024-01-01")["revenue"] == pytest.approx(200.0)

    def test_accepts_an_ibis_table_and_order_lines(self, store):
        a = K.kpis_by_period(store)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*infer_string.*")
            table = ibis.memtable(store)
        pd.testing.assert_frame_equal(a, K.kpis_by_period(table))
        pd.testing.assert_frame_equal(a, K.kpis_by_period(wb.load_orders(store)))

    def test_unknown_period(self, store):
        with pytest.raises(ParameterError, match=r"period='fortnight' is not one of \['day', 'week', 'month', 'quarter'\]"):
            K.kpis_by_period(store, period="fortnight")

    def test_missing_column_names_the_column_and_the_fix(self, store):
        with pytest.raises(DataError, match=r"orders \(pandas DataFrame\): column `order_id`: 1 needed column "
                                            r"not found \(`order_id`\)\. Load the file with wb\.load_orders"):
            K.kpis_by_period(store.drop(columns="order_id"))

    def test_dates_as_text_are_refused_with_an_example(self, store):
        bad = store.assign(order_date=store["order_date"].dt.strftime("%d/%m/%Y"))
        with pytest.raises(DataError, match=r"column `order_date`: values are string, not dates or timestamps "
                                            r"\(first: '15/01/2023'\)\. Convert it with pd\.to_datetime"):
            K.kpis_by_period(bad)

    def test_empty_table(self, store):
        with pytest.raises(DataError, match=r"there are no order lines to report on \(0 rows\)"):
            K.kpis_by_period(store.iloc[:0])


class TestComparison:
    def test_defaults_to_the_last_complete_month(self, store):
        c = K.kpi_comparison(store)
        assert (c.current.label, c.previous.label, c.last_year.label) == ("Jan 2024", "Dec 2023", "Jan 2023")
        assert c.value("revenue") == pytest.approx(175.0)
        assert c.value("revenue", "previous") == pytest.approx(100.0)
        assert c.value("revenue", "last_year") == pytest.approx(80.0)
        assert c.table.loc["revenue", "change"] == pytest.approx(75.0)
        assert c.table.loc["revenue", "change_pct"] == pytest.approx(0.75)
        assert c.table.loc["revenue", "yoy_change_pct"] == pytest.approx(175 / 80 - 1)
        assert c.table.loc["repeat_purchase_rate", "change"] == pytest.approx(0.5)  # 0.5 - 0.0, in points
        assert c.table.loc["new_customers", "change_pct"] == pytest.approx(0.0)      # 1 vs 1
        assert list(c.table.columns) == ["current", "previous", "last_year", "change", "change_pct", "yoy_change",
                                         "yoy_change_pct"]
        assert c.value("orders") == 4 and isinstance(c.value("orders"), int)
        assert c.periods.loc["previous", "customer_orders"] == 1                 # A's o1 in December
        assert c.as_of == pd.Timestamp("2024-01-31")                              # January is complete

    def test_as_of_is_the_last_order_day_of_a_partial_period(self, store):
        c = K.kpi_comparison(store, period_end="2024-02-10")
        assert c.current.end == pd.Timestamp("2024-02-29") and c.as_of == pd.Timestamp("2024-02-20")
        assert c.window("last_year") is c.last_year
        with pytest.raises(DataError, match=r"which='next' is not one of"):
            c.window("next")

    def test_a_chosen_period_and_a_year_without_data(self, store):
        c = K.kpi_comparison(store, period_end="2024-02-10")
        assert c.current.label == "Feb 2024" and not c.current.complete
        assert c.last_year.label == "Feb 2023" and c.last_year.in_data           # inside the range, zero sales
        assert np.isnan(c.table.loc["revenue", "yoy_change_pct"])               # growth from zero is undefined
        q = K.kpi_comparison(store, period="quarter", period_end="2024-02-20")
        assert (q.current.label, q.previous.label, q.last_year.label) == ("Q1 2024", "Q4 2023", "Q1 2023")
        assert q.value("revenue") == pytest.approx(240.0)
        assert q.value("revenue", "previous") == pytest.approx(100.0)
        assert q.value("revenue", "last_year") == pytest.approx(80.0)

    def test_weekly_comparison_is_52_weeks_back(self, store):
        c = K.kpi_comparison(store, period="week", period_end="2024-01-17")
        assert c.current.start == pd.Timestamp("2024-01-15")
        assert c.last_year.start == pd.Timestamp("2023-01-16")                  # 52 weeks earlier, a Monday
        assert c.value("revenue") == pytest.approx(80.0)                        # o4 (Sat 20 Jan) + guest o5
        # E's order of Sunday 15 Jan 2023 belongs to the week of 9 Jan 2023, not to the comparison week
        assert c.last_year.in_data and c.value("revenue", "last_year") == 0.0

    def test_when_the_last_customer_was_acquired(self, store):
        # first orders: E Jan 2023, A Dec 2023, B 10 Jan 2024 (week of 8 Jan), C Feb 2024
        c = K.kpi_comparison(store)
        assert (c.last_acquisition, c.periods_since_acquisition) == ("Jan 2024", 0)          # B
        w = K.kpi_comparison(store, period="week", period_end="2024-01-17")
        assert w.value("new_customers") == 0 and w.value("customers") == 1                    # B again
        assert (w.last_acquisition, w.periods_since_acquisition) == ("Week of 8 Jan 2024", 1)
        n = K.kpi_comparison(store, period_end="2023-11-30")                                  # Feb-Nov: no order
        assert (n.last_acquisition, n.periods_since_acquisition) == ("Jan 2023", 10)
        assert K.kpi_comparison(store, period="quarter", period_end="2024-02-20").periods_since_acquisition == 0

    def test_period_end_outside_the_data(self, store):
        with pytest.raises(DataError, match=r"period_end: period_end '2030-01-31' is outside the orders' date "
                                            r"range 2023-01-15 to 2024-02-20 \(first: '2030-01-31'\)"):
            K.kpi_comparison(store, period_end="2030-01-31")

    def test_period_end_not_a_date(self, store):
        with pytest.raises(DataError, match=r"period_end: period_end is not a date \(first: 'last month'\)"):
            K.kpi_comparison(store, period_end="last month")


def test_metric_lists_are_columns_of_the_result(store):
    df = K.kpis_by_period(store)
    assert set(K.METRICS) <= set(df.columns)
    assert set(K.COMPARISON_METRICS) <= set(K.METRICS) and K.COUNT_METRICS <= set(K.METRICS)


@pytest.fixture(scope="module")
def monthly():
    return K.kpis_by_period(wb.load_orders("cdnow"))


class TestCdnow:
    """The shipped CDNOW data against the figures published with it (data/README.md)."""

    def test_published_totals(self, monthly):
        assert monthly["revenue"].sum() == pytest.approx(2_500_315.63, abs=0.005)
        assert monthly["orders"].sum() == 69_659                       # one line = one order in CDNOW
        assert monthly["units"].sum() == 167_881
        assert monthly["new_customers"].sum() == 23_570                # everyone is acquired exactly once
        assert monthly.loc[monthly["period_start"].dt.year == 1997, "orders"].sum() == 56_902

    def test_the_cohort_was_acquired_in_the_first_quarter_of_1997(self, monthly):
        acquired = monthly.set_index("label")["new_customers"]
        assert acquired[["Jan 1997", "Feb 1997", "Mar 1997"]].sum() == 23_570
        assert acquired.drop(["Jan 1997", "Feb 1997", "Mar 1997"]).eq(0).all()
        assert monthly["complete"].all() and len(monthly) == 18
