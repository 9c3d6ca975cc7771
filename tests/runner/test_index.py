"""reports/index.html built from run folders written by hand."""
from __future__ import annotations

import json

from tests.runner.html_checks import external_references, parse
from workbench.runner.compare import metric_change
from workbench.runner.execute import RunResult
from workbench.runner.index import build_index, scan_runs, sparkline
from workbench.runner.ledger import update_ledger


def _run(root, notebook, run_id, *, started, status="succeeded", job="default", metrics=(), overrides=None,
         error=None):
    d = root / notebook / run_id
    d.mkdir(parents=True)
    manifest = {"run_id": run_id, "job": f"{notebook}/{job}", "title": notebook.replace("-", " ").title(),
                "status": status, "notebook": {"name": notebook}, "overrides": overrides or {},
                "started": started, "duration_s": 12.5, "error": error,
                "files": {"html": f"{notebook}.html"}}
    (d / "manifest.json").write_text(json.dumps(manifest))
    (d / "metrics.json").write_text(json.dumps({"metrics": list(metrics)}))
    (d / f"{notebook}.html").write_text("<html></html>")
    return d


def test_runs_newest_first_with_links_status_and_metrics(tmp_path):
    _run(tmp_path, "sales", "r1", started="2026-01-01T08:00:00+00:00",
         metrics=[{"name": "revenue", "value": 2500315.63, "label": "Revenue", "kind": "money"}])
    _run(tmp_path, "sales", "r2", started="2026-01-02T08:00:00+00:00", status="failed",
         error={"execution_count": 7, "ename": "KeyError", "stage": "cell"})
    _run(tmp_path, "salaries", "r3", started="2026-01-01T12:00:00+00:00", job="ca",
         overrides={"area": "California"})
    (tmp_path / ".tmp" / "sales--half").mkdir(parents=True)  # a run in progress is not listed
    (tmp_path / ".tmp" / "sales--half" / "manifest.json").write_text("{}")

    assert [m["run_id"] for m in scan_runs(tmp_path)] == ["r2", "r3", "r1"]
    index = build_index(tmp_path)
    html = index.read_text()
    doc = parse(html)
    links = [a["href"] for t, a in doc.tags if t == "a"]
    # each job (sales failed: its last success, its last failure), then all runs newest first
    assert links == ["salaries/r3/salaries.html", "sales/r2/sales.html", "sales/r1/sales.html",
                     "sales/r2/sales.html", "sales/r2/sales.html", "salaries/r3/salaries.html", "sales/r1/sales.html"]
    text = doc.plain_text
    assert "3 runs of 2 reports" in text and "1 failing in its latest run" in text
    assert "In [7]: KeyError" in text and "Revenue: $2,500,316" in text
    assert 'area = "California"' in text and "defaults" in text and "12.5 s" in text
    assert external_references(html) == [] and "<script" not in html
    assert sorted(p.name for p in tmp_path.iterdir()) == [".index.lock", ".tmp", "index.html", "salaries", "sales"]


def _metric(value, previous=None, **kw):
    m = {"name": "revenue", "value": value, "label": "Revenue", "kind": "money", "good": "up", **kw}
    if previous is not None:
        m["change"] = metric_change(m, {"value": previous})
    return m


def test_history_sparklines_latest_change_and_last_failure(tmp_path):
    values = [100.0, 120.0, 90.0, 130.0]
    tracked = {"name": "model_r", "value": 0.26, "label": "Model r", "kind": "number", "card": False}
    for i, v in enumerate(values):
        _run(tmp_path, "sales", f"r{i}", started=f"2026-01-0{i + 1}T08:00:00+00:00",
             metrics=[tracked, _metric(v, values[i - 1] if i else None)])
    d = _run(tmp_path, "sales", "r9", started="2026-01-09T08:00:00+00:00", status="failed",
             error={"stage": "cell", "execution_count": 5, "ename": "TimeoutError", "evalue": "timed out after 20 s"})
    (d / "run.log").write_text("log")
    manifest = json.loads((d / "manifest.json").read_text())
    manifest["files"]["log"] = "run.log"
    (d / "manifest.json").write_text(json.dumps(manifest))
    html = build_index(tmp_path).read_text()
    doc = parse(html)
    (svg,) = [a for t, a in doc.tags if t == "svg"]  # one line: not for the figure recorded with card=False
    assert svg["aria-label"] == ("Revenue over 4 successful runs: $100 on 1 Jan 2026, 08:00 UTC to $130 on "
                                 "4 Jan 2026, 08:00 UTC")
    (line,) = [a for t, a in doc.tags if t == "polyline"]
    ys = [float(p.split(",")[1]) for p in line["points"].split()]
    assert ys == [18.0, 8.0, 23.0, 3.0]  # y = 3 + (130 - v) / 40 * 20: 130 at the top, 90 at the bottom
    assert line["stroke"] == "#2f7d4f"  # the latest change is good news
    text = doc.plain_text
    assert "\u25b2 +$40.00 (+44.4%) · noise not tested" in text
    assert "In [5]: TimeoutError: timed out after 20 s" in text and "Model r" not in text
    assert [a["href"] for t, a in doc.tags if t == "a" and a["href"].endswith("run.log")] == ["sales/r9/run.log"] * 2
    assert "<script" not in html and external_references(html) == []


def test_the_key_figures_lead_the_job_row_texts_included(tmp_path):
    # an experiment: the decision and the lift are the key figures, though the users are recorded first
    def metrics(decision, lift):
        return [{"name": "users", "value": 1000, "label": "Users", "kind": "count"},
                {"name": "decision", "value": decision, "label": "Decision", "kind": "text", "key": True},
                {"name": "srm", "value": 0.4, "label": "SRM p", "kind": "number"},
                {"name": "lift", "value": lift, "label": "Lift", "kind": "change", "good": "up", "key": True},
                {"name": "model_r", "value": 0.3, "label": "Model r", "kind": "number", "card": False}]
    _run(tmp_path, "ab", "r1", started="2026-01-01T08:00:00+00:00", metrics=metrics("inconclusive", 0.02))
    second = metrics("ship", 0.05)
    second[1]["change"] = metric_change(second[1], {"value": "inconclusive"})
    second[3]["change"] = metric_change(second[3], {"value": 0.02})
    _run(tmp_path, "ab", "r2", started="2026-01-02T08:00:00+00:00", metrics=second)
    doc = parse(build_index(tmp_path).read_text())
    rows = [r for r in doc.plain_text.split("Decision")]
    assert len(rows) == 4    # the job's history table, and each run in the list of all runs
    text = doc.plain_text
    assert "Decisionship" in text and "was inconclusive" in text and "Users" not in text and "SRM p" not in text
    assert "\u25b2 +3.0 pp (+150.0%)" in text
    assert "Decision: ship" in text and "Lift: +5.0%" in text and "Decision: inconclusive" in text
    (svg,) = [a for t, a in doc.tags if t == "svg"]   # a trend line for the lift only: a text has none
    assert svg["aria-label"].startswith("Lift over 2 successful runs: +2.0% on 1 Jan 2026")


def test_without_key_figures_the_first_numeric_headlines_are_shown(tmp_path):
    metrics = [{"name": "period", "value": "Jun", "label": "Period", "kind": "text"},
               {"name": "model_r", "value": 0.3, "label": "Model r", "kind": "number", "card": False},
               {"name": "flag", "value": True, "label": "Flag", "kind": "text"}] + [
              {"name": f"m{i}", "value": float(i), "label": f"M{i}", "kind": "number"} for i in range(6)]
    from workbench.runner.manifest import key_figures
    assert [m["name"] for m in key_figures(metrics, 4)] == ["m0", "m1", "m2", "m3"]
    metrics[3]["key"] = metrics[0]["key"] = True
    assert [m["name"] for m in key_figures(metrics, 4)] == ["period", "m0"]
    metrics[1]["key"] = True                          # recorded with card=False: never a key figure
    assert [m["name"] for m in key_figures(metrics, 1)] == ["period"]


def test_ad_hoc_runs_trend_only_over_the_latest_ones_parameters(tmp_path):
    # three ad-hoc runs of one notebook: two on the same file, one on another; the trend joins the two
    for i, (value, file) in enumerate([(100.0, "a.csv"), (5.0, "b.csv"), (130.0, "a.csv")]):
        d = _run(tmp_path, "sales", f"r{i}", started=f"2026-01-0{i + 1}T08:00:00+00:00", job="manual",
                 metrics=[_metric(value)])
        manifest = json.loads((d / "manifest.json").read_text())
        manifest["parameters"] = {"orders_path": file}
        (d / "manifest.json").write_text(json.dumps(manifest))
    doc = parse(build_index(tmp_path).read_text())
    (svg,) = [a for t, a in doc.tags if t == "svg"]
    assert svg["aria-label"].startswith("Revenue over 2 successful runs: $100 on 1 Jan 2026")


def test_a_job_skipped_for_a_missing_requirement(tmp_path):
    _run(tmp_path, "sales", "r1", started="2026-01-01T08:00:00+00:00", job="spark")
    update_ledger(tmp_path, [RunResult(status="skipped", notebook="sales", job="sales/spark",
                                       reason="needs java (not found on PATH or as a Python module)",
                                       skip="requirements"),
                             RunResult(status="skipped", notebook="other", job="other/spark",
                                       reason="needs java (not found on PATH or as a Python module)",
                                       skip="requirements")], at="2026-01-05T05:00:00+00:00")
    text = parse(build_index(tmp_path).read_text()).plain_text
    assert "2 jobs, 0 failing in its latest run, 2 skipped for a missing requirement" in text
    assert text.count("skipped 5 Jan 2026, 05:00 UTC: needs java (not found on PATH or as a Python module)") == 2
    assert "other/sparkother/sparknot runskipped" in text  # a job that never ran is listed too


def test_values_equal_at_the_precision_shown_are_drawn_flat(tmp_path):
    """Two runs of the same model differing in the 16th digit read "no change"; the line must not slope either
    (it is scaled to its own range, so any difference otherwise fills its whole height)."""
    values = [-1.4024071055178964, -1.4024071055178966]
    for i, v in enumerate(values):
        _run(tmp_path, "choice", f"r{i}", started=f"2026-01-0{i + 1}T08:00:00+00:00",
             metrics=[_metric(v, values[i - 1] if i else None, name="price_coefficient", label="Price coefficient",
                              kind="number", good=None)])
    doc = parse(build_index(tmp_path).read_text())
    (line,) = [a for t, a in doc.tags if t == "polyline"]
    assert {p.split(",")[1] for p in line["points"].split()} == {"13.0"}
    assert "-1.40" in doc.plain_text


def test_sparkline_needs_two_points():
    assert sparkline([1.0]) == "" and sparkline([None, 2.0]) == ""
    flat = sparkline([2.0, 2.0, 2.0])
    assert 'points="3.0,13.0 55.0,13.0 107.0,13.0"' in flat


def test_empty_reports_folder(tmp_path):
    html = build_index(tmp_path).read_text()
    assert "No runs yet" in html


def test_unreadable_manifest_is_skipped(tmp_path):
    _run(tmp_path, "sales", "r1", started="2026-01-01T08:00:00+00:00")
    bad = tmp_path / "sales" / "broken"
    bad.mkdir()
    (bad / "manifest.json").write_text("{not json")
    assert [m["run_id"] for m in scan_runs(tmp_path)] == ["r1"]
