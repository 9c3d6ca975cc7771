"""Data-size safety on a real Spark session: the sales-performance computations bring back aggregates only.

The same checks as ``tests/test_data_size_safety.py`` (the guard in ``engine.to_pandas`` under a 1,000-row
limit, and a wrapper around the PySpark backend's ``execute``/``to_pyarrow`` recording every result's size),
on 20,000 GENERATED lines read from Parquet by Spark.
"""
from __future__ import annotations

import pytest

from tests.test_data_size_safety import N_LINES, ResultSizes, check_report_stays_in_the_engine, run_the_report
from workbench.data import load_orders
from workbench.data.synthetic import generate_orders

pytestmark = [pytest.mark.spark, pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]


def test_the_report_brings_back_aggregates_only(spark_con, tmp_path, monkeypatch):
    path = tmp_path / "generated_orders.parquet"
    generate_orders(N_LINES, seed=11).to_parquet(path)
    sizes = ResultSizes(monkeypatch, type(spark_con))
    on_spark = check_report_stays_in_the_engine(load_orders(path, engine="spark"), sizes)
    monkeypatch.undo()
    on_duckdb = run_the_report(load_orders(path))
    assert on_spark["segments"]["customers"].tolist() == on_duckdb["segments"]["customers"].tolist()
    assert on_spark["kpis"]["orders"].tolist() == on_duckdb["kpis"]["orders"].tolist()
    assert len(on_spark["cohorts"]) == len(on_duckdb["cohorts"])
