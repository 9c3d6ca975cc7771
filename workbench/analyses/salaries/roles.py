"""Role lookup: e-commerce job titles to SOC occupations."""
from __future__ import annotations

__all__: list[str] = []
