"""A tiny store whose KPIs, cohorts and products are worked out by hand in the tests.

Lines (order, customer, day, revenue, units, type):

    Jan 2023  o0  E  2023-01-15   80  1 sale
    Dec 2023  o1  A  2023-12-10  100  2 sale
    Jan 2024  o2  A  2024-01-05   50  1 sale      (o2 has two lines)
              o2  A  2024-01-05   30  1 sale
              o3  B  2024-01-10   40  2 sale      (B's first order)
              o4  B  2024-01-20   60  1 sale      (B's second order in January)
              o5  -  2024-01-15   20  1 sale      (guest: no customer id)
              r1  A  2024-01-25  -25 -1 return
    Feb 2024  o6  C  2024-02-03   70  3 sale      (C's first order)
              o7  B  2024-02-14   10  1 sale
              r2  D  2024-02-20  -15 -1 return    (D has no sale in the data)

The data end on 20 Feb 2024, so February is incomplete and January 2024 is the last complete month.
"""
from __future__ import annotations

import pandas as pd
import pytest

LINES = [
    ("o0", "E", "2023-01-15", 80.0, 1, "sale", "Vinyl", "Music"),
    ("o1", "A", "2023-12-10", 100.0, 2, "sale", "Poster", "Decor"),
    ("o2", "A", "2024-01-05", 50.0, 1, "sale", "Vinyl", "Music"),
    ("o2", "A", "2024-01-05", 30.0, 1, "sale", "Poster", "Decor"),
    ("o3", "B", "2024-01-10", 40.0, 2, "sale", "CD", "Music"),
    ("o4", "B", "2024-01-20", 60.0, 1, "sale", "Vinyl", "Music"),
    ("o5", None, "2024-01-15", 20.0, 1, "sale", "CD", "Music"),
    ("r1", "A", "2024-01-25", -25.0, -1, "return", "Poster", "Decor"),
    ("o6", "C", "2024-02-03", 70.0, 3, "sale", "Poster", "Decor"),
    ("o7", "B", "2024-02-14", 10.0, 1, "sale", "CD", "Music"),
    ("r2", "D", "2024-02-20", -15.0, -1, "return", "CD", "Music"),
]


def make_store(with_products: bool = False) -> pd.DataFrame:
    df = pd.DataFrame(LINES, columns=["order_id", "customer_id", "order_date", "revenue", "quantity",
                                      "line_type", "product_name", "category"])
    df["order_date"] = pd.to_datetime(df["order_date"]).astype("datetime64[us]")
    df["customer_id"] = df["customer_id"].astype("string")
    return df if with_products else df.drop(columns=["product_name", "category"])


@pytest.fixture
def store() -> pd.DataFrame:
    return make_store()


@pytest.fixture
def store_with_products() -> pd.DataFrame:
    return make_store(with_products=True)
