"""Did the change move the metric? Each comparison of a treatment with control, with intervals and a p-value.

The tests themselves come from scipy and statsmodels; this module prepares per-user data and picks the
convention:

- **Conversion** (share of users with a purchase): two-proportion z-test with pooled variance
  (``statsmodels proportions_ztest``); confidence intervals for the difference and the ratio by inverting the same
  score statistic (``confint_proportions_2indep(method="score", correction=False)``), so an interval excludes 0
  exactly when the test is significant.
- **Revenue per visitor** and any other per-user mean: Welch t-test and its interval (``scipy.stats.ttest_ind``,
  ``equal_var=False``); relative lift with a delta-method interval on the log ratio of means; optionally a seeded
  percentile bootstrap interval (:mod:`workbench.analyses.experiments.bootstrap`) as a check for skewed revenue.
- **Ratio metrics** such as average order value (revenue / orders, both per user): delta-method standard errors
  (Deng, Knoblich & Lu 2018, "Applying the Delta Method in Metric Analytics", KDD), because orders are not
  independent units when users are randomised.
- **Holm** correction over every (metric, variant) comparison of the readout (``statsmodels multipletests``).

Written by hand: the delta-method arithmetic for ratio metrics (a few lines on per-arm means, variances and the
covariance). A maintained library does offer it: tea-tasting (Ibis-based; ``RatioOfMeans``, also CUPED, SRM checks
and power analysis; 2.x needs Python 3.12, 1.14 runs on 3.11) computes the same delta method, and the tests check
this module's ratio-metric results against it (equal to 1e-9 with its normal rather than t reference distribution,
``use_t=False``, the choice made here). It is a test dependency, not a runtime one: the readout needs the per-user
arrays anyway (bootstrap, capping, score intervals for conversion) and keeps its conventions in one place.

Every comparison returns one row per treatment variant with the columns
``metric``, ``variant``, ``control_users``, ``variant_users``, ``control_value``, ``variant_value``, ``diff``
(variant - control) with ``diff_low`` / ``diff_high``, ``lift`` (variant / control - 1) with ``lift_low`` /
``lift_high``, ``p_value`` and ``method`` (which test).
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import optimize, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest, test_proportions_2indep

from workbench.analyses.experiments._arms import arms, require_numeric, result_row
from workbench.analyses.experiments.bootstrap import bootstrap_mean_diff

__all__ = ["conversion_test", "mean_metric_test", "ratio_metric_test", "holm"]


def conversion_test(
    assignments: pd.DataFrame, *, variant: str = "variant", control: str = "control", converted: str = "converted",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Conversion rate per treatment vs control: difference and relative lift with intervals, z-test p-value.

    ``rate = converted users / users``. p-value: pooled two-proportion z-test (``proportions_ztest``). Intervals:
    score intervals for the difference and the ratio (``confint_proportions_2indep(method="score",
    correction=False)``), which invert that same test; relative lift = ratio - 1.

    Returns
    -------
    DataFrame, one row per treatment variant (columns as in :func:`ab_readout`'s ``metrics``).
    """
    require_numeric(assignments, converted)
    order, groups = arms(assignments, variant=variant, control=control, columns=[converted])
    c = groups[control][converted]
    xc, nc = int(c.sum()), int(c.size)
    rows = []
    for v in order[1:]:
        t = groups[v][converted]
        xt, nt = int(t.sum()), int(t.size)
        row = result_row("conversion", v, nc, nt, xc / nc, xt / nt)
        if xc + xt == 0 or xc + xt == nc + nt:
            row.update(p_value=1.0, method="two-proportion z-test (no variation: every user the same)")
        else:
            _, p = proportions_ztest([xt, xc], [nt, nc])
            lo, hi = _score_interval(xt, nt, xc, nc, compare="diff", alpha=alpha)
            row.update(diff_low=lo, diff_high=hi, p_value=float(p), method="two-proportion z-test; score intervals")
            if xc > 0 and xt > 0:
                rlo, rhi = _score_interval(xt, nt, xc, nc, compare="ratio", alpha=alpha)
                row.update(lift_low=rlo - 1, lift_high=rhi - 1)
        rows.append(row)
    return pd.DataFrame(rows)


def _score_interval(xt: int, nt: int, xc: int, nc: int, *, compare: str, alpha: float) -> tuple[float, float]:
    """Score interval (no small-sample correction) for p_t - p_c or p_t / p_c, from statsmodels.

    statsmodels brackets its root search around the Wald / log interval and fails when the score bound lies
    outside that bracket (e.g. 59/1,000 vs 40/1,000: "f(a) and f(b) must have different signs"). Then the same
    score test (``test_proportions_2indep``) is inverted here with brackets widened until they hold the root.
    """
    try:
        lo, hi = confint_proportions_2indep(xt, nt, xc, nc, method="score", compare=compare, alpha=alpha,
                                            correction=False)
        return float(lo), float(hi)
    except (ValueError, RuntimeError):
        pass

    def f(v: float) -> float:
        p = test_proportions_2indep(xt, nt, xc, nc, value=v, compare=compare, method="score", correction=False,
                                    alternative="two-sided").pvalue
        return float(p) - alpha if np.isfinite(p) else -alpha

    pt, pc = xt / nt, xc / nc
    if compare == "diff":
        est, se = pt - pc, np.sqrt(pt * (1 - pt) / nt + pc * (1 - pc) / nc) or 1e-3
        step = lambda k, sign: float(np.clip(est + sign * k * se, -1 + 1e-9, 1 - 1e-9))  # noqa: E731
    else:
        est, se = pt / pc, np.sqrt(1 / xt - 1 / nt + 1 / xc - 1 / nc)
        step = lambda k, sign: float(est * np.exp(sign * k * se))  # noqa: E731
    bounds = []
    for sign in (-1, 1):
        k = 1.0
        while f(step(k, sign)) > 0 and k < 1e4:
            k *= 2
        a, b = sorted((est, step(k, sign)))
        bounds.append(float(optimize.brentq(f, a, b, xtol=1e-12)))
    return bounds[0], bounds[1]


def _delta_log_ratio_ci(mt: float, vt: float, mc: float, vc: float, z: float) -> tuple[float, float]:
    """Interval for mt/mc - 1 from var(log(mt/mc)) ~ vt/mt^2 + vc/mc^2 (vt, vc: variances of the means)."""
    if mt <= 0 or mc <= 0:
        return np.nan, np.nan
    se = np.sqrt(vt / mt ** 2 + vc / mc ** 2)
    r = np.log(mt / mc)
    return float(np.exp(r - z * se) - 1), float(np.exp(r + z * se) - 1)


def mean_metric_test(
    assignments: pd.DataFrame, *, metric: str = "revenue", name: str | None = None, variant: str = "variant",
    control: str = "control", alpha: float = 0.05, bootstrap: bool = True, n_resamples: int = 2000,
    seed: int = 0, bootstrap_column: str | None = None,
) -> pd.DataFrame:
    """Per-user mean (revenue per visitor, ...) per treatment vs control: Welch t-test, intervals, bootstrap.

    Difference in means with the Welch t interval (``scipy.stats.ttest_ind(equal_var=False)``); relative lift
    with a delta-method interval on log(mean_t / mean_c); optionally a seeded percentile bootstrap interval
    (:func:`bootstrap_mean_diff`) for the difference and the lift, columns ``boot_diff_low`` ... ``boot_lift_high``.

    Parameters
    ----------
    metric : str
        Per-user numeric column (e.g. ``revenue``, already capped or CUPED-adjusted if wanted).
    name : str, optional
        Metric name in the result (default: ``metric``).
    bootstrap_column : str, optional
        Column to bootstrap instead of ``metric`` (the readout bootstraps capped revenue, not CUPED values).
    """
    require_numeric(assignments, metric)
    col = bootstrap_column or metric
    if bootstrap:
        require_numeric(assignments, col)
    order, groups = arms(assignments, variant=variant, control=control,
                          columns=list(dict.fromkeys([metric, col] if bootstrap else [metric])))
    c = groups[control][metric]
    z = stats.norm.ppf(1 - alpha / 2)
    rows = []
    for i, v in enumerate(order[1:]):
        t = groups[v][metric]
        row = result_row(name or metric, v, c.size, t.size, float(c.mean()), float(t.mean()))
        if c.size < 2 or t.size < 2 or (c.var() == 0 and t.var() == 0):
            row.update(p_value=1.0 if row["diff"] == 0 else np.nan, method="Welch t-test (no variation)")
        else:
            res = stats.ttest_ind(t, c, equal_var=False)
            ci = res.confidence_interval(1 - alpha)
            row.update(diff_low=float(ci.low), diff_high=float(ci.high), p_value=float(res.pvalue),
                       method="Welch t-test; delta-method lift interval")
            lo, hi = _delta_log_ratio_ci(t.mean(), t.var(ddof=1) / t.size, c.mean(), c.var(ddof=1) / c.size, z)
            row.update(lift_low=lo, lift_high=hi)
        if bootstrap:
            b = bootstrap_mean_diff(groups[control][col], groups[v][col], n_resamples=n_resamples,
                                    confidence=1 - alpha, seed=seed + i)
            row.update({f"boot_{k}": val for k, val in b.items()})
        rows.append(row)
    return pd.DataFrame(rows)


def ratio_metric_test(
    assignments: pd.DataFrame, *, numerator: str = "revenue", denominator: str = "orders", name: str = "aov",
    variant: str = "variant", control: str = "control", alpha: float = 0.05,
) -> pd.DataFrame:
    """Ratio metric (default AOV = sum revenue / sum orders) per treatment vs control, delta-method standard errors.

    With per-user numerator N and denominator D in an arm of n users, the ratio R = mean(N) / mean(D) has
    ``var(R) ~ [var(N) / mD^2 - 2 mN cov(N, D) / mD^3 + mN^2 var(D) / mD^4] / n`` (first-order Taylor expansion;
    Deng, Knoblich & Lu 2018). The difference is tested with a z-test on ``sqrt(var_t + var_c)``; the relative
    lift interval uses the delta method on log(R_t / R_c). Users with D = 0 count in n (they are part of the
    randomised population) and add nothing to the sums.
    """
    require_numeric(assignments, numerator)
    require_numeric(assignments, denominator)
    order, groups = arms(assignments, variant=variant, control=control, columns=[numerator, denominator])
    z = stats.norm.ppf(1 - alpha / 2)

    def arm(g: dict[str, np.ndarray]) -> tuple[float, float, int]:
        num, den = g[numerator], g[denominator]
        n = num.size
        mn, md = num.mean(), den.mean()
        if md == 0 or n < 2:
            return np.nan, np.nan, n
        cov = np.cov(num, den, ddof=1)
        var = (cov[0, 0] / md ** 2 - 2 * mn * cov[0, 1] / md ** 3 + mn ** 2 * cov[1, 1] / md ** 4) / n
        return mn / md, float(var), n

    rc, vc, nc = arm(groups[control])
    rows = []
    for v in order[1:]:
        rt, vt, nt = arm(groups[v])
        row = result_row(name, v, nc, nt, rc, rt)
        se = np.sqrt(vt + vc)
        if np.isfinite(se) and se > 0:
            row.update(diff_low=row["diff"] - z * se, diff_high=row["diff"] + z * se,
                       p_value=float(2 * stats.norm.sf(abs(row["diff"]) / se)),
                       method=f"delta method ({numerator} / {denominator} per user); z-test")
            lo, hi = _delta_log_ratio_ci(rt, vt, rc, vc, z)
            row.update(lift_low=lo, lift_high=hi)
        else:
            row.update(method=f"delta method: no {denominator} in an arm, not testable")
        rows.append(row)
    return pd.DataFrame(rows)


def holm(p_values: Sequence[float], *, alpha: float = 0.05) -> np.ndarray:
    """Holm-adjusted p-values (``statsmodels.stats.multitest.multipletests(method="holm")``); NaN kept as NaN."""
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    if ok.any():
        out[ok] = multipletests(p[ok], alpha=alpha, method="holm")[1]
    return out
