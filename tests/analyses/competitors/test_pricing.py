"""Price index, positions, price moves, promotions and stock-outs on hand-computed fixtures.

tests/fixtures/prices/positioning.csv, snapshot 2026-01-02 (reference = mean of counted competitor prices):

sku  us     counted competitor prices            mean    index               position
S1   10.00  A 8, B 12 (C out of stock)           10      100                 in line
S2    9.00  A 9, B 9, C 11 (tie at the lowest)   29/3    900/(29/3)=93.10    tied cheapest
S3   20.00  C 25 (A no price, B not listed)      25      80                  cheapest
S4    5.00  none (A and B out of stock)          -       -                   (no competitor price)
S5   15.00  A 10, B 12                           11      1500/11=136.36      most expensive
S6   10.05  A 9, B 10                            9.5     1005/9.5=105.79     tied most expensive (10.05 vs 10)
S7    7.00  A 7.05 (C's price is 13 days old)    7.05    700/7.05=99.29      in line (within 1% of all)
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import workbench as wb
from workbench.errors import DataError

FIX = Path(__file__).resolve().parents[2] / "fixtures" / "prices"
MEAN_INDEX = {"S1": 100.0, "S2": 900 / (29 / 3), "S3": 80.0, "S5": 1500 / 11, "S6": 1005 / 9.5, "S7": 700 / 7.05}


@pytest.fixture
def data():
    return wb.load_price_monitoring(FIX / "positioning.csv", own_seller="us", weight_column="revenue")


class TestPriceIndex:
    def test_mean_reference(self, data):
        idx = wb.competitors.price_index(data)
        got = idx["price_index"].dropna().to_dict()
        assert got == pytest.approx(MEAN_INDEX)
        assert np.isnan(idx.at["S4", "price_index"]) and idx.at["S4", "status"] == "no competitor price"
        assert idx.position.drop(index="S4").to_dict() == {
            "S1": "in line", "S2": "tied cheapest", "S3": "cheapest", "S5": "most expensive",
            "S6": "tied most expensive", "S7": "in line"}
        assert pd.isna(idx.at["S4", "position"])

    def test_counts_of_what_was_left_out(self, data):
        idx = wb.competitors.price_index(data)
        assert idx.competitors_counted.to_dict() == {"S1": 2, "S2": 3, "S3": 1, "S4": 0, "S5": 2, "S6": 2, "S7": 1}
        assert idx.competitors_out_of_stock.to_dict() == {"S1": 1, "S2": 0, "S3": 0, "S4": 2, "S5": 0, "S6": 0,
                                                          "S7": 0}
        assert idx.at["S3", "competitors_no_price"] == 1 and idx.at["S3", "competitors_not_listed"] == 1
        assert idx.at["S7", "competitors_not_listed"] == 2  # B never, C only with a 13-day-old price

    def test_ties_name_every_cheapest_competitor(self, data):
        idx = wb.competitors.price_index(data)
        assert idx.at["S2", "cheapest_competitor"] == "A, B"
        assert idx.at["S1", "cheapest_competitor"] == "A"

    def test_own_price_counts_even_when_we_are_out_of_stock(self, data):
        idx = wb.competitors.price_index(data)
        assert not idx.at["S7", "own_in_stock"] and idx.at["S7", "price_index"] == pytest.approx(700 / 7.05)

    def test_lowest_competitor_reference(self, data):
        idx = wb.competitors.price_index(data, reference="min")
        assert idx.price_index.dropna().to_dict() == pytest.approx(
            {"S1": 125.0, "S2": 100.0, "S3": 80.0, "S5": 150.0, "S6": 1005 / 9, "S7": 700 / 7.05})

    def test_named_competitor_reference(self, data):
        idx = wb.competitors.price_index(data, reference="b")
        assert idx.price_index.dropna().to_dict() == pytest.approx({"S1": 1000 / 12, "S2": 100.0, "S5": 125.0,
                                                                    "S6": 100.5})
        assert idx.loc[["S3", "S4", "S7"], "status"].tolist() == ["no competitor price"] * 3

    def test_tolerance_zero(self, data):
        idx = wb.competitors.price_index(data, tolerance=0.0)
        assert idx.position.to_dict()["S2"] == "tied cheapest"  # exactly equal to A and B
        assert idx.position.to_dict()["S6"] == "most expensive"
        assert idx.position.to_dict()["S7"] == "cheapest"

    def test_older_snapshot_and_age_limit(self, data):
        idx = wb.competitors.price_index(data, max_age_days=30)
        # C's 5.00 from 2025-12-20 now counts for S7: mean (7.05 + 5) / 2
        assert idx.at["S7", "price_index"] == pytest.approx(700 / 6.025)
        assert idx.at["S7", "position"] == "tied most expensive"  # 7.00 within 1% of the highest, 7.05
        early = wb.competitors.price_index(data, as_of="2025-12-31", max_age_days=30)
        assert early.empty  # we have no own price before January

    def test_overall_index(self, data):
        idx = wb.competitors.price_index(data)
        ov = wb.competitors.overall_price_index(idx)
        assert ov.at["unweighted", "price_index"] == pytest.approx(np.mean(list(MEAN_INDEX.values())))
        weighted = (100 * 100 + 300 * MEAN_INDEX["S2"] + 50 * MEAN_INDEX["S5"] + 50 * MEAN_INDEX["S6"]) / 500
        assert ov.at["revenue-weighted", "price_index"] == pytest.approx(weighted)
        assert ov.at["revenue-weighted", "weight_share"] == pytest.approx(500 / 1000)  # S4's 500 has no index
        assert ov.at["unweighted", "skus_used"] == 6 and ov.at["unweighted", "skus_without_index"] == 1

    def test_overall_index_with_given_weights(self, data):
        idx = wb.competitors.price_index(data)
        w = {"S1": 1, "S2": 1, "S3": 2, "S4": 0, "S5": 0, "S6": 0, "S7": 0}
        ov = wb.competitors.overall_price_index(idx, weights=w)
        assert ov.at["revenue-weighted", "price_index"] == pytest.approx((100 + MEAN_INDEX["S2"] + 160) / 4)
        with pytest.raises(DataError, match=r"weights: no weight for some skus \(1 row; first: sku S7\)"):
            wb.competitors.overall_price_index(idx, weights={k: v for k, v in w.items() if k != "S7"})
        with pytest.raises(DataError, match=r"weights below 0"):
            wb.competitors.overall_price_index(idx, weights={**w, "S1": -1})

    def test_position_counts(self, data):
        pc = wb.competitors.position_counts(wb.competitors.price_index(data))
        assert pc.skus.to_dict() == {"cheapest": 1, "tied cheapest": 1, "in line": 2, "tied most expensive": 1,
                                     "most expensive": 1}
        assert pc.share.sum() == pytest.approx(1.0)

    def test_bad_reference_and_tolerance(self, data):
        with pytest.raises(DataError, match=r"reference 'Amazon' is neither 'mean', 'min' nor a competitor.*"
                                            r"\['A', 'B', 'C'\]"):
            wb.competitors.price_index(data, reference="Amazon")
        with pytest.raises(DataError, match=r"tolerance=5 must be a fraction"):
            wb.competitors.price_index(data, tolerance=5)


def _frame(rows, columns=("sku", "seller", "date", "price", "in_stock")):
    return pd.DataFrame(rows, columns=list(columns))


class TestActivity:
    def test_price_changes_by_hand(self):
        rows = [("X", "A", "2026-01-01 09:00", 10.0, 1), ("X", "A", "2026-01-02 08:00", 11.0, 1),
                ("X", "A", "2026-01-02 18:00", 10.0, 1),  # the day's last observation counts: no change
                ("X", "A", "2026-01-03", 12.0, 1), ("X", "A", "2026-01-04", 9.0, 1),
                ("Y", "A", "2026-01-01", 5.0, 1), ("Y", "A", "2026-01-02", None, 0), ("Y", "A", "2026-01-03", 5.0, 1),
                ("Y", "A", "2026-01-04", 5.0, 1)]
        rows += [("X", "Us", f"2026-01-0{d}", 10.0, 1) for d in range(1, 5)]
        data = wb.load_price_monitoring(_frame(rows), own_seller="Us")
        ch = wb.competitors.price_changes(data)
        a = ch.loc["A"]
        assert (a.changes, a.sku_days) == (2, 7)
        assert a.change_rate == pytest.approx(2 / 5)  # 5 days with a previous price to compare with
        assert a.days_between_changes == pytest.approx(2.5)
        assert a.share_increases == 0.5
        assert a.median_abs_change == pytest.approx((0.2 + 0.25) / 2)
        assert (a.mean_increase, a.mean_decrease) == pytest.approx((0.2, -0.25))
        us = ch.loc["Us"]
        assert us.changes == 0 and us.change_rate == 0 and np.isnan(us.days_between_changes)
        assert ch.index.tolist() == ["Us", "A"] and ch.is_own.tolist() == [True, False]

    def test_promotions_and_stockouts_by_hand(self):
        rows = [("X", "A", "2026-01-01", 10.0, 1, 10.0, 0), ("X", "A", "2026-01-02", 8.0, 1, 10.0, 1),
                ("X", "A", "2026-01-03", 9.0, 1, 10.0, 1), ("X", "A", "2026-01-04", 10.0, 1, 10.0, 0),
                ("X", "A", "2026-01-05", 7.0, 0, 10.0, 1),  # out of stock: not a promotion day
                ("X", "Us", "2026-01-01", 10.0, 1, 10.0, 0), ("X", "Us", "2026-01-02", 10.0, 1, 10.0, 0)]
        cols = ("sku", "seller", "date", "price", "in_stock", "list_price", "on_promo")
        data = wb.load_price_monitoring(_frame(rows, cols), own_seller="Us")
        pr = wb.competitors.promotion_intensity(data)
        assert pr.at["A", "sku_days"] == 4 and pr.at["A", "promo_share"] == 0.5
        assert pr.at["A", "mean_discount"] == pytest.approx((0.2 + 0.1) / 2)
        assert pr.at["A", "skus_promoted"] == 1
        assert pr.at["Us", "promo_share"] == 0 and np.isnan(pr.at["Us", "mean_discount"])
        so = wb.competitors.stockout_share(data)
        assert so.at["A", "stockout_share"] == pytest.approx(1 / 5) and so.at["A", "skus_out_of_stock"] == 1
        assert so.at["Us", "stockout_share"] == 0

    def test_promotion_from_list_price_when_no_flag(self):
        rows = [("X", "A", "2026-01-01", 8.0, 1, 10.0), ("X", "A", "2026-01-02", 10.0, 1, 10.0),
                ("X", "Us", "2026-01-01", 10.0, 1, 10.0)]
        data = wb.load_price_monitoring(_frame(rows, ("sku", "seller", "date", "price", "in_stock", "list_price")),
                                        own_seller="Us")
        assert wb.competitors.promotion_intensity(data).at["A", "promo_share"] == 0.5

    def test_trend_by_hand(self):
        rows = [("X", "Us", "2026-01-01", 10.0, 1), ("X", "A", "2026-01-01", 8.0, 1),
                ("X", "Us", "2026-01-02", 10.0, 1), ("X", "A", "2026-01-02", 12.5, 1),
                ("Y", "Us", "2026-01-02", 4.0, 1), ("Y", "A", "2026-01-02", 5.0, 0)]
        data = wb.load_price_monitoring(_frame(rows), own_seller="Us")
        tr = wb.competitors.price_index_trend(data, weights={"X": 3, "Y": 1})
        assert tr.price_index.tolist() == pytest.approx([125.0, 80.0])
        assert tr.skus_used.tolist() == [1, 1]  # Y's competitor is out of stock
        assert tr.price_index_weighted.tolist() == pytest.approx([125.0, 80.0])

    def test_scorecard(self):
        data = wb.load_price_monitoring(None)
        sc = wb.competitors.seller_scorecard(data)
        assert sc.index[0] == "Our store" and np.isnan(sc.at["Our store", "index_vs_seller"])
        idx_b = wb.competitors.price_index(data, reference="Competitor B")
        assert sc.at["Competitor B", "index_vs_seller"] == pytest.approx(idx_b.price_index.mean())
        # the generator makes Competitor C the seller most often out of stock and A cheaper than B
        assert sc.stockout_share.idxmax() == "Competitor C"
        assert sc.at["Competitor A", "index_vs_seller"] > sc.at["Competitor B", "index_vs_seller"]
