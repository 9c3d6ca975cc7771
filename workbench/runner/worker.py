"""Catalog jobs in a worker process: ``python -m workbench.runner.worker SPEC.json`` runs one job;
``python -m workbench.runner.worker --serve`` runs one job per line of its standard input (a spec path), one
after another, until the input ends.

papermill changes the working directory while it runs, which is not thread-safe, so the catalog runner
runs jobs in processes (each job with its own kernel). It keeps one serving worker per parallel slot rather
than a new process per job: loading the runner, papermill and nbconvert and compiling the HTML templates
costs each new process about a second of CPU, paid once per slot instead of once per report; and a serving
worker forks its kernels from a template process that has imported the libraries once
(:mod:`workbench.runner.preload`). Each job runs with the warning filters and "shown once" records as they
were before it, so a job's log holds its own warnings whatever ran before it in the same process.

The spec names the notebook, the already validated parameters, the run id, the time limit and where to write
the :class:`~workbench.runner.execute.RunResult` as JSON (written whole, by rename, when the job is done).
SIGTERM is turned into KeyboardInterrupt so the run ends its kernel and removes its temporary folder before
exiting.
"""
from __future__ import annotations

import json
import logging
import signal
import sys
import warnings
from pathlib import Path
from typing import TextIO


def _terminate(signum, frame):  # noqa: ARG001
    # First signal stops the run; later ones (Ctrl-C reaches the whole process group, then the catalog
    # runner sends SIGTERM) must not cut the clean-up short. The runner SIGKILLs after a grace period.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


def run_spec(spec_path: str | Path) -> int:
    """Run the job of one spec file and write its result; 130 when interrupted."""
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    from workbench.runner.execute import run_notebook

    with warnings.catch_warnings():  # fresh "once" records, and the filters as they were afterwards
        result = run_notebook(spec["notebook"], parameters=spec.get("parameters") or {},
                              origin=spec.get("origin", ""), run_name=spec["run_name"],
                              reports_dir=spec["reports_dir"], show_code=bool(spec.get("show_code")),
                              force=True, run_id=spec["run_id"], update_index=False, timeout=spec.get("timeout"))
    out = Path(spec["result_path"])
    tmp = out.with_suffix(".partial")
    tmp.write_text(json.dumps(result.to_dict()), encoding="utf-8")
    tmp.replace(out)
    return 0


def serve(lines: TextIO, *, template: bool = False) -> int:
    """Run the spec of every line of ``lines`` in turn; 0 at the end of the input.

    ``template``: fork the kernels from a template process with the libraries imported
    (:mod:`workbench.runner.preload`).
    """
    if template:
        from workbench import config
        from workbench.runner import preload

        preload.start(config.KERNEL_NAME, cwd=config.PROJECT_ROOT)
    try:
        for line in lines:
            if line.strip():
                run_spec(line.strip())
    finally:
        if template:
            preload.stop()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, _terminate)
    logging.captureWarnings(True)  # this process's warnings go to the run's log (workbench.runner.runlog)
    try:
        return serve(sys.stdin, template=True) if args[0] == "--serve" else run_spec(args[0])
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
