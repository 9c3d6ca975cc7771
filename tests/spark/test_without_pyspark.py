"""Spark is an extra (`pip install 'ecommerce-workbench[spark]'`): without PySpark, engine='spark' says which extra
to install instead of failing on an import. Runs everywhere (PySpark is hidden, not needed)."""
from __future__ import annotations

import sys

import pytest

from workbench import spark as wbspark
from workbench.data import load_orders
from workbench.spark import SparkUnavailableError

MESSAGE = (r"engine='spark' needs PySpark, an optional part of the workbench that is not installed here "
           r"\(no module 'pyspark'\)\. Install it with pip install 'ecommerce-workbench\[spark\]' \(`make setup` "
           r"installs every extra\), or run with engine='duckdb', which needs neither PySpark nor Java\.")


@pytest.fixture
def no_pyspark(monkeypatch):
    """An interpreter where `import pyspark` fails (as after a plain `pip install .`)."""
    for name in [m for m in sys.modules if m == "pyspark" or m.startswith("pyspark.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.delitem(sys.modules, "ibis.backends.pyspark", raising=False)
    monkeypatch.setattr(wbspark, "_session", None)
    monkeypatch.setattr(wbspark, "_backend", None)


def test_spark_session_names_the_extra(no_pyspark):
    with pytest.raises(SparkUnavailableError, match=MESSAGE):
        wbspark.spark_session()


def test_load_orders_on_spark_names_the_extra(no_pyspark):
    with pytest.raises(SparkUnavailableError, match=MESSAGE):
        load_orders("orders", engine="spark")
