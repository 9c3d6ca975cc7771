"""The catalog's Spark run of the sales-performance report records the same headline figures as its DuckDB run.

Reuses the project catalog run shared with the end-to-end and browser tests (``tests/runner/catalog_reports.py``),
so no extra report is run here. Counts, labels and rates must be equal; money to half a cent; the relative
changes to 1e-9 (floating-point sums differ in the last bits between engines).
"""
from __future__ import annotations

import pytest

from tests.runner.catalog_reports import run_project_catalog
from workbench.runner.index import scan_runs

pytestmark = [pytest.mark.slow, pytest.mark.spark]


def _metrics(runs: list[dict], job: str) -> dict:
    found = [m for m in runs if m["job"] == job]
    assert found, f"{job} did not run"
    assert found[0]["status"] == "succeeded", found[0].get("error")
    return {x["name"]: x for x in found[0]["_metrics"]}


def test_spark_run_equals_duckdb_run(tmp_path_factory):
    run = run_project_catalog(tmp_path_factory)
    runs = scan_runs(run.reports)
    on_spark = _metrics(runs, "sales-performance/cdnow-monthly-spark")
    on_duckdb = _metrics(runs, "sales-performance/cdnow-monthly")
    assert set(on_spark) == set(on_duckdb) and len(on_spark) >= 10
    for name, metric in on_duckdb.items():
        a, b = on_spark[name]["value"], metric["value"]
        if isinstance(b, float) and metric.get("kind") == "money":
            assert a == pytest.approx(b, abs=0.005), name
        elif isinstance(b, float):
            assert a == pytest.approx(b, rel=1e-9, abs=1e-12), name
        else:
            assert a == b, name
    assert on_spark["net_revenue"]["value"] == pytest.approx(76_109.30, abs=0.005)  # June 1998, CDNOW


def test_a_clean_spark_run_reads_as_clean(tmp_path_factory):
    """Neither the JVM's start-up notice ("Using incubator modules") nor Spark's "Setting default log level" reaches
    the cells' stderr or the kernel's output, so the run keeps no run log and its report says no warnings."""
    runs = scan_runs(run_project_catalog(tmp_path_factory).reports)
    spark_run = next(m for m in runs if m["job"] == "sales-performance/cdnow-monthly-spark")
    assert spark_run["status"] == "succeeded"
    assert spark_run["_log"] is None, (spark_run["_dir"] / "run.log").read_text()
    html = next(spark_run["_dir"].glob("*.html")).read_text(encoding="utf-8")
    assert "This run wrote warnings" not in html
    assert "Using incubator modules" not in html and "Setting default log level" not in html
