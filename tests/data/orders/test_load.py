"""Bad input gets one DataError naming the file, the column, the row count, the first example and the fix."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from workbench.data import load_orders
from workbench.errors import DataError

FIX = Path(__file__).parents[2] / "fixtures" / "orders"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def message(excinfo) -> str:
    return str(excinfo.value)


class TestFileLevel:
    def test_empty_file(self, tmp_path):
        f = write(tmp_path, "orders.csv", "")
        with pytest.raises(DataError, match=r"^orders\.csv: the file is empty \(no header, no rows\)\. "
                                            r"Export the orders again"):
            load_orders(f)

    def test_whitespace_only_file_is_empty(self, tmp_path):
        f = write(tmp_path, "orders.csv", "\ufeff \r\n\r\n")
        with pytest.raises(DataError, match="the file is empty"):
            load_orders(f)

    def test_header_only(self, tmp_path):
        f = write(tmp_path, "orders.csv", "order_id,customer_id,order_date,revenue\n")
        with pytest.raises(DataError) as e:
            load_orders(f)
        assert message(e) == ("orders.csv: the file has a header but no data rows (0 rows; first: header: "
                              "['order_id', 'customer_id', 'order_date', 'revenue']). Export a period that "
                              "contains orders.")

    def test_file_not_found(self):
        with pytest.raises(DataError, match=r"nope/orders\.csv: file not found\. Check the path .*shipped data "
                                            r"sets by name: .*cdnow"):
            load_orders("nope/orders.csv")

    def test_duplicated_header(self, tmp_path):
        f = write(tmp_path, "orders.csv", "order_id,customer_id,order_date,revenue,revenue\nA1,c1,2024-01-01,5,6\n")
        with pytest.raises(DataError) as e:
            load_orders(f)
        assert message(e) == ("orders.csv: column `revenue`: the header names 1 column twice: ['revenue']. Rename "
                              "or delete the duplicated columns so each name appears once, then load the file "
                              "again. Header: ['order_id', 'customer_id', 'order_date', 'revenue', 'revenue'].")

    def test_duplicated_header_in_a_frame(self):
        frame = pd.DataFrame([["A1", "c1", "2024-01-01", 5.0, 6.0]],
                             columns=["order_id", "customer_id", "order_date", "revenue", "revenue"])
        with pytest.raises(DataError, match=r"^DataFrame: column `revenue`: the header names 1 column twice: "
                                            r"\['revenue'\]\. Rename"):
            load_orders(frame)

    def test_empty_header_field(self, tmp_path):
        f = write(tmp_path, "orders.csv", "order_id,,order_date\nA1,x,2024-01-01\n")
        with pytest.raises(DataError, match=r"^orders\.csv: the header has an empty column name \(field 2 of the "
                                            r"header line\)\. Give every column a name"):
            load_orders(f)

    def test_more_fields_than_header(self, tmp_path):
        f = write(tmp_path, "orders.csv", "order_id,customer_id,order_date,revenue\nA1,c1,2024-01-01,5\n"
                                          "A2,c2,2024-01-02,1,5\n")
        with pytest.raises(DataError, match=r"orders\.csv: a row has more fields than the header's 4 \(first: "
                                            r"line 3 has 5 fields\)\. Check for an unquoted delimiter"):
            load_orders(f)


class TestLayout:
    def test_unknown_layout_lists_formats_and_columns(self, tmp_path):
        f = write(tmp_path, "export.csv", "Ref,Buyer,When,Total\nR1,b1,2024-01-01,5\n")
        with pytest.raises(DataError) as e:
            load_orders(f)
        assert message(e) == (
            "export.csv: layout not recognised: no column found for order_id and order_date. Name them: "
            "columns={'order_id': 'Ref', 'order_date': 'When'} (guessed from their names or values: check them). "
            "Columns already found: customer_id = `Buyer`, revenue = `Total`. Columns present: ['Ref', 'Buyer', "
            "'When', 'Total']. Known export formats: canonical, cdnow, shopify, woocommerce, woocommerce-export, "
            "online-retail, online-retail-ii.")

    def test_required_column_missing_from_a_known_layout(self, tmp_path):
        frame = pd.read_csv(FIX / "shopify_orders_export.csv", dtype=str)
        f = tmp_path / "shopify.csv"
        frame.drop(columns=["Lineitem price"]).to_csv(f, index=False)
        with pytest.raises(DataError, match=r"^shopify\.csv: column `Lineitem price`: looks like a Shopify orders "
                                            r"export but required column `Lineitem price` is missing\. Export again "
                                            r"with all columns .*Columns present: \['Name', 'Email'") as e:
            load_orders(f)
        assert "(1 row" not in message(e)

    def test_required_column_missing_with_explicit_format(self, tmp_path):
        f = write(tmp_path, "retail.csv", "InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID\n"
                                          "1,A,1,2011-01-01,1.0,5\n")
        with pytest.raises(DataError, match=r"retail\.csv: column `Description`: required column `Description` "
                                            r"of the UCI Online Retail file is missing"):
            load_orders(f, format="online-retail")

    def test_required_column_not_mapped(self, tmp_path):
        f = write(tmp_path, "export.csv", "Ref,Buyer,When,Total\nR1,b1,2024-01-01,5\n")
        with pytest.raises(DataError) as e:
            load_orders(f, columns={"order_id": "Ref", "customer_id": "Buyer", "revenue": "Total"})
        assert message(e) == ("export.csv: no column found for order_date. Name it: columns={'order_date': "
                              "'When'} (guessed from its name or values: check it). Columns already found: "
                              "order_id = `Ref`, customer_id = `Buyer`, revenue = `Total`. Columns present: "
                              "['Ref', 'Buyer', 'When', 'Total'].")

    def test_mapped_column_absent(self, tmp_path):
        f = write(tmp_path, "export.csv", "Ref,Buyer,When,Total\nR1,b1,2024-01-01,5\n")
        with pytest.raises(DataError, match=r"^export\.csv: column `Date`: column `Date` \(mapped to order_date\) "
                                            r"not found\. Correct the columns= mapping to use the file's own column "
                                            r"names\. Columns present: \['Ref', 'Buyer', 'When', 'Total'\]\.$"):
            load_orders(f, columns={"order_id": "Ref", "customer_id": "Buyer", "order_date": "Date",
                                    "revenue": "Total"})

    def test_mapping_to_unknown_canonical_name(self, tmp_path):
        f = write(tmp_path, "export.csv", "Ref,Buyer,When,Total\nR1,b1,2024-01-01,5\n")
        with pytest.raises(DataError, match=r"columns=: columns= names 'amount', which is not a canonical order "
                                            r"column .*Use canonical names as keys: \('order_id'|columns=: .*'amount'"):
            load_orders(f, columns={"order_id": "Ref", "customer_id": "Buyer", "order_date": "When",
                                    "amount": "Total"})

    def test_unknown_format_name(self):
        with pytest.raises(DataError, match=r"format=: format 'magento' is not a known orders format .*Use 'auto' "
                                            r"or one of \['canonical', 'cdnow'"):
            load_orders(FIX / "generic_shop_export.csv", format="magento")

    def test_options_are_keyword_only(self):
        with pytest.raises(TypeError, match="positional argument"):
            load_orders(FIX / "generic_shop_export.csv", "auto")

    def test_bad_policy_value(self):
        with pytest.raises(DataError, match=r"returns=: returns='net' is not one of \['keep', 'drop'\].*Pass "
                                            r"returns='keep' or 'drop'"):
            load_orders("cdnow", returns="net")


class TestValues:
    def test_non_numeric_amounts(self, tmp_path):
        f = write(tmp_path, "orders.csv", "order_id,customer_id,order_date,revenue\nA1,c1,2024-01-01,5.00\n"
                                          "A2,c2,2024-01-02,n/a\nA3,c3,2024-01-03,12,5x\n".replace("12,5x", '"12,5x"'))
        with pytest.raises(DataError) as e:
            load_orders(f)
        assert message(e) == ("orders.csv: column `revenue`: values are not numbers (2 rows; first: row 2: 'n/a'). "
                              "Correct or remove those rows (amounts may carry a currency sign and thousands "
                              "separators, nothing else).")

    def test_unparseable_dates(self, tmp_path):
        f = write(tmp_path, "orders.csv", "order_id,customer_id,order_date,revenue\nA1,c1,2024-01-01,5\n"
                                          "A2,c2,yesterday,6\nA3,c3,2024-13-45,7\n")
        with pytest.raises(DataError) as e:
            load_orders(f)
        assert message(e) == ("orders.csv: column `order_date`: values are not dates (2 rows; first: row 2: "
                              "'yesterday'). Correct or remove those rows; dates like 2024-01-31, 2024-01-31 "
                              "09:15:00 -0500, 31/01/2024 or 01/31/2024 are understood.")

    def test_impossible_date_beside_both_orders(self, tmp_path):
        """A day 32 is no date in any order: reported as that, with its row and value (not as a mix of orders)."""
        f = write(tmp_path, "orders.csv", "order_id,customer_id,order_date,revenue\nA1,c1,13/01/2024,5\nA2,c2,"
                                          "32/01/2024,6\n"
                                          "A3,c3,01/13/2024,7\n")
        with pytest.raises(DataError) as e:
            load_orders(f)
        assert message(e) == ("orders.csv: column `order_date`: values are not dates (1 row; first: row 2: "
                              "'32/01/2024'). Correct or remove those rows; dates like 2024-01-31, 2024-01-31 "
                              "09:15:00 -0500, 31/01/2024 or 01/31/2024 are understood.")

    def test_dates_in_both_orders_name_two_rows(self, tmp_path):
        f = write(tmp_path, "orders.csv", "order_id,customer_id,order_date,revenue\nA1,c1,13/01/2024,5\nA2,c2,"
                                          "05/01/2024,6\n"
                                          "A3,c3,01/13/2024,7\n")
        with pytest.raises(DataError, match=r"column `order_date`: dates mix day/month and month/day order \(1 row; "
                                            r"first: row 1: '13/01/2024' is day/month, row 3: '01/13/2024' is "
                                            r"month/day\)"):
            load_orders(f)

    def test_missing_dates(self, tmp_path):
        f = write(tmp_path, "orders.csv", "order_id,customer_id,order_date,revenue\nA1,c1,2024-01-01,5\n"
                                          "A2,c2,,6\n")
        with pytest.raises(DataError, match=r"orders\.csv: column `order_date`: order dates are missing \(1 row; "
                                            r"first: row 2\)\. Fill them in or remove those rows"):
            load_orders(f)

    def test_mixed_currencies_need_a_currency(self):
        frame = pd.DataFrame({"order_id": ["1", "2", "3"], "customer_id": ["a", "b", "c"],
                              "order_date": ["2024-01-01"] * 3, "revenue": [10.0, 20.0, 30.0],
                              "currency": ["EUR", "USD", "EUR"]})
        with pytest.raises(DataError) as e:
            load_orders(frame)
        assert message(e) == ("DataFrame: column `currency`: amounts are in 2 currencies: EUR (2 lines), USD (1 line"
                              ") (1 row; first: row 2: 'USD'). Pass currency='EUR' to keep the lines in one "
                              "currency (the others are left out and counted), or convert the amounts before "
                              "loading.")

    def test_mixed_currency_symbols_need_a_currency(self, tmp_path):
        f = write(tmp_path, "woo.csv", '"Date","Order #","Status","Customer","Net sales"\n'
                                       '"2024-03-01","1","Completed","A","$10.00"\n'
                                       '"2024-03-02","2","Completed","B","€12,00"\n')
        with pytest.raises(DataError, match=r"woo\.csv: column `Net sales`: amounts are in 2 currencies: USD \(1 line\), EUR \(1 line\) \(1 row; first: row 2: 'EUR'\)\. Pass currency='USD'"):
            load_orders(f)

    def test_currency_given_keeps_one_and_counts_the_rest(self):
        frame = pd.DataFrame({"order_id": ["1", "2", "3"], "customer_id": ["a", "b", "c"],
                              "order_date": ["2024-01-01"] * 3, "revenue": [10.0, 20.0, 30.0],
                              "currency": ["EUR", "USD", "EUR"]})
        loaded = load_orders(frame, currency="EUR")
        assert loaded.to_pandas()["revenue"].tolist() == [10.0, 30.0]
        item = loaded.summary["other_currency"]
        assert (item.lines, item.treatment, item.revenue) == (1, "dropped", 20.0)
        assert "1 line in another currency than EUR: left out" in str(loaded.summary)

    def test_currency_not_in_file(self):
        frame = pd.DataFrame({"order_id": ["1"], "customer_id": ["a"], "order_date": ["2024-01-01"],
                              "revenue": [10.0], "currency": ["EUR"]})
        with pytest.raises(DataError, match=r"DataFrame: column `currency`: no line is in GBP .*Pass one of the "
                                            r"file's currencies: \['EUR'\]"):
            load_orders(frame, currency="GBP")

    def test_fractional_quantity(self, tmp_path):
        f = write(tmp_path, "orders.csv", "order_id,customer_id,order_date,revenue,quantity\nA1,c1,2024-01-01,5,1\n"
                                          "A2,c1,2024-01-01,5,1.5\n")
        with pytest.raises(DataError, match=r"column `quantity`: quantities are not whole numbers \(1 row; first: "
                                            r"row 2: '1\.5'\)"):
            load_orders(f)

    def test_bad_line_type(self):
        frame = pd.DataFrame({"order_id": ["1"], "customer_id": ["a"], "order_date": ["2024-01-01"],
                              "revenue": [10.0], "line_type": ["refund"]})
        with pytest.raises(DataError, match=r"column `line_type`: line types must be one of \['sale', 'return', "
                                            r"'non_product'\] \(1 row; first: row 1: 'refund'\)"):
            load_orders(frame)

    def test_excel_sheet_not_found(self):
        with pytest.raises(DataError, match=r"online_retail_II\.xlsx: sheet 'Orders' not found \(first: sheets: "
                                            r"\['Year 2009-2010', 'Year 2010-2011'\]\)\. Pass sheet="):
            load_orders(FIX / "online_retail_II.xlsx", sheet="Orders")
