"""Top products and categories."""
from __future__ import annotations

__all__: list[str] = []
