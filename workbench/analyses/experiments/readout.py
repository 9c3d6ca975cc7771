"""The A/B readout in one call, and the decision it leads to: SRM first, every metric, Holm, CUPED, the verdict.

:func:`ab_readout` runs the trust checks (:mod:`.checks`), compares every metric of every treatment with
control (:mod:`.significance`, :mod:`.bootstrap`), optionally caps revenue and applies CUPED (:mod:`.variance`),
corrects all p-values together with Holm, and applies the decision rule (:func:`decide`), written down:

1. SRM flagged (p < 0.001) -> **investigate**: the split is broken, no metric can be trusted.
2. Per treatment variant: a guardrail metric (every metric after the first) significantly **worse** after Holm ->
   **don't ship**; the primary metric (the first) significantly worse -> **don't ship**; the primary metric
   significantly better and no guardrail worse -> **ship**; otherwise **inconclusive** (keep control; the interval
   says which effects the test could rule out).
3. Several treatments: ship the shippable variant with the largest primary lift; if none is shippable and one is
   inconclusive, the test is inconclusive; else don't ship.

All metrics are read as "higher is better". Users seen in several variants are excluded before the readout (see
``workbench.data.assignments.check_assignments``); their share is reported (:func:`.checks.double_assignment`).
Everything returned is numbers, frames and verdict codes; the report (``workbench.reports.experiments``) words them.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from workbench.analyses.experiments.checks import (
    DoubleAssignment, SRMResult, double_assignment, srm_check, variant_order,
)
from workbench.analyses.experiments.significance import conversion_test, holm, mean_metric_test, ratio_metric_test
from workbench.analyses.experiments.variance import CupedResult, cap_values, cuped_adjust
from workbench.errors import DataError

__all__ = ["VERDICTS", "Decision", "Readout", "decide", "ab_readout", "variant_summary", "cuped_summary"]

VERDICTS = ("ship", "don't ship", "inconclusive", "investigate")


@dataclass
class Decision:
    """The readout's answer.

    Attributes
    ----------
    verdict : str
        One of :data:`VERDICTS`.
    variant : str or None
        The variant to ship (verdict "ship"), else None.
    about : str or None
        The variant whose primary result the verdict rests on: the shipped one, the first inconclusive one, or the
        first variant not to ship; None when the SRM check stopped the readout.
    per_variant : dict
        Variant -> its own verdict ("ship", "don't ship", "inconclusive").
    harmed : dict
        Variant -> guardrail metrics significantly worse after Holm (empty lists where none).
    """

    verdict: str
    variant: str | None = None
    about: str | None = None
    per_variant: dict[str, str] = field(default_factory=dict)
    harmed: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Readout:
    """Everything :func:`ab_readout` found: the decision first, then trust checks and evidence.

    ``metrics`` has one row per (metric, treatment variant): the comparison columns of
    :mod:`.significance`, ``role`` ("primary" or "guardrail"), the bootstrap interval (``boot_diff_low`` ...
    ``boot_lift_high``, NaN where not bootstrapped), ``p_holm`` and ``significant`` (``p_holm < alpha``).
    """

    decision: Decision
    srm: SRMResult
    metrics: pd.DataFrame
    summary: pd.DataFrame
    checks: dict[str, Any]
    control: str
    variants: list[str]
    primary: str
    alpha: float
    double_assignment: DoubleAssignment
    n_resamples: int = 2000
    seed: int = 0
    cap: dict[str, Any] | None = None
    cuped: list[CupedResult] = field(default_factory=list)
    cuped_comparison: pd.DataFrame | None = None
    covariate_missing: str | None = None

    @property
    def cap_value(self) -> float | None:
        """The revenue cap applied (None without capping)."""
        return self.cap["value"] if self.cap else None

    @property
    def comparisons(self) -> int:
        """Metric-variant comparisons in the Holm family (what the next test should be planned for)."""
        return len(self.metrics)

    @property
    def n_variants(self) -> int:
        """Variants in the test, control included."""
        return len(self.variants)

    @property
    def bootstrapped(self) -> list[str]:
        """Metrics that carry a bootstrap interval."""
        return self.metrics.loc[self.metrics["boot_diff_low"].notna(), "metric"].unique().tolist()

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


def _sig(row: pd.Series, alpha: float) -> bool:
    return bool(np.isfinite(row["p_holm"]) and row["p_holm"] < alpha)


def decide(metrics: pd.DataFrame, *, srm: SRMResult, primary: str, alpha: float = 0.05) -> Decision:
    """Apply the written decision rule (module docstring) to a metrics table with Holm-adjusted p-values."""
    if srm.flagged:
        return Decision("investigate")
    per: dict[str, str] = {}
    harmed_by: dict[str, list[str]] = {}
    lifts: dict[str, float] = {}
    for v, rows in metrics.groupby("variant", sort=False):
        prim = rows[rows["metric"] == primary].iloc[0]
        guards = rows[rows["metric"] != primary]
        harmed_by[v] = [g["metric"] for _, g in guards.iterrows() if _sig(g, alpha) and g["diff"] < 0]
        if (_sig(prim, alpha) and prim["diff"] < 0) or harmed_by[v]:
            per[v] = "don't ship"
        elif _sig(prim, alpha) and prim["diff"] > 0:
            per[v] = "ship"
            lifts[v] = float(prim["lift"])
        else:
            per[v] = "inconclusive"
    if lifts:
        best = max(lifts, key=lifts.get)
        return Decision("ship", best, best, per, harmed_by)
    if "inconclusive" in per.values():
        return Decision("inconclusive", None, next(k for k, s in per.items() if s == "inconclusive"), per, harmed_by)
    return Decision("don't ship", None, next(iter(per)), per, harmed_by)


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
        One row per user (``workbench.data.assignments.ASSIGNMENTS``): variant, converted, revenue, orders, and the
        covariate when CUPED is wanted.
    variant, control : str
        Variant column and the name of the control arm.
    planned_split : dict or list, optional
        Planned traffic shares (see :func:`.checks.srm_check`); default equal.
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
        Counts from loading (``double_assigned_users`` ...), kept for the trust checks.
    covariate_missing : {"error", "skip"}
        When ``covariate`` is not a column: raise, or run without CUPED and name it in ``covariate_missing``
        (report notebooks, whose default covariate a user's export may lack).

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
    skipped_covariate = None
    if covariate and covariate not in df.columns and covariate_missing == "skip":
        skipped_covariate, covariate = covariate, None
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
    primary = _parse_metric(metrics[0], df)[-1]
    table.insert(1, "role", np.where(table["metric"] == primary, "primary", "guardrail"))
    table["p_holm"] = holm(table["p_value"].to_numpy(), alpha=alpha)
    table["significant"] = table["p_holm"] < alpha
    if cap is not None:
        for name in ("revenue_per_visitor", "aov"):
            table.loc[table["metric"] == name, "method"] += "; revenue capped"
    decision = decide(table, srm=srm, primary=primary, alpha=alpha)
    comp = pd.DataFrame(comparison) if comparison else None
    if comp is not None:
        comp["ci_narrower_by"] = 1 - comp["ci_width_cuped"] / comp["ci_width_raw"]
    return Readout(decision=decision, srm=srm, metrics=table,
                   summary=variant_summary(assignments.assign(**{variant: assignments[variant].astype("string")}),
                                           variant=variant, control=control),
                   checks=checks, control=control, variants=order, primary=primary, alpha=alpha,
                   double_assignment=double_assignment(checks, users=len(df)), n_resamples=n_resamples, seed=seed,
                   cap=cap, cuped=cupeds, cuped_comparison=comp, covariate_missing=skipped_covariate)


def cuped_summary(readout: Readout) -> pd.DataFrame:
    """One row per CUPED-adjusted metric and variant: theta, correlation, variance removed, interval widths.

    Columns ``metric`` (the readout's metric name), ``variant``, ``covariate``, ``theta``, ``correlation``,
    ``variance_reduction`` (pooled corr^2), ``ci_width_raw`` / ``ci_width_cuped`` (difference interval without /
    with CUPED), ``ci_narrower_by`` (1 - cuped / raw) and ``users_without_covariate``. Empty without CUPED.
    """
    cols = ["metric", "variant", "covariate", "theta", "correlation", "variance_reduction", "ci_width_raw",
            "ci_width_cuped", "ci_narrower_by", "users_without_covariate"]
    if not readout.cuped or readout.cuped_comparison is None:
        return pd.DataFrame(columns=cols)
    by_column = {c.metric: c for c in readout.cuped}
    names = {"revenue_per_visitor": "revenue", "orders_per_visitor": "orders"}
    rows = []
    for _, r in readout.cuped_comparison.iterrows():
        c = by_column[names.get(r["metric"], r["metric"])]
        rows.append({"metric": r["metric"], "variant": r["variant"], "covariate": c.covariate, "theta": c.theta,
                     "correlation": c.correlation, "variance_reduction": c.variance_reduction,
                     "ci_width_raw": r["ci_width_raw"], "ci_width_cuped": r["ci_width_cuped"],
                     "ci_narrower_by": r["ci_narrower_by"], "users_without_covariate": c.users_without_covariate})
    return pd.DataFrame(rows, columns=cols)

