"""catalog.yaml: format checks, and the real catalog against the real notebooks."""
from __future__ import annotations

import pytest

from workbench import config
from workbench.runner.catalog import CatalogError, CatalogJob, load_catalog, missing_requirements, parse_timeout
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
        ("job: []", r"expected the top-level key `jobs` \(a list\) and optionally `defaults`, found \['job'\]"),
        ("defaults: {timeout: 5, retries: 2}\njobs: []", r"defaults: expected a mapping with `timeout` and/or "
                                                         r"`alerts`, found \['retries'\]"),
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
        ("jobs:\n  - notebook: a\n    runs: [{name: x}]\njobs: []\n",
         r"catalog.yaml: not valid YAML: the key `jobs` appears twice \(line 1 and line 4\); keep one of them"),
        ("jobs: [{notebook: a, runs: [{name: x, parameters: {n: 1, n: 2}}]}]", r"the key `n` appears twice"),
    ])
    def test_structure_errors_name_the_entry(self, tmp_path, text, match):
        with pytest.raises(CatalogError, match=match):
            load_catalog(_write(tmp_path, text))

    def test_timeouts_replace_each_other_and_requirements_add_up(self, tmp_path):
        p = _write(tmp_path, """
defaults: {timeout: 2h}
jobs:
  - notebook: a
    timeout: 15m
    requires: java
    runs:
      - name: x
      - name: y
        timeout: 90
        requires: [pyspark, java]
  - notebook: b
    runs: [{name: z}]
""")
        x, y, z = load_catalog(p)
        assert (x.timeout, y.timeout, z.timeout) == (900.0, 90.0, 7200.0)
        assert (x.requires, y.requires, z.requires) == (("java",), ("java", "pyspark"), ())

    @pytest.mark.parametrize("value, seconds", [(20, 20.0), (2.5, 2.5), ("90s", 90.0), ("15m", 900.0),
                                                ("2 h", 7200.0), ("1.5 hours", 5400.0), ("45 min", 2700.0)])
    def test_timeout_units(self, value, seconds):
        assert parse_timeout(value) == seconds

    @pytest.mark.parametrize("text, match", [
        ("jobs: [{notebook: a, runs: [{name: x, timeout: soon}]}]",
         r"jobs\[0\].runs\[0\] \(a/x\): `timeout` must be a time limit > 0 in seconds \(`timeout: 900`\) or with a "
         r"unit \(`timeout: 15m`, `timeout: 2h`\), found 'soon'"),
        ("jobs: [{notebook: a, timeout: 0, runs: [{name: x}]}]", r"jobs\[0\] \(a\): `timeout` must be .* found 0"),
        ("jobs: [{notebook: a, runs: [{name: x, requires: [java 17]}]}]",
         r"jobs\[0\].runs\[0\] \(a/x\): `requires` must be a list of command or Python module names, e.g. "
         r"`requires: \[java, pyspark\]`, found \['java 17'\]"),
        ("jobs: [{notebook: a, runs: [{name: x, alerts: [{metric: m, above: x}]}]}]",
         r"jobs\[0\].runs\[0\] \(a/x\) alerts\[0\]: alert rule \{'metric': 'm', 'above': 'x'\}: `above` must be a "
         r"number"),
    ])
    def test_schedule_errors_name_the_job_and_the_fix(self, tmp_path, text, match):
        with pytest.raises(CatalogError, match=match):
            load_catalog(_write(tmp_path, text))

    def test_missing_requirements(self):
        job = CatalogJob(notebook="a", run_name="x", requires=("sh", "json", "no-such-command-xyz", "nosuchmodulexyz"))
        assert missing_requirements(job) == ["needs no-such-command-xyz (not found on PATH or as a Python module)",
                                             "needs nosuchmodulexyz (not found on PATH or as a Python module)"]

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

    def test_the_spark_run_needs_java_and_pyspark(self):
        jobs = {j.label: j for j in load_catalog(config.CATALOG_PATH)}
        spark = [j for j in jobs.values() if j.parameters.get("engine") == "spark"]
        assert spark and all({"java", "pyspark"} <= set(j.requires) for j in spark)
        assert all(any(r.condition == "failed" for r in j.alerts) for j in jobs.values())

    def test_every_report_notebook_is_scheduled(self):
        scheduled = set()
        for job in load_catalog(config.CATALOG_PATH):
            scheduled.add(prepare_run(job.notebook, parameters=job.parameters, run_name=job.run_name,
                                      base=job.base).info.path)
        missing = [p.name for p in list_notebooks() if p.resolve() not in scheduled]
        assert not missing, f"report notebooks without a catalog.yaml entry: {missing}"
