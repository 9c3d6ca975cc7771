"""A second, independent implementation: the plain-pandas functions of benchmarks/analyses.py give the same
KPIs, RFM values/scores and cohort cells as the package, on real data (CDNOW) and on generated lines with
returns and guest orders. (The benchmark compares the same pairs at 1M and 10M lines.)"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import workbench as wb
from workbench.data.synthetic import generate_orders

from .pandas_reference import assert_kpis_match, assert_rfm_matches, ref


@pytest.fixture(scope="module", params=["cdnow", "generated"])
def lines(request) -> pd.DataFrame:
    if request.param == "cdnow":
        return wb.load_orders("cdnow").to_pandas()
    df = generate_orders(30_000, seed=11)
    assert (df["line_type"] == "return").any() and df["customer_id"].isna().any()
    return df


def test_kpis_agree(lines):
    assert_kpis_match(lines, rtol=1e-9, atol=0.005)


def test_rfm_agrees(lines):
    assert_rfm_matches(lines, rtol=1e-9, atol=0.005)


def test_cohorts_agree(lines):
    ours = wb.sales.cohort_retention(lines, complete_months_only=False).set_index(["cohort", "age"])
    theirs = ref.pandas_cohorts(lines)
    quiet = ours.index.difference(theirs.index)
    assert (ours.loc[quiet, ["active_customers", "orders", "revenue"]] == 0).all().all()
    ours = ours.loc[theirs.index]
    for col in ["cohort_size", "active_customers", "orders"]:
        assert ours[col].tolist() == theirs[col].astype("int64").tolist(), col
    np.testing.assert_allclose(ours["revenue"], theirs["revenue"], rtol=1e-9, atol=0.005)
