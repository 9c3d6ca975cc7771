"""Demand: trend and seasonality, forecast with prediction intervals, back-test."""
from __future__ import annotations

__all__: list[str] = []
