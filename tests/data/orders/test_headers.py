"""Which columns are the order lines' columns: partial mappings, common header spellings, totals, and the mapping
an error suggests when a needed column is still missing (issue 11, "Loaders: what a user actually hands them")."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from workbench.data import load_orders
from workbench.data.orders.headers import SPELLINGS, TOTALS, spelling
from workbench.errors import DataError

T = pd.Timestamp


def write(tmp_path: Path, text: str, name: str = "orders.csv") -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


PLAIN = "order_id,customer_id,order_date,amount\nA1,c1,2024-01-05,10.50\nA2,c2,2024-01-06,-4.00\nA3,c1,2024-02-01,7\n"


class TestPartialMapping:
    def test_revenue_mapped_the_rest_canonical(self, tmp_path):
        loaded = load_orders(write(tmp_path, PLAIN), columns={"revenue": "amount"})
        df = loaded.to_pandas()
        assert loaded.format == "generic"
        assert df["order_id"].tolist() == ["A1", "A2", "A3"]
        assert df["customer_id"].tolist() == ["c1", "c2", "c1"]
        assert df["order_date"].tolist() == [T("2024-01-05"), T("2024-01-06"), T("2024-02-01")]
        assert df["revenue"].tolist() == [10.5, -4.0, 7.0]
        assert df["line_type"].tolist() == ["sale", "return", "sale"]

    def test_mapping_completed_by_spellings(self, tmp_path):
        f = write(tmp_path, "Invoice,Email,Date,Gross\nI-1,a@x.com,2024-03-01,5\n")
        df = load_orders(f, columns={"revenue": "Gross"}).to_pandas()
        assert df[["order_id", "customer_id", "revenue"]].values.tolist() == [["I-1", "a@x.com", 5.0]]

    def test_the_mapping_wins_over_a_canonical_name(self, tmp_path):
        f = write(tmp_path, "order_id,Order Ref,customer_id,order_date,amount\n1,R-9,c1,2024-03-01,5\n")
        df = load_orders(f, columns={"order_id": "Order Ref"}).to_pandas()
        assert df["order_id"].tolist() == ["R-9"]

    def test_one_column_mapped_twice(self, tmp_path):
        with pytest.raises(DataError, match=r"^columns=: column `amount`: column `amount` is mapped to more than "
                                            r"one canonical column\. Map each source column to one"):
            load_orders(write(tmp_path, PLAIN), columns={"revenue": "amount", "unit_price": "amount"})


class TestSpellings:
    def test_plain_csv_loads(self, tmp_path):
        loaded = load_orders(write(tmp_path, PLAIN))
        assert loaded.format == "generic"
        assert loaded.to_pandas()["revenue"].tolist() == [10.5, -4.0, 7.0]
        assert "Columns recognised by their names: revenue = `amount` (pass columns= to choose others)." \
            in loaded.summary.notes

    @pytest.mark.parametrize("header", [
        "Order Number,Customer Email,Created at,Net Sales,Qty",
        "order_no,customer,date,sales,quantity",
        "OrderID,CustomerID,OrderDate,Amount,Units",
        "Invoice #,E-mail,Purchase Date,Line Total,Items",
        "Transaction ID,Client,Timestamp,Revenue,qty",
    ])
    def test_common_spellings(self, tmp_path, header):
        df = load_orders(write(tmp_path, f"{header}\nX-1,c@x.com,2024-05-02,12.5,2\n")).to_pandas()
        assert df[["order_id", "customer_id", "revenue", "quantity"]].values.tolist() == [["X-1", "c@x.com", 12.5, 2]]
        assert df["order_date"].tolist() == [T("2024-05-02")]

    def test_price_times_quantity(self, tmp_path):
        loaded = load_orders(write(tmp_path, "order,customer,date,price,qty\n1,a,2024-01-01,2.50,3\n"
                                             "2,b,2024-01-02,4.00,1\n"))
        df = loaded.to_pandas()
        assert df["revenue"].tolist() == [7.5, 4.0] and df["unit_price"].tolist() == [2.5, 4.0]
        assert "revenue computed as quantity x unit_price" in loaded.summary.notes

    def test_an_amount_beats_a_total(self, tmp_path):
        f = write(tmp_path, "order,customer,date,total,amount\n1,a,2024-01-01,12.00,10.00\n")
        assert load_orders(f).to_pandas()["revenue"].tolist() == [10.0]

    def test_a_total_with_tax_and_shipping_beside_it_is_netted(self, tmp_path):
        """Total 15.50 = net 10.00 + tax 1.50 + shipping 4.00 (a one-row-per-order export)."""
        loaded = load_orders(write(tmp_path, "Order Number,Email,Created,Total,Tax,Shipping\n"
                                             "1001,a@x.com,2024-01-01,15.50,1.50,4.00\n"))
        df = loaded.to_pandas()
        assert df["revenue"].tolist() == [10.0]
        assert (df["tax"].tolist(), df["shipping"].tolist()) == ([1.5], [4.0])
        assert ("Revenue = `Total` - `Tax` - `Shipping`: a total includes tax and shipping, revenue is net of them."
                in loaded.summary.notes)

    def test_a_total_alone_is_taken_as_written_and_the_summary_says_so(self, tmp_path):
        loaded = load_orders(write(tmp_path, "order,customer,date,Grand Total\n1,a,2024-01-01,15.50\n"))
        assert loaded.to_pandas()["revenue"].tolist() == [15.5]
        assert any(n.startswith("Revenue taken from `Grand Total` as written: if that total includes tax or "
                                "shipping, so do revenue and AOV") for n in loaded.summary.notes)
        assert "Revenue taken from `Grand Total`" in loaded.summary.to_markdown()

    def test_a_close_but_unknown_name_is_never_used(self, tmp_path):
        f = write(tmp_path, "order_id,custmer,order_date,amount\n1,a,2024-01-01,5\n")
        with pytest.raises(DataError) as e:
            load_orders(f)
        assert "no column found for customer_id. Name it: columns={'customer_id': 'custmer'} (guessed from its " \
               "name or values: check it)" in str(e.value)

    def test_lazy_parquet_is_mapped_the_same(self, tmp_path):
        frame = pd.DataFrame({"Order Number": ["A", "B"], "Email": ["a@x", "b@x"],
                              "Created at": pd.to_datetime(["2024-01-01", "2024-01-02"]), "Net Sales": [3.0, 4.5]})
        frame.to_parquet(tmp_path / "o.parquet", index=False)
        loaded = load_orders(tmp_path / "o.parquet")
        assert loaded.lazy and loaded.format == "generic"
        assert loaded.to_pandas()[["order_id", "customer_id", "revenue"]].values.tolist() == \
            [["A", "a@x", 3.0], ["B", "b@x", 4.5]]

    @pytest.mark.parametrize("header", ["Customer E-mail", "Billing Email", "E-mail Address", "Buyer Email"])
    def test_an_email_column_is_the_customer_id(self, tmp_path, header):
        # the usual customer key of a small shop's export, however the header spells it
        f = write(tmp_path, f"Order Number,{header},Order Date,Order Total\n1001,ann@example.com,2026-11-03,45.50\n")
        frame = load_orders(f).to_pandas()
        assert frame[["order_id", "customer_id", "revenue"]].values.tolist() == [["1001", "ann@example.com", 45.5]]

    @pytest.mark.parametrize("header, total", [
        ("Bestellnummer;Kunde;Datum;Betrag;Menge;Status", False),                 # German
        ("Numéro de commande;Client;Date de commande;Montant TTC;Quantité;Statut", True),   # French, a total
        ("Pedido;Cliente;Fecha;Importe;Cantidad;Estado", False),                  # Spanish
        ("Bestelnummer;Klant;Besteldatum;Bedrag;Aantal;Status", False),           # Dutch
    ])
    def test_a_shop_exporting_in_its_own_language(self, tmp_path, header, total):
        rows = ["5001;k1@web.de;03.11.2026 10:15;45,50;2;completed", "5002;k2@web.de;04.11.2026 12:01;19,99;1;x",
                "5003;k1@web.de;05.11.2026 09:30;120,00;3;cancelled"]
        f = tmp_path / "orders.csv"
        f.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
        loaded = load_orders(f)
        frame = loaded.to_pandas()
        assert frame["order_id"].tolist() == ["5001", "5002", "5003"]
        assert frame["customer_id"].tolist() == ["k1@web.de", "k2@web.de", "k1@web.de"]
        assert frame["revenue"].tolist() == [45.5, 19.99, 120.0] and frame["quantity"].tolist() == [2, 1, 3]
        assert frame["order_date"].tolist() == [pd.Timestamp("2026-11-03 10:15"), pd.Timestamp("2026-11-04 12:01"),
                                                pd.Timestamp("2026-11-05 09:30")]
        assert any(n.startswith("Revenue taken from") for n in loaded.summary.notes) == total

    def test_a_unit_or_currency_in_the_header_is_ignored(self, tmp_path):
        f = write(tmp_path, "Order #,Email,Date,Amount (EUR),Total [€]\n1001,a@x,2026-11-03,40.00,47.60\n")
        loaded = load_orders(f)
        assert loaded.to_pandas()["revenue"].tolist() == [40.0]            # the amount, not the total
        f = write(tmp_path, "Order #,Email,Date,Order Total (EUR)\n1001,a@x,2026-11-03,47.60\n")
        loaded = load_orders(f)
        assert loaded.to_pandas()["revenue"].tolist() == [47.6]
        assert any(n.startswith("Revenue taken from `Order Total (EUR)` as written") for n in loaded.summary.notes)
        # the currency the header names must be the one asked for: the workbench does not convert
        assert load_orders(f, currency="EUR").to_pandas()["currency"].tolist() == ["EUR"]
        with pytest.raises(DataError, match=r"orders\.csv: column `Order Total \(EUR\)`: `Order Total \(EUR\)` names its "
                                            r"currency, EUR, not USD as currency= says\. Pass currency='EUR'"):
            load_orders(f, currency="USD")
        frame = pd.DataFrame({"order_id": ["1"], "customer_id": ["a"], "order_date": [pd.Timestamp("2026-11-03")],
                              "Amount (EUR)": [40.0]})
        with pytest.raises(DataError, match=r"names its currency, EUR, not USD"):   # a frame, and Parquet
            load_orders(frame, currency="USD")
        frame.to_parquet(tmp_path / "o.parquet", index=False)
        with pytest.raises(DataError, match=r"names its currency, EUR, not USD"):
            load_orders(tmp_path / "o.parquet", currency="USD")

    def test_spelling_normalises_case_separators_and_camel_case(self):
        assert [spelling(h) for h in ("OrderID", "order_id", "Order-ID", "Order #", "Order Number", "InvoiceNo",
                                      "E-mail", "Created at")] == \
            ["order id", "order id", "order id", "order no", "order no", "invoice no", "e mail", "created at"]

    def test_no_spelling_names_two_columns(self):
        seen: dict[str, str] = {}
        for canon, names in [*SPELLINGS.items(), ("revenue", TOTALS)]:
            for name in names:
                assert seen.setdefault(name, canon) == canon, f"{name!r}: {seen[name]} and {canon}"
                assert spelling(name) == name


class TestMissingColumnSuggestsTheMapping:
    def test_revenue_guessed_from_the_values(self, tmp_path):
        f = write(tmp_path, "order_id,customer_id,order_date,gross\nA1,c1,2024-01-05,10.50\n")
        with pytest.raises(DataError) as e:
            load_orders(f)
        assert str(e.value) == (
            "orders.csv: layout not recognised: no column found for revenue. Name it: columns={'revenue': "
            "'gross'} (guessed from its name or values: check it); revenue is each line's net sales before tax "
            "and shipping (or give unit_price and quantity). Columns present: ['order_id', 'customer_id', "
            "'order_date', 'gross']. Known export formats: canonical, cdnow, shopify, woocommerce, "
            "woocommerce-export, online-retail, online-retail-ii.")
        # and the suggestion works
        assert load_orders(f, columns={"revenue": "gross"}).to_pandas()["revenue"].tolist() == [10.5]

    def test_nothing_to_guess(self, tmp_path):
        f = write(tmp_path, "order_id,customer_id,order_date,note\nA1,c1,2024-01-05,gift\n")
        with pytest.raises(DataError, match=r"no column found for revenue\. Name it: columns=\{'revenue': "
                                            r"'<your column>'\}; revenue is each line's net sales"):
            load_orders(f)

    def test_with_a_partial_mapping(self, tmp_path):
        f = write(tmp_path, "ref,who,day,gross\nA1,c1,2024-01-05,10.50\n")
        with pytest.raises(DataError) as e:
            load_orders(f, columns={"order_id": "ref", "revenue": "gross"})
        assert str(e.value) == (
            "orders.csv: no column found for customer_id and order_date. Name them: columns={'customer_id': "
            "'who', 'order_date': 'day'} (guessed from their names or values: check them). Columns already "
            "found: order_id = `ref`, revenue = `gross`. Columns present: ['ref', 'who', 'day', 'gross'].")

    @pytest.mark.parametrize("header, kwargs", [
        ("ref,buyer,day,gross", {}),
        ("ref,buyer,day,gross", {"columns": {"order_id": "ref"}}),
        ("Name,Email,Lineitem quantity,Lineitem name,Financial Status,Created at", {}),
        ("Name,Email,Lineitem quantity,Lineitem name,Financial Status,Created at", {"format": "shopify"}),
    ])
    def test_no_row_count_in_a_missing_column_message(self, tmp_path, header, kwargs):
        f = write(tmp_path, f"{header}\n" + ",".join(["x"] * len(header.split(","))) + "\n")
        with pytest.raises(DataError) as e:
            load_orders(f, **kwargs)
        assert " row" not in str(e.value), str(e.value)

    def test_lazy_source_gets_the_same_suggestion(self, tmp_path):
        pd.DataFrame({"order_id": ["A"], "customer_id": ["c"], "order_date": pd.to_datetime(["2024-01-01"]),
                      "gross": [2.5]}).to_parquet(tmp_path / "o.parquet", index=False)
        with pytest.raises(DataError, match=r"^o\.parquet: layout not recognised: no column found for revenue\. "
                                            r"Name it: columns=\{'revenue': 'gross'\}"):
            load_orders(tmp_path / "o.parquet")
