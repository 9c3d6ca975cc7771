"""Spark for the workbench: one Spark session per process, its Ibis connection, and the Java check.

The analyses are written once in portable Ibis (see :mod:`workbench.engine`), so the same code runs on DuckDB
for local files and on Spark for order lines that outgrow one machine. This module only provides the session:

- :func:`spark_session` reuses a session that is already active (``spark-submit``, a Databricks or EMR
  notebook, the ``pyspark`` shell: the cluster's own configuration is kept), and otherwise starts a **local**
  session tuned for this workbench: ``local[2]``, a quick-starting JVM, web UI off, few shuffle partitions,
  quiet logging, session time zone UTC (so order dates never shift with the machine's time zone), Arrow for
  the transfer of small results to pandas, and a warehouse folder in the temporary directory (nothing written
  into the project).
  Start-up takes 5-10 s, so the session is made once per process and reused.
- :func:`spark_backend` wraps it as an Ibis backend; ``workbench.engine.connect("spark")`` and
  ``wb.load_orders(..., engine="spark")`` go through it; :func:`frame_view` hands a frame parsed in Python
  (a CSV export) to the session as a view over a temporary Parquet file.
- :func:`check_java` says clearly when Java is missing or too old (PySpark 4 needs Java 17 or newer)
  instead of PySpark's "Java gateway process exited before sending its port number", and
  :func:`require_pyspark` when PySpark itself is missing (an extra: ``pip install 'ecommerce-workbench[spark]'``).

Settings can be changed without code through environment variables (read when the session starts):
``WORKBENCH_SPARK_MASTER`` (e.g. ``local[8]``, ``spark://host:7077``, ``yarn``, ``k8s://https://...``),
``WORKBENCH_SPARK_DRIVER_MEMORY`` (default ``2g``), ``WORKBENCH_SPARK_SHUFFLE_PARTITIONS`` (default 4) and
``WORKBENCH_SPARK_JAVA_OPTIONS`` (the driver JVM's JIT and GC flags, default :data:`QUICK_JVM`; give ``""``
for the JVM's defaults, e.g. for hours-long local jobs where the optimising compiler pays off).
With the default flags the JVM also maps a **class-data archive** of the classes a report's session loads
(:func:`class_archive`, written once by ``python -m workbench.spark archive``, which `make reports` and `make test`
run), instead of loading and verifying Spark's classes from its jars. Measured on the sales report on CDNOW
(2-core machine): the session starts in 3.7 s instead of 7.6 s, the JVM's CPU time 16.5 s instead of 22.6 s. A
missing or stale archive (another PySpark or Java) is ignored by the JVM.
Any other Spark setting: ``spark_session(conf={...})`` before the first query, or start the session yourself
(``SparkSession.builder...getOrCreate()`` or ``spark-submit``); the workbench then uses that session.

Written by hand because it is configuration, not computation: PySpark and Ibis do the work; what no library
does is pick settings that suit a 2-core laptop and a report run, and explain a missing Java in plain words.
"""
from __future__ import annotations

import atexit
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import warnings
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError

__all__ = ["SparkUnavailableError", "MIN_JAVA", "QUICK_JVM", "java_version", "check_java", "require_pyspark", "spark_session",
           "spark_backend", "stop_spark", "local_spark_conf", "frame_view", "class_archive", "make_class_archive"]

MIN_JAVA = 17  # PySpark 4.0 runs on Java 17 and 21
# JVM flags of the local session's driver: the quick (C1) JIT only and the serial garbage collector. Spark's
# own code runs once per query here, so the optimising C2 compiler spends more CPU compiling than it saves,
# and its compiler and GC threads compete for the laptop's few cores. Measured on the 2-core machine, the JVM's
# CPU time: the sales report on CDNOW 42 s -> 27 s, the benchmark's 1M-line file 67 s -> 52 s.
QUICK_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
# the JVM says nothing about a class-data archive it cannot use (it then loads the classes from the jars)
_QUIET_CDS = "-Xlog:cds=off -Xlog:cds+dynamic=off"

_lock = threading.RLock()
_session: Any = None
_backend: Any = None
_tmp: Path | None = None
_views: Path | None = None

# log4j2 settings for the local session's JVM: errors only (Spark's default prints INFO/WARN lines to stderr,
# which end up in every report run's log). The logger of PySpark's gateway (Spark's "REPL" logger for PySpark) is
# set to the root's level too: otherwise Spark prints "Setting default log level to WARN" at every start.
_LOG4J2 = """\
rootLogger.level = error
logger.repl.name = org.apache.spark.api.python.PythonGatewayServer
logger.repl.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n%ex
"""


class SparkUnavailableError(WorkbenchError, RuntimeError):
    """Spark cannot start here (PySpark not installed, no Java, or a Java that is too old)."""


INSTALL_SPARK = "pip install 'ecommerce-workbench[spark]'"


def require_pyspark() -> None:
    """Raise :class:`SparkUnavailableError` naming the extra to install when PySpark (an optional part of the
    workbench, about 470 MB) or Ibis' Spark backend is missing."""
    try:
        import pyspark  # noqa: F401
        import ibis.backends.pyspark  # noqa: F401
    except ImportError as exc:
        raise SparkUnavailableError(
            f"engine='spark' needs PySpark, an optional part of the workbench that is not installed here (no "
            f"module {exc.name or 'pyspark'!r}). Install it with {INSTALL_SPARK} (`make setup` installs every "
            "extra), or run with engine='duckdb', which needs neither PySpark nor Java.") from None


def _java_executable() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home:
        candidate = Path(home) / "bin" / "java"
        return str(candidate) if candidate.exists() else None
    return shutil.which("java")


def java_version() -> int | None:
    """Major version of the Java that Spark would use (``$JAVA_HOME/bin/java``, else ``java`` on the PATH);
    None when there is none or it does not run."""
    exe = _java_executable()
    if exe is None:
        return None
    try:
        run = subprocess.run([exe, "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', run.stderr + run.stdout)
    if run.returncode != 0 or not match:
        return None
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major  # "1.8.0_392" is Java 8


def check_java() -> int:
    """Return the Java major version, or raise :class:`SparkUnavailableError` saying what to install."""
    exe = _java_executable()
    version = java_version()
    install = ("Install a Java runtime (Debian/Ubuntu: `apt-get install openjdk-17-jre-headless`; macOS: "
               "`brew install openjdk@17`) and make sure `java` is on the PATH or JAVA_HOME points to it; or run "
               "with engine='duckdb', which needs no Java")
    if exe is None:
        where = (f"JAVA_HOME={os.environ['JAVA_HOME']} has no bin/java" if os.environ.get("JAVA_HOME")
                 else "no `java` on the PATH and JAVA_HOME is not set")
        raise SparkUnavailableError(f"engine='spark' needs Java {MIN_JAVA} or newer, but {where}. {install}.")
    if version is None:
        raise SparkUnavailableError(f"engine='spark' needs Java {MIN_JAVA} or newer, but `{exe} -version` "
                                    f"did not run. {install}.")
    if version < MIN_JAVA:
        raise SparkUnavailableError(f"engine='spark' needs Java {MIN_JAVA} or newer (PySpark 4), but {exe} is "
                                    f"Java {version}. {install}.")
    return version


def _tmpdir() -> Path:
    global _tmp
    if _tmp is None:
        _tmp = Path(tempfile.mkdtemp(prefix="workbench-spark-"))
        (_tmp / "log4j2.properties").write_text(_LOG4J2)
    return _tmp


def local_spark_conf(*, master: str | None = None, conf: dict[str, str] | None = None) -> dict[str, str]:
    """The settings of the workbench's own Spark session (a dict of Spark configuration keys).

    ``master`` (or env ``WORKBENCH_SPARK_MASTER``) defaults to ``local[2]``; ``conf`` overrides anything.
    """
    tmp = _tmpdir()
    jvm = os.environ.get("WORKBENCH_SPARK_JAVA_OPTIONS")
    if jvm is None:
        jvm = QUICK_JVM
        archive = class_archive()
        if archive is not None and archive.is_file():
            jvm += f" -XX:SharedArchiveFile={archive} {_QUIET_CDS}"
    java_opts = (f"-Duser.timezone=UTC -Dlog4j2.configurationFile=file:{tmp / 'log4j2.properties'} " + jvm).strip()
    settings = {
        "spark.master": master or os.environ.get("WORKBENCH_SPARK_MASTER") or "local[2]",
        "spark.app.name": "workbench",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.shuffle.partitions": os.environ.get("WORKBENCH_SPARK_SHUFFLE_PARTITIONS", "4"),
        # adaptive execution re-plans every query stage at run time; a local session's shuffles are already
        # small (4 partitions), so it only cost CPU: 1.5 s of the JVM's 18 s for the sales report (mean of 5 runs)
        "spark.sql.adaptive.enabled": "false",
        "spark.default.parallelism": "2",
        "spark.sql.session.timeZone": "UTC",
        "spark.driver.extraJavaOptions": java_opts,
        "spark.executor.extraJavaOptions": "-Duser.timezone=UTC",
        "spark.driver.memory": os.environ.get("WORKBENCH_SPARK_DRIVER_MEMORY", "2g"),
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.sql.warehouse.dir": str(tmp / "warehouse"),
    }
    if settings["spark.master"].startswith("local"):
        # a local session talks to itself only: no host name lookups, no "resolves to a loopback" warning
        settings["spark.driver.host"] = "127.0.0.1"
        settings["spark.driver.bindAddress"] = "127.0.0.1"
    settings.update({k: str(v) for k, v in (conf or {}).items()})
    return settings


def spark_session(*, master: str | None = None, conf: dict[str, str] | None = None):
    """The process's Spark session: the active one if there is one, else a local session made once.

    Parameters
    ----------
    master : str, optional
        Where to run when a new session is made: ``local[2]`` by default (env ``WORKBENCH_SPARK_MASTER``),
        ``spark://host:7077``, ``yarn``, ``k8s://...``. Ignored when a session is already running.
    conf : dict, optional
        Extra Spark settings for a new session (``{"spark.executor.memory": "8g"}``).

    Raises
    ------
    SparkUnavailableError
        When Java is missing or older than Java 17.
    """
    global _session
    with _lock:
        if _session is not None and not _stopped(_session):
            return _session
        require_pyspark()
        from pyspark.sql import SparkSession

        active = SparkSession.getActiveSession()
        if active is not None:
            _session = active
            return _session
        check_java()
        settings = local_spark_conf(master=master, conf=conf)
        if settings["spark.master"].startswith("local"):
            os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = SparkSession.builder
        for key, value in settings.items():
            builder = builder.config(key, value)
        from workbench.jvm_stderr import start_up_notice_dropped

        with start_up_notice_dropped():  # the JVM's "Using incubator modules" line at every start
            _session = builder.getOrCreate()
        _session.sparkContext.setLogLevel("ERROR")
        # PySpark 4.0 passes `copy=False` to pandas' astype, which pandas 3 deprecates: one warning per column
        # of every result would reach each report. Harmless (pandas copies lazily anyway); filtered for
        # PySpark's own module only.
        warnings.filterwarnings("ignore", message="The copy keyword is deprecated", module=r"pyspark\.")
        return _session


def _stopped(session: Any) -> bool:
    try:
        return session.sparkContext._jsc is None
    except Exception:  # noqa: BLE001 - a session whose JVM is gone counts as stopped
        return True


def spark_backend(*, master: str | None = None, conf: dict[str, str] | None = None):
    """The Ibis backend on :func:`spark_session` (made once per process)."""
    global _backend
    with _lock:
        session = spark_session(master=master, conf=conf)
        if _backend is None or _backend._session is not session:
            import ibis

            _backend = ibis.pyspark.connect(session)
        return _backend


def frame_view(con: Any, frame: Any, name: str):
    """A pandas frame as temporary view ``name`` on the Spark backend ``con``; returns the Ibis table.

    On a local session the frame is written to a Parquet file in the session's temporary folder (removed when
    the process ends) and the view reads it. A view over the frame itself (``createDataFrame``) is a local
    relation that Spark's optimiser evaluates row by row inside every query plan: measured on the sales report
    with CDNOW's 69,659 lines, 40 s with such a view, 22 s with the Parquet file. On a cluster the driver's
    folder is not visible to the executors, so the frame travels in the plan as before.
    """
    import ibis

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*infer_string.*")  # ibis 12 on pandas 3, harmless
        table = ibis.memtable(frame)
    if not con._session.sparkContext.master.startswith("local"):
        return con.create_view(name, table, overwrite=True)
    global _views
    with _lock:
        if _views is None:
            _views = Path(tempfile.mkdtemp(prefix="views-", dir=_tmpdir()))
            atexit.register(shutil.rmtree, _views, ignore_errors=True)
    path = _views / f"{name}.parquet"
    from workbench.engine import default_backend

    default_backend().to_parquet(table, path)  # with the types the Ibis memtable of the frame has
    return con.read_parquet(path, table_name=name)


def stop_spark() -> None:
    """Stop the session this module started (a session made by someone else is left running)."""
    global _session, _backend
    with _lock:
        if _session is not None and _session.conf.get("spark.app.name", "") == "workbench":
            _session.stop()
        _session = _backend = None


# ---------------------------------------------------------------------------------------- class-data archive
def class_archive() -> Path | None:
    """Where the JVM's class-data archive for this environment's PySpark and Java lives (it may not exist yet);
    None without PySpark or Java. One file per PySpark version and Java executable, under the environment's
    ``share/workbench/``."""
    exe = _java_executable()
    try:
        import pyspark
    except ImportError:
        return None
    if exe is None:
        return None
    java = hashlib.sha1(os.path.realpath(exe).encode()).hexdigest()[:10]
    return Path(sys.prefix) / "share" / "workbench" / f"spark-{pyspark.__version__}-java-{java}.jsa"


def make_class_archive(*, force: bool = False) -> Path | None:
    """Write :func:`class_archive` (about 160 MB, 20-30 s): a child process runs the sales figures on the shipped
    CDNOW lines on a local session whose JVM writes the classes it loaded to the archive when it exits. Returns
    the archive's path; None without PySpark or Java (nothing to do). Raises ``RuntimeError`` when the child
    fails (a session without the archive still works)."""
    target = class_archive()
    if target is None or (target.is_file() and not force):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + f".{os.getpid()}.part")
    env = {**os.environ, "WORKBENCH_SPARK_JAVA_OPTIONS": f"{QUICK_JVM} -XX:ArchiveClassesAtExit={partial} {_QUIET_CDS}"}
    work = ("import workbench as wb\n"
            "orders = wb.load_orders('data/raw/cdnow/CDNOW_master.txt', engine='spark')\n"
            "rollup = wb.sales.order_rollup(orders)\n"
            "kpis = wb.sales.kpis_by_period(rollup, period='month')\n"
            "wb.customers.rfm_segment_summary(wb.customers.rfm_query(rollup))\n"
            "wb.sales.cohort_retention(rollup)\n")
    from workbench.config import PROJECT_ROOT

    run = subprocess.run([sys.executable, "-c", work], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    if run.returncode != 0 or not partial.is_file():
        partial.unlink(missing_ok=True)
        raise RuntimeError(f"the Spark class-data archive was not written (exit {run.returncode}): "
                           f"{(run.stderr or run.stdout).strip()[-2000:]}")
    os.replace(partial, target)
    return target


def main(argv: list[str] | None = None) -> int:
    """``python -m workbench.spark archive [--force]``: write the class-data archive (see the module docstring)."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] != "archive":
        print("usage: python -m workbench.spark archive [--force]", file=sys.stderr)
        return 2
    try:
        path = make_class_archive(force="--force" in args)
    except RuntimeError as exc:
        print(f"workbench.spark: {exc}", file=sys.stderr)
        return 1
    print(f"Spark class-data archive: {path}" if path else "No PySpark or no Java: no Spark class-data archive")
    return 0


if __name__ == "__main__":
    sys.exit(main())
