"""The manifest of a run (``manifest.json``) and ``metrics.json``: what ran, on what, in which environment.

``manifest.json`` (schema 1)::

    {"schema": 1, "run_id": "20261128T082512Z-default-a3f9c1", "job": "sales-performance/default",
     "title": "Sales performance", "status": "succeeded" | "failed",
     "notebook": {"name", "path", "sha256"},             # sha256 of cell types, sources and tags
     "parameters": {...every parameter's value...},      # defaults merged with what was set
     "overrides": {...only what was set for this run...},
     "inputs": [{"path", "sha256", "bytes", "role"}],     # every file the loaders registered
     "environment": {"python", "platform", "kernel", "workbench", "code_sha256", "packages": {...}},
     "git": {"commit", "dirty"},
     "started", "ended" (UTC ISO 8601), "duration_s",
     "error": null | {"cell_index", "execution_count", "cell_id", "ename", "evalue", "source", "traceback"},
     "options": {"show_code"}, "files": {"notebook", "html", "metrics"}}

``metrics.json``: ``{"metrics": [{"name", "value", "label", "kind", "unit", "good"}, ...]}`` in recording order;
where recorded, ``se``, ``n``, ``card`` (False) and ``key`` (True), and ``change`` against the previous run.
"""
from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import subprocess
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from workbench import config
from workbench.provenance import sha256_file

__all__ = ["SCHEMA", "environment", "git_state", "code_fingerprint", "input_changes", "changes_since",
           "write_json", "read_manifest", "read_metrics", "is_headline", "key_figures", "relative_input",
           "package_versions"]

SCHEMA = 1
DIST_NAME = "ecommerce-workbench"
MANIFEST = "manifest.json"
METRICS = "metrics.json"


def write_json(path: str | os.PathLike, data: Any) -> None:
    """Write JSON through a temporary file and a rename, so a reader never sees half a file."""
    p = Path(path)
    tmp = p.with_name(f".{p.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8")
    os.replace(tmp, p)


def read_manifest(run_dir: str | os.PathLike) -> dict:
    return json.loads((Path(run_dir) / MANIFEST).read_text(encoding="utf-8"))


def read_metrics(run_dir: str | os.PathLike) -> list[dict]:
    f = Path(run_dir) / METRICS
    if not f.exists():
        return []
    return json.loads(f.read_text(encoding="utf-8")).get("metrics", [])


def is_headline(metric: dict) -> bool:
    """Whether a recorded metric is a headline (a header card, a digest line, an index trend) rather than a
    figure recorded with ``card=False`` for tracking only (a model's parameters)."""
    return metric.get("card", True) is not False


def key_figures(metrics: list[dict], limit: int) -> list[dict]:
    """The figures the index shows for a run: those the report recorded with ``key=True``, or, where it marked
    none, its first numeric headline figures; at most ``limit``, in the order recorded."""
    keys = [m for m in metrics if m.get("key") and is_headline(m)]
    if not keys:
        keys = [m for m in metrics if is_headline(m) and isinstance(m.get("value"), (int, float))
                and not isinstance(m.get("value"), bool)]
    return keys[:limit]


@lru_cache(maxsize=1)
def package_versions() -> dict[str, str]:
    """Versions of the workbench and of every runtime dependency it declares (from the installed metadata)."""
    out: dict[str, str] = {}
    try:
        out["ecommerce-workbench"] = metadata.version(DIST_NAME)
        requires = metadata.requires(DIST_NAME) or []
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        requires = []
    names = [re.split(r"[\s\[<>=!~;]", r, maxsplit=1)[0] for r in requires if "extra ==" not in r]
    for name in sorted(set(names), key=str.lower):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    for name in ("ipykernel", "jupyter_client", "nbclient"):
        try:
            out.setdefault(name, metadata.version(name))
        except metadata.PackageNotFoundError:
            pass
    return out


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """sha256 over the workbench package's Python sources (paths and bytes).

    Part of the incremental-run check: a report reruns when the analysis code changed, even if the
    version number did not.
    """
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for f in sorted(root.rglob("*.py")):
        if "__pycache__" in f.parts:
            continue
        h.update(f.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(f.read_bytes())
        h.update(b"\0")
    return h.hexdigest()


def environment() -> dict:
    from workbench import __version__

    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "executable": sys.executable,
        "kernel": config.KERNEL_NAME,
        "workbench": __version__,
        "code_sha256": code_fingerprint(),
        "packages": package_versions(),
    }


def git_state(root: str | os.PathLike | None = None) -> dict:
    """``{"commit": sha or None, "dirty": bool or None}`` of the project's git tree (None outside git)."""
    cwd = Path(root or config.PROJECT_ROOT)
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True,
                                timeout=20)
        if commit.returncode != 0:
            return {"commit": None, "dirty": None}
        status = subprocess.run(["git", "status", "--porcelain"], cwd=cwd, capture_output=True, text=True,
                                timeout=60)
        dirty = bool(status.stdout.strip()) if status.returncode == 0 else None
        return {"commit": commit.stdout.strip(), "dirty": dirty}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def relative_input(entry: dict) -> dict:
    """An input record with its path relative to the project root when the file is inside it."""
    out = dict(entry)
    p = Path(entry["path"])
    try:
        out["path"] = p.resolve().relative_to(config.PROJECT_ROOT).as_posix()
    except ValueError:
        out["path"] = str(p)
    return out


def _input_path(path: str) -> Path:
    p = Path(path)
    return p if p.is_absolute() else config.PROJECT_ROOT / p


def input_changes(inputs: list[dict]) -> list[str]:
    """Re-hash the recorded input files; one sentence per file that is missing or changed."""
    out = []
    for item in inputs:
        p = _input_path(item["path"])
        if not p.is_file():
            out.append(f"input {item['path']} is missing")
            continue
        now = sha256_file(p)
        if now != item["sha256"]:
            out.append(f"input {item['path']} changed (sha256 {item['sha256'][:12]}… -> {now[:12]}…)")
    return out


def _canon(x: Any) -> str:
    return json.dumps(x, sort_keys=True, ensure_ascii=False)


def changes_since(manifest: dict, *, notebook_sha256: str, parameters: dict, show_code: bool,
                  env: dict) -> list[str]:
    """Why a job must run again compared with its last successful run (empty list: nothing changed).

    Compared: the notebook's content hash, every parameter value, the HTML option ``show_code``, the
    workbench version and source fingerprint, the versions of the declared dependencies, and the input
    files the last run read (re-hashed now).
    """
    out = []
    if manifest.get("notebook", {}).get("sha256") != notebook_sha256:
        out.append("notebook changed")
    if _canon(manifest.get("parameters", {})) != _canon(parameters):
        before, now = manifest.get("parameters", {}), parameters
        names = sorted(k for k in set(before) | set(now) if _canon(before.get(k)) != _canon(now.get(k)))
        out.append(f"parameters changed ({', '.join(names)})")
    if bool(manifest.get("options", {}).get("show_code")) != bool(show_code):
        out.append("show-code option changed")
    old_env = manifest.get("environment", {})
    if old_env.get("workbench") != env.get("workbench"):
        out.append(f"workbench version changed ({old_env.get('workbench')} -> {env.get('workbench')})")
    elif old_env.get("code_sha256") != env.get("code_sha256"):
        out.append("workbench code changed")
    old_pkgs, pkgs = old_env.get("packages", {}), env.get("packages", {})
    moved = sorted(k for k in set(old_pkgs) | set(pkgs) if old_pkgs.get(k) != pkgs.get(k))
    if moved:
        out.append(f"package versions changed ({', '.join(moved)})")
    out.extend(input_changes(manifest.get("inputs", [])))
    return out
