"""Site event logs (GA4-style) and experiment assignment tables."""
from __future__ import annotations

__all__: list[str] = []
