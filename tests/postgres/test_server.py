"""The test server leaves nothing behind: stopped with its folder removed, and gone with a test process that is
killed (the parent-death signal), so no test run leaves an orphan postgres."""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.postgres.conftest import require_server
from workbench.config import PROJECT_ROOT

pytestmark = pytest.mark.postgres

CHILD = """
import sys, time
from pathlib import Path
from tests.postgres.server import LocalPostgres
server = LocalPostgres(Path(sys.argv[1])).start()
print(server.process.pid, server.folder, flush=True)
time.sleep(120)
"""


def _gone(pid: int, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.1)
    return False


def test_stopped_and_removed_at_the_end():
    with require_server() as server:
        pid, folder = server.process.pid, server.folder
        with server.connect() as con:
            assert con.execute("SELECT current_database(), current_user").fetchone() == ("shop", "workbench")
        if os.geteuid() == 0:  # PostgreSQL refuses root: the server runs as an unprivileged user
            assert psutil.Process(pid).username() == "nobody"
    assert not psutil.pid_exists(pid) and not folder.exists()


def test_a_killed_test_process_takes_its_server_along():
    bindir = require_server().bindir
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(bindir)], stdout=subprocess.PIPE, text=True,
                             cwd=PROJECT_ROOT, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})
    pid, folder = None, None
    try:
        started = child.stdout.readline().split()
        assert len(started) == 2, f"the child did not start a server (exit {child.poll()})"
        pid, folder = int(started[0]), Path(started[1])
        assert psutil.Process(pid).is_running()
        child.kill()  # SIGKILL: no finaliser runs in the child
        child.wait(10)
        assert _gone(pid), f"postgres {pid} outlived the process that started it"
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)
        if pid is not None and not _gone(pid, timeout=1):
            with contextlib.suppress(psutil.NoSuchProcess):
                psutil.Process(pid).kill()  # only the server this test started
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


class TestSetUp:
    """`make test` installs the server where it is missing; without it these tests fail and say so."""

    def test_missing_binaries_fail_naming_the_make_target(self, monkeypatch):
        from tests.postgres import conftest

        monkeypatch.setattr(conftest, "find_bindir", lambda: None)
        with pytest.raises(pytest.fail.Exception, match=r"need the server binaries initdb and postgres, found "
                                                        r"neither on PATH nor in /usr/lib/postgresql/\*/bin: run "
                                                        r"`make postgres`"):
            conftest.require_server()

    def test_debians_folder_is_found_off_path(self, monkeypatch, tmp_path):
        from tests.postgres.server import find_bindir

        monkeypatch.setenv("PATH", str(tmp_path))
        debian = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        found = find_bindir()
        assert (found is None) if not debian else (found.parent.parent == Path("/usr/lib/postgresql"))

    def test_make_test_depends_on_make_postgres(self):
        makefile = (PROJECT_ROOT / "Makefile").read_text()
        test_target = next(line for line in makefile.splitlines() if line.startswith("test:"))
        assert "postgres" in test_target.split("##")[0].split()
        recipe = makefile.split("\npostgres:", 1)[1].split("\n\n", 1)[0]
        assert "apt-get install" in recipe and " postgresql " in recipe
