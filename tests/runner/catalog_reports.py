"""Run the project's catalog once per test session, shared by the end-to-end and browser tests.

Under pytest-xdist (``make test`` uses ``-n 2``) the workers share one run through a lock file in the
session's common temporary folder, so the catalog is not run once per worker.
"""
from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
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


def run_project_catalog(tmp_path_factory, *, jobs: int = 2) -> CatalogRun:
    """``workbench run --all --jobs 2`` on catalog.yaml into a fresh temporary reports folder (once a session)."""
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    done = root / "catalog-run.json"
    with open(root / "catalog-run.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if done.exists():
            data = json.loads(done.read_text())
            return CatalogRun(**{**data, "reports": Path(data["reports"])})
        reports = root / "catalog-reports"
        labels = [j.label for j in load_catalog(config.CATALOG_PATH)]
        t0 = time.monotonic()
        proc = subprocess.run([sys.executable, "-m", "workbench.runner.cli", "run", "--all", "--jobs", str(jobs),
                               "--reports-dir", str(reports)], cwd=config.PROJECT_ROOT, capture_output=True,
                              text=True, timeout=3600)
        run = CatalogRun(reports, proc.returncode, proc.stdout + proc.stderr, time.monotonic() - t0, labels)
        done.write_text(json.dumps({**asdict(run), "reports": str(reports)}))
        return run
