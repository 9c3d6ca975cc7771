"""Each job's history, read from the run folders and ``reports/jobs.json``: what the index and the digest show.

No database: ``reports/*/*/manifest.json`` (with each run's ``metrics.json``) are the record, so a deleted
folder drops out and a copied ``reports/`` carries its history along.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from workbench.runner.files import is_adhoc
from workbench.runner.ledger import read_ledger
from workbench.runner.manifest import MANIFEST, key_figures, read_metrics

__all__ = ["scan_runs", "JobHistory", "job_histories"]


def scan_runs(reports_dir: str | os.PathLike) -> list[dict]:
    """Every finished run under ``reports_dir``, newest first; each manifest gets ``_dir`` and ``_metrics``."""
    root = Path(reports_dir)
    runs = []
    for mf in root.glob(f"*/*/{MANIFEST}"):
        if mf.parent.parent.name.startswith("."):
            continue
        try:
            m = json.loads(mf.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(m, dict):
            continue
        m["_dir"] = mf.parent
        try:
            m["_metrics"] = read_metrics(mf.parent)
        except (OSError, ValueError):
            m["_metrics"] = []
        html = (m.get("files") or {}).get("html")
        m["_html"] = (mf.parent / html).relative_to(root).as_posix() if html else None
        log = (m.get("files") or {}).get("log")
        m["_log"] = (mf.parent / log).relative_to(root).as_posix() if log and (mf.parent / log).is_file() else None
        runs.append(m)
    runs.sort(key=lambda m: (m.get("started", ""), m.get("run_id", "")), reverse=True)
    return runs


@dataclass
class JobHistory:
    """The runs of one job, newest first, and what the last catalog run did with it."""

    job: str
    runs: list[dict] = field(default_factory=list)
    ledger: dict | None = None

    @property
    def latest(self) -> dict | None:
        return self.runs[0] if self.runs else None

    @property
    def failed_before_running(self) -> dict | None:
        """The last catalog run's failure of a job that left no run folder (a parameter error), as a pseudo-manifest."""
        entry = self.ledger or {}
        if entry.get("status") != "failed" or entry.get("run_id"):
            return None
        return {"status": "failed", "error": entry.get("error") or {}, "started": entry.get("at"), "run_id": None,
                "_html": None, "_log": None, "_metrics": []}

    @property
    def latest_ok(self) -> dict | None:
        return next((m for m in self.runs if m.get("status") == "succeeded"), None)

    @property
    def last_failure(self) -> dict | None:
        return next((m for m in self.runs if m.get("status") != "succeeded"), None)

    @property
    def title(self) -> str:
        m = self.latest
        return (m.get("title") or m.get("notebook", {}).get("name")) if m else self.job

    def headline_names(self, limit: int) -> list[str]:
        """The key figures of the latest successful run (:func:`~workbench.runner.manifest.key_figures`): the
        report's ``key=True`` figures, else its first numeric headline figures; at most ``limit``."""
        m = self.latest_ok or {}
        return [x["name"] for x in key_figures(m.get("_metrics", []), limit)]

    def series(self, name: str, *, limit: int = 30) -> list[tuple[dict, dict]]:
        """(run manifest, metric) of ``name`` over the successful runs, oldest first, at most ``limit``. For the
        ad-hoc runs of a notebook (job ``<notebook>/manual``) only those with the latest one's parameters: a trend
        across other files or periods would mean nothing (the same rule as the change against the previous run).
        """
        ref = self.latest_ok
        adhoc = is_adhoc(self.job) and ref is not None
        out = []
        for m in self.runs:
            if m.get("status") != "succeeded":
                continue
            if adhoc and m.get("parameters") != ref.get("parameters"):
                continue
            metric = next((x for x in m.get("_metrics", []) if x.get("name") == name), None)
            if metric is not None:
                out.append((m, metric))
            if len(out) >= limit:
                break
        return out[::-1]


def job_histories(reports_dir: str | os.PathLike, runs: list[dict] | None = None) -> dict[str, JobHistory]:
    """job -> :class:`JobHistory`, for every job with a run folder or an entry in ``reports/jobs.json``."""
    runs = scan_runs(reports_dir) if runs is None else runs
    out: dict[str, JobHistory] = {}
    for m in runs:
        job = m.get("job", "")
        out.setdefault(job, JobHistory(job)).runs.append(m)
    for job, entry in read_ledger(reports_dir).items():
        out.setdefault(job, JobHistory(job)).ledger = entry
    return out
