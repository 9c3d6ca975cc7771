"""E-commerce research workbench.

Notebooks use it as ``import workbench as wb``::

    orders = wb.load_orders("data/raw/cdnow/CDNOW_master.txt")     # loaders: wb.load_*
    kpis = wb.sales.kpis_by_period(orders, period="month")          # analyses: one namespace per domain
    wb.plots.plot_kpi_trend(kpis, column="revenue")                 # charts: wb.plots.plot_<what>
    comparison = wb.sales.kpi_comparison(orders, kpis=kpis)         # this month vs the last and a year ago
    wb.reports.sales.kpi_table(comparison, currency="USD")          # a report's words, tables and headlines

``wb.<Tab>`` lists only what a notebook needs: the loaders, the domain namespaces, ``plots`` and ``reports``,
``md``, ``table``, ``record``, ``attempt``, ``report_setup`` and the error types. Everything else is reached through
its module (``workbench.engine``, ``workbench.present.fmt``, ``workbench.data.generate_orders``, ...).

Layers (imports point one way; CONTRIBUTING.md): ``data`` (reading, validation, the record of what was read),
``engine`` (Ibis backends), ``analyses`` (numbers and frames, one sub-package per domain), ``plots``, ``present``
and ``reports`` (charts, formatting, each report's words), and ``runner`` (parameters, execution, HTML, manifest,
catalog, CLI), which knows notebooks and files but no e-commerce. Attributes load on first use, so
``workbench list`` starts fast.
"""
from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# attribute -> module that defines it (functions) or is it (namespaces)
_NAMESPACES = {
    "sales": "workbench.analyses.sales",
    "customers": "workbench.analyses.customers",
    "demand": "workbench.analyses.demand",
    "competitors": "workbench.analyses.competitors",
    "salaries": "workbench.analyses.salaries",
    "experiments": "workbench.analyses.experiments",
    "marketing": "workbench.analyses.marketing",
    "plots": "workbench.plots",
    "reports": "workbench.reports",
}
_FUNCTIONS = {
    "record": "workbench.provenance",
    "DataError": "workbench.errors",
    "NotEnoughData": "workbench.errors",
    "ParameterError": "workbench.errors",
    "attempt": "workbench.sections",
    "WorkbenchError": "workbench.errors",
    "report_setup": "workbench.present.style",
    "md": "workbench.present.narrative",
    "table": "workbench.present.tables",
}


def __getattr__(name: str) -> Any:
    if name in _NAMESPACES:
        return importlib.import_module(_NAMESPACES[name])
    if name in _FUNCTIONS:
        return getattr(importlib.import_module(_FUNCTIONS[name]), name)
    if (name.startswith("load_") or name == "read_bls_oews") and name in _loaders():  # `from workbench import
        return getattr(importlib.import_module("workbench.data"), name)            # config` stays light
    raise AttributeError(f"module 'workbench' has no attribute {name!r}; internals are reached through their "
                         "module, e.g. workbench.engine, workbench.present.fmt, workbench.data")


def _loaders() -> list[str]:
    """The data layer's loaders: ``load_<what>`` and the BLS flat-file reader ``read_bls_oews``."""
    data = importlib.import_module("workbench.data")
    return [n for n in data.__all__ if n.startswith("load_") or n == "read_bls_oews"]


def __dir__() -> list[str]:
    return sorted(["__version__", *_NAMESPACES, *_FUNCTIONS, *_loaders()])
