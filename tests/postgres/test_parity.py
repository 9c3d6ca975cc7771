"""The sales and market-research computations on a real PostgreSQL server give DuckDB's figures.

Two tables on the test server (``conftest.py``): the shipped CDNOW order lines (real data) and a generated shop
of 20,000 lines (GENERATED: returns, guest orders, products, categories, countries). Each is read with
``load_orders(<table>, engine="postgres://...")`` (queries run on the server) and compared with the same lines on
DuckDB, the engine the reference tests hold to hand-worked and published values. Counts, dates, labels, scores
and segments must be identical; money to a relative 1e-9 and an absolute 1e-6, because the engines sum floats
in different orders (see tests/spark/test_parity.py). Published CDNOW totals are checked on the PostgreSQL side
directly as well.
"""
from __future__ import annotations

import importlib

import pandas as pd
import pytest

from tests.spark.test_parity import assert_same
from workbench import engine
from workbench.analyses.customers import clv, personas
from workbench.analyses.demand import series
from workbench.analyses.sales import bridge as B
from workbench.analyses.sales import cohorts as C
from workbench.analyses.sales import kpis as K
from workbench.analyses.sales import products as P
from workbench.data import load_orders

R = importlib.import_module("workbench.analyses.customers.rfm")  # the package rebinds `rfm` to the function

pytestmark = pytest.mark.postgres


def same_frame(on_postgres: pd.DataFrame, on_duckdb: pd.DataFrame) -> None:
    """assert_same on the index too (customer ids, periods)."""
    assert on_postgres.index.names == on_duckdb.index.names
    assert_same(on_postgres.reset_index(), on_duckdb.reset_index())


@pytest.fixture(scope="module", params=["cdnow", "shop"])
def both(request, postgres):
    """(lines on PostgreSQL, the same lines on DuckDB)."""
    shop = getattr(postgres, request.param)
    on_postgres = load_orders(shop.table, engine=postgres.url)
    assert on_postgres.engine == "postgres" and not engine.is_local(on_postgres.table)
    return on_postgres, shop.on_duckdb()


class TestSales:
    def test_load_summary(self, both):
        on_postgres, on_duckdb = (o.summary.resolve() for o in both)
        assert (on_postgres.lines_read, on_postgres.lines_kept) == (on_duckdb.lines_read, on_duckdb.lines_kept)
        assert [(i.key, i.lines) for i in on_postgres.items] == [(i.key, i.lines) for i in on_duckdb.items]
        assert any("Read lazily through PostgreSQL" in n for n in on_postgres.notes)

    @pytest.mark.parametrize("period", ["month", "week"])
    def test_kpis(self, both, period):
        same_frame(*(K.kpis_by_period(o, period=period) for o in both))

    def test_comparison_and_both_revenue_bridges(self, both):
        on_postgres, on_duckdb = (K.kpi_comparison(o, period="month") for o in both)
        assert on_postgres.current == on_duckdb.current
        same_frame(on_postgres.table, on_duckdb.table)
        for by in B.BRIDGES:
            a, b = (B.revenue_bridge(c, by=by) for c in (on_postgres, on_duckdb))
            same_frame(a.steps, b.steps)
            assert (a.start, a.end) == pytest.approx((b.start, b.end), rel=1e-12)

    def test_cohorts(self, both):
        same_frame(*(C.cohort_retention(o) for o in both))

    def test_rfm_scores_and_segments(self, both):
        same_frame(*(R.rfm(o) for o in both))
        same_frame(*(R.rfm_segment_summary(R.rfm_query(o)) for o in both))


class TestMarketResearch:
    def test_lifetime_value_summary(self, both):
        on_postgres, on_duckdb = (clv.clv_summary(o) for o in both)
        same_frame(on_postgres, on_duckdb)
        assert on_postgres.attrs == on_duckdb.attrs

    def test_persona_inputs(self, both):
        on_postgres, on_duckdb = (personas.persona_features(o) for o in both)
        same_frame(on_postgres, on_duckdb)
        assert on_postgres.attrs == on_duckdb.attrs

    @pytest.mark.parametrize("freq", ["week", "month"])
    def test_demand_series(self, both, freq):
        same_frame(*(series.demand_series(o, freq=freq) for o in both))

    def test_acquisition_end(self, both):
        on_postgres, on_duckdb = (series.acquisition_end(o) for o in both)
        assert on_postgres == on_duckdb


def test_cdnow_published_totals_on_postgres(postgres):
    """data/README.md's totals, computed by the server."""
    kpis = K.kpis_by_period(load_orders(postgres.cdnow.table, engine=postgres.url))
    assert kpis["revenue"].sum() == pytest.approx(2_500_315.63, abs=0.005)
    assert kpis["units"].sum() == 167_881
    assert kpis["new_customers"].sum() == 23_570


def test_top_products_of_the_generated_shop(postgres):
    on_postgres = load_orders(postgres.shop.table, engine=postgres.url)
    for by in ("product", "category"):
        same_frame(*(P.top_products(o, by=by, n=10, period="quarter")
                     for o in (on_postgres, postgres.shop.on_duckdb())))
