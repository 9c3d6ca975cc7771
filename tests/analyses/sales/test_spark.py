"""The same KPI, cohort, RFM and product computations on a local Spark session give identical results.

The analyses are portable Ibis expressions; this runs them on Ibis' PySpark backend over the hand-worked store of
conftest.py and compares with the DuckDB results. Skipped where Java is missing.
"""
from __future__ import annotations

import shutil

import pandas as pd
import pytest

import workbench as wb

pytestmark = [pytest.mark.spark,
              pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java (java not on PATH)")]


@pytest.fixture(scope="module")
def spark_store():
    """The hand-worked store as a view on the workbench's shared local Spark session (not stopped here: other
    Spark tests in this process reuse it)."""
    from workbench import spark as wbspark

    from .conftest import make_store

    con = wbspark.spark_backend()
    frame = make_store(with_products=True)
    con._session.createDataFrame(frame).createOrReplaceTempView("sales_store")
    return frame, con.table("sales_store")


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False,
                                  check_categorical=False, rtol=1e-12)


@pytest.mark.parametrize("period", ["week", "month", "quarter"])
def test_kpis(spark_store, period):
    frame, table = spark_store
    _same(wb.sales.kpis_by_period(frame, period=period), wb.sales.kpis_by_period(table, period=period))


def test_cohorts_rfm_and_products(spark_store):
    frame, table = spark_store
    _same(wb.sales.cohort_retention(frame, complete_months_only=False),
          wb.sales.cohort_retention(table, complete_months_only=False))
    _same(wb.customers.rfm(frame), wb.customers.rfm(table))
    _same(wb.sales.top_products(frame, by="category"), wb.sales.top_products(table, by="category"))


def test_orders_spanning_customers_or_days(spark_store):
    """The rollup's distinct-order path (an order on two days, with two customers, ...) gives Spark's figures too."""
    from workbench import spark as wbspark

    from .test_rollup import IRREGULAR, _frame

    frame = _frame(IRREGULAR)
    con = wbspark.spark_backend()
    con._session.createDataFrame(frame).createOrReplaceTempView("sales_irregular")
    table = con.table("sales_irregular")
    rollup = wb.sales.order_rollup(table)
    assert rollup.distinct_orders
    _same(wb.sales.kpis_by_period(frame), wb.sales.kpis_by_period(rollup))
    _same(wb.sales.cohort_retention(frame, complete_months_only=False),
          wb.sales.cohort_retention(rollup, complete_months_only=False))
    _same(wb.customers.rfm(frame, as_of="2024-01-31"), wb.customers.rfm(rollup, as_of="2024-01-31"))
