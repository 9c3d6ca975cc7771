"""Charts for demand: the series with its trend (and season), and the forecast with its back-test.

Each ``plot_<what>`` takes the result of an analysis (``wb.demand.decompose``, a fitted ``DemandForecast``),
keyword-only options and ``ax=None`` (a new figure when not given), passes ``**kwargs`` to the matplotlib call
that draws the main marks, and returns the Axes; none calls ``plt.show``. Given a ``Skipped`` section, each draws
a panel with the reason.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.ticker import FuncFormatter

from workbench.present import fmt
from workbench.sections import skippable_chart

__all__ = ["plot_demand_trend", "plot_demand_season", "plot_demand_forecast"]

_BLUE, _ORANGE, _GREY, _GREEN = "#1f5a96", "#e0822b", "#9a9a9a", "#3a9a5b"
_UNIT = {"day": "day", "week": "week", "month": "month"}


def _axes(ax: plt.Axes | None, size: tuple[float, float]) -> plt.Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def _money_axis(ax: plt.Axes, column: str, currency: str | None) -> None:
    if column == "revenue":
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.compact(v, currency=currency)))
    else:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.compact(v)))


def _label(column: str, freq: str | None, currency: str | None) -> str:
    per = f" per {_UNIT.get(freq, 'period')}"
    if column == "revenue":
        return f"Net revenue{per} ({currency or 'currency'})"
    return f"{column.capitalize()}{per}"


@skippable_chart
def plot_demand_trend(decomposition, *, currency: str = "USD", title: str | None = None, ax: plt.Axes | None = None,
                      **kwargs) -> plt.Axes:
    """The demand series (thin) with its trend (thick), from ``wb.demand.decompose``. ``**kwargs`` go to the
    trend line."""
    frame, freq = decomposition.frame, decomposition.freq
    ax = _axes(ax, (9.5, 4.6))
    ax.plot(frame.index, frame.observed, color=_GREY, lw=1.2, label="Actual")
    ax.plot(frame.index, frame.trend, **{"color": _BLUE, "lw": 2.6, "label": f"Trend ({decomposition.method})",
                                         **kwargs})
    if decomposition.seasonal_period:
        ax.plot(frame.index, frame.trend + frame.seasonal, color=_ORANGE, lw=1.2, ls="--",
                label="Trend + season")
    _money_axis(ax, decomposition.column, currency)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("")
    ax.set_ylabel(_label(decomposition.column, freq, currency))
    ax.legend(loc="upper right")
    ax.set_title(title or f"Where demand is going: {decomposition.column} and its trend")
    return ax


@skippable_chart
def plot_demand_season(decomposition, *, currency: str = "USD", title: str | None = None,
                       ax: plt.Axes | None = None, **kwargs) -> plt.Axes:
    """The seasonal pattern (difference from the trend) over the last full cycle; a note when none was estimated.

    ``**kwargs`` go to the bars.
    """
    period, freq = decomposition.seasonal_period, decomposition.freq
    if not period:
        ax = _axes(ax, (9.0, 1.6))
        unit = f"{_UNIT.get(freq, 'period')}s"
        need = (f"the {decomposition.periods_needed} {unit} (two full cycles)" if decomposition.periods_needed
                else "two full cycles")
        ax.text(0.0, 0.5, f"No seasonal pattern estimated: the history covers {len(decomposition.frame)} {unit}, "
                          f"less than {need} needed to tell a season from the trend.",
                ha="left", va="center", wrap=True, fontsize=10.5, color="#555555", transform=ax.transAxes)
        ax.set_axis_off()
        ax.set_title(title or "Seasonality", loc="left")
        return ax
    ax = _axes(ax, (9.0, 4.0))
    last = decomposition.frame.seasonal.iloc[-period:]
    ax.bar(last.index, last.to_numpy(), **{"width": _bar_width(freq),
                                           "color": [_BLUE if v >= 0 else _ORANGE for v in last], **kwargs})
    ax.axhline(0, color="#444444", lw=0.8)
    _money_axis(ax, decomposition.column, currency)
    ax.set_ylabel("Above (+) or below (-) the trend" + (f" ({currency})" if decomposition.column == "revenue" else ""))
    ax.set_title(title or "Seasonal pattern: how each period differs from the trend (last cycle)")
    return ax


def _bar_width(freq: str | None) -> float:
    return {"day": 0.8, "week": 5.5, "month": 24}.get(freq, 0.8)


@skippable_chart
def plot_demand_forecast(forecast, *, currency: str = "USD", show_from=None, title: str | None = None,
                         ax: plt.Axes | None = None, **kwargs) -> plt.Axes:
    """History, the back-test (forecast vs what happened) and the forecast ahead with its prediction interval.

    ``forecast``: a fitted ``DemandForecast``. ``**kwargs`` go to the forecast line.
    """
    ax = _axes(ax, (10.0, 4.8))
    hist = forecast.history_
    if show_from is not None:
        hist = hist[hist.index >= pd.Timestamp(show_from)]
    bt, fc, errors = forecast.backtest_, forecast.forecast_, forecast.errors_
    level = fmt.pct(forecast.level, 0)
    ax.plot(hist.index, hist.to_numpy(), color=_BLUE, lw=1.8, label="Actual")
    ax.plot(bt.index, bt.forecast, color=_GREEN, lw=2, ls="--",
            label=f"Back-test forecast (MAPE {fmt.pct(errors['mape'], 0)})")
    ax.plot(bt.index, bt.naive, color=_GREY, lw=1.4, ls=":",
            label=f"Naive forecast (MAPE {fmt.pct(errors['naive_mape'], 0)})")
    ax.fill_between(fc.index, fc.lower, fc.upper, color=_ORANGE, alpha=0.2, lw=0,
                    label=f"{level} prediction interval")
    ax.plot(fc.index, fc.forecast, **{"color": _ORANGE, "lw": 2.4, "label": "Forecast", **kwargs})
    ax.axvline(bt.index[0], color=_GREY, lw=1, ls=":")
    _money_axis(ax, forecast.column, currency)
    ax.set_ylim(bottom=0)
    ax.set_ylabel(_label(forecast.column, forecast.freq_, currency))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3, fontsize=9)
    ax.set_title(title or f"Forecast of {forecast.column} with a {level} prediction interval")
    return ax
