"""Shared fixtures for the salary analysis tests: the shipped OEWS extract (loaded once) and a cell lookup."""
from __future__ import annotations

import pandas as pd
import pytest

from tests.fixtures.salaries.shipped import oews_cell, shipped_oews


@pytest.fixture(scope="session")
def oews() -> pd.DataFrame:
    return shipped_oews()


@pytest.fixture(scope="session")
def cell(oews):
    """``cell(occ, area="0000000", industry="000000")``: the one row of the shipped extract for that cell."""
    def get(occ: str, area: str = "0000000", industry: str = "000000") -> pd.Series:
        return oews_cell(oews, occ, area, industry)
    return get
