"""Charts for demand trend and forecast."""
from __future__ import annotations

__all__: list[str] = []
