"""``reports/jobs.json``: what the catalog runs last did with each job, including what leaves no run folder.

The run folders are the record of what ran; this file adds what they cannot show: a job skipped because a
requirement is missing (``requires:``), and when a job was last found unchanged (an unchanged job is skipped
and writes no folder, but its report is current). The index shows the first, the ``not_run_for_days`` alert
reads the second. One entry per job, replaced by each ``run --all``::

    {"schema": 1, "updated": "2026-12-07T05:15:02+00:00",
     "jobs": {"sales-performance/cdnow-monthly-spark": {
         "status": "skipped", "skip": "requirements", "reason": "needs java (...)", "run_id": null,
         "error": null,                           # a failure's error (also one that left no run folder)
         "at": "2026-12-07T05:15:02+00:00",       # when the catalog run handled the job
         "current_at": "2026-12-01T05:15:40+00:00"}}}  # last time it ran or was found unchanged

Written atomically under its own lock; a missing or unreadable file reads as empty.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
from pathlib import Path
from typing import Any

from workbench.runner import files

__all__ = ["LEDGER_FILE", "read_ledger", "update_ledger"]

LEDGER_FILE = "jobs.json"


def read_ledger(reports_dir: str | os.PathLike) -> dict[str, dict]:
    """job -> its entry (see the module docstring); empty when there is no ledger yet."""
    try:
        data = json.loads((Path(reports_dir) / LEDGER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    jobs = data.get("jobs") if isinstance(data, dict) else None
    return jobs if isinstance(jobs, dict) else {}


@contextlib.contextmanager
def _lock(reports_dir: Path):
    with open(reports_dir / ".jobs.lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def update_ledger(reports_dir: str | os.PathLike, results: list[Any], *, at: str | None = None) -> None:
    """Record each :class:`~workbench.runner.execute.RunResult` of a catalog run under its job."""
    root = Path(reports_dir)
    root.mkdir(parents=True, exist_ok=True)
    at = at or files.utc_now().isoformat(timespec="seconds")
    with _lock(root):
        jobs = read_ledger(root)
        for r in results:
            old = jobs.get(r.job, {})
            current = r.status in ("succeeded", "failed") or getattr(r, "skip", None) == "unchanged"
            jobs[r.job] = {"status": r.status, "skip": getattr(r, "skip", None), "reason": r.reason,
                           "run_id": r.run_id, "error": r.error if r.status == "failed" else None, "at": at,
                           "current_at": at if current else old.get("current_at")}
        files.atomic_write_text(root / LEDGER_FILE, json.dumps({"schema": 1, "updated": at, "jobs": jobs},
                                                               indent=2, ensure_ascii=False) + "\n")
