"""The order rollup: the figures read from it equal the figures from the lines, orders that span customers or days
are still counted as the analyses define, and the figures come out the same when DuckDB has to spill to disk."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import workbench as wb
from workbench import config
from workbench.analyses.sales import rollup as R
from workbench.errors import DataError

from .conftest import LINES
from .pandas_reference import assert_kpis_match, assert_rfm_matches, ref


# Orders the one-row-per-order rollup cannot hold: the store of conftest.py plus
#   m1: one order, lines of two customers (A and B) -> one order in the period, one for each customer
#   g1: one order, a line of C and a line without a customer -> one order, C's and a guest line
#   s1: C's order with sale lines on 3 and 4 Feb -> one order in February
#   s2: E's order with sale lines on 30 Jan and 2 Feb 2023 -> one order in each month, one order for RFM
#   a line without an order id -> revenue, no order
IRREGULAR = LINES + [
    ("m1", "A", "2024-01-08", 10.0, 1, "sale", "CD", "Music"),
    ("m1", "B", "2024-01-08", 20.0, 1, "sale", "CD", "Music"),
    ("g1", "C", "2024-02-05", 30.0, 1, "sale", "CD", "Music"),
    ("g1", None, "2024-02-05", 40.0, 2, "sale", "CD", "Music"),
    ("s1", "C", "2024-02-03 10:00", 5.0, 1, "sale", "CD", "Music"),
    ("s1", "C", "2024-02-04 09:00", 6.0, 1, "sale", "CD", "Music"),
    ("s2", "E", "2023-01-30", 7.0, 1, "sale", "CD", "Music"),
    ("s2", "E", "2023-02-02", 8.0, 1, "sale", "CD", "Music"),
    (None, "B", "2024-01-21", 5.0, 1, "sale", "CD", "Music"),
]


def _frame(lines: list[tuple]) -> pd.DataFrame:
    df = pd.DataFrame(lines, columns=["order_id", "customer_id", "order_date", "revenue", "quantity", "line_type",
                                      "product_name", "category"])
    df["order_date"] = pd.to_datetime(df["order_date"], format="ISO8601").astype("datetime64[us]")
    for col in ("order_id", "customer_id"):
        df[col] = df[col].astype("string")
    return df.drop(columns=["product_name", "category"])


@pytest.fixture(scope="module")
def irregular() -> pd.DataFrame:
    return _frame(IRREGULAR)


class TestSameFiguresAsFromTheLines:
    @pytest.mark.parametrize("period", ["day", "week", "month", "quarter"])
    def test_kpis(self, store, period):
        rollup = R.order_rollup(store)
        pd.testing.assert_frame_equal(wb.sales.kpis_by_period(rollup, period=period),
                                      wb.sales.kpis_by_period(store, period=period))

    def test_cohorts_and_rfm(self, store):
        rollup = R.order_rollup(store)
        for complete in (True, False):
            pd.testing.assert_frame_equal(wb.sales.cohort_retention(rollup, complete_months_only=complete),
                                          wb.sales.cohort_retention(store, complete_months_only=complete))
        wb.sales.kpis_by_period(rollup, period="week")  # a weekly customer x period table is then at hand
        for as_of in (None, "2024-02-20", "2024-01-31", "2024-01-28", "2024-01-17", "2023-06-30"):
            pd.testing.assert_frame_equal(wb.customers.rfm(rollup, as_of=as_of), wb.customers.rfm(store, as_of=as_of))

    def test_a_rollup_is_passed_through_and_named_by_its_source(self, store):
        rollup = R.order_rollup(store)
        assert R.order_rollup(rollup) is rollup and wb.sales.order_rollup is R.order_rollup
        assert not rollup.distinct_orders
        assert repr(rollup) == ("<OrderRollup of orders (pandas DataFrame): one row per order (sale lines), per "
                                "customer and day (others)>")

    def test_the_monthly_table_is_computed_once_for_kpis_and_cohorts(self, store):
        rollup = R.order_rollup(store)
        wb.sales.kpis_by_period(rollup, period="month")
        cells = rollup.cohort_periods("month")
        wb.sales.cohort_retention(rollup)
        assert rollup.cohort_periods("month") is cells

    def test_kpis_need_units(self, store):
        rollup = R.order_rollup(store, quantity=None)
        with pytest.raises(DataError, match=r"orders \(pandas DataFrame\): column `quantity`: the order rollup was "
                                            r"made without units \(quantity=None\)\. Make it with "
                                            r"wb\.sales\.order_rollup\(orders\) \(quantity given\)\."):
            wb.sales.kpis_by_period(rollup)
        assert len(wb.sales.cohort_retention(rollup)) == 16  # cohorts and RFM need no units


class TestOrdersThatSpanCustomersOrDays:
    def test_they_switch_the_rollup_to_distinct_order_ids(self, irregular, store):
        assert R.order_rollup(irregular).distinct_orders

    def test_kpis_equal_the_pandas_reference(self, irregular):
        ours = assert_kpis_match(irregular, rtol=1e-12)

    def test_kpis_by_hand(self, irregular):
        k = wb.sales.kpis_by_period(irregular).set_index("label")
        # January 2024: o2 o3 o4 o5 (conftest) + m1; the line without an order id is no order
        assert k.loc["Jan 2024", "orders"] == 5
        # A: o2, m1; B: o3, o4, m1 -> customer orders 5 (m1 once for each customer on it)
        assert (k.loc["Jan 2024", "customers"], k.loc["Jan 2024", "customer_orders"]) == (2, 5)
        # February 2024: o6 o7 g1 s1 (s1 once although on two days)
        assert k.loc["Feb 2024", "orders"] == 4
        assert k.loc["Feb 2024", "guest_revenue"] == pytest.approx(40.0)
        # s2 has sale lines in January and February 2023: one order in each
        assert (k.loc["Jan 2023", "orders"], k.loc["Feb 2023", "orders"]) == (2, 1)

    def test_rfm_equals_the_pandas_reference(self, irregular):
        ours = assert_rfm_matches(irregular, rtol=1e-12)
        assert ours.loc["E", "frequency"] == 2  # o0 and s2, though s2 spans two months

    def test_cohorts_equal_the_pandas_reference(self, irregular):
        # m1's two customers sit in different cohorts, so counting orders per cohort cell (pandas) and per
        # customer (the package) agree here
        ours = wb.sales.cohort_retention(irregular, complete_months_only=False).set_index(["cohort", "age"])
        theirs = ref.pandas_cohorts(irregular)
        assert (ours.drop(index=theirs.index)[["active_customers", "orders", "revenue"]] == 0).all().all()
        ours = ours.loc[theirs.index]
        for col in ["cohort_size", "active_customers", "orders"]:
            assert ours[col].tolist() == theirs[col].astype("int64").tolist(), col
        np.testing.assert_allclose(ours["revenue"], theirs["revenue"], rtol=1e-12)


SPILL_SCRIPT = """
import json, sys
import workbench as wb
from workbench import engine
con = engine.default_backend()
orders = wb.load_orders(sys.argv[1])
rollup = wb.sales.order_rollup(orders)
kpis = wb.sales.kpis_by_period(rollup)
cohorts = wb.sales.cohort_retention(rollup, complete_months_only=False)
segments = wb.customers.rfm_segment_summary(wb.customers.rfm_query(rollup))
spilled = con.raw_sql("select coalesce(sum(size), 0) from duckdb_temporary_files()").fetchone()[0]
limit = con.raw_sql("select current_setting('memory_limit')").fetchone()[0]
print(json.dumps({"kpis": kpis.drop(columns=["period_start", "period_end"]).to_dict("list"),
                  "cohorts": cohorts.drop(columns="cohort").to_dict("list"), "segments": segments.to_dict("list"),
                  "spilled": int(spilled), "limit": limit}))
"""


@pytest.mark.slow
def test_the_figures_are_the_same_when_duckdb_must_spill_to_disk(tmp_path):
    """1M GENERATED lines under a 100 MB DuckDB memory ceiling (WORKBENCH_DUCKDB_MEMORY) spill to the temporary
    folder and give the same figures as without the ceiling; with no folder to spill to, the ceiling is too low."""
    from workbench.data.synthetic.orders import write_orders_parquet

    path = write_orders_parquet(tmp_path / "generated_orders.parquet", n_lines=1_000_000, seed=11)

    def run(**env: str) -> dict:
        proc = subprocess.run([sys.executable, "-c", SPILL_SCRIPT, str(path)], capture_output=True, text=True,
                              env={**os.environ, **env}, cwd=config.PROJECT_ROOT, timeout=600)
        if proc.returncode:
            return {"error": proc.stderr}
        return json.loads(proc.stdout.strip().splitlines()[-1])

    low = run(WORKBENCH_DUCKDB_MEMORY="100MB", WORKBENCH_DUCKDB_TEMP=str(tmp_path / "spill"))
    assert low.get("limit") == "95.3 MiB", low.get("error")
    assert low["spilled"] > 0  # the cached order rollup and the hash tables went to disk
    roomy = run()
    assert roomy["spilled"] == 0
    for name in ("kpis", "cohorts", "segments"):
        a, b = pd.DataFrame(low[name]), pd.DataFrame(roomy[name])
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9, atol=1e-6)  # sums in another order: zero reads 1e-8
    stuck = run(WORKBENCH_DUCKDB_MEMORY="100MB", WORKBENCH_DUCKDB_TEMP="/dev/null/nowhere")
    assert "error" in stuck
