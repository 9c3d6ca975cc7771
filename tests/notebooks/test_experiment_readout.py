"""The experiment-readout notebook end to end: defaults (generated sample), a user's GA4 export at another alpha and
number of resamples, and an assignment export with its own column names.

The conventions every notebook shares (no outputs, kernel, tags, no logic) are checked in
tests/test_notebooks_clean.py."""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from workbench.config import KERNEL_NAME, NOTEBOOKS_DIR

NOTEBOOK = NOTEBOOKS_DIR / "experiment-readout.ipynb"


def _run(tmp_path: Path, monkeypatch, parameters: dict) -> tuple[dict, nbformat.NotebookNode]:
    papermill = pytest.importorskip("papermill")
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    monkeypatch.setenv("WORKBENCH_RUN_DIR", str(run_dir))   # the kernel inherits it and writes metrics.jsonl there
    papermill.execute_notebook(str(NOTEBOOK), str(run_dir / "out.ipynb"), parameters=parameters,
                               kernel_name=KERNEL_NAME, progress_bar=False, cwd=str(NOTEBOOK.parents[1]))
    metrics = {}
    for line in (run_dir / "metrics.jsonl").read_text().splitlines():
        m = json.loads(line)
        metrics[m["name"]] = m["value"]
    return metrics, nbformat.read(run_dir / "out.ipynb", as_version=4)


def _text(nb) -> str:
    out = []
    for c in nb.cells:
        for o in c.get("outputs", []):
            out.append(json.dumps(o.get("data", {})) + o.get("text", ""))
    return "\n".join(out)


@pytest.mark.slow
def test_defaults_run_on_the_labelled_generated_sample(tmp_path, monkeypatch):
    metrics, nb = _run(tmp_path, monkeypatch, {})
    assert metrics["data_generated"] is True
    assert metrics["decision"] in ("ship", "don't ship", "inconclusive", "investigate")
    assert metrics["users"] == 199_800 and metrics["double_assigned_users"] == 200
    assert metrics["primary_lift_ci_low"] < 0.08 < metrics["primary_lift_ci_high"]   # covers the true +8%
    text = _text(nb)
    assert "Data: GENERATED" in text
    assert "Traceback" not in text


@pytest.mark.slow
def test_runs_on_a_flattened_ga4_export(tmp_path, monkeypatch):
    from workbench.data.synthetic.experiments import experiment_events_to_ga4, experiment_sample

    s = experiment_sample(6_000, seed=21)
    path = tmp_path / "ga4_export.csv"
    experiment_events_to_ga4(s.events).to_csv(path, index=False)
    metrics, nb = _run(tmp_path, monkeypatch, {"events_source": str(path), "covariate": "pre_revenue",
                                               "cap_percentile": None, "alpha": 0.1, "n_resamples": 500})
    assert metrics["data_generated"] is False
    assert metrics["users"] == 6_000 - 6                  # 6 double-assigned users excluded
    text = _text(nb)
    assert "No column 'pre_revenue' in the data: CUPED variance reduction was not applied." in text
    assert "flattened GA4 export" in text
    assert "90% CI" in text and "95% CI" not in text      # the words follow alpha and the resamples (issue 11)
    assert "(500 resamples, seed 0)" in text and "2,000 resamples" not in text
    assert "GENERATED" not in text


@pytest.mark.slow
def test_runs_on_an_assignment_export_with_own_column_names(tmp_path, monkeypatch):
    from workbench.data.synthetic.experiments import experiment_sample

    a = experiment_sample(8_000, seed=22, with_events=False).assignments
    path = tmp_path / "my_test.csv"
    a.drop(columns="first_exposure").rename(columns={"user_id": "visitor", "variant": "arm"}).to_csv(path, index=False)
    metrics, nb = _run(tmp_path, monkeypatch, {"assignment_source": str(path), "variant_column": "arm",
                                               "columns": ["user_id=visitor"]})
    assert metrics["data_generated"] is False
    assert metrics["users"] == 8_000 - 8 and metrics["double_assigned_users"] == 8
    assert metrics["funnel_conversion"] is None and metrics["days_to_detect_5pct"] is None
    text = _text(nb)
    assert "No event log was given" in text
    assert "durations need the `daily_traffic` parameter" in text
    assert "Traceback" not in text


@pytest.mark.slow
def test_runs_on_a_tiny_test_and_says_what_it_left_out(tmp_path, monkeypatch):
    # six users, no buyer in control, no exposure times, no event log: every section that can run does, planning
    # says why it cannot
    path = tmp_path / "tiny.csv"
    path.write_text("user_id,variant,converted,revenue,orders\na,control,0,0,0\nb,control,0,0,0\nc,control,0,0,0\n"
                    "d,treatment,1,35.0,1\ne,treatment,0,0,0\nf,treatment,0,0,0\n")
    metrics, nb = _run(tmp_path, monkeypatch, {"assignment_source": str(path)})
    assert metrics["users"] == 6 and metrics["decision"] == "inconclusive"
    assert metrics["primary_lift"] is None and metrics["days_to_detect_5pct"] is None
    text = _text(nb)
    assert "Planning the next test: not computed for this data." in text
    assert "the control group has no buyer (3 users, conversion rate 0%)" in text
    assert "Traceback" not in text
