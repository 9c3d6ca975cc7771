"""Test planning: power, minimum detectable effect, sample size and duration."""
from __future__ import annotations

__all__: list[str] = []
