"""Price positioning from price-monitoring data."""
from __future__ import annotations

__all__: list[str] = []
