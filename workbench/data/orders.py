"""load_orders: read an orders export (CSV, Parquet, Excel, known layouts) into the canonical order-line table."""
from __future__ import annotations

__all__: list[str] = []
