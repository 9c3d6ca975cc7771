"""Package structure: imports point one way between the layers, public names follow the written scheme
(CONTRIBUTING.md, "Names"), and the top-level namespace stays small."""
from __future__ import annotations

import ast
import importlib
import inspect
from collections import Counter
from pathlib import Path

import pytest

import workbench

PKG = Path(workbench.__file__).parent

# part of the package -> workbench modules it must not import
FORBIDDEN = {
    "data": ("workbench.analyses", "workbench.plots", "workbench.present", "workbench.reports", "workbench.runner"),
    "engine.py": ("workbench.data", "workbench.analyses", "workbench.plots", "workbench.present",
                  "workbench.reports", "workbench.runner"),
    "analyses": ("workbench.runner", "workbench.plots", "workbench.present", "workbench.reports",
                 "workbench.provenance"),
    "plots": ("workbench.data", "workbench.analyses", "workbench.runner"),
    "present": ("workbench.data", "workbench.analyses", "workbench.plots", "workbench.reports", "workbench.runner"),
    "reports": ("workbench.plots", "workbench.runner"),
    "runner": ("workbench.analyses", "workbench.data", "workbench.plots", "workbench.reports"),
}

def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names}  # `from workbench import present`
    return out


@pytest.mark.parametrize("part", sorted(FORBIDDEN))
def test_layers_import_one_way(part):
    paths = [PKG / part] if part.endswith(".py") else sorted((PKG / part).rglob("*.py"))
    bad = []
    for path in paths:
        rel = str(path.relative_to(PKG))
        for mod in _imports(path):
            if mod.startswith(FORBIDDEN[part]):
                bad.append(f"{rel} imports {mod}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("package", ["workbench.data", "workbench.plots"])
def test_flat_namespaces_have_unique_names(package):
    pkg = importlib.import_module(package)
    counts = Counter(pkg.__all__)
    assert not [n for n, c in counts.items() if c > 1]
    for name in pkg.__all__:
        assert hasattr(pkg, name), f"{package}.__all__ lists {name!r} but it is not defined"


def test_top_level_lists_only_what_a_notebook_needs():
    """`wb.<Tab>`: the loaders, the domain namespaces, charts, reports, md/table/record/attempt and the errors."""
    loaders = sorted(n for n in workbench.data.__all__ if n.startswith("load_"))
    assert dir(workbench) == sorted([
        "__version__", "sales", "customers", "demand", "competitors", "salaries", "experiments", "marketing",
        "plots", "reports", "md", "table", "record", "attempt", "report_setup",
        "DataError", "NotEnoughData", "ParameterError", "WorkbenchError", *loaders, "read_bls_oews"])
    assert len(loaders) == 11
    for name in dir(workbench):
        assert getattr(workbench, name) is not None
    for name in loaders:
        assert getattr(workbench, name) is getattr(workbench.data, name)
    assert workbench.record is workbench.provenance.record and workbench.table.__module__ == "workbench.present.tables"


def test_internals_are_reached_through_their_module():
    """Names that are not a notebook's are not attributes of ``workbench`` (its submodules, once imported, are)."""
    for name in ("fmt", "register_input", "recorded_metrics", "generate_orders", "read_csv_robust", "SALE", "nope"):
        with pytest.raises(AttributeError) as exc:
            getattr(workbench, name)
        assert str(exc.value) == (f"module 'workbench' has no attribute {name!r}; internals are reached through "
                                  "their module, e.g. workbench.engine, workbench.present.fmt, workbench.data")


def test_import_is_light():
    """`workbench list` must start fast: importing the package alone loads no analysis stack."""
    import subprocess
    import sys

    code = "import sys, workbench; print(','.join(m for m in ('ibis','statsmodels','sklearn','matplotlib') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_plots_load_only_the_domain_drawn():
    """wb.plots lists every chart but imports a domain's module (and its analyses) on first use."""
    import subprocess
    import sys

    code = ("import sys, workbench as wb; n = len(wb.plots.__all__); wb.plots.plot_area_ranking; "
            "print(n, sorted(m for m in sys.modules if m.startswith('workbench.plots.')), 'scipy.stats' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    n, rest = out.stdout.split(" ", 1)
    assert int(n) == len(importlib.import_module("workbench.plots").__all__) > 30
    assert rest.strip() == "['workbench.plots.salaries'] False"
