"""Charts for the sales-performance report."""
from __future__ import annotations

__all__: list[str] = []
