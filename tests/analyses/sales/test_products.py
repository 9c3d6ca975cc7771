"""Top products and categories on the hand-worked store of conftest.py (January 2024 vs December 2023)."""
from __future__ import annotations

import math

import pytest

import workbench as wb
from workbench.analyses.sales import products as P
from workbench.errors import DataError


def test_product_ranking_by_hand(store_with_products):
    top = P.top_products(store_with_products)          # default: last complete month = Jan 2024
    assert top["name"].tolist() == ["Vinyl", "CD", "Poster"]
    assert top["revenue"].tolist() == [110.0, 60.0, 5.0]  # Poster: 30 sold - 25 returned
    assert top["units"].tolist() == [2, 3, 1]
    assert top["orders"].tolist() == [2, 2, 1]
    assert top["revenue_share"].tolist() == pytest.approx([110 / 175, 60 / 175, 5 / 175])
    assert math.isnan(top.loc[0, "previous_revenue"])  # no vinyl in December
    assert top.loc[2, "previous_revenue"] == 100.0 and top.loc[2, "change_pct"] == pytest.approx(-0.95)
    assert top.attrs == {"dimension": "product", "column": "product_name", "candidates": ["product_name", "sku"],
                         "period_label": "Jan 2024", "previous_label": "Dec 2023"}


def test_categories_top_n_and_chosen_period(store_with_products):
    top = P.top_products(store_with_products, by="category", n=1, period="quarter", period_end="2024-01-31")
    assert top["name"].tolist() == ["Music"]
    # Q1 2024 music: 50 + 40 + 60 + 20 in January, 10 in February, minus D's CD return of 15
    assert top["revenue"].tolist() == [165.0]
    assert top.attrs["period_label"] == "Q1 2024" and top.attrs["previous_label"] == "Q4 2023"


def test_sku_when_there_are_no_names(store_with_products):
    df = store_with_products.rename(columns={"product_name": "sku"}).drop(columns="category")
    assert P.product_dimensions(df) == {"product": "sku"}
    assert P.top_products(df, n=1)["name"].tolist() == ["Vinyl"]


def test_no_product_columns_gives_an_empty_table_with_a_note(store):
    top = P.top_products(store)
    assert top.empty and list(top.columns)[:3] == ["rank", "name", "revenue"]
    assert top.attrs == {"dimension": "product", "column": None, "candidates": ["product_name", "sku"]}
    assert P.product_dimensions(wb.load_orders("cdnow")) == {}


def test_bad_arguments(store_with_products):
    with pytest.raises(DataError, match=r"top_products: by='brand' is not one of \['product', 'category'\]"):
        P.top_products(store_with_products, by="brand")
    with pytest.raises(DataError, match=r"top_products: n=0 must be at least 1"):
        P.top_products(store_with_products, n=0)
