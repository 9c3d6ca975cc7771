"""Monthly acquisition cohorts: customer and revenue retention, cumulative revenue per customer."""
from __future__ import annotations

__all__: list[str] = []
