"""One catalog job in its own process: ``python -m workbench.runner.worker SPEC.json``.

papermill changes the working directory while it runs, which is not thread-safe, so the catalog runner
starts one process per job (each with one kernel). The spec names the notebook, the already validated
parameters, the run id, the time limit and where to write the :class:`~workbench.runner.execute.RunResult`
as JSON. SIGTERM is turned into KeyboardInterrupt so the run ends its kernel and removes its temporary folder
before exiting.
"""
from __future__ import annotations

import json
import logging
import signal
import sys
from pathlib import Path


def _terminate(signum, frame):  # noqa: ARG001
    # First signal stops the run; later ones (Ctrl-C reaches the whole process group, then the catalog
    # runner sends SIGTERM) must not cut the clean-up short. The runner SIGKILLs after a grace period.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, _terminate)
    logging.captureWarnings(True)  # this process's warnings go to the run's log (workbench.runner.runlog)
    spec = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    from workbench.runner.execute import run_notebook

    try:
        result = run_notebook(spec["notebook"], parameters=spec.get("parameters") or {},
                              origin=spec.get("origin", ""), run_name=spec["run_name"],
                              reports_dir=spec["reports_dir"], show_code=bool(spec.get("show_code")),
                              force=True, run_id=spec["run_id"], update_index=False, timeout=spec.get("timeout"))
    except KeyboardInterrupt:
        return 130
    out = Path(spec["result_path"])
    tmp = out.with_suffix(".partial")
    tmp.write_text(json.dumps(result.to_dict()), encoding="utf-8")
    tmp.replace(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
