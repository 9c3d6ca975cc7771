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


def _manifest(reports: Path, notebook: str, job: str, seconds: float, status: str = "succeeded") -> None:
    import json

    folder = reports / notebook / f"20260101T000000Z-{job.split('/')[1]}-{len(list(reports.rglob('*')))}"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"job": job, "status": status, "duration_s": seconds,
                                                      "started": "2026-01-01T00:00:00"}))


def test_longest_jobs_start_first(tmp_path):
    from workbench.runner.batch import longest_first
    from workbench.runner.catalog import CatalogJob

    def item(i, notebook, run, requires=()):
        job = CatalogJob(notebook=notebook, run_name=run, requires=requires)
        prep = SimpleNamespace(info=SimpleNamespace(name=notebook), job=f"{notebook}/{run}")
        return (i, job, prep, "forced")

    _manifest(tmp_path, "a", "a/short", 5.0)
    _manifest(tmp_path, "a", "a/long", 40.0)
    _manifest(tmp_path, "b", "b/mid", 12.0)
    _manifest(tmp_path, "b", "b/mid", 99.0, status="failed")  # a failed run says nothing about the length
    queue = [item(0, "a", "short"), item(1, "a", "long"), item(2, "b", "mid"), item(3, "c", "new"),
             item(4, "d", "spark", requires=("java", "pyspark"))]
    order = [i for i, *_ in longest_first(queue, tmp_path)]
    # never run: first (a JVM job before the others), then by the last duration, longest first
    assert order == [4, 3, 1, 2, 0]


def test_one_worker_process_per_slot_runs_every_job(tmp_path, monkeypatch):
    """Three jobs with --jobs 1 run one after another in the same worker; a fresh worker replaces one that ends."""
    from workbench.runner import batch
    from workbench.runner.catalog import CatalogJob

    slow = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks" / "slow.ipynb"
    spawned = []
    real = batch._spawn

    def spawn(workdir, n):
        w = real(workdir, n)
        spawned.append(w.proc.pid)
        return w

    monkeypatch.setattr(batch, "_spawn", spawn)
    jobs = [CatalogJob(notebook=str(slow), run_name=name, parameters={"seconds": 0}) for name in ("a", "b", "c")]
    out = io.StringIO()
    results = batch.run_catalog(jobs, reports_dir=tmp_path, max_jobs=1, force=True, out=out, tty=False)
    assert [r.status for r in results] == ["succeeded"] * 3, out.getvalue()
    assert len(spawned) == 1
    import psutil

    assert not psutil.pid_exists(spawned[0]) or psutil.Process(spawned[0]).status() == psutil.STATUS_ZOMBIE


def test_a_worker_that_dies_is_replaced(tmp_path):
    """A job whose worker process dies fails with the worker's exit code; the next job runs in a new worker."""
    import nbformat

    from workbench.runner import batch
    from workbench.runner.catalog import CatalogJob

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Kills its worker"),
        # the worker is the process that owns the run's temporary folder (the kernel's parent may be its template)
        nbformat.v4.new_code_cell("import json, os, signal, time\n"
                                  "owner = json.load(open(os.path.join(os.environ['WORKBENCH_RUN_DIR'], '.owner.json')))\n"
                                  "os.kill(owner['pid'], signal.SIGKILL)\ntime.sleep(60)"),
    ], metadata={"kernelspec": {"name": "workbench", "display_name": "Python (workbench)", "language": "python"}})
    killer = tmp_path / "kills-worker.ipynb"
    nbformat.write(nb, killer)
    slow = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks" / "slow.ipynb"
    jobs = [CatalogJob(notebook=str(killer), run_name="x"),
            CatalogJob(notebook=str(slow), run_name="after", parameters={"seconds": 0})]
    out = io.StringIO()
    results = batch.run_catalog(jobs, reports_dir=tmp_path / "reports", max_jobs=1, force=True, out=out, tty=False)
    assert [r.status for r in results] == ["failed", "succeeded"], out.getvalue()
    assert results[0].error["stage"] == "worker" and "worker exited with code -9" in results[0].error["evalue"]
    from tests.runner.process_checks import processes_of

    assert processes_of(tmp_path / "reports") == []  # the dead worker's kernel was ended too
