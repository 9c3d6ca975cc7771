"""load_product_costs: the Shopify products export and a plain sku,cost table, and the inputs it refuses."""
from __future__ import annotations

import pandas as pd
import pytest

import workbench as wb
from workbench.errors import DataError

F = "tests/fixtures/marketing/"


def test_shopify_products_export_skips_image_rows_and_counts_variants_without_cost():
    costs = wb.load_product_costs(F + "shopify_products_export.csv")
    assert costs.given and costs.summary.format == "shopify-products"
    assert costs.frame.set_index("sku")["unit_cost"].to_dict() == {"TEE-ORG-S": 8.10, "TEE-ORG-M": 8.40, "MUG-L": 3.25}
    assert costs.summary.get("image_rows") == 1 and costs.summary.get("no_cost") == 1
    assert costs.frame.set_index("sku").loc["TEE-ORG-M", "product_name"] == "Organic Tee"   # title of its product
    assert costs.frame.set_index("sku").loc["MUG-L", "price"] == 12.0


def test_plain_sku_cost_table_keeps_a_repeated_identical_row_once():
    costs = wb.load_product_costs(F + "sku_costs.csv")
    assert costs.frame.set_index("sku")["unit_cost"].to_dict() == {"TEE-ORG-M": 8.40, "MUG-L": 3.25, "TOTE-NAT": 4.0}
    assert costs.summary.get("duplicates") == 1


def test_columns_mapping_and_a_frame():
    frame = pd.DataFrame({"Artikel": ["A1", "A2"], "Einkaufspreis": [1.5, 2.0]})
    costs = wb.load_product_costs(frame, columns={"sku": "Artikel", "unit_cost": "Einkaufspreis"})
    assert costs.frame["unit_cost"].tolist() == [1.5, 2.0]


def test_no_source_means_no_costs():
    costs = wb.load_product_costs(None)
    assert not costs.given and len(costs) == 0
    assert "margin" in costs._repr_markdown_()


def test_a_sku_with_two_costs_is_refused():
    with pytest.raises(DataError, match=r"sku_costs_conflict\.csv: column `cost`: skus are listed with different costs "
                                        r"\(1 row; first: sku 'MUG-L': 3\.25, 3\.6\)\. Give each sku one unit cost"):
        wb.load_product_costs(F + "sku_costs_conflict.csv")


def test_negative_cost_is_refused(tmp_path):
    path = tmp_path / "costs.csv"
    path.write_text("sku,cost\nA,1.00\nB,-2.00\n")
    with pytest.raises(DataError, match=r"costs\.csv: column `cost`: costs are negative \(1 row; first: row 2: sku "
                                        r"'B', cost -2\.0\)\. A unit cost is what the shop pays per unit"):
        wb.load_product_costs(path)


def test_a_file_without_a_cost_column(tmp_path):
    path = tmp_path / "catalogue.csv"
    path.write_text("sku,title\nA,Tee\n")
    with pytest.raises(DataError, match=r"catalogue\.csv: column `unit_cost`: no cost column found \(first: columns "
                                        r"present: \['sku', 'title'\]\)\. .*columns=\{'sku'"):
        wb.load_product_costs(path)
