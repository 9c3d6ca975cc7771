"""Alert rules: read and checked from catalog.yaml (errors name the job, the rule and the fix), evaluated on
hand-built runs."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from workbench.runner.alerts import AlertRule, evaluate, parse_rules
from workbench.runner.catalog import CatalogError, load_catalog

NOW = datetime(2026, 12, 7, 6, 0, tzinfo=timezone.utc)


def _catalog(tmp_path, rules: str):
    p = tmp_path / "catalog.yaml"
    p.write_text("jobs:\n  - notebook: sales\n    runs:\n      - name: monthly\n        alerts:\n"
                 + "".join(f"          - {r}\n" for r in rules.split("\n") if r))
    return p


class TestRead:
    def test_every_condition(self, tmp_path):
        (job,) = load_catalog(_catalog(tmp_path, "failed\nbeyond_noise\n{not_run_for_days: 8}\n"
                                                 "{metric: revenue, below: 5e4}\n{metric: return_rate, above: 0.08}\n"
                                                 "{metric: revenue, change_pct: 20}\n{change_pct: 50}\n"
                                                 "{metric: conversion, beyond_noise: true}"))
        assert [(r.condition, r.threshold, r.metric) for r in job.alerts] == [
            ("failed", None, None), ("beyond_noise", None, None), ("not_run_for_days", 8.0, None),
            ("below", 50000.0, "revenue"), ("above", 0.08, "return_rate"), ("change_pct", 20.0, "revenue"),
            ("change_pct", 50.0, None), ("beyond_noise", None, "conversion")]
        assert [r.text for r in job.alerts][3:6] == ["revenue below 50000", "return_rate above 0.08",
                                                    "revenue change_pct 20"]

    @pytest.mark.parametrize("rule, message", [
        ("fail", r"unknown rule 'fail'; a bare word can be `failed` or `beyond_noise`"),
        ("{metric: revenue, change_above: 20}", r"unknown condition `change_above`; use one of above, below, "
                                                r"change_pct, beyond_noise, failed, not_run_for_days"),
        ("{metric: revenue, below: lots}", r"`below` must be a number, found 'lots' \(percent metrics are "
                                           r"fractions: 0.08 for 8%\); e.g. `- \{metric: net_revenue, below: 50000\}`"),
        ("{below: 5}", r"`below` needs the metric it watches \(`metric: <name>`\)"),
        ("{metric: revenue, failed: true}", r"`failed` is about the job, not a metric; remove `metric:`"),
        ("{metric: revenue, below: 5, above: 9}", r"give exactly one condition per rule"),
        ("{metric: revenue}", r"no condition; add one of above"),
        ("{change_pct: -5}", r"`change_pct` must be a percentage > 0, found -5"),
        ("{not_run_for_days: 0}", r"`not_run_for_days` must be a number of days > 0, found 0"),
        ("{beyond_noise: yes please}", r"`beyond_noise` takes `true` \(or write the bare word `beyond_noise`\)"),
        ("{metric: net revenue, above: 1}", r"`metric` must be a headline metric's name"),
        ("[failed]", r"a rule is a word \(`failed`\) or a mapping"),
    ])
    def test_bad_rules_name_the_job_the_rule_and_the_fix(self, tmp_path, rule, message):
        with pytest.raises(CatalogError, match=r"catalog.yaml jobs\[0\].runs\[0\] \(sales/monthly\) alerts\[0\]: "
                                               r"alert rule .*" + message):
            load_catalog(_catalog(tmp_path, rule))

    def test_alerts_must_be_a_list(self):
        with pytest.raises(CatalogError, match=r"here: alert rule 'failed': `alerts` must be a list of rules"):
            parse_rules("failed", where="here")

    def test_rules_add_up_from_defaults_entry_and_run(self, tmp_path):
        p = tmp_path / "catalog.yaml"
        p.write_text("defaults:\n  alerts: [failed]\njobs:\n  - notebook: a\n    alerts: [{change_pct: 30}]\n"
                     "    runs:\n      - name: x\n        alerts: [{not_run_for_days: 3}]\n      - name: y\n")
        x, y = load_catalog(p)
        assert [r.text for r in x.alerts] == ["failed", "change_pct 30", "not_run_for_days 3"]
        assert [r.text for r in y.alerts] == ["failed", "change_pct 30"]


def _run(status="succeeded", started="2026-12-06T05:00:00+00:00", metrics=(), error=None):
    return {"run_id": "r1", "status": status, "started": started, "error": error, "_metrics": list(metrics),
            "_html": "sales/r1/sales.html"}


REVENUE = {"name": "revenue", "value": 80_000.0, "label": "Revenue", "kind": "money", "unit": "USD", "good": "up",
           "change": {"status": "compared", "previous": 100_000.0, "absolute": -20_000.0, "relative": -0.2,
                      "direction": "down", "assessment": "bad",
                      "noise": {"tested": False, "reason": "no sampling error recorded in either run"}}}
RATE = {"name": "conversion", "value": 0.13, "label": "Conversion", "kind": "percent", "good": "up", "n": 1000,
        "change": {"status": "compared", "previous": 0.10, "absolute": 0.03, "relative": 0.3, "direction": "up",
                   "assessment": "good", "noise": {"tested": True, "method": "two-proportion z-test (pooled)",
                                                   "z": 2.1, "p_value": 0.0355, "beyond_noise": True}}}


def _eval(rule: AlertRule, latest=None, ok=None, **kw):
    return [a.message for a in evaluate([rule], job="sales/monthly", latest=latest, latest_ok=ok, now=NOW, **kw)]


class TestEvaluate:
    def test_thresholds(self):
        run = _run(metrics=[REVENUE])
        assert _eval(AlertRule("below", 90_000, "revenue"), run, run) == ["Revenue is $80,000, below $90,000"]
        assert _eval(AlertRule("below", 50_000, "revenue"), run, run) == []
        assert _eval(AlertRule("above", 50_000, "revenue"), run, run) == ["Revenue is $80,000, above $50,000"]

    def test_change_larger_than_a_percentage(self):
        run = _run(metrics=[REVENUE, RATE])
        assert _eval(AlertRule("change_pct", 15, "revenue"), run, run) == [
            "Revenue moved -20.0% against the previous run ($100,000 -> $80,000; rule: more than 15%)"]
        assert _eval(AlertRule("change_pct", 25, "revenue"), run, run) == []
        assert len(_eval(AlertRule("change_pct", 15), run, run)) == 2  # every metric: revenue and conversion

    def test_beyond_noise_only_where_tested(self):
        run = _run(metrics=[REVENUE, RATE])
        assert _eval(AlertRule("beyond_noise"), run, run) == [
            "Conversion changed beyond sampling noise (10.0% -> 13.0%, p = 0.035, two-proportion z-test (pooled))"]

    def test_failed(self):
        bad = _run(status="failed", error={"stage": "cell", "execution_count": 7, "ename": "TimeoutError",
                                           "evalue": "timed out after 20 s"})
        assert _eval(AlertRule("failed"), bad, None) == ["failed at In [7]: TimeoutError: timed out after 20 s"]
        assert _eval(AlertRule("failed"), _run(), _run()) == []

    def test_not_run_for_days_counts_runs_and_unchanged_checks(self):
        old = _run(started="2026-11-20T05:00:00+00:00")
        rule = AlertRule("not_run_for_days", 8)
        assert _eval(rule, old, old) == ["has not run for 17 days (rule: more than 8)"]
        assert _eval(rule, old, old, last_current="2026-12-06T05:00:00+00:00") == []  # found unchanged yesterday
        assert _eval(rule, None, None) == ["has never run"]

    def test_a_misspelt_metric_raises_its_own_alert(self):
        run = _run(metrics=[REVENUE])
        (msg,) = _eval(AlertRule("below", 1, "revenu"), run, run)
        assert msg == ("alert rule `revenu below 1` names metric `revenu`, which the latest run did not record "
                       "(recorded: revenue); fix the name in catalog.yaml")

    def test_metric_rules_read_the_latest_success(self):
        failed = _run(status="failed", error={"stage": "kernel start"})
        ok = _run(metrics=[REVENUE])
        alerts = evaluate([AlertRule("below", 90_000, "revenue")], job="j", latest=failed, latest_ok=ok, now=NOW)
        assert [(a.job, a.rule, a.run_id, a.html) for a in alerts] == [("j", "revenue below 90000", "r1",
                                                                        "sales/r1/sales.html")]
