"""reports/index.html built from run folders written by hand."""
from __future__ import annotations

import json

from tests.runner.html_checks import external_references, parse
from workbench.runner.index import build_index, scan_runs


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
    # latest per job (sales failed, with a link to its last success), then all runs newest first
    assert links == ["salaries/r3/salaries.html", "sales/r2/sales.html", "sales/r1/sales.html",
                     "sales/r2/sales.html", "salaries/r3/salaries.html", "sales/r1/sales.html"]
    text = doc.plain_text
    assert "3 runs of 2 reports" in text and "1 failing in its latest run" in text
    assert "In [7]: KeyError" in text and "Revenue: $2,500,316" in text
    assert 'area = "California"' in text and "defaults" in text and "12.5 s" in text
    assert external_references(html) == [] and "<script" not in html
    assert sorted(p.name for p in tmp_path.iterdir()) == [".index.lock", ".tmp", "index.html", "salaries", "sales"]


def test_empty_reports_folder(tmp_path):
    html = build_index(tmp_path).read_text()
    assert "No runs yet" in html


def test_unreadable_manifest_is_skipped(tmp_path):
    _run(tmp_path, "sales", "r1", started="2026-01-01T08:00:00+00:00")
    bad = tmp_path / "sales" / "broken"
    bad.mkdir()
    (bad / "manifest.json").write_text("{not json")
    assert [m["run_id"] for m in scan_runs(tmp_path)] == ["r1"]
