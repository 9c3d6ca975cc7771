"""Demand charts draw the decomposition and the forecast they are given, with units in the labels."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from workbench import plots  # noqa: E402
from workbench.analyses.demand import decompose, forecast_demand  # noqa: E402


def _series(n: int) -> pd.Series:
    t = np.arange(n)
    s = pd.Series(1000 + 5 * t + 80 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(2).normal(0, 5, n),
                  index=pd.date_range("2018-01-01", periods=n, freq="MS"))
    s.attrs["freq"] = "month"
    return s


def test_trend_plot_with_season():
    d = decompose(_series(48))
    ax = plots.demand_trend_plot(d, currency="EUR", freq="month")
    np.testing.assert_allclose(ax.lines[1].get_ydata(), d.frame.trend)
    assert ax.get_ylabel() == "Net revenue per month (EUR)"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Actual", "Trend (STL)", "Trend + season"]
    ax = plots.demand_season_plot(d, freq="month")
    np.testing.assert_allclose([p.get_height() for p in ax.patches], d.frame.seasonal.iloc[-12:])


def test_season_plot_says_when_there_is_none():
    d = decompose(_series(18))
    ax = plots.demand_season_plot(d)
    assert "No seasonal pattern estimated" in ax.texts[0].get_text()


def test_forecast_plot():
    fc = forecast_demand(_series(40), horizon=6, backtest_periods=6)
    ax = plots.demand_forecast_plot(fc, currency="USD")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0] == "Actual" and labels[1].startswith("Back-test forecast (MAPE ")
    assert "90% prediction interval" in labels
    np.testing.assert_allclose(ax.lines[3].get_ydata(), fc.forecast.forecast)
