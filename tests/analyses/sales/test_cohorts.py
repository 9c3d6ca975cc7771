"""Acquisition cohorts on the hand-worked store of conftest.py, and CDNOW's published acquisition window."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import workbench as wb
from workbench.analyses.sales import cohorts as C
from workbench.errors import DataError, NotEnoughData


def _cell(table: pd.DataFrame, cohort: str, age: int) -> pd.Series:
    return table.set_index(["cohort", "age"]).loc[(pd.Timestamp(cohort), age)]


class TestCohortRetention:
    def test_cohorts_by_hand(self, store):
        t = C.cohort_retention(store)  # February 2024 is incomplete and left out: cohorts E, A, B
        assert sorted(t["cohort"].dt.strftime("%Y-%m").unique()) == ["2023-01", "2023-12", "2024-01"]
        a0, a1 = _cell(t, "2023-12-01", 0), _cell(t, "2023-12-01", 1)     # customer A
        assert (a0["cohort_size"], a0["active_customers"], a0["revenue"]) == (1, 1, 100.0)
        assert (a1["active_customers"], a1["orders"]) == (1, 1)
        assert a1["revenue"] == pytest.approx(55.0)                         # 50 + 30 - the 25 return
        assert a1["retention"] == 1.0
        assert a1["revenue_retention"] == pytest.approx(0.55)
        assert a1["cumulative_revenue_per_customer"] == pytest.approx(155.0)
        b0 = _cell(t, "2024-01-01", 0)                                      # customer B: two orders
        assert (b0["active_customers"], b0["orders"], b0["revenue"]) == (1, 2, 100.0)

    def test_quiet_months_are_zero_and_unreached_months_absent(self, store):
        t = C.cohort_retention(store)
        e = t[t["cohort"] == pd.Timestamp("2023-01-01")]
        assert e["age"].tolist() == list(range(13))                         # Jan 2023 .. Jan 2024
        assert e["retention"].tolist() == [1.0] + [0.0] * 12
        assert e["cumulative_revenue_per_customer"].tolist() == [80.0] * 13
        m = C.cohort_matrix(t)
        assert m.shape == (3, 13)
        assert np.isnan(m.loc[pd.Timestamp("2024-01-01"), 1])               # B's cohort has not reached month 1

    def test_partial_last_month_on_request(self, store):
        t = C.cohort_retention(store, complete_months_only=False)
        assert _cell(t, "2024-02-01", 0)["cohort_size"] == 1                # C
        b1 = _cell(t, "2024-01-01", 1)
        assert (b1["retention"], b1["revenue"]) == (1.0, 10.0)
        a2 = _cell(t, "2023-12-01", 2)
        assert (a2["active_customers"], a2["revenue"]) == (0, 0.0)
        assert set(t["cohort_size"].groupby(t["cohort"]).first()) == {1}   # D (returns only) has no cohort

    def test_retention_by_age_weights_by_cohort_size(self, store):
        r = C.retention_by_age(C.cohort_retention(store)).set_index("age")
        assert (r.loc[0, "cohorts"], r.loc[0, "customers"], r.loc[0, "retention"]) == (3, 3, 1.0)
        assert r.loc[1, "cohorts"] == 2 and r.loc[1, "retention"] == pytest.approx(0.5)   # A yes, E no
        assert r.loc[1, "cumulative_revenue_per_customer"] == pytest.approx((80 + 155) / 2)

    def test_matrix_of_another_column_and_a_wrong_one(self, store):
        t = C.cohort_retention(store)
        assert C.cohort_matrix(t, column="revenue").loc[pd.Timestamp("2023-12-01"), 1] == pytest.approx(55.0)
        with pytest.raises(DataError, match=r"cohort_matrix: column='churn' is not a column of the cohorts"):
            C.cohort_matrix(t, column="churn")

    def test_no_customer_ids(self, store):
        with pytest.raises(NotEnoughData, match=r"column `customer_id`: no line has a customer id, so there are no "
                                                r"cohorts\. Cohorts need identified customers"):
            C.cohort_retention(store.assign(customer_id=pd.Series([None] * len(store), dtype="string")))

    def test_no_complete_month_says_so_instead_of_blaming_the_customer_ids(self, store):
        # the case: four days of a new shop, every line with a customer id
        days = store[store["order_date"] >= pd.Timestamp("2024-02-01")]
        with pytest.raises(NotEnoughData, match=r"no calendar month is complete yet: the orders run from 03 Feb 2024 "
                                                r"to 20 Feb 2024, and cohorts compare whole months\. Cohorts appear "
                                                r"once the data cover a whole calendar month\."):
            C.cohort_retention(days)
        partial = C.cohort_retention(days, complete_months_only=False)     # on request, the partial month
        assert partial["cohort"].dt.strftime("%Y-%m").unique().tolist() == ["2024-02"]


def test_cdnow_has_three_cohorts_of_the_published_size():
    table = C.cohort_retention(wb.load_orders("cdnow"))
    # every first purchase falls in 1997-01-01 .. 1997-03-25 (data/README.md)
    sizes = table.drop_duplicates("cohort").set_index("cohort")["cohort_size"]
    assert list(sizes.index.strftime("%Y-%m")) == ["1997-01", "1997-02", "1997-03"]
    assert sizes.sum() == 23_570                                        # data/README.md
    assert table["revenue"].sum() == pytest.approx(2_500_315.63, abs=0.01)
    assert table.groupby("cohort")["age"].max().tolist() == [17, 16, 15]  # through June 1998
