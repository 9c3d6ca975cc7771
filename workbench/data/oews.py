"""BLS OEWS wages: the shipped May 2025 extract and the official BLS time-series flat files."""
from __future__ import annotations

__all__: list[str] = []
