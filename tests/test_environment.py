"""The places that name dependencies agree (pyproject.toml, requirements.lock, environment.yml, the Makefile), the
code declares what it imports, and a plain `pip install .` pulls in neither Spark nor JupyterLab."""
from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, packages_distributions, requires, version

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from workbench.config import PROJECT_ROOT

# conda-forge names that differ from PyPI's (ibis' backends are packages of their own there)
CONDA_TO_PYPI = {"python-duckdb": "duckdb", "ibis-duckdb": "ibis-framework", "ibis-pyspark": "ibis-framework",
                 "ibis-postgres": "ibis-framework"}
# conda packages with no PyPI twin, and why
CONDA_ONLY = {"openjdk": "the Java 17 Spark needs (pip cannot install it)",
              "postgresql": "the server the PostgreSQL tests start (pip cannot install it)"}
# modules imported only behind a check that names the extra to install (tests/test_extras.py)
OPTIONAL_IMPORTS = {"pyspark": "spark"}
# import name -> distribution, for modules not installed here (packages_distributions only knows installed ones)
KNOWN_MODULES = {"yaml": "pyyaml", "sklearn": "scikit-learn", "IPython": "ipython", "ibis": "ibis-framework"}


def _name(req: str) -> str:
    return canonicalize_name(re.split(r"[\[<>=!~ ;]", req.strip(), maxsplit=1)[0])


def _project() -> dict:
    return tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]


def _groups() -> dict[str, list[str]]:
    """'base' and each extra -> its requirement strings."""
    project = _project()
    return {"base": project["dependencies"], **project["optional-dependencies"]}


def _pyproject() -> dict[str, list[str]]:
    """Every declared distribution (base and extras) -> its requirement strings."""
    out: dict[str, list[str]] = {}
    for reqs in _groups().values():
        for r in reqs:
            out.setdefault(_name(r), []).append(r)
    return out


def _conda():
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    out, pip = {}, []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip = dep["pip"]
            continue
        name = re.split(r"[<>=! ]", dep, maxsplit=1)[0]
        if name in {"python", "pip"}:
            continue
        out.setdefault(CONDA_TO_PYPI.get(name, canonicalize_name(name)), []).append(dep)
    return out, pip


def _lock() -> dict[str, str]:
    out = {}
    for line in (PROJECT_ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, pinned = line.split("==")
            out[canonicalize_name(name)] = pinned
    return out


def _makefile(var: str) -> str:
    match = re.search(rf"^{var}\s*:=\s*(.+)$", (PROJECT_ROOT / "Makefile").read_text(), re.M)
    assert match, f"Makefile defines no {var}"
    return match[1].strip()


class TestInStep:
    def test_environment_yml_declares_the_same_packages_as_pyproject(self):
        conda, _ = _conda()
        assert set(conda) - set(CONDA_ONLY) == set(_pyproject())

    def test_environment_yml_pins_the_locked_versions(self):
        conda, _ = _conda()
        lock = _lock()
        wrong = {name: (specs, lock.get(name)) for name, specs in conda.items() if name not in CONDA_ONLY
                 and any(s.split("==")[-1] != lock.get(name) for s in specs)}
        assert not wrong, f"environment.yml vs requirements.lock: {wrong}"

    def test_locked_versions_satisfy_pyproject(self):
        lock = _lock()
        for name, reqs in _pyproject().items():
            for r in reqs:
                assert lock[name] in SpecifierSet(str(Requirement(r).specifier)), f"{name} {lock[name]} vs {r!r}"

    def test_every_dependency_is_pinned_in_the_lock(self):
        missing = sorted(set(_pyproject()) - set(_lock()))
        assert not missing, f"not in requirements.lock: {missing} (run `make lock`)"

    def test_every_dependency_has_a_lower_bound(self):
        for name, reqs in _pyproject().items():
            assert all(">=" in r for r in reqs), f"{name}: {reqs}"

    def test_installed_versions_match_the_lock(self):
        lock = _lock()
        wrong = {}
        for name in _pyproject():
            try:
                got = version(name)
            except PackageNotFoundError:
                got = None
            if got != lock[name]:
                wrong[name] = (got, lock[name])
        assert not wrong, f"installed vs locked: {wrong} (run `make setup`)"

    def test_environment_yml_installs_the_package_with_the_makefiles_extras(self):
        _, pip = _conda()
        assert pip == [f'-e ".[{_makefile("EXTRAS")}]"']
        assert set(_makefile("EXTRAS").split(",")) == set(_project()["optional-dependencies"])

    def test_environment_yml_registers_the_kernel_as_the_makefile_does(self):
        text = (PROJECT_ROOT / "environment.yml").read_text()
        assert f"python -m ipykernel install --sys-prefix {_makefile('KERNEL')}" in text
        assert "$(BIN)/python -m ipykernel install --sys-prefix $(KERNEL)" in (PROJECT_ROOT / "Makefile").read_text()

    def test_environment_yml_has_java_17_for_spark(self):
        conda, _ = _conda()
        assert conda["openjdk"] == ["openjdk=17"]


def _reachable(requirements: list[str]) -> set[str]:
    """Every distribution a set of requirements installs (following installed metadata, extras included where
    a requirement asks for them)."""
    seen: set[str] = set()
    todo = [Requirement(r) for r in requirements]
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        key = name + "".join(f"[{e}]" for e in sorted(req.extras))
        if key in seen:
            continue
        seen |= {key, name}
        try:
            subs = requires(name) or []
        except PackageNotFoundError:
            continue
        for sub in map(Requirement, subs):
            extras = req.extras or {""}
            if sub.marker is None or any(sub.marker.evaluate({"extra": e}) for e in extras):
                todo.append(sub)
    return {s for s in seen if "[" not in s}


class TestExtras:
    def test_spark_and_jupyterlab_are_extras(self):
        groups = _groups()
        assert {_name(r) for r in groups["spark"]} == {"pyspark", "ibis-framework"}
        assert any("[pyspark]" in r for r in groups["spark"])
        assert {_name(r) for r in groups["lab"]} == {"jupyterlab"}
        assert "psutil" in {_name(r) for r in groups["test"]}

    def test_a_plain_install_pulls_neither_spark_nor_jupyterlab(self):
        base = _groups()["base"]
        assert not {"pyspark", "jupyterlab", "psutil"} & {_name(r) for r in base}
        assert not any("pyspark" in Requirement(r).extras for r in base)
        pulled = _reachable(base)
        assert "pandas" in pulled and "ibis-framework" in pulled  # the walk follows the metadata
        assert not {"pyspark", "py4j", "jupyterlab", "jupyter-server"} & pulled, sorted(pulled)


def _imports() -> dict[str, set[str]]:
    """Top-level third-party module -> files of workbench/ importing it."""
    out: dict[str, set[str]] = {}
    for path in sorted((PROJECT_ROOT / "workbench").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for top in {n.split(".")[0] for n in names}:
                if top not in sys.stdlib_module_names and top != "workbench":
                    out.setdefault(top, set()).add(str(path.relative_to(PROJECT_ROOT)))
    return out


def test_every_imported_package_is_declared():
    declared = {g: {_name(r) for r in reqs} for g, reqs in _groups().items()}
    dists = packages_distributions()
    missing = []
    for module, files in sorted(_imports().items()):
        names = {canonicalize_name(d) for d in dists.get(module, [])} or {KNOWN_MODULES.get(module, module)}
        where = declared[OPTIONAL_IMPORTS.get(module, "base")]
        if not names & where:
            missing.append(f"{module} ({sorted(names)}) imported by {sorted(files)[:3]}")
    assert not missing, "declare in pyproject.toml: " + "; ".join(missing)


@pytest.mark.parametrize("module, group", sorted(OPTIONAL_IMPORTS.items()))
def test_optional_imports_are_in_their_extra(module, group):
    assert module in _imports()
    assert module in {_name(r) for r in _groups()[group]}
