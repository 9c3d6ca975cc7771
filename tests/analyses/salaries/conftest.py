"""Shared fixtures for the salary tests: the shipped OEWS extract (loaded once) and a cell lookup."""
from __future__ import annotations

import pandas as pd
import pytest

from workbench.data.oews import load_oews


@pytest.fixture(scope="session")
def oews() -> pd.DataFrame:
    return load_oews()


@pytest.fixture(scope="session")
def cell(oews):
    """``cell(occ, area="0000000", industry="000000")``: the one row of the shipped extract for that cell."""
    def get(occ: str, area: str = "0000000", industry: str = "000000") -> pd.Series:
        rows = oews[(oews.occupation_code == occ) & (oews.area_code == area) & (oews.industry_code == industry)]
        assert len(rows) == 1, (occ, area, industry)
        return rows.iloc[0]
    return get
