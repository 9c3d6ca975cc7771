"""Alert rules of ``catalog.yaml`` and their evaluation against the latest runs.

A rule has one condition; a rule about a metric names it with ``metric:``::

    alerts:
      - failed                              # the job's latest run failed
      - not_run_for_days: 8                 # no run (and no check that it is unchanged) for 8 days
      - {metric: net_revenue, below: 50000} # the latest value is below 50,000 (in the metric's unit)
      - {metric: return_rate, above: 0.08}  # above 8% (percent metrics are fractions)
      - {metric: net_revenue, change_pct: 20}  # moved more than 20% against the previous run, either way
      - {change_pct: 50}                    # any headline metric moved more than 50%
      - {metric: conversion_rate, beyond_noise: true}  # the change is beyond sampling noise
      - beyond_noise                        # any headline metric changed beyond noise

Rules go under ``alerts:`` of a catalog entry (every run of that notebook), of one run, or of ``defaults:``
(every job). They are checked when the catalog is read (:func:`parse_rules` raises
:class:`~workbench.runner.catalog.CatalogError` naming the job, the rule and the fix) and evaluated when the
digest is written (:func:`evaluate`): metric rules on the job's latest successful run and its ``change``
against the previous run (see :mod:`workbench.runner.compare`), ``failed`` on the latest run, and
``not_run_for_days`` on the last time the job ran or was found unchanged (``reports/jobs.json``). A rule
naming a metric the run did not record raises an alert of its own, so a typo cannot silence a rule.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from workbench.runner.compare import p_value_text

__all__ = ["AlertRule", "Alert", "parse_rules", "evaluate", "CONDITIONS"]

# condition -> (needs a metric?, the value it takes, an example)
CONDITIONS = {
    "above": ("required", "a number", "{metric: return_rate, above: 0.08}"),
    "below": ("required", "a number", "{metric: net_revenue, below: 50000}"),
    "change_pct": ("optional", "a percentage > 0", "{metric: net_revenue, change_pct: 20}"),
    "beyond_noise": ("optional", "true", "{metric: conversion_rate, beyond_noise: true}"),
    "failed": ("none", "true", "failed"),
    "not_run_for_days": ("none", "a number of days > 0", "not_run_for_days: 8"),
}
BARE = {"failed", "beyond_noise"}  # conditions that may be written as a bare word


@dataclass(frozen=True)
class AlertRule:
    """One alert rule: a condition, its threshold, optionally the metric it watches."""

    condition: str
    threshold: float | None = None
    metric: str | None = None
    where: str = ""

    @property
    def text(self) -> str:
        """The rule as a reader would write it: ``net_revenue change_pct 20``."""
        parts = [self.metric] if self.metric else []
        parts.append(self.condition)
        if self.threshold is not None and self.condition not in BARE:
            parts.append(f"{self.threshold:g}")
        return " ".join(parts)


@dataclass(frozen=True)
class Alert:
    """A rule that fired for a job: the message says what happened, against which rule."""

    job: str
    rule: str
    message: str
    run_id: str | None = None
    html: str | None = None      # the report's path relative to the reports folder


def _error(where: str, raw: Any, problem: str, condition: str | None = None) -> Exception:
    from workbench.runner.catalog import CatalogError

    example = (f"`- {CONDITIONS[condition][2]}`" if condition in CONDITIONS else
               "`- failed`, `- not_run_for_days: 8` or `- {metric: net_revenue, change_pct: 20}`")
    return CatalogError(f"{where}: alert rule {raw!r}: {problem}; e.g. {example}")


def _number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def parse_rules(raw: Any, *, where: str) -> tuple[AlertRule, ...]:
    """Check and read an ``alerts:`` list; ``where`` names the catalog place and job for messages."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise _error(where, raw, f"`alerts` must be a list of rules, found {type(raw).__name__}")
    rules = []
    for i, item in enumerate(raw):
        rwhere = f"{where} alerts[{i}]"
        if isinstance(item, str):
            if item not in BARE:
                known = ", ".join(CONDITIONS)
                raise _error(rwhere, item, f"unknown rule {item!r}; a bare word can be `failed` or `beyond_noise`, "
                                           f"other conditions take a value (one of {known})")
            item = {item: True}
        if not isinstance(item, dict):
            raise _error(rwhere, item, "a rule is a word (`failed`) or a mapping like {metric: x, below: 10}")
        metric = item.get("metric")
        conditions = [k for k in item if k != "metric"]
        unknown = [k for k in conditions if k not in CONDITIONS]
        if unknown:
            raise _error(rwhere, item, f"unknown condition `{unknown[0]}`; use one of {', '.join(CONDITIONS)}")
        if len(conditions) != 1:
            raise _error(rwhere, item, "give exactly one condition per rule (write two rules for two conditions)"
                         if conditions else "no condition; add one of " + ", ".join(CONDITIONS))
        cond = conditions[0]
        value = item[cond]
        needs, takes, _ = CONDITIONS[cond]
        if metric is not None and (not isinstance(metric, str) or not metric.isidentifier()):
            raise _error(rwhere, item, f"`metric` must be a headline metric's name (as in metrics.json), "
                                       f"found {metric!r}", cond)
        if needs == "required" and metric is None:
            raise _error(rwhere, item, f"`{cond}` needs the metric it watches (`metric: <name>`)", cond)
        if needs == "none" and metric is not None:
            raise _error(rwhere, item, f"`{cond}` is about the job, not a metric; remove `metric:`", cond)
        threshold: float | None
        if cond in ("failed", "beyond_noise"):
            if value is not True:
                raise _error(rwhere, item, f"`{cond}` takes `true` (or write the bare word `{cond}`), "
                                           f"found {value!r}", cond)
            threshold = None
        else:
            if isinstance(value, str):  # YAML 1.1 reads 5e4 (no dot) as text
                try:
                    value = float(value.replace("_", "")) if value.strip() else value
                except ValueError:
                    pass
            if not _number(value):
                raise _error(rwhere, item, f"`{cond}` must be {takes}, found {value!r}"
                             + (" (percent metrics are fractions: 0.08 for 8%)" if cond in ("above", "below") else ""),
                             cond)
            if cond in ("change_pct", "not_run_for_days") and value <= 0:
                raise _error(rwhere, item, f"`{cond}` must be {takes}, found {value!r}", cond)
            threshold = float(value)
        rules.append(AlertRule(condition=cond, threshold=threshold, metric=metric, where=rwhere))
    return tuple(rules)


# ------------------------------------------------------------------------------------------- evaluation

def _days_since(iso: str | None, now: datetime) -> float | None:
    if not iso:
        return None
    try:
        t = datetime.fromisoformat(iso)
    except ValueError:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    return (now - t).total_seconds() / 86400


def _fmt(metric: dict, value: Any) -> str:
    from workbench.runner.html import metric_text

    return metric_text({**metric, "value": value})


def evaluate(rules: tuple[AlertRule, ...] | list[AlertRule], *, job: str, latest: dict | None,
             latest_ok: dict | None, last_current: str | None = None, now: datetime | None = None) -> list[Alert]:
    """The alerts ``rules`` raise for one job.

    ``latest`` / ``latest_ok``: manifests of the job's latest run and latest successful run, each with
    ``_metrics`` (its metrics.json entries) and ``_html`` (the report's path relative to the reports folder);
    ``last_current``: ISO time the job last ran or was found unchanged (None: only the runs count).
    """
    now = now or datetime.now(timezone.utc)
    out: list[Alert] = []

    def add(rule: AlertRule, message: str, run: dict | None) -> None:
        out.append(Alert(job=job, rule=rule.text, message=message, run_id=(run or {}).get("run_id"),
                         html=(run or {}).get("_html")))

    for rule in rules:
        if rule.condition == "failed":
            if latest is not None and latest.get("status") != "succeeded":
                err = latest.get("error") or {}
                from workbench.runner.html import error_location

                add(rule, f"failed at {error_location(err)}: {err.get('ename', '')}: {err.get('evalue', '')}", latest)
            continue
        if rule.condition == "not_run_for_days":
            ages = [d for d in (_days_since(t, now) for t in (last_current, (latest or {}).get("started"))) if d is not None]
            if not ages:
                add(rule, "has never run", None)
            elif min(ages) > rule.threshold:
                add(rule, f"has not run for {int(min(ages))} days (rule: more than {rule.threshold:g})", latest)
            continue
        if latest_ok is None:
            continue
        metrics = {m["name"]: m for m in latest_ok.get("_metrics", [])}
        names = [rule.metric] if rule.metric else list(metrics)
        if rule.metric and rule.metric not in metrics:
            recorded = ", ".join(metrics) or "none"
            add(rule, f"alert rule `{rule.text}` names metric `{rule.metric}`, which the latest run did not record "
                      f"(recorded: {recorded}); fix the name in catalog.yaml", latest_ok)
            continue
        for name in names:
            m = metrics[name]
            value, label = m.get("value"), m.get("label") or name
            ch = m.get("change") or {}
            if rule.condition in ("above", "below"):
                if not _number(value):
                    continue
                if (rule.condition == "above" and value > rule.threshold) or \
                        (rule.condition == "below" and value < rule.threshold):
                    add(rule, f"{label} is {_fmt(m, value)}, {rule.condition} {_fmt(m, rule.threshold)}", latest_ok)
            elif rule.condition == "change_pct":
                rel = ch.get("relative")
                if _number(rel) and abs(rel) * 100 > rule.threshold:
                    add(rule, f"{label} moved {rel * 100:+.1f}% against the previous run ({_fmt(m, ch.get('previous'))}"
                              f" -> {_fmt(m, value)}; rule: more than {rule.threshold:g}%)", latest_ok)
            elif rule.condition == "beyond_noise":
                noise = ch.get("noise") or {}
                if noise.get("tested") and noise.get("beyond_noise"):
                    add(rule, f"{label} changed beyond sampling noise ({_fmt(m, ch.get('previous'))} -> "
                              f"{_fmt(m, value)}, {p_value_text(noise['p_value'])}, {noise['method']})", latest_ok)
    return out
