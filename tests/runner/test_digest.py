"""The digest of the latest runs, built from run folders written by hand: order, content, links, self-contained."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from tests.runner.html_checks import external_references, parse
from workbench.runner.alerts import AlertRule
from workbench.runner.catalog import CatalogJob
from workbench.runner.compare import metric_change
from workbench.runner.digest import build_digest, link_style, write_digest
from workbench.runner.execute import RunResult
from workbench.runner.ledger import update_ledger

NOW = datetime(2026, 12, 7, 6, 0, tzinfo=timezone.utc)


def _run(root, notebook, run_id, *, job, started, status="succeeded", metrics=(), error=None, log=False,
         previous=None):
    d = root / notebook / run_id
    d.mkdir(parents=True)
    files = {"html": f"{notebook}.html"}
    if log:
        files["log"] = "run.log"
        (d / "run.log").write_text("log")
    (d / "manifest.json").write_text(json.dumps({
        "run_id": run_id, "job": f"{notebook}/{job}", "title": notebook.title(), "status": status,
        "notebook": {"name": notebook}, "started": started, "error": error, "files": files,
        "previous_run": previous}))
    (d / "metrics.json").write_text(json.dumps({"metrics": list(metrics)}))
    (d / f"{notebook}.html").write_text("<html></html>")


def _revenue(value, previous):
    m = {"name": "revenue", "value": value, "label": "Revenue", "kind": "money", "unit": "USD", "good": "up"}
    m["change"] = metric_change(m, {"value": previous})
    return m


@pytest.fixture
def reports(tmp_path):
    _run(tmp_path, "sales", "s1", job="monthly", started="2026-12-06T05:00:00+00:00",
         metrics=[{"name": "revenue", "value": 100_000.0, "label": "Revenue", "kind": "money", "good": "up"}])
    _run(tmp_path, "sales", "s2", job="monthly", started="2026-12-07T05:00:00+00:00",
         metrics=[_revenue(75_000.0, 100_000.0),
                  {"name": "model_r", "value": 0.26, "label": "Model r", "kind": "number", "card": False}],
         previous={"run_id": "s1", "started": "2026-12-06T05:00:00+00:00"})
    _run(tmp_path, "salaries", "p1", job="national", started="2026-12-07T05:01:00+00:00", status="failed", log=True,
         error={"stage": "cell", "execution_count": 9, "ename": "TimeoutError", "evalue": "timed out after 20 s"})
    update_ledger(tmp_path, [RunResult(status="succeeded", notebook="sales", job="sales/monthly", run_id="s2"),
                             RunResult(status="failed", notebook="salaries", job="salaries/national", run_id="p1"),
                             RunResult(status="skipped", notebook="sales", job="sales/spark", skip="requirements",
                                       reason="needs java (not found on PATH or as a Python module)")],
                  at="2026-12-07T05:10:00+00:00")
    return tmp_path


JOBS = [CatalogJob(notebook="sales", run_name="monthly", alerts=(AlertRule("change_pct", 20, "revenue"),
                                                                 AlertRule("failed"))),
        CatalogJob(notebook="sales", run_name="spark", alerts=(AlertRule("failed"),)),
        CatalogJob(notebook="salaries", run_name="national", alerts=(AlertRule("failed"),))]


def test_alerts_first_then_failures_then_changes(reports):
    digest = build_digest(reports, jobs=JOBS, now=NOW)
    assert digest.subject == "Report digest 7 Dec 2026: 2 alerts, 1 failed, 1 not run, 3 jobs"
    assert digest.summary() == ("3 jobs: 1 latest run succeeded, 1 failed, 1 never ran; 2 ran in the last catalog "
                                "run.")
    text = digest.render_text(lambda rel: rel)
    assert text.index("ALERTS (2)") < text.index("FAILURES (1)") < text.index("NOT RUN (1)") \
        < text.index("HEADLINE CHANGES")
    assert ("- sales/monthly: Revenue moved -25.0% against the previous run ($100,000 -> $75,000; rule: more than "
            "20%)\n  sales/s2/sales.html") in text
    assert "- salaries/national: failed at In [9]: TimeoutError: timed out after 20 s" in text
    assert ("- Salaries (salaries/national), 7 Dec 2026, 05:01 UTC: In [9]: TimeoutError: timed out after 20 s\n"
            "  report: salaries/p1/salaries.html\n  log: salaries/p1/run.log") in text
    assert "- sales/spark: needs java (not found on PATH or as a Python module)" in text
    assert ("Sales (sales/monthly), 7 Dec 2026, 05:00 UTC - compared with 6 Dec 2026, 05:00 UTC\n"
            "  sales/s2/sales.html\n  - Revenue: $75,000  \u25bc -$25,000 (-25.0%), noise not tested") in text
    assert "Model r" not in text      # recorded with card=False: a model detail, not a headline for the digest


def test_html_is_self_contained_and_styled_inline(reports):
    html_path, text_path = write_digest(reports, build_digest(reports, jobs=JOBS, now=NOW))
    html = html_path.read_text()
    doc = parse(html)
    tags = {t for t, _ in doc.tags}
    assert not tags & {"script", "style", "img", "link"} and external_references(html) == []
    hrefs = [a["href"] for t, a in doc.tags if t == "a"]
    assert hrefs == ["index.html", "sales/s2/sales.html", "salaries/p1/salaries.html", "salaries/p1/salaries.html",
                     "salaries/p1/run.log", "sales/s2/sales.html"]
    text = doc.plain_text
    assert text.index("Alerts (2)") < text.index("Failures (1)") < text.index("Not run (1)") \
        < text.index("Headline changes")
    assert "color:#b3261e" in html  # the fall in revenue is bad news
    assert text_path.read_text().startswith("Report digest 7 Dec 2026")


def test_without_a_catalog_every_job_that_ran_without_rules(reports):
    digest = build_digest(reports, now=NOW)
    assert digest.alerts == [] and [j.job for j in digest.changes] == ["sales/monthly"]
    assert [f.job for f in digest.failures] == ["salaries/national"]


def test_links_for_e_mail(reports):
    assert link_style(reports, "https://shop.github.io/reports/")("sales/s2/sales.html") == \
        "https://shop.github.io/reports/sales/s2/sales.html"
    assert link_style(reports, None)("index.html") == (reports / "index.html").resolve().as_uri()
    assert link_style(reports, None)(None) is None
