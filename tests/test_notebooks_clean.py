"""Every notebook under notebooks/ as committed: no outputs, the project kernel, no logic; report notebooks
(directly in notebooks/) also a title, a hidden setup cell and a parameters cell with help on every line."""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from workbench import config
from workbench.runner.notebook import read_notebook

ALL = sorted(p for p in config.NOTEBOOKS_DIR.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
REPORTS = sorted(p for p in config.NOTEBOOKS_DIR.glob("*.ipynb"))


def _id(p: Path) -> str:
    return p.relative_to(config.NOTEBOOKS_DIR).as_posix()


def _load(p: Path) -> dict:
    return json.loads(p.read_text(encoding="utf-8"))


def _src(cell: dict) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


def _python(source: str) -> str:
    """Cell source with IPython magics and shell escapes blanked, so ast can read it."""
    return "\n".join("" if re.match(r"^\s*[%!]", line) else line for line in source.splitlines())


@pytest.mark.parametrize("path", ALL, ids=_id)
class TestEveryNotebook:
    def test_committed_without_outputs(self, path):
        bad = [i for i, c in enumerate(_load(path)["cells"]) if c.get("cell_type") == "code"
               and (c.get("outputs") or c.get("execution_count") is not None)]
        assert not bad, f"{_id(path)}: cells {bad} have outputs or execution counts; clear them before committing"

    def test_project_kernel(self, path):
        ks = _load(path).get("metadata", {}).get("kernelspec", {})
        assert ks.get("name") == "workbench", f"{_id(path)}: kernelspec {ks.get('name')!r}, expected 'workbench'"

    def test_no_def_or_class(self, path):
        bad = []
        for i, c in enumerate(_load(path)["cells"]):
            if c.get("cell_type") != "code":
                continue
            tree = ast.parse(_python(_src(c)))
            bad += [f"cell {i}: {type(n).__name__} {n.name}" for n in ast.walk(tree)
                    if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
        assert not bad, f"{_id(path)}: logic belongs in the package: {bad}"

    def test_no_global_warning_filters_or_path_hacks(self, path):
        text = "\n".join(_src(c) for c in _load(path)["cells"] if c.get("cell_type") == "code")
        for pattern in (r"warnings\.filterwarnings", r"warnings\.simplefilter", r"sys\.path\.(append|insert)",
                        r"os\.chdir"):
            assert not re.search(pattern, text), f"{_id(path)}: uses {pattern}"


@pytest.mark.parametrize("path", REPORTS, ids=_id)
class TestReportNotebook:
    def test_title_first(self, path):
        first = _load(path)["cells"][0]
        assert first["cell_type"] == "markdown" and re.match(r"^# \S", _src(first)), \
            f"{_id(path)}: the first cell must be markdown starting with '# Report title'"

    def test_setup_cell_hidden(self, path):
        setup = _load(path)["cells"][1]
        assert "remove" in setup.get("metadata", {}).get("tags", []) and "import workbench as wb" in _src(setup), \
            f"{_id(path)}: cell 2 must be `import workbench as wb` + `wb.report_setup()`, tagged remove"

    def test_parameters_cell_with_help_on_every_parameter(self, path):
        info = read_notebook(path)  # also checks every default is a JSON literal of a supported type
        assert info.has_parameters_cell, f"{_id(path)}: no cell tagged `parameters`"
        cells = _load(path)["cells"]
        assert "parameters" in cells[2].get("metadata", {}).get("tags", []), \
            f"{_id(path)}: the parameters cell must be the third cell"
        assert info.params, f"{_id(path)}: the parameters cell defines no parameter"
        missing = [p.name for p in info.params if not p.help]
        assert not missing, f"{_id(path)}: parameters without a `# help` comment: {missing}"

    def test_words_and_formats_come_from_the_package(self, path):
        """One call per displayed thing: no inline headline records, no formatting arguments, no prose typed in
        f-strings; the report's module (workbench/reports/) owns its sentences, tables and headlines."""
        bad = _presentation_in_cells(_load(path)["cells"])
        assert not bad, f"{_id(path)}:\n" + "\n".join(bad)


def _presentation_in_cells(cells: list[dict]) -> list[str]:
    bad = []
    for i, c in enumerate(cells):
        if c.get("cell_type") != "code" or "parameters" in c.get("metadata", {}).get("tags", []):
            continue
        for node in ast.walk(ast.parse(_python(_src(c)))):
            if isinstance(node, ast.JoinedStr):
                bad.append(f"cell {i}: an f-string (words belong in workbench/reports/)")
            elif isinstance(node, ast.Attribute) and node.attr in ("record", "fmt", "style", "format_index"):
                bad.append(f"cell {i}: .{node.attr} (headlines, formats and styling belong in the report module)")
            elif isinstance(node, ast.Call) and _called(node).endswith("table"):
                bad += [f"cell {i}: {_called(node)}({k.arg}=...) (a table's column kinds live in its TableSpec)"
                        for k in node.keywords if k.arg in FORMAT_ARGUMENTS]
    return bad


def test_the_presentation_rule_names_each_kind_of_plumbing():
    cells = [{"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": 'title = f"{1}"'},
             {"cell_type": "code", "metadata": {}, "source": 'wb.table(df, money=["revenue"])\nwb.record("x", 1)\n'
                                                             'wb.md(f"{n} orders")\nwb.competitors.what_if(m, pct={})\n'
                                                             'kpis.style.format_index(str)'}]
    assert sorted(_presentation_in_cells(cells)) == sorted([
        "cell 1: table(money=...) (a table's column kinds live in its TableSpec)",
        "cell 1: .record (headlines, formats and styling belong in the report module)",
        "cell 1: an f-string (words belong in workbench/reports/)",
        "cell 1: .style (headlines, formats and styling belong in the report module)",
        "cell 1: .format_index (headlines, formats and styling belong in the report module)"])


def _called(call: ast.Call) -> str:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


# table()'s ad-hoc kinds for JupyterLab; report notebooks use the report's TableSpec instead
FORMAT_ARGUMENTS = {"money", "pct", "count", "decimals", "money_decimals", "formatter"}
