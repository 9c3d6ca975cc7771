"""load_orders(..., engine=...): files and tables read on Spark, clear errors for engines that cannot be used."""
from __future__ import annotations

import time

import ibis
import pandas as pd
import pytest

from tests.analyses.sales.conftest import make_store
from workbench import engine
from workbench.analyses.sales import kpis as K
from workbench.data import load_orders
from workbench.data.orders import engines as O
from workbench.errors import DataError

spark_only = [pytest.mark.spark, pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]


class TestEngineParameter:
    """No Java needed: the default engine, table-name detection and the messages for unusable engines."""

    @pytest.mark.parametrize("engine_value", [None, "duckdb", "DuckDB", "local", ""])
    def test_default_engine_is_local_duckdb(self, engine_value):
        lines = load_orders(make_store(), engine=engine_value)
        assert lines.engine == "duckdb" and engine.is_local(lines.table)

    @pytest.mark.parametrize("text, is_table", [
        ("orders", True), ("sales.orders", True), ("lake.sales.orders", True),
        ("orders.csv", False), ("orders.parquet", False), ("cdnow", False),
        ("data/raw/cdnow/CDNOW_master.txt", False), ("my orders", False), ("a.b.c.d", False),
    ])
    def test_what_counts_as_a_table_name(self, text, is_table):
        assert O.looks_like_table_name(text) is is_table

    def test_unknown_engine_names_the_choices(self):
        with pytest.raises(DataError, match=r"^engine=: cannot connect to engine 'nosuch://host/db' to read table "
                                            r"'orders' \(ValueError: "
                                            r".*\. Use 'duckdb' \(local files\), 'spark', or an Ibis connection URL "
                                            r"such as 'postgres://user:password@host:5432/database'"):
            load_orders("orders", engine="nosuch://host/db")

    def test_a_password_in_the_url_is_never_shown(self):
        with pytest.raises(DataError) as info:
            load_orders("orders", engine="nosuch://bob:s3cret@host:5432/shop")
        assert "s3cret" not in str(info.value) and "nosuch://bob:***@host:5432/shop" in str(info.value)

    def test_no_source_at_all(self):
        with pytest.raises(DataError, match=r"^load_orders: no orders source given\. Pass a file path.*"
                                            r"load_orders\('orders', engine='spark'\)"):
            load_orders()

    def test_a_backend_object_is_used_as_it_is(self, tmp_path):
        con = ibis.duckdb.connect(str(tmp_path / "shop.duckdb"))
        con.create_table("orders", make_store())
        lines = load_orders("orders", engine=con)
        assert lines.lazy and lines.source == "DuckDB table orders"
        assert engine.to_pandas(lines.table.revenue.sum()) == pytest.approx(make_store()["revenue"].sum())
        with pytest.raises(DataError, match=r"^engine=duckdb: table 'shop\.orderz' not found on DuckDB .*"
                                            r"Check the table name"):
            load_orders("shop.orderz", engine=con)


@pytest.fixture(scope="module")
def store_parquet(tmp_path_factory):
    path = tmp_path_factory.mktemp("spark") / "store.parquet"
    make_store().to_parquet(path)
    return path


class TestOnSpark:
    pytestmark = spark_only

    def test_parquet_is_read_by_spark_lazily_with_the_same_summary(self, spark_con, store_parquet):
        on_spark, on_duckdb = load_orders(store_parquet, engine="spark"), load_orders(store_parquet)
        assert on_spark.engine == "pyspark" and on_spark.lazy and not engine.is_local(on_spark.table)
        assert "lazy, Spark" in repr(on_spark)
        a, b = on_spark.summary.resolve(), on_duckdb.summary.resolve()
        assert (a.lines_read, a.lines_kept) == (b.lines_read, b.lines_kept) == (11, 11)
        assert [(i.key, i.lines) for i in a.items] == [(i.key, i.lines) for i in b.items]
        assert any("Read lazily through Spark" in n for n in a.notes)

    def test_a_table_by_name_or_by_table_argument(self, spark_con, store_parquet):
        spark_con._session.read.parquet(str(store_parquet)).createOrReplaceTempView("shop_orders")
        by_name = load_orders("shop_orders", engine="spark")
        by_arg = load_orders("data/raw/cdnow/CDNOW_master.txt", table="shop_orders", engine="spark")
        assert by_name.source == by_arg.source == "Spark table shop_orders"
        assert any("the file given as source (data/raw/cdnow/CDNOW_master.txt) was not read" in n
                   for n in by_arg.summary.notes)
        assert len(by_name) == 11

    def test_a_missing_table_lists_the_tables_there(self, spark_con):
        spark_con._session.createDataFrame(make_store()).createOrReplaceTempView("shop_orders")
        with pytest.raises(DataError, match=r"^engine=pyspark: table 'shop_ordrs' not found on Spark "
                                            r"\(TableNotFound\) \(first: tables there: \[.*'shop_orders'.*\]\)\. "
                                            r"Check the table name"):
            load_orders("shop_ordrs", engine="spark")

    def test_an_export_is_parsed_here_and_queried_on_spark(self, spark_con):
        lines = load_orders("cdnow", engine="spark")
        assert lines.engine == "pyspark" and not engine.is_local(lines.table)
        assert "parsed here, queried on Spark" in repr(lines)
        assert lines.summary.notes[-1].startswith("Parsed in this process, then handed to Spark")

    def test_a_csv_read_lazily_by_duckdb_is_collected_and_handed_to_spark(self, spark_con, tmp_path):
        path = tmp_path / "store.csv"
        make_store().to_csv(path, index=False)
        local, on_spark = load_orders(path), load_orders(path, engine="spark")
        assert local.lazy and local.local_file and on_spark.engine == "pyspark"
        assert engine.to_pandas(on_spark.table.count()) == len(local) == 11
        assert engine.to_pandas(on_spark.table.revenue.sum()) == pytest.approx(make_store()["revenue"].sum())
        assert on_spark.summary.notes[-1].startswith("Parsed in this process, then handed to Spark")

    def test_collecting_the_lines_is_refused_above_the_limit(self, spark_con, store_parquet):
        lines = load_orders(store_parquet, engine="spark")
        with engine.collect_limit(10):
            with pytest.raises(DataError, match=r"^to_pandas: the query would bring more than 10 rows from "
                                                r"pyspark into memory .*Aggregate in the engine first"):
                lines.to_pandas()
            assert len(lines.to_pandas(limit=3)) == 3
            assert engine.to_pandas(lines.table.count()) == 11  # scalars always come back

    def test_dates_do_not_shift_with_the_machine_time_zone(self, spark_con, monkeypatch):
        stamps = pd.to_datetime(["2024-01-31 23:30:00", "2024-02-01 00:15:00"]).astype("datetime64[us]")
        frame = pd.DataFrame({"order_id": ["a", "b"], "customer_id": ["x", "y"], "order_date": stamps,
                              "revenue": [10.0, 20.0]})
        monkeypatch.setenv("TZ", "America/Los_Angeles")
        time.tzset()
        try:
            lines = load_orders(frame, engine="spark")
            back = engine.to_pandas(lines.table.order_by("order_id").order_date)
            monthly = K.kpis_by_period(lines)
        finally:
            monkeypatch.undo()
            time.tzset()
        assert back.tolist() == stamps.tolist()
        assert monthly["revenue"].tolist() == [10.0, 20.0]  # January, February: nothing moved across midnight
