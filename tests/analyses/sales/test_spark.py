"""The same KPI, cohort, RFM and product computations on a local Spark session give identical results.

The analyses are portable Ibis expressions; this runs them on Ibis' PySpark backend over the hand-worked store of
conftest.py and compares with the DuckDB results. Skipped where Java is missing.
"""
from __future__ import annotations

import os
import shutil
import sys

import pandas as pd
import pytest

import workbench as wb

pytestmark = [pytest.mark.spark,
              pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java (java not on PATH)")]


@pytest.fixture(scope="module")
def spark_store(tmp_path_factory):
    import ibis
    from pyspark.sql import SparkSession

    from .conftest import make_store

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (SparkSession.builder.master("local[1]").appName("workbench-sales-tests")
             .config("spark.ui.enabled", "false")
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.sql.shuffle.partitions", "2")
             .config("spark.sql.execution.arrow.pyspark.enabled", "true")
             .config("spark.sql.warehouse.dir", str(tmp_path_factory.mktemp("spark-warehouse")))
             .getOrCreate())
    frame = make_store(with_products=True)
    spark.createDataFrame(frame).createOrReplaceTempView("sales_store")
    yield frame, ibis.pyspark.connect(spark).table("sales_store")
    spark.stop()


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False,
                                  check_categorical=False, rtol=1e-12)


@pytest.mark.parametrize("period", ["week", "month", "quarter"])
def test_kpis(spark_store, period):
    frame, table = spark_store
    _same(wb.sales.kpis_by_period(frame, period=period), wb.sales.kpis_by_period(table, period=period))


def test_cohorts_rfm_and_products(spark_store):
    frame, table = spark_store
    _same(wb.sales.cohort_table(frame, complete_months_only=False),
          wb.sales.cohort_table(table, complete_months_only=False))
    _same(wb.customers.rfm(frame), wb.customers.rfm(table))
    _same(wb.sales.top_products(frame, by="category"), wb.sales.top_products(table, by="category"))
