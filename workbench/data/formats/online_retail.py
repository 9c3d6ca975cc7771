"""UCI Online Retail (Chen, Sain & Guo 2012): a UK online gift retailer's invoice lines, 2010-12 .. 2011-12.

Header ``InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice, CustomerID, Country``; the
Online Retail II layout (``Invoice, ..., Price, Customer ID, ...``, 2009-2011) is ``online_retail_ii`` and shares
this mapping.

Mapping decisions
-----------------
- ``order_id`` = invoice number as written (``536365``, ``C536379``); ``customer_id`` = CustomerID as text
  without a trailing ``.0`` (``17850``); rows without one (about a quarter of the data) are kept for revenue
  and left out of customer metrics. ``currency`` = GBP (the retailer's amounts are sterling).
- ``revenue`` = Quantity x UnitPrice; ``unit_price`` = UnitPrice; ``product_name`` = Description; ``sku`` =
  StockCode; ``country`` = Country.
- Invoices starting with ``C`` are cancellations (negative quantities): ``return`` lines dated when
  processed, status ``cancelled``. Other invoices: status ``completed``.
- Non-product lines (``non_product``, left out by default, see ``NON_PRODUCT_CODES``): stock codes for
  postage and carriage, manual entries, discounts, bank charges, marketplace fees, charity commission,
  adjustments, bad-debt write-offs (``A`` invoices), samples, test items, gift vouchers (money prepaid, not a
  product sold) and the 0.001 "PADS" filler; and lines at unit price 0 (stock adjustments for damaged,
  lost or found stock and free items: no sale happened).
- Rows that repeat an earlier row exactly are kept as recorded and counted.
"""
from __future__ import annotations

import pandas as pd

from workbench.data.formats._base import LoadContext, find_columns, plural, text

NAME = "online-retail"
TITLE = "UCI Online Retail file"
SIGNATURE = ("InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID")
REQUIRED = ("InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID")
FIELDS = {"invoice": "InvoiceNo", "code": "StockCode", "name": "Description", "qty": "Quantity",
          "date": "InvoiceDate", "price": "UnitPrice", "customer": "CustomerID", "country": "Country"}

# StockCode (upper-cased) -> what it is. Decided from the codes and descriptions in both UCI files.
NON_PRODUCT_CODES = {
    "POST": "postage", "DOT": "dotcom postage", "C2": "carriage", "M": "manual entry", "MANUAL": "manual entry",
    "D": "discount", "BANK CHARGES": "bank charges", "AMAZONFEE": "Amazon fee", "CRUK": "CRUK commission",
    "ADJUST": "adjustment", "ADJUST2": "adjustment", "B": "bad-debt adjustment", "S": "samples",
    "PADS": "0.001 filler (pads to match cushions)", "TEST001": "test item", "TEST002": "test item",
}
NON_PRODUCT_PREFIXES = {"GIFT_0001": "gift voucher"}


def non_product_reason(codes: pd.Series) -> pd.Series:
    """What a non-product stock code stands for (missing for products)."""
    up = codes.astype("string").str.strip().str.upper()
    reason = up.map(NON_PRODUCT_CODES, na_action="ignore").astype("string")
    for prefix, what in NON_PRODUCT_PREFIXES.items():
        reason = reason.mask(up.str.startswith(prefix, na=False), what)
    return reason


def map_lines(frame: pd.DataFrame, ctx: LoadContext, fields: dict[str, str]) -> pd.DataFrame:
    cols = find_columns(frame.columns, list(fields.values()))
    c = {k: cols.get(v) for k, v in fields.items()}
    invoice = text(frame, c["invoice"]).str.upper()
    qty = ctx.integers(frame, c["qty"])
    price = ctx.numbers(frame, c["price"])
    cust = text(frame, c["customer"]).str.replace(r"\.0+$", "", regex=True)
    code = text(frame, c["code"])
    cancel = invoice.str.startswith("C", na=False)
    out = pd.DataFrame({
        "order_id": invoice,
        "customer_id": cust,
        "order_date": ctx.dates(frame, c["date"]),
        "revenue": qty * price,
        "quantity": qty,
        "line_type": "sale",
        "sku": code,
        "product_name": text(frame, c["name"]),
        "unit_price": price,
        "currency": "GBP",
        "status": pd.Series("completed", index=frame.index, dtype="string").mask(cancel, "cancelled"),
    })
    if c["country"]:
        out["country"] = text(frame, c["country"])
    reason = non_product_reason(code)
    reason = reason.mask(invoice.str.startswith("A", na=False) & reason.isna(), "bad-debt adjustment")
    zero_price = reason.isna() & (price == 0)
    returns = (cancel | (qty < 0)) & reason.isna() & ~zero_price
    out.loc[returns, "line_type"] = "return"
    out.loc[reason.notna() | zero_price, "line_type"] = "non_product"
    counts = reason.value_counts()
    if len(counts):
        listing = ", ".join(f"{what} {n:,}" for what, n in counts.items())
        ctx.summary.add("non_product_codes", int(reason.notna().sum()), "note",
                        f"lines with non-product stock codes ({listing}): typed non_product",
                        revenue=float(out["revenue"][reason.notna()].sum()))
    ctx.summary.add("zero_price", int(zero_price.sum()), "note",
                    "lines at unit price 0 (stock adjustments for damaged, lost or found stock, free items): "
                    "typed non_product, no sale happened")
    n_cancel = int(invoice[cancel & returns].nunique())
    ctx.summary.add("cancellation_lines", int((cancel & returns).sum()), "note",
                    f"lines on cancellation invoices (C..., {plural(n_cancel, 'invoice')}): typed as returns, "
                    "dated when processed")
    dup = frame.duplicated()
    ctx.summary.add("duplicate_rows", int(dup.sum()), "kept",
                    "rows identical to an earlier row: kept as recorded (an item listed twice on an invoice)",
                    revenue=float(out["revenue"][dup].sum()))
    ctx.summary.note("Amounts are pounds sterling (GBP); revenue = Quantity x UnitPrice.")
    return out


def to_canonical(frame: pd.DataFrame, ctx: LoadContext) -> pd.DataFrame:
    return map_lines(frame, ctx, FIELDS)
