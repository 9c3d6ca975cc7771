"""Package structure: imports point one way between the layers, and public names are unique."""
from __future__ import annotations

import ast
import importlib
from collections import Counter
from pathlib import Path

import pytest

import workbench

PKG = Path(workbench.__file__).parent

# layer -> workbench sub-packages it must not import
FORBIDDEN = {
    "data": ("workbench.analyses", "workbench.plots", "workbench.present", "workbench.runner"),
    "analyses": ("workbench.runner", "workbench.plots"),
    "plots": ("workbench.data", "workbench.runner"),
    "present": ("workbench.data", "workbench.analyses", "workbench.runner"),
    "runner": ("workbench.analyses", "workbench.data", "workbench.plots"),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
    return out


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layers_import_one_way(layer):
    bad = []
    for path in sorted((PKG / layer).rglob("*.py")):
        for mod in _imports(path):
            if mod.startswith(FORBIDDEN[layer]):
                bad.append(f"{path.relative_to(PKG)} imports {mod}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("package", ["workbench.data", "workbench.plots"])
def test_flat_namespaces_have_unique_names(package):
    pkg = importlib.import_module(package)
    counts = Counter(pkg.__all__)
    assert not [n for n, c in counts.items() if c > 1]
    for name in pkg.__all__:
        assert hasattr(pkg, name), f"{package}.__all__ lists {name!r} but it is not defined"


def test_top_level_exposes_namespaces_and_loaders():
    for name in ["sales", "customers", "demand", "competitors", "salaries", "experiments", "plots", "fmt",
                 "record", "report_setup", "md", "table"]:
        assert getattr(workbench, name) is not None
    for name in workbench.data.__all__:
        assert getattr(workbench, name) is getattr(workbench.data, name)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        workbench.nope  # noqa: B018


def test_import_is_light():
    """`workbench list` must start fast: importing the package alone loads no analysis stack."""
    import subprocess
    import sys

    code = "import sys, workbench; print(','.join(m for m in ('ibis','statsmodels','sklearn','matplotlib') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
