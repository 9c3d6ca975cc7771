"""The salary-benchmarking report notebook end to end: every figure it shows comes from the data, sections it cannot
fill say why, and its parameters and catalog runs stay valid. (What every notebook shares is checked in
tests/test_notebooks_clean.py.)"""
from __future__ import annotations

import ast
import json
import re

import nbformat
import pytest

from tests.fixtures.salaries.shipped import oews_cell, shipped_oews
from workbench.analyses.salaries.roles import ROLE_CROSSWALK
from workbench.config import NOTEBOOKS_DIR, PROJECT_ROOT

NOTEBOOK = NOTEBOOKS_DIR / "salary-benchmarking.ipynb"
PAYROLL = "tests/fixtures/salaries/payroll_generated.csv"


@pytest.fixture(scope="module")
def nb():
    return nbformat.read(NOTEBOOK, as_version=4)


@pytest.fixture(scope="module")
def oews():
    return shipped_oews()


@pytest.fixture(scope="module")
def cell(oews):
    return lambda occ, area="0000000", industry="000000": oews_cell(oews, occ, area, industry)


def test_parameters(nb):
    lines = [ln for ln in nb.cells[2].source.splitlines() if ln.strip()]
    names = [re.match(r"(\w+)", ln).group(1) for ln in lines]
    assert names == ["role", "areas", "offer", "levels", "own_data", "rank_min_jobs", "oews_source"]


def test_cells_are_calls_without_formatting_or_logic(nb):
    """One call per displayed thing: no f-strings, formatting arguments, inline records, subscripts, comparisons,
    conditionals or loops; words come from wb.reports.salaries, charts from wb.plots."""
    for cell in nb.cells[3:]:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        for node in ast.walk(tree):
            assert not isinstance(node, (ast.JoinedStr, ast.Subscript, ast.Compare, ast.IfExp, ast.If, ast.For,
                                         ast.While, ast.Lambda, ast.BinOp, ast.BoolOp)), (cell.source, ast.dump(node))
            if isinstance(node, ast.keyword):
                assert node.arg not in ("money", "pct", "count", "decimals", "caption", "title", "label"), cell.source
            if isinstance(node, ast.Attribute):
                assert node.attr not in ("record", "format_index", "md", "table"), cell.source
        if "remove" not in cell.metadata.get("tags", []):
            assert len(tree.body) == 1, cell.source


def _amounts(text: str) -> set[int]:
    """Whole-dollar amounts written like $166,790 (escaped or not) in a text."""
    return {int(m.replace(",", "")) for m in re.findall(r"\\?\$(\d{1,3}(?:,\d{3})+)(?![\d.])", text)}


@pytest.mark.slow
def test_every_dollar_figure_shown_comes_from_the_data(tmp_path, monkeypatch, oews, cell):
    """Run the report for Seattle with the generated payroll: recorded metrics equal the shipped OEWS values, and
    every whole-dollar figure in the OEWS sections is a published value of the role's occupations (or a given
    amount: the offer, the article figures, the top-code threshold)."""
    import papermill as pm

    monkeypatch.setenv("WORKBENCH_RUN_DIR", str(tmp_path))
    out = tmp_path / "out.ipynb"
    params = {"areas": ["Seattle-Tacoma-Bellevue, WA"], "offer": 150000, "own_data": PAYROLL}
    pm.execute_notebook(str(NOTEBOOK), str(out), parameters=params, kernel_name="workbench", cwd=str(PROJECT_ROOT),
                        progress_bar=False)
    records = [json.loads(line) for line in (tmp_path / "metrics.jsonl").read_text().splitlines()]
    metrics = {m["name"]: m["value"] for m in records}
    ref = cell("11-2021", "0042660")
    assert metrics["median_wage"] == ref.annual_p50 == 175_850
    assert metrics["employment"] == ref.employment
    assert [metrics[f"band_{lvl}_{e}"] for lvl in ("entry", "mid", "senior", "lead") for e in ("low", "high")] == [
        ref.annual_p10, ref.annual_p25, ref.annual_p25, ref.annual_p50, ref.annual_p50, ref.annual_p75,
        ref.annual_p75, ref.annual_p90]
    expected_pct = 25 + 25 * (150_000 - ref.annual_p25) / (ref.annual_p50 - ref.annual_p25)
    assert metrics["offer_percentile"] == pytest.approx(expected_pct)
    assert metrics["offer_verdict"] == "competitive"
    assert [m["name"] for m in records] == [
        "median_wage", "employment", "band_entry_low", "band_entry_high", "band_mid_low", "band_mid_high",
        "band_senior_low", "band_senior_high", "band_lead_low", "band_lead_high", "offer", "offer_percentile",
        "offer_verdict"]  # as recorded before the report moved to workbench/reports/salaries.py

    codes = ["11-2021", "11-2022", "11-1021", "13-1199"]
    rows = oews[oews.occupation_code.isin(codes)]
    published = set()
    for col in ("annual_mean", "annual_p10", "annual_p25", "annual_p50", "annual_p75", "annual_p90"):
        published |= {int(v) for v in rows[col].dropna()}
    given = {150_000, 90_000, 60_000, 100_000, 239_200}
    crosswalk = oews[(oews.area_code == "0000000") & (oews.industry_code == "000000")
                     & oews.occupation_code.isin([e["soc"] for e in ROLE_CROSSWALK])]
    given |= {int(v) for v in crosswalk.annual_p50}  # the crosswalk table shows each primary's national median
    done = nbformat.read(out, as_version=4)
    seen, section = set(), ""
    for c in done.cells:
        if c.cell_type == "markdown" and c.source.startswith("## "):
            section = c.source.splitlines()[0]
        if c.cell_type != "code" or section == "## Your own pay data":
            continue
        for o in c.outputs:
            for kind in ("text/markdown", "text/html", "text/plain"):
                if kind in o.get("data", {}):
                    seen |= _amounts(o["data"][kind])
    assert {175_850, 166_790, 129_990, 230_740, 172_390} <= seen
    assert seen - published - given == set()
    html = " ".join(o["data"].get("text/html", "") for c in done.cells if c.cell_type == "code" for o in c.outputs
                    if "data" in o)
    assert "GENERATED example payroll" in " ".join(
        o["data"].get("text/markdown", "") for c in done.cells if c.cell_type == "code" for o in c.outputs
        if "data" in o)
    assert "Seattle-Tacoma-Bellevue, WA" in html


@pytest.mark.slow
def test_without_offer_or_own_data_the_report_says_why(tmp_path, monkeypatch):
    """No offer and no payroll: those sections say why they are empty, nothing about the offer is recorded."""
    import papermill as pm

    monkeypatch.setenv("WORKBENCH_RUN_DIR", str(tmp_path))
    out = tmp_path / "out.ipynb"
    pm.execute_notebook(str(NOTEBOOK), str(out), parameters={"offer": None, "role": "web developer"},
                        kernel_name="workbench", cwd=str(PROJECT_ROOT), progress_bar=False)
    names = [json.loads(line)["name"] for line in (tmp_path / "metrics.jsonl").read_text().splitlines()]
    assert names[:2] == ["median_wage", "employment"] and not [n for n in names if n.startswith("offer")]
    done = nbformat.read(out, as_version=4)
    text = " ".join(o["data"].get("text/markdown", "") for c in done.cells if c.cell_type == "code"
                    for o in c.outputs if "data" in o)
    assert "*Offer check: not computed for this data.* offer: offer must be an amount, got None (no offer given)" \
        in text
    assert text.count("*Your own pay data: not computed for this data.* load_pay_survey(path=None): no own pay data "
                      "given") == 1  # said once, in the section's note; its tables show nothing
    assert "while this report benchmarks Web developer (15-1254 Web Developers)" in text


@pytest.mark.slow
def test_area_with_suppressed_wages_fails_with_a_clear_message(tmp_path):
    import papermill as pm

    with pytest.raises(pm.PapermillExecutionError, match=r"DataError.*BLS did not release wage estimates for "
                                                         r"Marketing Managers \(11-2021\) in Hattiesburg, MS"):
        pm.execute_notebook(str(NOTEBOOK), str(tmp_path / "out.ipynb"), parameters={"areas": ["Hattiesburg, MS"]},
                            kernel_name="workbench", cwd=str(PROJECT_ROOT), progress_bar=False)


def test_catalog_runs_resolve(oews):
    """Every catalog run of the report names areas that resolve to one area each and files that exist."""
    import yaml

    from workbench.analyses.salaries.market import resolve_areas
    from workbench.config import CATALOG_PATH, resolve_path

    jobs = yaml.safe_load(CATALOG_PATH.read_text())["jobs"]
    runs = [r for j in jobs if j["notebook"] == "salary-benchmarking" for r in j["runs"]]
    assert {r["name"] for r in runs} >= {"ecommerce-manager-national", "ecommerce-manager-new-york",
                                         "ecommerce-manager-los-angeles", "ecommerce-manager-chicago",
                                         "ecommerce-manager-seattle", "ecommerce-manager-san-francisco"}
    for run in runs:
        params = run.get("parameters", {})
        areas = params.get("areas", [])
        got = resolve_areas(oews, areas=areas)
        assert len(got) == 1 + len(areas) and set(got.area_type[1:]) <= {"metro"}
        if params.get("own_data"):
            assert resolve_path(params["own_data"]).is_file()
