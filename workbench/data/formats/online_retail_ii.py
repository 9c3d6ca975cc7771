"""UCI Online Retail II (Chen 2019): the same retailer, 2009-12 .. 2011-12, renamed columns.

Header ``Invoice, StockCode, Description, Quantity, InvoiceDate, Price, Customer ID, Country``. Mapping
decisions are those of ``online_retail`` (cancellations, non-product codes, rows without a customer).
"""
from __future__ import annotations

import pandas as pd

from workbench.data.formats._base import LoadContext
from workbench.data.formats.online_retail import map_lines

NAME = "online-retail-ii"
TITLE = "UCI Online Retail II file"
SIGNATURE = ("Invoice", "StockCode", "Quantity", "InvoiceDate", "Price", "Customer ID")
REQUIRED = ("Invoice", "StockCode", "Description", "Quantity", "InvoiceDate", "Price", "Customer ID")
FIELDS = {"invoice": "Invoice", "code": "StockCode", "name": "Description", "qty": "Quantity",
          "date": "InvoiceDate", "price": "Price", "customer": "Customer ID", "country": "Country"}


def to_canonical(frame: pd.DataFrame, ctx: LoadContext) -> pd.DataFrame:
    return map_lines(frame, ctx, FIELDS)
