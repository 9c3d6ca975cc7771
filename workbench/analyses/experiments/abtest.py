"""A/B test readout: SRM, conversion, revenue, ratio metrics, corrections, CUPED."""
from __future__ import annotations

__all__: list[str] = []
