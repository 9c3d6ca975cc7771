"""Choice shares overall and under promotion, counted by hand on a tiny panel and checked against the figures
data/README.md gives for the shipped yogurt panel."""
from __future__ import annotations

import numpy as np
import pytest

import workbench as wb
from workbench.errors import NotEnoughData


class TestDescriptive:
    def test_shares_by_hand(self):
        p = wb.load_choice_panel("tests/fixtures/choice/tiny_panel.csv")
        s = wb.competitors.choice_shares(p)
        # occasions kept: 1 alpha, 2 beta, 3 gamma, 5 beta
        assert s.occasions_won.tolist() == [1, 2, 1]
        assert s.share.tolist() == [0.25, 0.5, 0.25]
        assert s.mean_price["alpha"] == pytest.approx((1.0 + 1.2 + 1.0 + 1.0) / 4)
        assert s.feature_rate.tolist() == [0.25, 0.25, 0.25]
        assert s.display_rate.tolist() == [0.0, 0.25, 0.25]

    def test_promotion_shares_by_hand(self):
        p = wb.load_choice_panel("tests/fixtures/choice/tiny_panel.csv")
        s = wb.competitors.promotion_shares(p).set_index(["alternative", "promotion"])
        # alpha featured on occasion 1 (won); not featured on 2, 3, 5 (won none)
        assert s.loc[("alpha", "feature"), "occasions_promoted"] == 1
        assert s.loc[("alpha", "feature"), "share_promoted"] == 1.0
        assert s.loc[("alpha", "feature"), "share_not_promoted"] == 0.0
        # beta featured on occasion 2 (won); not on 1, 3, 5 (won 5): 1/3
        assert s.loc[("beta", "feature"), "share_not_promoted"] == pytest.approx(1 / 3)
        assert s.loc[("beta", "feature"), "lift"] == pytest.approx(2 / 3)
        assert np.isnan(s.loc[("alpha", "display"), "share_promoted"])  # never displayed

    def test_yogurt_shares(self, yogurt):
        s = wb.competitors.choice_shares(yogurt)
        assert s.loc["Dannon", "share"] == pytest.approx(970 / 2412)
        assert s.loc["Yoplait", "median_price"] == 10.8  # data/README.md: yoplait median 10.8
        assert s.loc["Yoplait", "feature_rate"] == pytest.approx(0.056, abs=5e-4)  # README: 5.6%

    def test_no_promotion_flags_is_not_enough_data(self):
        tuna = wb.load_choice_panel("tuna")
        assert "feature_rate" not in wb.competitors.choice_shares(tuna).columns
        with pytest.raises(NotEnoughData, match=r"tuna: the panel records no promotions"):
            wb.competitors.promotion_shares(tuna)
        skipped = wb.attempt(wb.competitors.promotion_shares, tuna, section="Under promotion")
        assert not skipped and "records no promotions" in skipped.reason
