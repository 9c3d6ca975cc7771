"""Spark tests: one local Spark session for the whole test process, skipped where Java is missing.

Tests marked ``@pytest.mark.spark`` need Java 17+ (PySpark 4). Without it they are skipped on a developer's
machine and **fail under CI** (env ``CI`` set), so a CI image that lost its Java cannot pass by skipping them.
The session is started once (about 10 s) by :func:`spark_con` and reused by every test; the fixtures are tiny,
so it runs with one shuffle partition.
"""
from __future__ import annotations

import os

import pytest

from workbench import spark as wbspark

JAVA = wbspark.java_version()


def require_java() -> None:
    try:
        wbspark.require_pyspark()
    except wbspark.SparkUnavailableError:
        message = f"Spark tests need PySpark, an extra: {wbspark.INSTALL_SPARK}"
        if os.environ.get("CI"):
            pytest.fail(message + ": under CI they must run, not be skipped")
        pytest.skip(message)
    if JAVA is not None and JAVA >= wbspark.MIN_JAVA:
        return
    found = "no Java found" if JAVA is None else f"Java {JAVA} found"
    message = f"Spark tests need Java {wbspark.MIN_JAVA}+ ({found}; install openjdk-17-jre-headless)"
    if os.environ.get("CI"):
        pytest.fail(message + ": under CI they must run, not be skipped")
    pytest.skip(message)


@pytest.fixture(autouse=True)
def _java_for_spark_tests(request):
    if request.node.get_closest_marker("spark") is not None:
        require_java()


@pytest.fixture(scope="session")
def _spark_for_the_run():
    """Stops the workbench's Spark session when the test process is done."""
    yield
    wbspark.stop_spark()


@pytest.fixture(scope="module")
def spark_con(_spark_for_the_run):
    """The Ibis backend on the process's local Spark session (started once per test process, and started
    again only if another test stopped it)."""
    require_java()
    con = wbspark.spark_backend()
    con._session.conf.set("spark.sql.shuffle.partitions", "1")  # tiny fixtures: one task per stage
    return con
