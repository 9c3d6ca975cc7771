"""Charts. Each function takes the result to draw, keyword-only options and ax=None, and returns the Axes; none calls plt.show.

``wb.plots.plot_<what>`` is one flat namespace over the domain modules, loaded on first use: a chart module
imports its report's labels, and those their analyses (the competitors' chart module alone pulls in
scipy.stats), so importing every domain cost each report about a second and a half of CPU for charts it never
draws. The names come from each module's literal ``__all__``, read from its source without importing it.
"""
from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import Any

_MODULES = ("sales", "customers", "demand", "competitors", "salaries", "experiments", "marketing")


def _exported(module: str) -> list[str]:
    """The literal ``__all__`` of ``workbench/plots/<module>.py``."""
    tree = ast.parse((Path(__file__).with_name(f"{module}.py")).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return list(ast.literal_eval(node.value))
    raise ImportError(f"workbench/plots/{module}.py has no literal __all__ = [...]")


_WHERE = {name: module for module in _MODULES for name in _exported(module)}
__all__ = list(_WHERE)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    if name in _MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'workbench.plots' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_MODULES, *__all__])
