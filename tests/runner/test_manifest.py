"""Manifest pieces: environment, git state, input re-hashing and the incremental-run check."""
from __future__ import annotations

import hashlib
import json
import platform

import pytest

from workbench import config
from workbench.runner.manifest import (changes_since, code_fingerprint, environment, git_state, input_changes,
                                       package_versions, relative_input, write_json)


@pytest.fixture
def data_file(tmp_path):
    f = tmp_path / "orders.csv"
    f.write_bytes(b"a,b\n1,2\n")
    return f


def _sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


def _manifest(data_file, env):
    return {"notebook": {"sha256": "nbhash"}, "parameters": {"a": 1, "b": [1, 2]}, "options": {"show_code": False},
            "environment": env, "inputs": [{"path": str(data_file), "sha256": _sha(b"a,b\n1,2\n"), "bytes": 8}]}


class TestEnvironment:
    def test_versions_and_python(self):
        env = environment()
        assert env["python"] == platform.python_version()
        assert env["kernel"] == "workbench"
        from importlib.metadata import version

        assert env["packages"]["pandas"] == version("pandas")
        assert env["packages"]["papermill"] == version("papermill")
        assert env["packages"]["ecommerce-workbench"] == version("ecommerce-workbench")
        assert len(env["code_sha256"]) == 64

    def test_package_versions_cover_declared_dependencies(self):
        pk = package_versions()
        for name in ("duckdb", "ibis-framework", "nbconvert", "statsmodels", "seaborn"):
            assert name in pk and pk[name] != "not installed"

    def test_code_fingerprint_is_stable(self):
        assert code_fingerprint() == code_fingerprint()

    def test_git_state(self):
        g = git_state()
        assert g["commit"] is None or len(g["commit"]) == 40
        assert git_state(root="/") == {"commit": None, "dirty": None}


class TestInputs:
    def test_unchanged_changed_missing(self, data_file, tmp_path):
        before, after = _sha(b"a,b\n1,2\n"), _sha(b"a,b\n1,3\n")
        rec = [{"path": str(data_file), "sha256": before}]
        assert input_changes(rec) == []
        data_file.write_bytes(b"a,b\n1,3\n")
        assert input_changes(rec) == [f"input {data_file} changed (sha256 {before[:12]}… -> {after[:12]}…)"]
        data_file.unlink()
        assert input_changes(rec) == [f"input {data_file} is missing"]

    def test_relative_to_project_root(self):
        inside = {"path": str(config.RAW_DIR / "cdnow" / "CDNOW_master.txt"), "sha256": "x"}
        assert relative_input(inside)["path"] == "data/raw/cdnow/CDNOW_master.txt"
        assert relative_input({"path": "/elsewhere/f.csv", "sha256": "x"})["path"] == "/elsewhere/f.csv"


class TestChangesSince:
    def test_nothing_changed(self, data_file):
        env = environment()
        assert changes_since(_manifest(data_file, env), notebook_sha256="nbhash", parameters={"b": [1, 2], "a": 1},
                             show_code=False, env=env) == []

    def test_each_change_is_named(self, data_file):
        env = environment()
        m = _manifest(data_file, env)
        data_file.write_bytes(b"changed")
        other = json.loads(json.dumps(env))
        other["packages"]["pandas"] = "0.0.1"
        other["code_sha256"] = "0" * 64
        got = changes_since(m, notebook_sha256="other", parameters={"a": 2, "b": [1, 2]}, show_code=True, env=other)
        assert got[:5] == ["notebook changed", "parameters changed (a)", "show-code option changed",
                           "workbench code changed", "package versions changed (pandas)"]
        assert got[5].startswith(f"input {data_file} changed")

    def test_version_change_reported_before_code(self, data_file):
        env = environment()
        m = _manifest(data_file, env)
        newer = dict(env, workbench="9.9.9")
        assert changes_since(m, notebook_sha256="nbhash", parameters=m["parameters"], show_code=False,
                             env=newer) == [f"workbench version changed ({env['workbench']} -> 9.9.9)"]


def test_write_json_rejects_nan(tmp_path):
    with pytest.raises(ValueError):
        write_json(tmp_path / "x.json", {"v": float("nan")})
    assert not list(tmp_path.glob("x.json"))
