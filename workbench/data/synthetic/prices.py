"""Generated prices data (seeded, labelled as generated; never shipped as real data)."""
from __future__ import annotations

__all__: list[str] = []
