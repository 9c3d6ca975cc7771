"""Price-monitoring exports (sku, competitor, date, price, in-stock)."""
from __future__ import annotations

__all__: list[str] = []
