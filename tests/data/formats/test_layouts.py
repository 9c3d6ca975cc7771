"""Each export layout loads from a small fixture in tests/fixtures/orders/ to canonical rows worked out by hand.

The expected rows below were written from the fixture files and the documented mapping rules (module
docstrings of workbench/data/formats/), not by running the loader: e.g. Shopify #1001 has 2 x 25.00 + 1 x 12.00
= 62.00 gross and Subtotal 55.80, so its 6.20 order discount is shared 50/62 and 12/62 -> 5.00 and 1.20.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench.data import load_orders
from workbench.data.schema import ORDER_COLUMNS

FIX = Path(__file__).parents[2] / "fixtures" / "orders"
T = pd.Timestamp
NA = pd.NA


def expect(rows: list[tuple], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def assert_rows(actual: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Compare the expected columns value by value (money to the cent, missing = missing)."""
    assert len(actual) == len(expected), actual.to_string()
    for col in expected.columns:
        got, want = actual[col].tolist(), expected[col].tolist()
        for i, (g, w) in enumerate(zip(got, want)):
            if w is NA or (isinstance(w, float) and np.isnan(w)):
                assert pd.isna(g), f"{col} row {i}: {g!r} should be missing"
            elif isinstance(w, float):
                assert g == pytest.approx(w, abs=1e-9), f"{col} row {i}: {g!r} != {w!r}"
            else:
                assert g == w, f"{col} row {i}: {g!r} != {w!r}"


def canonical_order(columns: list[str]) -> bool:
    return columns == [c for c in ORDER_COLUMNS if c in columns]


@pytest.fixture(scope="module")
def shopify():
    return load_orders(FIX / "shopify_orders_export.csv")


@pytest.fixture(scope="module")
def online_retail():
    return load_orders(FIX / "online_retail.csv")


class TestShopify:
    @pytest.fixture
    def loaded(self, shopify):
        return shopify

    def test_rows(self, loaded):
        assert loaded.format == "shopify"
        cols = ["order_id", "customer_id", "order_date", "revenue", "quantity", "line_type", "discount", "tax",
                "shipping", "status", "sku"]
        rows = [
            ("#1001", "ann@example.com", T("2024-01-05 09:14:22"), 45.00, 2, "sale", 5.00, 4.46, 5.00, "completed",
             "TEE-ORG-M"),
            ("#1001", "ann@example.com", T("2024-01-05 09:14:22"), 10.80, 1, "sale", 1.20, 0.0, 0.0, "completed",
             "MUG-L"),
            ("#1002", "bob@example.com", T("2024-01-06 18:02:00"), 30.00, 1, "sale", 0.0, 2.40, 0.0, "refunded",
             "BEANIE-GRY"),
            ("#1002", "bob@example.com", T("2024-01-06 18:02:00"), -30.00, -1, "return", 0.0, 0.0, 0.0, "refunded",
             "BEANIE-GRY"),
            ("#1003", "carla@example.com", T("2024-01-07 11:30:05"), 18.00, 1, "sale", 0.0, 0.0, 4.00,
             "partially_refunded", "TOTE-NAT"),
            ("#1003", "carla@example.com", T("2024-01-07 11:30:05"), 6.00, 1, "sale", 2.00, 0.0, 0.0,
             "partially_refunded", "PIN-01"),
            ("#1003", "carla@example.com", T("2024-01-07 11:30:05"), -8.00, 0, "return", np.nan, 0.0, 0.0,
             "partially_refunded", NA),
            ("#1004", "dan@example.com", T("2024-01-08 22:45:10"), 75.00, 3, "sale", 0.0, 6.40, 5.00, "cancelled",
             "TEE-ORG-M"),
            ("#1004", "dan@example.com", T("2024-01-09 08:00:00"), -75.00, -3, "return", 0.0, 0.0, 0.0, "cancelled",
             "TEE-ORG-M"),
            ("#1005", NA, T("2024-01-10 14:00:00"), 9.00, 2, "sale", 0.0, 0.72, 0.0, "pending", "STK-PACK"),
        ]
        assert_rows(loaded.to_pandas(), expect(rows, cols))

    def test_other_columns(self, loaded):
        df = loaded.to_pandas()
        assert canonical_order(list(df.columns))
        assert df["product_name"].iloc[1] == "Mug, large"
        assert df["category"].iloc[0] == "Northwind Apparel"
        assert df["unit_price"].iloc[0] == 25.0
        assert set(df["currency"]) == {"USD"}
        assert df["region"].tolist()[:3] == ["NY", "NY", "TX"]
        assert df["channel"].iloc[-1] == "pos"

    def test_lines_sum_to_subtotals_net_of_returns(self, loaded):
        df = loaded.to_pandas()
        sales = df[df.line_type == "sale"].groupby("order_id")["revenue"].sum()
        # Subtotal column of the fixture: 55.80, 30.00, 24.00, 75.00, 9.00
        assert sales.round(2).to_dict() == {"#1001": 55.8, "#1002": 30.0, "#1003": 24.0, "#1004": 75.0, "#1005": 9.0}
        assert df["tax"].sum() == pytest.approx(4.46 + 2.40 + 0 + 6.40 + 0.72)
        assert df["revenue"].sum() == pytest.approx(55.80 + 0 + 24.00 - 8.00 + 0 + 9.00)

    def test_summary(self, loaded):
        s = loaded.summary
        assert (s.lines_read, s.lines_kept) == (7, 10)
        assert s["cancelled_orders"].lines == 1 and s["cancelled_orders"].treatment == "changed"
        assert s["refunded_orders"].lines == 1
        assert s["partial_refunds"].lines == 1 and s["partial_refunds"].revenue == pytest.approx(-8.0)
        assert s["returns"].lines == 3 and s["returns"].revenue == pytest.approx(-113.0)
        assert s["no_customer"].lines == 1
        assert s["pending"].lines == 1
        assert "1 line without a customer id: kept for revenue, left out of customer metrics" in str(s)
        assert any("time-zone offsets dropped" in n for n in s.notes)

    def test_zipped_export(self, tmp_path, shopify):
        """Shopify e-mails large exports as a zip archive holding one CSV."""
        import zipfile
        zp = tmp_path / "orders_export.zip"
        with zipfile.ZipFile(zp, "w") as zf:
            zf.write(FIX / "shopify_orders_export.csv", "orders_export_1.csv")
        pd.testing.assert_frame_equal(load_orders(zp).to_pandas(), shopify.to_pandas())

    def test_cancelled_drop_and_returns_drop(self):
        df = load_orders(FIX / "shopify_orders_export.csv", cancelled="drop", returns="drop").to_pandas()
        assert df["order_id"].tolist() == ["#1001", "#1001", "#1002", "#1003", "#1003", "#1005"]
        assert (df["line_type"] == "sale").all()
        assert df["revenue"].sum() == pytest.approx(55.80 + 30.00 + 24.00 + 9.00)


class TestWooCommerceAnalytics:
    def test_rows(self):
        loaded = load_orders(FIX / "woocommerce_analytics_orders.csv")
        assert loaded.format == "woocommerce"
        cols = ["order_id", "customer_id", "order_date", "revenue", "quantity", "line_type", "status", "currency",
                "channel", "product_name"]
        rows = [
            ("1201", "Jane Smith", T("2024-03-01 10:15"), 76.50, 2, "sale", "completed", "USD", "Organic: Google",
             "Hoodie, Beanie"),
            ("1202", "Tom Baker", T("2024-03-01 12:40"), 45.00, 1, "sale", "completed", "USD", "Direct", "Hoodie"),
            ("1203", "Ana Silva", T("2024-03-02 09:05"), 25.00, 1, "sale", "refunded", "USD", "Direct", "Beanie"),
            ("1203", "Ana Silva", T("2024-03-04 08:00"), -25.00, -1, "return", "refunded", "USD", "Direct", "Beanie"),
            ("1205", "Li Wei", T("2024-03-03 17:00"), 12.00, 1, "sale", "cancelled", "USD",
             "Referral: blog.example.com", "Mug"),
            ("1205", "Li Wei", T("2024-03-03 17:00"), -12.00, -1, "return", "cancelled", "USD",
             "Referral: blog.example.com", "Mug"),
            ("1206", "Tom Baker", T("2024-03-05 11:11"), 1234.50, 3, "sale", "pending", "USD", "Direct",
             "Gift Set\n(Deluxe)"),
        ]
        assert_rows(loaded.to_pandas(), expect(rows, cols))
        s = loaded.summary
        assert s["not_sales"].lines == 1 and s["not_sales"].treatment == "dropped"
        assert s["not_sales"].revenue == 45.0
        assert s["cancelled_orders"].lines == 1


class TestWooCommerceExport:
    def test_rows_semicolons_decimal_commas_bom(self):
        loaded = load_orders(FIX / "woocommerce_order_export.csv")
        assert loaded.format == "woocommerce-export"
        cols = ["order_id", "customer_id", "order_date", "revenue", "quantity", "line_type", "status", "tax",
                "shipping", "currency", "country", "product_name", "unit_price"]
        rows = [
            ("4101", "17", T("2024-05-02 14:03:11"), 53.91, 2, "sale", "completed", 16.30, 4.90, "EUR", "DE",
             'Trinkflasche "Alpin"', 29.95),
            ("4101", "17", T("2024-05-02 14:03:11"), 27.00, 1, "sale", "completed", 0.0, 0.0, "EUR", "DE",
             "Brotdose Edelstahl, groß", 30.00),
            ("4102", NA, T("2024-05-03 09:20:00"), 1250.00, 1, "sale", "refunded", 237.50, 0.0, "EUR", "AT",
             'Rucksack "Gipfel" Pro', 1250.00),
            ("4102", NA, T("2024-05-03 09:20:00"), -1250.00, -1, "return", "refunded", 0.0, 0.0, "EUR", "AT",
             'Rucksack "Gipfel" Pro', 1250.00),
            ("4103", "23", T("2024-05-04 18:45:30"), 19.90, 1, "sale", "partially_refunded", 4.71, 4.90, "EUR", "DE",
             "Karabiner 3er-Set", 19.90),
            ("4103", "23", T("2024-05-04 18:45:30"), -5.00, 0, "return", "partially_refunded", 0.0, 0.0, "EUR", "DE",
             "(partial refund, items not stated)", np.nan),
            ("4105", "17", T("2024-05-05 08:00:00"), 24.90, 1, "sale", "cancelled", 4.73, 0.0, "EUR", "DE",
             "Stirnlampe", 24.90),
            ("4105", "17", T("2024-05-05 08:00:00"), -24.90, -1, "return", "cancelled", 0.0, 0.0, "EUR", "DE",
             "Stirnlampe", 24.90),
        ]
        assert_rows(loaded.to_pandas(), expect(rows, cols))
        s = loaded.summary
        assert s["not_sales"].lines == 1 and s["not_sales"].revenue == pytest.approx(9.90)
        assert s["no_customer"].lines == 2
        assert "UTF-8 byte-order mark removed." in s.notes


class TestOnlineRetail:
    @pytest.fixture
    def loaded(self, online_retail):
        return online_retail

    def test_rows(self, loaded):
        assert loaded.format == "online-retail"
        cols = ["order_id", "customer_id", "order_date", "revenue", "quantity", "line_type", "sku", "unit_price",
                "status", "country", "currency"]
        uk = "United Kingdom"
        rows = [
            ("536365", "17850", T("2010-12-01 08:26"), 15.30, 6, "sale", "85123A", 2.55, "completed", uk, "GBP"),
            ("536365", "17850", T("2010-12-01 08:26"), 20.34, 6, "sale", "71053", 3.39, "completed", uk, "GBP"),
            ("536366", "17850", T("2010-12-01 08:28"), 11.10, 6, "sale", "22633", 1.85, "completed", uk, "GBP"),
            ("C536383", "15311", T("2010-12-01 09:49"), -4.65, -1, "return", "35004C", 4.65, "cancelled", uk, "GBP"),
            ("536544", NA, T("2010-12-01 14:32"), 2.51, 1, "sale", "21773", 2.51, "completed", uk, "GBP"),
            ("536365", "17850", T("2010-12-01 08:26"), 20.34, 6, "sale", "71053", 3.39, "completed", uk, "GBP"),
        ]
        assert_rows(loaded.to_pandas(), expect(rows, cols))

    def test_summary(self, loaded):
        s = loaded.summary
        assert (s.lines_read, s.lines_kept) == (11, 6)
        # POST 54.00, D -27.50, zero-price 0, bad debt 11,062.06, gift voucher 17.02
        assert s["non_product"].lines == 5 and s["non_product"].treatment == "dropped"
        assert s["non_product"].revenue == pytest.approx(54 - 27.5 + 0 + 11062.06 + 17.02)
        assert s["non_product_codes"].lines == 4
        assert s["zero_price"].lines == 1
        assert s["duplicate_rows"].lines == 1
        assert s["no_customer"].lines == 1 and s["no_customer"].revenue == pytest.approx(2.51)
        assert s["returns"].lines == 1
        assert any("Windows-1252" in n for n in s.notes)

    def test_non_product_keep(self):
        df = load_orders(FIX / "online_retail.csv", non_product="keep").to_pandas()
        np_lines = df[df.line_type == "non_product"]
        assert np_lines["sku"].tolist() == ["POST", "D", "22139", "B", "gift_0001_20"]
        assert np_lines["product_name"].iloc[-1] == "Dotcomgiftshop Gift Voucher £20.00"
        assert np_lines["order_date"].iloc[-2] == T("2011-08-12 14:50")  # month/day read from 12/13/2010


class TestOnlineRetailII:
    def test_excel_first_sheet(self):
        loaded = load_orders(FIX / "online_retail_II.xlsx")
        assert loaded.format == "online-retail-ii"
        cols = ["order_id", "customer_id", "order_date", "revenue", "quantity", "line_type", "sku", "country"]
        rows = [
            ("489434", "13085", T("2009-12-01 07:45"), 83.40, 12, "sale", "85048", "United Kingdom"),
            ("489434", "13085", T("2009-12-01 07:45"), 81.00, 12, "sale", "79323P", "United Kingdom"),
            ("C489449", "16321", T("2009-12-01 10:33"), -35.40, -12, "return", "22087", "Australia"),
        ]
        assert_rows(loaded.to_pandas(), expect(rows, cols))
        assert loaded.summary["non_product"].lines == 2  # POST and the price-0 stock adjustment
        assert "Year 2010-2011" in loaded.summary.notes[0]

    def test_other_sheet(self):
        df = load_orders(FIX / "online_retail_II.xlsx", sheet="Year 2010-2011").to_pandas()
        assert df[["order_id", "customer_id", "revenue"]].values.tolist() == [["536365", "17850", 15.3]]


class TestGenericMapping:
    def test_columns_mapping(self):
        loaded = load_orders(FIX / "generic_shop_export.csv",
                             columns={"order_id": "Order No", "customer_id": "Client", "order_date": "Placed",
                                      "revenue": "Net amount", "quantity": "Units", "sku": "Item"})
        assert loaded.format == "generic"
        cols = ["order_id", "customer_id", "order_date", "revenue", "quantity", "line_type", "sku"]
        rows = [
            ("A-17", "c-001", T("2024-02-29"), 1234.50, 3, "sale", "KB-01"),
            ("A-18", "c-002", T("2024-03-01"), 99.00, 1, "sale", "MS-02"),
            ("A-18", "c-002", T("2024-03-01"), -99.00, -1, "return", "MS-02"),
            ("A-19", NA, T("2024-03-02"), 0.50, 1, "sale", "ST-09"),
        ]
        assert_rows(loaded.to_pandas(), expect(rows, cols))
        assert loaded.summary["returns_from_sign"].lines == 1
        # "$1,234.50" names USD on one line; the file names no other currency, so all lines are USD (counted)
        assert loaded.to_pandas()["currency"].tolist() == ["USD"] * 4
        assert loaded.summary["currency_filled"].lines == 3

    def test_currency_parameter_fills(self):
        loaded = load_orders(FIX / "generic_shop_export.csv", currency="usd",
                             columns={"order_id": "Order No", "customer_id": "Client", "order_date": "Placed",
                                      "revenue": "Net amount"})
        df = loaded.to_pandas()
        assert set(df["currency"]) == {"USD"}
        assert df["quantity"].tolist() == [1, 1, 1, 1]
        assert loaded.summary["quantity_assumed"].lines == 4
