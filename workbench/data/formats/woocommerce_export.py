"""WooCommerce order-export plugin layout (field keys as columns: ``order_id, order_number, order_date, status,
order_total, order_currency, customer_id, billing_*, ...``), with or without one row per product.

Plugins ("Advanced Order Export For WooCommerce", WooCommerce's own "Order/Customer CSV Export") name columns
after the WooCommerce field keys. Two shapes occur: one row per order (order fields only), and one row per
product (order fields repeated on every row, or filled on the order's first row only; both are handled by
taking each order field from the order's first non-empty cell).

Mapping decisions
-----------------
- ``order_id`` = ``order_number`` when present (what the shop shows customers), else ``order_id``.
- ``customer_id`` = ``customer_id``; 0 or empty means a guest checkout, kept without a customer (the e-mail is
  not used as an id, so guests never merge with registered customers by accident).
- Product rows (``line_total`` or ``item_price``/``qty`` columns present, also spelled ``item_name``,
  ``item_sku``, ``item_qty``, ``item_total``, ``name``, ``sku``, ``qty``): ``revenue`` = ``line_total``
  (WooCommerce's line total is after coupons, before tax), else qty x item price.
  Order rows only: ``revenue`` = ``order_subtotal`` - ``cart_discount`` when present, else ``order_total`` -
  ``order_shipping`` - ``order_total_tax`` (net sales before shipping and tax); quantity 1 per order.
- ``tax`` = ``order_total_tax``, ``shipping`` = ``order_shipping`` on each order's first line.
- Status (``wc-`` prefix optional): completed/processing -> completed; on-hold -> pending; refunded orders are
  mirrored by return lines (dated ``date_refunded``/``order_refund_date`` when the export has it, else the order
  day); a positive ``order_refund`` on an order not fully refunded becomes one partial-refund return line;
  failed and pending-payment orders are left out; cancelled orders follow ``cancelled=`` (reversed the same
  day, the export has no cancellation date, or left out).
"""
from __future__ import annotations

import pandas as pd

from workbench.data.formats._base import LoadContext, apply_order_outcomes, find_columns, map_status, text

NAME = "woocommerce-export"
TITLE = "WooCommerce order-export plugin file"
SIGNATURE = ("order_id", "order_date", "status", "order_total")
REQUIRED = SIGNATURE

ALIASES = {
    "product_name": ("item_name", "name", "product_name"),
    "sku": ("item_sku", "sku"),
    "quantity": ("item_qty", "qty", "quantity"),
    "unit_price": ("item_price", "item_cost", "price"),
    "line_total": ("line_total", "item_total"),
    "category": ("product_categories", "item_category", "category"),
}
ORDER_FIELDS = ("order_number", "customer_id", "order_date", "status", "order_total", "order_currency",
                "order_subtotal", "cart_discount", "order_shipping", "order_total_tax", "order_refund",
                "date_refunded", "order_refund_date", "billing_country", "billing_state", "shipping_country",
                "shipping_state", "created_via", "payment_method")
NOT_SALES = ("failed", "pending", "wc-failed", "wc-pending", "pending payment", "checkout-draft")


def _alias(cols_lower: dict[str, str], names: tuple[str, ...]) -> str | None:
    return next((cols_lower[n] for n in names if n in cols_lower), None)


def to_canonical(frame: pd.DataFrame, ctx: LoadContext) -> pd.DataFrame:
    lower = {str(c).strip().lower(): c for c in frame.columns}
    cols = find_columns(frame.columns, ("order_id",) + ORDER_FIELDS)
    key = text(frame, cols["order_id"])
    # order fields: first non-empty cell of each order (plugins may fill them on the first product row only)
    present = [c for c in ORDER_FIELDS if c in cols]
    ov = frame[[cols[c] for c in present]].copy()
    ov.columns = present
    ov = ov.groupby(key.to_numpy(), sort=False).transform("first")
    first_line = ~key.duplicated()

    def num(c: str) -> pd.Series:
        return ctx.numbers(ov, c) if c in present else pd.Series(0.0, index=frame.index)

    line_total = _alias(lower, ALIASES["line_total"])
    qty_col = _alias(lower, ALIASES["quantity"])
    price_col = _alias(lower, ALIASES["unit_price"])
    qty = ctx.integers(frame, qty_col).fillna(1) if qty_col else pd.Series(1.0, index=frame.index)
    price = ctx.numbers(frame, price_col) if price_col else None
    if line_total:
        revenue = ctx.numbers(frame, line_total)
        basis = f"`{line_total}` (after coupons, before tax)"
    elif price is not None:
        revenue = qty * price
        basis = f"quantity x `{price_col}`"
    elif "order_subtotal" in present:
        revenue = num("order_subtotal") - num("cart_discount").fillna(0)
        basis = "order_subtotal - cart_discount (one line per order)"
    else:
        revenue = num("order_total") - num("order_shipping").fillna(0) - num("order_total_tax").fillna(0)
        basis = "order_total - order_shipping - order_total_tax (one line per order)"
    ctx.summary.note(f"WooCommerce export: revenue = {basis}.")

    cust = text(ov, "customer_id") if "customer_id" in present else pd.Series(pd.NA, index=frame.index,
                                                                              dtype="string")
    cust = cust.str.replace(r"\.0$", "", regex=True).mask(cust.isin(["0", "0.0"]))
    status_word = text(ov, "status").str.lower().str.replace(r"^wc-", "", regex=True)
    status, unknown = map_status(status_word)
    if unknown.any():
        ctx.summary.add("status_unknown", int(unknown.sum()), "changed",
                        f"lines with a status not recognised (first: {status_word[unknown].iloc[0]!r}): status "
                        "left empty, kept as sales")
    order_no = text(ov, "order_number") if "order_number" in present else key
    out = pd.DataFrame({
        "order_id": order_no.fillna(key),
        "customer_id": cust,
        "order_date": ctx.dates(ov, "order_date"),
        "revenue": revenue,
        "quantity": qty,
        "line_type": "sale",
        "status": status,
    })
    for canon in ("sku", "product_name", "category"):
        c = _alias(lower, ALIASES[canon])
        if c:
            out[canon] = text(frame, c)
    if price is not None:
        out["unit_price"] = price
    if "order_total_tax" in present:
        out["tax"] = num("order_total_tax").fillna(0).where(first_line, 0.0)
    if "order_shipping" in present:
        out["shipping"] = num("order_shipping").fillna(0).where(first_line, 0.0)
    if "order_currency" in present:
        out["currency"] = text(ov, "order_currency").str.upper()
    for canon, pair in (("country", ("billing_country", "shipping_country")),
                        ("region", ("billing_state", "shipping_state"))):
        got = [text(ov, c) for c in pair if c in present]
        if got:
            out[canon] = got[0].fillna(got[1]) if len(got) > 1 else got[0]
    if "created_via" in present:
        out["channel"] = text(ov, "created_via")

    refund_date = None
    for c in ("date_refunded", "order_refund_date"):
        if c in present:
            refund_date = ctx.dates(ov, c)
            break
    refunded = status.eq("refunded").fillna(False)
    partial = None
    if "order_refund" in present:
        amt = num("order_refund").abs()
        partial = amt.where(first_line & ~refunded & (amt > 0))
        in_partial = partial.notna().groupby(key.to_numpy()).transform("any")
        status = status.mask(in_partial, "partially_refunded")
        out["status"] = status
    return apply_order_outcomes(out, ctx, cancelled=status.eq("cancelled").fillna(False), refunded=refunded,
                                refund_date=refund_date, partial_amount=partial,
                                dropped=status_word.isin(NOT_SALES),
                                dropped_text="lines of orders with status failed or pending payment: left out (no "
                                             "money was received; WooCommerce's reports exclude them too)")
