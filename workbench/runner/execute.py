"""Run one report: validate parameters, execute with papermill on the project kernel, write the run folder.

:func:`run_notebook` is the one entry point used by ``workbench run``, by the catalog's worker processes
and by ``workbench verify``. The HTML is exported in the same process that ran the notebook (a separate
``jupyter nbconvert`` process costs seconds of start-up per report).

Order of work: parameters are checked against the parameters cell before any kernel starts; an unchanged
job (same notebook content, parameters, input fingerprints, package versions and code) is skipped unless
``force``; the run writes into ``reports/.tmp/<notebook>--<run-id>/`` and is renamed to
``reports/<notebook>/<run-id>/`` only when complete (see :mod:`workbench.runner.files`). A failed run
still gets its folder (executed notebook, HTML showing the error and the failing cell, manifest); it
never replaces an earlier run. A kernel that fails to start is retried once.

A time limit (``timeout``: catalog ``timeout:``, ``--timeout``) ends the kernel and every process it started
when it passes (:mod:`workbench.runner.kernel`); the run is recorded as failed in the cell that was running,
with "timed out after N s". Each run is compared with the previous successful run of the same job
(:mod:`workbench.runner.compare`: the changes go into ``metrics.json`` and the header cards), and its log is
kept as ``run.log`` when it failed or warned (:mod:`workbench.runner.runlog`).
"""
from __future__ import annotations

import logging
import os
import re
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from workbench import config
from workbench.errors import RunError, mask_password
from workbench.provenance import INPUTS_FILE, METRICS_FILE, RUN_DIR_ENV, read_run_records
from workbench.runner import files
from workbench.runner.compare import compare_metrics_to, previous_run
from workbench.runner.kernel import KERNEL_OUT, KernelWatch, timeout_text
from workbench.runner.manifest import (MANIFEST, METRICS, SCHEMA, changes_since, environment, git_state,
                                       relative_input, write_json)
from workbench.runner.notebook import NotebookInfo, display_path, find_notebook, read_notebook
from workbench.runner.params import validate_parameters
from workbench.runner.runlog import RUN_LOG, RunnerLog, cell_stderr, compose_log

__all__ = ["RunResult", "run_notebook", "prepare_run", "PreparedRun", "check_unchanged", "last_successful_run"]

log = logging.getLogger("workbench.runner")
# The kernel's own log (ipykernel 7 warns on every start that local TCP is unencrypted): errors only. No IPython
# history: a report's cells do not belong in the user's ~/.ipython history database, and two reports running at
# once would take turns on its lock.
KERNEL_ARGS = ["--IPKernelApp.log_level=ERROR", "--HistoryManager.enabled=False"]


class _QuietPapermillInspection(logging.Filter):
    """papermill re-inspects the parameters cell with a regex that cannot read ``X | None`` annotations
    and warns "Unable to parse line ..."; the runner has already parsed and validated them."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(("Unable to parse line", "Passed unknown parameter"))


logging.getLogger("papermill.translators").addFilter(_QuietPapermillInspection())
logging.getLogger("papermill").addFilter(_QuietPapermillInspection())
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
START_TIMEOUT_S = 120
PAPERMILL_ENGINE = "workbench"  # nbclient with the save policy of _papermill()
METRIC_KEYS = ("name", "value", "label", "kind", "unit", "good")
OPTIONAL_METRIC_KEYS = ("se", "n", "card", "key")


@dataclass
class RunResult:
    """What happened to one job: ``status`` is ``succeeded``, ``failed`` or ``skipped``."""

    status: str
    notebook: str
    job: str
    run_id: str | None = None
    run_dir: str | None = None
    html: str | None = None
    duration_s: float | None = None
    error: dict | None = None
    reason: str | None = None          # why it was skipped, or why it reran
    skip: str | None = None            # for a skipped job: "unchanged" or "requirements"

    @property
    def ok(self) -> bool:
        return self.status in ("succeeded", "skipped")

    def where(self) -> str:
        """'In [7] (ZeroDivisionError: division by zero)' for a failure."""
        if not self.error:
            return ""
        err = self.error
        cell = f"In [{err['execution_count']}]" if err.get("execution_count") else (err.get("stage") or "setup")
        return f"{cell}: {err.get('ename', '')}: {err.get('evalue', '')}".strip()

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> RunResult:
        return cls(**d)


@dataclass
class PreparedRun:
    """A job checked and ready to execute: the notebook, its validated parameters, the job name."""

    info: NotebookInfo
    overrides: dict[str, Any]
    effective: dict[str, Any]
    job: str                      # "<notebook>/<run name>"
    run_name: str


def prepare_run(notebook: str | os.PathLike, *, parameters: dict | None = None,
                text_parameters: dict[str, str] | None = None, origin: str = "", run_name: str = files.ADHOC_RUN,
                base: str | os.PathLike | None = None, paths_from: str | os.PathLike | None = None) -> PreparedRun:
    """Resolve the notebook and validate the parameters (no kernel yet). Raises ``ParameterError``.

    ``paths_from``: the folder the user typed the command in. The kernel runs in the project root, so a
    text parameter naming a file or folder that exists relative to ``paths_from`` (``-p orders_path
    exports/orders.csv`` typed in the user's own folder) is made absolute before it is passed on.
    """
    info = read_notebook(find_notebook(notebook, base=base))
    overrides = validate_parameters(list(info.params), parameters, text=text_parameters, notebook=info.name,
                                    origin=origin)
    if paths_from is not None:
        overrides = {k: _absolute_if_path(v, Path(paths_from)) for k, v in overrides.items()}
    effective = _masked({s.name: s.default for s in info.params} | overrides)
    return PreparedRun(info=info, overrides=overrides, effective=effective, job=f"{info.name}/{run_name}",
                       run_name=run_name)


def _absolute_if_path(value: Any, folder: Path) -> Any:
    if not isinstance(value, str) or not value or os.path.isabs(value) or "\n" in value:
        return value
    if folder.resolve() == config.PROJECT_ROOT.resolve():
        return value  # already what the kernel sees; keep it relative (and portable) in the manifest
    candidate = folder / value
    return str(candidate.resolve()) if candidate.exists() else value


def last_successful_run(reports_dir: Path, notebook: str, job: str) -> tuple[Path, dict] | None:
    """The newest successful run of ``job`` in ``reports/<notebook>/`` (by start time), or None."""
    import json

    best: tuple[str, Path, dict] | None = None
    for mf in (Path(reports_dir) / notebook).glob(f"*/{MANIFEST}"):
        try:
            m = json.loads(mf.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if m.get("job") == job and m.get("status") == "succeeded":
            key = m.get("started", "")
            if best is None or key > best[0]:
                best = (key, mf.parent, m)
    return (best[1], best[2]) if best else None


def check_unchanged(prep: PreparedRun, reports_dir: Path, *, show_code: bool = False,
                    env: dict | None = None) -> tuple[RunResult | None, str]:
    """(a "skipped" result, reason) when nothing changed since the job's last successful run, else (None, why)."""
    last = last_successful_run(reports_dir, prep.info.name, prep.job)
    if last is None:
        return None, "no earlier successful run"
    run_dir, manifest = last
    changes = changes_since(manifest, notebook_sha256=prep.info.sha256, parameters=prep.effective,
                            show_code=show_code, env=env or environment())
    if changes:
        return None, "; ".join(changes)
    html = run_dir / manifest.get("files", {}).get("html", f"{prep.info.name}.html")
    return RunResult(status="skipped", notebook=prep.info.name, job=prep.job, run_id=manifest["run_id"],
                     run_dir=str(run_dir), html=str(html), duration_s=0.0,
                     reason=f"unchanged since run {manifest['run_id']}", skip="unchanged"), ""


def run_notebook(notebook: str | os.PathLike | PreparedRun, *, parameters: dict | None = None,
                 text_parameters: dict[str, str] | None = None, origin: str = "", run_name: str = files.ADHOC_RUN,
                 reports_dir: str | os.PathLike | None = None, show_code: bool = False, force: bool = False,
                 run_id: str | None = None, update_index: bool = True, timeout: float | None = None) -> RunResult:
    """Run one report notebook into ``reports/<notebook>/<run-id>/``.

    Parameters
    ----------
    notebook : str, path or PreparedRun
        Report name (``sales-performance``), path to an ``.ipynb``, or the result of :func:`prepare_run`.
    parameters, text_parameters : dict, optional
        Typed values (YAML, catalog) and command-line strings (win over ``parameters``).
    run_name : str
        The job's run name; the job is ``<notebook>/<run_name>`` ("manual" for ad-hoc runs).
    reports_dir : path, optional
        Default ``workbench.config.REPORTS_DIR``.
    show_code : bool
        Keep code inputs in the HTML.
    force : bool
        Run even when nothing changed since the job's last successful run.
    update_index : bool
        Rebuild ``reports/index.html`` afterwards (the catalog runner does it itself).
    timeout : float, optional
        Time limit in seconds for the whole execution (kernel start included); None or 0: no limit. Past
        it the kernel and its processes are ended and the run fails with "timed out after N s".

    Returns
    -------
    RunResult
        ``status`` "succeeded", "failed" (the folder is written, ``error`` names the cell) or "skipped".

    Raises
    ------
    ParameterError
        Unknown parameter or a value that cannot be converted (before any kernel starts).
    KeyboardInterrupt
        Passed on after the temporary folder has been removed.
    """
    prep = notebook if isinstance(notebook, PreparedRun) else prepare_run(
        notebook, parameters=parameters, text_parameters=text_parameters, origin=origin, run_name=run_name)
    info = prep.info
    reports = Path(reports_dir or config.REPORTS_DIR).resolve()
    reports.mkdir(parents=True, exist_ok=True)
    env = environment()

    if force:
        reason = "forced"
    else:
        skipped, reason = check_unchanged(prep, reports, show_code=show_code, env=env)
        if skipped is not None:
            return skipped

    files.clean_stale_temp_dirs(reports)
    run_id = run_id or files.new_run_id(prep.run_name)
    tmp = files.temp_run_dir(reports, info.name, run_id)
    files.claim_temp_dir(tmp)
    final = reports / info.name / run_id
    try:
        result = _run_in(tmp, final, prep, env=env, show_code=show_code, run_id=run_id, reason=reason,
                         timeout=timeout)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if update_index:
        from workbench.runner.index import build_index

        build_index(reports)
    return result


def _run_in(tmp: Path, final: Path, prep: PreparedRun, *, env: dict, show_code: bool, run_id: str,
            reason: str, timeout: float | None = None) -> RunResult:
    info = prep.info
    out_nb = tmp / f"{info.name}.ipynb"
    started = files.utc_now()
    t0 = time.monotonic()
    with RunnerLog() as runner_log:
        nb, error, kernel_out = _execute(info, prep.overrides, tmp, out_nb, timeout=timeout)
        if nb is not None and _mask_injected(nb):  # the kernel needed the password; the run folder keeps none
            import nbformat

            nbformat.write(nb, str(out_nb))
        duration = time.monotonic() - t0
        ended = files.utc_now()
        inputs, metrics = read_run_records(tmp)
        manifest = {
            "schema": SCHEMA,
            "run_id": run_id,
            "job": prep.job,
            "title": info.title,
            "status": "failed" if error else "succeeded",
            "notebook": {"name": info.name, "path": info.display_path, "sha256": info.sha256},
            "parameters": prep.effective,
            "overrides": _masked(prep.overrides),
            "inputs": [relative_input(i) for i in inputs],
            "environment": env,
            "git": git_state(),
            "started": started.isoformat(timespec="milliseconds"),
            "ended": ended.isoformat(timespec="milliseconds"),
            "duration_s": round(duration, 3),
            "timeout_s": timeout if timeout and timeout > 0 else None,
            "error": error,
            "options": {"show_code": show_code},
            "files": {"notebook": out_nb.name, "html": f"{info.name}.html", "metrics": METRICS},
        }
        metrics_out = [{**{k: m.get(k) for k in METRIC_KEYS}, **{k: m[k] for k in OPTIONAL_METRIC_KEYS if k in m}}
                       for m in metrics]
        prev = previous_run(final.parent.parent, notebook=info.name, job=prep.job, parameters=prep.effective,
                            before=manifest["started"], exclude=run_id)
        metrics_out, manifest["previous_run"] = compare_metrics_to(metrics_out, *(prev or (None, None)), manifest)
        cells = cell_stderr(nb)

        def _log() -> tuple[str, bool]:
            return compose_log(job=prep.job, run_id=run_id, status=manifest["status"], error=manifest["error"],
                               cells=cells, runner=list(runner_log.lines), kernel=kernel_out)

        if _log()[1]:
            manifest["files"]["log"] = RUN_LOG
        html_text = _render(nb, manifest, metrics_out, info=info, show_code=show_code, final=final)
    if manifest["files"].get("log"):
        (tmp / RUN_LOG).write_text(_log()[0], encoding="utf-8")
    write_json(tmp / METRICS, {"metrics": metrics_out, "previous_run": manifest["previous_run"]})
    write_json(tmp / MANIFEST, manifest)
    (tmp / manifest["files"]["html"]).write_text(html_text, encoding="utf-8")
    for f in (INPUTS_FILE, METRICS_FILE, files.OWNER_FILE, KERNEL_OUT):
        (tmp / f).unlink(missing_ok=True)
    return RunResult(status=manifest["status"], notebook=info.name, job=prep.job, run_id=run_id,
                     run_dir=str(final), html=str(final / manifest["files"]["html"]), duration_s=round(duration, 3),
                     error=manifest["error"], reason=reason)


def _render(nb, manifest: dict, metrics: list[dict], *, info: NotebookInfo, show_code: bool, final: Path) -> str:
    from workbench.runner.html import render_error_page, render_report

    help_ = {s.name: s.help for s in info.params}
    shown = display_path(final)
    if nb is None:
        err = manifest["error"] or {}
        return render_error_page(manifest, metrics, f"{err.get('ename')}: {err.get('evalue')}", param_help=help_,
                                 run_dir_display=shown)
    try:
        return render_report(nb, manifest, metrics, show_code=show_code, param_help=help_, run_dir_display=shown)
    except Exception as exc:  # a broken output must not lose the run: record it and write a plain page
        log.exception("HTML export failed")
        manifest["status"] = "failed"
        manifest["files"]["log"] = RUN_LOG
        manifest["error"] = manifest["error"] or {"stage": "html export", "ename": type(exc).__name__,
                                                  "evalue": str(exc), "execution_count": None, "cell_index": None,
                                                  "cell_id": None, "source": None, "traceback": None}
        return render_error_page(manifest, metrics, f"HTML export failed: {type(exc).__name__}: {exc}",
                                 param_help=help_, run_dir_display=shown)


def _reset_records(tmp: Path, out_nb: Path) -> None:
    for f in (tmp / INPUTS_FILE, tmp / METRICS_FILE, out_nb):
        f.unlink(missing_ok=True)


def _masked(value: Any) -> Any:
    """Parameters as recorded (manifest, HTML header, comparisons): a URL's password shown as ``***``."""
    if isinstance(value, str):
        return mask_password(value)
    if isinstance(value, dict):
        return {k: _masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_masked(v) for v in value]
    return value


def _mask_injected(nb) -> bool:
    """Mask URL passwords in the executed notebook's injected-parameters cell; True when something changed."""
    changed = False
    for cell in nb.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            masked = mask_password(cell.source)
            changed, cell.source = changed or masked != cell.source, masked
    return changed


def _execute(info: NotebookInfo, overrides: dict, tmp: Path, out_nb: Path, *, timeout: float | None = None):
    """Execute with papermill on the project kernel.

    Returns (executed notebook or None, error dict or None, what the kernel process printed).
    """
    previous = os.environ.get(RUN_DIR_ENV)
    os.environ[RUN_DIR_ENV] = str(tmp)
    watch = KernelWatch(tmp, timeout=timeout)
    try:
        with watch:
            nb, error = _attempts(info, overrides, tmp, out_nb, watch)
        return nb, error, watch.kernel_output()
    finally:
        if previous is None:
            os.environ.pop(RUN_DIR_ENV, None)
        else:
            os.environ[RUN_DIR_ENV] = previous


def _papermill():
    """papermill, imported without jsonschema's IRI format check and with the workbench's save policy.

    nbformat imports jsonschema, whose format checker imports ``rfc3987_syntax`` when it is installed (JupyterLab's
    ``jupyter-events`` brings it): that module builds a grammar on import, 1.5 s of CPU in every run's process,
    for a format notebook validation never checks. Marking it absent (only in this process, and only when
    jsonschema is not loaded yet) skips that check and nothing else.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    import papermill as pm
    from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

    if PAPERMILL_ENGINE not in papermill_engines._engines:

        class SaveAtEnd(NotebookExecutionManager):
            """papermill writes the whole executed notebook (every chart as base64) before and after each cell:
            about a second of CPU per report. The runner reads it once, at the end (success, failing cell,
            time limit or Ctrl-C all pass through ``notebook_complete``), so only the start and the end write."""

            _writing = False

            def save(self, **kwargs):  # noqa: ANN001, ANN201
                if self._writing:
                    return super().save(**kwargs)
                self.last_save_time = self.now()
                return None

            def notebook_start(self, **kwargs):  # noqa: ANN001, ANN201
                self._writing = True
                try:
                    return super().notebook_start(**kwargs)
                finally:
                    self._writing = False

            def notebook_complete(self, **kwargs):  # noqa: ANN001, ANN201
                self._writing = True
                return super().notebook_complete(**kwargs)

        class Engine(NBClientEngine):
            @classmethod
            def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True, log_output=False,
                                 autosave_cell_every=30, **kwargs):  # noqa: ANN001, ANN206
                nb_man = SaveAtEnd(nb, output_path=output_path, progress_bar=progress_bar, log_output=log_output,
                                   autosave_cell_every=autosave_cell_every)
                nb_man.notebook_start()
                try:
                    cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
                finally:
                    nb_man.cleanup_pbar()
                    nb_man.notebook_complete()
                return nb_man.nb

        papermill_engines.register(PAPERMILL_ENGINE, Engine)
    return pm


def _attempts(info: NotebookInfo, overrides: dict, tmp: Path, out_nb: Path, watch: KernelWatch):
    pm = _papermill()
    import nbformat
    from jupyter_client.kernelspec import NoSuchKernel
    from papermill.exceptions import PapermillExecutionError

    def _read():
        return nbformat.read(str(out_nb), as_version=4) if out_nb.exists() else None

    for attempt in (1, 2):
        kernel_ready = {"yes": False}

        def _ready(**_: Any) -> None:
            kernel_ready["yes"] = True

        try:
            nb = pm.execute_notebook(str(info.path), str(out_nb), parameters=overrides or None,
                                     kernel_name=config.KERNEL_NAME, language="python",
                                     cwd=str(config.PROJECT_ROOT), progress_bar=False, log_output=False,
                                     start_timeout=START_TIMEOUT_S, on_notebook_start=_ready,
                                     on_cell_start=watch.on_cell_start, kernel_manager_class=watch.manager_class(),
                                     extra_arguments=KERNEL_ARGS, engine_name=PAPERMILL_ENGINE)
            return nb, None
        except PapermillExecutionError as exc:
            nb = _read()
            return nb, (_timeout_error(watch, nb) if watch.timed_out else _cell_error(exc, nb))
        except NoSuchKernel as exc:
            return None, _setup_error("kernel start", "NoSuchKernel",
                                      f"Jupyter kernel {config.KERNEL_NAME!r} is not registered ({exc}); "
                                      "run `make setup` to register it")
        except Exception as exc:  # noqa: BLE001 - anything else: kernel start, a dead kernel, the time limit
            if watch.timed_out:
                nb = _read()
                return nb, _timeout_error(watch, nb)
            if not kernel_ready["yes"] and attempt == 1:
                log.warning("%s: kernel start failed (%s: %s); retrying once", info.name, type(exc).__name__, exc)
                _reset_records(tmp, out_nb)
                continue
            stage = "kernel" if kernel_ready["yes"] else "kernel start"
            return _read(), _setup_error(stage, type(exc).__name__, str(exc) or repr(exc))
    raise RunError("unreachable")  # pragma: no cover


def _source_cells(nb) -> list:
    return [c for c in nb.cells if not {"injected-parameters", "papermill-error-cell-tag"}
            & set(c.get("metadata", {}).get("tags", []))]


def _timeout_error(watch: KernelWatch, nb) -> dict:
    """The cell that was running when the time limit passed (or the kernel start, when no cell had begun)."""
    cell = watch.cell
    cell_id = cell.get("id") if cell is not None else None
    found = next((c for c in nb.cells if c.get("id") == cell_id), None) if nb is not None and cell_id else None
    count = (found or cell or {}).get("execution_count") if cell is not None else None
    index = None
    if found is not None:
        index = next((i for i, c in enumerate(_source_cells(nb)) if c is found), None)
    source = (found or cell).get("source") if cell is not None else None
    return {"stage": "cell" if cell is not None else "kernel start", "ename": "TimeoutError",
            "evalue": timeout_text(watch.timeout), "execution_count": count, "cell_index": index,
            "cell_id": cell_id, "source": source, "traceback": None}


def _setup_error(stage: str, ename: str, evalue: str) -> dict:
    return {"stage": stage, "ename": ename, "evalue": evalue, "execution_count": None, "cell_index": None,
            "cell_id": None, "source": None, "traceback": None}


def _cell_error(exc, nb) -> dict:
    """The failing cell as the manifest records it; ``cell_index`` is 0-based in the source notebook."""
    marker = "papermill-error-cell-tag"
    cells = [c for c in nb.cells if marker not in c.get("metadata", {}).get("tags", [])]
    cell = cells[exc.cell_index] if 0 <= exc.cell_index < len(cells) else None
    source_cells = [c for c in cells if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
    index = next((i for i, c in enumerate(source_cells) if c is cell), None)
    tb = "\n".join(_ANSI.sub("", line) for line in (exc.traceback or []))
    return {"stage": "cell", "ename": exc.ename, "evalue": exc.evalue, "execution_count": exc.exec_count,
            "cell_index": index, "cell_id": cell.get("id") if cell is not None else None,
            "source": exc.source, "traceback": tb}
