"""E-commerce research workbench.

Notebooks use it as ``import workbench as wb``::

    orders = wb.load_orders("data/raw/cdnow/CDNOW_master.txt")   # data layer
    kpis = wb.sales.kpi_summary(orders, period="month")           # analyses, one namespace per domain
    wb.plots.kpi_trend(kpis)                                      # presentation
    wb.record("revenue", kpis.revenue.sum(), kind="money")        # headline numbers for the run

Layers (imports point one way): ``data`` (reading, validation, the record of what was read),
``analyses`` (one sub-package per domain), ``plots`` and ``present`` (charts, number formatting,
sentences), and ``runner`` (parameters, execution, HTML, manifest, catalog, CLI), which knows
notebooks and files but no e-commerce. Attributes load on first use, so ``workbench list`` starts fast.
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
    "fmt": "workbench.present.fmt",
    "present": "workbench.present",
    "data": "workbench.data",
    "engine": "workbench.engine",
    "spark": "workbench.spark",
    "config": "workbench.config",
}
_FUNCTIONS = {
    "record": "workbench.provenance",
    "register_input": "workbench.provenance",
    "recorded_metrics": "workbench.provenance",
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
    data = importlib.import_module("workbench.data")
    if name in data.__all__:  # the loaders: load_orders, load_oews, read_bls_oews, ...
        return getattr(data, name)
    raise AttributeError(f"module 'workbench' has no attribute {name!r}")


def __dir__() -> list[str]:
    data = importlib.import_module("workbench.data")
    return sorted([*globals(), *_NAMESPACES, *_FUNCTIONS, *data.__all__])
