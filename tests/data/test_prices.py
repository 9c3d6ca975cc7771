"""load_price_monitoring and the generated sample: layouts, decisions and every bad-input message."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import workbench as wb
from workbench.data import generate_price_monitoring
from workbench import provenance
from workbench.data.prices import PRICE_MONITORING_COLUMNS, _bare_key
from workbench.errors import DataError

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "prices"


def _csv(tmp_path, text, name="prices.csv"):
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return f


class TestLoad:
    def test_canonical_fixture(self):
        d = wb.load_price_monitoring(FIX / "positioning.csv", own_seller="US", weight_column="revenue")
        assert list(d.table.columns[:len(PRICE_MONITORING_COLUMNS)]) == list(PRICE_MONITORING_COLUMNS)
        assert d.own_seller == "Us" and d.competitors == ["A", "B", "C"]
        assert len(d.table) == 23 and d.rows_read == 23 and not d.generated
        assert d.table.in_stock.sum() == 19
        assert d.table.price.isna().sum() == 1  # S3 at A: in stock, no price
        assert d.table.loc[d.table.is_own, "sku"].tolist() == ["S1", "S2", "S3", "S4", "S5", "S6", "S7"]
        assert d.table["revenue"].dtype == "float64"
        (entry,) = provenance.registered_inputs()
        assert entry.role == "price monitoring" and entry.path.endswith("positioning.csv")

    def test_european_export_with_other_headers(self):
        d = wb.load_price_monitoring(FIX / "export_semicolon.csv", own_seller="my shop")
        t = d.table
        assert d.own_seller == "My Shop" and d.competitors == ["Rival"]
        assert t.price.tolist()[:2] == [1299.0, 1249.5]  # "€ 1.299,00": decimal comma, thousands dot
        assert t.list_price.tolist()[0] == 1399.0
        assert t.date.tolist()[-1] == pd.Timestamp("2026-01-13")  # 13.01.2026 proves day-first
        assert t.in_stock.tolist() == [True, True, False, True, True]
        assert np.isnan(t.price.iloc[2])  # a price of 0 is read as missing
        assert t.on_promo.tolist()[:2] == [1.0, 0.0]  # below list price = promotion when no flag column
        assert any("1 prices of 0 read as missing" in n for n in d.notes)
        assert any("below the list price is read as a promotion" in n for n in d.notes)

    def test_columns_mapping(self, tmp_path):
        f = _csv(tmp_path, "Artikel,Haendler,Tag,Preis\nA1,Wir,2026-01-01,5\nA1,Die,2026-01-01,6\n")
        d = wb.load_price_monitoring(f, own_seller="Wir", columns={"sku": "Artikel", "seller": "Haendler",
                                                                    "date": "Tag", "price": "Preis"})
        assert d.table.price.tolist() == [6.0, 5.0] or d.table.price.tolist() == [5.0, 6.0]
        assert d.table.in_stock.all() and any("every observation is taken as in stock" in n for n in d.notes)

    def test_a_small_tracker_export_named_its_own_way(self, tmp_path):
        # products by name only, a price header with its currency, "Scraped" for the date
        f = _csv(tmp_path, "Product,Shop,Scraped,Price (EUR),Available\nMug Blue,Our Store,2026-11-09,12.90,yes\n"
                           "Mug Blue,Rival,2026-11-09,11.50,yes\nTea Pot,Our Store,2026-11-09,34.00,yes\n"
                           "Tea Pot,Rival,2026-11-09,36.50,no\n")
        d = wb.load_price_monitoring(f, own_seller="our store")
        t = d.table.sort_values(["sku", "seller"])
        assert t.sku.tolist() == ["Mug Blue", "Mug Blue", "Tea Pot", "Tea Pot"]
        assert t.product_name.tolist() == t.sku.tolist()
        assert t.price.tolist() == [12.9, 11.5, 34.0, 36.5] and t.in_stock.tolist() == [True, True, True, False]
        assert "No sku column: products are identified by their name (`Product`)." in d.notes
        assert [_bare_key(h) for h in ("Price €", "price [EUR]", "Price (EUR)", "Regular price ($)")] == \
            ["price", "price", "price", "regularprice"]

    def test_stock_quantities_and_words(self):
        frame = pd.DataFrame({"sku": ["a"] * 4, "seller": ["us", "x", "y", "z"], "date": "2026-01-01",
                              "price": [1, 1, 1, 1], "stock": ["12", "0", "Sold out", "LimitedAvailability"]})
        d = wb.load_price_monitoring(frame, own_seller="us")
        assert d.table.set_index("seller").in_stock.to_dict() == {"us": True, "x": False, "y": False, "z": True}

    def test_exact_duplicates_dropped(self):
        frame = pd.DataFrame({"sku": ["a", "a", "a"], "seller": ["us", "x", "x"], "date": "2026-01-01",
                              "price": [1.0, 2.0, 2.0]})
        d = wb.load_price_monitoring(frame, own_seller="us")
        assert len(d.table) == 2 and d.rows_dropped == {"exact duplicates": 1}

    def test_input_frame_is_not_changed(self):
        frame = pd.read_csv(FIX / "positioning.csv")
        before = frame.copy()
        wb.load_price_monitoring(frame, own_seller="Us")
        pd.testing.assert_frame_equal(frame, before)


class TestGeneratedSample:
    def test_labelled_and_reproducible(self):
        d = wb.load_price_monitoring(None)
        assert d.generated and "GENERATED" in d.summary() and "generated" in d.label
        assert d.weight_column == "own_revenue_28d"
        again = generate_price_monitoring()
        pd.testing.assert_frame_equal(generate_price_monitoring(), again)
        assert again.attrs["generated"] is True
        assert provenance.registered_inputs() == []  # nothing read from disk

    def test_layout(self):
        s = generate_price_monitoring(n_skus=10, days=14, seed=1)
        assert set(s.seller) == {"Our store", "Competitor A", "Competitor B", "Competitor C", "Competitor D"}
        assert s.sku.nunique() == 10 and s.date.nunique() == 14
        own = s[s.seller == "Our store"]
        assert len(own) == 10 * 14  # our own rows never fail
        assert (s.price.dropna() % 1).round(2).eq(0.99).all()  # prices end in .99
        promo = s[(s.on_promo == 1) & s.price.notna()]
        assert len(promo) > 0 and (promo.price < promo.list_price).all()
        assert s.loc[s.price.isna(), "in_stock"].eq(False).all()  # only out-of-stock rows hide the price
        assert (s.groupby("sku").own_revenue_28d.nunique() == 1).all()

    def test_different_seed_differs(self):
        a = generate_price_monitoring(n_skus=5, days=5, seed=1)
        b = generate_price_monitoring(n_skus=5, days=5, seed=2)
        assert not a.price.equals(b.price)


class TestBadInput:
    def test_file_not_found(self):
        with pytest.raises(DataError, match=r"nope.csv: file not found.*pass None for the generated sample"):
            wb.load_price_monitoring("nope.csv")

    def test_empty_and_header_only(self, tmp_path):
        with pytest.raises(DataError, match=r"empty.csv: the file is empty"):
            wb.load_price_monitoring(_csv(tmp_path, "", "empty.csv"))
        with pytest.raises(DataError, match=r"head.csv: the file has a header but no data rows"):
            wb.load_price_monitoring(_csv(tmp_path, "sku,seller,date,price\n", "head.csv"))

    def test_missing_required_column(self, tmp_path):
        f = _csv(tmp_path, "sku,shopname,date,price\na,us,2026-01-01,1\n")
        with pytest.raises(DataError, match=r"prices.csv: column `seller`: no column for 'seller' found.*"
                                            r"columns=\{'seller': '<your column>'\}. Columns present: "
                                            r"\['sku', 'shopname', 'date', 'price'\]"):
            wb.load_price_monitoring(f)

    def test_mapping_to_a_missing_column(self, tmp_path):
        f = _csv(tmp_path, "sku,seller,date,price\na,us,2026-01-01,1\n")
        with pytest.raises(DataError, match=r"column `Shop`: column `Shop` \(given for 'seller'\) not found"):
            wb.load_price_monitoring(f, columns={"seller": "Shop"})
        with pytest.raises(DataError, match=r"columns= names an unknown field 'shop'"):
            wb.load_price_monitoring(f, columns={"shop": "seller"})

    def test_non_numeric_price(self, tmp_path):
        f = _csv(tmp_path, "sku,seller,date,price\na,us,2026-01-01,1.50\na,x,2026-01-01,call us\n")
        with pytest.raises(DataError, match=r"prices.csv: column `price`: values are not numbers \(1 row; first: "
                                            r"row 2: 'call us'\)"):
            wb.load_price_monitoring(f, own_seller="us")

    def test_negative_price(self, tmp_path):
        f = _csv(tmp_path, "sku,seller,date,price\na,us,2026-01-01,1.50\na,x,2026-01-01,-2\n")
        with pytest.raises(DataError, match=r"column `price`: prices below 0 \(1 row; first: row 2: '-2'\)"):
            wb.load_price_monitoring(f, own_seller="us")

    def test_bad_dates(self, tmp_path):
        f = _csv(tmp_path, "sku,seller,date,price\na,us,2026-01-01,1.50\na,x,yesterday,2\n")
        with pytest.raises(DataError, match=r"column `date`: values are not dates \(1 row; first: row 2: "
                                            r"'yesterday'\)"):
            wb.load_price_monitoring(f, own_seller="us")

    def test_unknown_stock_value(self, tmp_path):
        f = _csv(tmp_path, "sku,seller,date,price,availability\na,us,2026-01-01,1,yes\na,x,2026-01-01,2,maybe\n")
        with pytest.raises(DataError, match=r"column `availability`: stock values not understood \(1 row; first: "
                                            r"row 2: 'maybe'\)"):
            wb.load_price_monitoring(f, own_seller="us")

    def test_own_seller_not_found_lists_sellers(self, tmp_path):
        f = _csv(tmp_path, "sku,seller,date,price\na,shop1,2026-01-01,1\na,shop2,2026-01-01,2\n")
        with pytest.raises(DataError, match=r"our store 'Our store' is not among the sellers \(2 rows; first: "
                                            r"sellers: \['shop1', 'shop2'\]\)\. Pass own_seller="):
            wb.load_price_monitoring(f)

    def test_no_competitor(self, tmp_path):
        f = _csv(tmp_path, "sku,seller,date,price\na,us,2026-01-01,1\n")
        with pytest.raises(DataError, match=r"the export has no competitor, only our store"):
            wb.load_price_monitoring(f, own_seller="us")

    def test_missing_sku(self, tmp_path):
        f = _csv(tmp_path, "sku,seller,date,price\na,us,2026-01-01,1\n,x,2026-01-01,1\n")
        with pytest.raises(DataError, match=r"column `sku`: rows without a sku \(1 row; first: row 2\)"):
            wb.load_price_monitoring(f, own_seller="us")

    def test_weight_column_errors(self, tmp_path):
        f = _csv(tmp_path, "sku,seller,date,price,rev\na,us,2026-01-01,1,10\na,x,2026-01-01,1,11\n")
        with pytest.raises(DataError, match=r"column `rev`: weights differ between rows of the same sku "
                                            r"\(1 row; first: sku a\)"):
            wb.load_price_monitoring(f, own_seller="us", weight_column="rev")
        with pytest.raises(DataError, match=r"column `revenue`: weight column `revenue` not found"):
            wb.load_price_monitoring(f, own_seller="us", weight_column="revenue")
