"""Demand series with a known answer: a monthly series of known trend and season, generated with a fixed seed."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


def _known_monthly(n_years: int = 8, noise: float = 1.0, seed: int = 3) -> pd.Series:
    """100 + 2 t + 10 sin(2 pi t / 12) + N(0, noise): trend slope 2 per month, seasonal amplitude 10."""
    t = np.arange(12 * n_years)
    y = 100 + 2 * t + 10 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(seed).normal(0, noise, len(t))
    s = pd.Series(y, index=pd.date_range("2015-01-01", periods=len(t), freq="MS", name="period"))
    s.attrs["freq"] = "month"
    return s


@pytest.fixture
def known_monthly():
    """``known_monthly(n_years=8, noise=1.0, seed=3)``: see :func:`_known_monthly`."""
    return _known_monthly
