"""Charts for the competitor analysis."""
from __future__ import annotations

__all__: list[str] = []
