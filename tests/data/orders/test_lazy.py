"""Parquet, DuckDB and Ibis sources: mapped lazily with Ibis expressions, counts computed on first access."""
from __future__ import annotations

from pathlib import Path

import ibis
import pandas as pd
import pytest

from workbench import provenance
from workbench.data import load_orders
from workbench.data.synthetic.orders import generate_orders
from workbench.engine import to_pandas
from workbench.errors import DataError

FIX = Path(__file__).parents[2] / "fixtures" / "orders"
T = pd.Timestamp


@pytest.fixture
def canonical_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "order_id": ["1", "1", "2", "3", "3"],
        "customer_id": ["a", "a", None, "b", "b"],
        "order_date": pd.to_datetime(["2024-01-01 10:00", "2024-01-01 10:00", "2024-01-02", "2024-02-01",
                                      "2024-02-09"], format="ISO8601"),
        "revenue": [10.0, 5.5, 7.0, 20.0, -20.0],
        "quantity": [1, 1, 2, 1, -1],
        "line_type": ["sale", "sale", "sale", "sale", "return"],
        "currency": ["EUR"] * 5,
    })


def parquet(tmp_path: Path, frame: pd.DataFrame, name: str = "orders.parquet") -> Path:
    p = tmp_path / name
    frame.to_parquet(p, index=False)
    return p


class TestParquet:
    def test_lazy_canonical(self, tmp_path, canonical_frame):
        loaded = load_orders(parquet(tmp_path, canonical_frame))
        assert loaded.lazy and loaded.format == "canonical"
        assert loaded.columns == ["order_id", "customer_id", "order_date", "revenue", "quantity", "line_type",
                                  "currency"]
        df = loaded.to_pandas()
        assert df["revenue"].tolist() == [10.0, 5.5, 7.0, 20.0, -20.0]
        assert df["order_date"].dtype == "datetime64[us]" and df["quantity"].dtype == "int64"
        s = loaded.summary.resolve()
        assert (s.lines_read, s.lines_kept) == (5, 5)
        assert s.get("returns") == 1 and s["returns"].revenue == -20.0
        assert s.get("no_customer") == 1 and s["no_customer"].revenue == 7.0
        assert len(loaded) == 5
        (entry,) = provenance.registered_inputs()
        assert entry.path.endswith("orders.parquet") and entry.role == "orders"

    def test_counts_are_lazy_until_read(self, tmp_path, canonical_frame):
        loaded = load_orders(parquet(tmp_path, canonical_frame))
        assert "counts not computed yet" in repr(loaded.summary)
        assert loaded.summary.lines_read == 5  # from the Parquet footer, no scan
        assert callable(loaded.summary.lines_kept)  # one query computes every count, on first access
        loaded.summary.resolve()
        assert loaded.summary.lines_kept == 5

    def test_policies_push_down(self, tmp_path, canonical_frame):
        loaded = load_orders(parquet(tmp_path, canonical_frame), returns="drop")
        assert to_pandas(loaded.table.revenue.sum()) == pytest.approx(42.5)
        assert loaded.summary["returns"].treatment == "dropped"
        assert loaded.summary.get("returns") == 1

    def test_mapping_and_text_dates(self, tmp_path):
        frame = pd.DataFrame({"Invoice": ["A", "B"], "Client": [101, 102], "Day": ["2024-03-01", "2024-03-02"],
                              "Net": [1, 2], "Units": [1.0, 3.0]})
        loaded = load_orders(parquet(tmp_path, frame), columns={"order_id": "Invoice", "customer_id": "Client",
                                                                "order_date": "Day", "revenue": "Net",
                                                                "quantity": "Units"})
        assert loaded.format == "generic" and loaded.lazy
        df = loaded.to_pandas()
        assert df["customer_id"].tolist() == ["101", "102"]
        assert df["order_date"].tolist() == [T("2024-03-01"), T("2024-03-02")]
        assert df["revenue"].tolist() == [1.0, 2.0] and df["quantity"].tolist() == [1, 3]
        assert df["line_type"].tolist() == ["sale", "sale"]

    def test_mixed_currencies(self, tmp_path, canonical_frame):
        frame = canonical_frame.assign(currency=["EUR", "EUR", "USD", "EUR", "EUR"])
        path = parquet(tmp_path, frame)
        with pytest.raises(DataError, match=r"orders\.parquet: column `currency`: amounts are in 2 currencies: "
                                            r"\['EUR', 'USD'\].*Pass currency='EUR'"):
            load_orders(path)
        loaded = load_orders(path, currency="EUR")
        assert loaded.summary.get("other_currency") == 1
        assert to_pandas(loaded.table.count()) == 4

    def test_known_layout_in_parquet_is_mapped_in_memory(self, tmp_path):
        raw = pd.read_csv(FIX / "online_retail.csv", dtype=str, encoding="cp1252")
        loaded = load_orders(parquet(tmp_path, raw, "retail.parquet"))
        assert loaded.format == "online-retail" and not loaded.lazy
        assert len(loaded) == 6
        assert "online-retail layout read into memory to be mapped" in loaded.summary.notes

    def test_folder_of_parquet_files(self, tmp_path, canonical_frame):
        folder = tmp_path / "parts"
        folder.mkdir()
        canonical_frame.iloc[:2].to_parquet(folder / "a.parquet", index=False)
        canonical_frame.iloc[2:].to_parquet(folder / "b.parquet", index=False)
        loaded = load_orders(folder)
        assert loaded.summary.lines_read == 5
        assert sorted(to_pandas(loaded.table.order_id).tolist()) == ["1", "1", "2", "3", "3"]
        assert len(provenance.registered_inputs()) == 2

    def test_generated_file_matches_pandas(self, tmp_path):
        """Second implementation: the lazy table's monthly revenue equals pandas on the same lines."""
        frame = generate_orders(5_000, seed=7)
        loaded = load_orders(parquet(tmp_path, frame))
        t = loaded.table
        lazy = to_pandas(t.group_by(m=t.order_date.truncate("M")).aggregate(r=t.revenue.sum()).order_by("m"))
        eager = frame.groupby(frame.order_date.dt.to_period("M"))["revenue"].sum()
        assert lazy["r"].round(2).tolist() == eager.round(2).tolist()


def duckdb_file(path: Path, tables: dict[str, pd.DataFrame]) -> Path:
    import duckdb
    con = duckdb.connect(str(path))
    for name, frame in tables.items():
        con.register("frame", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM frame")
        con.unregister("frame")
    con.close()
    return path


class TestDuckDBAndIbis:
    def test_duckdb_database(self, tmp_path, canonical_frame):
        db = duckdb_file(tmp_path / "shop.duckdb", {"orders": canonical_frame, "customers": pd.DataFrame({"id": [1]})})
        loaded = load_orders(db)
        assert loaded.lazy and to_pandas(loaded.table.count()) == 5

    def test_duckdb_table_choice(self, tmp_path, canonical_frame):
        db = duckdb_file(tmp_path / "shop.duckdb", {"lines": canonical_frame, "customers": pd.DataFrame({"id": [1]})})
        with pytest.raises(DataError, match=r"^shop\.duckdb: the database holds 2 tables\. Pass table= with the table "
                                            r"holding the order lines\. Tables: \['customers', 'lines'\]\.$"):
            load_orders(db)
        assert load_orders(db, table="lines").summary.resolve().lines_kept == 5

    def test_ibis_table(self, canonical_frame):
        loaded = load_orders(ibis.memtable(canonical_frame))
        assert loaded.source == "Ibis table" and loaded.lazy
        assert loaded.summary.resolve().lines_read == 5


class TestFrames:
    def test_canonical_frame_round_trip(self, canonical_frame):
        loaded = load_orders(canonical_frame)
        assert not loaded.lazy and loaded.source == "DataFrame"
        pd.testing.assert_series_equal(loaded.to_pandas()["revenue"], canonical_frame["revenue"])
        assert loaded.to_pandas() is not loaded.to_pandas()  # callers get copies

    def test_input_not_mutated(self, canonical_frame):
        before = canonical_frame.copy()
        load_orders(canonical_frame, returns="drop")
        pd.testing.assert_frame_equal(canonical_frame, before)

    def test_generated_frame_is_canonical(self):
        frame = generate_orders(2_000, seed=3)
        loaded = load_orders(frame)
        assert loaded.format == "canonical"
        assert loaded.columns == list(frame.columns)
        assert loaded.to_pandas()["revenue"].sum() == pytest.approx(frame["revenue"].sum())


def test_text_dates_checked_at_load(tmp_path, canonical_frame):
    frame = canonical_frame.assign(order_date=["2024-01-01", "2024-01-02", "soon", "2024-01-04", "2024-01-05"])
    with pytest.raises(DataError, match=r"orders\.parquet: column `order_date`: values are not dates \(checked the "
                                        r"first 5 rows\) \(1 row; first: row 3: 'soon'\)\. Store dates as ISO"):
        load_orders(parquet(tmp_path, frame))
    frame = canonical_frame.assign(order_date=["1/31/2024"] * 5)
    with pytest.raises(DataError, match=r"column `order_date`: dates in a Parquet/DuckDB text column must be ISO"):
        load_orders(parquet(tmp_path, frame))
