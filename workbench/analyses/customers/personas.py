"""Buyer personas: behavioural clusters described in business terms."""
from __future__ import annotations

__all__: list[str] = []
