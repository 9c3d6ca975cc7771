"""The competitor-analysis report: runs on its defaults (shipped yogurt + generated prices) and records its headline
numbers; the notebook is committed without outputs and follows the report conventions."""
from __future__ import annotations

import json
import re

import nbformat
import pytest

from workbench import config, provenance

NOTEBOOK = config.NOTEBOOKS_DIR / "competitor-analysis.ipynb"


def test_committed_without_outputs_and_with_conventions():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "workbench"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    assert "remove" in nb.cells[1].metadata.get("tags", []) and "wb.report_setup()" in nb.cells[1].source
    assert "parameters" in nb.cells[2].metadata.get("tags", [])
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None
            assert not re.search(r"^\s*(def|class|for|while)\b", cell.source, re.M), cell.source[:80]


@pytest.mark.slow
def test_report_runs_and_records_headlines(tmp_path, monkeypatch):
    import papermill as pm

    monkeypatch.setenv(provenance.RUN_DIR_ENV, str(tmp_path))
    pm.execute_notebook(str(NOTEBOOK), str(tmp_path / "out.ipynb"), kernel_name=config.KERNEL_NAME,
                        cwd=str(config.PROJECT_ROOT), progress_bar=False)
    metrics = {}
    for line in (tmp_path / provenance.METRICS_FILE).read_text().splitlines():
        m = json.loads(line)
        metrics[m["name"]] = m
    assert metrics["price_coefficient"]["value"] == pytest.approx(-0.3666, abs=1e-3)
    assert metrics["most_price_sensitive_brand"]["value"] == "Yoplait"
    assert metrics["own_price_elasticity_yoplait"]["value"] == pytest.approx(-2.319, abs=1e-2)
    assert metrics["what_if_share_change_pp"]["value"] == pytest.approx(8.38, abs=0.1)
    assert metrics["what_if_share_change_pp"]["unit"] == "pp"
    assert "GENERATED" in metrics["overall_price_index"]["label"]
    inputs = [json.loads(x)["path"] for x in (tmp_path / provenance.INPUTS_FILE).read_text().splitlines()]
    assert any(p.endswith("yogurt.csv") for p in inputs) and any(p.endswith("oj.csv") for p in inputs)
    out = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    errors = [o for c in out.cells for o in c.get("outputs", []) if o.output_type == "error"]
    streams = [o.text for c in out.cells for o in c.get("outputs", []) if o.output_type == "stream"
               and o.name == "stderr"]
    assert not errors and not streams  # no tracebacks and no warnings in the report
