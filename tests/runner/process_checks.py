"""Checks on the process table shared by the runner tests: is any process of a run still alive?"""
from __future__ import annotations

import os
from pathlib import Path

import psutil

from workbench.provenance import RUN_DIR_ENV


def processes_of(reports: Path) -> list[str]:
    """Every live process of a run in ``reports``: its environment points there (a kernel started as a new
    process, and what a kernel started), or its output goes to a run's ``kernel.out`` there (a kernel forked
    from the worker's template keeps the template's initial environment in /proc)."""
    out = []
    for p in psutil.process_iter(["pid", "name"]):
        try:
            if p.status() == psutil.STATUS_ZOMBIE:
                continue
            run_dir = p.environ().get(RUN_DIR_ENV, "")
            try:
                stdout = os.readlink(f"/proc/{p.pid}/fd/1")
            except OSError:
                stdout = ""
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess, OSError):
            continue
        if run_dir.startswith(str(reports)) or stdout.startswith(str(reports)):
            out.append(f"{p.pid} {' '.join(p.cmdline())[:120]}")
    return out
