"""The engine: what analyses accept as tables, the one door back to pandas, literals."""
from __future__ import annotations

import warnings

import ibis
import pandas as pd
import pytest

from workbench import engine
from workbench.errors import ParameterError


@pytest.fixture
def lines() -> pd.DataFrame:
    return pd.DataFrame({
        "order_id": ["a", "a", "b"],
        "customer_id": [1, 1, 2],
        "order_date": pd.to_datetime(["2024-01-03", "2024-01-03", "2024-02-29"]).astype("datetime64[us]"),
        "revenue": [10.0, 5.0, 7.5],
        "quantity": [1, 2, 1],
        "line_type": ["sale", "sale", "sale"],
    })


def _memtable(df: pd.DataFrame) -> ibis.Table:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*infer_string.*")
        return ibis.memtable(df)


class Holder:
    """Stands in for OrderLines: anything with an Ibis ``.table`` and a ``.source``."""

    def __init__(self, table, source="shop/orders.csv"):
        self.table, self.source = table, source


class TestAsTable:
    def test_accepts_frames_tables_and_order_lines(self, lines):
        t = _memtable(lines)
        assert engine.as_table(t) is t
        assert engine.as_table(Holder(t)) is t
        assert engine.to_pandas(engine.as_table(lines).revenue.sum()) == pytest.approx(22.5)

    def test_refuses_anything_else(self):
        with pytest.raises(TypeError, match="got list"):
            engine.as_table([1, 2])

    def test_default_backend_is_shared(self):
        assert engine.connect() is engine.connect("duckdb") is engine.default_backend()


def test_timestamp_literal_filters(lines):
    t = engine.as_table(lines)
    assert engine.to_pandas(t.filter(t.order_date < engine.timestamp("2024-02-01")).count()) == 2


def test_source_name():
    assert engine.source_name(Holder(None, source="/data/x.csv")) == "/data/x.csv"
    assert engine.source_name(pd.DataFrame()) == "orders (pandas DataFrame)"
    assert engine.source_name(object()) == "orders"


@pytest.mark.parametrize("url, shown", [
    ("postgres://bob:s3cret@db:5432/shop", "postgres://bob:***@db:5432/shop"),
    ("snowflake://bob:p%40ss@acct/db/schema?warehouse=wh", "snowflake://bob:***@acct/db/schema?warehouse=wh"),
    ("postgres://bob@db/shop", "postgres://bob@db/shop"),
    ("trino://user@host:8080/hive/sales", "trino://user@host:8080/hive/sales"),
])
def test_passwords_are_masked(url, shown):
    assert engine.mask_password(url) == shown


def test_backends_remember_their_url_for_messages(tmp_path):
    url = f"duckdb://{tmp_path / 'shop.duckdb'}"
    con = engine.connect(url)
    assert engine.backend_url(con) == url
    assert engine.backend_url(engine.connect(url)) == url  # a second connection to the same URL
    assert engine.backend_url(engine.default_backend()) is None and engine.backend_url(object()) is None


class TestDuckdbSettings:
    """The in-process DuckDB's memory ceiling and spill folder come from the machine, or from the environment."""

    def test_defaults_half_the_memory_and_a_folder_of_this_process(self, monkeypatch):
        import os
        import tempfile

        monkeypatch.delenv("WORKBENCH_DUCKDB_MEMORY", raising=False)
        monkeypatch.delenv("WORKBENCH_DUCKDB_TEMP", raising=False)
        s = engine.duckdb_settings()
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        assert s["memory_limit"] == f"{int(total * engine.DUCKDB_MEMORY_SHARE / 2**20)}MiB"
        assert s["temp_directory"] == os.path.join(tempfile.gettempdir(), f"workbench-duckdb-{os.getpid()}")

    @pytest.mark.parametrize("value, limit", [("4GB", "4GB"), ("500 mb", "500MB"), ("1.5GiB", "1.5GiB")])
    def test_a_size_from_the_environment(self, monkeypatch, value, limit):
        monkeypatch.setenv("WORKBENCH_DUCKDB_MEMORY", value)
        monkeypatch.setenv("WORKBENCH_DUCKDB_TEMP", "/data/spill")
        assert engine.duckdb_settings() == {"memory_limit": limit, "temp_directory": "/data/spill"}

    def test_a_share_of_the_memory(self, monkeypatch):
        monkeypatch.setattr(engine, "_machine_memory", lambda: 16 * 2**30)
        monkeypatch.setenv("WORKBENCH_DUCKDB_MEMORY", "25%")
        assert engine.duckdb_settings()["memory_limit"] == "4096MiB"

    @pytest.mark.parametrize("value", ["lots", "0GB", "150%", "-1GB"])
    def test_a_wrong_value_says_what_to_give(self, monkeypatch, value):
        monkeypatch.setenv("WORKBENCH_DUCKDB_MEMORY", value)
        with pytest.raises(ParameterError, match=rf"^WORKBENCH_DUCKDB_MEMORY='{value}' is not a memory size: give "
                                                 r"one such as '4GB' or '500MB', or a share of this machine's "
                                                 r"memory such as '25%', or unset it for 50%$"):
            engine.duckdb_settings()

    def test_the_default_backend_uses_them(self):
        expected = engine.duckdb_settings()
        con = engine.default_backend()
        assert con.raw_sql("select current_setting('temp_directory')").fetchone()[0] == expected["temp_directory"]
        limit = con.raw_sql("select current_setting('memory_limit')").fetchone()[0]
        assert limit.endswith("GiB") or limit.endswith("MiB")  # DuckDB's own reading of the ceiling set
