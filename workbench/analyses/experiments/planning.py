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

from workbench.errors import DataError
from workbench.present import fmt

__all__ = [
    "conversion_sample_size", "conversion_mde", "conversion_power", "revenue_sample_size", "revenue_mde",
    "duration_days", "observed_daily_traffic", "sample_size_table", "mde_by_duration", "power_curve", "Plan",
    "plan_next_test", "observed_days", "plan_markdown", "sample_size_view", "mde_view",
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


def revenue_sample_size(mean: float, sd: float, *, relative_mde: float, alpha: float = 0.05, power: float = 0.8,
                        ratio: float = 1.0, comparisons: int = 1) -> int:
    """Users per variant to detect a relative change of a per-user mean (revenue per visitor) with a t-test."""
    _check_alpha_power(alpha, power)
    if not (mean > 0 and sd > 0):
        raise DataError(f"mean and sd must be positive (got mean={mean!r}, sd={sd!r})", source="revenue planning",
                        fix="Use the control group's revenue per visitor and its standard deviation")
    d = mean * abs(relative_mde) / sd
    n = TTestIndPower().solve_power(effect_size=d, alpha=alpha / comparisons, power=power, ratio=ratio)
    return int(math.ceil(n))


def revenue_mde(mean: float, sd: float, *, n_per_variant: float, alpha: float = 0.05, power: float = 0.8,
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


def sample_size_table(baseline_rate: float, *, daily_traffic: float | None = None,
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
            n = revenue_sample_size(revenue_mean, revenue_sd, relative_mde=lift, alpha=alpha, power=power,
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
            row["revenue_per_visitor_mde"] = revenue_mde(revenue_mean, revenue_sd, n_per_variant=n, alpha=alpha,
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
    """Planning for the next test from an observed control group (see :func:`plan_next_test`)."""

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

    def days_for(self, lift: float, metric: str = "conversion") -> float:
        """Days needed to detect ``lift`` on ``metric`` (computed if not in the table)."""
        hit = self.sample_sizes[(self.sample_sizes["metric"] == metric)
                                & np.isclose(self.sample_sizes["relative_mde"], lift)]
        if not hit.empty:
            return float(hit["days"].iloc[0])
        if metric == "conversion":
            n = conversion_sample_size(self.baseline_rate, relative_mde=lift, alpha=self.alpha, power=self.power,
                                       comparisons=self.comparisons)
        else:
            n = revenue_sample_size(self.revenue_mean, self.revenue_sd, relative_mde=lift, alpha=self.alpha,
                                    power=self.power, comparisons=self.comparisons)
        if not np.isfinite(self.daily_traffic):
            return float("nan")
        return duration_days(n, daily_traffic=self.daily_traffic, n_variants=self.n_variants)


def plan_next_test(assignments: pd.DataFrame, *, control: str = "control", variant: str = "variant",
                   daily_traffic: float | None = None, alpha: float = 0.05, power: float = 0.8,
                   n_variants: int = 2, comparisons: int = 1, revenue: str = "revenue",
                   lifts: Sequence[float] = (0.02, 0.05, 0.08, 0.10, 0.15, 0.20)) -> Plan:
    """Sample sizes, durations, MDE by duration and power curves for the next test, from this test's control group.

    The baseline conversion rate and the revenue-per-visitor mean and sd come from the control group; daily
    traffic from the parameter, else from the users per day that entered this test (``first_exposure``).
    """
    ctrl = assignments[assignments[variant].astype("string") == control]
    if ctrl.empty:
        raise DataError(f"no users in control {control!r} to plan from", source="assignments", column=variant,
                        fix="Set control= to the control variant's name")
    base = float(ctrl["converted"].mean())
    if not 0 < base < 1:
        raise DataError(f"control conversion rate is {base:.0%}: no baseline to plan from", source="assignments",
                        column="converted", rows=len(ctrl), fix="Give the baseline through conversion_sample_size()")
    rev = ctrl[revenue].astype(float) if revenue in ctrl and ctrl[revenue].notna().any() else None
    mean, sd = (float(rev.mean()), float(rev.std(ddof=1))) if rev is not None else (np.nan, np.nan)
    source = "parameter"
    if daily_traffic is None:
        daily_traffic = observed_daily_traffic(assignments)
        source = "observed in this test"
    kw = dict(alpha=alpha, power=power, n_variants=n_variants, comparisons=comparisons)
    rv = dict(revenue_mean=mean if rev is not None else None, revenue_sd=sd if rev is not None else None)
    sizes = sample_size_table(base, daily_traffic=daily_traffic, lifts=lifts, **rv, **kw)
    if daily_traffic is None:  # no exposure times and no parameter: sample sizes only, no durations
        return Plan(base, mean, sd, float("nan"), "unknown: give daily_traffic for durations", alpha, power,
                    comparisons, n_variants, sizes, pd.DataFrame(columns=["weeks", "users_per_variant",
                                                                           "conversion_mde"]),
                    pd.DataFrame(columns=["relative_lift", "days", "users_per_variant", "power"]),
                    None, len(ctrl))
    return Plan(base, mean, sd, float(daily_traffic), source, alpha, power, comparisons, n_variants, sizes,
                mde_by_duration(base, daily_traffic=daily_traffic, **rv, **kw),
                power_curve(base, daily_traffic=daily_traffic, alpha=alpha, n_variants=n_variants,
                            comparisons=comparisons),
                observed_days(assignments), len(ctrl))


def plan_markdown(plan: Plan, *, lift_of_interest: float = 0.05, observed_lift: float | None = None,
                  currency: str = "USD") -> str:
    """Planning in sentences: baseline, traffic, users and weeks for a lift, what two weeks can detect, this test."""
    n = conversion_sample_size(plan.baseline_rate, relative_mde=lift_of_interest, alpha=plan.alpha,
                               power=plan.power, comparisons=plan.comparisons)
    known = np.isfinite(plan.daily_traffic)
    days = duration_days(n, daily_traffic=plan.daily_traffic, n_variants=plan.n_variants) if known else np.nan
    two = plan.by_duration.set_index("weeks").loc[2] if 2 in plan.by_duration["weeks"].values else None
    level = plan.alpha / plan.comparisons
    text = [f"Planning uses this test's control group: conversion **{plan.baseline_rate * 100:.2f}%**"
            + (f", revenue per visitor {fmt.money(plan.revenue_mean, currency, 2)} (standard deviation "
               f"{fmt.money(plan.revenue_sd, currency, 2)})"
               if np.isfinite(plan.revenue_mean) else "")
            + (f", and **{plan.daily_traffic:,.0f} users a day** ({plan.traffic_source})" if known else
               "; the data has no exposure times, so durations need the `daily_traffic` parameter")
            + f". Each comparison is planned at {plan.power * 100:.0f}% power and a two-sided alpha of {level:.3g}"
            + (f" ({plan.alpha:g} / {plan.comparisons} comparisons, the strictest Holm step)" if plan.comparisons > 1
               else "") + "."]
    text.append(f"To detect a **{lift_of_interest * 100:+.0f}%** relative change in conversion, the next test needs "
                f"**{n:,} users per variant**"
                + (f": **{days:.0f} days** at this traffic, i.e. {math.ceil(days / 7)} full weeks (run whole weeks to "
                   "cover weekday and weekend shoppers)." if known else "."))
    if two is not None:
        text.append(f"A two-week test can detect conversion lifts of **{two['conversion_mde'] * 100:.1f}%** or more"
                    + (f" and revenue-per-visitor lifts of {two['revenue_per_visitor_mde'] * 100:.1f}% or more"
                       if "revenue_per_visitor_mde" in two and np.isfinite(two["revenue_per_visitor_mde"]) else "")
                    + ".")
    if plan.users_per_variant_observed:
        mde = conversion_mde(plan.baseline_rate, n_per_variant=plan.users_per_variant_observed, alpha=plan.alpha,
                             power=plan.power, comparisons=plan.comparisons)
        obs = f"; it observed {observed_lift * 100:+.1f}%" if observed_lift is not None and np.isfinite(observed_lift) \
            else ""
        ran = f"ran {plan.days_observed:.0f} days with" if plan.days_observed else "had"
        text.append(f"This test {ran} about {plan.users_per_variant_observed:,.0f} users in control: it had "
                    f"{plan.power * 100:.0f}% power only for conversion lifts of {mde * 100:.1f}% or more{obs}.")
    return " ".join(text)


_METRIC_NAMES = {"conversion": "Conversion rate", "revenue_per_visitor": "Revenue per visitor"}


def sample_size_view(plan: Plan) -> pd.DataFrame:
    """The plan's sample-size table as text for a report: lift, users per variant, total, days, weeks."""
    t = plan.sample_sizes.sort_values(["metric", "relative_mde"], kind="stable")
    return pd.DataFrame({
        "metric": t["metric"].map(_METRIC_NAMES),
        "relative lift to detect": t["relative_mde"].map(lambda x: fmt.pct(x, 0, signed=True)),
        "users per variant": t["users_per_variant"].map(fmt.num),
        "users in total": t["total_users"].map(fmt.num),
        "days": t["days"].map(lambda x: fmt.num(x, 0)),
        "full weeks": t["weeks"].map(fmt.num),
    })


def mde_view(plan: Plan) -> pd.DataFrame:
    """Smallest detectable relative lift by test length, as text."""
    t = plan.by_duration
    out = pd.DataFrame({"weeks": t["weeks"], "users per variant": t["users_per_variant"].map(fmt.num),
                        "conversion: smallest detectable lift": t["conversion_mde"].map(lambda x: fmt.pct(x, 1))})
    if "revenue_per_visitor_mde" in t:
        out["revenue per visitor: smallest detectable lift"] = t["revenue_per_visitor_mde"].map(lambda x: fmt.pct(x, 1))
    return out
