"""The standard error a JVM started by PySpark inherits: its known start-up notice dropped, the rest passed on.

Spark 4's launcher always adds ``--add-modules=jdk.incubator.vector`` to the driver's JVM (hard-coded in
``JavaModuleOptions``), and the JVM then prints "WARNING: Using incubator modules: jdk.incubator.vector" on its
standard error at every start; no setting turns it off. In a report kernel that line lands in the cell's stderr,
so every Spark run read "This run wrote warnings". While the session starts, :func:`start_up_notice_dropped`
points file descriptor 2 (which the JVM inherits) at a pipe; a thread passes every line on to where standard
error went before, except the notice. Anything else the JVM writes, then or later (an error, a crash), arrives
as before.

Written by hand: nothing in PySpark or the JVM redirects or filters the launcher's own output.
"""
from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["start_up_notice_dropped", "NOTICES"]

# lines the JVM prints at every start that say nothing about this run
NOTICES = (re.compile(rb"^WARNING: Using incubator modules: [\w., ]+\r?$"),)


def _forward(read_fd: int, write_fd: int) -> None:
    """Copy lines from ``read_fd`` to ``write_fd`` until end of file, leaving out :data:`NOTICES`."""
    pending = b""
    try:
        while True:
            chunk = os.read(read_fd, 65536)
            if not chunk:
                break
            pending += chunk
            *lines, pending = pending.split(b"\n")
            kept = b"".join(line + b"\n" for line in lines if not any(n.match(line) for n in NOTICES))
            if kept:
                os.write(write_fd, kept)
        if pending and not any(n.match(pending) for n in NOTICES):
            os.write(write_fd, pending)
    except OSError:
        pass  # where stderr went is gone: nothing left to pass on to
    finally:
        os.close(read_fd)
        os.close(write_fd)


@contextmanager
def start_up_notice_dropped() -> Iterator[threading.Thread | None]:
    """Within the block, processes started inherit a standard error that drops the JVM's start-up notice.

    Yields the thread that passes the lines on (it ends when the last process holding the pipe has ended), or
    None when there is no standard error to redirect."""
    try:
        target = os.dup(2)
    except OSError:  # no stderr to redirect (a closed descriptor): start as usual
        yield None
        return
    saved = os.dup(2)
    read_fd, write_fd = os.pipe()
    os.dup2(write_fd, 2)
    os.close(write_fd)  # from here the pipe's writers are fd 2 and whatever inherits it
    forwarder = threading.Thread(target=_forward, args=(read_fd, target), name="jvm-stderr", daemon=True)
    forwarder.start()
    try:
        yield forwarder
    finally:
        os.dup2(saved, 2)
        os.close(saved)
