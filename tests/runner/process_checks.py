"""Checks on the process table shared by the runner tests: is any process of a run still alive?"""
from __future__ import annotations

from pathlib import Path

import psutil

from workbench.provenance import RUN_DIR_ENV


def processes_of(reports: Path) -> list[str]:
    """Every live process whose environment points into ``reports`` (the kernels and what they started)."""
    out = []
    for p in psutil.process_iter(["pid", "name"]):
        try:
            if p.status() == psutil.STATUS_ZOMBIE:
                continue
            run_dir = p.environ().get(RUN_DIR_ENV, "")
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess, OSError):
            continue
        if run_dir.startswith(str(reports)):
            out.append(f"{p.pid} {' '.join(p.cmdline())[:120]}")
    return out
