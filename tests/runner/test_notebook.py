"""Finding report notebooks and reading their title, parameters and content hash."""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from workbench import config
from workbench.errors import ParameterError, WorkbenchError
from workbench.runner.notebook import find_notebook, list_notebooks, notebook_hash, read_notebook

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"


def _nb(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


class TestRead:
    def test_fixture(self):
        info = read_notebook(FIXTURES / "typed-params.ipynb")
        assert info.name == "typed-params"
        assert info.title == "Typed parameters fixture"
        assert info.has_parameters_cell
        assert [p.name for p in info.params] == ["label", "orders", "rate", "include_returns", "channels",
                                                  "period_end", "limit", "data_path"]
        assert info.display_path == "tests/fixtures/notebooks/typed-params.ipynb"

    def test_title_falls_back_to_name(self, tmp_path):
        p = tmp_path / "no-title.ipynb"
        nbformat.write(_nb(nbformat.v4.new_markdown_cell("Just text")), p)
        assert read_notebook(p).title == "no-title"

    def test_no_parameters_cell(self, tmp_path):
        p = tmp_path / "plain.ipynb"
        nbformat.write(_nb(nbformat.v4.new_code_cell("x = 1")), p)
        info = read_notebook(p)
        assert info.params == () and not info.has_parameters_cell

    def test_bad_parameters_cell_names_notebook(self, tmp_path):
        p = tmp_path / "broken.ipynb"
        cell = nbformat.v4.new_code_cell("x = f()  # help")
        cell.metadata["tags"] = ["parameters"]
        nbformat.write(_nb(cell), p)
        with pytest.raises(ParameterError, match=r"^broken: parameter `x` has default 'f\(\)'"):
            read_notebook(p)

    def test_not_a_notebook(self, tmp_path):
        p = tmp_path / "x.ipynb"
        p.write_text("{}")
        with pytest.raises(WorkbenchError, match=r"x.ipynb: not a Jupyter notebook"):
            read_notebook(p)


class TestHash:
    def test_ignores_outputs_and_metadata_but_not_source_or_tags(self):
        a = _nb(nbformat.v4.new_code_cell("x = 1"))
        b = json.loads(json.dumps(a))
        b["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "1"}]
        b["cells"][0]["execution_count"] = 3
        b["metadata"]["kernelspec"] = {"name": "python3"}
        assert notebook_hash(a) == notebook_hash(b)
        c = json.loads(json.dumps(a))
        c["cells"][0]["source"] = "x = 2"
        d = json.loads(json.dumps(a))
        d["cells"][0]["metadata"]["tags"] = ["remove"]
        assert len({notebook_hash(a), notebook_hash(c), notebook_hash(d)}) == 3


class TestFind:
    def test_by_path_with_and_without_extension(self):
        p = FIXTURES / "slow.ipynb"
        assert find_notebook(str(p)) == p.resolve()
        assert find_notebook(str(p)[:-6]) == p.resolve()

    def test_relative_to_base(self):
        assert find_notebook("slow.ipynb", base=FIXTURES) == (FIXTURES / "slow.ipynb").resolve()

    def test_by_name_in_notebooks_dir(self, tmp_path, monkeypatch):
        monkeypatch.setattr(config, "NOTEBOOKS_DIR", tmp_path)
        nbformat.write(_nb(), tmp_path / "sales-performance.ipynb")
        assert find_notebook("sales-performance") == tmp_path / "sales-performance.ipynb"
        assert list_notebooks() == [tmp_path / "sales-performance.ipynb"]

    def test_unknown_lists_available(self, tmp_path, monkeypatch):
        monkeypatch.setattr(config, "NOTEBOOKS_DIR", tmp_path)
        nbformat.write(_nb(), tmp_path / "a-report.ipynb")
        with pytest.raises(ParameterError, match=r"notebook 'nope' not found; give a report name from notebooks/ "
                                                 r"\(a-report\)"):
            find_notebook("nope")
