"""The shop's orders for the marketing report, which runs without them too.

A marketing report can be made from spend alone (a weekly marketing-mix table holds the revenue), but new
customers, acquisition cost, lifetime value and payback need the shop's orders. :func:`shop_orders` loads them
when a source is given and returns None otherwise; the analyses that need orders then raise
:class:`~workbench.errors.NotEnoughData` (:data:`NO_ORDERS`), so a report computing them with ``wb.attempt(...)``
says in each of those sections why it is absent, and the sections that do not need orders run as usual.
"""
from __future__ import annotations

from typing import Any

from workbench.data.orders import load_orders
from workbench.errors import NotEnoughData

__all__ = ["shop_orders", "require_orders", "NO_ORDERS"]

NO_ORDERS = ("no orders were given: new customers, acquisition cost (CAC), lifetime value and payback need the "
             "shop's orders")


def shop_orders(source: Any = None, *, format: str = "auto", currency: str | None = None):
    """``load_orders(source, format=format, currency=currency)``, or None when no source is given."""
    if source is None or (isinstance(source, str) and not source.strip()):
        return None
    return load_orders(source, format=format, currency=currency)


def require_orders(orders: Any) -> None:
    """NotEnoughData (:data:`NO_ORDERS`) when ``orders`` is None (or a skipped section)."""
    from workbench.sections import is_skipped

    if orders is None or is_skipped(orders):
        raise NotEnoughData(NO_ORDERS, fix="Pass the shop's orders export as orders_source (Shopify, WooCommerce, "
                                           "any CSV) to see these sections")
