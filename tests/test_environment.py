"""The three places that name dependencies agree: pyproject.toml, environment.yml, requirements.lock."""
from __future__ import annotations

import re
import tomllib

import yaml

from workbench.config import PROJECT_ROOT

# conda-forge names that differ from PyPI's
CONDA_TO_PYPI = {"python-duckdb": "duckdb"}


def _name(req: str) -> str:
    return re.split(r"[\[<>=!~ ;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject():
    data = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
    deps = data["project"]["dependencies"] + data["project"]["optional-dependencies"]["test"]
    return {_name(d): d for d in deps}


def _conda():
    env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    out, pip = {}, []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip = dep["pip"]
            continue
        name = _name(dep)
        if name in {"python", "pip"}:
            continue
        out[CONDA_TO_PYPI.get(name, name)] = dep
    return out, pip


def _lock():
    out = {}
    for line in (PROJECT_ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            out[_name(name)] = version
    return out


def test_environment_yml_declares_the_same_dependencies_as_pyproject():
    conda, _ = _conda()
    assert set(conda) == set(_pyproject())


def test_environment_yml_uses_the_same_lower_bounds():
    conda, _ = _conda()
    for name, req in _pyproject().items():
        bound = re.search(r">=([\w.]+)", req)
        assert bound, f"{name} has no lower bound in pyproject.toml"
        assert f">={bound[1]}" in conda[name], f"{name}: pyproject {req!r} vs environment.yml {conda[name]!r}"


def test_environment_yml_installs_the_package_editable():
    _, pip = _conda()
    assert any(p.startswith("-e .") or p.startswith('-e ".') for p in pip)


def test_every_dependency_is_pinned_in_the_lock():
    lock = _lock()
    missing = sorted(set(_pyproject()) - set(lock))
    assert not missing, f"not in requirements.lock: {missing} (run `make lock`)"


def test_installed_versions_match_the_lock():
    from importlib.metadata import PackageNotFoundError, version

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
