"""A/B readout: each method against an independent reference (published values, hand computation, scipy /
statsmodels called directly, or a second implementation), plus the decision rule and the error messages."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from workbench.analyses.experiments.abtest import (
    _boot_means, ab_readout, bootstrap_mean_diff, cap_values, conversion_test, cuped_adjust, cuped_table, decide,
    decision_markdown, holm, mean_metric_test, metrics_table, ratio_metric_test, srm_check, trust_checks,
    variant_summary,
)
from workbench.data.synthetic.experiments import experiment_sample
from workbench.errors import DataError


def _arms(counts: dict[str, int]) -> pd.DataFrame:
    return pd.DataFrame({"variant": np.repeat(list(counts), list(counts.values()))})


def _conv(xc: int, nc: int, xt: int, nt: int) -> pd.DataFrame:
    return pd.DataFrame({"variant": ["control"] * nc + ["treatment"] * nt,
                         "converted": [1] * xc + [0] * (nc - xc) + [1] * xt + [0] * (nt - xt)})


class TestSRM:
    def test_fires_on_52_48_of_20000(self):
        r = srm_check(_arms({"control": 10_400, "treatment": 9_600}), planned=[50, 50])
        # hand: chi2 = 2 * 400^2 / 10,000 = 32; for 1 df, P(chi2 > x) = erfc(sqrt(x / 2)) = erfc(4)
        assert r.chi2 == pytest.approx(32.0)
        assert r.p_value == pytest.approx(math.erfc(4.0), rel=1e-9)
        assert r.flagged
        assert "Sample ratio mismatch" in r.message and "10,400" in r.message

    def test_quiet_on_a_fair_split(self):
        r = srm_check(_arms({"control": 10_050, "treatment": 9_950}))
        assert r.chi2 == pytest.approx(0.5)                                      # 2 x 50^2 / 10,000
        assert r.p_value == pytest.approx(math.erfc(0.5), rel=1e-9)              # 0.4795
        assert not r.flagged
        assert r.message.startswith("No sample ratio mismatch")

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


class TestBootstrap:
    def test_buyers_only_resampling_has_the_exact_bootstrap_moments(self, rng):
        x = np.where(rng.random(5_000) < 0.03, rng.lognormal(4, 0.8, 5_000), 0.0)
        means = _boot_means(x, 20_000, np.random.default_rng(1))
        # the bootstrap distribution of a mean has expectation mean(x) and sd sqrt(var0(x) / n)
        sd = math.sqrt(x.var(ddof=0) / x.size)
        assert means.mean() == pytest.approx(x.mean(), abs=4 * sd / math.sqrt(20_000))
        assert means.std() == pytest.approx(sd, rel=0.03)

    @pytest.mark.parametrize("zero_share", [0.97, 0.0])
    def test_agrees_with_scipy_bootstrap(self, rng, zero_share):
        n = 3_000
        c = np.where(rng.random(n) < zero_share, 0.0, rng.lognormal(4, 0.8, n))
        t = np.where(rng.random(n) < zero_share, 0.0, rng.lognormal(4.1, 0.8, n))
        ours = bootstrap_mean_diff(c, t, n_resamples=5_000, seed=3)
        ref = stats.bootstrap((c, t), lambda a, b, axis=-1: b.mean(axis=axis) - a.mean(axis=axis),
                              n_resamples=5_000, method="percentile", vectorized=True, batch=500,
                              rng=np.random.default_rng(4)).confidence_interval
        width = ref.high - ref.low
        assert ours["diff_low"] == pytest.approx(ref.low, abs=0.05 * width)
        assert ours["diff_high"] == pytest.approx(ref.high, abs=0.05 * width)

    def test_seeded(self):
        x = np.array([0, 0, 1, 5, 0, 3.0])
        assert bootstrap_mean_diff(x, x + 1, seed=5) == bootstrap_mean_diff(x, x + 1, seed=5)


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
        t = cuped_table(cup).iloc[0]
        assert t["ci_width_cuped"] / t["ci_width_raw"] == pytest.approx(math.sqrt(1 - red), rel=0.02)

    def test_errors(self):
        df = pd.DataFrame({"x": [1.0, 1.0], "y": [1.0, 2.0]})
        with pytest.raises(DataError, match="the covariate has no variation"):
            cuped_adjust(df, metric="y", covariate="x")
        with pytest.raises(DataError, match=r"covariate column 'pre' not found.*covariate=None"):
            cuped_adjust(df, metric="y", covariate="pre")


class TestHolmAndCap:
    def test_holm_by_hand(self):
        # sorted 0.01 x 3 = 0.03, 0.03 x 2 = 0.06, 0.04 x 1 = 0.04 -> monotone 0.03, 0.06, 0.06
        assert holm([0.01, 0.04, 0.03]).tolist() == pytest.approx([0.03, 0.06, 0.06])
        out = holm([0.01, np.nan])
        assert out[0] == pytest.approx(0.01) and np.isnan(out[1])

    def test_cap_by_hand(self):
        v = pd.Series([0, 0, 10, 20, 30, 40, 1000.0])
        capped, cap, n = cap_values(v, percentile=75)   # 75th percentile of [10, 20, 30, 40, 1000] = 40
        assert (cap, n) == (40.0, 1)
        assert capped.tolist() == [0, 0, 10, 20, 30, 40, 40]
        with pytest.raises(DataError, match=r"cap percentile must be in \(0, 100\]"):
            cap_values(v, percentile=0)


def _sample(lift: float, *, n: int = 60_000, seed: int = 1, split=None) -> pd.DataFrame:
    return experiment_sample(n, seed=seed, lifts={"treatment": lift}, split=split, with_events=False,
                             double_assigned_share=0).assignments


class TestDecision:
    def test_ship_when_the_primary_wins(self):
        r = ab_readout(_sample(0.5), n_resamples=200)
        assert r.decision.verdict == "ship" and r.decision.variant == "treatment"
        assert r.decision.headline.startswith("Ship treatment: conversion rate went from")

    def test_dont_ship_when_the_primary_loses(self):
        r = ab_readout(_sample(-0.5), n_resamples=200)
        assert r.decision.verdict == "don't ship"
        assert "significantly worse" in r.decision.headline

    def test_inconclusive_without_an_effect(self):
        r = ab_readout(_sample(0.0), n_resamples=200)
        assert r.row()["p_holm"] > 0.05
        assert r.decision.verdict == "inconclusive"
        assert r.decision.headline.startswith("Inconclusive: keep control.")

    def test_srm_stops_the_readout(self):
        r = ab_readout(_sample(0.5, split=[0.53, 0.47]), n_resamples=200)
        assert r.srm.flagged
        assert r.decision.verdict == "investigate"
        assert "Sample ratio mismatch" in r.decision.reasons[0]

    def test_guardrail_harm_blocks_a_winner(self):
        srm = srm_check(_arms({"control": 100, "treatment": 100}))
        m = pd.DataFrame([
            {"metric": "conversion", "label": "Conversion rate", "variant": "treatment", "diff": 0.01, "lift": 0.1,
             "lift_low": 0.05, "lift_high": 0.15, "p_holm": 0.001, "control_value": 0.1, "variant_value": 0.11},
            {"metric": "aov", "label": "Average order value", "variant": "treatment", "diff": -5.0, "lift": -0.06,
             "lift_low": -0.1, "lift_high": -0.02, "p_holm": 0.01, "control_value": 80.0, "variant_value": 75.0},
        ])
        d = decide(m, srm=srm, primary="conversion")
        assert d.verdict == "don't ship"
        assert "guardrail average order value significantly worse" in d.reasons[0]

    def test_several_variants_ship_the_best(self):
        a = experiment_sample(90_000, seed=4, lifts={"b": 0.5, "c": 0.2}, with_events=False,
                              double_assigned_share=0).assignments
        r = ab_readout(a, n_resamples=200)
        assert len(r.metrics) == 6                          # 3 metrics x 2 treatments in one Holm family
        assert r.decision.verdict == "ship" and r.decision.variant == "b"
        p = r.metrics["p_value"].to_numpy()
        assert r.metrics["p_holm"].to_numpy() == pytest.approx(holm(p))

    def test_double_assignment_warning(self):
        r = ab_readout(_sample(0.0), checks={"double_assigned_users": 2_000}, n_resamples=200)
        assert any("seen in more than one variant" in w for w in r.decision.reasons)
        tc = trust_checks(r).set_index("check")
        assert tc.loc["Users in more than one variant", "status"] == "warning"


class TestReadoutOptions:
    def test_custom_metrics(self):
        a = _sample(0.2, n=20_000)
        r = ab_readout(a, metrics=["conversion", "orders_per_visitor", "revenue/orders"], n_resamples=200)
        assert r.metrics["metric"].tolist() == ["conversion", "orders_per_visitor", "revenue/orders"]
        aov = ratio_metric_test(a).iloc[0]
        assert r.row("revenue/orders")["diff"] == pytest.approx(aov["diff"])
        assert r.metrics["role"].tolist() == ["primary", "guardrail", "guardrail"]

    def test_revenue_metric_without_revenue(self):
        a = _sample(0.0, n=2_000).assign(revenue=np.nan)
        with pytest.raises(DataError, match=r"column `revenue`: the column has no values.*metrics=\['conversion'\]"):
            ab_readout(a, metrics=["conversion", "revenue_per_visitor"])
        assert ab_readout(a, metrics=["conversion"]).metrics["metric"].tolist() == ["conversion"]

    def test_unknown_metric(self):
        with pytest.raises(DataError, match=r"unknown metric 'clicks'"):
            ab_readout(_sample(0.0, n=2_000), metrics=["clicks"])

    def test_covariate_missing(self):
        a = _sample(0.0, n=5_000).drop(columns="pre_revenue")
        with pytest.raises(DataError, match="covariate column 'pre_revenue' not found"):
            ab_readout(a, covariate="pre_revenue", n_resamples=100)
        r = ab_readout(a, covariate="pre_revenue", covariate_missing="skip", n_resamples=100)
        assert not r.cuped and "CUPED variance reduction was not applied" in r.warnings[0]

    def test_cap_is_reported(self):
        r = ab_readout(_sample(0.0, n=20_000), cap_percentile=99, n_resamples=100)
        assert r.cap["percentile"] == 99 and r.cap["users_capped"] > 0
        assert "revenue capped at $" in r.row("revenue_per_visitor")["method"]

    def test_summary_and_tables(self):
        a = pd.DataFrame({"user_id": list("abcd"), "variant": ["control", "control", "treatment", "treatment"],
                          "converted": [1, 0, 1, 1], "revenue": [50.0, 0, 20.0, 40.0], "orders": [1, 0, 1, 2]})
        s = variant_summary(a).set_index("variant")
        assert s.loc["treatment", "revenue_per_visitor"] == 30.0 and s.loc["treatment", "aov"] == 20.0
        assert s.loc["control", "conversion"] == 0.5
        r = ab_readout(_sample(0.5), n_resamples=200)
        t = metrics_table(r)
        assert t["Metric"].tolist() == ["Conversion rate", "Revenue per visitor", "Average order value"]
        assert t.loc[0, "Significant"] == "yes" and t.loc[0, "control"].endswith("%")
        text = decision_markdown(r, source_label="test data", generated=True,
                                 truth={"conversion": {"control": 0.03, "treatment": 0.045},
                                        "relative_lift": {"treatment": 0.5}})
        assert text.startswith("## Decision: SHIP")
        assert "**Data: GENERATED**" in text and "+50.0% relative" in text
