"""The canonical order-line table: one row per order line, the same columns whatever the source.

Every orders loader maps its source to these columns; every analysis reads only these columns. This module
is the one place they are defined.

What the money columns mean
---------------------------
``revenue`` is the line's **net sales**: quantity x unit price minus the line's discounts, **before tax and
shipping**, in the order's currency (GA4's purchase ``value`` and Shopify's "net sales" follow the same
convention). Return and cancellation lines carry **negative** revenue and quantity, dated when the return was
processed (Shopify's convention), so summing ``revenue`` gives net revenue. Tax and shipping are kept apart in
``tax`` and ``shipping``: order-level amounts written on the order's first line only (zero on the others), so
their sums are right and they never leak into revenue, AOV or lifetime value.

``line_type`` says what a line is:

- ``"sale"``: a product sold;
- ``"return"``: a product returned, refunded or cancelled after the sale (negative revenue and quantity);
- ``"non_product"``: postage, fees, manual adjustments, bank charges, bad-debt write-offs: money that is not a
  product sale. Whether these lines are kept is the loader's ``non_product=`` policy.

Order-level counts (orders, customers, AOV) count ``sale`` lines only; revenue sums every kept line.
"""
from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Column", "ORDERS", "ORDER_COLUMNS", "REQUIRED_ORDER_COLUMNS", "LINE_TYPES", "SALE", "RETURN", "NON_PRODUCT",
           "ORDER_STATUSES"]


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str          # pandas dtype of the canonical frame; the Ibis type follows from it
    required: bool      # the column is always present (values may still be null where ``nullable``)
    nullable: bool
    doc: str


ORDERS: tuple[Column, ...] = (
    Column("order_id", "string", True, False,
           "Order identifier as the source writes it (Shopify `Name` like #1001, invoice number, ...). "
           "Sources without one (CDNOW) get one line = one order, id '<customer>-<yyyymmdd>-<n>'."),
    Column("customer_id", "string", True, True,
           "Customer identifier as text. Null when the source has none for the line (guest checkout, UCI rows "
           "without CustomerID): such lines count for revenue and orders, not for customer metrics."),
    Column("order_date", "datetime64[us]", True, False,
           "When the order was placed (returns: when processed), the store's local wall-clock time without a "
           "time-zone offset; exports with offsets keep the local time they show."),
    Column("revenue", "float64", True, False,
           "Net sales of the line: quantity x unit price - line discounts, before tax and shipping; negative "
           "for returns."),
    Column("quantity", "int64", True, False, "Units on the line; negative for returns."),
    Column("line_type", "string", True, False, "'sale', 'return' or 'non_product' (see module docstring)."),
    Column("sku", "string", False, True, "Stock-keeping unit / product code."),
    Column("product_name", "string", False, True, "Product title or description."),
    Column("category", "string", False, True, "Product category, type or vendor where the source has it."),
    Column("unit_price", "float64", False, True, "Price per unit before line discounts."),
    Column("discount", "float64", False, True, "Line discount amount (positive = money off), already taken "
                                                 "out of revenue."),
    Column("tax", "float64", False, True, "Order tax, on the order's first line only (0 on the others)."),
    Column("shipping", "float64", False, True, "Order shipping charged, on the order's first line only."),
    Column("currency", "string", False, True, "ISO 4217 code of the order's amounts."),
    Column("country", "string", False, True, "Billing or shipping country (as the source names it)."),
    Column("region", "string", False, True, "State / province / region."),
    Column("channel", "string", False, True, "Sales channel or order origin (web, pos, marketplace, ...)."),
    Column("status", "string", False, True,
           "Order status mapped to: completed, pending, cancelled, refunded, partially_refunded, failed."),
)

ORDER_COLUMNS: tuple[str, ...] = tuple(c.name for c in ORDERS)
REQUIRED_ORDER_COLUMNS: tuple[str, ...] = tuple(c.name for c in ORDERS if c.required)
LINE_TYPES = ("sale", "return", "non_product")
SALE, RETURN, NON_PRODUCT = LINE_TYPES
ORDER_STATUSES = ("completed", "pending", "cancelled", "refunded", "partially_refunded", "failed")
