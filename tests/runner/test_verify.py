"""workbench verify: metric comparison with a stated tolerance, and re-running a recorded run."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workbench.errors import WorkbenchError
from workbench.runner.cli import main
from workbench.runner.execute import run_notebook
from workbench.runner.verify import REL_TOL, compare_metrics, verify_run

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"


def _m(**values):
    return [{"name": k, "value": v} for k, v in values.items()]


class TestCompareMetrics:
    def test_equal_within_tolerance(self):
        # 0.1 + 0.2 != 0.3 in binary floating point: a reordered sum, not a different result
        assert compare_metrics(_m(a=0.3, b=7, c="north", d=None, e=True), _m(a=0.1 + 0.2, b=7, c="north", d=None,
                                                                             e=True)) == []
        assert compare_metrics(_m(a=2500315.63), _m(a=2500315.63 * (1 + REL_TOL / 2))) == []

    def test_differences_are_named(self):
        got = compare_metrics(_m(a=100.0, b=3, c="x", gone=1, flag=True), _m(a=100.5, b=4, c="y", new=2, flag=1))
        assert got == [
            "metric a: recorded 100.0, re-run gives 100.5 (relative difference 0.005)",
            "metric b: recorded 3, re-run gives 4 (relative difference 0.333)",
            "metric c: recorded 'x', re-run gives 'y'",
            "metric gone: recorded 1, not recorded by the re-run",
            "metric flag: recorded True, re-run gives 1",
            "metric new: new in the re-run (2), not in the recorded run",
        ]

    def test_just_outside_tolerance(self):
        assert compare_metrics(_m(a=1.0), _m(a=1.0 + 3 * REL_TOL)) == [
            f"metric a: recorded 1.0, re-run gives {1.0 + 3 * REL_TOL!r} (relative difference 3e-09)"]

    def test_near_zero_uses_absolute_tolerance(self):
        assert compare_metrics(_m(a=0.0), _m(a=1e-13)) == []
        assert compare_metrics(_m(a=0.0), _m(a=1e-9)) == ["metric a: recorded 0.0, re-run gives 1e-09"]


def test_not_a_run_folder(tmp_path):
    with pytest.raises(WorkbenchError, match=r"no manifest.json here; give a run folder such as "
                                             r"reports/<notebook>/<run-id>/"):
        verify_run(tmp_path)


@pytest.fixture(scope="module")
def data_run(tmp_path_factory):
    """A run of the typed fixture on a copy of its data, so the test can change the data afterwards."""
    root = tmp_path_factory.mktemp("verify")
    data = root / "orders.csv"
    shutil.copy(FIXTURES / "data" / "tiny_orders.csv", data)
    run = run_notebook(FIXTURES / "typed-params.ipynb", parameters={"data_path": str(data), "limit": 5},
                       run_name="copy", reports_dir=root / "reports")
    assert run.status == "succeeded"
    return run, data


def test_verify_reproduces(data_run, capsys):
    run, _ = data_run
    assert main(["verify", run.run_dir]) == 0
    out = capsys.readouterr().out
    assert "numbers compared with relative tolerance 1e-09, absolute 1e-12" in out
    assert "OK: 4 metrics reproduced; inputs match their recorded sha256." in out
    assert not list((Path(run.run_dir).parents[1] / ".tmp").iterdir())  # the re-run's scratch folder is gone


def test_verify_reports_changed_input_and_metric(data_run, capsys):
    run, data = data_run
    data.write_text(data.read_text() + "2024-01-05,web,1,10.00\n")
    assert main(["verify", "--no-execute", run.run_dir]) == 1
    out = capsys.readouterr().out
    assert f"DIFFERENCE: input {data} changed (sha256 " in out and "MISMATCH: 1 difference." in out

    assert main(["verify", run.run_dir]) == 1
    out = capsys.readouterr().out
    assert f"DIFFERENCE: input {data} changed" in out
    assert "DIFFERENCE: metric revenue: recorded 460.5, re-run gives 470.5 (relative difference 0.0217)" in out
    assert "MISMATCH: 2 differences." in out
