"""The workbench command: list, parameter errors, run --all on a fixture catalog (parallel, a failure,
an invalid job, then an unchanged job skipped), index."""
from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.runner.html_checks import check_report, parse
from workbench import config
from workbench.runner.cli import _split_param_pairs, main
from workbench.runner.index import scan_runs
from workbench.runner.manifest import code_fingerprint

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"


class TestList:
    def test_table(self, capsys):
        assert main(["list", "--notebooks-dir", str(FIXTURES)]) == 0
        out = capsys.readouterr().out
        assert "typed-params  Typed parameters fixture" in out
        lines = [ln.split() for ln in out.splitlines()]
        assert ["period_end", "str", "|", "None", "None", "last", "day", "analysed;", "None", "=", "all", "days"] \
            in lines
        assert ["divisor", "int", "0", "divide", "ten", "by", "this;", "0", "fails", "on", "purpose"] in lines

    def test_json(self, capsys):
        assert main(["list", "--json", "--notebooks-dir", str(FIXTURES)]) == 0
        data = {nb["name"]: nb for nb in json.loads(capsys.readouterr().out)}
        assert sorted(data) == ["fails-in-cell", "sleeps-forever", "slow", "typed-params"]
        assert data["typed-params"]["parameters"][4] == {"name": "channels", "type": "list[str]",
                                                         "default": ["web", "app"],
                                                         "default_source": '["web", "app"]',
                                                         "help": "sales channels to include"}

    def test_list_starts_without_papermill(self):
        code = ("import sys; from workbench.runner.cli import main; main(['list']); "
                "print('LOADED=' + ','.join(m for m in ('papermill', 'nbconvert', 'pandas') if m in sys.modules))")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        assert out.stdout.splitlines()[-1] == "LOADED="


class TestRunErrors:
    def test_unknown_parameter(self, capsys, tmp_path):
        code = main(["run", str(FIXTURES / "typed-params.ipynb"), "-p", "region", "x", "--reports-dir", str(tmp_path)])
        assert code == 2
        err = capsys.readouterr().err
        assert err.startswith("error: typed-params: unknown parameter `region` (from -p region). Valid parameters: "
                              "label, orders, rate, include_returns, channels, period_end, limit, data_path.")
        assert not any(tmp_path.iterdir())

    def test_name_equals_value_is_read_as_name_and_value(self, capsys, tmp_path):
        code = main(["run", str(FIXTURES / "typed-params.ipynb"), "-p", "region=x", "--reports-dir", str(tmp_path)])
        assert code == 2 and "unknown parameter `region` (from -p region)" in capsys.readouterr().err
        # only the token after -p is split, and only at a parameter name: a value may hold "="
        assert _split_param_pairs(["run", "x", "-p", "columns", "user_id=visitor_id", "--param", "limit=3"]) == \
            ["run", "x", "-p", "columns", "user_id=visitor_id", "--param", "limit", "3"]
        assert _split_param_pairs(["run", "-p", "a b=c"]) == ["run", "-p", "a b=c"]

    def test_bad_value_from_file(self, capsys, tmp_path):
        f = tmp_path / "p.yaml"
        f.write_text("limit: 1998-03-31\n")
        assert main(["run", str(FIXTURES / "typed-params.ipynb"), "-f", str(f), "--reports-dir", str(tmp_path)]) == 2
        assert (f"parameter `limit` expects int | None (declared), got a date (1998-03-31) (from {f})"
                in capsys.readouterr().err)

    def test_unknown_notebook(self, capsys):
        assert main(["run", "no-such-report"]) == 2
        assert "notebook 'no-such-report' not found" in capsys.readouterr().err

    def test_all_takes_no_notebook(self, capsys):
        assert main(["run", "--all", "x"]) == 2
        assert "--all takes no NOTEBOOK" in capsys.readouterr().err

    def test_bad_time_limit_and_notify_without_all(self, capsys):
        with pytest.raises(SystemExit) as exc:
            main(["run", "typed-params", "--timeout", "soon"])
        assert exc.value.code == 2
        assert "argument --timeout: 'soon' is no time limit: give seconds (900) or 15m / 2h; 0 for none" \
            in capsys.readouterr().err
        assert main(["run", "typed-params", "--notify"]) == 2
        assert "--notify goes with --all" in capsys.readouterr().err

    def test_dry_run_names_missing_requirements_and_time_limits(self, capsys, tmp_path):
        cat = tmp_path / "c.yaml"
        cat.write_text(f"jobs:\n  - notebook: {FIXTURES / 'slow.ipynb'}\n    runs:\n      - name: a\n"
                       "        timeout: 15m\n      - name: b\n        requires: [no-such-command-xyz]\n")
        assert main(["run", "--all", "--dry-run", "--catalog", str(cat), "--reports-dir", str(tmp_path)]) == 0
        assert capsys.readouterr().out.splitlines() == [
            "would run slow/a: no earlier successful run; time limit 15 min 00 s",
            "would skip slow/b: needs no-such-command-xyz (not found on PATH or as a Python module)"]
        assert main(["run", "--all", "--dry-run", "--timeout", "0", "--catalog", str(cat), "--reports-dir",
                     str(tmp_path)]) == 0
        assert capsys.readouterr().out.splitlines()[0] == "would run slow/a: no earlier successful run; no time limit"

    def test_broken_catalog(self, capsys, tmp_path):
        cat = tmp_path / "c.yaml"
        cat.write_text("jobs: [{notebook: a}]\n")
        assert main(["run", "--all", "--catalog", str(cat), "--reports-dir", str(tmp_path)]) == 2
        assert "`runs` must be a non-empty list" in capsys.readouterr().err


class _Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.received.append(body)
        self.send_response(self.server.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def webhook():
    """A local HTTP server that records each JSON POST; ``status`` is the answer it gives."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    server.received, server.status = [], 500
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def catalog_run(tmp_path_factory, webhook):
    root = tmp_path_factory.mktemp("catalog")
    catalog = root / "catalog.yaml"
    catalog.write_text(f"""
jobs:
  - notebook: {FIXTURES / 'typed-params.ipynb'}
    runs:
      - name: default
  - notebook: fails-in-cell.ipynb
    runs:
      - name: default
  - notebook: {FIXTURES / 'slow.ipynb'}
    runs:
      - name: typo
        parameters: {{secs: 1}}
      - name: needs
        requires: [no-such-command-xyz]
""")
    # fails-in-cell is given relative to the catalog's folder
    (root / "fails-in-cell.ipynb").write_bytes((FIXTURES / "fails-in-cell.ipynb").read_bytes())
    reports = root / "reports"
    # --notify to a webhook that answers 500: reported, and the runs are kept all the same
    env = {**os.environ, "WORKBENCH_WEBHOOK_URL": f"http://127.0.0.1:{webhook.server_address[1]}/hook"}
    out = subprocess.run([sys.executable, "-m", "workbench.runner.cli", "run", "--all", "--jobs", "2", "--catalog",
                          str(catalog), "--reports-dir", str(reports), "--notify"], cwd=config.PROJECT_ROOT,
                         capture_output=True, text=True, timeout=900, env=env)
    return root, catalog, reports, out


class TestRunAll:
    def test_exit_code_and_summary(self, catalog_run):
        _, _, _, out = catalog_run
        assert out.returncode == 1, out.stdout + out.stderr
        lines = out.stdout.splitlines()
        assert any(ln.endswith("started   typed-params/default  (no earlier successful run)") for ln in lines)
        assert any("succeeded typed-params/default" in ln for ln in lines)
        assert "4 jobs: 1 succeeded, 1 skipped (1 missing a requirement), 2 failed, in" in out.stdout
        assert "skipped   slow/needs  needs no-such-command-xyz (not found on PATH or as a Python module)" in out.stdout
        assert "  SKIPPED slow/needs: needs no-such-command-xyz (not found on PATH or as a Python module)" in lines
        assert "  FAILED fails-in-cell/default: In [4]: ZeroDivisionError: division by zero" in lines
        assert any(ln.startswith("  FAILED slow/typo: catalog: ParameterError: slow: unknown parameter `secs`")
                   and "Did you mean `seconds`?" in ln for ln in lines)
        assert any(ln.strip().startswith("report: ") and ln.strip().endswith("fails-in-cell.html") for ln in lines)

    def test_a_failed_delivery_is_reported_and_changes_nothing(self, catalog_run, webhook):
        _, _, reports, out = catalog_run
        assert out.returncode == 1  # for the two failed jobs, not for the delivery
        assert any(ln.startswith("Digest: ") for ln in out.stdout.splitlines())
        assert "notify: webhook FAILED: to http://127.0.0.1:" in out.stderr and "HTTP 500" in out.stderr
        assert (reports / "digest.html").is_file() and (reports / "digest.txt").is_file()
        assert len(scan_runs(reports)) >= 2 and webhook.received  # it did try
        assert webhook.received[0]["text"].startswith("Report digest ")

    def test_digest_command_sends_alerts_and_failures(self, catalog_run, webhook):
        _, catalog, reports, _ = catalog_run
        webhook.status = 200
        env = {**os.environ, "WORKBENCH_WEBHOOK_URL": f"http://127.0.0.1:{webhook.server_address[1]}/hook",
               "WORKBENCH_REPORTS_URL": "https://shop.example/reports"}
        out = subprocess.run([sys.executable, "-m", "workbench.runner.cli", "digest", "--catalog", str(catalog),
                              "--reports-dir", str(reports), "--send"], cwd=config.PROJECT_ROOT,
                             capture_output=True, text=True, timeout=300, env=env)
        assert out.returncode == 0, out.stdout + out.stderr
        assert "notify: webhook sent: to http://127.0.0.1:" in out.stdout
        text = webhook.received[-1]["text"]
        assert text.startswith("Report digest ") and "4 jobs: 1 latest run succeeded, 2 failed, 1 never ran" in text
        assert "- fails-in-cell/default: In [4]: ZeroDivisionError: division by zero " \
               "https://shop.example/reports/fails-in-cell/" in text
        assert "- slow/needs: needs no-such-command-xyz" in text
        assert "- slow/typo: catalog (not started): ParameterError: slow: unknown parameter `secs`" in text
        digest = (reports / "digest.txt").read_text()
        assert digest.index("ALERTS") < digest.index("FAILURES") < digest.index("HEADLINE CHANGES")

    def test_skipped_job_in_the_index_and_the_ledger(self, catalog_run):
        _, _, reports, _ = catalog_run
        text = parse((reports / "index.html").read_text()).plain_text
        assert "needs no-such-command-xyz (not found on PATH or as a Python module)" in text
        jobs = json.loads((reports / "jobs.json").read_text())["jobs"]
        assert jobs["slow/needs"]["skip"] == "requirements" and jobs["typed-params/default"]["status"] == "succeeded"

    def test_plain_progress_lines_when_not_a_terminal(self, catalog_run):
        _, _, _, out = catalog_run
        assert "\r" not in out.stdout and "\033[" not in out.stdout

    def test_folders_and_index(self, catalog_run):
        _, _, reports, _ = catalog_run
        runs = scan_runs(reports)
        assert sorted((m["job"], m["status"]) for m in runs) == [("fails-in-cell/default", "failed"),
                                                                ("typed-params/default", "succeeded")]
        for m in runs:
            html = m["_dir"] / m["files"]["html"]
            assert check_report(html, expect_failed=m["status"] == "failed") == []
        index = (reports / "index.html").read_text()
        hrefs = [a["href"] for t, a in parse(index).tags if t == "a"]
        for m in runs:
            assert (m["_dir"] / m["files"]["html"]).relative_to(reports).as_posix() in hrefs
        assert not list((reports / ".tmp").iterdir())

    def test_unchanged_job_skipped_then_forced_dry_run(self, catalog_run):
        root, _, reports, _ = catalog_run
        only_typed = root / "typed.yaml"
        only_typed.write_text(f"jobs:\n  - notebook: {FIXTURES / 'typed-params.ipynb'}\n    runs: [{{name: default}}]\n")
        out = subprocess.run([sys.executable, "-m", "workbench.runner.cli", "run", "--all", "--catalog",
                              str(only_typed), "--reports-dir", str(reports)], cwd=config.PROJECT_ROOT,
                             capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stdout + out.stderr
        first = next(m for m in scan_runs(reports) if m["job"] == "typed-params/default")
        if first["environment"]["code_sha256"] != code_fingerprint.__wrapped__():
            pytest.skip("the workbench package was edited while this test ran (a rerun is then correct)")
        assert "skipped   typed-params/default  unchanged since run" in out.stdout
        assert "1 job: 0 succeeded, 1 skipped (unchanged), 0 failed" in out.stdout
        assert len(scan_runs(reports)) == 2  # nothing new was run
        forced = subprocess.run([sys.executable, "-m", "workbench.runner.cli", "run", "--all", "--force", "--dry-run",
                                 "--catalog", str(only_typed), "--reports-dir", str(reports)],
                                cwd=config.PROJECT_ROOT, capture_output=True, text=True, timeout=300)
        assert forced.stdout.strip() == "would run typed-params/default (forced; time limit 1 h 00 min)"


def test_index_command(tmp_path, capsys):
    assert main(["index", "--reports-dir", str(tmp_path)]) == 0
    assert (tmp_path / "index.html").is_file()
    assert "Index:" in capsys.readouterr().out
