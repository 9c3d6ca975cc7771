"""A second, independent implementation: the plain-pandas functions of benchmarks/analyses.py give the same
KPIs, RFM values/scores and cohort cells as the package, on real data (CDNOW) and on generated lines with
returns and guest orders. (The benchmark compares the same pairs at 1M and 10M lines.)"""
from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest

import workbench as wb
from workbench import config
from workbench.data.synthetic import generate_orders

spec = importlib.util.spec_from_file_location("bench_analyses", config.PROJECT_ROOT / "benchmarks" / "analyses.py")
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)

MONEY = ["revenue", "gross_sales", "returns", "new_customer_revenue", "guest_revenue"]
COUNTS = ["orders", "units", "customers", "new_customers", "repeat_customers", "multi_order_customers"]


@pytest.fixture(scope="module", params=["cdnow", "generated"])
def lines(request) -> pd.DataFrame:
    if request.param == "cdnow":
        return wb.load_orders("cdnow").to_pandas()
    df = generate_orders(30_000, seed=11)
    assert (df["line_type"] == "return").any() and df["customer_id"].isna().any()
    return df


def test_kpis_agree(lines):
    ours = wb.sales.kpis_by_period(lines).set_index("period_start")
    theirs = ref.pandas_kpis(lines).reindex(ours.index, fill_value=0)
    for col in MONEY:
        np.testing.assert_allclose(ours[col], theirs[col], rtol=1e-9, atol=0.005, err_msg=col)
    for col in COUNTS:
        assert ours[col].tolist() == theirs[col].astype("int64").tolist(), col


def test_rfm_agrees(lines):
    ours = wb.customers.rfm(lines).set_index("customer_id")
    theirs = ref.pandas_rfm(lines)
    theirs.index = theirs.index.astype(str)
    assert ours.index.tolist() == theirs.index.tolist()
    for col in ["recency_days", "frequency", "r_score", "f_score", "m_score"]:
        assert ours[col].tolist() == theirs[col].astype("int64").tolist(), col
    np.testing.assert_allclose(ours["monetary"], theirs["monetary"], rtol=1e-9, atol=0.005)


def test_cohorts_agree(lines):
    ours = wb.sales.cohort_retention(lines, complete_months_only=False).set_index(["cohort", "age"])
    theirs = ref.pandas_cohorts(lines)
    quiet = ours.index.difference(theirs.index)
    assert (ours.loc[quiet, ["active_customers", "orders", "revenue"]] == 0).all().all()
    ours = ours.loc[theirs.index]
    for col in ["cohort_size", "active_customers", "orders"]:
        assert ours[col].tolist() == theirs[col].astype("int64").tolist(), col
    np.testing.assert_allclose(ours["revenue"], theirs["revenue"], rtol=1e-9, atol=0.005)
