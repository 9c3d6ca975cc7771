"""Metric comparisons against independent references: hand computation, published values (R PropCIs), scipy and
statsmodels called directly, a bootstrap, and tea-tasting's delta method for ratio metrics."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from workbench.analyses.experiments.significance import conversion_test, holm, mean_metric_test, ratio_metric_test
from workbench.data.synthetic.experiments import experiment_sample


def _conv(xc: int, nc: int, xt: int, nt: int) -> pd.DataFrame:
    return pd.DataFrame({"variant": ["control"] * nc + ["treatment"] * nt,
                         "converted": [1] * xc + [0] * (nc - xc) + [1] * xt + [0] * (nt - xt)})


class TestConversion:
    def test_matches_hand_computed_z_test_and_statsmodels(self):
        row = conversion_test(_conv(200, 10_000, 250, 10_000)).iloc[0]
        # hand: pooled p = 450 / 20,000; se = sqrt(p (1 - p) (2 / 10,000)); z = 0.005 / se
        p = 450 / 20_000
        z = 0.005 / math.sqrt(p * (1 - p) * 2 / 10_000)
        assert row["p_value"] == pytest.approx(math.erfc(z / math.sqrt(2)), rel=1e-9)
        assert row["diff"] == pytest.approx(0.005) and row["lift"] == pytest.approx(0.25)
        _, p_sm = proportions_ztest([250, 200], [10_000, 10_000])
        assert row["p_value"] == pytest.approx(p_sm)
        lo, hi = confint_proportions_2indep(250, 10_000, 200, 10_000, method="score", compare="diff",
                                            correction=False)
        assert (row["diff_low"], row["diff_high"]) == pytest.approx((lo, hi))

    def test_ratio_interval_matches_published_propcis(self):
        # R PropCIs riskscoreci(7, 34, 1, 34, 0.95) = (1.220853, 42.575718) (Koopman score interval, as
        # quoted in Fagerland, Lydersen & Laake 2015); relative lift = ratio - 1
        row = conversion_test(_conv(1, 34, 7, 34)).iloc[0]
        assert row["lift_low"] == pytest.approx(0.220853, abs=1e-5)
        assert row["lift_high"] == pytest.approx(41.575718, abs=1e-4)

    def test_fallback_when_statsmodels_brackets_miss(self):
        # statsmodels' own score interval raises here; the fallback inverts the same score test
        with pytest.raises(ValueError, match="different signs"):
            confint_proportions_2indep(59, 1_000, 40, 1_000, method="score", compare="diff", correction=False)
        row = conversion_test(_conv(40, 1_000, 59, 1_000)).iloc[0]
        assert row["diff_low"] < 0 < row["diff_high"] and row["p_value"] > 0.05   # p = 0.0502: just not significant
        from statsmodels.stats.proportion import test_proportions_2indep
        for bound in (row["diff_low"], row["diff_high"]):
            p = test_proportions_2indep(59, 1_000, 40, 1_000, value=bound, compare="diff", method="score",
                                        correction=False).pvalue
            assert p == pytest.approx(0.05, abs=1e-6)

    def test_intervals_agree_with_the_test(self):
        # score intervals invert the pooled z-test: an interval excludes 0 exactly when p < alpha
        for xt in range(20, 80, 3):
            row = conversion_test(_conv(40, 1_000, xt, 1_000)).iloc[0]
            sig = row["p_value"] < 0.05
            assert (row["diff_low"] > 0 or row["diff_high"] < 0) == sig
            assert (row["lift_low"] > 0 or row["lift_high"] < 0) == sig

    def test_no_conversions_at_all(self):
        row = conversion_test(_conv(0, 100, 0, 100)).iloc[0]
        assert row["p_value"] == 1.0 and np.isnan(row["diff_low"])


class TestWelch:
    c = np.array([0, 0, 0, 10, 20, 0, 5, 0.0])
    t = np.array([0, 15, 0, 30, 0, 0, 25, 0, 0, 12.0])

    def _frame(self):
        return pd.DataFrame({"variant": ["control"] * len(self.c) + ["treatment"] * len(self.t),
                             "revenue": np.concatenate([self.c, self.t])})

    def test_matches_hand_welch(self):
        row = mean_metric_test(self._frame(), bootstrap=False).iloc[0]
        vc, vt = self.c.var(ddof=1) / self.c.size, self.t.var(ddof=1) / self.t.size
        se = math.sqrt(vc + vt)
        df = (vc + vt) ** 2 / (vc ** 2 / (self.c.size - 1) + vt ** 2 / (self.t.size - 1))  # Welch-Satterthwaite
        diff = self.t.mean() - self.c.mean()
        assert row["diff"] == pytest.approx(diff)
        assert row["p_value"] == pytest.approx(2 * stats.t.sf(abs(diff) / se, df))
        half = stats.t.ppf(0.975, df) * se
        assert (row["diff_low"], row["diff_high"]) == pytest.approx((diff - half, diff + half))
        # relative lift: delta method on log(mean_t / mean_c)
        s = math.sqrt(vt / self.t.mean() ** 2 + vc / self.c.mean() ** 2)
        r = math.log(self.t.mean() / self.c.mean())
        assert row["lift_low"] == pytest.approx(math.exp(r - 1.959964 * s) - 1, rel=1e-5)
        assert row["lift_high"] == pytest.approx(math.exp(r + 1.959964 * s) - 1, rel=1e-5)

    def test_matches_scipy_directly(self):
        row = mean_metric_test(self._frame(), bootstrap=False, alpha=0.1).iloc[0]
        res = stats.ttest_ind(self.t, self.c, equal_var=False)
        ci = res.confidence_interval(0.9)
        assert row["p_value"] == pytest.approx(res.pvalue)
        assert (row["diff_low"], row["diff_high"]) == pytest.approx((ci.low, ci.high))


class TestDeltaMethod:
    def _frame(self):
        return pd.DataFrame({
            "variant": ["control"] * 5 + ["treatment"] * 4,
            "revenue": [0, 50, 0, 30, 40, 0, 100, 0, 60.0],
            "orders": [0, 1, 0, 1, 2, 0, 1, 0, 2]})

    def test_hand_computed_case(self):
        row = ratio_metric_test(self._frame()).iloc[0]
        # by hand with the linearisation L = N - R D, var(R) = var(L) / (n mean(D)^2):
        # control R = 120 / 4 = 30, L = [0, 20, 0, 0, -20], var(L) = 800 / 4 = 200, var(R) = 200 / (5 x 0.64) = 62.5
        # treatment R = 160 / 3, L = [0, 46.667, 0, -46.667], var(L) = 1451.852, var(R) = 1451.852 / 2.25 = 645.268
        assert row["control_value"] == pytest.approx(30.0)
        assert row["variant_value"] == pytest.approx(160 / 3)
        se = math.sqrt(62.5 + 645.2675)
        assert row["diff_low"] == pytest.approx(160 / 3 - 30 - 1.959964 * se, rel=1e-5)
        assert row["p_value"] == pytest.approx(math.erfc((160 / 3 - 30) / se / math.sqrt(2)), rel=1e-5)

    def test_standard_error_matches_a_bootstrap(self):
        a = experiment_sample(40_000, seed=11, with_events=False, double_assigned_share=0).assignments
        row = ratio_metric_test(a).iloc[0]
        se_delta = (row["diff_high"] - row["diff_low"]) / (2 * 1.959964)
        rng = np.random.default_rng(0)
        diffs = []
        groups = {v: g[["revenue", "orders"]].to_numpy() for v, g in a.groupby("variant")}
        for _ in range(1_000):
            r = {}
            for v, arr in groups.items():
                s = arr[rng.integers(0, len(arr), len(arr))]
                r[v] = s[:, 0].sum() / s[:, 1].sum()
            diffs.append(r["treatment"] - r["control"])
        assert se_delta == pytest.approx(np.std(diffs), rel=0.08)

    def test_matches_tea_tasting_ratio_of_means(self):
        # tea-tasting's RatioOfMeans is the same delta method (Deng, Knoblich & Lu 2018) computed from per-arm
        # aggregates. Like for like: use_t=False, because this readout tests a ratio with a z-test (normal), as
        # the paper does; tea-tasting defaults to Welch's t. With that, difference, its interval, p-value and the
        # relative-lift interval (delta method on the log ratio, in both) agree to floating-point precision:
        # rel=1e-9 leaves room only for summation order.
        tt = pytest.importorskip("tea_tasting")
        a = experiment_sample(20_000, seed=3, with_events=False, double_assigned_share=0).assignments
        ours = ratio_metric_test(a).iloc[0]
        data = pd.DataFrame({"variant": a["variant"].astype(str), "revenue": a["revenue"], "orders": a["orders"]})
        ref = tt.Experiment(aov=tt.RatioOfMeans("revenue", "orders", use_t=False)).analyze(
            data, control="control")["aov"]
        assert ours["control_value"] == pytest.approx(ref.control, rel=1e-9)
        assert ours["variant_value"] == pytest.approx(ref.treatment, rel=1e-9)
        assert (ours["diff_low"], ours["diff_high"]) == pytest.approx(
            (ref.effect_size_ci_lower, ref.effect_size_ci_upper), rel=1e-9)
        assert ours["p_value"] == pytest.approx(ref.pvalue, rel=1e-9)
        assert (ours["lift"], ours["lift_low"], ours["lift_high"]) == pytest.approx(
            (ref.rel_effect_size, ref.rel_effect_size_ci_lower, ref.rel_effect_size_ci_upper), rel=1e-9)

    def test_aov_of_the_readout_matches_tea_tasting_at_alpha_010(self):
        # the AOV lift interval a report shows, at a 90% level: tea-tasting's confidence_level=0.9
        tt = pytest.importorskip("tea_tasting")
        from workbench.analyses.experiments.readout import ab_readout

        a = experiment_sample(30_000, seed=8, with_events=False, double_assigned_share=0).assignments
        row = ab_readout(a, alpha=0.10, n_resamples=100).row("aov")
        data = pd.DataFrame({"variant": a["variant"].astype(str), "revenue": a["revenue"], "orders": a["orders"]})
        ref = tt.Experiment(aov=tt.RatioOfMeans("revenue", "orders", use_t=False, confidence_level=0.9)).analyze(
            data, control="control")["aov"]
        assert (row["lift_low"], row["lift_high"]) == pytest.approx(
            (ref.rel_effect_size_ci_lower, ref.rel_effect_size_ci_upper), rel=1e-9)
        assert row["p_value"] == pytest.approx(ref.pvalue, rel=1e-9)


class TestHolm:
    def test_holm_by_hand(self):
        # sorted 0.01 x 3 = 0.03, 0.03 x 2 = 0.06, 0.04 x 1 = 0.04 -> monotone 0.03, 0.06, 0.06
        assert holm([0.01, 0.04, 0.03]).tolist() == pytest.approx([0.03, 0.06, 0.06])
        out = holm([0.01, np.nan])
        assert out[0] == pytest.approx(0.01) and np.isnan(out[1])
