"""Own salary data: experience curve by quantile regression, pay compression."""
from __future__ import annotations

__all__: list[str] = []
