"""Progress display and summary of `run --all` (no kernel)."""
from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

from workbench.runner.batch import Progress, summary_lines
from workbench.runner.execute import RunResult


def _running(label, started):
    return SimpleNamespace(job=SimpleNamespace(label=label), started=started)


def test_plain_lines_when_not_a_terminal():
    out = io.StringIO()
    p = Progress(out, total=3, tty=False)
    p.event("started", "a/default")
    p.status([_running("a/default", p.t0)])  # no status line off a terminal
    p.event("failed", "a/default", "In [4]: KeyError: 'x'")
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and "\r" not in out.getvalue()
    assert lines[1].endswith("failed    a/default  In [4]: KeyError: 'x'")
    assert p.counts == {"succeeded": 0, "failed": 1, "skipped": 0}


def test_status_line_redrawn_on_a_terminal():
    out = io.StringIO()
    p = Progress(out, total=3, tty=True, width=200)
    p.event("skipped", "b/default", "unchanged")
    p.status([_running("a/default", p.t0), _running("c/x", p.t0)])
    p.event("succeeded", "a/default", "7.6 s")
    text = out.getvalue()
    assert "1/3 done (0 failed, 1 skipped) | running 2: a/default 0.0 s, c/x 0.0 s | elapsed" in text
    # the status line is cleared before the next event line is printed
    assert text.index("\r\033[K", text.index("running 2")) < text.index("succeeded a/default")


def test_summary_names_each_failure_and_its_cell(tmp_path):
    results = [
        RunResult(status="succeeded", notebook="a", job="a/default", duration_s=3.0),
        RunResult(status="skipped", notebook="b", job="b/default"),
        RunResult(status="failed", notebook="c", job="c/q4", html=str(tmp_path / "c.html"),
                  error={"execution_count": 7, "ename": "KeyError", "evalue": "'region'"}),
        RunResult(status="failed", notebook="d", job="d/x", error={"stage": "catalog", "ename": "ParameterError",
                                                                   "evalue": "unknown parameter"}),
    ]
    lines = summary_lines(results, elapsed=75.0, reports_dir=Path(tmp_path))
    assert lines[0] == "4 jobs: 1 succeeded, 1 skipped (unchanged), 2 failed, in 1 min 15 s"
    assert lines[1] == "  FAILED c/q4: In [7]: KeyError: 'region'"
    assert lines[2].strip().startswith("report: ") and lines[2].endswith("c.html")
    assert lines[3] == "  FAILED d/x: catalog: ParameterError: unknown parameter"
    assert lines[4].startswith("Index: ") and lines[4].endswith("index.html")


def test_summary_names_jobs_skipped_for_a_missing_requirement(tmp_path):
    run_dir = tmp_path / "c" / "r1"
    run_dir.mkdir(parents=True)
    (run_dir / "run.log").write_text("log")
    results = [
        RunResult(status="skipped", notebook="a", job="a/x", skip="unchanged", reason="unchanged since run r0"),
        RunResult(status="skipped", notebook="b", job="b/spark", skip="requirements",
                  reason="needs java (not found on PATH or as a Python module)"),
        RunResult(status="failed", notebook="c", job="c/forever", run_dir=str(run_dir),
                  html=str(run_dir / "c.html"), error={"stage": "cell", "execution_count": 4, "ename": "TimeoutError",
                                                       "evalue": "timed out after 20 s"}),
    ]
    lines = summary_lines(results, elapsed=30.0, reports_dir=tmp_path)
    assert lines[0] == "3 jobs: 0 succeeded, 2 skipped (1 unchanged, 1 missing a requirement), 1 failed, in 30.0 s"
    assert lines[1] == "  SKIPPED b/spark: needs java (not found on PATH or as a Python module)"
    assert lines[2] == "  FAILED c/forever: In [4]: TimeoutError: timed out after 20 s"
    assert lines[4].strip().startswith("log:") and lines[4].endswith("run.log")


def test_job_time_limit():
    from workbench.runner.batch import job_timeout
    from workbench.runner.catalog import DEFAULT_TIMEOUT_S, CatalogJob

    assert job_timeout(CatalogJob(notebook="a", run_name="x")) == DEFAULT_TIMEOUT_S == 3600
    assert job_timeout(CatalogJob(notebook="a", run_name="x", timeout=20)) == 20
    assert job_timeout(CatalogJob(notebook="a", run_name="x", timeout=20), 90) == 90  # --timeout wins
    assert job_timeout(CatalogJob(notebook="a", run_name="x", timeout=20), 0) is None  # --timeout 0: no limit
