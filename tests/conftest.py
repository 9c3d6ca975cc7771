"""Shared fixtures: fixed seeds, figures closed after every test, a clean provenance record."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from workbench import provenance  # noqa: E402


@pytest.fixture(autouse=True)
def _clean_state(monkeypatch):
    monkeypatch.delenv(provenance.RUN_DIR_ENV, raising=False)
    provenance.reset()
    yield
    plt.close("all")
    provenance.reset()


@pytest.fixture
def rng():
    return np.random.default_rng(20261128)


def pytest_collection_modifyitems(config, items):
    """All Spark tests in one xdist group (`-n 2 --dist loadgroup`), so one JVM starts instead of two; all
    PostgreSQL tests in another, so one test server starts."""
    for item in items:
        for needs in ("spark", "postgres"):
            if item.get_closest_marker(needs) is not None:
                item.add_marker(pytest.mark.xdist_group(needs))
