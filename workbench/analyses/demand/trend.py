"""Demand: trend and seasonality of a revenue or orders series (statsmodels STL, or LOWESS when too short).

A seasonal pattern can only be told apart from the trend when the history holds at least two full
seasonal cycles (two years of weeks or months, two weeks of days): that is when :func:`decompose` uses
STL (Cleveland et al. 1990, ``statsmodels.tsa.seasonal.STL``, robust). With less history it does not invent a
season: it estimates the trend alone with LOWESS (``statsmodels.nonparametric.lowess``, a window of 13 weeks,
5 months or 29 days: wide enough to smooth out single periods) and sets the seasonal component to zero
(``method == "LOWESS"``; ``periods_needed`` says how much history a season would take). CDNOW's 78 weeks are
such a case. Fewer than ``MIN_PERIODS`` (6) complete periods give no trend at all
(:class:`~workbench.errors.NotEnoughData`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.analyses.demand.series import DEMAND_FREQUENCIES
from workbench.errors import DataError, NotEnoughData

__all__ = ["decompose", "Decomposition", "MIN_PERIODS"]

# points in the LOWESS trend window when no season can be estimated
TREND_WINDOW = {"day": 29, "week": 13, "month": 5}
MIN_PERIODS = 6  # complete periods below which no trend is estimated
UNITS = {"day": ("day", "days"), "week": ("week", "weeks"), "month": ("month", "months")}


@dataclass
class Decomposition:
    """Trend / season / remainder of a demand series.

    ``frame``: ``observed``, ``trend``, ``seasonal``, ``resid`` by period; ``method``: "STL" or "LOWESS";
    ``seasonal_period``: periods per cycle (None when no season was estimated); ``periods_needed``: the
    history a season needs (two cycles; None without a cycle length); ``window``: periods in the LOWESS
    trend window (None for STL); ``trend_strength`` / ``seasonal_strength``: 1 - var(resid) /
    var(component + resid) clipped to [0, 1] (Wang, Smith & Hyndman 2006): near 1 = a strong component;
    ``trend_change``: relative change of the trend over the last seasonal cycle (52 weeks, 12 months,
    7 days) or over the whole history when shorter; ``trend_change_periods``: how many periods that is;
    ``freq``: "day", "week", "month" or None.
    """
    frame: pd.DataFrame
    method: str
    seasonal_period: int | None
    periods_needed: int | None
    window: int | None
    trend_strength: float
    seasonal_strength: float | None
    trend_change: float
    trend_change_periods: int
    column: str
    freq: str | None = None

    @property
    def n_periods(self) -> int:
        """Complete periods decomposed."""
        return len(self.frame)


def _strength(component: np.ndarray, resid: np.ndarray) -> float:
    total = np.var(component + resid)
    return float(max(0.0, 1 - np.var(resid) / total)) if total > 0 else 0.0


def decompose(series: pd.DataFrame | pd.Series, *, column: str = "revenue", period: int | None = None,
              complete_only: bool = True) -> Decomposition:
    """Split a demand series into trend, seasonality and remainder.

    Parameters
    ----------
    series : DataFrame or Series
        From :func:`demand_series` (its ``attrs`` give the frequency), or any regular series.
    column : str
        Column of a frame to decompose (``"revenue"``, ``"orders"``).
    period : int, optional
        Periods per seasonal cycle; default from the frequency (52 weeks, 12 months, 7 days).
    complete_only : bool
        Leave out partial first/last periods (``complete`` column) so they do not read as a drop.

    Returns
    -------
    Decomposition

    Raises
    ------
    DataError
        A missing column, or missing values.
    NotEnoughData
        Fewer than ``MIN_PERIODS`` (6) complete periods.
    """
    from statsmodels.nonparametric.smoothers_lowess import lowess
    from statsmodels.tsa.seasonal import STL

    y, freq = _values(series, column, complete_only)
    period = period or (DEMAND_FREQUENCIES[freq][2] if freq in DEMAND_FREQUENCIES else None)
    n = len(y)
    window = None
    if period and n >= 2 * period:
        res = STL(y.to_numpy(dtype=float), period=period, robust=True).fit()
        trend, seasonal, resid = res.trend, res.seasonal, res.resid
        method = "STL"
        seasonal_strength = _strength(seasonal, resid)
        used_period = period
    else:
        window = TREND_WINDOW.get(freq, max(3, n // 6))
        frac = min(1.0, window / n)
        trend = lowess(y.to_numpy(dtype=float), np.arange(n, dtype=float), frac=frac, it=2, return_sorted=False)
        seasonal = np.zeros(n)
        resid = y.to_numpy(dtype=float) - trend
        method = "LOWESS"
        seasonal_strength = None
        used_period = None
    frame = pd.DataFrame({"observed": y.to_numpy(dtype=float), "trend": trend, "seasonal": seasonal,
                          "resid": resid}, index=y.index)
    lookback = min(n - 1, period or n - 1)
    base = trend[-1 - lookback]
    change = (trend[-1] - base) / abs(base) if base != 0 else float("nan")
    return Decomposition(frame=frame, method=method, seasonal_period=used_period,
                         periods_needed=2 * period if period else None, window=window,
                         trend_strength=_strength(trend, resid), seasonal_strength=seasonal_strength,
                         trend_change=float(change), trend_change_periods=int(lookback), column=column, freq=freq)


def complete_periods(n: int, freq: str | None) -> str:
    """"Only 4 complete weeks", "Only 1 complete week", "No complete week"."""
    one, many = UNITS.get(freq, ("period", "periods"))
    return f"No complete {one}" if n == 0 else f"Only {n} complete {one if n == 1 else many}"


def shorter_period_fix(freq: str | None) -> str:
    """What a user with too few periods can do: a shorter period where there is one, else a longer history."""
    shorter = {"month": "demand_freq='week' or 'day'", "week": "demand_freq='day'"}.get(freq)
    return f"Use a shorter period ({shorter}) or a longer history" if shorter else "Use a longer history"


def _values(series: pd.DataFrame | pd.Series, column: str, complete_only: bool, *,
            min_periods: int = MIN_PERIODS, what: str = "a trend") -> tuple[pd.Series, str | None]:
    freq = series.attrs.get("freq")
    if isinstance(series, pd.DataFrame):
        if column not in series.columns:
            raise DataError(f"column `{column}` not found", source="demand series", column=column,
                            fix=f"pick one of {list(series.columns)}")
        if complete_only and "complete" in series.columns:
            series = series[series.complete]
        y = series[column]
    else:
        y = series
    if y.isna().any():
        bad = y[y.isna()]
        raise DataError("the series has missing values", source="demand series", column=column, rows=len(bad),
                        example=str(bad.index[0]), fix="fill gaps with 0 (demand_series does) before decomposing")
    if len(y) < min_periods:
        raise NotEnoughData(f"{complete_periods(len(y), freq)} of orders: {what} needs at least {min_periods}",
                            fix=shorter_period_fix(freq))
    return y.astype(float), freq
