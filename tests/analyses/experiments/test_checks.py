"""Trust checks: the SRM test against hand-computed chi-square values and scipy, double assignment by hand."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from workbench.analyses.experiments.checks import double_assignment, srm_check
from workbench.errors import DataError


def _arms(counts: dict[str, int]) -> pd.DataFrame:
    return pd.DataFrame({"variant": np.repeat(list(counts), list(counts.values()))})


class TestSRM:
    def test_fires_on_52_48_of_20000(self):
        r = srm_check(_arms({"control": 10_400, "treatment": 9_600}), planned=[50, 50])
        # hand: chi2 = 2 * 400^2 / 10,000 = 32; for 1 df, P(chi2 > x) = erfc(sqrt(x / 2)) = erfc(4)
        assert r.chi2 == pytest.approx(32.0)
        assert r.p_value == pytest.approx(math.erfc(4.0), rel=1e-9)
        assert r.flagged
        assert r.table["users"].tolist() == [10_400, 9_600]
        assert r.table["expected_users"].tolist() == [10_000, 10_000]

    def test_quiet_on_a_fair_split(self):
        r = srm_check(_arms({"control": 10_050, "treatment": 9_950}))
        assert r.chi2 == pytest.approx(0.5)                                      # 2 x 50^2 / 10,000
        assert r.p_value == pytest.approx(math.erfc(0.5), rel=1e-9)              # 0.4795
        assert not r.flagged

    def test_unequal_plan_and_three_arms(self):
        data = _arms({"control": 10_400, "treatment": 9_600})
        assert not srm_check(data, planned={"control": 52, "treatment": 48}).flagged
        three = _arms({"control": 5_000, "b": 2_500, "c": 2_500})
        r = srm_check(three, planned=[0.5, 0.25, 0.25])
        assert r.chi2 == pytest.approx(0.0) and r.table["variant"].tolist() == ["control", "b", "c"]
        direct = stats.chisquare([5_100, 2_400, 2_500], f_exp=[5_000, 2_500, 2_500])
        r = srm_check(_arms({"control": 5_100, "b": 2_400, "c": 2_500}), planned=[2, 1, 1])
        assert r.p_value == pytest.approx(direct.pvalue)

    def test_variant_without_traffic(self):
        with pytest.raises(DataError, match=r"variant 'treatment_b' has no users although the plan gives it "
                                            r"33.3% of traffic \(control: 10 users, treatment: 10 users, "
                                            r"treatment_b: 0 users\)"):
            srm_check(_arms({"control": 10, "treatment": 10}),
                      planned={"control": 1, "treatment": 1, "treatment_b": 1})

    def test_variant_not_in_plan(self):
        with pytest.raises(DataError, match=r"variant 'b' has users but is not in the planned split"):
            srm_check(_arms({"control": 10, "b": 10}), planned={"control": 1, "treatment": 1})

    def test_wrong_number_of_shares(self):
        with pytest.raises(DataError, match=r"planned split has 3 shares but the data has 2 variants"):
            srm_check(_arms({"control": 10, "b": 10}), planned=[1, 1, 1])

    def test_control_missing(self):
        with pytest.raises(DataError, match=r"control variant 'control' not found; variants present: \['a', 'b'\]"):
            srm_check(_arms({"a": 10, "b": 10}))


class TestDoubleAssignment:
    def test_share_of_all_users_by_hand(self):
        d = double_assignment({"double_assigned_users": 200, "double_assigned_rows": 400}, users=199_800)
        assert (d.users, d.rows) == (200, 400)
        assert d.share == pytest.approx(200 / 200_000)          # 0.1 % of kept + excluded users
        assert not d.flagged

    def test_flagged_above_one_percent(self):
        d = double_assignment({"double_assigned_users": 2_000}, users=58_000)
        assert d.share == pytest.approx(2_000 / 60_000) and d.flagged
        assert not double_assignment({"double_assigned_users": 100}, users=9_900).flagged   # exactly 1 %: not above

    def test_no_counts_means_none(self):
        d = double_assignment({}, users=0)
        assert (d.users, d.rows, d.share, d.flagged) == (0, 0, 0.0, False)
