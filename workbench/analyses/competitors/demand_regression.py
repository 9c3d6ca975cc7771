"""Log-log demand regression on aggregate sales and prices."""
from __future__ import annotations

__all__: list[str] = []
