"""CUPED against a hand-computed case and tea-tasting's CUPED; capping by hand."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from workbench.analyses.experiments.readout import ab_readout, cuped_summary
from workbench.analyses.experiments.significance import mean_metric_test
from workbench.analyses.experiments.variance import cap_values, cuped_adjust
from workbench.data.synthetic.experiments import experiment_sample
from workbench.errors import DataError


class TestCuped:
    def test_hand_computed_theta_and_variance_reduction(self):
        df = pd.DataFrame({"x": [1, 2, 3, 4.0], "y": [2, 4, 5, 9.0]})
        adj, res = cuped_adjust(df, metric="y", covariate="x")
        # by hand: cov(x, y) = 11 / 3, var(x) = 5 / 3 -> theta = 2.2; corr^2 = 121 / 130
        assert res.theta == pytest.approx(2.2)
        assert res.variance_reduction == pytest.approx(121 / 130)
        assert res.correlation ** 2 == pytest.approx(121 / 130)
        assert adj.tolist() == pytest.approx([5.3, 5.1, 3.9, 5.7])

    def test_missing_covariate_means_no_adjustment(self):
        df = pd.DataFrame({"x": [1, 2, 3, 4.0, np.nan], "y": [2, 4, 5, 9.0, 7.0]})  # a new user without history
        adj, res = cuped_adjust(df, metric="y", covariate="x")
        assert res.users_without_covariate == 1 and adj.iloc[-1] == 7.0

    def test_keeps_the_effect_and_narrows_the_interval(self):
        a = experiment_sample(100_000, seed=2, with_events=False, double_assigned_share=0).assignments
        raw = ab_readout(a, metrics=["revenue_per_visitor"], n_resamples=200)
        cup = ab_readout(a, metrics=["revenue_per_visitor"], covariate="pre_revenue", n_resamples=200)
        r, c = raw.row(), cup.row()
        assert c["diff"] == pytest.approx(r["diff"], abs=0.15 * (r["diff_high"] - r["diff_low"]))
        assert (c["diff_high"] - c["diff_low"]) < (r["diff_high"] - r["diff_low"])
        red = cup.cuped[0].variance_reduction
        assert 0.01 < red < 0.2
        t = cuped_summary(cup).iloc[0]
        assert t["ci_width_cuped"] / t["ci_width_raw"] == pytest.approx(math.sqrt(1 - red), rel=0.02)

    def test_errors(self):
        df = pd.DataFrame({"x": [1.0, 1.0], "y": [1.0, 2.0]})
        with pytest.raises(DataError, match="the covariate has no variation"):
            cuped_adjust(df, metric="y", covariate="x")
        with pytest.raises(DataError, match=r"covariate column 'pre' not found.*covariate=None"):
            cuped_adjust(df, metric="y", covariate="pre")

    def test_matches_tea_tasting_cuped(self):
        # tea-tasting's Mean(value, covariate) is CUPED with theta from the pooled sample of both arms, as here
        # (Deng et al. 2013). Like for like: the difference, its interval and the p-value use Welch's t in both
        # (tea-tasting's default use_t=True); the relative-lift interval here is a normal (z) interval on the log
        # ratio, so it is compared with tea-tasting's use_t=False. Every user has the covariate (tea-tasting has no
        # rule for a missing one). Agreement to floating-point precision: rel=1e-9.
        tt = pytest.importorskip("tea_tasting")
        a = experiment_sample(20_000, seed=3, with_events=False, double_assigned_share=0).assignments
        adj, res = cuped_adjust(a, metric="revenue", covariate="pre_revenue")
        ours = mean_metric_test(a.assign(adj=adj), metric="adj", bootstrap=False).iloc[0]
        data = pd.DataFrame({"variant": a["variant"].astype(str), "revenue": a["revenue"],
                             "pre_revenue": a["pre_revenue"]})
        ref = tt.Experiment(t=tt.Mean("revenue", "pre_revenue"),
                            z=tt.Mean("revenue", "pre_revenue", use_t=False)).analyze(data, control="control")
        assert (ours["control_value"], ours["variant_value"]) == pytest.approx(
            (ref["t"].control, ref["t"].treatment), rel=1e-9)
        assert (ours["diff_low"], ours["diff_high"]) == pytest.approx(
            (ref["t"].effect_size_ci_lower, ref["t"].effect_size_ci_upper), rel=1e-9)
        assert ours["p_value"] == pytest.approx(ref["t"].pvalue, rel=1e-9)
        assert (ours["lift_low"], ours["lift_high"]) == pytest.approx(
            (ref["z"].rel_effect_size_ci_lower, ref["z"].rel_effect_size_ci_upper), rel=1e-9)

    def test_readout_cuped_matches_tea_tasting(self):
        # the readout's own CUPED row (revenue per visitor, no cap) against tea-tasting, same conventions as above
        tt = pytest.importorskip("tea_tasting")
        a = experiment_sample(20_000, seed=6, with_events=False, double_assigned_share=0).assignments
        row = ab_readout(a, metrics=["revenue_per_visitor"], covariate="pre_revenue", n_resamples=100).row()
        data = pd.DataFrame({"variant": a["variant"].astype(str), "revenue": a["revenue"],
                             "pre_revenue": a["pre_revenue"]})
        ref = tt.Experiment(rpv=tt.Mean("revenue", "pre_revenue")).analyze(data, control="control")["rpv"]
        assert row["diff"] == pytest.approx(ref.effect_size, rel=1e-9)
        assert (row["diff_low"], row["diff_high"]) == pytest.approx(
            (ref.effect_size_ci_lower, ref.effect_size_ci_upper), rel=1e-9)
        assert row["p_value"] == pytest.approx(ref.pvalue, rel=1e-9)


class TestCap:
    def test_cap_by_hand(self):
        v = pd.Series([0, 0, 10, 20, 30, 40, 1000.0])
        capped, cap, n = cap_values(v, percentile=75)   # 75th percentile of [10, 20, 30, 40, 1000] = 40
        assert (cap, n) == (40.0, 1)
        assert capped.tolist() == [0, 0, 10, 20, 30, 40, 40]
        with pytest.raises(DataError, match=r"cap percentile must be in \(0, 100\]"):
            cap_values(v, percentile=0)
