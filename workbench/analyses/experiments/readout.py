"""A/B test readout: can we trust the test (SRM), did the change win (metrics with intervals), and what to do.

The tests themselves come from scipy and statsmodels; this module prepares per-user data, picks the
convention, and explains the result:

- **Sample ratio mismatch** (SRM): chi-square goodness of fit of users per variant against the planned split
  (``scipy.stats.chisquare``), flagged at p < 0.001 (GrowthBook, Statsig). A flagged SRM stops the readout: the
  decision becomes "investigate", whatever the metrics say.
- **Conversion** (share of users with a purchase): two-proportion z-test with pooled variance
  (``statsmodels proportions_ztest``); confidence intervals for the difference and the ratio by inverting the same
  score statistic (``confint_proportions_2indep(method="score", correction=False)``), so an interval excludes 0
  exactly when the test is significant.
- **Revenue per visitor** and any other per-user mean: Welch t-test and its interval (``scipy.stats.ttest_ind``,
  ``equal_var=False``); relative lift with a delta-method interval on the log ratio of means; and a seeded
  percentile bootstrap interval for the difference and the lift as a check for skewed revenue. Optional capping
  (winsorising) at a percentile of the **buyers'** revenue, pooled over variants, so one whale order cannot
  decide a test.
- **Ratio metrics** such as average order value (revenue / orders, both per user): delta-method standard errors
  (Deng, Knoblich & Lu 2018, "Applying the Delta Method in Metric Analytics", KDD), because orders are not
  independent units when users are randomised.
- **Holm** correction over every (metric, variant) comparison of the readout (``statsmodels multipletests``).
- **CUPED** (Deng, Xu, Kohavi & Walker 2013): ``Y - theta (X - mean X)`` with ``theta = cov(X, Y) / var(X)`` from
  the pooled pre-period covariate X; the variance falls by ``corr(X, Y)^2``. Applied to per-user mean metrics
  (revenue per visitor, custom columns), not to the two-proportion conversion test.

Written by hand: the delta method for ratio metrics (no maintained Python library offers it for two-sample
ratio-of-means comparisons), CUPED (two lines, but the convention must be stated), and the percentile bootstrap,
which draws only the buyers: resampling n users of whom m bought is the same as drawing Binomial(n, m/n) buyers,
so 2,000 resamples of 100,000 users cost 2,000 x 3,000 draws instead of 200 million (checked against
``scipy.stats.bootstrap`` in the tests).

The decision rule (``decide``), written down:

1. SRM flagged (p < 0.001) -> **investigate**: the split is broken, no metric can be trusted.
2. Per treatment variant: a guardrail metric (every metric after the first) significantly **worse** after Holm ->
   **don't ship**; the primary metric (the first) significantly worse -> **don't ship**; the primary metric
   significantly better and no guardrail worse -> **ship**; otherwise **inconclusive** (keep control; the interval
   says which effects the test could rule out).
3. Several treatments: ship the shippable variant with the largest primary lift; if none is shippable and one is
   inconclusive, the test is inconclusive; else don't ship.

All metrics are read as "higher is better". Users seen in several variants are excluded before the readout (see
``workbench.data.events.check_assignments``); more than 1 % of users double-assigned is reported as a warning.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest, test_proportions_2indep

from workbench.errors import DataError
from workbench.present import fmt

__all__ = [
    "SRMResult", "CupedResult", "Decision", "Readout", "variant_order", "srm_check", "conversion_test",
    "mean_metric_test", "ratio_metric_test", "bootstrap_mean_diff", "cap_values", "cuped_adjust", "holm",
    "decide", "ab_readout", "variant_summary", "METRIC_LABELS", "decision_markdown", "trust_checks",
    "metrics_table", "cuped_table", "cuped_markdown", "true_lifts", "method_notes", "summary_view",
]

SRM_ALPHA = 0.001
DOUBLE_ASSIGNMENT_WARN = 0.01
METRIC_LABELS = {"conversion": "Conversion rate", "revenue_per_visitor": "Revenue per visitor",
                 "aov": "Average order value", "orders_per_visitor": "Orders per visitor"}
VERDICTS = ("ship", "don't ship", "inconclusive", "investigate")


# ---------------------------------------------------------------------------------------------------------------
# results


@dataclass
class SRMResult:
    """Outcome of the sample-ratio-mismatch check: ``table`` has users, planned share, expected users per variant."""

    table: pd.DataFrame
    chi2: float
    p_value: float
    alpha: float
    flagged: bool

    @property
    def message(self) -> str:
        parts = ", ".join(f"{r.variant} {r.users:,} ({fmt.pct(r.observed_share, 2)} vs {fmt.pct(r.planned_share, 1)} "
                          f"planned)" for r in self.table.itertuples())
        if self.flagged:
            return (f"Sample ratio mismatch: {parts}; chi-square p = {self.p_value:.2g} < {self.alpha:g}. The split "
                    "is not what was planned, so the assignment or the tracking is broken: do not use these "
                    "results until the cause is found (redirects, bots, a variant that fails to load, a filter "
                    "applied to one arm).")
        return f"No sample ratio mismatch: {parts}; chi-square p = {self.p_value:.3g} (flagged below {self.alpha:g})."


@dataclass
class CupedResult:
    """CUPED adjustment of one metric: ``theta``, ``correlation`` and ``variance_reduction`` (= corr^2, pooled)."""

    metric: str
    covariate: str
    theta: float
    correlation: float
    variance_reduction: float
    covariate_mean: float
    users_without_covariate: int


@dataclass
class Decision:
    """The readout's answer: ``verdict`` in ("ship", "don't ship", "inconclusive", "investigate")."""

    verdict: str
    variant: str | None
    headline: str
    reasons: list[str] = field(default_factory=list)
    per_variant: dict[str, str] = field(default_factory=dict)


@dataclass
class Readout:
    """Everything :func:`ab_readout` found: the decision first, then trust checks and evidence."""

    decision: Decision
    srm: SRMResult
    metrics: pd.DataFrame
    summary: pd.DataFrame
    checks: dict[str, Any]
    control: str
    variants: list[str]
    primary: str
    alpha: float
    cap: dict[str, Any] | None = None
    cuped: list[CupedResult] = field(default_factory=list)
    cuped_comparison: pd.DataFrame | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def cap_value(self) -> float | None:
        """The revenue cap applied (None without capping)."""
        return self.cap["value"] if self.cap else None

    def lift(self, metric: str | None = None, variant: str | None = None) -> float:
        """Relative lift of ``metric`` (default primary) for ``variant`` (default first treatment); NaN if absent."""
        try:
            return float(self.row(metric, variant)["lift"])
        except KeyError:
            return float("nan")

    def row(self, metric: str | None = None, variant: str | None = None) -> pd.Series:
        """One row of ``metrics`` (default: the primary metric of the first treatment)."""
        metric = metric or self.primary
        variant = variant or self.variants[1]
        hit = self.metrics[(self.metrics["metric"] == metric) & (self.metrics["variant"] == variant)]
        if hit.empty:
            raise KeyError(f"no result for metric {metric!r} and variant {variant!r}")
        return hit.iloc[0]


# ---------------------------------------------------------------------------------------------------------------
# building blocks


def variant_order(assignments: pd.DataFrame, *, variant: str = "variant", control: str = "control") -> list[str]:
    """Variants present, control first and the others sorted; ``DataError`` if control is missing."""
    if variant not in assignments.columns:
        raise DataError(f"no variant column {variant!r}; columns present: {list(assignments.columns)[:20]}",
                        source="assignments", column=variant, rows=len(assignments),
                        fix="Name the variant column with variant= (notebook: variant_column)")
    present = sorted(str(v) for v in assignments[variant].dropna().unique())
    if control not in present:
        raise DataError(f"control variant {control!r} not found; variants present: {present}", source="assignments",
                        column=variant, rows=len(assignments), fix="Set control= to one of the variants present")
    return [control] + [v for v in present if v != control]


def _planned_shares(planned: Mapping[str, float] | Sequence[float] | None, order: list[str],
                    counts: pd.Series) -> pd.Series:
    if planned is None:
        shares = pd.Series(1.0, index=order)
    elif isinstance(planned, Mapping):
        unknown = [v for v in counts.index if v not in planned]
        if unknown:
            raise DataError(f"variant {unknown[0]!r} has users but is not in the planned split {dict(planned)}",
                            source="planned_split", column="variant", rows=int(counts[unknown].sum()),
                            fix="Add every variant to the planned split")
        shares = pd.Series({str(k): float(v) for k, v in planned.items()})
    else:
        planned = list(planned)
        if len(planned) != len(order):
            raise DataError(f"planned split has {len(planned)} shares but the data has {len(order)} variants "
                            f"({order})", source="planned_split", example=repr(planned),
                            fix="Give one share per variant, control first, then the others in alphabetical order")
        shares = pd.Series([float(x) for x in planned], index=order)
    if (shares < 0).any() or shares.sum() <= 0:
        raise DataError("planned shares must be positive", source="planned_split", example=repr(list(shares)),
                        fix="Use shares such as [50, 50] or [0.5, 0.5]")
    return shares / shares.sum()


def srm_check(
    assignments: pd.DataFrame, *, variant: str = "variant", control: str = "control",
    planned: Mapping[str, float] | Sequence[float] | None = None, alpha: float = SRM_ALPHA,
) -> SRMResult:
    """Sample ratio mismatch: are the users per variant consistent with the planned split?

    Chi-square goodness-of-fit test of the observed users per variant against ``total x planned share``
    (``scipy.stats.chisquare``); flagged when p < ``alpha`` (0.001, the industry convention, because the check
    runs on every test and a false alarm stops a readout).

    Parameters
    ----------
    assignments : DataFrame
        One row per user.
    planned : dict or list, optional
        Planned shares per variant: ``{"control": 50, "treatment": 50}``, or a list in :func:`variant_order`
        order (control first, then alphabetical). Percentages or fractions. Default: equal shares.

    Raises
    ------
    DataError
        A planned variant with no users (no traffic), a variant with users that is not in the plan, or a plan
        with the wrong number of shares.
    """
    order = variant_order(assignments, variant=variant, control=control)
    counts = assignments[variant].astype("string").value_counts()
    shares = _planned_shares(planned, order, counts)
    empty = [v for v in shares.index if counts.get(v, 0) == 0 and shares[v] > 0]
    if empty:
        have = ", ".join(f"{v}: {int(counts.get(v, 0)):,} users" for v in shares.index)
        raise DataError(f"variant {empty[0]!r} has no users although the plan gives it {fmt.pct(shares[empty[0]])} of "
                        f"traffic ({have})", source="assignments", column=variant, rows=0,
                        fix="Check that the variant was live and tracked for the whole test, and that its name in "
                            "the data matches the plan")
    idx = [v for v in order if v in shares.index] + [v for v in shares.index if v not in order]
    observed = np.array([int(counts.get(v, 0)) for v in idx], dtype=float)
    expected = shares[idx].to_numpy() * observed.sum()
    chi2, p = stats.chisquare(observed, f_exp=expected)
    table = pd.DataFrame({"variant": idx, "users": observed.astype("int64"), "planned_share": shares[idx].to_numpy(),
                          "expected_users": expected, "observed_share": observed / observed.sum()})
    table["difference"] = table["users"] - table["expected_users"]
    return SRMResult(table=table, chi2=float(chi2), p_value=float(p), alpha=alpha, flagged=bool(p < alpha))


def _arms(assignments: pd.DataFrame, *, variant: str, control: str,
          columns: Sequence[str]) -> tuple[list[str], dict[str, dict[str, np.ndarray]]]:
    """Variant order and, per variant, the named columns as float arrays (cheaper than splitting the frame)."""
    order = variant_order(assignments, variant=variant, control=control)
    labels = assignments[variant].astype("string").to_numpy()
    arrays = {c: assignments[c].to_numpy(dtype=float) for c in columns}
    groups = {}
    for v in order:
        idx = np.flatnonzero(labels == v)
        groups[v] = {c: a[idx] for c, a in arrays.items()}
    return order, groups


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
    _require_numeric(assignments, converted)
    order, groups = _arms(assignments, variant=variant, control=control, columns=[converted])
    c = groups[control][converted]
    xc, nc = int(c.sum()), int(c.size)
    rows = []
    for v in order[1:]:
        t = groups[v][converted]
        xt, nt = int(t.sum()), int(t.size)
        row = _row("conversion", v, nc, nt, xc / nc, xt / nt)
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


def _row(metric: str, v: str, nc: int, nt: int, mc: float, mt: float) -> dict[str, Any]:
    return {"metric": metric, "label": METRIC_LABELS.get(metric, metric), "variant": v, "control_users": nc,
            "variant_users": nt, "control_value": mc, "variant_value": mt, "diff": mt - mc,
            "diff_low": np.nan, "diff_high": np.nan, "lift": (mt / mc - 1) if mc else np.nan,
            "lift_low": np.nan, "lift_high": np.nan, "p_value": np.nan, "method": ""}


def cap_values(
    values: pd.Series, *, percentile: float, reference: pd.Series | None = None,
) -> tuple[pd.Series, float, int]:
    """Cap (winsorise) values above a percentile of the positive values (the buyers).

    ``percentile`` is in percent (99 = the 99th percentile). The cap is computed on ``reference`` (default:
    ``values``), pooled over variants, so every arm is capped at the same amount. Returns the capped values,
    the cap, and how many values were lowered.
    """
    if not 0 < percentile <= 100:
        raise DataError(f"cap percentile must be in (0, 100], not {percentile!r}", source="cap_percentile",
                        fix="Use e.g. 99 for the 99th percentile of buyers' revenue, or None for no cap")
    ref = values if reference is None else reference
    pos = ref[ref > 0]
    if pos.empty:
        return values.copy(), float("nan"), 0
    cap = float(np.percentile(pos.to_numpy(dtype=float), percentile))
    return values.clip(upper=cap), cap, int((values > cap).sum())


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
    _require_numeric(assignments, metric)
    col = bootstrap_column or metric
    if bootstrap:
        _require_numeric(assignments, col)
    order, groups = _arms(assignments, variant=variant, control=control,
                          columns=list(dict.fromkeys([metric, col] if bootstrap else [metric])))
    c = groups[control][metric]
    z = stats.norm.ppf(1 - alpha / 2)
    rows = []
    for i, v in enumerate(order[1:]):
        t = groups[v][metric]
        row = _row(name or metric, v, c.size, t.size, float(c.mean()), float(t.mean()))
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


def _boot_means(x: np.ndarray, n_resamples: int, rng: np.random.Generator, batch: int = 5_000_000) -> np.ndarray:
    """Means of ``n_resamples`` bootstrap resamples of x, drawing only the non-zero values (exact, see module)."""
    n = x.size
    nz = x[x != 0]
    m = nz.size
    if m == 0:
        return np.zeros(n_resamples)
    k = rng.binomial(n, m / n, size=n_resamples) if m < n else np.full(n_resamples, n)
    sums = np.empty(n_resamples)
    start = 0
    while start < n_resamples:  # batches keep memory flat: at most `batch` draws at a time
        stop = start + 1
        while stop < n_resamples and k[start:stop + 1].sum() <= batch:
            stop += 1
        kk = k[start:stop]
        draws = nz[rng.integers(0, m, size=int(kk.sum()))]
        sums[start:stop] = np.bincount(np.repeat(np.arange(kk.size), kk), weights=draws, minlength=kk.size)
        start = stop
    return sums / n


def bootstrap_mean_diff(
    control: np.ndarray, treatment: np.ndarray, *, n_resamples: int = 2000, confidence: float = 0.95, seed: int = 0,
) -> dict[str, float]:
    """Percentile bootstrap interval for mean(treatment) - mean(control) and mean(treatment) / mean(control) - 1.

    Each arm is resampled with replacement at its own size (independent samples), ``n_resamples`` times, from
    ``numpy.random.default_rng(seed)``; the interval is the (1 - confidence) / 2 and (1 + confidence) / 2
    quantiles of the resampled statistic. Only non-zero values are drawn (exactly equivalent, see module).

    Returns
    -------
    dict with ``diff_low``, ``diff_high``, ``lift_low``, ``lift_high``.
    """
    rng = np.random.default_rng(seed)
    mc = _boot_means(np.asarray(control, dtype=float), n_resamples, rng)
    mt = _boot_means(np.asarray(treatment, dtype=float), n_resamples, rng)
    q = [(1 - confidence) / 2, (1 + confidence) / 2]
    d = np.quantile(mt - mc, q)
    with np.errstate(divide="ignore", invalid="ignore"):
        lift = mt / mc - 1
    lift = lift[np.isfinite(lift)]
    lq = np.quantile(lift, q) if lift.size else [np.nan, np.nan]
    return {"diff_low": float(d[0]), "diff_high": float(d[1]), "lift_low": float(lq[0]), "lift_high": float(lq[1])}


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
    _require_numeric(assignments, numerator)
    _require_numeric(assignments, denominator)
    order, groups = _arms(assignments, variant=variant, control=control, columns=[numerator, denominator])
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
        row = _row(name, v, nc, nt, rc, rt)
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


def cuped_adjust(
    assignments: pd.DataFrame, *, metric: str = "revenue", covariate: str = "pre_revenue",
) -> tuple[pd.Series, CupedResult]:
    """CUPED-adjusted metric ``Y - theta (X - mean X)``, ``theta = cov(X, Y) / var(X)``, pooled over variants.

    X is a pre-period value of the same user (e.g. revenue in the weeks before the test), unaffected by the
    treatment, so the adjustment leaves the expected difference unchanged and removes ``corr(X, Y)^2`` of the
    variance. Users without the covariate (new users) get X = mean X, i.e. no adjustment.

    Returns
    -------
    (adjusted values aligned with ``assignments``, CupedResult)
    """
    if covariate not in assignments.columns:
        raise DataError(f"covariate column {covariate!r} not found; columns present: {list(assignments.columns)[:20]}",
                        source="assignments", column=covariate,
                        fix="Give a pre-period column (e.g. pre_revenue) or covariate=None to skip CUPED")
    _require_numeric(assignments, covariate, allow_missing=True)
    _require_numeric(assignments, metric)
    x = assignments[covariate].astype("float64")
    y = assignments[metric].astype("float64")
    missing = int(x.isna().sum())
    xm = float(x.mean())
    x = x.fillna(xm)
    vx = float(x.var(ddof=1))
    if not vx > 0:
        raise DataError("the covariate has no variation, CUPED cannot use it", source="assignments",
                        column=covariate, rows=len(x), example=f"every value {xm:g}",
                        fix="Use a pre-period metric that differs between users, or covariate=None")
    theta = float(np.cov(x, y, ddof=1)[0, 1] / vx)
    adj = y - theta * (x - xm)
    vy = float(y.var(ddof=1))
    corr = float(np.corrcoef(x, y)[0, 1]) if vy > 0 else 0.0
    red = 1 - float(adj.var(ddof=1)) / vy if vy > 0 else 0.0
    return adj, CupedResult(metric, covariate, theta, corr, red, xm, missing)


def holm(p_values: Sequence[float], *, alpha: float = 0.05) -> np.ndarray:
    """Holm-adjusted p-values (``statsmodels.stats.multitest.multipletests(method="holm")``); NaN kept as NaN."""
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    if ok.any():
        out[ok] = multipletests(p[ok], alpha=alpha, method="holm")[1]
    return out


def _require_numeric(df: pd.DataFrame, column: str, *, allow_missing: bool = False) -> None:
    if column not in df.columns:
        raise DataError(f"metric column {column!r} not found; columns present: {list(df.columns)[:20]}",
                        source="assignments", column=column,
                        fix="Use conversion, revenue_per_visitor, aov, a numeric per-user column, or 'a/b' for a ratio")
    if not pd.api.types.is_numeric_dtype(df[column]):
        bad = pd.to_numeric(df[column], errors="coerce").isna() & df[column].notna()
        raise DataError("values are not numbers", source="assignments", column=column, rows=int(bad.sum()),
                        example=repr(df.loc[bad, column].iloc[0]) if bad.any() else None,
                        fix="Give per-user numbers")
    if df[column].isna().all():
        raise DataError("the column has no values (the source has no such data)", source="assignments",
                        column=column, rows=len(df),
                        fix="Leave metrics that need it out (e.g. metrics=['conversion']) or give a source that "
                            "has it (revenue on purchase events, or a revenue column per user)")
    if not allow_missing and df[column].isna().any():
        raise DataError("missing values in a metric column", source="assignments", column=column,
                        rows=int(df[column].isna().sum()),
                        fix="Fill with 0 where the user had none (e.g. revenue of non-buyers)")


def variant_summary(
    assignments: pd.DataFrame, *, variant: str = "variant", control: str = "control",
) -> pd.DataFrame:
    """Per variant: users, buyers, conversion, revenue, revenue per visitor, orders and AOV (raw, uncapped)."""
    order = variant_order(assignments, variant=variant, control=control)
    labels = assignments[variant].astype("string")
    rows = []
    for v in order:
        g = assignments[labels == v]
        rev = float(g["revenue"].sum()) if "revenue" in g and g["revenue"].notna().any() else np.nan
        orders = int(g["orders"].sum()) if "orders" in g else int(g["converted"].sum())
        rows.append({"variant": v, "users": len(g), "buyers": int(g["converted"].sum()),
                     "conversion": float(g["converted"].mean()), "revenue": rev, "revenue_per_visitor": rev / len(g),
                     "orders": orders, "aov": rev / orders if orders else np.nan})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------------------------
# decision and the one-call readout


def _sig(row: pd.Series, alpha: float) -> bool:
    return bool(np.isfinite(row["p_holm"]) and row["p_holm"] < alpha)


def decide(metrics: pd.DataFrame, *, srm: SRMResult, primary: str, alpha: float = 0.05,
           warnings: Sequence[str] = ()) -> Decision:
    """Apply the written decision rule (module docstring) to a metrics table with Holm-adjusted p-values."""
    if srm.flagged:
        return Decision("investigate", None, "Don't trust this test yet: the traffic split is not what was planned.",
                        [srm.message, *warnings])
    per: dict[str, str] = {}
    reasons: list[str] = []
    lifts: dict[str, float] = {}
    for v, rows in metrics.groupby("variant", sort=False):
        prim = rows[rows["metric"] == primary].iloc[0]
        guards = rows[rows["metric"] != primary]
        harmed = [g for _, g in guards.iterrows() if _sig(g, alpha) and g["diff"] < 0]
        p_txt = _effect_text(prim)
        harm_txt = (f"guardrail {', '.join(h['label'].lower() for h in harmed)} significantly worse "
                    f"({'; '.join(_effect_text(h) for h in harmed)})") if harmed else ""
        if _sig(prim, alpha) and prim["diff"] < 0:
            per[v] = "don't ship"
            reasons.append(f"{v}: {prim['label'].lower()} is significantly worse ({p_txt})"
                           + (f"; {harm_txt} as well." if harmed else "."))
        elif harmed:
            per[v] = "don't ship"
            reasons.append(f"{v}: {harm_txt}, so the {prim['label'].lower()} result ({p_txt}) does not carry it.")
        elif _sig(prim, alpha) and prim["diff"] > 0:
            per[v] = "ship"
            lifts[v] = float(prim["lift"])
            reasons.append(f"{v}: {prim['label'].lower()} is significantly better ({p_txt}) and no guardrail is "
                           "significantly worse.")
        else:
            per[v] = "inconclusive"
            reasons.append(f"{v}: the {prim['label'].lower()} difference is not significant after Holm correction "
                           f"({p_txt}); the test cannot tell a lift inside that interval from no change.")
    if lifts:
        best = max(lifts, key=lifts.get)
        prim = metrics[(metrics["variant"] == best) & (metrics["metric"] == primary)].iloc[0]
        head = (f"Ship {best}: {prim['label'].lower()} {_change_text(prim)}, with no guardrail metric worse.")
        return Decision("ship", best, head, reasons + list(warnings), per)
    if "inconclusive" in per.values():
        v = next(k for k, s in per.items() if s == "inconclusive")
        prim = metrics[(metrics["variant"] == v) & (metrics["metric"] == primary)].iloc[0]
        head = (f"Inconclusive: keep control. {prim['label']} {_change_text(prim)}, which is not a significant "
                "difference.")
        return Decision("inconclusive", None, head, reasons + list(warnings), per)
    head = "Don't ship: " + reasons[0].split(": ", 1)[1]
    return Decision("don't ship", None, head, reasons + list(warnings), per)


def _value_text(metric: str, x: float, signed: bool = False, currency: str = "USD") -> str:
    if metric in ("conversion",):
        return fmt.pp(x, 2) if signed else fmt.pct(x, 2)
    if metric in ("revenue_per_visitor", "aov"):
        s = fmt.money(x, currency, decimals=2)
        return ("+" + s if np.isfinite(x) and x >= 0 else s) if signed else s
    return fmt.num(x, 3, signed=signed)


def _effect_text(row: pd.Series) -> str:
    lift = (f"{fmt.pct(row['lift'], 1, signed=True)} relative, 95% CI {fmt.pct(row['lift_low'], 1, signed=True)} to "
            f"{fmt.pct(row['lift_high'], 1, signed=True)}") if np.isfinite(row["lift"]) else "lift n/a"
    return f"{lift}; Holm-adjusted p = {_p(row['p_holm'])}"


def _change_text(row: pd.Series) -> str:
    return (f"went from {_value_text(row['metric'], row['control_value'])} to "
            f"{_value_text(row['metric'], row['variant_value'])} ({_effect_text(row)})")


def _p(p: float) -> str:
    if not np.isfinite(p):
        return "n/a"
    return "< 0.0001" if p < 1e-4 else f"{p:.4f}" if p < 0.01 else f"{p:.3f}"


def _parse_metric(metric: str, df: pd.DataFrame) -> tuple[str, ...]:
    if metric in ("conversion",):
        return ("conversion",)
    if metric in ("revenue_per_visitor", "rpv"):
        return ("mean", "revenue", "revenue_per_visitor")
    if metric in ("aov", "average_order_value"):
        return ("ratio", "revenue", "orders", "aov")
    if metric == "orders_per_visitor":
        return ("mean", "orders", "orders_per_visitor")
    if "/" in metric:
        num, den = (s.strip() for s in metric.split("/", 1))
        return ("ratio", num, den, metric)
    if metric in df.columns:
        return ("mean", metric, metric)
    raise DataError(f"unknown metric {metric!r}", source="metrics", example=repr(metric),
                    fix="Use conversion, revenue_per_visitor, aov, orders_per_visitor, a numeric per-user column, "
                        "or 'numerator/denominator'")


def ab_readout(
    assignments: pd.DataFrame, *, variant: str = "variant", control: str = "control",
    planned_split: Mapping[str, float] | Sequence[float] | None = None,
    metrics: Sequence[str] = ("conversion", "revenue_per_visitor", "aov"), alpha: float = 0.05,
    cap_percentile: float | None = None, covariate: str | None = None, n_resamples: int = 2000, seed: int = 0,
    checks: Mapping[str, Any] | None = None, covariate_missing: str = "error",
) -> Readout:
    """The whole A/B readout in one call: SRM first, every metric with intervals, Holm, CUPED, the decision.

    Parameters
    ----------
    assignments : DataFrame
        One row per user (``workbench.data.events.ASSIGNMENTS``): variant, converted, revenue, orders, and the
        covariate when CUPED is wanted.
    variant, control : str
        Variant column and the name of the control arm.
    planned_split : dict or list, optional
        Planned traffic shares (see :func:`srm_check`); default equal.
    metrics : sequence of str
        The first is the **primary** metric that decides; the others are **guardrails** that must not get
        significantly worse. Built in: ``conversion``, ``revenue_per_visitor``, ``aov``, ``orders_per_visitor``;
        also any numeric per-user column (mean per user) and ``"num/den"`` ratios of two columns.
    alpha : float
        Significance level of every comparison after Holm correction; intervals are (1 - alpha).
    cap_percentile : float, optional
        Cap per-user revenue at this percentile of buyers' revenue (pooled over variants) before revenue metrics
        and AOV; None = no cap.
    covariate : str, optional
        Pre-period column for CUPED on per-user mean metrics; None = no CUPED.
    n_resamples, seed : int
        Bootstrap resamples and seed for the revenue bootstrap intervals.
    checks : dict, optional
        Counts from loading (``double_assigned_users`` ...); they become warnings in the decision.
    covariate_missing : {"error", "skip"}
        When ``covariate`` is not a column: raise, or run without CUPED and say so in ``warnings`` (report
        notebooks, whose default covariate a user's export may lack).

    Returns
    -------
    Readout
    """
    if not 0 < alpha < 1:
        raise DataError(f"alpha must be between 0 and 1, not {alpha!r}", source="alpha", fix="Use e.g. 0.05")
    metrics = list(metrics)
    if not metrics:
        raise DataError("no metrics given", source="metrics", fix="Pass e.g. ['conversion', 'revenue_per_visitor']")
    df = assignments.copy()
    df[variant] = df[variant].astype("string")
    srm = srm_check(df, variant=variant, control=control, planned=planned_split)
    order = variant_order(df, variant=variant, control=control)
    checks = dict(checks or {})
    warns: list[str] = []
    users = len(df) + int(checks.get("double_assigned_users", 0))
    if checks.get("double_assigned_users", 0) and checks["double_assigned_users"] / users > DOUBLE_ASSIGNMENT_WARN:
        warns.append(f"Warning: {fmt.pct(checks['double_assigned_users'] / users)} of users were seen in more than "
                     f"one variant (excluded); above {fmt.pct(DOUBLE_ASSIGNMENT_WARN, 0)} this points to broken "
                     "bucketing or shared devices: check the assignment code.")

    if covariate and covariate not in df.columns and covariate_missing == "skip":
        warns.append(f"No column {covariate!r} in the data: CUPED variance reduction was not applied.")
        covariate = None
    cap = None
    if cap_percentile is not None and "revenue" in df:
        df["revenue"], value, n_capped = cap_values(df["revenue"].astype(float), percentile=cap_percentile)
        cap = {"percentile": float(cap_percentile), "value": value, "users_capped": n_capped}
    cupeds: list[CupedResult] = []
    comparison = []
    rows = []
    for i, m in enumerate(metrics):
        spec = _parse_metric(m, df)
        if spec[0] == "conversion":
            rows.append(conversion_test(df, variant=variant, control=control, alpha=alpha))
        elif spec[0] == "ratio":
            rows.append(ratio_metric_test(df, numerator=spec[1], denominator=spec[2], name=spec[3], variant=variant,
                                          control=control, alpha=alpha))
        else:
            col, name = spec[1], spec[2]
            boot = col == "revenue"
            if covariate:
                adj, res = cuped_adjust(df, metric=col, covariate=covariate)
                cupeds.append(res)
                df[f"_cuped_{col}"] = adj
                raw = mean_metric_test(df, metric=col, name=name, variant=variant, control=control, alpha=alpha,
                                       bootstrap=False)
                r = mean_metric_test(df, metric=f"_cuped_{col}", name=name, variant=variant, control=control,
                                     alpha=alpha, bootstrap=boot, n_resamples=n_resamples, seed=seed + 100 * i,
                                     bootstrap_column=col)
                r["method"] = "Welch t-test on CUPED-adjusted values; delta-method lift interval"
                r["control_value"] = raw["control_value"].to_numpy()
                r["variant_value"] = raw["variant_value"].to_numpy()
                for (_, a), (_, b) in zip(raw.iterrows(), r.iterrows()):
                    comparison.append({"metric": name, "variant": a["variant"], "diff_raw": a["diff"],
                                       "ci_width_raw": a["diff_high"] - a["diff_low"], "diff_cuped": b["diff"],
                                       "ci_width_cuped": b["diff_high"] - b["diff_low"],
                                       "p_raw": a["p_value"], "p_cuped": b["p_value"]})
            else:
                r = mean_metric_test(df, metric=col, name=name, variant=variant, control=control, alpha=alpha,
                                     bootstrap=boot, n_resamples=n_resamples, seed=seed + 100 * i)
            rows.append(r)
    table = pd.concat(rows, ignore_index=True)
    for c in ("boot_diff_low", "boot_diff_high", "boot_lift_low", "boot_lift_high"):
        if c not in table:
            table[c] = np.nan
    table.insert(1, "role", np.where(table["metric"] == _parse_metric(metrics[0], df)[-1], "primary", "guardrail"))
    table["p_holm"] = holm(table["p_value"].to_numpy(), alpha=alpha)
    table["significant"] = table["p_holm"] < alpha
    if cap is not None:
        for name in ("revenue_per_visitor", "aov"):
            table.loc[table["metric"] == name, "method"] += f"; revenue capped at {fmt.money(cap['value'], decimals=2)}"
    primary = _parse_metric(metrics[0], df)[-1]
    decision = decide(table, srm=srm, primary=primary, alpha=alpha, warnings=warns)
    comp = pd.DataFrame(comparison) if comparison else None
    if comp is not None:
        comp["ci_narrower_by"] = 1 - comp["ci_width_cuped"] / comp["ci_width_raw"]
    return Readout(decision=decision, srm=srm, metrics=table,
                   summary=variant_summary(assignments.assign(**{variant: assignments[variant].astype("string")}),
                                           variant=variant, control=control),
                   checks=checks, control=control, variants=order, primary=primary, alpha=alpha, cap=cap,
                   cuped=cupeds, cuped_comparison=comp, warnings=warns)


# ---------------------------------------------------------------------------------------------------------------
# report text and tables


_VERDICT_TEXT = {"ship": "SHIP", "don't ship": "DON'T SHIP", "inconclusive": "INCONCLUSIVE",
                 "investigate": "DON'T TRUST YET: INVESTIGATE"}


def decision_markdown(readout: Readout, *, source_label: str, generated: bool = False,
                      truth: Mapping[str, Any] | None = None) -> str:
    """The report's opening: verdict, why, what the data was, and (generated data) the true effects."""
    d = readout.decision
    lines = [f"## Decision: {_VERDICT_TEXT[d.verdict]}", "", d.headline, ""]
    lines += [f"- {r}" for r in d.reasons]
    roles = readout.metrics.drop_duplicates("metric")
    prim = roles.loc[roles["role"] == "primary", "label"].tolist()
    guards = roles.loc[roles["role"] == "guardrail", "label"].tolist()
    lines += ["", f"Rule: the primary metric (**{', '.join(prim)}**) must improve significantly after Holm correction "
              f"at alpha {readout.alpha:g}" + (f", and no guardrail ({', '.join(g.lower() for g in guards)}) may get "
              "significantly worse" if guards else "") + "; a sample ratio mismatch (p < 0.001) stops the readout."]
    if generated:
        lines += ["", f"**Data: GENERATED**: {source_label}. No real A/B test ships with the workbench; this sample "
                  "was drawn with known effects so the readout can be checked against them."]
        if truth:
            conv = truth["conversion"]
            t = [f"{v}: true conversion {fmt.pct(conv[v], 2)} vs {fmt.pct(conv[readout.control], 2)} "
                 f"({fmt.pct(lift, 1, signed=True)} relative)" for v, lift in truth.get("relative_lift", {}).items()]
            lines += [f"True effects built into the sample: {'; '.join(t)}; true average order value equal in all "
                      "arms. One draw of users can land anywhere inside its confidence interval."]
    else:
        lines += ["", f"Data: {source_label}."]
    return "\n".join(lines)


def trust_checks(readout: Readout) -> pd.DataFrame:
    """One row per trust check: what was checked, the status (ok / warning / stop) and the detail with counts."""
    c = readout.checks
    rows = [{"check": "Sample ratio (SRM)", "status": "stop" if readout.srm.flagged else "ok",
             "detail": readout.srm.message}]
    users = int(c.get("users", readout.summary["users"].sum()))
    dbl = int(c.get("double_assigned_users", 0))
    share = dbl / (users + dbl) if users + dbl else 0.0
    rows.append({"check": "Users in more than one variant", "status": "warning" if share > DOUBLE_ASSIGNMENT_WARN
                 else "ok", "detail": f"{dbl:,} users ({fmt.pct(share, 2)}; {int(c.get('double_assigned_rows', 0)):,} "
                 "rows) were seen in several variants and excluded" if dbl else "none found"})
    miss = int(c.get("rows_without_variant", 0))
    rows.append({"check": "Rows without a variant", "status": "warning" if miss else "ok",
                 "detail": f"{miss:,} rows ({int(c.get('users_without_variant', 0)):,} users) excluded" if miss
                 else "none found"})
    if "rows_out_of_order" in c:
        o = int(c["rows_out_of_order"])
        rows.append({"check": "Events out of time order in the file", "status": "ok",
                     "detail": f"{o:,} events sorted by time before counting" if o else "none found"})
    for key, label in (("rows_without_user", "Rows without a user id"), ("rows_collapsed", "Repeated user rows")):
        if c.get(key):
            rows.append({"check": label, "status": "ok", "detail": f"{int(c[key]):,} rows (left out or combined)"})
    if readout.cap:
        rows.append({"check": "Revenue outliers", "status": "ok",
                     "detail": f"{readout.cap['users_capped']:,} users' revenue capped at "
                               f"{fmt.money(readout.cap['value'], decimals=2)} (percentile "
                               f"{readout.cap['percentile']:g} of buyers)"})
    for w in readout.warnings:
        if "CUPED" in w:
            rows.append({"check": "CUPED covariate", "status": "warning", "detail": w})
    return pd.DataFrame(rows)


def metrics_table(readout: Readout, *, currency: str = "USD") -> pd.DataFrame:
    """The metrics of the readout as text for a manager: values, change and lift with intervals, p-values.

    How each metric was tested is in :func:`method_notes` (and ``readout.metrics["method"]``).
    """
    out = []
    several = len(readout.variants) > 2
    ci = fmt.pct(1 - readout.alpha, 0)
    for _, r in readout.metrics.iterrows():
        def val(x: float, signed: bool = False, m: str = r["metric"]) -> str:
            return _value_text(m, x, signed, currency)

        boot = (f"{fmt.pct(r['boot_lift_low'], 1, signed=True)} to {fmt.pct(r['boot_lift_high'], 1, signed=True)}"
                if np.isfinite(r["boot_lift_low"]) else "")
        out.append({
            "Metric": r["label"] + (f" ({r['variant']})" if several else ""),
            "Role": r["role"],
            readout.control: val(r["control_value"]),
            "Variant" if several else r["variant"]: val(r["variant_value"]),
            f"Difference ({ci} CI)": f"{val(r['diff'], True)} ({val(r['diff_low'], True)} to "
                                     f"{val(r['diff_high'], True)})",
            f"Relative lift ({ci} CI)": f"{fmt.pct(r['lift'], 1, signed=True)} "
                                        f"({fmt.pct(r['lift_low'], 1, signed=True)} to "
                                        f"{fmt.pct(r['lift_high'], 1, signed=True)})",
            "Bootstrap CI (lift)": boot,
            "p-value": _p(r["p_value"]),
            "Holm p-value": _p(r["p_holm"]),
            "Significant": "yes" if r["significant"] else "no",
        })
    return pd.DataFrame(out)


def summary_view(readout: Readout, *, currency: str = "USD") -> pd.DataFrame:
    """Per-variant totals (raw, uncapped) as text: users, buyers, conversion, revenue, per visitor, orders, AOV."""
    s = readout.summary
    return pd.DataFrame({
        "Variant": s["variant"], "Users": s["users"].map(fmt.num), "Buyers": s["buyers"].map(fmt.num),
        "Conversion": s["conversion"].map(lambda x: fmt.pct(x, 2)),
        "Revenue": s["revenue"].map(lambda x: fmt.money(x, currency)),
        "Revenue per visitor": s["revenue_per_visitor"].map(lambda x: fmt.money(x, currency, 2)),
        "Orders": s["orders"].map(fmt.num), "Average order value": s["aov"].map(lambda x: fmt.money(x, currency, 2)),
    })


def cuped_table(readout: Readout) -> pd.DataFrame | None:
    """CUPED summary per adjusted metric: theta, correlation, variance reduction, interval width before/after."""
    if not readout.cuped:
        return None
    rows = []
    for c in readout.cuped:
        name = "revenue_per_visitor" if c.metric == "revenue" else c.metric
        comp = readout.cuped_comparison
        comp = comp[comp["metric"] == name] if comp is not None else pd.DataFrame()
        rows.append({"metric": METRIC_LABELS.get(name, name), "covariate": c.covariate, "theta": c.theta,
                     "correlation": c.correlation, "variance_reduction": c.variance_reduction,
                     "ci_width_raw": float(comp["ci_width_raw"].iloc[0]) if len(comp) else np.nan,
                     "ci_width_cuped": float(comp["ci_width_cuped"].iloc[0]) if len(comp) else np.nan,
                     "users_without_covariate": c.users_without_covariate})
    return pd.DataFrame(rows)


def cuped_markdown(readout: Readout) -> str:
    """One paragraph on CUPED: theta, correlation, variance removed, and how much narrower the interval got."""
    skipped = [w for w in readout.warnings if "CUPED" in w]
    if not readout.cuped:
        return skipped[0] if skipped else "CUPED was not applied (no pre-period covariate given)."
    parts = []
    for c in readout.cuped:
        name = "revenue_per_visitor" if c.metric == "revenue" else c.metric
        comp = readout.cuped_comparison
        comp = comp[comp["metric"] == name] if comp is not None else pd.DataFrame()
        narrower = float(comp["ci_narrower_by"].iloc[0]) if len(comp) else np.nan
        parts.append(f"**CUPED** adjusted {METRIC_LABELS.get(name, name).lower()} with the pre-period column "
                     f"`{c.covariate}`: theta = {c.theta:.4f}, correlation {c.correlation:.3f}, so the adjustment "
                     f"removed {fmt.pct(c.variance_reduction, 1)} of the variance and the confidence interval is "
                     f"{fmt.pct(narrower, 1)} narrower than without it"
                     + (f" ({c.users_without_covariate:,} users without pre-period data were not adjusted)"
                        if c.users_without_covariate else "") + ".")
    return " ".join(parts)


def true_lifts(truth: Mapping[str, Any] | None) -> dict[tuple[str, str], float]:
    """(metric, variant) -> true relative lift of a generated sample (empty for real data), for the forest plot."""
    if not truth:
        return {}
    out: dict[tuple[str, str], float] = {}
    ctrl = truth["control"]
    for v, lift in truth.get("relative_lift", {}).items():
        out[("conversion", v)] = float(lift)
        rpv = truth.get("revenue_per_visitor", {})
        if v in rpv:
            out[("revenue_per_visitor", v)] = rpv[v] / rpv[ctrl] - 1
        aov = truth.get("aov", {})
        if v in aov:
            out[("aov", v)] = aov[v] / aov[ctrl] - 1
    return out


def method_notes(readout: Readout) -> str:
    """How every number of the readout was computed, in plain words (the report's last section)."""
    n_tests = len(readout.metrics)
    cap = (f" Per-user revenue was capped at {fmt.money(readout.cap['value'], decimals=2)}, the "
           f"{readout.cap['percentile']:g}th percentile of buyers' revenue over all variants "
           f"({readout.cap['users_capped']:,} users lowered), before revenue per visitor and average order value."
           if readout.cap else " Revenue was not capped.")
    return "\n".join([
        "- **Unit**: one row per randomised user; users seen in more than one variant are excluded, not assigned.",
        "- **Sample ratio mismatch**: chi-square goodness of fit of users per variant against the planned split; "
        "p < 0.001 stops the readout.",
        "- **Conversion**: share of users with at least one purchase; pooled two-proportion z-test, score "
        "confidence intervals for the difference and the ratio (they agree with the test).",
        "- **Revenue per visitor**: mean revenue over all users, buyers or not; Welch t-test and interval, relative "
        "lift by the delta method on the log ratio, and a percentile bootstrap interval (2,000 resamples, fixed "
        "seed) as a check for skewed revenue." + cap,
        "- **Average order value**: total revenue / total orders per variant, with delta-method standard errors "
        "because users, not orders, were randomised.",
        f"- **Multiple comparisons**: Holm correction over all {n_tests} metric-variant comparisons; a result is "
        f"significant when its Holm-adjusted p-value is below {readout.alpha:g}.",
        "- **CUPED**: metric minus theta x (pre-period value - its mean), theta = cov / var over all users; it "
        "leaves the expected difference unchanged and removes the variance the pre-period explains.",
        "- **Decision rule**: SRM -> investigate; a guardrail significantly worse -> don't ship; primary "
        "significantly better -> ship; primary significantly worse -> don't ship; otherwise inconclusive.",
    ])
