"""Customer lifetime value: BG/NBD and Gamma-Gamma fitted by maximum likelihood."""
from __future__ import annotations

__all__: list[str] = []
