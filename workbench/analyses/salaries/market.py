"""Market pay distribution, location and industry comparisons."""
from __future__ import annotations

__all__: list[str] = []
