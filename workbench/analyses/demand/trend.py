"""Demand: trend and seasonality of a revenue or orders series (statsmodels STL, or LOWESS when too short).

A seasonal pattern can only be told apart from the trend when the history holds at least two full
seasonal cycles (two years of weeks or months, two weeks of days): that is when :func:`decompose` uses
STL (Cleveland et al. 1990, ``statsmodels.tsa.seasonal.STL``, robust). With less history it does not invent a
season: it estimates the trend alone with LOWESS (``statsmodels.nonparametric.lowess``, a window of 13 weeks,
5 months or 29 days: wide enough to smooth out single periods), sets the seasonal component to zero and says so in ``note``. CDNOW's
78 weeks are such a case.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.analyses.demand.series import DEMAND_FREQUENCIES
from workbench.errors import DataError

__all__ = ["decompose", "Decomposition"]

# points in the LOWESS trend window when no season can be estimated
TREND_WINDOW = {"day": 29, "week": 13, "month": 5}


@dataclass
class Decomposition:
    """Trend / season / remainder of a demand series.

    ``frame``: ``observed``, ``trend``, ``seasonal``, ``resid`` by period; ``method``: "STL" or "LOWESS"; ``seasonal_period``: periods per cycle (None when no season was estimated); ``note``: a sentence
    for the report on what was done and why; ``trend_strength`` / ``seasonal_strength``: 1 - var(resid) /
    var(component + resid) clipped to [0, 1] (Wang, Smith & Hyndman 2006): near 1 = a strong component;
    ``trend_change``: relative change of the trend over the last seasonal cycle (52 weeks, 12 months,
    7 days) or over the whole history when shorter; ``trend_change_periods``: how many periods that is.
    """
    frame: pd.DataFrame
    method: str
    seasonal_period: int | None
    note: str
    trend_strength: float
    seasonal_strength: float | None
    trend_change: float
    trend_change_periods: int
    column: str


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
        Fewer than 6 periods, or missing values.
    """
    from statsmodels.nonparametric.smoothers_lowess import lowess
    from statsmodels.tsa.seasonal import STL

    y, freq = _values(series, column, complete_only)
    period = period or (DEMAND_FREQUENCIES[freq][2] if freq in DEMAND_FREQUENCIES else None)
    n = len(y)
    unit = {"day": "days", "week": "weeks", "month": "months"}.get(freq, "periods")
    if period and n >= 2 * period:
        res = STL(y.to_numpy(dtype=float), period=period, robust=True).fit()
        trend, seasonal, resid = res.trend, res.seasonal, res.resid
        method = "STL"
        note = (f"Trend and a seasonal pattern of {period} {unit} estimated with STL (robust) on "
                f"{n} {unit} of history.")
        seasonal_strength = _strength(seasonal, resid)
        used_period = period
    else:
        window = TREND_WINDOW.get(freq, max(3, n // 6))
        frac = min(1.0, window / n)
        trend = lowess(y.to_numpy(dtype=float), np.arange(n, dtype=float), frac=frac, it=2, return_sorted=False)
        seasonal = np.zeros(n)
        resid = y.to_numpy(dtype=float) - trend
        method = "LOWESS"
        need = f"{2 * period} {unit}" if period else "two full cycles"
        note = (f"The history covers {n} {unit}, less than the {need} needed to tell a seasonal pattern from "
                f"the trend, so no seasonality is estimated: the trend is a LOWESS smooth over about "
                f"{window} {unit} and everything else is left as remainder.")
        seasonal_strength = None
        used_period = None
    frame = pd.DataFrame({"observed": y.to_numpy(dtype=float), "trend": trend, "seasonal": seasonal,
                          "resid": resid}, index=y.index)
    lookback = min(n - 1, period or n - 1)
    base = trend[-1 - lookback]
    change = (trend[-1] - base) / abs(base) if base != 0 else float("nan")
    return Decomposition(frame=frame, method=method, seasonal_period=used_period, note=note,
                         trend_strength=_strength(trend, resid), seasonal_strength=seasonal_strength,
                         trend_change=float(change), trend_change_periods=int(lookback), column=column)


def _values(series: pd.DataFrame | pd.Series, column: str, complete_only: bool) -> tuple[pd.Series, str | None]:
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
    if len(y) < 6:
        raise DataError(f"only {len(y)} complete periods", source="demand series", column=column, rows=len(y),
                        fix="use a shorter period (freq='week' or 'day') or a longer history")
    return y.astype(float), freq
