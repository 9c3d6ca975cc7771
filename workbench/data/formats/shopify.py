"""Shopify orders export (Admin > Orders > Export, "CSV for Excel, Numbers or other spreadsheet programs").

One row per line item. Order-level fields (Financial Status, Paid at, Subtotal, Shipping, Taxes, Total,
Discount Amount, Refunded Amount, Cancelled at, addresses, ...) are filled on an order's **first row only**,
so every order-level value is taken from the first non-empty cell of the order (rows grouped by ``Name``).
Columns are matched by name, not position (older exports lack the trailing columns).

Mapping decisions
-----------------
- ``order_id`` = ``Name`` (``#1001``); ``customer_id`` = ``Email`` lower-cased (the export has no customer id;
  Shopify itself matches customers by e-mail). Orders without an e-mail are kept without a customer.
- ``order_date`` = ``Created at`` as the local wall-clock time the export shows; the UTC offset
  (``-0500``) is dropped, as ``schema.py`` prescribes.
- ``revenue`` = quantity x ``Lineitem price`` - the line's discount. The line's discount is ``Lineitem
  discount`` plus its share (pro rata to the line's gross amount) of the order's remaining product discount,
  where the order's product discount is gross item value - ``Subtotal`` (Shopify's Subtotal is after discounts,
  before shipping and tax; this keeps free-shipping codes out of product revenue). Without ``Subtotal``,
  ``Discount Amount`` is used. So the lines of an order sum to its Subtotal.
- ``tax`` = ``Taxes`` and ``shipping`` = ``Shipping`` on the order's first line, 0 on the others.
- ``status``: paid -> completed; pending, authorized, partially_paid -> pending; refunded, partially_refunded
  as such; voided or a ``Cancelled at`` date -> cancelled.
- Cancelled orders (``Cancelled at`` set, or voided): Shopify's sales-report convention, a sale on the day
  placed and a return of every line on the day cancelled (``cancelled="reverse"``); ``cancelled="drop"``
  leaves the whole order out.
- Refunded orders (not cancelled): every line is mirrored by a return line. The orders export carries no refund
  date, so returns are dated on the order day (the summary says so).
- Partially refunded orders: the export says how much was refunded (``Refunded Amount``) but not for which
  items, so one return line per order carries ``-Refunded Amount`` (capped at the order's net sales), quantity 0.
  The amount may include refunded shipping or tax, which the export does not separate.
- ``sku``, ``product_name``, ``category`` (= ``Vendor``), ``unit_price``, ``discount``, ``currency``,
  ``country``/``region`` (billing, else shipping), ``channel`` (= ``Source``) when the columns exist.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.data.formats._base import LoadContext, apply_order_outcomes, find_columns, text
from workbench.errors import DataError

NAME = "shopify"
TITLE = "Shopify orders export"
SIGNATURE = ("Name", "Created at", "Lineitem quantity", "Lineitem price")
REQUIRED = SIGNATURE

ORDER_LEVEL = ("Email", "Financial Status", "Currency", "Subtotal", "Shipping", "Taxes", "Discount Amount",
               "Created at", "Cancelled at", "Refunded Amount", "Billing Country", "Shipping Country",
               "Billing Province", "Shipping Province", "Source")
LINE_LEVEL = ("Lineitem quantity", "Lineitem name", "Lineitem price", "Lineitem sku", "Lineitem discount", "Vendor")

STATUS = {"paid": "completed", "pending": "pending", "authorized": "pending", "partially_paid": "pending",
          "refunded": "refunded", "partially_refunded": "partially_refunded", "voided": "cancelled",
          "expired": "failed"}


def to_canonical(frame: pd.DataFrame, ctx: LoadContext) -> pd.DataFrame:
    cols = find_columns(frame.columns, ORDER_LEVEL + LINE_LEVEL + ("Name",))
    name = text(frame, cols["Name"])
    if name.isna().any():
        first = int(np.flatnonzero(name.isna().to_numpy())[0])
        raise DataError("order names (`Name`) are missing", source=ctx.source, column=cols["Name"],
                        rows=int(name.isna().sum()), example=f"row {first + 1}",
                        fix="Every line item row of a Shopify export has its order's Name; export again")
    # order-level values: first non-empty cell of each order, broadcast to its lines
    present = [c for c in ORDER_LEVEL if c in cols]
    order_vals = frame[[cols[c] for c in present]].copy()
    order_vals.columns = present
    order_vals = order_vals.groupby(name.to_numpy(), sort=False).transform("first")
    first_line = ~name.duplicated()

    created = ctx.dates(order_vals.rename(columns={"Created at": cols["Created at"]}), cols["Created at"])
    qty = ctx.integers(frame, cols["Lineitem quantity"])
    price = ctx.numbers(frame, cols["Lineitem price"])
    gross = qty * price
    line_disc = ctx.numbers(frame, cols["Lineitem discount"]).fillna(0) if "Lineitem discount" in cols else \
        pd.Series(0.0, index=frame.index)
    order_gross = gross.groupby(name.to_numpy()).transform("sum")
    order_line_disc = line_disc.groupby(name.to_numpy()).transform("sum")
    if "Subtotal" in present:
        subtotal = _num(ctx, order_vals, "Subtotal", cols)
        order_disc = (order_gross - subtotal).where(subtotal.notna(), 0.0).clip(lower=0)
    elif "Discount Amount" in present:
        order_disc = _num(ctx, order_vals, "Discount Amount", cols).fillna(0)
    else:
        order_disc = pd.Series(0.0, index=frame.index)
    rest = (order_disc - order_line_disc).clip(lower=0)
    share = (gross / order_gross).where(order_gross != 0, 0.0)
    discount = line_disc + rest * share
    revenue = gross - discount

    fin = text(order_vals, "Financial Status").str.lower() if "Financial Status" in present else \
        pd.Series(pd.NA, index=frame.index, dtype="string")
    status = fin.map(STATUS, na_action="ignore").astype("string")
    cancelled_at = ctx.dates(order_vals.rename(columns={"Cancelled at": cols["Cancelled at"]}), cols["Cancelled at"]) \
        if "Cancelled at" in present else pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us]")
    is_cancel = cancelled_at.notna() | (fin == "voided").fillna(False)
    status = status.mask(is_cancel, "cancelled")
    unknown = fin.notna() & status.isna()
    if unknown.any():
        ctx.summary.add("status_unknown", int(unknown.sum()), "changed",
                        f"lines with a Financial Status not recognised (first: {fin[unknown].iloc[0]!r}): "
                        "status left empty")

    out = pd.DataFrame({
        "order_id": name,
        "customer_id": text(order_vals, "Email").str.lower() if "Email" in present else pd.NA,
        "order_date": created,
        "revenue": revenue,
        "quantity": qty,
        "line_type": "sale",
        "unit_price": price,
        "discount": discount,
        "status": status,
    })
    if "Lineitem sku" in cols:
        out["sku"] = text(frame, cols["Lineitem sku"])
    if "Lineitem name" in cols:
        out["product_name"] = text(frame, cols["Lineitem name"])
    if "Vendor" in cols:
        out["category"] = text(frame, cols["Vendor"])
    for col, canon in (("Taxes", "tax"), ("Shipping", "shipping")):
        if col in present:
            out[canon] = _num(ctx, order_vals, col, cols).fillna(0).where(first_line, 0.0)
    if "Currency" in present:
        out["currency"] = text(order_vals, "Currency").str.upper()
    for canon, pair in (("country", ("Billing Country", "Shipping Country")),
                        ("region", ("Billing Province", "Shipping Province"))):
        got = [text(order_vals, c) for c in pair if c in present]
        if got:
            out[canon] = got[0].fillna(got[1]) if len(got) > 1 else got[0]
    if "Source" in present:
        out["channel"] = text(order_vals, "Source")

    partial = None
    if "Refunded Amount" in present:
        refunded_amt = _num(ctx, order_vals, "Refunded Amount", cols)
        partial = refunded_amt.where((fin == "partially_refunded").fillna(False) & first_line)
    result = apply_order_outcomes(out, ctx, cancelled=is_cancel, cancel_date=cancelled_at,
                                  refunded=(fin == "refunded").fillna(False), partial_amount=partial)
    pending = (result["status"] == "pending") & (result["line_type"] == "sale")
    ctx.summary.add("pending", int(pending.sum()), "kept",
                    "lines of orders with payment pending or authorised: kept as sales (status 'pending')")
    return result


def _num(ctx: LoadContext, order_vals: pd.DataFrame, col: str, cols: dict) -> pd.Series:
    return ctx.numbers(order_vals.rename(columns={col: cols[col]}), cols[col])
