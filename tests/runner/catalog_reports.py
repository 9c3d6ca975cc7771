"""Run the project's catalog once per test session (shared by the end-to-end and browser tests)."""
from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from workbench import config
from workbench.runner.catalog import load_catalog


@dataclass
class CatalogRun:
    reports: Path
    returncode: int
    output: str
    seconds: float
    jobs: list[str]


_CACHE: dict[str, CatalogRun] = {}


def run_project_catalog(tmp_path_factory, *, jobs: int = 2) -> CatalogRun:
    """``workbench run --all --jobs 2`` on catalog.yaml into a fresh temporary reports folder (once)."""
    if "run" not in _CACHE:
        reports = tmp_path_factory.mktemp("catalog-reports")
        labels = [j.label for j in load_catalog(config.CATALOG_PATH)]
        t0 = time.monotonic()
        proc = subprocess.run([sys.executable, "-m", "workbench.runner.cli", "run", "--all", "--jobs", str(jobs),
                               "--reports-dir", str(reports)], cwd=config.PROJECT_ROOT, capture_output=True,
                              text=True, timeout=3600)
        _CACHE["run"] = CatalogRun(reports, proc.returncode, proc.stdout + proc.stderr, time.monotonic() - t0,
                                   labels)
    return _CACHE["run"]
