"""Charts for segments, personas and lifetime value."""
from __future__ import annotations

__all__: list[str] = []
