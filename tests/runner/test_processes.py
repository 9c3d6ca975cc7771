"""Ending a kernel's whole session (real processes; the process table is checked with psutil)."""
from __future__ import annotations

import subprocess
import sys
import time

import psutil
import pytest

from workbench.runner import processes

SLEEP = "import time; time.sleep(600)"
# a session leader (like a kernel) with a child in its session and a grandchild that left for a session of its own
LEADER = ("import subprocess, sys, time\n"
          f"a = subprocess.Popen([sys.executable, '-c', {SLEEP!r}])\n"
          f"b = subprocess.Popen([sys.executable, '-c', {SLEEP!r}], start_new_session=True)\n"
          "print(a.pid, b.pid, flush=True)\n"
          "time.sleep(600)\n")


def _gone(pids, timeout=10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = []
        for pid in pids:
            try:
                p = psutil.Process(pid)
                if p.status() != psutil.STATUS_ZOMBIE:
                    alive.append(pid)
            except psutil.NoSuchProcess:
                pass
        if not alive:
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def tree():
    leader = subprocess.Popen([sys.executable, "-c", LEADER], start_new_session=True, stdout=subprocess.PIPE,
                              text=True)
    child, escaped = (int(x) for x in leader.stdout.readline().split())
    yield leader, child, escaped
    for pid in (leader.pid, child, escaped):
        try:
            psutil.Process(pid).kill()
        except psutil.NoSuchProcess:
            pass
    leader.wait(timeout=10)


def test_process_table_entries(tree):
    leader, child, escaped = tree
    info = processes.process_info(leader.pid)
    assert info.session == leader.pid and info.pgrp == leader.pid
    assert info.start == processes.process_info(leader.pid).start > 0
    assert sorted(processes.descendants(leader.pid)) == sorted([child, escaped])
    assert sorted(processes.session_members(leader.pid)) == sorted([leader.pid, child])
    assert processes.process_info(escaped).session == escaped
    assert processes.process_info(999_999_999) is None


def test_end_kernel_ends_the_session_and_every_descendant(tree):
    leader, child, escaped = tree
    signalled = processes.end_kernel(leader.pid, start=processes.process_info(leader.pid).start)
    assert sorted(signalled) == sorted([leader.pid, child, escaped])
    leader.wait(timeout=10)
    assert _gone([leader.pid, child, escaped])


def test_orphans_left_in_the_session_are_ended(tree):
    leader, child, escaped = tree
    start = processes.process_info(leader.pid).start
    leader.kill()
    leader.wait(timeout=10)  # the "kernel" is gone; its child now belongs to init but stays in the session
    assert psutil.Process(child).is_running()
    assert processes.end_kernel(leader.pid, start=start) == [child]
    assert _gone([child])
    assert psutil.Process(escaped).is_running()  # it left the session and its parent is gone: out of reach


def test_a_reused_pid_is_not_touched(tree):
    leader, _, _ = tree
    wrong_start = processes.process_info(leader.pid).start + 1
    assert processes.end_kernel(leader.pid, start=wrong_start, wait_s=0) == []
    assert psutil.Process(leader.pid).status() != psutil.STATUS_ZOMBIE


def test_recorded_kernel(tree, tmp_path):
    leader, child, escaped = tree
    processes.write_kernel_record(tmp_path, leader.pid)
    assert sorted(processes.end_recorded_kernel(tmp_path)) == sorted([leader.pid, child, escaped])
    leader.wait(timeout=10)
    assert _gone([leader.pid, child, escaped])
    assert processes.end_recorded_kernel(tmp_path / "nothing-here") == []
