"""The market-research report's words: its sentences, display tables and headline metrics.

(Filled in as the report moves to the report shape; see CONTRIBUTING.md.)
"""
from __future__ import annotations

__all__: list[str] = []
