"""Demand charts draw the decomposition and the forecast they are given, with units in the labels, take
``**kwargs`` for the marks, and draw the reason in place of a section that thin data left out."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from workbench import plots  # noqa: E402
from workbench.analyses.demand import DemandForecast, decompose  # noqa: E402
from workbench.sections import Skipped  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _series(n: int) -> pd.Series:
    t = np.arange(n)
    s = pd.Series(1000 + 5 * t + 80 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(2).normal(0, 5, n),
                  index=pd.date_range("2018-01-01", periods=n, freq="MS"))
    s.attrs["freq"] = "month"
    return s


def test_trend_with_season():
    d = decompose(_series(48))
    ax = plots.plot_demand_trend(d, currency="EUR", color="black")
    np.testing.assert_allclose(ax.lines[1].get_ydata(), d.frame.trend)
    assert ax.lines[1].get_color() == "black"
    assert ax.get_ylabel() == "Net revenue per month (EUR)"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Actual", "Trend (STL)", "Trend + season"]
    ax = plots.plot_demand_season(d)
    np.testing.assert_allclose([p.get_height() for p in ax.patches], d.frame.seasonal.iloc[-12:])


def test_season_says_when_there_is_none():
    d = decompose(_series(18))
    ax = plots.plot_demand_season(d)
    assert ax.texts[0].get_text() == ("No seasonal pattern estimated: the history covers 18 months, less than the "
                                      "24 months (two full cycles) needed to tell a season from the trend.")


def test_forecast():
    fc = DemandForecast(horizon=6, backtest_periods=6).fit(_series(40))
    ax = plots.plot_demand_forecast(fc, currency="USD")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0] == "Actual" and labels[1] == f"Back-test forecast (MAPE {fc.errors_['mape']:.0%})"
    assert "90% prediction interval" in labels
    np.testing.assert_allclose(ax.lines[3].get_ydata(), fc.forecast_.forecast)
    assert ax.get_ylabel() == "Net revenue per month (USD)"


@pytest.mark.parametrize("chart", ["plot_demand_trend", "plot_demand_season", "plot_demand_forecast"])
def test_a_skipped_section_draws_its_reason(chart):
    ax = getattr(plots, chart)(Skipped("Only 4 complete weeks of orders.", "Demand trend"))
    assert ax.get_title(loc="left") == "Demand trend"
    assert "Not drawn for this data: Only 4 complete weeks of orders." in ax.texts[0].get_text()
