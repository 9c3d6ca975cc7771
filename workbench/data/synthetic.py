"""Generated order lines for benchmarks and tests (seeded; never shipped as real data)."""
from __future__ import annotations

__all__: list[str] = []
