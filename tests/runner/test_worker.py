"""The worker process's job loop (no kernel: run_notebook is replaced)."""
from __future__ import annotations

import io
import json
import logging
import warnings

from workbench.runner import execute, worker
from workbench.runner.execute import RunResult


def _spec(tmp_path, name):
    spec = tmp_path / f"{name}.json"
    spec.write_text(json.dumps({"notebook": f"{name}.ipynb", "run_name": name, "reports_dir": str(tmp_path),
                                "run_id": name, "result_path": str(tmp_path / f"{name}.result.json")}))
    return spec


def test_serve_runs_each_line_and_every_job_gets_its_own_warnings(tmp_path, monkeypatch):
    ran, logged = [], []

    def fake_run_notebook(notebook, **kwargs):
        warnings.warn("the same warning from the same line", UserWarning)  # shown once per location by default
        ran.append((notebook, kwargs["run_name"], kwargs["force"]))
        return RunResult(status="succeeded", notebook=notebook, job=f"n/{kwargs['run_name']}")

    monkeypatch.setattr(execute, "run_notebook", fake_run_notebook)

    class Collect(logging.Handler):
        def emit(self, record):
            logged.append(record.getMessage())

    handler = Collect()
    logging.getLogger("py.warnings").addHandler(handler)
    logging.captureWarnings(True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            lines = io.StringIO(f"{_spec(tmp_path, 'a')}\n\n{_spec(tmp_path, 'b')}\n")
            assert worker.serve(lines) == 0
    finally:
        logging.captureWarnings(False)
        logging.getLogger("py.warnings").removeHandler(handler)
    assert ran == [("a.ipynb", "a", True), ("b.ipynb", "b", True)]
    assert sum("the same warning from the same line" in m for m in logged) == 2
    for name in ("a", "b"):
        assert json.loads((tmp_path / f"{name}.result.json").read_text())["job"] == f"n/{name}"
    assert not list(tmp_path.glob("*.partial"))
