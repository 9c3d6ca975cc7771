"""The competitor-analysis report end to end: runs on its defaults (shipped yogurt + generated prices) and on a
panel without promotion flags (tuna), records the baseline's headline numbers, shows no error or warning.
(The conventions every notebook shares are checked in tests/test_notebooks_clean.py.)"""
from __future__ import annotations

import json

import nbformat
import pytest

from workbench import config, provenance

NOTEBOOK = config.NOTEBOOKS_DIR / "competitor-analysis.ipynb"

pytestmark = pytest.mark.slow


def _run(tmp_path, monkeypatch, **parameters):
    import papermill as pm

    monkeypatch.setenv(provenance.RUN_DIR_ENV, str(tmp_path))
    pm.execute_notebook(str(NOTEBOOK), str(tmp_path / "out.ipynb"), parameters=parameters,
                        kernel_name=config.KERNEL_NAME, cwd=str(config.PROJECT_ROOT), progress_bar=False)
    metrics = {}
    for line in (tmp_path / provenance.METRICS_FILE).read_text().splitlines():
        m = json.loads(line)
        metrics[m["name"]] = m
    out = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    errors = [o for c in out.cells for o in c.get("outputs", []) if o.output_type == "error"]
    streams = [o.text for c in out.cells for o in c.get("outputs", []) if o.output_type == "stream"
               and o.name == "stderr"]
    assert not errors and not streams  # no tracebacks and no warnings in the report
    text = "\n".join(str(o.get("data", {}).get("text/markdown", "")) + str(o.get("data", {}).get("text/html", ""))
                     for c in out.cells for o in c.get("outputs", []))
    return metrics, text


def test_report_runs_and_records_headlines(tmp_path, monkeypatch):
    metrics, text = _run(tmp_path, monkeypatch)
    assert metrics["price_coefficient"]["value"] == pytest.approx(-0.3666, abs=1e-3)
    assert metrics["most_price_sensitive_brand"]["value"] == "Yoplait"
    assert metrics["own_price_elasticity_yoplait"]["value"] == pytest.approx(-2.319, abs=1e-2)
    assert metrics["what_if_share_change_pp"]["value"] == pytest.approx(8.38, abs=0.1)
    assert metrics["what_if_share_change_pp"]["unit"] == "pp"
    assert metrics["overall_price_index"]["value"] == pytest.approx(100.946, abs=1e-3)
    assert "GENERATED" in metrics["overall_price_index"]["label"]
    assert "**Answer.** In the yogurt panel, **Yoplait**" in text
    assert "Sellers side by side (GENERATED sample)" in text
    inputs = [json.loads(x)["path"] for x in (tmp_path / provenance.INPUTS_FILE).read_text().splitlines()]
    assert any(p.endswith("yogurt.csv") for p in inputs) and any(p.endswith("oj.csv") for p in inputs)


def test_a_panel_without_promotions_says_why_that_section_is_missing(tmp_path, monkeypatch):
    metrics, text = _run(tmp_path, monkeypatch, panel_source="tuna", price_change=0.05)
    assert "Under promotion: not computed for this data.* tuna: the panel records no promotions" in text
    assert "raises its price by 5%" in metrics["what_if_share_change_pp"]["label"]
    assert metrics["what_if_share_change_pp"]["value"] < 0
