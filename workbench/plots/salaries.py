"""Charts for salary benchmarking."""
from __future__ import annotations

__all__: list[str] = []
