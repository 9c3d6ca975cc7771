"""CDNOW through load_orders: the shipped master file, its CSV twin, and hand-worked small cases.

The figures asserted on the shipped file come from the data's own documentation (data/raw/README.md:
69,659 lines, 23,570 customers, revenue $2,500,315.63, 167,881 CDs, 80 zero-amount lines, 2,068 same-day
repeats), computed by the packager independently of this loader.
"""
from __future__ import annotations

import ibis
import pandas as pd
import pytest

from workbench import provenance
from workbench.data import load_orders
from workbench.data.schema import REQUIRED_ORDER_COLUMNS
from workbench.engine import as_table


@pytest.fixture(scope="module")
def cdnow():
    return load_orders("data/raw/cdnow/CDNOW_master.txt")


class TestShippedCdnow:
    def test_published_figures(self, cdnow):
        df = cdnow.to_pandas()
        assert len(df) == 69_659
        assert df["customer_id"].nunique() == 23_570
        assert round(df["revenue"].sum(), 2) == 2_500_315.63
        assert df["quantity"].sum() == 167_881
        assert df["order_date"].min() == pd.Timestamp("1997-01-01")
        assert df["order_date"].max() == pd.Timestamp("1998-06-30")
        assert df["revenue"].max() == 1286.01

    def test_contract(self, cdnow):
        assert cdnow.format == "cdnow"
        assert cdnow.source.endswith("CDNOW_master.txt")
        assert isinstance(cdnow.table, ibis.Table)
        assert cdnow.columns == [*REQUIRED_ORDER_COLUMNS, "currency"]
        assert as_table(cdnow) is cdnow.table
        assert as_table(cdnow).count().execute() == 69_659
        schema = cdnow.table.schema()
        assert schema["order_date"].is_timestamp() and schema["quantity"] == ibis.dtype("int64")

    def test_ids_unpadded_and_orders_built(self, cdnow):
        df = cdnow.to_pandas()
        assert set(df["customer_id"]) == {str(i) for i in range(1, 23_571)}
        # file lines 3-4: customer 00002 bought twice on 1997-01-12 (1 CD $12.00, 5 CDs $77.00)
        two = df[df["customer_id"] == "2"].head(2)
        assert two["order_id"].tolist() == ["2-19970112-1", "2-19970112-2"]
        assert two["revenue"].tolist() == [12.0, 77.0]
        assert df["order_id"].is_unique

    def test_summary_counts(self, cdnow):
        s = cdnow.summary
        assert s.lines_read == 69_659 and s.lines_kept == 69_659
        assert s["zero_revenue"].lines == 80
        assert s["same_day_repeat"].lines == 2_068
        assert "80 sale lines with revenue 0: kept as sales of revenue 0" in s.to_markdown()
        assert "no_customer" not in s and "returns" not in s

    def test_literature_sample(self, cdnow):
        """The 1/10 sample of Fader, Hardie & Lee (2005): 2,357 customers with 6,919 lines (data/raw/README.md,
        checked by the packager against btyd's CDNOW_sample.txt)."""
        ids = pd.read_csv("data/raw/cdnow/cdnow_sample_customer_ids.csv", dtype={"customer_id": str})
        df = cdnow.to_pandas()
        sample = df[df["customer_id"].isin(ids["customer_id"].str.lstrip("0"))]
        assert sample["customer_id"].nunique() == 2_357
        assert len(sample) == 6_919

    def test_csv_twin_identical(self, cdnow):
        twin = load_orders("data/raw/cdnow/cdnow_transactions.csv")
        assert twin.format == "cdnow"
        pd.testing.assert_frame_equal(twin.to_pandas(), cdnow.to_pandas())

    def test_shipped_name_and_provenance(self):
        orders = load_orders("cdnow")
        assert orders.source.endswith("CDNOW_master.txt")
        (entry,) = provenance.registered_inputs()
        assert entry.role == "orders"
        assert entry.sha256 == "eff6889ed364c5199d6eacbbeb7a6d559971df4406ac876f322c373f00a072ef"


def test_small_fixed_width_file_by_hand(tmp_path):
    f = tmp_path / "cd.txt"
    f.write_text(" 00007 19970105  2   20.50\r\n 00007 19970105  1    0.00\r\n 00012 19980630  3   35.97\r\n")
    df = load_orders(f).to_pandas()
    assert df["order_id"].tolist() == ["7-19970105-1", "7-19970105-2", "12-19980630-1"]
    assert df["customer_id"].tolist() == ["7", "7", "12"]
    assert df["order_date"].tolist() == [pd.Timestamp("1997-01-05")] * 2 + [pd.Timestamp("1998-06-30")]
    assert df["revenue"].tolist() == [20.5, 0.0, 35.97]
    assert df["quantity"].tolist() == [2, 1, 3]
    assert df["line_type"].tolist() == ["sale"] * 3
