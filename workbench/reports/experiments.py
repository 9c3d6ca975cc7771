"""The experiment readout's words: its sentences, display tables and headline metrics.

Every sentence is built from a result of ``workbench.analyses.experiments`` and follows its parameters: the
confidence level from the readout's ``alpha`` ("90% CI" at alpha 0.10), the bootstrap's resamples and seed,
the SRM threshold, the revenue cap, the metrics actually read, whether CUPED ran. Generated data is labelled
"GENERATED" (``reports.common``).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from workbench.analyses.experiments.funnel import ALL_USERS, funnel_biggest_drop, funnel_summary
from workbench.analyses.experiments.planning import Plan, duration_days
from workbench.analyses.experiments.readout import Readout, cuped_summary
from workbench.data.experiment import ExperimentData
from workbench.present import fmt
from workbench.present.narrative import Markdown, bullets
from workbench.present.tables import Col, TableSpec, table
from workbench.reports.common import GENERATED_WORD, Headline, record_metrics
from workbench.sections import Skipped, skippable

__all__ = [
    "METRIC_LABELS", "HEADLINES", "TRUST_CHECKS", "METRICS", "SUMMARY", "FUNNEL", "CUPED", "SAMPLE_SIZES", "MDE",
    "decision_md", "loading_md", "trust_checks_table", "funnel_md", "funnel_table", "metrics_table",
    "summary_table", "cuped_md", "cuped_table", "plan_md", "sample_size_table", "mde_table", "method_md",
    "record_headlines",
]

METRIC_LABELS = {"conversion": "Conversion rate", "revenue_per_visitor": "Revenue per visitor",
                 "aov": "Average order value", "orders_per_visitor": "Orders per visitor"}

HEADLINES = {
    "decision": Headline("Decision", "text", key=True),
    "data_generated": Headline("Generated data", "text"),
    "users": Headline("Users in the readout", "count"),
    "srm_p_value": Headline("SRM chi-square p-value", "number", key=True),
    "double_assigned_users": Headline("Users in several variants (excluded)", "count", good="down"),
    "control_conversion": Headline("Conversion: {control}", "percent"),
    "treatment_conversion": Headline("Conversion: {treatment}", "percent", good="up"),
    "primary_lift": Headline("{primary} lift", "change", good="up", key=True),
    "primary_lift_ci_low": Headline("Lift CI low", "change", good="up"),
    "primary_lift_ci_high": Headline("Lift CI high", "change", good="up"),
    "primary_p_holm": Headline("Holm-adjusted p-value", "number", key=True),
    "revenue_per_visitor_lift": Headline("Revenue per visitor lift", "change", good="up"),
    "funnel_conversion": Headline("Funnel: first to last step (strict)", "percent", good="up"),
    "days_to_detect_5pct": Headline("Days to detect +5% conversion", "number", good="down", unit="days"),
}

TRUST_CHECKS = TableSpec({"check": Col("Check", "text"), "status": Col("Status", "text"),
                          "detail": Col("Detail", "text")})

# Values differ in unit from row to row (a rate, an amount), so the cells are written here and shown as text.
METRICS = TableSpec({
    "metric": Col("Metric", "text"), "role": Col("Role", "text"), "control": Col("{control}", "text"),
    "variant": Col("{variant}", "text"), "diff": Col("Difference ({level} CI)", "text"),
    "lift": Col("Relative lift ({level} CI)", "text"),
    "boot": Col("Bootstrap {level} CI (lift)", "text", optional=True),
    "p_value": Col("p-value", "text"), "p_holm": Col("Holm p-value", "text"),
    "significant": Col("Significant", "text"),
})

SUMMARY = TableSpec({
    "variant": Col("Variant", "text"), "users": Col("Users", "count"), "buyers": Col("Buyers", "count"),
    "conversion": Col("Conversion", "percent", decimals=2), "revenue": Col("Revenue", "money"),
    "revenue_per_visitor": Col("Revenue per visitor", "money", decimals=2), "orders": Col("Orders", "count"),
    "aov": Col("Average order value", "money", decimals=2),
}, caption="Per variant: raw (uncapped) totals")

FUNNEL = TableSpec({
    "step": Col("Step", "text"), "strict": Col("Users (strict)", "count"),
    "loose": Col("Users (loose)", "count", optional=True), "step_conversion": Col("Step conversion", "percent"),
    "overall_conversion": Col("Overall conversion", "percent"), "drop_off": Col("Drop-off", "text"),
    "time": Col("Median time from previous step", "text"),
}, caption="Checkout funnel, all users")

CUPED = TableSpec({
    "metric": Col("Metric", "text"), "variant": Col("Variant", "text"), "covariate": Col("Pre-period column", "text"),
    "theta": Col("Theta", "number", decimals=4), "correlation": Col("Correlation", "number", decimals=3),
    "variance_reduction": Col("Variance removed", "percent"),
    "ci_narrower_by": Col("Interval narrower by", "percent"),
    "users_without_covariate": Col("Users without pre-period data", "count"),
}, caption="CUPED variance reduction")

SAMPLE_SIZES = TableSpec({
    "metric": Col("Metric", "text"), "relative_mde": Col("Relative lift to detect", "change", decimals=0),
    "users_per_variant": Col("Users per variant", "count"), "total_users": Col("Users in total", "count"),
    "days": Col("Days", "count"), "weeks": Col("Full weeks", "count"),
}, caption="Users and days needed per lift ({power} power)")

MDE = TableSpec({
    "weeks": Col("Weeks", "count"), "users_per_variant": Col("Users per variant", "count"),
    "conversion_mde": Col("Conversion: smallest detectable lift", "percent"),
    "revenue_per_visitor_mde": Col("Revenue per visitor: smallest detectable lift", "percent", optional=True),
}, caption="Smallest lift a test of each length can detect ({power} power)")

_VERDICT_TEXT = {"ship": "SHIP", "don't ship": "DON'T SHIP", "inconclusive": "INCONCLUSIVE",
                 "investigate": "DON'T TRUST YET: INVESTIGATE"}
_COUNTING = {"strict": "strict counting: every step after the previous one",
             "loose": "loose counting: reached the step at all, in any order"}
_TRAFFIC_SOURCE = {"parameter": "given as a parameter", "observed": "observed in this test"}


# ---------------------------------------------------------------------------------------------------------------
# wording helpers


def _whole_days(days: float) -> float | int:
    """Days a test must run to collect its users: whole days, rounded up (38.2 days of traffic need a 39th day).
    The header card, the planning sentence and the table show this one figure. NaN stays NaN (no traffic)."""
    if days is None or not np.isfinite(days):
        return float("nan")
    return math.ceil(days - 1e-9)   # a float's last bit must not add a day


def _level(alpha: float) -> str:
    """Confidence level of (1 - alpha) intervals: 0.05 -> "95%", 0.1 -> "90%", 0.025 -> "97.5%"."""
    return f"{round((1 - alpha) * 100, 6):g}%"


def _users(n: int, *, possessive: bool = False) -> str:
    """"1 user", "62 users"; possessive: "1 user's", "62 users'"."""
    if possessive:
        return f"{n:,} user's" if n == 1 else f"{n:,} users'"
    return f"{n:,} user" + ("" if n == 1 else "s")


def _label(metric: str) -> str:
    return METRIC_LABELS.get(metric, metric)


def _filled(spec: TableSpec, **fields: Any) -> TableSpec:
    """The spec with ``{fields}`` in its labels and caption filled in (variant names, confidence level)."""
    cols = {k: Col(c.label.format(**fields), c.kind, c.decimals, c.optional) for k, c in spec.cols.items()}
    return TableSpec(cols, caption=spec.caption.format(**fields) if spec.caption else None, index=spec.index)


def _p(p: float) -> str:
    if not np.isfinite(p):
        return "n/a"
    return "< 0.0001" if p < 1e-4 else f"{p:.4f}" if p < 0.01 else f"{p:.3f}"


def _value(metric: str, x: float, *, signed: bool = False, currency: str = "USD") -> str:
    if metric == "conversion":
        return fmt.pp(x, 2) if signed else fmt.pct(x, 2)
    if metric in ("revenue_per_visitor", "aov"):
        s = fmt.money(x, currency, decimals=2)
        return ("+" + s if np.isfinite(x) and x >= 0 else s) if signed else s
    return fmt.num(x, 3, signed=signed)


def _effect(row: pd.Series, alpha: float, currency: str) -> str:
    """The relative lift with its interval, or (control at zero: no lift) the difference with its interval."""
    if np.isfinite(row["lift"]):
        effect = (f"{fmt.pct(row['lift'], 1, signed=True)} relative, {_level(alpha)} CI "
                  f"{fmt.pct(row['lift_low'], 1, signed=True)} to {fmt.pct(row['lift_high'], 1, signed=True)}")
    else:
        m = row["metric"]
        effect = (f"{_value(m, row['diff'], signed=True, currency=currency)} difference, {_level(alpha)} CI "
                  f"{_value(m, row['diff_low'], signed=True, currency=currency)} to "
                  f"{_value(m, row['diff_high'], signed=True, currency=currency)}")
    return f"{effect}; Holm-adjusted p = {_p(row['p_holm'])}"


def _change(row: pd.Series, alpha: float, currency: str) -> str:
    return (f"went from {_value(row['metric'], row['control_value'], currency=currency)} to "
            f"{_value(row['metric'], row['variant_value'], currency=currency)} ({_effect(row, alpha, currency)})")


def _duration(seconds: float) -> str:
    if not np.isfinite(seconds):
        return ""
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _srm_sentence(readout: Readout) -> str:
    srm = readout.srm
    parts = ", ".join(f"{r.variant} {r.users:,} ({fmt.pct(r.observed_share, 2)} vs {fmt.pct(r.planned_share, 1)} "
                      "planned)" for r in srm.table.itertuples())
    if srm.flagged:
        return (f"Sample ratio mismatch: {parts}; chi-square p = {srm.p_value:.2g} < {srm.alpha:g}. The split is not "
                "what was planned, so the assignment or the tracking is broken: do not use these results until the "
                "cause is found (redirects, bots, a variant that fails to load, a filter applied to one arm).")
    return f"No sample ratio mismatch: {parts}; chi-square p = {srm.p_value:.3g} (flagged below {srm.alpha:g})."


def _warnings(readout: Readout) -> list[str]:
    """Sentences for what the readout had to work around: heavy double assignment, a missing CUPED covariate."""
    out = []
    d = readout.double_assignment
    if d.flagged:
        out.append(f"Warning: {fmt.pct(d.share)} of users were seen in more than one variant (excluded); above "
                   f"{fmt.pct(d.threshold, 0)} this points to broken bucketing or shared devices: check the "
                   "assignment code.")
    if readout.covariate_missing:
        out.append(f"No column {readout.covariate_missing!r} in the data: CUPED variance reduction was not applied.")
    return out


def _reasons(readout: Readout, *, currency: str) -> list[str]:
    """One sentence per treatment variant: its verdict and the numbers behind it."""
    d, m, alpha = readout.decision, readout.metrics, readout.alpha
    out = []
    for v, verdict in d.per_variant.items():
        rows = m[m["variant"] == v]
        prim = rows[rows["metric"] == readout.primary].iloc[0]
        name, p_txt = _label(prim["metric"]).lower(), _effect(prim, alpha, currency)
        harmed = [rows[rows["metric"] == h].iloc[0] for h in d.harmed.get(v, [])]
        harm = (f"guardrail {', '.join(_label(h['metric']).lower() for h in harmed)} significantly worse "
                f"({'; '.join(_effect(h, alpha, currency) for h in harmed)})") if harmed else ""
        if verdict == "ship":
            out.append(f"{v}: {name} is significantly better ({p_txt}) and no guardrail is significantly worse.")
        elif verdict == "inconclusive":
            out.append(f"{v}: the {name} difference is not significant after Holm correction ({p_txt}); the test "
                       "cannot tell a lift inside that interval from no change.")
        elif prim["p_holm"] < alpha and prim["diff"] < 0:
            out.append(f"{v}: {name} is significantly worse ({p_txt})" + (f"; {harm} as well." if harm else "."))
        else:
            out.append(f"{v}: {harm}, so the {name} result ({p_txt}) does not carry it.")
    return out


# ---------------------------------------------------------------------------------------------------------------
# the answer


def decision_md(readout: Readout, *, experiment: ExperimentData, currency: str = "USD") -> Markdown:
    """The report's opening: verdict, why, the rule, what the data was, and (generated data) the true effects."""
    d = readout.decision
    if d.verdict == "investigate":
        headline = "Don't trust this test yet: the traffic split is not what was planned."
        reasons = [_srm_sentence(readout)]
    else:
        reasons = _reasons(readout, currency=currency)
        prim = readout.row(variant=d.about)
        name = _label(prim["metric"])
        if d.verdict == "ship":
            headline = (f"Ship {d.variant}: {name.lower()} {_change(prim, readout.alpha, currency)}, with no guardrail "
                        "metric worse.")
        elif d.verdict == "inconclusive":
            headline = (f"Inconclusive: keep control. {name} {_change(prim, readout.alpha, currency)}, which is not a "
                        "significant difference.")
        else:
            headline = "Don't ship: " + reasons[list(d.per_variant).index(d.about)].split(": ", 1)[1]
    lines = [f"## Decision: {_VERDICT_TEXT[d.verdict]}", "", headline, ""]
    lines += [f"- {r}" for r in reasons + _warnings(readout)]
    roles = readout.metrics.drop_duplicates("metric")
    prim_names = [_label(x) for x in roles.loc[roles["role"] == "primary", "metric"]]
    guards = [_label(x).lower() for x in roles.loc[roles["role"] == "guardrail", "metric"]]
    lines += ["", f"Rule: the primary metric (**{', '.join(prim_names)}**) must improve significantly after Holm "
              f"correction at alpha {readout.alpha:g}"
              + (f", and no guardrail ({', '.join(guards)}) may get significantly worse" if guards else "")
              + f"; a sample ratio mismatch (p < {readout.srm.alpha:g}) stops the readout."]
    if experiment.generated:
        lines += ["", f"**Data: {GENERATED_WORD}**: {experiment.label}. No real A/B test ships with the workbench; "
                  "this sample was drawn with known effects so the readout can be checked against them."]
        truth = experiment.truth
        if truth:
            conv = truth["conversion"]
            t = [f"{v}: true conversion {fmt.pct(conv[v], 2)} vs {fmt.pct(conv[readout.control], 2)} "
                 f"({fmt.pct(lift, 1, signed=True)} relative)" for v, lift in truth.get("relative_lift", {}).items()]
            lines += [f"True effects built into the sample: {'; '.join(t)}; true average order value equal in all "
                      "arms. One draw of users can land anywhere inside its confidence interval."]
    else:
        lines += ["", f"Data: {experiment.label}."]
    return Markdown("\n".join(lines))


# ---------------------------------------------------------------------------------------------------------------
# trust


def loading_md(experiment: ExperimentData, *, readout: Readout) -> Markdown:
    """What loading and the readout did with the data: one bullet per decision (rows left out, users excluded)."""
    return Markdown("**What loading did with the data:**\n\n" + bullets(experiment.notes + _warnings(readout)))


def trust_checks_table(readout: Readout):
    """One row per trust check: what was checked, the status (ok / warning / stop) and the detail with counts."""
    c = readout.checks
    d = readout.double_assignment
    rows = [{"check": "Sample ratio (SRM)", "status": "stop" if readout.srm.flagged else "ok",
             "detail": _srm_sentence(readout)},
            {"check": "Users in more than one variant", "status": "warning" if d.flagged else "ok",
             "detail": f"{d.users:,} users ({fmt.pct(d.share, 2)}; {d.rows:,} rows) were seen in several variants "
                       "and excluded" if d.users else "none found"}]
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
                     "detail": f"{_users(readout.cap['users_capped'], possessive=True)} revenue capped at "
                               f"{fmt.money(readout.cap['value'], decimals=2)} (percentile "
                               f"{readout.cap['percentile']:g} of buyers)"})
    if readout.covariate_missing:
        rows.append({"check": "CUPED covariate", "status": "warning", "detail": _warnings(readout)[-1]})
    return table(pd.DataFrame(rows), TRUST_CHECKS)


# ---------------------------------------------------------------------------------------------------------------
# funnel


@skippable
def funnel_md(funnel: pd.DataFrame | None, *, counting: str = "strict") -> Markdown:
    """Two to four sentences on the funnel: overall conversion, the biggest drop, the slowest step, segments, order."""
    s = funnel_summary(funnel, counting=counting)
    if s is None:
        return Markdown("No event log was given, so there is no funnel: pass `events_source` (a generic or flattened "
                        "GA4 event export) to see where shoppers drop out.")
    text = [f"Of {s['users_first']:,} users who reached **{s['first_step']}**, {s['users_last']:,} "
            f"(**{fmt.pct(s['overall_conversion'], 1)}**) completed **{s['last_step']}** ({_COUNTING[counting]}). "
            f"The biggest loss is between **{s['from_step']}** and **{s['to_step']}**: "
            f"{fmt.pct(s['drop_off'], 1)} of users ({s['dropped']:,}) do not go on."]
    if s["slowest_step"] is not None:
        text.append(f"The slowest step is **{s['slowest_step']}** (median {_duration(s['slowest_seconds'])} after "
                    "the previous step).")
    if s["segment_low"] is not None:
        text.append(f"By {funnel.attrs.get('segment') or 'segment'}, end-to-end conversion ranges from "
                    f"{fmt.pct(s['segment_low_conversion'], 1)} ({s['segment_low']}) to "
                    f"{fmt.pct(s['segment_high_conversion'], 1)} ({s['segment_high']}).")
    if s["gap_step"] is not None:
        text.append("Loose counting (reached the step at all, in any order) finds up to "
                    f"{s['gap_users']:,} more users at **{s['gap_step']}** ({fmt.pct(s['gap_share'], 1)} of those who "
                    "reached it skipped or reordered an earlier step).")
    text += funnel.attrs.get("notes", [])
    return Markdown(" ".join(text))


@skippable
def funnel_table(funnel: pd.DataFrame | None):
    """One row per step (all users): users strict and loose, step and overall conversion, drop-off, time."""
    if funnel is None:
        return Markdown("No event log given: no funnel.")
    f = funnel[funnel["segment"] == ALL_USERS]
    strict = f[f["counting"] == "strict"].set_index("step_number")
    out = pd.DataFrame({"step": strict["step"], "strict": strict["users"]})
    loose = f[f["counting"] == "loose"].set_index("step_number")
    if not loose.empty:
        out["loose"] = loose["users"]
    out["step_conversion"] = strict["step_conversion"]
    out["overall_conversion"] = strict["overall_conversion"]
    out["drop_off"] = [fmt.pct(x, missing="") for x in strict["drop_off"]]  # the first step loses no one: blank
    out["time"] = [_duration(x) for x in strict["median_seconds_from_previous"]]
    return table(out.reset_index(drop=True), FUNNEL)


# ---------------------------------------------------------------------------------------------------------------
# metrics


def metrics_table(readout: Readout, *, currency: str = "USD"):
    """Every metric of the readout: values, change and lift with intervals, bootstrap interval, p-values.

    How each metric was tested is in :func:`method_md`.
    """
    several = len(readout.variants) > 2
    out = []
    for _, r in readout.metrics.iterrows():
        m = r["metric"]
        out.append({
            "metric": _label(m) + (f" ({r['variant']})" if several else ""),
            "role": r["role"],
            "control": _value(m, r["control_value"], currency=currency),
            "variant": _value(m, r["variant_value"], currency=currency),
            "diff": f"{_value(m, r['diff'], signed=True, currency=currency)} "
                    f"({_value(m, r['diff_low'], signed=True, currency=currency)} to "
                    f"{_value(m, r['diff_high'], signed=True, currency=currency)})",
            "lift": f"{fmt.pct(r['lift'], 1, signed=True)} ({fmt.pct(r['lift_low'], 1, signed=True)} to "
                    f"{fmt.pct(r['lift_high'], 1, signed=True)})",
            "boot": (f"{fmt.pct(r['boot_lift_low'], 1, signed=True)} to "
                     f"{fmt.pct(r['boot_lift_high'], 1, signed=True)}" if np.isfinite(r["boot_lift_low"]) else ""),
            "p_value": _p(r["p_value"]),
            "p_holm": _p(r["p_holm"]),
            "significant": "yes" if r["significant"] else "no",
        })
    frame = pd.DataFrame(out)
    if not readout.bootstrapped:
        frame = frame.drop(columns="boot")
    spec = _filled(METRICS, control=readout.control, variant="Variant" if several else readout.variants[1],
                   level=_level(readout.alpha))
    return table(frame, spec)


def summary_table(readout: Readout, *, currency: str = "USD"):
    """Per-variant totals (raw, uncapped): users, buyers, conversion, revenue, per visitor, orders, AOV."""
    return table(readout.summary, SUMMARY, currency=currency)


@skippable
def cuped_md(readout: Readout) -> Markdown:
    """One paragraph on CUPED: theta, correlation, variance removed, and how much narrower the interval got."""
    if not readout.cuped:
        if readout.covariate_missing:
            return Markdown(_warnings(readout)[-1])
        return Markdown("CUPED was not applied (no pre-period covariate given).")
    s = cuped_summary(readout).drop_duplicates("metric")
    parts = []
    for _, c in s.iterrows():
        parts.append(f"**CUPED** adjusted {_label(c['metric']).lower()} with the pre-period column "
                     f"`{c['covariate']}`: theta = {c['theta']:.4f}, correlation {c['correlation']:.3f}, so the "
                     f"adjustment removed {fmt.pct(c['variance_reduction'], 1)} of the variance and the confidence "
                     f"interval is {fmt.pct(c['ci_narrower_by'], 1)} narrower than without it"
                     + (f" ({c['users_without_covariate']:,} users without pre-period data were not adjusted)"
                        if c["users_without_covariate"] else "") + ".")
    return Markdown(" ".join(parts))


def cuped_table(readout: Readout):
    """CUPED per adjusted metric and variant: theta, correlation, variance removed, how much narrower the interval."""
    s = cuped_summary(readout)
    if s.empty:
        return cuped_md(readout)
    return table(s.assign(metric=s["metric"].map(_label)), CUPED)


# ---------------------------------------------------------------------------------------------------------------
# planning


@skippable
def plan_md(plan: Plan, *, readout: Readout | None = None, lift_of_interest: float = 0.05,
            currency: str = "USD") -> Markdown:
    """Planning in sentences: baseline, traffic, users and weeks for a lift, what two weeks detect, this test."""
    n = plan.users_for(lift_of_interest)
    known = plan.traffic_known
    text = [f"Planning uses this test's control group: conversion **{fmt.pct(plan.baseline_rate, 2)}**"
            + (f", revenue per visitor {fmt.money(plan.revenue_mean, currency, 2)} (standard deviation "
               f"{fmt.money(plan.revenue_sd, currency, 2)})" if np.isfinite(plan.revenue_mean) else "")
            + (f", and **{fmt.num(plan.daily_traffic)} users a day** ({_TRAFFIC_SOURCE[plan.traffic_source]})"
               if known else "; the data has no exposure times, so durations need the `daily_traffic` parameter")
            + f". Each comparison is planned at {fmt.pct(plan.power, 0)} power and a two-sided alpha of "
              f"{plan.alpha_per_comparison:.3g}"
            + (f" ({plan.alpha:g} / {plan.comparisons} comparisons, the strictest Holm step)"
               if plan.comparisons > 1 else "") + "."]
    head = (f"To detect a **{fmt.pct(lift_of_interest, 0, signed=True)}** relative change in conversion, the next "
            f"test needs **{n:,} users per variant**")
    if known:
        days = _whole_days(duration_days(n, daily_traffic=plan.daily_traffic, n_variants=plan.n_variants))
        head += (f": **{days} days** at this traffic, i.e. {math.ceil(days / 7)} full weeks (run whole weeks to "
                 "cover weekday and weekend shoppers).")
    text.append(head + ("" if known else "."))
    two = plan.mde_after(2)
    if np.isfinite(two):
        rpv = plan.mde_after(2, metric="revenue_per_visitor")
        text.append(f"A two-week test can detect conversion lifts of **{fmt.pct(two, 1)}** or more"
                    + (f" and revenue-per-visitor lifts of {fmt.pct(rpv, 1)} or more" if np.isfinite(rpv) else "")
                    + ".")
    if plan.users_per_variant_observed:
        observed = readout.lift("conversion") if readout is not None else float("nan")
        obs = f"; it observed {fmt.pct(observed, 1, signed=True)}" if np.isfinite(observed) else ""
        ran = f"ran {plan.days_observed:.0f} days with" if plan.days_observed else "had"
        text.append(f"This test {ran} about {fmt.num(plan.users_per_variant_observed)} users in control: it had "
                    f"{fmt.pct(plan.power, 0)} power only for conversion lifts of {fmt.pct(plan.mde_this_test, 1)} "
                    f"or more{obs}.")
    return Markdown(" ".join(text))


@skippable
def sample_size_table(plan: Plan):
    """Users and days the next test needs per relative lift, for conversion and revenue per visitor."""
    t = plan.sample_sizes.sort_values(["metric", "relative_mde"], kind="stable").reset_index(drop=True)
    t = t.assign(metric=t["metric"].map(_label), days=t["days"].map(_whole_days))
    return table(t, _filled(SAMPLE_SIZES, power=fmt.pct(plan.power, 0)))


@skippable
def mde_table(plan: Plan):
    """Smallest detectable relative lift by test length (needs daily traffic)."""
    if plan.by_duration.empty:
        return Markdown("Test lengths need the daily traffic: give the `daily_traffic` parameter.")
    return table(plan.by_duration, _filled(MDE, power=fmt.pct(plan.power, 0)))


# ---------------------------------------------------------------------------------------------------------------
# method


def method_md(readout: Readout) -> Markdown:
    """How every number of the readout was computed, in plain words, following its parameters."""
    m = readout.metrics
    names = list(dict.fromkeys(m["metric"]))
    level = _level(readout.alpha)
    items = ["**Unit**: one row per randomised user; users seen in more than one variant are excluded, not assigned.",
             f"**Sample ratio mismatch**: chi-square goodness of fit of users per variant against the planned split; "
             f"p < {readout.srm.alpha:g} stops the readout."]
    cap = (f" Per-user revenue was capped at {fmt.money(readout.cap['value'], decimals=2)}, the "
           f"{readout.cap['percentile']:g}th percentile of buyers' revenue over all variants "
           f"({_users(readout.cap['users_capped'])} lowered), before revenue per visitor and average order value."
           if readout.cap else " Revenue was not capped.")
    boot = (f", and a percentile bootstrap {level} interval ({readout.n_resamples:,} resamples, seed {readout.seed}) "
            "as a check for skewed revenue")
    for name in names:
        method = m.loc[m["metric"] == name, "method"].iloc[0]
        if name == "conversion":
            items.append(f"**Conversion**: share of users with at least one purchase; pooled two-proportion z-test, "
                         f"score {level} confidence intervals for the difference and the ratio (they agree with the "
                         "test).")
        elif name == "revenue_per_visitor":
            items.append("**Revenue per visitor**: mean revenue over all users, buyers or not; Welch t-test and "
                         f"{level} interval, relative lift by the delta method on the log ratio"
                         + (boot if name in readout.bootstrapped else "") + "." + cap)
        elif name == "aov":
            items.append("**Average order value**: total revenue / total orders per variant, with delta-method "
                         "standard errors because users, not orders, were randomised."
                         + ("" if "revenue_per_visitor" in names else cap))
        elif method.startswith("delta method"):
            items.append(f"**{_label(name)}**: ratio of per-user totals, with delta-method standard errors.")
        else:
            items.append(f"**{_label(name)}**: mean per user; Welch t-test and {level} interval, relative lift by the "
                         "delta method on the log ratio.")
    items.append(f"**Multiple comparisons**: Holm correction over all {len(m)} metric-variant comparisons; a result "
                 f"is significant when its Holm-adjusted p-value is below {readout.alpha:g}.")
    if readout.cuped:
        adjusted = ", ".join(_label(x).lower() for x in cuped_summary(readout)["metric"].unique())
        items.append(f"**CUPED** (on {adjusted}, "
                     f"pre-period column `{readout.cuped[0].covariate}`): metric minus theta x (pre-period value - its "
                     "mean), theta = cov / var over all users; it leaves the expected difference unchanged and removes "
                     "the variance the pre-period explains.")
    else:
        items.append("**CUPED**: not applied" + (f" (no column `{readout.covariate_missing}` in the data)."
                                                 if readout.covariate_missing else " (no pre-period column given)."))
    items.append("**Decision rule**: SRM -> investigate; a guardrail significantly worse -> don't ship; primary "
                 "significantly better -> ship; primary significantly worse -> don't ship; otherwise inconclusive.")
    return bullets(items)


# ---------------------------------------------------------------------------------------------------------------
# headline metrics


def record_headlines(readout: Readout, *, experiment: ExperimentData, funnel: pd.DataFrame | None,
                     plan: Plan | Skipped, currency: str = "USD") -> dict[str, Any]:
    """Record the report's headline metrics (:data:`HEADLINES`) for the run's ``metrics.json``.

    Missing values (no event log: no funnel; no traffic or no baseline: no planned duration) are recorded as None.
    """
    primary = readout.row()
    values = {
        "decision": readout.decision.verdict,
        "data_generated": experiment.generated,
        "users": int(readout.summary["users"].sum()),
        "srm_p_value": readout.srm.p_value,
        "double_assigned_users": readout.double_assignment.users,
        "control_conversion": float(readout.summary["conversion"].iloc[0]),
        "treatment_conversion": float(readout.summary["conversion"].iloc[1]),
        "primary_lift": float(primary["lift"]),
        "primary_lift_ci_low": float(primary["lift_low"]),
        "primary_lift_ci_high": float(primary["lift_high"]),
        "primary_p_holm": float(primary["p_holm"]),
        "revenue_per_visitor_lift": readout.lift("revenue_per_visitor"),
        "funnel_conversion": funnel_biggest_drop(funnel)["overall_conversion"] if funnel is not None else None,
        "days_to_detect_5pct": _whole_days(plan.days_for(0.05)) if isinstance(plan, Plan) else None,
    }
    return record_metrics(values, specs=HEADLINES, currency=currency, control=readout.control,
                          treatment=readout.variants[1], primary=_label(readout.primary))
