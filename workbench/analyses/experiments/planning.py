"""Test planning: how many users and days the next test needs, and what effect it can detect.

Conversion metrics use statsmodels' ``NormalIndPower`` with Cohen's effect size
``h = 2 asin(sqrt(p2)) - 2 asin(sqrt(p1))`` (``proportion_effectsize``); revenue and other per-user means use
``TTestIndPower`` with ``d = (mean x relative lift) / sd`` (two-sample t-test, pooled sd). Both are two-sided at
``alpha / comparisons``: with several metrics and variants read under Holm, the primary metric may face the
strictest Holm threshold (Bonferroni's ``alpha / m``), so planning at that level keeps the promised power.

Sample sizes are users **per variant** (the control group for unequal splits, the others scaled by ``ratio``);
durations divide all users needed by the daily traffic that enters the test, and are also given in whole weeks,
because tests should run full weeks to cover weekday/weekend cycles.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.stats.power import NormalIndPower, TTestIndPower
from statsmodels.stats.proportion import proportion_effectsize

from workbench.errors import DataError, NotEnoughData

__all__ = [
    "conversion_sample_size", "conversion_mde", "conversion_power", "revenue_sample_size", "revenue_mde",
    "duration_days", "observed_daily_traffic", "sample_sizes", "mde_by_duration", "power_curve", "Plan",
    "plan_next_test", "observed_days",
]


def _check_rate(p: float, name: str = "baseline_rate") -> None:
    if not 0 < p < 1:
        raise DataError(f"{name} must be a rate strictly between 0 and 1, not {p!r}", source=name,
                        fix="Give the control conversion rate as a fraction, e.g. 0.03 for 3%")


def _check_alpha_power(alpha: float, power: float | None = None) -> None:
    if not 0 < alpha < 1:
        raise DataError(f"alpha must be between 0 and 1, not {alpha!r}", source="alpha", fix="Use e.g. 0.05")
    if power is not None and not 0 < power < 1:
        raise DataError(f"power must be between 0 and 1, not {power!r}", source="power", fix="Use e.g. 0.8")


def conversion_sample_size(baseline_rate: float, *, relative_mde: float, alpha: float = 0.05, power: float = 0.8,
                           ratio: float = 1.0, comparisons: int = 1) -> int:
    """Users per variant (control) to detect a relative conversion lift ``relative_mde`` (0.05 = +5 %).

    ``NormalIndPower().solve_power(proportion_effectsize(p1 (1 + mde), p1), alpha / comparisons, power, ratio)``,
    rounded up.
    """
    _check_rate(baseline_rate)
    _check_alpha_power(alpha, power)
    p2 = baseline_rate * (1 + relative_mde)
    _check_rate(p2, "baseline_rate x (1 + relative_mde)")
    if relative_mde == 0:
        raise DataError("relative_mde must not be 0", source="relative_mde", fix="Use e.g. 0.05 for +5%")
    h = proportion_effectsize(p2, baseline_rate)
    n = NormalIndPower().solve_power(effect_size=abs(h), alpha=alpha / comparisons, power=power, ratio=ratio)
    return int(math.ceil(n))


def conversion_power(baseline_rate: float, *, relative_lift: float, n_per_variant: float, alpha: float = 0.05,
                     ratio: float = 1.0, comparisons: int = 1) -> float:
    """Chance that a test with ``n_per_variant`` users detects a true relative lift (two-sided)."""
    _check_rate(baseline_rate)
    _check_alpha_power(alpha)
    h = proportion_effectsize(baseline_rate * (1 + relative_lift), baseline_rate)
    return float(NormalIndPower().power(effect_size=abs(h), nobs1=n_per_variant, alpha=alpha / comparisons,
                                        ratio=ratio))


def conversion_mde(baseline_rate: float, *, n_per_variant: float, alpha: float = 0.05, power: float = 0.8,
                   ratio: float = 1.0, comparisons: int = 1) -> float:
    """Smallest relative conversion lift (upwards) detectable with ``n_per_variant`` users at the given power.

    Solves Cohen's h with ``NormalIndPower`` and inverts it: ``p2 = sin(asin(sqrt(p1)) + h / 2)^2``.
    """
    _check_rate(baseline_rate)
    _check_alpha_power(alpha, power)
    h = NormalIndPower().solve_power(nobs1=n_per_variant, alpha=alpha / comparisons, power=power, ratio=ratio)
    angle = math.asin(math.sqrt(baseline_rate)) + float(h) / 2
    p2 = math.sin(min(angle, math.pi / 2)) ** 2
    return p2 / baseline_rate - 1


def revenue_sample_size(mean: float, *, sd: float, relative_mde: float, alpha: float = 0.05, power: float = 0.8,
                        ratio: float = 1.0, comparisons: int = 1) -> int:
    """Users per variant to detect a relative change of a per-user mean (revenue per visitor) with a t-test."""
    _check_alpha_power(alpha, power)
    if not (mean > 0 and sd > 0):
        raise DataError(f"mean and sd must be positive (got mean={mean!r}, sd={sd!r})", source="revenue planning",
                        fix="Use the control group's revenue per visitor and its standard deviation")
    d = mean * abs(relative_mde) / sd
    n = TTestIndPower().solve_power(effect_size=d, alpha=alpha / comparisons, power=power, ratio=ratio)
    return int(math.ceil(n))


def revenue_mde(mean: float, *, sd: float, n_per_variant: float, alpha: float = 0.05, power: float = 0.8,
                ratio: float = 1.0, comparisons: int = 1) -> float:
    """Smallest relative change of a per-user mean detectable with ``n_per_variant`` users (``TTestIndPower``)."""
    _check_alpha_power(alpha, power)
    d = TTestIndPower().solve_power(nobs1=n_per_variant, alpha=alpha / comparisons, power=power, ratio=ratio)
    return float(d) * sd / mean


def duration_days(n_per_variant: float, *, daily_traffic: float, n_variants: int = 2, ratio: float = 1.0,
                  traffic_share: float = 1.0) -> float:
    """Days to collect ``n_per_variant`` users in control and ``ratio x`` that in each other variant.

    ``daily_traffic`` users a day reach the tested page; ``traffic_share`` of them enter the test.
    """
    if not daily_traffic or daily_traffic <= 0:
        raise DataError(f"daily traffic must be positive, not {daily_traffic!r}", source="daily_traffic",
                        fix="Give the users per day who reach the tested page")
    total = n_per_variant * (1 + ratio * (n_variants - 1))
    return total / (daily_traffic * traffic_share)




def observed_daily_traffic(assignments: pd.DataFrame, *, time: str = "first_exposure") -> float | None:
    """Users per day that entered the test: users / days between the first and the last exposure (>= 1 day)."""
    if time not in assignments.columns or assignments[time].isna().all():
        return None
    t = pd.to_datetime(assignments[time])
    days = max((t.max() - t.min()) / pd.Timedelta(days=1), 1.0)
    return float(len(assignments) / days)


def observed_days(assignments: pd.DataFrame, *, time: str = "first_exposure") -> float | None:
    """Length of this test in days: from the first to the last exposure (None without exposure times)."""
    if time not in assignments.columns or assignments[time].isna().all():
        return None
    t = pd.to_datetime(assignments[time])
    return float((t.max() - t.min()) / pd.Timedelta(days=1))


def sample_sizes(baseline_rate: float, *, daily_traffic: float | None = None,
                      lifts: Sequence[float] = (0.02, 0.05, 0.08, 0.10, 0.15, 0.20),
                      revenue_mean: float | None = None, revenue_sd: float | None = None, alpha: float = 0.05,
                      power: float = 0.8, n_variants: int = 2, comparisons: int = 1) -> pd.DataFrame:
    """Users and days needed per relative lift, for conversion and (when mean and sd are given) revenue per visitor."""
    rows = []
    for lift in lifts:
        n = conversion_sample_size(baseline_rate, relative_mde=lift, alpha=alpha, power=power,
                                   comparisons=comparisons)
        rows.append(_plan_row("conversion", lift, baseline_rate * lift, n, daily_traffic, n_variants))
        if revenue_mean and revenue_sd:
            n = revenue_sample_size(revenue_mean, sd=revenue_sd, relative_mde=lift, alpha=alpha, power=power,
                                    comparisons=comparisons)
            rows.append(_plan_row("revenue_per_visitor", lift, revenue_mean * lift, n, daily_traffic, n_variants))
    return pd.DataFrame(rows)


def _plan_row(metric: str, lift: float, abs_mde: float, n: int, daily: float | None, k: int) -> dict:
    days = duration_days(n, daily_traffic=daily, n_variants=k) if daily else np.nan
    return {"metric": metric, "relative_mde": lift, "absolute_mde": abs_mde, "users_per_variant": n,
            "total_users": n * k, "days": days, "weeks": math.ceil(days / 7) if np.isfinite(days) else np.nan}


def mde_by_duration(baseline_rate: float, *, daily_traffic: float, weeks: Sequence[int] = (1, 2, 3, 4, 6, 8),
                    revenue_mean: float | None = None, revenue_sd: float | None = None, alpha: float = 0.05,
                    power: float = 0.8, n_variants: int = 2, comparisons: int = 1) -> pd.DataFrame:
    """Smallest detectable relative lift after 1, 2, ... weeks at the given daily traffic."""
    rows = []
    for w in weeks:
        n = daily_traffic * 7 * w / n_variants
        row = {"weeks": w, "users_per_variant": int(n),
               "conversion_mde": conversion_mde(baseline_rate, n_per_variant=n, alpha=alpha, power=power,
                                                comparisons=comparisons)}
        if revenue_mean and revenue_sd:
            row["revenue_per_visitor_mde"] = revenue_mde(revenue_mean, sd=revenue_sd, n_per_variant=n, alpha=alpha,
                                                         power=power, comparisons=comparisons)
        rows.append(row)
    return pd.DataFrame(rows)


def power_curve(baseline_rate: float, *, daily_traffic: float, lifts: Sequence[float] = (0.05, 0.08, 0.10, 0.15),
                max_weeks: int = 8, alpha: float = 0.05, n_variants: int = 2, comparisons: int = 1) -> pd.DataFrame:
    """Power of the conversion test by test length (days 1..7 x max_weeks) for several true relative lifts."""
    days = np.arange(1, 7 * max_weeks + 1)
    rows = []
    for lift in lifts:
        for d in days:
            n = daily_traffic * d / n_variants
            rows.append({"relative_lift": lift, "days": int(d), "users_per_variant": n,
                         "power": conversion_power(baseline_rate, relative_lift=lift, n_per_variant=n, alpha=alpha,
                                                   comparisons=comparisons)})
    out = pd.DataFrame(rows)
    out.attrs["alpha_per_comparison"] = alpha / comparisons
    return out


@dataclass
class Plan:
    """Planning for the next test from an observed control group (see :func:`plan_next_test`).

    ``traffic_source`` says where ``daily_traffic`` came from: ``"parameter"``, ``"observed"`` (users per day
    that entered this test) or ``"unknown"`` (no exposure times and no parameter: ``daily_traffic`` is NaN and
    there are sample sizes but no durations).
    """

    baseline_rate: float
    revenue_mean: float
    revenue_sd: float
    daily_traffic: float
    traffic_source: str
    alpha: float
    power: float
    comparisons: int
    n_variants: int
    sample_sizes: pd.DataFrame
    by_duration: pd.DataFrame
    curve: pd.DataFrame
    days_observed: float | None = None
    users_per_variant_observed: float | None = None

    @property
    def alpha_per_comparison(self) -> float:
        """The two-sided level each comparison is planned at: ``alpha / comparisons`` (the strictest Holm step)."""
        return self.alpha / self.comparisons

    @property
    def traffic_known(self) -> bool:
        """Whether durations can be planned (daily traffic given or observed)."""
        return bool(np.isfinite(self.daily_traffic))

    def users_for(self, lift: float, *, metric: str = "conversion") -> int:
        """Users per variant needed to detect a relative ``lift`` on ``metric`` at the plan's alpha and power."""
        if metric == "conversion":
            return conversion_sample_size(self.baseline_rate, relative_mde=lift, alpha=self.alpha, power=self.power,
                                          comparisons=self.comparisons)
        return revenue_sample_size(self.revenue_mean, sd=self.revenue_sd, relative_mde=lift, alpha=self.alpha,
                                   power=self.power, comparisons=self.comparisons)

    def days_for(self, lift: float, *, metric: str = "conversion") -> float:
        """Days needed to detect ``lift`` on ``metric`` (computed if not in the table; NaN without traffic)."""
        hit = self.sample_sizes[(self.sample_sizes["metric"] == metric)
                                & np.isclose(self.sample_sizes["relative_mde"], lift)]
        if not hit.empty:
            return float(hit["days"].iloc[0])
        n = self.users_for(lift, metric=metric)
        if not self.traffic_known:
            return float("nan")
        return duration_days(n, daily_traffic=self.daily_traffic, n_variants=self.n_variants)

    def mde_after(self, weeks: int, *, metric: str = "conversion") -> float:
        """Smallest relative lift on ``metric`` a test of ``weeks`` weeks can detect (NaN where not planned)."""
        column = f"{metric}_mde"
        hit = self.by_duration[self.by_duration["weeks"] == weeks]
        return float(hit[column].iloc[0]) if not hit.empty and column in hit else float("nan")

    @property
    def mde_this_test(self) -> float:
        """Smallest conversion lift this test had the plan's power for, given its control group's size."""
        if not self.users_per_variant_observed:
            return float("nan")
        return conversion_mde(self.baseline_rate, n_per_variant=self.users_per_variant_observed, alpha=self.alpha,
                              power=self.power, comparisons=self.comparisons)


def plan_next_test(assignments: pd.DataFrame, *, control: str = "control", variant: str = "variant",
                   daily_traffic: float | None = None, alpha: float = 0.05, power: float = 0.8,
                   n_variants: int = 2, comparisons: int = 1, revenue: str = "revenue",
                   lifts: Sequence[float] = (0.02, 0.05, 0.08, 0.10, 0.15, 0.20)) -> Plan:
    """Sample sizes, durations, MDE by duration and power curves for the next test, from this test's control group.

    The baseline conversion rate and the revenue-per-visitor mean and sd come from the control group; daily
    traffic from the parameter, else from the users per day that entered this test (``first_exposure``).

    Raises
    ------
    DataError
        No users in ``control``.
    NotEnoughData
        The control group has no buyers (or only buyers): there is no baseline rate to plan from.
    """
    ctrl = assignments[assignments[variant].astype("string") == control]
    if ctrl.empty:
        raise DataError(f"no users in control {control!r} to plan from", source="assignments", column=variant,
                        fix="Set control= to the control variant's name")
    base = float(ctrl["converted"].mean())
    if not 0 < base < 1:
        who = "no buyer" if base == 0 else "only buyers"
        raise NotEnoughData(f"the control group has {who} ({len(ctrl):,} users, conversion rate {base:.0%}), so there "
                            "is no baseline to plan the next test from",
                            fix="Plan from a test whose control group has both buyers and non-buyers, or give the "
                                "baseline through conversion_sample_size()")
    rev = ctrl[revenue].astype(float) if revenue in ctrl and ctrl[revenue].notna().any() else None
    mean, sd = (float(rev.mean()), float(rev.std(ddof=1))) if rev is not None else (np.nan, np.nan)
    source = "parameter"
    if daily_traffic is None:
        daily_traffic = observed_daily_traffic(assignments)
        source = "observed"
    kw = dict(alpha=alpha, power=power, n_variants=n_variants, comparisons=comparisons)
    rv = dict(revenue_mean=mean if rev is not None else None, revenue_sd=sd if rev is not None else None)
    sizes = sample_sizes(base, daily_traffic=daily_traffic, lifts=lifts, **rv, **kw)
    if daily_traffic is None:  # no exposure times and no parameter: sample sizes only, no durations
        return Plan(base, mean, sd, float("nan"), "unknown", alpha, power,
                    comparisons, n_variants, sizes, pd.DataFrame(columns=["weeks", "users_per_variant",
                                                                           "conversion_mde"]),
                    pd.DataFrame(columns=["relative_lift", "days", "users_per_variant", "power"]),
                    None, len(ctrl))
    return Plan(base, mean, sd, float(daily_traffic), source, alpha, power, comparisons, n_variants, sizes,
                mde_by_duration(base, daily_traffic=daily_traffic, **rv, **kw),
                power_curve(base, daily_traffic=daily_traffic, alpha=alpha, n_variants=n_variants,
                            comparisons=comparisons),
                observed_days(assignments), len(ctrl))
