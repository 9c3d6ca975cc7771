"""Choice shares and conditional logit on brand-choice panels; elasticities; what-if simulator."""
from __future__ import annotations

__all__: list[str] = []
