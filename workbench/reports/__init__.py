"""Reports: one module per report notebook, holding its words.

Each module has the report's sentences (functions ending in ``_md``, returning
:class:`~workbench.present.narrative.Markdown`), its display tables (functions ending in ``_table``, returning a
Styler made from a :class:`~workbench.present.tables.TableSpec` declared in the module), and the headline
metrics it records (``record_headlines(...)``, one call per report). Analyses compute; reports say.

Modules load on first use (``wb.reports.sales``), so a report pulls in only its own analyses.
"""
from __future__ import annotations

import importlib
from typing import Any

REPORTS = ("sales", "market_research", "competitors", "salaries", "experiments", "marketing")
__all__ = list(REPORTS)


def __getattr__(name: str) -> Any:
    if name in REPORTS:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'workbench.reports' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *REPORTS])
