"""The long choice table every choice analysis reads: one row per purchase occasion x alternative."""
from __future__ import annotations

from typing import Any

import pandas as pd

from workbench.errors import DataError

PRICE = "price"
PROMOTION_TERMS = ("feature", "display")
BRAND_PREFIX = "brand: "


def long_table(panel: Any) -> pd.DataFrame:
    """The long choice table of a ChoicePanel (or a long DataFrame given directly), checked."""
    table = getattr(panel, "table", panel)
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"expected a ChoicePanel (wb.load_choice_panel) or its long table, got {type(panel).__name__}")
    need = ["occasion_id", "alternative", "chosen", "price"]
    missing = [c for c in need if c not in table.columns]
    if missing:
        raise DataError(f"columns {missing} not found in the choice table", source="panel", column=missing[0],
                        fix="Load the panel with wb.load_choice_panel(), which builds the long choice table")
    return table


def alternatives(panel: Any, table: pd.DataFrame) -> list[str]:
    """The alternatives in the panel's order (first appearance in a bare long table)."""
    alts = getattr(panel, "alternatives", None)
    return list(alts) if alts else list(pd.unique(table["alternative"].astype(str)))


def promotion_flags(table: pd.DataFrame) -> list[str]:
    """The promotion flags the table has values for (``feature``, ``display``)."""
    return [p for p in PROMOTION_TERMS if p in table.columns and table[p].notna().any()]
