"""Test planning against Cohen's published tables, hand formulas and statsmodels called directly."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.power import NormalIndPower, TTestIndPower
from statsmodels.stats.proportion import proportion_effectsize

from workbench.analyses.experiments.planning import (
    conversion_mde, conversion_power, conversion_sample_size, duration_days, mde_by_duration,
    observed_daily_traffic, plan_next_test, power_curve, revenue_mde, revenue_sample_size, sample_sizes,
)
from workbench.data.synthetic.experiments import experiment_sample
from workbench.errors import DataError, NotEnoughData


class TestConversion:
    def test_cohen_table_h_020(self):
        # Cohen (1988), Statistical Power Analysis, Table 6.4.1: h = 0.20, two-sided alpha 0.05, power 0.80 -> n = 392
        # per group. Pick p2 so that h = 0.20 exactly from p1 = 0.5.
        p1 = 0.5
        p2 = math.sin(math.asin(math.sqrt(p1)) + 0.1) ** 2
        assert proportion_effectsize(p2, p1) == pytest.approx(0.2)
        n = conversion_sample_size(p1, relative_mde=p2 / p1 - 1)
        assert n == 393                                             # 392.4 rounded up; Cohen prints 392

    def test_matches_hand_formula_and_statsmodels(self):
        # hand: n = 2 (z_{1-a/2} + z_{power})^2 / h^2, h = 2 asin(sqrt(p2)) - 2 asin(sqrt(p1))
        p1, lift = 0.03, 0.08
        p2 = p1 * (1 + lift)
        h = 2 * math.asin(math.sqrt(p2)) - 2 * math.asin(math.sqrt(p1))
        hand = 2 * (stats.norm.ppf(0.975) + stats.norm.ppf(0.8)) ** 2 / h ** 2
        n = conversion_sample_size(p1, relative_mde=lift)
        assert n == math.ceil(hand)
        direct = NormalIndPower().solve_power(effect_size=proportion_effectsize(p2, p1), alpha=0.05, power=0.8)
        assert n == math.ceil(direct)

    def test_power_and_mde_invert_the_sample_size(self):
        n = conversion_sample_size(0.03, relative_mde=0.08)
        assert conversion_power(0.03, relative_lift=0.08, n_per_variant=n) == pytest.approx(0.8, abs=0.001)
        assert conversion_mde(0.03, n_per_variant=n) == pytest.approx(0.08, abs=0.0005)

    def test_comparisons_tighten_alpha(self):
        one = conversion_sample_size(0.03, relative_mde=0.1)
        three = conversion_sample_size(0.03, relative_mde=0.1, comparisons=3)
        direct = NormalIndPower().solve_power(effect_size=proportion_effectsize(0.033, 0.03), alpha=0.05 / 3,
                                              power=0.8)
        assert three == math.ceil(direct) and three > one

    def test_bad_inputs(self):
        with pytest.raises(DataError, match="baseline_rate must be a rate strictly between 0 and 1, not 3"):
            conversion_sample_size(3, relative_mde=0.1)
        with pytest.raises(DataError, match="relative_mde must not be 0"):
            conversion_sample_size(0.03, relative_mde=0.0)
        with pytest.raises(DataError, match="power must be between 0 and 1"):
            conversion_sample_size(0.03, relative_mde=0.1, power=80)


class TestRevenue:
    def test_cohen_table_d_050(self):
        # Cohen (1988), Table 2.4.1: d = 0.5, two-sided alpha 0.05, power 0.80 -> n = 64 per group
        assert revenue_sample_size(1.0, sd=2.0, relative_mde=1.0) == 64
        direct = TTestIndPower().solve_power(effect_size=0.5, alpha=0.05, power=0.8)
        assert math.ceil(direct) == 64

    def test_mde_inverts(self):
        n = revenue_sample_size(3.0, sd=24.0, relative_mde=0.1)
        assert revenue_mde(3.0, sd=24.0, n_per_variant=n) == pytest.approx(0.1, rel=0.002)


class TestDuration:
    def test_by_hand(self):
        assert duration_days(10_000, daily_traffic=1_000) == 20.0            # 2 x 10,000 / 1,000
        assert duration_days(10_000, daily_traffic=1_000, n_variants=3) == 30.0
        assert duration_days(10_000, daily_traffic=1_000, traffic_share=0.5) == 40.0
        with pytest.raises(DataError, match="daily traffic must be positive"):
            duration_days(10, daily_traffic=0)

    def test_observed_daily_traffic(self):
        a = pd.DataFrame({"first_exposure": pd.to_datetime(["2026-10-01", "2026-10-05", "2026-10-11"])})
        assert observed_daily_traffic(a) == pytest.approx(3 / 10)
        assert observed_daily_traffic(pd.DataFrame({"x": [1]})) is None

    def test_tables(self):
        t = sample_sizes(0.03, daily_traffic=10_000, lifts=[0.05, 0.1], revenue_mean=3.0, revenue_sd=24.0)
        assert t["metric"].tolist() == ["conversion", "revenue_per_visitor"] * 2
        row = t.iloc[2]
        assert row["users_per_variant"] == conversion_sample_size(0.03, relative_mde=0.1)
        assert row["days"] == pytest.approx(2 * row["users_per_variant"] / 10_000)
        assert row["weeks"] == math.ceil(row["days"] / 7)
        m = mde_by_duration(0.03, daily_traffic=10_000, weeks=[2])
        assert m["users_per_variant"].iloc[0] == 70_000
        assert m["conversion_mde"].iloc[0] == pytest.approx(conversion_mde(0.03, n_per_variant=70_000))
        c = power_curve(0.03, daily_traffic=10_000, lifts=[0.1], max_weeks=1)
        assert len(c) == 7 and c["power"].is_monotonic_increasing
        assert c.attrs["alpha_per_comparison"] == 0.05


class TestPlanFromData:
    def test_uses_the_control_group(self):
        a = experiment_sample(20_000, seed=5, with_events=False, double_assigned_share=0).assignments
        plan = plan_next_test(a, comparisons=3)
        ctrl = a[a["variant"] == "control"]
        assert plan.baseline_rate == pytest.approx(ctrl["converted"].mean())
        assert plan.revenue_sd == pytest.approx(ctrl["revenue"].std())
        assert plan.traffic_source == "observed"
        assert plan.daily_traffic == pytest.approx(observed_daily_traffic(a))
        n = conversion_sample_size(plan.baseline_rate, relative_mde=0.1, comparisons=3)
        assert plan.days_for(0.1) == pytest.approx(2 * n / plan.daily_traffic)
        assert plan.days_for(0.12) == pytest.approx(
            2 * conversion_sample_size(plan.baseline_rate, relative_mde=0.12, comparisons=3) / plan.daily_traffic)
        given = plan_next_test(a, daily_traffic=5_000)
        assert given.daily_traffic == 5_000 and given.traffic_source == "parameter"
        assert np.isfinite(given.sample_sizes["days"]).all()

    def test_without_traffic_gives_sizes_but_no_durations(self):
        a = experiment_sample(20_000, seed=5, with_events=False, double_assigned_share=0).assignments
        plan = plan_next_test(a.drop(columns="first_exposure"))
        assert np.isnan(plan.daily_traffic) and plan.curve.empty and plan.by_duration.empty
        assert plan.sample_sizes["users_per_variant"].notna().all() and plan.sample_sizes["days"].isna().all()
        assert np.isnan(plan.days_for(0.05)) and plan.traffic_source == "unknown" and not plan.traffic_known
        assert plan.users_for(0.05) == conversion_sample_size(plan.baseline_rate, relative_mde=0.05)

    def test_this_tests_power_and_two_week_mde(self):
        a = experiment_sample(20_000, seed=5, with_events=False, double_assigned_share=0).assignments
        plan = plan_next_test(a, comparisons=3)
        n = plan.users_per_variant_observed
        assert n == (a["variant"] == "control").sum()
        assert plan.mde_this_test == pytest.approx(conversion_mde(plan.baseline_rate, n_per_variant=n, comparisons=3))
        assert plan.mde_after(2) == pytest.approx(
            conversion_mde(plan.baseline_rate, n_per_variant=plan.daily_traffic * 14 / 2, comparisons=3))
        assert np.isnan(plan.mde_after(5))                      # not a planned length
        assert plan.alpha_per_comparison == pytest.approx(0.05 / 3)

    def test_no_buyers_in_control_is_not_enough_data(self):
        a = pd.DataFrame({"variant": ["control"] * 3 + ["treatment"] * 3, "converted": [0, 0, 0, 1, 0, 0],
                          "revenue": [0, 0, 0, 5.0, 0, 0]})
        with pytest.raises(NotEnoughData, match=r"^the control group has no buyer \(3 users, conversion rate 0%\), so "
                                                r"there is no baseline to plan the next test from\. Plan from a test"):
            plan_next_test(a)
