"""Brand-choice scanner panels (one row per purchase occasion) into a long choice table."""
from __future__ import annotations

__all__: list[str] = []
