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
