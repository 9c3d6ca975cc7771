"""WooCommerce Analytics > Orders, "Download" (CSV): one row per order.

Header: ``Date, Order #, Status, Customer, Customer type, Product(s), Items sold, Coupon(s), Net sales`` and,
depending on the version, ``Origin`` or ``Attribution``. WooCommerce has no single canonical export; for the
order-export plugin layout (``order_id, order_number, order_date, status, ...``) see ``woocommerce_export``.

Mapping decisions
-----------------
- One row = one order = one canonical line (the download does not split net sales by product):
  ``order_id`` = ``Order #``, ``revenue`` = ``Net sales`` (WooCommerce's net sales: after coupons and refunds,
  before shipping and tax, matching the canonical definition), ``quantity`` = ``Items sold``,
  ``product_name`` = ``Product(s)`` as written, ``channel`` = ``Origin``/``Attribution``.
- ``customer_id`` = ``Customer``: the download carries the customer's **name**, not an id, so two customers
  with one name are one customer; the summary says so. Load the plugin export when ids matter.
- Refunds are rows of their own with negative net sales: they become ``return`` lines as written.
- Status: Completed/Processing -> completed (paid), On hold -> pending, Refunded -> refunded. Failed and
  Pending payment orders never brought money in (WooCommerce's own reports exclude them by default): left
  out and counted. Cancelled orders follow ``cancelled=``; the download has no cancellation date, so a
  reversed order is a sale and a return on the same day.
- Amounts may carry the shop's currency symbol (``$1,234.50``, ``1.234,50 €``); the symbol sets ``currency``.
"""
from __future__ import annotations

import pandas as pd

from workbench.data.formats._base import LoadContext, apply_order_outcomes, find_columns, map_status, text

NAME = "woocommerce"
TITLE = "WooCommerce Analytics orders download"
SIGNATURE = ("Date", "Order #", "Status", "Net sales")
REQUIRED = ("Date", "Order #", "Status", "Customer", "Net sales")
OPTIONAL = ("Customer type", "Product(s)", "Items sold", "Coupon(s)", "Origin", "Attribution")

NOT_SALES = ("failed", "pending payment", "pending", "wc-failed", "wc-pending", "checkout-draft")


def to_canonical(frame: pd.DataFrame, ctx: LoadContext) -> pd.DataFrame:
    cols = find_columns(frame.columns, REQUIRED + OPTIONAL)
    revenue, cur = ctx.money(frame, cols["Net sales"])
    qty = ctx.integers(frame, cols["Items sold"]).fillna(1) if "Items sold" in cols else \
        pd.Series(1.0, index=frame.index)
    status_word = text(frame, cols["Status"]).str.lower()
    status, unknown = map_status(status_word)
    if unknown.any():
        ctx.summary.add("status_unknown", int(unknown.sum()), "changed",
                        f"orders with a status not recognised (first: {status_word[unknown].iloc[0]!r}): status "
                        "left empty, kept as sales")
    out = pd.DataFrame({
        "order_id": text(frame, cols["Order #"]).str.lstrip("#"),
        "customer_id": text(frame, cols["Customer"]),
        "order_date": ctx.dates(frame, cols["Date"]),
        "revenue": revenue,
        "quantity": qty.where(revenue >= 0, -qty.abs()),
        "line_type": pd.Series("sale", index=frame.index).mask(revenue < 0, "return"),
        "status": status,
    })
    if "Product(s)" in cols:
        out["product_name"] = text(frame, cols["Product(s)"])
    channel = cols.get("Attribution") or cols.get("Origin")
    if channel:
        out["channel"] = text(frame, channel)
    if cur is not None:
        out["currency"] = cur
    ctx.summary.note("WooCommerce Analytics download: one line per order (net sales are not split by product); "
                     "customers are identified by name, as the download has no customer id.")
    not_sales = status_word.isin(NOT_SALES)
    return apply_order_outcomes(out, ctx, cancelled=status.eq("cancelled").fillna(False),
                                dropped=not_sales,
                                dropped_text="orders with status failed or pending payment: left out (no money "
                                             "was received; WooCommerce's reports exclude them too)")
