"""Pay bands by level and the offer check."""
from __future__ import annotations

__all__: list[str] = []
