"""Kernels forked from the worker's template process: started like new kernels, each with its own state."""
from __future__ import annotations

import io
import json
from pathlib import Path

import nbformat
import pytest

from workbench import config
from workbench.runner import batch, preload
from workbench.runner.catalog import CatalogJob

PROBE = """import gc, os, sys, numpy, random
wb_record_gc = (gc.isenabled(), gc.get_freeze_count())
import workbench as wb
parent = open(f"/proc/{os.getppid()}/cmdline", "rb").read().split(b"\\0")
wb.record("parent", " ".join(p.decode() for p in parent if p))
wb.record("session_leader", os.getsid(0) == os.getpid())
wb.record("cwd", os.getcwd())
wb.record("run_dir_env", os.environ["WORKBENCH_RUN_DIR"])
wb.record("blas_threads", os.environ.get("OPENBLAS_NUM_THREADS", "unset"))
wb.record("numpy_draw", float(numpy.random.rand()))
wb.record("random_draw", random.random())
wb.record("first_path", sys.path[0])
wb.record("mpl_backend", __import__("matplotlib").get_backend())
from ipykernel.kernelapp import IPKernelApp
wb.record("watches_parent", IPKernelApp.instance().parent_handle == os.getppid())
wb.record("gc_enabled", wb_record_gc[0])
wb.record("gc_frozen", wb_record_gc[1])
"""


def _probe(tmp_path: Path) -> Path:
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Probe"),
        nbformat.v4.new_code_cell("import workbench as wb\nwb.report_setup()", metadata={"tags": ["remove"]}),
        nbformat.v4.new_code_cell(PROBE),
        nbformat.v4.new_code_cell("import matplotlib.pyplot as plt\nplt.plot([1, 2, 3]);"),
    ], metadata={"kernelspec": {"name": "workbench", "display_name": "Python (workbench)", "language": "python"}})
    path = tmp_path / "probe.ipynb"
    nbformat.write(nb, path)
    return path


def _run(tmp_path: Path, reports: str, monkeypatch, *, template: str) -> list[dict]:
    monkeypatch.setenv(preload.ENV_SWITCH, template)
    path = _probe(tmp_path)
    jobs = [CatalogJob(notebook=str(path), run_name=n) for n in ("a", "b")]
    out = io.StringIO()
    results = batch.run_catalog(jobs, reports_dir=tmp_path / reports, max_jobs=1, force=True, out=out, tty=False)
    assert [r.status for r in results] == ["succeeded", "succeeded"], out.getvalue()
    runs = []
    for r in results:
        metrics = json.loads((Path(r.run_dir) / "metrics.json").read_text())["metrics"]
        nb = nbformat.read(Path(r.run_dir) / "probe.ipynb", as_version=4)
        pngs = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
        runs.append({**{m["name"]: m["value"] for m in metrics}, "pngs": len(pngs), "run_dir": r.run_dir,
                     "run_log": (Path(r.run_dir) / "run.log").is_file()})
    return runs


@pytest.fixture(scope="module")
def forked(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    try:
        yield _run(tmp_path_factory.mktemp("forked"), "reports", mp, template="1")
    finally:
        mp.undo()


def test_catalog_kernels_are_forked_from_the_template(forked):
    assert all("workbench.runner.preload" in run["parent"] for run in forked)


def test_a_forked_kernel_starts_as_a_new_one_would(forked):
    for run in forked:
        assert run["session_leader"] is True  # a session of its own, so the time limit can end all of it
        assert run["cwd"] == str(config.PROJECT_ROOT)
        assert run["run_dir_env"].startswith(str(Path(run["run_dir"]).parent.parent / ".tmp"))
        assert run["blas_threads"] == "1"
        assert run["mpl_backend"] == "module://matplotlib_inline.backend_inline"
        assert run["pngs"] == 1  # the inline backend still displays the chart
        assert run["watches_parent"] is True  # it ends with its parent, and printed no "Ctrl-C will not work"


def test_a_clean_run_keeps_no_run_log(forked, tmp_path, monkeypatch):
    """Nothing in the kernel's own output of a clean run: no start-up banner of a kernel that does not know its
    parent, no "KeyboardInterrupt caught" from an interrupt sent at shutdown."""
    assert [run["run_log"] for run in forked] == [False, False]
    assert [run["run_log"] for run in _run(tmp_path, "reports", monkeypatch, template="0")] == [False, False]


def test_the_imported_libraries_are_frozen_out_of_the_collector_which_still_runs(forked, tmp_path, monkeypatch):
    """The template froze its imports (gc.freeze) so the kernel's collections skip them; the kernel still collects."""
    assert all(run["gc_enabled"] is True and run["gc_frozen"] > 100_000 for run in forked)
    assert [run["gc_frozen"] for run in _run(tmp_path, "reports", monkeypatch, template="0")] == [0, 0]


def test_each_forked_kernel_draws_its_own_random_numbers(forked):
    a, b = forked
    assert a["numpy_draw"] != b["numpy_draw"] and a["random_draw"] != b["random_draw"]


def test_turned_off_kernels_start_as_new_processes_that_see_the_same(forked, tmp_path, monkeypatch):
    runs = _run(tmp_path, "reports", monkeypatch, template="0")
    assert all("workbench.runner.preload" not in run["parent"] for run in runs)
    assert all("workbench.runner.worker" in run["parent"] for run in runs)  # the worker started them itself
    same = ("session_leader", "cwd", "blas_threads", "mpl_backend", "first_path", "pngs", "watches_parent")
    assert [{k: r[k] for k in same} for r in runs] == [{k: r[k] for k in same} for r in forked]


def test_only_the_plain_ipykernel_launcher_is_forked():
    assert preload._split(["/venv/bin/python", "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "c.json"]) \
        == (["/venv/bin/python", "-Xfrozen_modules=off"], ["-f", "c.json"])
    assert preload._split(["/venv/bin/python", "-m", "other_kernel", "-f", "c.json"]) is None
    assert preload._split(["/usr/bin/R", "--slave"]) is None
