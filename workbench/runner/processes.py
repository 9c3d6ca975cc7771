"""Ending a kernel with every process it started, without psutil (a test dependency only).

A Jupyter kernel is started in a session of its own (``jupyter_client`` launches it with
``start_new_session=True``), so its session id is its pid, and what it starts (a JVM for Spark, a
multiprocessing pool, a shell command) stays in that session unless it makes one of its own. Ending a kernel
here means: SIGKILL to every process in its session and to every descendant found in the process table
(``/proc`` on Linux), then waiting until they are gone. On a system without ``/proc`` the kernel's process
group is signalled instead.

The kernel's pid and start time are written to ``.kernel.json`` in the temporary run folder when it starts
(see :mod:`workbench.runner.kernel`), so a catalog run that had to kill a worker, or the next run after a
crash, can end a kernel it did not start itself; the start time guards against a reused pid.
"""
from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

__all__ = ["ProcessInfo", "process_info", "descendants", "session_members", "end_kernel", "end_recorded_kernel",
           "write_kernel_record", "KERNEL_FILE"]

KERNEL_FILE = ".kernel.json"
_PROC = Path("/proc")


class ProcessInfo:
    """pid, parent pid, process group, session and start time (clock ticks since boot) of one process."""

    __slots__ = ("pid", "ppid", "pgrp", "session", "start", "state")

    def __init__(self, pid: int, ppid: int, pgrp: int, session: int, start: int, state: str) -> None:
        self.pid, self.ppid, self.pgrp, self.session, self.start, self.state = pid, ppid, pgrp, session, start, state


def process_info(pid: int) -> ProcessInfo | None:
    """The process's entry in ``/proc/<pid>/stat``, or None when it is gone (or there is no ``/proc``)."""
    try:
        text = (_PROC / str(pid) / "stat").read_text()
    except (OSError, ValueError):
        return None
    # "pid (comm) state ppid pgrp session ..." where comm may hold spaces and parentheses
    rest = text[text.rfind(")") + 2:].split()
    try:
        return ProcessInfo(pid, int(rest[1]), int(rest[2]), int(rest[3]), int(rest[19]), rest[0])
    except (IndexError, ValueError):
        return None


def _all_processes() -> list[ProcessInfo]:
    out = []
    try:
        names = os.listdir(_PROC)
    except OSError:
        return out
    for name in names:
        if name.isdigit():
            info = process_info(int(name))
            if info is not None:
                out.append(info)
    return out


def descendants(pid: int, *, table: list[ProcessInfo] | None = None) -> list[int]:
    """Every process below ``pid`` in the process tree (children, their children, ...)."""
    table = _all_processes() if table is None else table
    children: dict[int, list[int]] = {}
    for p in table:
        children.setdefault(p.ppid, []).append(p.pid)
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def session_members(sid: int, *, table: list[ProcessInfo] | None = None) -> list[int]:
    """Every process whose session id is ``sid`` (a kernel's session id is its pid)."""
    table = _all_processes() if table is None else table
    return [p.pid for p in table if p.session == sid]


def _alive(pid: int) -> bool:
    info = process_info(pid)
    if info is not None:
        return info.state not in ("Z", "X")
    if _PROC.is_dir():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)  # only succeeds for our own child (the kernel in this process)
    except (ChildProcessError, OSError):
        pass


def end_kernel(pid: int, *, start: int | None = None, wait_s: float = 10.0) -> list[int]:
    """SIGKILL the kernel ``pid`` and every process of its session and below it; returns the pids signalled.

    ``start``: the kernel's start time as recorded; when the pid now belongs to a process that started at
    another time (a reused pid), only processes still in the kernel's session are signalled, never that
    process.
    """
    me = os.getpid()
    table = _all_processes()
    leader = next((p for p in table if p.pid == pid), None)
    reused = leader is not None and start is not None and leader.start != start
    if reused and leader.session == pid:
        return []  # the pid now leads another session: nothing of the kernel can be left in one of that id
    targets: set[int] = set(session_members(pid, table=table))
    if leader is not None and not reused:
        targets.add(pid)
        targets.update(descendants(pid, table=table))
    for member in list(targets):
        targets.update(descendants(member, table=table))
    if reused:
        targets.discard(pid)
    targets.discard(me)
    if not _PROC.is_dir() and not reused:  # no process table: the kernel's process group is what we can reach
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError, OSError):
            pass
        targets.add(pid)
    for target in targets:
        try:
            os.kill(target, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        for target in targets:
            _reap(target)
        if not any(_alive(t) for t in targets):
            break
        time.sleep(0.05)
    return sorted(targets)


def write_kernel_record(run_dir: Path, pid: int) -> None:
    """Note the kernel's pid and start time in ``run_dir/.kernel.json`` (read by :func:`end_recorded_kernel`)."""
    info = process_info(pid)
    data = {"pid": pid, "start": info.start if info else None, "parent": os.getpid()}
    tmp = Path(run_dir) / f"{KERNEL_FILE}.partial"
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, Path(run_dir) / KERNEL_FILE)


def end_recorded_kernel(run_dir: Path) -> list[int]:
    """End the kernel noted in ``run_dir/.kernel.json`` (if any) with its processes; returns the pids signalled."""
    f = Path(run_dir) / KERNEL_FILE
    try:
        data = json.loads(f.read_text(encoding="utf-8"))
        pid = int(data["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return []
    if pid <= 1 or pid == os.getpid():
        return []
    return end_kernel(pid, start=data.get("start"))
