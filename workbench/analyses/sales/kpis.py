"""Store KPIs per period and for a period against the previous one and the same period last year."""
from __future__ import annotations

__all__: list[str] = []
