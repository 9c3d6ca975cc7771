"""Running fixture notebooks for real (papermill, the `workbench` kernel): run folders, manifest, metrics,
HTML, failures, skipping, forcing, kernel-start retry and interruption.

The fixture data (tests/fixtures/notebooks/data/tiny_orders.csv) is four generated order lines; expected
values are computed by hand from it: web 120.50 + 210.25 = 330.75, app 40.00 + 89.75 = 129.75.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from tests.runner.html_checks import check_report, parse
from tests.runner.process_checks import processes_of
from workbench import config
from workbench.errors import ParameterError
from workbench.runner import execute
from workbench.runner.execute import run_notebook

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"
TYPED = FIXTURES / "typed-params.ipynb"
FAILS = FIXTURES / "fails-in-cell.ipynb"
SLOW = FIXTURES / "slow.ipynb"
FOREVER = FIXTURES / "sleeps-forever.ipynb"   # starts a child process, then sleeps forever
DATA = FIXTURES / "data" / "tiny_orders.csv"


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    return tmp_path_factory.mktemp("reports")


@pytest.fixture(scope="module")
def typed_run(reports):
    return run_notebook(TYPED, text_parameters={"orders": "7", "channels": "web", "period_end": "2024-01-03"},
                        run_name="web", reports_dir=reports)


@pytest.fixture(scope="module")
def failed_run(reports):
    return run_notebook(FAILS, run_name="default", reports_dir=reports)


def _manifest(run):
    return json.loads((Path(run.run_dir) / "manifest.json").read_text())


def _metrics(run):
    return {m["name"]: m for m in json.loads((Path(run.run_dir) / "metrics.json").read_text())["metrics"]}


class TestSucceededRun:
    def test_folder_layout(self, typed_run, reports):
        run_dir = Path(typed_run.run_dir)
        assert typed_run.status == "succeeded" and typed_run.job == "typed-params/web"
        assert run_dir.parent == reports / "typed-params" and run_dir.name == typed_run.run_id
        assert typed_run.run_id.split("-")[1] == "web"
        # run.log: the fixture warns on stderr, so its log is kept
        assert sorted(p.name for p in run_dir.iterdir()) == ["manifest.json", "metrics.json", "run.log",
                                                             "typed-params.html", "typed-params.ipynb"]
        assert not any((reports / ".tmp").iterdir())
        assert (reports / "index.html").is_file()

    def test_metrics_values(self, typed_run):
        m = _metrics(typed_run)
        assert m["revenue"]["value"] == pytest.approx(330.75, rel=1e-12)  # web lines only, by hand
        assert m["revenue"]["kind"] == "money" and m["revenue"]["label"] == "Revenue"
        assert m["orders"]["value"] == 7 and m["conversion"]["value"] == 0.25 and m["region"]["value"] == "north"
        assert m["revenue"]["good"] == "up" and m["conversion"]["n"] == 7 and "n" not in m["orders"]
        assert all(x["change"] is None for x in m.values())  # the job's first run: nothing to compare with

    def test_manifest(self, typed_run):
        m = _manifest(typed_run)
        assert m["schema"] == 1 and m["status"] == "succeeded" and m["error"] is None
        assert m["title"] == "Typed parameters fixture"
        assert m["notebook"]["path"] == "tests/fixtures/notebooks/typed-params.ipynb"
        from workbench.runner.notebook import read_notebook

        assert m["notebook"]["sha256"] == read_notebook(TYPED).sha256
        assert m["overrides"] == {"orders": 7, "channels": ["web"], "period_end": "2024-01-03"}
        assert m["parameters"] == {"label": "north", "orders": 7, "rate": 0.25, "include_returns": False,
                                   "channels": ["web"], "period_end": "2024-01-03", "limit": None,
                                   "data_path": "tests/fixtures/notebooks/data/tiny_orders.csv"}
        assert m["inputs"] == [{"path": "tests/fixtures/notebooks/data/tiny_orders.csv",
                                "sha256": hashlib.sha256(DATA.read_bytes()).hexdigest(),
                                "bytes": DATA.stat().st_size, "role": None}]
        assert m["environment"]["python"] == f"{sys.version_info.major}.{sys.version_info.minor}." \
                                              f"{sys.version_info.micro}"
        assert m["environment"]["kernel"] == "workbench" and "pandas" in m["environment"]["packages"]
        assert set(m["git"]) == {"commit", "dirty"}
        assert m["started"] < m["ended"] and 0 < m["duration_s"] < 600
        assert m["timeout_s"] is None and m["previous_run"] is None and m["files"]["log"] == "run.log"

    def test_log_keeps_the_warning_the_report_leaves_out(self, typed_run):
        log = (Path(typed_run.run_dir) / "run.log").read_text()
        assert log.startswith(f"Run log of typed-params/web, run {typed_run.run_id}: succeeded (kept because it has "
                              "warnings).")
        assert "UserWarning: fixture warning: stderr must not reach the HTML body" in log
        assert 'href="run.log"' in Path(typed_run.html).read_text()

    def test_executed_notebook_has_injected_parameters(self, typed_run):
        nb = nbformat.read(Path(typed_run.run_dir) / "typed-params.ipynb", as_version=4)
        injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
        assert len(injected) == 1 and "orders = 7" in injected[0].source
        assert nb.metadata.kernelspec.name == "workbench"
        stderr = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
                  if o.output_type == "stream" and o.name == "stderr"]
        assert any("fixture warning" in o.text for o in stderr)  # kept in the notebook, not in the HTML

    def test_a_url_password_reaches_the_kernel_but_no_record(self, reports):
        """The kernel gets the real value; manifest, metrics comparison keys, HTML header and the saved notebook
        show the password as ***."""
        url = "postgres://bob:s3cret@db.example:5432/shop"
        run = run_notebook(TYPED, text_parameters={"label": url}, run_name="secret", reports_dir=reports)
        folder = Path(run.run_dir)
        metrics = json.loads((folder / "metrics.json").read_text())["metrics"]
        assert next(m["value"] for m in metrics if m["name"] == "region") == url  # what the notebook itself shows
        m = _manifest(run)
        assert m["parameters"]["label"] == m["overrides"]["label"] == "postgres://bob:***@db.example:5432/shop"
        nb = nbformat.read(folder / "typed-params.ipynb", as_version=4)
        injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
        assert 'label = "postgres://bob:***@db.example:5432/shop"' in injected.source
        assert "s3cret" not in (folder / "manifest.json").read_text()
        assert "postgres://bob:***@db.example:5432/shop" in parse(Path(run.html).read_text()).plain_text

    def test_html(self, typed_run):
        html_path = Path(typed_run.html)
        assert check_report(html_path) == []
        html = html_path.read_text()
        text = parse(html).plain_text
        assert "fixture warning" not in html and "stdout line kept in the report" in text
        assert "Region north sold $330.75 over 2 days (generated data)." in text
        assert "$331" in text and "25.0%" in text  # header cards via workbench.present.fmt
        assert hashlib.sha256(DATA.read_bytes()).hexdigest() in text
        assert "frame.plot.bar" not in html  # code hidden by default


class TestFailedRun:
    def test_folder_and_error(self, failed_run):
        assert failed_run.status == "failed" and not failed_run.ok
        err = failed_run.error
        # cells: 0 title, 1 setup, 2 parameters, 3 record, 4 the division
        assert (err["execution_count"], err["cell_index"], err["ename"]) == (4, 4, "ZeroDivisionError")
        assert err["evalue"] == "division by zero" and err["source"] == "ratio = 10 / divisor"
        assert "ZeroDivisionError" in err["traceback"] and "\x1b[" not in err["traceback"]
        assert failed_run.where() == "In [4]: ZeroDivisionError: division by zero"
        m = _manifest(failed_run)
        assert m["status"] == "failed" and m["error"] == err
        assert _metrics(failed_run)["before_failure"]["value"] == 1  # recorded before the failure, kept
        log = (Path(failed_run.run_dir) / m["files"]["log"]).read_text()
        assert "(kept because the run failed)" in log and "In [4]: ZeroDivisionError: division by zero" in log
        assert "ZeroDivisionError" in log.split("== Error", 1)[1] and "\x1b[" not in log

    def test_html_shows_error(self, failed_run):
        assert check_report(Path(failed_run.html), expect_failed=True) == []
        text = parse(Path(failed_run.html).read_text()).plain_text
        assert "Exception encountered at In [4]: ZeroDivisionError: division by zero" in text
        assert "ratio = 10 / divisor" in text

    def test_failure_never_replaces_a_success(self, reports, failed_run):
        ok = run_notebook(FAILS, run_name="default", text_parameters={"divisor": "4"}, reports_dir=reports)
        assert ok.status == "succeeded" and _metrics(ok)["ratio"]["value"] == 2.5
        again = run_notebook(FAILS, run_name="default", reports_dir=reports)
        assert again.status == "failed"
        folders = sorted(p.name for p in (reports / "fails-in-cell").iterdir())
        assert folders == sorted([failed_run.run_id, ok.run_id, again.run_id])
        assert _manifest(ok)["status"] == "succeeded"


class TestIncremental:
    def test_unchanged_job_is_skipped(self, typed_run, reports):
        again = run_notebook(TYPED, text_parameters={"orders": "7", "channels": "web", "period_end": "2024-01-03"},
                             run_name="web", reports_dir=reports)
        assert again.status == "skipped" and again.ok
        assert again.run_id == typed_run.run_id and again.reason == f"unchanged since run {typed_run.run_id}"

    def test_force_and_changed_input_rerun(self, typed_run, reports, tmp_path):
        forced = run_notebook(TYPED, text_parameters={"orders": "7", "channels": "web", "period_end": "2024-01-03"},
                              run_name="web", reports_dir=reports, force=True)
        assert forced.status == "succeeded" and forced.run_id != typed_run.run_id and forced.reason == "forced"

        data = tmp_path / "orders.csv"
        shutil.copy(DATA, data)
        first = run_notebook(TYPED, parameters={"data_path": str(data)}, run_name="copy", reports_dir=reports)
        assert first.status == "succeeded" and _metrics(first)["revenue"]["value"] == pytest.approx(460.50)
        data.write_text(DATA.read_text() + "2024-01-05,web,1,10.00\n")
        second = run_notebook(TYPED, parameters={"data_path": str(data)}, run_name="copy", reports_dir=reports)
        assert second.status == "succeeded" and second.reason.startswith(f"input {data} changed")
        assert _metrics(second)["revenue"]["value"] == pytest.approx(470.50)
        # compared with the first run of the job: revenue up by the added line, good news, noise not tested
        change = _metrics(second)["revenue"]["change"]
        assert change["previous"] == pytest.approx(460.50) and change["absolute"] == pytest.approx(10.0)
        assert change["relative"] == pytest.approx(10.0 / 460.50) and change["assessment"] == "good"
        assert change["noise"] == {"tested": False, "reason": "no sampling error recorded in either run"}
        assert _metrics(second)["conversion"]["change"]["direction"] == "same"
        note = json.loads((Path(second.run_dir) / "metrics.json").read_text())["previous_run"]
        assert note["run_id"] == first.run_id and note["same_inputs"] is False
        assert _manifest(second)["previous_run"] == note
        assert "Changes against the previous run of this job" in Path(second.html).read_text()

    def test_changed_parameter_is_a_different_run(self, reports, typed_run):
        skipped, reason = execute.check_unchanged(
            execute.prepare_run(TYPED, text_parameters={"orders": "8", "channels": "web",
                                                        "period_end": "2024-01-03"}, run_name="web"), reports)
        assert skipped is None and reason == "parameters changed (orders)"


class TestBeforeKernel:
    def test_bad_parameter_starts_no_kernel(self, tmp_path, monkeypatch):
        import papermill

        calls = []
        monkeypatch.setattr(papermill, "execute_notebook", lambda *a, **k: calls.append(a))
        with pytest.raises(ParameterError, match=r"typed-params: parameter `rate` expects float \(declared\), "
                                                 r"got 'lots'"):
            run_notebook(TYPED, text_parameters={"rate": "lots"}, reports_dir=tmp_path)
        assert calls == [] and not (tmp_path / "typed-params").exists()

    def test_kernel_start_failure_is_retried_once(self, tmp_path, monkeypatch):
        import papermill

        calls = []

        def flaky(input_path, output_path, **kwargs):
            calls.append(kwargs["kernel_name"])
            if len(calls) == 1:
                raise RuntimeError("Kernel didn't respond in 60 seconds")  # before on_notebook_start fired
            kwargs["on_notebook_start"](notebook=None)
            nb = nbformat.read(input_path, as_version=4)
            nbformat.write(nb, output_path)
            return nb

        monkeypatch.setattr(papermill, "execute_notebook", flaky)
        result = run_notebook(SLOW, reports_dir=tmp_path)
        assert calls == ["workbench", "workbench"]  # the project kernel, set explicitly, twice
        assert result.status == "succeeded"

    def test_second_kernel_start_failure_fails_the_run(self, tmp_path, monkeypatch):
        import papermill

        def broken(*a, **k):
            raise RuntimeError("Address already in use")

        monkeypatch.setattr(papermill, "execute_notebook", broken)
        result = run_notebook(SLOW, reports_dir=tmp_path)
        assert result.status == "failed" and result.error["stage"] == "kernel start"
        assert result.error["evalue"] == "Address already in use"
        assert "Exception encountered at kernel start" in parse(Path(result.html).read_text()).plain_text


def _wait_for(predicate, timeout=180.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _kernels_of(pid: int) -> list[psutil.Process]:
    try:
        return [p for p in psutil.Process(pid).children(recursive=True) if "ipykernel" in " ".join(p.cmdline())]
    except psutil.NoSuchProcess:
        return []


def _cli(*args, reports: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "workbench.runner.cli", *args, "--reports-dir", str(reports)],
                            cwd=config.PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


class TestInterrupted:
    """A run stopped by Ctrl-C or SIGTERM leaves no run folder, no temporary folder and the index as it was."""

    def _busy(self, reports: Path, n: int) -> bool:
        tmp = reports / ".tmp"
        return tmp.is_dir() and len([d for d in tmp.iterdir() if (d / "metrics.jsonl").exists()]) >= n

    def test_sigint_single_run(self, tmp_path):
        reports = tmp_path / "reports"
        reports.mkdir()
        (reports / "index.html").write_text("previous index")
        proc = _cli("run", str(SLOW), "-p", "seconds", "120", reports=reports)
        try:
            assert _wait_for(lambda: self._busy(reports, 1)), "the slow notebook never started"
            kernels = _kernels_of(proc.pid)
            proc.send_signal(signal.SIGINT)
            out, _ = proc.communicate(timeout=60)
        finally:
            proc.kill()
        assert proc.returncode == 130, out
        assert "interrupted: no partial run folder was kept" in out
        assert sorted(p.name for p in reports.iterdir()) == [".tmp", "index.html"]
        assert list((reports / ".tmp").iterdir()) == []
        assert (reports / "index.html").read_text() == "previous index"
        assert _wait_for(lambda: not any(k.is_running() and k.status() != psutil.STATUS_ZOMBIE for k in kernels),
                         timeout=30), "kernel left running"
        assert _wait_for(lambda: processes_of(reports) == [], timeout=30), processes_of(reports)

    def test_sigterm_catalog_run(self, tmp_path):
        reports = tmp_path / "reports"
        reports.mkdir()
        (reports / "index.html").write_text("previous index")
        catalog = tmp_path / "catalog.yaml"
        catalog.write_text(f"jobs:\n  - notebook: {SLOW}\n    runs:\n      - name: a\n        parameters: "
                           f"{{seconds: 120}}\n  - notebook: {FOREVER}\n    runs:\n      - name: b\n")
        proc = _cli("run", "--all", "--jobs", "2", "--catalog", str(catalog), reports=reports)
        try:
            assert _wait_for(lambda: self._busy(reports, 2)), "the notebooks never started"
            workers = psutil.Process(proc.pid).children()
            assert len(processes_of(reports)) >= 3  # two kernels and the child process one of them started
            proc.send_signal(signal.SIGTERM)
            out, _ = proc.communicate(timeout=90)
        finally:
            proc.kill()
        assert proc.returncode == 130, out
        assert sorted(p.name for p in reports.iterdir()) == [".tmp", "index.html"]
        assert list((reports / ".tmp").iterdir()) == []
        assert (reports / "index.html").read_text() == "previous index"
        assert len(workers) == 2 and not any(w.is_running() and w.status() != psutil.STATUS_ZOMBIE for w in workers)
        assert _wait_for(lambda: processes_of(reports) == [], timeout=30), processes_of(reports)  # no orphan

        # and the next run works
        catalog.write_text(f"jobs:\n  - notebook: {SLOW}\n    runs:\n      - name: a\n        parameters: "
                           "{seconds: 1}\n")
        again = _cli("run", "--all", "--catalog", str(catalog), reports=reports)
        out, _ = again.communicate(timeout=600)
        assert again.returncode == 0, out
        assert [p.name for p in (reports / "slow").iterdir()] and "1 job: 1 succeeded" in out

    def test_killed_run_is_cleaned_up_by_the_next(self, tmp_path):
        reports = tmp_path / "reports"
        proc = _cli("run", str(FOREVER), reports=reports)
        try:
            assert _wait_for(lambda: self._busy(reports, 1))
            proc.send_signal(signal.SIGKILL)  # no chance to clean up
            proc.communicate(timeout=30)
        finally:
            proc.kill()
        assert len(list((reports / ".tmp").iterdir())) == 1
        assert processes_of(reports)  # the child process the notebook started outlives the killed run
        from workbench.runner.files import clean_stale_temp_dirs

        removed = clean_stale_temp_dirs(reports)  # what the next run does first
        assert len(removed) == 1 and list((reports / ".tmp").iterdir()) == []
        assert not (reports / "sleeps-forever").exists()
        assert _wait_for(lambda: processes_of(reports) == [], timeout=30), processes_of(reports)


@pytest.fixture(autouse=True)
def _no_run_dir_env():
    yield
    assert "WORKBENCH_RUN_DIR" not in os.environ  # the runner restores the environment


class TestNoKernel:
    """Paths and failure handling that need no real kernel (papermill replaced by a fake)."""

    @staticmethod
    def _fake_papermill(monkeypatch):
        import papermill

        def fake(input_path, output_path, **kwargs):
            kwargs["on_notebook_start"](notebook=None)
            nb = nbformat.read(input_path, as_version=4)
            nbformat.write(nb, output_path)
            return nb

        monkeypatch.setattr(papermill, "execute_notebook", fake)

    def test_relative_path_typed_in_another_folder_is_made_absolute(self, tmp_path):
        (tmp_path / "exports").mkdir()
        (tmp_path / "exports" / "orders.csv").write_text("x")
        prep = execute.prepare_run(TYPED, text_parameters={"data_path": "exports/orders.csv", "label": "exports"},
                                   paths_from=tmp_path)
        assert prep.overrides["data_path"] == str(tmp_path / "exports" / "orders.csv")
        assert prep.overrides["label"] == str(tmp_path / "exports")  # any existing path, by design
        at_root = execute.prepare_run(TYPED, text_parameters={"data_path": "tests/fixtures/notebooks/data/"
                                                                           "tiny_orders.csv"},
                                      paths_from=config.PROJECT_ROOT)
        assert at_root.overrides["data_path"] == "tests/fixtures/notebooks/data/tiny_orders.csv"
        missing = execute.prepare_run(TYPED, text_parameters={"data_path": "nope.csv"}, paths_from=tmp_path)
        assert missing.overrides["data_path"] == "nope.csv"  # left for the loader's own error message

    def test_html_export_failure_keeps_the_run_as_failed(self, tmp_path, monkeypatch):
        from workbench.runner import html

        self._fake_papermill(monkeypatch)

        def broken(*a, **k):
            raise ValueError("template exploded")

        monkeypatch.setattr(html, "render_report", broken)
        result = run_notebook(SLOW, reports_dir=tmp_path)
        assert result.status == "failed"
        assert result.error["stage"] == "html export" and result.error["evalue"] == "template exploded"
        assert _manifest(result)["status"] == "failed"
        assert "HTML export failed: ValueError: template exploded" in Path(result.html).read_text()


class TestRunnerCost:
    """What every run pays before and around its cells (see execute._papermill)."""

    def test_papermill_loads_without_the_iri_grammar(self):
        code = ("import sys; from workbench.runner.execute import _papermill; _papermill(); import nbformat; "
                f"nbformat.validate(nbformat.read({str(TYPED)!r}, as_version=4)); "
                "print(sys.modules.get('rfc3987_syntax') is None, 'jsonschema' in sys.modules)")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert out.stdout.split() == ["True", "True"]  # notebooks are still validated, by jsonschema

    def test_the_notebook_is_written_at_start_and_end_only(self, tmp_path, monkeypatch):
        import papermill.engines

        written = []
        real = papermill.engines.write_ipynb

        def counting(nb, path):
            written.append(sum(bool(c.get("outputs")) for c in nb.cells))
            return real(nb, path)

        execute._papermill()
        monkeypatch.setattr(papermill.engines, "write_ipynb", counting)
        result = run_notebook(TYPED, reports_dir=tmp_path)
        assert result.status == "succeeded"
        assert len(written) == 2 and written[0] == 0 and written[1] >= 4  # empty at the start, complete at the end
        nb = nbformat.read(Path(result.run_dir) / "typed-params.ipynb", as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(c.metadata.papermill.status == "completed" and c.metadata.papermill.duration is not None
                   for c in code)

    def test_report_cells_stay_out_of_the_ipython_history(self, tmp_path, monkeypatch):
        nb = nbformat.v4.new_notebook(cells=[
            nbformat.v4.new_markdown_cell("# History"),
            nbformat.v4.new_code_cell("import workbench as wb\nip = get_ipython()\n"
                                      "wb.record('history', str(ip.history_manager.enabled))"),
        ], metadata={"kernelspec": {"name": "workbench", "display_name": "Python (workbench)",
                                    "language": "python"}})
        path = tmp_path / "history.ipynb"
        nbformat.write(nb, path)
        result = run_notebook(path, reports_dir=tmp_path / "reports")
        assert result.status == "succeeded", result.error
        assert _metrics(result)["history"]["value"] == "False"
