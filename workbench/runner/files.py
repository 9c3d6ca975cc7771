"""The reports folder on disk: run ids, temporary run folders, atomic writes, the lock around the index.

Layout::

    reports/
      index.html                          every job's history and every run (rebuilt after every run)
      jobs.json                           what the last catalog run did with each job (ledger.py)
      digest.html  digest.txt             the latest digest (`workbench digest`)
      <notebook>/<run-id>/                one folder per finished run (succeeded or failed)
        <notebook>.ipynb  <notebook>.html  manifest.json  metrics.json  [run.log]
      .tmp/<notebook>--<run-id>/          a run in progress; renamed into place when it ends
      .index.lock                         serialises index rebuilds between processes

Run id: ``<UTC time>-<job run name>-<6 hex>``, e.g. ``20261128T082512Z-default-a3f9c1``: sorts by start
time, says which job it was, and the random part keeps it unique when parallel jobs start in the same
second. A run writes only inside its temporary folder and appears in ``reports/<notebook>/`` by one
``rename`` at the end, so an interrupted run (Ctrl-C, SIGTERM, a crash) leaves no half-written folder;
the next run removes temporary folders whose process is gone, and ends the kernel such a process left
(noted in the folder's ``.kernel.json``).
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import secrets
import shutil
import socket
import time
from datetime import datetime, timezone
from pathlib import Path

__all__ = ["new_run_id", "temp_run_dir", "clean_stale_temp_dirs", "atomic_write_text", "index_lock",
           "utc_now", "TMP_DIRNAME", "slug", "ADHOC_RUN", "is_adhoc"]

TMP_DIRNAME = ".tmp"
ADHOC_RUN = "manual"   # the run name of a `workbench run` without --name: its job is <notebook>/manual


def is_adhoc(job: str) -> bool:
    """Whether ``job`` is the shared job of a notebook's unnamed runs, whose parameters may differ run to run
    (so only a run of the same parameters is "the previous run", and only those make a trend)."""
    return job.endswith(f"/{ADHOC_RUN}")
OWNER_FILE = ".owner.json"
STALE_AFTER_S = 7 * 24 * 3600  # a temp folder this old is removed even if its owner looks alive


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def slug(text: str) -> str:
    """File-name-safe form of a job or run name: lower case letters, digits, '-' and '_'."""
    s = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-")
    return s or "run"


def new_run_id(run_name: str = ADHOC_RUN, *, when: datetime | None = None) -> str:
    when = when or utc_now()
    return f"{when.strftime('%Y%m%dT%H%M%SZ')}-{slug(run_name)[:40]}-{secrets.token_hex(3)}"


def temp_run_dir(reports_dir: Path, notebook: str, run_id: str) -> Path:
    return Path(reports_dir) / TMP_DIRNAME / f"{notebook}--{run_id}"


def claim_temp_dir(path: Path) -> None:
    """Create a temporary run folder and note which process owns it."""
    path.mkdir(parents=True, exist_ok=False)
    (path / OWNER_FILE).write_text(json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                               "created": time.time()}), encoding="utf-8")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale_temp_dirs(reports_dir: Path) -> list[Path]:
    """Remove temporary run folders left by processes that no longer run (or older than a week)."""
    root = Path(reports_dir) / TMP_DIRNAME
    removed: list[Path] = []
    host = socket.gethostname()
    for d in (root.iterdir() if root.is_dir() else ()):
        try:
            age = time.time() - d.stat().st_mtime
            owner_file = d / OWNER_FILE if d.is_dir() else None
            if owner_file is not None and owner_file.exists():
                owner = json.loads(owner_file.read_text(encoding="utf-8"))
                stale = (owner.get("host") == host and not _alive(int(owner.get("pid", 0)))) or age > STALE_AFTER_S
            else:  # no owner note: give a process a minute between mkdir and writing it
                stale = age > 60
        except (OSError, ValueError):
            continue
        if stale:
            if d.is_dir():
                from workbench.runner.processes import end_recorded_kernel

                end_recorded_kernel(d)  # a kernel its dead owner left running
                shutil.rmtree(d, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    d.unlink()
            removed.append(d)
    for f in Path(reports_dir).glob(".*.tmp"):  # an index write cut off by SIGKILL
        try:
            if time.time() - f.stat().st_mtime > 60:
                f.unlink()
                removed.append(f)
        except OSError:
            pass
    return removed


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder and ``os.replace``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(3)}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


@contextlib.contextmanager
def index_lock(reports_dir: Path):
    """An exclusive lock (``flock``) held while the index is rebuilt, so concurrent runs do not interleave."""
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    with open(reports_dir / ".index.lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
