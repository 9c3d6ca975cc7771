"""catalog.yaml: format checks, and the real catalog against the real notebooks."""
from __future__ import annotations

import pytest

from workbench import config
from workbench.runner.catalog import CatalogError, load_catalog
from workbench.runner.execute import prepare_run
from workbench.runner.notebook import list_notebooks


def _write(tmp_path, text):
    p = tmp_path / "catalog.yaml"
    p.write_text(text)
    return p


class TestFormat:
    def test_jobs_in_file_order(self, tmp_path):
        p = _write(tmp_path, """
jobs:
  - notebook: sales-performance
    runs:
      - name: default
      - name: q4-1997
        parameters: {period_end: 1997-12-31}
  - notebook: other/path.ipynb
    description: a notebook given by path
    runs: [{name: x_1}]
""")
        jobs = load_catalog(p)
        assert [j.label for j in jobs] == ["sales-performance/default", "sales-performance/q4-1997", "path/x_1"]
        assert jobs[1].parameters["period_end"].isoformat() == "1997-12-31"
        assert jobs[0].parameters == {}
        assert jobs[2].description == "a notebook given by path"
        assert jobs[1].where.endswith("catalog.yaml jobs[0].runs[1]")
        assert jobs[0].base == str(tmp_path.resolve())

    def test_empty(self, tmp_path):
        assert load_catalog(_write(tmp_path, "jobs: []\n")) == []
        assert load_catalog(_write(tmp_path, "")) == []

    @pytest.mark.parametrize("text, match", [
        ("job: []", r"expected one top-level key `jobs` \(a list\), found \['job'\]"),
        ("jobs: {a: 1}", r"`jobs` must be a list .* found a dict"),
        ("jobs: [notebook]", r"jobs\[0\]: expected a mapping with `notebook` and `runs`"),
        ("jobs: [{runs: [{name: a}]}]", r"jobs\[0\]: `notebook` is missing"),
        ("jobs: [{notebook: a}]", r"jobs\[0\] \(a\): `runs` must be a non-empty list"),
        ("jobs: [{notebook: a, run: []}]", r"jobs\[0\]: unknown key\(s\) \['run'\]"),
        ("jobs: [{notebook: a, runs: [{name: Default}]}]", r"jobs\[0\].runs\[0\] \(a\): run name 'Default' must be "
                                                           r"lower-case"),
        ("jobs: [{notebook: a, runs: [{name: x, period_end: 1}]}]", r"unknown key\(s\) \['period_end'\].*go under "
                                                                    r"`parameters:`"),
        ("jobs: [{notebook: a, runs: [{name: x, parameters: [1]}]}]", r"`parameters` must be a mapping"),
        ("jobs: [{notebook: a, runs: [{name: x}, {name: x}]}]", r"job 'a/x' is listed twice"),
        ("jobs: [{notebook: a, runs: [{name: x}]]", r"not valid YAML"),
    ])
    def test_structure_errors_name_the_entry(self, tmp_path, text, match):
        with pytest.raises(CatalogError, match=match):
            load_catalog(_write(tmp_path, text))

    def test_missing_file(self, tmp_path):
        with pytest.raises(CatalogError, match=r"nope.yaml: catalog file not found"):
            load_catalog(tmp_path / "nope.yaml")


class TestProjectCatalog:
    """The shipped catalog.yaml: valid, every job's parameters fit its notebook, every report is scheduled."""

    def test_loads_and_every_job_validates(self):
        for job in load_catalog(config.CATALOG_PATH):
            prep = prepare_run(job.notebook, parameters=job.parameters, origin=job.where, run_name=job.run_name,
                               base=job.base)
            assert prep.job == job.label

    def test_every_report_notebook_is_scheduled(self):
        scheduled = set()
        for job in load_catalog(config.CATALOG_PATH):
            scheduled.add(prepare_run(job.notebook, parameters=job.parameters, run_name=job.run_name,
                                      base=job.base).info.path)
        missing = [p.name for p in list_notebooks() if p.resolve() not in scheduled]
        assert not missing, f"report notebooks without a catalog.yaml entry: {missing}"
