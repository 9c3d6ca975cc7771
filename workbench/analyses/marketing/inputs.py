"""The shop's orders for the marketing report, which runs without them too.

A marketing report can be made from spend alone (a weekly marketing-mix table holds the revenue), but new
customers, acquisition cost, lifetime value and payback need the shop's orders. :func:`shop_orders` loads them
when a source is given and otherwise raises :class:`~workbench.errors.NotEnoughData`, so a report computes it with
``wb.attempt(...)`` and every section built on the orders says why it is absent.
"""
from __future__ import annotations

from typing import Any

from workbench.data.orders import load_orders
from workbench.errors import NotEnoughData

__all__ = ["shop_orders"]


def shop_orders(source: Any = None, *, format: str = "auto", currency: str | None = None):
    """``load_orders(source, format=format, currency=currency)``; NotEnoughData when no source is given."""
    if source is None or (isinstance(source, str) and not source.strip()):
        raise NotEnoughData("no orders were given: new customers, acquisition cost (CAC), lifetime value and payback "
                            "need the shop's orders, so those sections are left out",
                            fix="Pass the shop's orders export as orders_source (Shopify, WooCommerce, any CSV) to "
                                "see them")
    return load_orders(source, format=format, currency=currency)
