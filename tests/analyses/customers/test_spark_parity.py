"""The market-research aggregations (CLV summary, tracking, persona features, demand series) give the same
results on Spark as on DuckDB: they are portable Ibis, so the report can later run on a distributed engine.

Counts, dates and labels must be identical; money to a relative 1e-9 (floating-point sums differ in the last
bits between engines). Needs Java 17+ (skipped without it, failing under CI, like ``tests/spark``).
"""
from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from workbench import spark as wbspark
from workbench.analyses.customers import clv, holdout, personas
from workbench.analyses.demand import acquisition_end, demand_series
from workbench.data import load_orders
from workbench.data.synthetic import generate_orders

pytestmark = [pytest.mark.spark, pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]


@pytest.fixture(scope="module")
def spark_con():
    java = wbspark.java_version()
    if java is None or java < wbspark.MIN_JAVA:
        message = f"Spark tests need Java {wbspark.MIN_JAVA}+ (found {java})"
        if os.environ.get("CI"):
            pytest.fail(message + ": under CI they must run, not be skipped")
        pytest.skip(message)
    con = wbspark.spark_backend()
    con._session.conf.set("spark.sql.shuffle.partitions", "1")
    return con


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.columns) == list(b.columns) and list(a.index) == list(b.index)
    for col in b.columns:
        if pd.api.types.is_float_dtype(b[col]):
            np.testing.assert_allclose(a[col].to_numpy(float), b[col].to_numpy(float), rtol=1e-9, atol=1e-6,
                                       equal_nan=True, err_msg=col)
        else:
            assert a[col].tolist() == b[col].tolist(), col


@pytest.fixture(scope="module", params=["cdnow-sample", "generated-shop"])
def both(request, spark_con, cdnow_sample):
    frame = cdnow_sample if request.param == "cdnow-sample" else generate_orders(3_000, seed=7)
    return load_orders(frame, engine=spark_con), load_orders(frame)


def test_clv_summary_and_tracking(both):
    spark, duck = both
    whole = clv.clv_summary(duck).attrs
    end = clv.choose_calibration_end(whole["data_start"], whole["data_end"])
    a, b = clv.clv_summary(spark, calibration_end=end), clv.clv_summary(duck, calibration_end=end)
    _same(a, b)
    assert a.attrs == b.attrs
    model = clv.BetaGeoModel().fit(b)
    _same(holdout.repeat_purchase_tracking(spark, model=model, summary=b),
          holdout.repeat_purchase_tracking(duck, model=model, summary=b))


def test_persona_features(both):
    spark, duck = both
    _same(personas.persona_features(spark), personas.persona_features(duck))


def test_demand_series_and_acquisition(both):
    spark, duck = both
    for freq in ("week", "month"):
        a, b = demand_series(spark, freq=freq), demand_series(duck, freq=freq)
        _same(a, b)
        assert list(a.index) == list(b.index)
    assert acquisition_end(spark) == acquisition_end(duck)
