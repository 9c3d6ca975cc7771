"""RFM: per-customer values by hand, quintile scores against scipy, the segment rules triple by triple."""
from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import workbench as wb
from workbench.errors import DataError, NotEnoughData

R = importlib.import_module("workbench.analyses.customers.rfm")  # the module (the package exports the function)

# The small store of tests/analyses/sales/conftest.py: E, A, B, C buy; D only returns; one guest line.
LINES = [
    ("o0", "E", "2023-01-15", 80.0, "sale"), ("o1", "A", "2023-12-10", 100.0, "sale"),
    ("o2", "A", "2024-01-05", 50.0, "sale"), ("o2", "A", "2024-01-05", 30.0, "sale"),
    ("o3", "B", "2024-01-10", 40.0, "sale"), ("o4", "B", "2024-01-20", 60.0, "sale"),
    ("o5", None, "2024-01-15", 20.0, "sale"), ("r1", "A", "2024-01-25", -25.0, "return"),
    ("o6", "C", "2024-02-03", 70.0, "sale"), ("o7", "B", "2024-02-14", 10.0, "sale"),
    ("r2", "D", "2024-02-20", -15.0, "return"),
]


@pytest.fixture
def store() -> pd.DataFrame:
    df = pd.DataFrame(LINES, columns=["order_id", "customer_id", "order_date", "revenue", "line_type"])
    df["order_date"] = pd.to_datetime(df["order_date"]).astype("datetime64[us]")
    return df


class TestRfm:
    def test_values_scores_and_segments_by_hand(self, store):
        t = wb.customers.rfm(store).set_index("customer_id")
        assert t.attrs["as_of"] == "2024-02-20"                      # the last order date
        assert list(t.index) == ["A", "B", "C", "E"]                 # D has no sale, the guest no id
        assert t["recency_days"].to_dict() == {"A": 46, "B": 6, "C": 17, "E": 401}
        assert t["frequency"].to_dict() == {"A": 2, "B": 3, "C": 1, "E": 1}
        assert t["monetary"].to_dict() == {"A": 155.0, "B": 110.0, "C": 70.0, "E": 80.0}  # A: 100+50+30-25
        assert t.loc["A", "avg_order_value"] == pytest.approx(90.0)  # 180 of sales over 2 orders
        # n = 4: score = 1 + floor(5 x customers strictly worse / 4)
        assert t["r_score"].to_dict() == {"E": 1, "A": 2, "C": 3, "B": 4}
        assert t["f_score"].to_dict() == {"C": 1, "E": 1, "A": 3, "B": 4}   # C and E tie: both 1
        assert t["m_score"].to_dict() == {"C": 1, "E": 2, "B": 3, "A": 4}
        assert t["rfm_score"].to_dict() == {"A": "234", "B": "443", "C": "311", "E": "112"}
        assert t["segment"].astype(str).to_dict() == {
            "A": "At risk",      # in At risk (1-2/2-5/2-5) and Loyal (2-5/3-5/3-5): the smaller box wins
            "B": "Loyal",
            "C": "Promising",    # in Promising, About to sleep and Potential loyalist: Promising is smallest
            "E": "Lost",
        }
        assert t["segment_exact"].all()

    def test_as_of_ignores_later_lines(self, store):
        t = wb.customers.rfm(store, as_of="2024-01-31").set_index("customer_id")
        assert list(t.index) == ["A", "B", "E"]
        assert t.loc["B", "frequency"] == 2 and t.loc["B", "recency_days"] == 11
        assert t.loc["A", "monetary"] == 155.0                        # the January return counts

    def test_other_column_names(self, store):
        renamed = store.rename(columns={"customer_id": "Email", "order_date": "Created at"})
        t = wb.customers.rfm(renamed, customer="Email", date="Created at")
        assert t["rfm_score"].tolist() == ["234", "443", "311", "112"]

    def test_bad_as_of(self, store):
        with pytest.raises(DataError, match=r"as_of: as_of is not a date \(first: 'yesterday'\)"):
            wb.customers.rfm(store, as_of="yesterday")
        with pytest.raises(DataError, match=r"no customer has an order on or before 2020-01-01"):
            wb.customers.rfm(store, as_of="2020-01-01")

    def test_missing_column(self, store):
        with pytest.raises(DataError, match=r"column `order_id`: 1 needed column not found"):
            wb.customers.rfm(store.drop(columns="order_id"))


class TestQuintileScore:
    def test_hand_computed(self):
        assert R.quintile_score([10, 20, 30, 40, 50]).tolist() == [1, 2, 3, 4, 5]
        # ten customers, values with ties: strictly-lower counts 0,0,0,3,3,5,6,6,6,9 -> 1+floor(5k/10)
        values = [1, 1, 1, 2, 2, 3, 4, 4, 4, 9]
        assert R.quintile_score(values).tolist() == [1, 1, 1, 2, 2, 3, 4, 4, 4, 5]
        assert R.quintile_score([5, 1, 3], higher_is_better=False).tolist() == [1, 4, 2]

    def test_matches_scipy_percentileofscore(self, rng):
        values = rng.poisson(3, 997).astype(float)                   # many ties
        expected = [1 + int(np.floor(stats.percentileofscore(values, v, kind="strict") / 20 + 1e-9))
                    for v in values]
        assert R.quintile_score(values).tolist() == expected
        recency = rng.integers(0, 400, 503)
        expected_r = [1 + int(np.floor((100 - stats.percentileofscore(recency, v, kind="weak")) / 20 + 1e-9))
                      for v in recency]
        assert R.quintile_score(recency, higher_is_better=False).tolist() == expected_r

    def test_equal_values_always_share_a_score_and_classes_are_fifths(self, rng):
        values = pd.Series(rng.integers(0, 30, 1000))
        scores = R.quintile_score(values)
        assert scores.groupby(values).nunique().max() == 1
        distinct = pd.Series(rng.permutation(1000))
        assert R.quintile_score(distinct).value_counts().tolist() == [200] * 5

    def test_missing_values_are_refused(self):
        with pytest.raises(DataError, match=r"quintile_score: cannot score missing values \(1 row; first: position 1\)"):
            R.quintile_score([1.0, np.nan, 3.0])


class TestSegments:
    @pytest.mark.parametrize("triple, segment, exact", [
        ((5, 5, 5), "Champions", True),
        ((2, 4, 4), "At risk", True),          # also Loyal; At risk is the smaller box
        ((1, 5, 5), "Can't lose them", True),  # also At risk
        ((4, 1, 1), "New", True),              # also Promising and Potential loyalist
        ((3, 1, 1), "Promising", True),
        ((3, 3, 3), "Need attention", True),   # also Loyal and Potential loyalist
        ((2, 2, 2), "Need attention", True),   # also About to sleep, At risk, Lost: same size, listed first
        ((2, 1, 2), "About to sleep", True),   # also Lost
        ((1, 2, 2), "Lost", True),             # also At risk
        ((5, 3, 2), "Potential loyalist", True),
        ((5, 1, 4), "Potential loyalist", False),  # no rule: one step from Potential loyalist's M 1-3
        ((3, 2, 5), "Loyal", False),           # one step from Loyal (F) and At risk (R): recency decides
        ((1, 1, 3), "Lost", False),            # one step from Lost (M) and At risk (F): Lost is smaller
        ((4, 5, 1), "Potential loyalist", False),
    ])
    def test_hand_checked_triples(self, triple, segment, exact):
        r, f, m = triple
        assert R.rfm_segment_of(r=r, f=f, m=m) == (segment, exact)

    def test_every_triple_gets_exactly_one_segment_and_every_segment_is_reachable(self):
        grid = R.rfm_segment_grid()
        assert len(grid) == 125 and not grid.duplicated(["r_score", "f_score", "m_score"]).any()
        names = [s.name for s in R.RFM_SEGMENTS]
        assert grid["segment"].isin(names).all()
        assert set(grid.loc[grid["segment_exact"], "segment"]) == set(names)
        assert (grid["rules_covering"] == 0).sum() == 36                # the gaps the docstring names
        assert (grid["rules_covering"] >= 2).sum() == 39                # the overlaps
        assert (grid["segment_exact"] == (grid["rules_covering"] > 0)).all()

    def test_exact_placements_respect_the_published_ranges(self):
        grid = R.rfm_segment_grid()
        rules = {s.name: s for s in R.RFM_SEGMENTS}
        for row in grid[grid["segment_exact"]].itertuples():
            s = rules[row.segment]
            assert s.r[0] <= row.r_score <= s.r[1] and s.f[0] <= row.f_score <= s.f[1]
            assert s.m[0] <= row.m_score <= s.m[1]

    def test_rules_match_the_rfm_package(self):
        rules = {s.name: (s.r, s.f, s.m) for s in R.RFM_SEGMENTS}
        assert rules["Champions"] == ((4, 5), (4, 5), (4, 5))
        assert rules["New"] == ((4, 5), (1, 1), (1, 1))
        assert rules["Can't lose them"] == ((1, 1), (4, 5), (4, 5))
        assert len(rules) == 10

    def test_bad_scores(self):
        with pytest.raises(DataError, match=r"RFM scores must be whole numbers from 1 to 5 \(first: \(0, 1, 1\)\)"):
            R.rfm_segment_of(r=0, f=1, m=1)
        with pytest.raises(TypeError):
            R.rfm_segment_of(5, 5, 5)  # keyword-only: which score is which is never left to the order


class TestSummary:
    def test_summary_by_hand(self, store):
        # four customers: fewer than a report needs (one per score class), allowed here to check the sums
        s = R.rfm_segment_summary(wb.customers.rfm(store), min_customers=1).set_index("segment")
        assert list(s.index) == [x.name for x in R.RFM_SEGMENTS]          # all ten, in rule order
        assert s["customers"].sum() == 4 and s.loc["Champions", "customers"] == 0
        assert s.loc["At risk", "revenue"] == 155.0 and s.loc["At risk", "orders"] == 2
        assert s.loc["At risk", "aov"] == pytest.approx(77.5)
        assert s["revenue_share"].sum() == pytest.approx(1.0)
        assert s.loc["Loyal", "revenue_share"] == pytest.approx(110 / 415)
        assert s.loc["Lost", "median_recency_days"] == 401

    def test_fewer_customers_than_score_classes_is_not_enough(self, store):
        with pytest.raises(NotEnoughData, match=r"only 4 identified customers ordered up to the reported date; RFM "
                                                r"scores rank customers in fifths against each other, which needs at "
                                                r"least 5 customers\. Segments appear once more customers have "
                                                r"ordered\."):
            R.rfm_segment_summary(wb.customers.rfm(store))
        with pytest.raises(NotEnoughData, match=r"only 4 identified customers"):
            R.rfm_segment_summary(R.rfm_query(store))               # the same rule in the engine

    def test_needs_segments(self):
        with pytest.raises(DataError, match=r"rfm_segment_summary: column `segment`: the table has no `segment` column"):
            R.rfm_segment_summary(pd.DataFrame({"monetary": [1.0]}))


def test_cdnow_frequency_matches_the_published_single_purchase_count():
    t = wb.customers.rfm(wb.load_orders("cdnow"))
    assert len(t) == 23_570 and t["monetary"].sum() == pytest.approx(2_500_315.63, abs=0.01)
    assert (t["frequency"] == 1).sum() == 11_908       # "11,908 customers with a single row" (data/README.md)
    assert t["frequency"].max() == 217                 # "at most 217 rows per customer"
    assert t["segment"].notna().all()
    assert (t.loc[t["frequency"] == 1, "f_score"] == 1).all()
