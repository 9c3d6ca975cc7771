"""KPI, cohort, RFM and product computations on Spark give the same results as on DuckDB.

Same fixtures as the DuckDB tests (the hand-worked store of ``tests/analyses/sales/conftest.py``), a seeded
generated shop (returns, guests, products; generated data) and the real CDNOW data. Each function runs once on
each engine; the results must be identical: counts, dates, labels, scores and segments exactly, money to a
relative 1e-9 and an absolute 1e-6 (a millionth of a dollar), because floating-point sums differ in the last
bits between engines and summation orders (about 1e-15 relative, see FIELD-NOTES). The hand-worked values are
checked on the Spark results directly as well, so both engines are held to an independent reference.
"""
from __future__ import annotations

import importlib

import numpy as np
import pandas as pd
import pytest

from tests.analyses.sales.conftest import make_store
from workbench.analyses.sales import cohorts as C
from workbench.analyses.sales import kpis as K
from workbench.analyses.sales import products as P
from workbench.data import load_orders
from workbench.data.synthetic import generate_orders

R = importlib.import_module("workbench.analyses.customers.rfm")  # the package rebinds `rfm` to the function

pytestmark = [pytest.mark.spark, pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]

RTOL, ATOL = 1e-9, 1e-6


def assert_same(on_spark: pd.DataFrame, on_duckdb: pd.DataFrame) -> None:
    """Same shape, columns, dtypes and attrs; exact for everything except float (money) columns."""
    assert list(on_spark.columns) == list(on_duckdb.columns)
    assert len(on_spark) == len(on_duckdb)
    assert on_spark.attrs == on_duckdb.attrs
    for col in on_duckdb.columns:
        a, b = on_spark[col], on_duckdb[col]
        assert a.dtype == b.dtype, f"{col}: {a.dtype} on Spark, {b.dtype} on DuckDB"
        if pd.api.types.is_float_dtype(b):
            np.testing.assert_allclose(a.to_numpy(), b.to_numpy(), rtol=RTOL, atol=ATOL, equal_nan=True,
                                       err_msg=col)
        else:
            pd.testing.assert_series_equal(a, b, check_exact=True, obj=col)


def _both(spark_con, frame: pd.DataFrame):
    return load_orders(frame, engine=spark_con), load_orders(frame)


@pytest.fixture(scope="module")
def store(spark_con):
    return _both(spark_con, make_store(with_products=True))


@pytest.fixture(scope="module")
def shop(spark_con):
    """3,000 GENERATED lines (seeded): returns, guest orders, products and categories."""
    return _both(spark_con, generate_orders(3_000, seed=7))


@pytest.fixture(scope="module")
def cdnow(spark_con):
    return load_orders("cdnow", engine=spark_con), load_orders("cdnow")


class TestHandWorkedStore:
    def test_monthly_kpis(self, store):
        on_spark, on_duckdb = (K.kpis_by_period(o) for o in store)
        assert_same(on_spark, on_duckdb)
        jan = on_spark.set_index("period_start").loc[pd.Timestamp("2024-01-01")]
        assert jan["revenue"] == pytest.approx(175.0) and jan["orders"] == 4 and jan["customers"] == 2
        assert jan["new_customer_revenue"] == pytest.approx(100.0) and jan["return_rate"] == pytest.approx(0.125)

    def test_weekly_kpis_start_on_monday_on_both(self, store):
        on_spark, on_duckdb = (K.kpis_by_period(o, period="week") for o in store)
        assert_same(on_spark, on_duckdb)
        wk = on_spark.set_index("period_start").loc[pd.Timestamp("2024-01-15")]
        assert (wk["orders"], wk["revenue"]) == (2, 80.0)

    def test_period_comparison(self, store):
        on_spark, on_duckdb = (K.kpi_comparison(o, period="month") for o in store)
        assert on_spark.current == on_duckdb.current and on_spark.current.label == "Jan 2024"
        assert_same(on_spark.table, on_duckdb.table)

    def test_cohorts(self, store):
        on_spark, on_duckdb = (C.cohort_retention(o) for o in store)
        assert_same(on_spark, on_duckdb)
        dec = on_spark[on_spark["cohort"] == pd.Timestamp("2023-12-01")].set_index("age")
        assert dec.loc[1, "retention"] == 1.0 and dec.loc[1, "revenue"] == pytest.approx(55.0)  # A: 80 - 25

    def test_rfm(self, store):
        on_spark, on_duckdb = (R.rfm(o) for o in store)
        assert_same(on_spark, on_duckdb)
        assert on_spark.set_index("customer_id").loc["B", "frequency"] == 3
        assert on_spark.set_index("customer_id")["rfm_score"].to_dict() == {"A": "234", "B": "443", "C": "311",
                                                                             "E": "112"}  # test_rfm.py, by hand

    def test_rfm_segments_summarised_in_the_engine(self, store):
        # four customers: fewer than the five a report needs, allowed here to compare the engines
        on_spark, on_duckdb = (R.rfm_segment_summary(R.rfm_query(o), min_customers=1) for o in store)
        assert_same(on_spark, on_duckdb)
        assert on_spark.set_index("segment")["customers"].sum() == 4

    def test_top_products(self, store):
        on_spark, on_duckdb = (P.top_products(o, by="category", period="month", period_end="2024-01-31")
                               for o in store)
        assert_same(on_spark, on_duckdb)


class TestGeneratedShop:
    def test_monthly_kpis(self, shop):
        assert_same(*(K.kpis_by_period(o) for o in shop))

    def test_cohorts(self, shop):
        assert_same(*(C.cohort_retention(o) for o in shop))

    def test_rfm_scores_and_segments(self, shop):
        on_spark, on_duckdb = (R.rfm(o) for o in shop)
        assert_same(on_spark, on_duckdb)
        assert on_spark["segment"].nunique() >= 5  # a real spread of segments, not a degenerate case

    def test_top_products(self, shop):
        assert_same(*(P.top_products(o, by="product", n=10, period="quarter") for o in shop))


class TestCdnow:
    """The shipped real data: the numbers the sales-performance report shows."""

    def test_monthly_kpis_and_published_totals(self, cdnow):
        on_spark, on_duckdb = (K.kpis_by_period(o) for o in cdnow)
        assert_same(on_spark, on_duckdb)
        assert on_spark["revenue"].sum() == pytest.approx(2_500_315.63, abs=0.005)  # data/README.md
        assert on_spark["units"].sum() == 167_881
        assert on_spark["new_customers"].sum() == 23_570

    def test_rfm(self, cdnow):
        on_spark, on_duckdb = (R.rfm(o) for o in cdnow)
        assert_same(on_spark, on_duckdb)
        assert len(on_spark) == 23_570
        # the engine's scores equal the pandas reference scoring of the same per-customer values
        reference = R.rfm_scores(on_spark.drop(columns=["r_score", "f_score", "m_score", "rfm_score", "segment",
                                                        "segment_exact"]))
        assert_same(on_spark, reference)

    def test_rfm_segments_summarised_in_the_engine(self, cdnow):
        on_spark = R.rfm_segment_summary(R.rfm_query(cdnow[0], as_of="1998-06-30"))
        assert_same(on_spark, R.rfm_segment_summary(R.rfm_query(cdnow[1], as_of="1998-06-30")))
        assert on_spark["customers"].sum() == 23_570
