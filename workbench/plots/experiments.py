"""Charts for funnels and experiment readouts."""
from __future__ import annotations

__all__: list[str] = []
