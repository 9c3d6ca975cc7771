"""Data-size safety: on an engine that is not in this process (Spark, a warehouse), the package never brings
order lines, or any table as long as them, back into memory.

Two independent checks run together over the functions the sales-performance report calls:

1. the **guard** in ``workbench.engine.to_pandas``: under ``collect_limit(N)`` any table result above N rows from a
   non-local backend raises a ``DataError`` (the query fetches at most N + 1 rows);
2. a **wrapper around the backend itself** (its ``execute`` and ``to_pyarrow``) that records the size of every
   result handed to Python, whichever code path asked for it, so a call that bypassed ``engine.to_pandas`` would
   show up here too.

Here DuckDB stands in for a remote engine (``engine.LOCAL_BACKENDS`` emptied), so the checks run without Java;
``tests/spark/test_data_size_safety_spark.py`` runs the same checks on a real Spark session. The data are
20,000 GENERATED lines (4,334 customers) and the limit is 1,000 rows: far below the lines and the customers,
far above any aggregate the report needs (36 months, a few hundred cohort cells, ten segments).
"""
from __future__ import annotations

import importlib

import pandas as pd
import pyarrow as pa
import pytest

from workbench import engine
from workbench.analyses.sales import cohorts as C
from workbench.analyses.sales import kpis as K
from workbench.analyses.sales import products as P
from workbench.analyses.sales.rollup import order_rollup
from workbench.data import load_orders
from workbench.data.synthetic import generate_orders
from workbench.errors import DataError

R = importlib.import_module("workbench.analyses.customers.rfm")

LIMIT = 1_000
N_LINES = 20_000


class ResultSizes:
    """Wraps a backend class's ``execute`` and ``to_pyarrow`` and records the rows of every result."""

    def __init__(self, monkeypatch, backend_class) -> None:
        self.rows: list[int] = []
        for method in ("execute", "to_pyarrow"):
            original = getattr(backend_class, method)
            monkeypatch.setattr(backend_class, method, self._recording(original))

    def _recording(self, original):
        def wrapper(backend, expr, *args, **kwargs):
            out = original(backend, expr, *args, **kwargs)
            self.rows.append(len(out) if isinstance(out, (pd.DataFrame, pd.Series, pa.Table)) else 1)
            return out
        return wrapper

    @property
    def largest(self) -> int:
        return max(self.rows, default=0)


def run_the_report(orders) -> dict:
    """What notebooks/sales-performance.ipynb computes from the order lines (and a weekly table from the lines)."""
    rollup = order_rollup(orders)
    kpis = K.kpis_by_period(rollup, period="month")
    comparison = K.kpi_comparison(rollup, period="month", kpis=kpis)
    return dict(
        kpis=kpis,
        comparison=comparison,
        weekly=K.kpis_by_period(orders, period="week"),
        cohorts=C.cohort_retention(rollup),
        segments=R.rfm_segment_summary(R.rfm_query(rollup, as_of=comparison.as_of)),
        products=P.top_products(orders, by="product", n=10, period="month", period_end=comparison.current.start),
        categories=P.top_products(orders, by="category", n=10, period="month",
                                  period_end=comparison.current.start),
        summary=orders.summary.resolve(),
    )


def check_report_stays_in_the_engine(orders, sizes: ResultSizes) -> dict:
    assert not engine.is_local(orders.table)
    with engine.collect_limit(LIMIT):
        results = run_the_report(orders)
        assert len(orders) == N_LINES  # counted by the engine
        # ...while the order lines themselves cannot be brought back
        with pytest.raises(DataError, match=rf"^to_pandas: the query would bring more than {LIMIT:,} rows from "
                                            r"\w+ into memory .*Aggregate in the engine first"):
            orders.to_pandas()
    biggest = sizes.rows[:-1]  # the last result is the refused fetch: LIMIT + 1 rows, then the error
    assert sizes.rows[-1] == LIMIT + 1
    assert max(biggest) <= LIMIT, f"a result of {max(biggest)} rows came back"  # aggregates only
    assert len(results["segments"]) == 10 and results["segments"]["customers"].sum() > LIMIT
    assert results["kpis"]["orders"].sum() > LIMIT
    return results


@pytest.fixture(scope="module")
def shop_parquet(tmp_path_factory):
    path = tmp_path_factory.mktemp("safety") / "generated_orders.parquet"
    generate_orders(N_LINES, seed=11).to_parquet(path)
    return path


@pytest.fixture
def duckdb_as_remote(monkeypatch):
    monkeypatch.setattr(engine, "LOCAL_BACKENDS", frozenset())
    return ResultSizes(monkeypatch, type(engine.default_backend()))


class TestOnAStandInRemoteEngine:
    def test_the_report_brings_back_aggregates_only(self, shop_parquet, duckdb_as_remote):
        orders = load_orders(shop_parquet)
        results = check_report_stays_in_the_engine(orders, duckdb_as_remote)
        assert results["kpis"]["revenue"].sum() == pytest.approx(generate_orders(N_LINES, seed=11)["revenue"].sum())

    def test_the_wrapper_sees_a_collection_that_bypasses_the_guard(self, shop_parquet, duckdb_as_remote):
        orders = load_orders(shop_parquet)
        orders.table.to_pandas()  # straight to the backend, not through engine.to_pandas
        assert duckdb_as_remote.largest == N_LINES

    def test_per_customer_rfm_is_refused_above_the_limit(self, shop_parquet, duckdb_as_remote):
        orders = load_orders(shop_parquet)
        with engine.collect_limit(LIMIT), pytest.raises(DataError, match=r"more than 1,000 rows"):
            R.rfm(orders)  # one row per customer (4,334): use rfm_query + rfm_segment_summary on big engines

    def test_local_duckdb_is_not_limited(self, shop_parquet):
        orders = load_orders(shop_parquet)
        assert engine.is_local(orders.table)
        with engine.collect_limit(10):
            assert len(orders.to_pandas()) == N_LINES

    def test_the_limit_comes_from_the_environment_by_default(self, monkeypatch, shop_parquet, duckdb_as_remote):
        monkeypatch.setattr(engine, "MAX_COLLECT_ROWS", 50)
        orders = load_orders(shop_parquet)
        with pytest.raises(DataError, match=r"more than 50 rows"):
            engine.to_pandas(orders.table.select("order_id"))
