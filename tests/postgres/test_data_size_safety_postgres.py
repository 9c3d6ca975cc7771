"""No order-line table crosses from PostgreSQL into this process: the computations bring back aggregates.

The same two checks as ``tests/test_data_size_safety.py``, on the real server: the guard in
``engine.to_pandas`` (under ``collect_limit(N)`` a bigger result raises) and a wrapper around the PostgreSQL
backend's ``execute``/``to_pyarrow`` recording the rows of every result handed to Python, whichever path asked.

- Sales (KPIs, comparison, cohorts, RFM segments, top products): under a 1,000-row limit on the 20,000 GENERATED
  lines (4,334 customers), like the DuckDB stand-in and Spark tests; and the revenue bridge from the comparison.
- Market research: the lifetime-value summary and the persona inputs are one row per customer by design (the
  models are fitted in Python), so the limit is the number of customers: CDNOW's 23,570 against its 69,659
  lines; the demand series and the acquisition end are aggregates.
"""
from __future__ import annotations

import pytest
from ibis.backends.postgres import Backend as PostgresBackend

from tests.test_data_size_safety import LIMIT, ResultSizes, check_report_stays_in_the_engine
from workbench import engine
from workbench.analyses.customers import clv, personas
from workbench.analyses.demand import series
from workbench.analyses.sales import bridge as B
from workbench.data import load_orders
from workbench.errors import DataError

pytestmark = pytest.mark.postgres

CDNOW_LINES, CDNOW_CUSTOMERS = 69_659, 23_570


@pytest.fixture
def sizes(monkeypatch):
    return ResultSizes(monkeypatch, PostgresBackend)


def test_the_sales_report_brings_back_aggregates_only(postgres, sizes):
    orders = load_orders(postgres.shop.table, engine=postgres.url)
    results = check_report_stays_in_the_engine(orders, sizes)  # asserts max result <= 1,000 rows
    with engine.collect_limit(LIMIT):
        bridge = B.revenue_bridge(results["comparison"])
    assert bridge.steps["contribution"].sum() == pytest.approx(bridge.end - bridge.start)
    assert sizes.largest == LIMIT + 1  # the refused fetch of the lines themselves, nothing else came close


def test_market_research_brings_back_one_row_per_customer_at_most(postgres, sizes):
    orders = load_orders(postgres.cdnow.table, engine=postgres.url)
    with engine.collect_limit(CDNOW_CUSTOMERS):
        summary = clv.clv_summary(orders, calibration_end="1997-09-30")
        features = personas.persona_features(orders)
        weekly = series.demand_series(orders, freq="week")
        assert series.acquisition_end(orders) is not None  # CDNOW is a closed cohort
        with pytest.raises(DataError, match=rf"more than {CDNOW_CUSTOMERS:,} rows from postgres into memory"):
            orders.to_pandas()  # the 69,659 lines themselves are refused
    assert len(summary) == len(features) == CDNOW_CUSTOMERS
    assert weekly["revenue"].sum() == pytest.approx(2_500_315.63, abs=0.005)
    assert sizes.rows[-1] == CDNOW_CUSTOMERS + 1  # the refused fetch stopped at limit + 1
    assert max(sizes.rows[:-1]) == CDNOW_CUSTOMERS < CDNOW_LINES
