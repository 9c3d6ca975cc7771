"""The time limit: a notebook that sleeps forever (and starts a child process that does too), in a catalog with a
20 s limit, next to jobs that finish. The job fails in its cell with "timed out after 20 s", the other jobs
succeed, and the process table holds no process of the run any more (checked with psutil)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from tests.runner.html_checks import check_report, parse
from tests.runner.process_checks import processes_of
from workbench import config
from workbench.runner.index import scan_runs
from workbench.runner.kernel import timeout_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"


def test_timeout_text():
    assert timeout_text(20) == "timed out after 20 s" and timeout_text(2.5) == "timed out after 2.5 s"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("time-limit")
    catalog = root / "catalog.yaml"
    catalog.write_text(f"""
jobs:
  - notebook: {FIXTURES / 'sleeps-forever.ipynb'}
    runs:
      - name: forever
        timeout: 20
  - notebook: {FIXTURES / 'typed-params.ipynb'}
    runs:
      - name: default
  - notebook: {FIXTURES / 'slow.ipynb'}
    runs:
      - name: short
        parameters: {{seconds: 1}}
""")
    reports = root / "reports"
    out = subprocess.run([sys.executable, "-m", "workbench.runner.cli", "run", "--all", "--jobs", "2", "--catalog",
                          str(catalog), "--reports-dir", str(reports)], cwd=config.PROJECT_ROOT,
                         capture_output=True, text=True, timeout=900)
    return reports, out


@pytest.mark.slow
class TestTimeLimit:
    def test_the_job_fails_in_its_cell_and_the_others_succeed(self, run):
        reports, out = run
        assert out.returncode == 1, out.stdout + out.stderr
        runs = {m["job"]: m for m in scan_runs(reports)}
        assert {j: m["status"] for j, m in runs.items()} == {"sleeps-forever/forever": "failed",
                                                            "typed-params/default": "succeeded",
                                                            "slow/short": "succeeded"}
        m = runs["sleeps-forever/forever"]
        err = m["error"]
        assert (err["ename"], err["evalue"]) == ("TimeoutError", "timed out after 20 s")
        assert m["timeout_s"] == 20 and 20 <= m["duration_s"] < 120
        if err["stage"] == "cell":  # the cell that was running: the endless loop, or an earlier one on a slow machine
            assert err["cell_index"] in (1, 2, 3, 4) and err["execution_count"] == err["cell_index"]
            assert f"  FAILED sleeps-forever/forever: In [{err['execution_count']}]: TimeoutError: timed out after " \
                   "20 s" in out.stdout.splitlines()
        else:  # a machine so loaded that the kernel had not started within 20 s
            assert err["stage"] == "kernel start"
        assert "3 jobs: 2 succeeded, 0 skipped (unchanged), 1 failed, in" in out.stdout

    def test_report_and_log_show_the_timeout(self, run):
        reports, _ = run
        (m,) = [m for m in scan_runs(reports) if m["job"] == "sleeps-forever/forever"]
        html_path = m["_dir"] / m["files"]["html"]
        assert check_report(html_path, expect_failed=True) == []
        text = parse(html_path.read_text()).plain_text
        assert "TimeoutError: timed out after 20 s" in text and "The run stopped in this cell" in text
        log = (m["_dir"] / m["files"]["log"]).read_text()
        assert "(kept because the run failed)" in log and "TimeoutError: timed out after 20 s" in log
        index = (reports / "index.html").read_text()
        assert f'{m["_dir"].relative_to(reports).as_posix()}/run.log' in index

    def test_no_process_of_the_run_is_left(self, run):
        reports, _ = run
        assert processes_of(reports) == []
        (m,) = [m for m in scan_runs(reports) if m["job"] == "sleeps-forever/forever"]
        child = json.loads((m["_dir"] / "metrics.json").read_text())["metrics"]
        for metric in child:  # the child process the notebook started, when it got that far
            if metric["name"] == "child_pid" and metric["value"]:
                assert not psutil.pid_exists(int(metric["value"])) or \
                    psutil.Process(int(metric["value"])).status() == psutil.STATUS_ZOMBIE
        assert not list((reports / ".tmp").iterdir())


def test_kernel_math_runs_on_one_thread_unless_set(tmp_path, monkeypatch):
    import nbformat

    from workbench.runner.execute import run_notebook
    from workbench.runner.kernel import SINGLE_THREADED_MATH

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Threads"),
        nbformat.v4.new_code_cell("import os\nimport workbench as wb", metadata={"tags": ["remove"]}),
        nbformat.v4.new_code_cell("for name in ('OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS', 'OMP_NUM_THREADS'):\n"
                                  "    wb.record(name.lower(), os.environ.get(name, 'unset'))"),
    ], metadata={"kernelspec": {"name": "workbench", "display_name": "Python (workbench)", "language": "python"}})
    path = tmp_path / "threads.ipynb"
    nbformat.write(nb, path)
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    monkeypatch.delenv("MKL_NUM_THREADS", raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "3")  # the user's own setting wins
    result = run_notebook(path, reports_dir=tmp_path / "reports")
    assert result.status == "succeeded", result.error
    values = {m["name"]: m["value"] for m in json.loads((Path(result.run_dir) / "metrics.json").read_text())["metrics"]}
    assert values == {"openblas_num_threads": "1", "mkl_num_threads": "1", "omp_num_threads": "3"}
    assert SINGLE_THREADED_MATH == {"OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}


def test_the_run_client_is_ready_once_the_kernel_went_idle_and_nothing_of_the_start_is_left(tmp_path):
    """The run's client returns from wait_for_ready after the kernel's idle status for its kernel_info (no fixed
    wait for silence): the output channel then holds no message of the start, and the first execution reads
    exactly its own output."""
    import asyncio
    from queue import Empty

    from workbench.runner.kernel import KernelWatch

    async def scenario():
        km = KernelWatch(tmp_path).manager_class()(kernel_name="workbench")
        await km.start_kernel()
        kc = km.client()
        kc.start_channels()
        try:
            assert type(kc).__name__ == "ReadyKernelClient"
            await kc.wait_for_ready(timeout=60)
            left = []
            try:
                while True:
                    left.append(await kc.iopub_channel.get_msg(timeout=0.3))
            except Empty:
                pass
            assert left == []
            reply = await kc.execute_interactive("print(6 * 7)", output_hook=outputs.append, timeout=60)
            assert reply["content"]["status"] == "ok"
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=False)
        return [o["content"]["text"] for o in outputs if o["msg_type"] == "stream"]

    outputs: list[dict] = []
    assert asyncio.run(scenario()) == ["42\n"]
