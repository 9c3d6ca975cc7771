"""The plain-pandas second implementation of benchmarks/analyses.py, and the comparisons the sales tests make
against it (the package's KPIs and RFM equal to it: counts and scores exactly, money to a tolerance)."""
from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd

import workbench as wb
from workbench import config

_spec = importlib.util.spec_from_file_location("bench_analyses", config.PROJECT_ROOT / "benchmarks" / "analyses.py")
ref = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ref)

MONEY = ["revenue", "gross_sales", "returns", "new_customer_revenue", "guest_revenue"]
COUNTS = ["orders", "units", "customers", "new_customers", "repeat_customers", "multi_order_customers"]


def assert_kpis_match(lines: pd.DataFrame, *, rtol: float, atol: float = 0.0) -> pd.DataFrame:
    """The package's monthly KPIs of ``lines`` against pandas'; returns the package's (indexed by period)."""
    ours = wb.sales.kpis_by_period(lines).set_index("period_start")
    theirs = ref.pandas_kpis(lines).reindex(ours.index, fill_value=0)
    for col in MONEY:
        np.testing.assert_allclose(ours[col], theirs[col], rtol=rtol, atol=atol, err_msg=col)
    for col in COUNTS:
        assert ours[col].tolist() == theirs[col].astype("int64").tolist(), col
    return ours


def assert_rfm_matches(lines: pd.DataFrame, *, rtol: float, atol: float = 0.0) -> pd.DataFrame:
    """The package's RFM table of ``lines`` against pandas'; returns the package's (indexed by customer)."""
    ours = wb.customers.rfm(lines).set_index("customer_id")
    theirs = ref.pandas_rfm(lines)
    theirs.index = theirs.index.astype(str)
    assert ours.index.tolist() == theirs.index.tolist()
    for col in ["recency_days", "frequency", "r_score", "f_score", "m_score"]:
        assert ours[col].tolist() == theirs[col].astype("int64").tolist(), col
    np.testing.assert_allclose(ours["monetary"], theirs["monetary"], rtol=rtol, atol=atol)
    return ours
