"""A throw-away PostgreSQL server for the tests: initdb in a temporary folder, a free local port, stopped at the end.

The server binaries come from Debian's ``postgresql`` package (``make postgres`` installs it): ``initdb`` and
``postgres`` on PATH, else the newest ``/usr/lib/postgresql/<version>/bin`` (Debian keeps them
there, off PATH). PostgreSQL refuses to run as root, so under root (CI, this machine's sessions) the server runs
as the unprivileged ``nobody`` and its folder is handed to that user; the clients (psycopg, the workbench)
stay in the test process and log in with a password over TCP (``scram-sha-256``), so the password checks are
real. The postmaster is a child of the test process, started with a parent-death signal, so even a killed test
run leaves no server behind.
"""
from __future__ import annotations

import ctypes
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

DEBIAN_BIN_DIRS = "/usr/lib/postgresql/*/bin"
INSTALL_HINT = ("run `make postgres` (as root it installs Debian's postgresql package; otherwise "
                "`sudo apt-get install postgresql`)")
PROGRAMS = ("initdb", "postgres")
RUN_AS = "nobody"  # who runs the server when the tests run as root


class ServerUnavailable(RuntimeError):
    """The server binaries are missing or the server did not start; the message says what to do."""


def _version_key(bindir: Path) -> tuple[int, ...]:
    """/usr/lib/postgresql/9.6/bin -> (9, 6): the newest version sorts last."""
    return tuple(int(n) for n in re.findall(r"\d+", bindir.parent.name))


def find_bindir() -> Path | None:
    """The folder holding initdb and postgres: PATH first, then Debian's newest versioned folder."""
    on_path = shutil.which("initdb")
    candidates = [Path(on_path).resolve().parent] if on_path else []
    candidates += sorted(Path("/").glob(DEBIAN_BIN_DIRS.lstrip("/")), key=_version_key, reverse=True)
    for folder in candidates:
        if all(os.access(folder / name, os.X_OK) for name in PROGRAMS):
            return folder
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _traversable(folder: Path) -> bool:
    """Every folder from / down to ``folder`` can be entered by other users."""
    return all(os.stat(p).st_mode & 0o001 for p in [folder.resolve(), *folder.resolve().parents])


def _die_with_parent() -> None:
    """In the server's process, after the switch to ``nobody``: quit at once if the test process dies."""
    prctl = getattr(ctypes.CDLL(None, use_errno=True), "prctl", None)  # Linux only
    if prctl is not None:
        prctl(1, signal.SIGQUIT)  # PR_SET_PDEATHSIG; SIGQUIT = immediate shutdown


class LocalPostgres:
    """One PostgreSQL server in a temporary folder: ``start()``, ``url()``, ``stop()`` (also a context manager)."""

    def __init__(self, bindir: Path, *, user: str = "workbench", password: str = "pw-for-tests-only",
                 database: str = "shop") -> None:
        self.bindir, self.user, self.password, self.database = Path(bindir), user, password, database
        self.folder: Path | None = None
        self.port: int | None = None
        self.process: subprocess.Popen | None = None
        self.version = ""
        self._as: dict = {}
        if os.geteuid() == 0:
            try:
                account = pwd.getpwnam(RUN_AS)
            except KeyError:
                raise ServerUnavailable(f"the tests run as root, which PostgreSQL refuses, and there is no user "
                                        f"{RUN_AS!r} to run the server as: create one (useradd -r {RUN_AS})") from None
            self._as = dict(user=account.pw_uid, group=account.pw_gid, extra_groups=[])
            self._owner = (account.pw_uid, account.pw_gid)

    # -- life cycle -------------------------------------------------------------------------------------------
    def start(self, timeout: float = 60.0) -> "LocalPostgres":
        base = Path(tempfile.gettempdir())
        if self._as and not _traversable(base):  # e.g. TMPDIR=/root/tmp: nobody could not reach the folder
            base = Path("/tmp")
        self.folder = Path(tempfile.mkdtemp(prefix="workbench-postgres-", dir=base))
        (self.folder / "socket").mkdir()
        (self.folder / "pwfile").write_text(self.password + "\n")
        if self._as:
            for path in (self.folder, self.folder / "socket", self.folder / "pwfile"):
                os.chown(path, *self._owner)
        self.version = self._run("postgres", "--version").strip()
        self._run("initdb", "-D", str(self.folder / "data"), "-U", self.user, f"--pwfile={self.folder / 'pwfile'}",
                  "--auth=scram-sha-256", "--no-locale", "--encoding=UTF8", "--no-sync")
        for _ in range(3):  # another process may take the free port between the look-up and the bind
            self.port = free_port()
            if self._launch(timeout):
                return self
        raise ServerUnavailable(f"PostgreSQL did not start: {self.log()[-2000:]}")

    def _run(self, program: str, *args: str) -> str:
        done = subprocess.run([str(self.bindir / program), *args], capture_output=True, text=True,
                              cwd=self.folder, **self._as)
        if done.returncode:
            raise ServerUnavailable(f"{program} failed ({done.returncode}): {done.stderr.strip() or done.stdout}")
        return done.stdout

    def _launch(self, timeout: float) -> bool:
        log = open(self.folder / "server.log", "ab")
        options = {"listen_addresses": "127.0.0.1", "port": str(self.port),
                   "unix_socket_directories": str(self.folder / "socket"), "fsync": "off",
                   "synchronous_commit": "off", "full_page_writes": "off", "timezone": "UTC",
                   "max_connections": "30", "shared_buffers": "64MB"}
        args = [str(self.bindir / "postgres"), "-D", str(self.folder / "data")]
        for key, value in options.items():
            args += ["-c", f"{key}={value}"]
        self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        cwd=self.folder, preexec_fn=_die_with_parent, **self._as)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                if "could not bind" in self.log() or "Address already in use" in self.log():
                    return False
                raise ServerUnavailable(f"PostgreSQL exited ({self.process.returncode}): {self.log()[-2000:]}")
            if self._ready():
                self._create_database()
                return True
            time.sleep(0.1)
        self.stop()
        raise ServerUnavailable(f"PostgreSQL did not accept connections within {timeout:.0f} s: {self.log()[-2000:]}")

    def _ready(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                pass
        except OSError:
            return False
        try:
            self.connect("postgres").close()
        except Exception:  # noqa: BLE001 - still starting ("the database system is starting up")
            return False
        return True

    def _create_database(self) -> None:
        with self.connect("postgres") as con:
            con.execute(f'CREATE DATABASE "{self.database}"')

    def stop(self) -> None:
        """Fast shutdown (SIGINT), then wait for the postmaster; kill it if it does not go within 30 s."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None

    def remove(self) -> None:
        self.stop()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def __enter__(self) -> "LocalPostgres":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.remove()

    # -- clients ----------------------------------------------------------------------------------------------
    def url(self, *, password: str | None = None, database: str | None = None, port: int | None = None) -> str:
        """``postgres://workbench:<password>@127.0.0.1:<port>/shop``, the form a user passes as ``engine=``."""
        return (f"postgres://{self.user}:{self.password if password is None else password}@127.0.0.1:"
                f"{self.port if port is None else port}/{database or self.database}")

    def connect(self, database: str | None = None):
        """A psycopg connection in autocommit mode (to load tables)."""
        import psycopg

        return psycopg.connect(host="127.0.0.1", port=self.port, user=self.user, password=self.password,
                               dbname=database or self.database, autocommit=True, connect_timeout=5)

    def log(self) -> str:
        path = (self.folder / "server.log") if self.folder else None
        return path.read_text(errors="replace") if path and path.exists() else ""
