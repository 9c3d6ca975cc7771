"""``workbench run --all``: every catalog job, in parallel worker processes, with a progress display.

Before anything starts, every job's parameters are validated and unchanged jobs are skipped (no kernel
for either). The remaining jobs run longest first (by their last run's duration, see :func:`longest_first`)
in at most ``max_jobs`` worker processes, each running one job (one kernel) at a time and then the next (see
:mod:`workbench.runner.worker`); the index is rebuilt as each job finishes. One failing job does not stop
the others. Progress: on a terminal, one status line redrawn in place (done / failed / running, elapsed)
above the finished jobs; otherwise (cron, CI) plain lines, one per event.

A job whose ``requires:`` are missing (a command or Python module, see
:func:`~workbench.runner.catalog.missing_requirements`) is skipped with the reason. Every job runs under a time
limit: ``--timeout``, else its catalog ``timeout:``, else :data:`~workbench.runner.catalog.DEFAULT_TIMEOUT_S`.
The worker ends the kernel at the limit and records the failed run (:mod:`workbench.runner.kernel`); should
the worker itself not return a minute after it, it is killed here and the job recorded as timed out.

Ctrl-C or SIGTERM stops the workers (SIGTERM, then SIGKILL after a grace period); each removes its
temporary folder and ends its kernel, and whatever is left behind (a temporary folder, a kernel noted in it) is
removed and ended here, so no half-written run folder and no orphan process remains. When the jobs are done,
``reports/jobs.json`` records what happened to each (:mod:`workbench.runner.ledger`).
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from workbench.errors import WorkbenchError
from workbench.runner import files, processes
from workbench.runner.catalog import DEFAULT_TIMEOUT_S, CatalogJob, missing_requirements
from workbench.runner.execute import PreparedRun, RunResult, check_unchanged, last_successful_run, prepare_run
from workbench.runner.html import duration_text
from workbench.runner.index import build_index
from workbench.runner.kernel import timeout_text
from workbench.runner.ledger import update_ledger
from workbench.runner.manifest import environment

__all__ = ["run_catalog", "summary_lines", "job_timeout", "longest_first"]

GRACE_S = 20.0
POLL_S = 0.2
WORKER_GRACE_S = 60.0   # past its time limit, a worker gets this long to record the timed-out run itself


@dataclass
class _Worker:
    """A serving worker process (``python -m workbench.runner.worker --serve``) and its log file."""

    proc: subprocess.Popen
    log: object


@dataclass
class _Running:
    job: CatalogJob
    prep: PreparedRun
    run_id: str
    worker: _Worker
    result_path: Path
    spec_path: Path
    log_start: int           # where this job's output begins in the worker's log
    started: float
    timeout: float | None = None

    @property
    def proc(self) -> subprocess.Popen:
        return self.worker.proc

    def done(self) -> bool:
        """The worker wrote the job's result, or the worker is gone."""
        return self.result_path.exists() or self.proc.poll() is not None


class Progress:
    """Progress lines; on a terminal also a status line redrawn in place."""

    def __init__(self, out: TextIO, *, total: int, tty: bool | None = None, width: int | None = None) -> None:
        self.out, self.total, self.width = out, total, width  # width: None = the terminal's
        self.tty = out.isatty() if tty is None else tty
        self.t0 = time.monotonic()
        self.counts = {"succeeded": 0, "failed": 0, "skipped": 0}
        self._status_shown = False

    def _clear(self) -> None:
        if self.tty and self._status_shown:
            self.out.write("\r\033[K")
            self._status_shown = False

    def event(self, kind: str, job: str, detail: str = "") -> None:
        if kind in self.counts:
            self.counts[kind] += 1
        self._clear()
        self.out.write(f"[{time.monotonic() - self.t0:7.1f}s] {kind:<9} {job}{'  ' + detail if detail else ''}\n")
        self.out.flush()

    def status(self, running: list[_Running]) -> None:
        if not self.tty:
            return
        now = time.monotonic()
        done = sum(self.counts.values())
        jobs = ", ".join(f"{r.job.label} {duration_text(now - r.started)}" for r in running[:3])
        more = f" +{len(running) - 3}" if len(running) > 3 else ""
        line = (f"{done}/{self.total} done ({self.counts['failed']} failed, {self.counts['skipped']} skipped) "
                f"| running {len(running)}: {jobs}{more} | elapsed {duration_text(now - self.t0)}")
        width = self.width or shutil.get_terminal_size((120, 20)).columns
        self.out.write("\r\033[K" + line[: max(20, width - 1)])
        self.out.flush()
        self._status_shown = True

    def close(self) -> None:
        self._clear()
        self.out.flush()


def _failed(job: CatalogJob, stage: str, exc: BaseException | str, notebook: str | None = None) -> RunResult:
    ename = type(exc).__name__ if isinstance(exc, BaseException) else "Error"
    return RunResult(status="failed", notebook=notebook or job.label.split("/")[0], job=job.label,
                     error={"stage": stage, "ename": ename, "evalue": str(exc), "execution_count": None,
                            "cell_index": None, "cell_id": None, "source": None, "traceback": None})


def job_timeout(job: CatalogJob, override: float | None = None) -> float | None:
    """The time limit of a scheduled job: ``override`` (``--timeout``; 0 = none), its catalog ``timeout:``, the default."""
    if override is not None:
        return override if override > 0 else None
    return job.timeout if job.timeout is not None else DEFAULT_TIMEOUT_S


def _spawn(workdir: Path, n: int) -> _Worker:
    log = open(workdir / f"worker-{n}.log", "w+b")  # noqa: SIM115 - closed when the worker is retired
    proc = subprocess.Popen([sys.executable, "-m", "workbench.runner.worker", "--serve"], stdin=subprocess.PIPE,
                            stdout=log, stderr=subprocess.STDOUT)
    return _Worker(proc, log)


def _start(job: CatalogJob, prep: PreparedRun, reports: Path, show_code: bool, workdir: Path,
           timeout: float | None, worker: _Worker) -> _Running:
    run_id = files.new_run_id(job.run_name)
    spec_path = workdir / f"{run_id}.json"
    result_path = workdir / f"{run_id}.result.json"
    spec_path.write_text(json.dumps({"notebook": str(prep.info.path), "parameters": prep.overrides,
                                     "origin": job.where, "run_name": job.run_name, "reports_dir": str(reports),
                                     "show_code": show_code, "run_id": run_id, "result_path": str(result_path),
                                     "timeout": timeout}),
                         encoding="utf-8")
    log_start = os.fstat(worker.log.fileno()).st_size
    worker.proc.stdin.write(f"{spec_path}\n".encode())
    worker.proc.stdin.flush()
    return _Running(job, prep, run_id, worker, result_path, spec_path, log_start, time.monotonic(), timeout)


def _close_input(worker: _Worker) -> None:
    """Close a worker's input: an idle worker then exits."""
    try:
        worker.proc.stdin.close()
    except OSError:
        pass


def _retire(worker: _Worker) -> None:
    """Close a worker's input (an idle worker then exits) and wait for it; SIGKILL after the grace period."""
    _close_input(worker)
    try:
        worker.proc.wait(timeout=GRACE_S)
    except subprocess.TimeoutExpired:
        worker.proc.kill()
        worker.proc.wait()
    worker.log.close()


def _discard_temp(r: _Running, reports: Path) -> None:
    """End a kernel the worker may have left (noted in its temporary folder), then remove the folder."""
    tmp = files.temp_run_dir(reports, r.prep.info.name, r.run_id)
    processes.end_recorded_kernel(tmp)
    shutil.rmtree(tmp, ignore_errors=True)


def _finish(r: _Running, reports: Path) -> RunResult:
    if r.result_path.exists():
        result = RunResult.from_dict(json.loads(r.result_path.read_text(encoding="utf-8")))
    else:
        r.proc.wait()
        r.worker.log.seek(r.log_start)
        tail = r.worker.log.read().decode("utf-8", "replace").strip().splitlines()[-12:]
        result = _failed(r.job, "worker", f"worker exited with code {r.proc.returncode}: " + "\n".join(tail),
                         notebook=r.prep.info.name)
    _discard_temp(r, reports)
    return result


def _stop(r: _Running) -> None:
    """SIGTERM one worker, SIGKILL it after the grace period."""
    if r.proc.poll() is None:
        r.proc.send_signal(signal.SIGTERM)
    try:
        r.proc.wait(timeout=GRACE_S)
    except subprocess.TimeoutExpired:
        r.proc.kill()
        r.proc.wait()


def _stop_all(workers: list[_Worker], running: list[_Running], reports: Path) -> None:
    for w in workers:
        if w.proc.poll() is None:
            w.proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + GRACE_S
    for w in workers:
        try:
            w.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            w.proc.kill()
            w.proc.wait()
        w.log.close()
    for r in running:
        _discard_temp(r, reports)


def longest_first(queue: list, reports: Path) -> list:
    """The jobs ordered longest first, so the last to finish do not start last (two workers, many short jobs).

    A job's expected length is its last successful run's duration (in ``reports``); a job without one goes
    first (it may be long), those that start a JVM (``requires: [java]``, Spark: seconds of start-up before
    their first query) ahead of the rest; ties keep the catalog order. Items are ``(index, CatalogJob,
    PreparedRun, reason)``.
    """
    def key(item):
        i, job, prep, _ = item
        last = last_successful_run(reports, prep.info.name, prep.job)
        seconds = (last[1].get("duration_s") if last else None)
        if seconds is None:
            return (0, 0 if "java" in job.requires else 1, 0.0, i)
        return (1, 0, -float(seconds), i)

    return sorted(queue, key=key)


def _overdue(r: _Running) -> bool:
    return r.timeout is not None and time.monotonic() - r.started > r.timeout + WORKER_GRACE_S


def run_catalog(jobs: list[CatalogJob], *, reports_dir: str | os.PathLike, max_jobs: int = 2,
                force: bool = False, show_code: bool = False, out: TextIO | None = None,
                tty: bool | None = None, timeout: float | None = None) -> list[RunResult]:
    """Run catalog jobs; returns one :class:`RunResult` per job, in catalog order.

    ``timeout``: a time limit in seconds for every job (``--timeout``; 0 = none); None: each job's catalog
    ``timeout:`` or :data:`~workbench.runner.catalog.DEFAULT_TIMEOUT_S`.

    Raises KeyboardInterrupt (after stopping the workers, ending their kernels and removing their temporary
    folders) when interrupted.
    """
    out = out or sys.stdout
    reports = Path(reports_dir).resolve()
    reports.mkdir(parents=True, exist_ok=True)
    files.clean_stale_temp_dirs(reports)
    progress = Progress(out, total=len(jobs), tty=tty)
    results: dict[int, RunResult] = {}
    queue: list[tuple[int, CatalogJob, PreparedRun, str]] = []
    env = environment()
    for i, job in enumerate(jobs):
        missing = missing_requirements(job)
        if missing:
            results[i] = RunResult(status="skipped", notebook=job.label.split("/")[0], job=job.label,
                                   reason="; ".join(missing), skip="requirements")
            progress.event("skipped", job.label, results[i].reason)
            continue
        try:
            prep = prepare_run(job.notebook, parameters=job.parameters, origin=job.where,
                               run_name=job.run_name, base=job.base)
        except WorkbenchError as exc:
            results[i] = _failed(job, "catalog", exc)
            progress.event("failed", job.label, f"not started: {exc}")
            continue
        reason = "forced"
        if not force:
            skipped, reason = check_unchanged(prep, reports, show_code=show_code, env=env)
            if skipped is not None:
                results[i] = skipped
                progress.event("skipped", prep.job, f"{skipped.reason} (--force reruns)")
                continue
        queue.append((i, job, prep, reason))

    reason_of = {i: reason for i, _, _, reason in queue}
    queue = longest_first(queue, reports)
    running: dict[int, _Running] = {}
    idle: list[_Worker] = []
    workers: list[_Worker] = []
    workdir = Path(tempfile.mkdtemp(prefix="workbench-jobs-"))
    try:
        def fill() -> None:
            while queue and len(running) < max(1, max_jobs):
                i, job, prep, reason = queue.pop(0)
                if not idle:
                    workers.append(_spawn(workdir, len(workers)))
                    idle.append(workers[-1])
                running[i] = _start(job, prep, reports, show_code, workdir, job_timeout(job, timeout), idle.pop())
                progress.event("started", prep.job, f"({reason})")

        while queue or running:
            fill()
            finished = False
            for i, r in list(running.items()):
                overdue = not r.done() and _overdue(r)
                if overdue:
                    _stop(r)
                elif not r.done():
                    continue
                del running[i]
                result = _finish(r, reports)
                if overdue and not r.result_path.exists():
                    result = _failed(r.job, "worker", f"{timeout_text(r.timeout)} (the worker did not stop at the "
                                     "limit and was killed)", notebook=r.prep.info.name)
                    result.error["ename"] = "TimeoutError"
                if r.proc.poll() is None:
                    idle.append(r.worker)
                else:  # ended (killed at its time limit, or crashed): a new one takes its place when needed
                    workers.remove(r.worker)
                    r.worker.log.close()
                result.reason = reason_of.get(i, result.reason)
                results[i] = result
                if result.status == "succeeded":
                    progress.event("succeeded", result.job, duration_text(result.duration_s))
                else:
                    progress.event("failed", result.job, result.where())
                finished = True
            if finished:  # the freed slots take their next jobs before the index is rebuilt, not after
                fill()
                build_index(reports)
            progress.status(list(running.values()))
            time.sleep(POLL_S)
        for w in workers:  # every worker ends at once (each unloads its libraries and its template)
            _close_input(w)
        for w in workers:
            _retire(w)
    except BaseException:
        progress.close()
        _stop_all(workers, list(running.values()), reports)
        raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    progress.close()
    ordered = [results[i] for i in range(len(jobs))]
    update_ledger(reports, ordered)
    build_index(reports)  # once more, with the ledger (skipped jobs and their reasons)
    return ordered


def summary_lines(results: list[RunResult], *, elapsed: float, reports_dir: Path) -> list[str]:
    """A few lines for the end of ``run --all``: counts, then every failure with its cell and report."""
    n = {k: sum(r.status == k for r in results) for k in ("succeeded", "skipped", "failed")}
    missing = sum(r.status == "skipped" and r.skip == "requirements" for r in results)
    unchanged = n["skipped"] - missing
    why = ", ".join(x for x in (f"{unchanged} unchanged" if unchanged else "",
                                f"{missing} missing a requirement" if missing else "") if x) if missing else "unchanged"
    lines = [f"{len(results)} job{'s' if len(results) != 1 else ''}: {n['succeeded']} succeeded, "
             f"{n['skipped']} skipped ({why}), {n['failed']} failed, in {duration_text(elapsed)}"]
    for r in results:
        if r.status == "skipped" and r.skip == "requirements":
            lines.append(f"  SKIPPED {r.job}: {r.reason}")
    for r in results:
        if r.status == "failed":
            lines.append(f"  FAILED {r.job}: {r.where()}")
            if r.html:
                lines.append(f"         report: {_rel(r.html)}")
            log = Path(r.run_dir) / "run.log" if r.run_dir else None
            if log is not None and log.is_file():
                lines.append(f"         log:    {_rel(str(log))}")
    lines.append(f"Index: {_rel(str(Path(reports_dir) / 'index.html'))}")
    return lines


def _rel(path: str) -> str:
    """Relative to the current folder when that is shorter and stays inside it, else absolute."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith(".." + os.sep + "..") else rel
