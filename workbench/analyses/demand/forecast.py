"""Demand forecast with prediction intervals (statsmodels ETS), back-tested on the last periods against a naive
forecast.

Model: exponential smoothing in state-space form (``statsmodels.tsa.exponential_smoothing.ets.ETSModel``).
The candidates are additive or multiplicative errors (multiplicative only for a positive series) and no trend
or a damped additive trend; when the history has at least two full seasonal cycles the season is removed
first with STL and added back to the forecast (see :func:`fit_ets`). The candidate with the lowest AICc wins; the choice is made on the data each fit sees (the back-test's training
window, then the whole history for the forward forecast), so the back-test never looks at its test periods.
Prediction intervals come from the fitted model (simulated, seeded, for multiplicative errors; normal around
the STL + ETS forecast).

Back-test: the last ``backtest_periods`` complete periods are held out; the model chosen and fitted on the
periods before them forecasts them; the error is shown as MAE and MAPE next to the naive forecast (the last
training value carried forward; the value one season earlier when a season is modelled), the usual
benchmark a forecast has to beat.
"""
from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.analyses.demand.series import DEMAND_FREQUENCIES
from workbench.analyses.demand.trend import _values
from workbench.errors import DataError
from workbench.present import fmt

__all__ = ["forecast_demand", "DemandForecast", "fit_ets", "forecast_errors", "demand_sentences"]

SIMULATIONS = 5000  # simulated paths for the intervals of multiplicative-error models


@dataclass
class DemandForecast:
    """Result of :func:`forecast_demand`.

    ``history``: the complete periods used; ``backtest``: ``actual``, ``forecast``, ``lower``, ``upper``,
    ``naive`` for the held-out periods; ``forecast``: ``forecast``, ``lower``, ``upper`` for the periods
    ahead; ``errors``: MAE/MAPE of the model and of the naive forecast on the back-test, and the share of
    actual values inside the interval; ``model``: the chosen ETS specification (forward fit);
    ``backtest_model``: the one chosen on the training window; ``level``: interval coverage (0.9 = 90%).
    """
    history: pd.Series
    backtest: pd.DataFrame
    forecast: pd.DataFrame
    errors: dict[str, float]
    model: str
    backtest_model: str
    level: float
    column: str
    freq: str | None


def _spec_name(spec: dict) -> str:
    error = "multiplicative" if spec["error"] == "mul" else "additive"
    trend = "damped trend" if spec["trend"] else "no trend"
    if spec.get("stl_period"):
        return f"STL season of {spec['stl_period']} + ETS ({error} errors, {trend})"
    return f"ETS ({error} errors, {trend}, no season)"


def fit_ets(y: pd.Series, *, seasonal_periods: int | None = None):
    """Fit every candidate model to ``y`` and return ``(results, spec)`` of the lowest AICc.

    Candidates: ETS with additive or multiplicative errors (multiplicative only for a positive series) and no
    trend or a damped additive trend. With at least two full seasonal cycles the season is taken out first
    with robust STL and the ETS models the seasonally adjusted series (statsmodels ``STLForecast``; the season
    is carried forward from the last cycle), the "STL + ETS" method of Hyndman & Athanasopoulos,
    *Forecasting: Principles and Practice*: a seasonal ETS with a 52-week season has 51 initial states to
    estimate, too many for two or three years of weeks. ``spec`` holds the ETSModel keyword arguments and
    ``stl_period`` (None without a season).
    """
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel
    from statsmodels.tsa.forecasting.stl import STLForecast

    values = pd.Series(y.to_numpy(dtype=float))   # plain integer index: statsmodels' predictions need pandas
    stl_period = seasonal_periods if seasonal_periods and len(values) >= 2 * seasonal_periods else None
    errors = ["add", "mul"] if (values > 0).all() else ["add"]
    best = None
    for error, trend in itertools.product(errors, [False, True]):
        spec = {"error": error, "trend": "add" if trend else None, "damped_trend": trend}
        with warnings.catch_warnings():
            # optimiser chatter on candidates that lose anyway; a failed candidate is skipped below
            warnings.simplefilter("ignore")
            try:
                if stl_period:
                    res = STLForecast(values, ETSModel, model_kwargs=spec, period=stl_period, robust=True).fit(
                        fit_kwargs={"disp": False, "maxiter": 2000})
                    aicc = res.model_result.aicc
                else:
                    res = ETSModel(values, **spec).fit(disp=False, maxiter=2000)
                    aicc = res.aicc
            except (ValueError, np.linalg.LinAlgError):
                continue
        if not np.isfinite(aicc):
            continue
        if best is None or aicc < best[2]:
            best = (res, {**spec, "stl_period": stl_period}, aicc)
    if best is None:
        raise DataError("no exponential-smoothing model could be fitted", source="demand series",
                        rows=len(values), fix="check the series for constant or extreme values")
    return best[0], best[1]


def _predict(res, spec: dict, n: int, steps: int, level: float, seed: int) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if spec.get("stl_period"):
            frame = res.get_prediction(start=n, end=n + steps - 1).summary_frame(alpha=1 - level)
            return pd.DataFrame({"forecast": frame["mean"].to_numpy(), "lower": frame["mean_ci_lower"].to_numpy(),
                                 "upper": frame["mean_ci_upper"].to_numpy()})
        kw = {"simulate_repetitions": SIMULATIONS, "rng": np.random.default_rng(seed)} if spec["error"] == "mul" else {}
        frame = res.get_prediction(start=n, end=n + steps - 1, **kw).summary_frame(alpha=1 - level)
    return pd.DataFrame({"forecast": frame["mean"].to_numpy(), "lower": frame["pi_lower"].to_numpy(),
                         "upper": frame["pi_upper"].to_numpy()})


def forecast_errors(actual, forecast) -> dict[str, float]:
    """MAE and MAPE (in fractions; periods with actual 0 are left out of MAPE) of a forecast."""
    a, f = np.asarray(actual, dtype=float), np.asarray(forecast, dtype=float)
    nz = a != 0
    return {"mae": float(np.mean(np.abs(a - f))),
            "mape": float(np.mean(np.abs(a[nz] - f[nz]) / np.abs(a[nz]))) if nz.any() else float("nan")}


def forecast_demand(series: pd.DataFrame | pd.Series, *, column: str = "revenue", horizon: int = 13,
                    backtest_periods: int = 13, level: float = 0.90, seasonal_periods: int | None = None,
                    start: str | pd.Timestamp | None = None, seed: int = 20261128) -> DemandForecast:
    """Forecast a demand series with prediction intervals, after back-testing the method on its last periods.

    Parameters
    ----------
    series : DataFrame or Series
        From :func:`demand_series` (partial first/last periods are left out), or any regular series.
    column : str
        ``"revenue"`` or ``"orders"`` (or another column of the frame).
    horizon : int
        Periods to forecast after the last complete one.
    backtest_periods : int
        Last complete periods held out to measure the error.
    level : float
        Coverage of the prediction interval (0.90 = 90%).
    seasonal_periods : int, optional
        Periods per season; default from the frequency (52 weeks, 12 months, 7 days).
    start : date, optional
        First period the model sees (earlier periods are left out), e.g. the end of a one-off acquisition
        window (see :func:`acquisition_end`) after which demand follows different dynamics.
    seed : int
        Seed of the simulated intervals (multiplicative errors).

    Returns
    -------
    DemandForecast

    Raises
    ------
    DataError
        Too short a history for the back-test (fewer than 2 x ``backtest_periods`` complete periods, or
        fewer than 10 training periods), or a bad ``level``.
    """
    if not 0 < level < 1:
        raise DataError(f"level={level} is not a coverage between 0 and 1", source="forecast_demand",
                        example=level, fix="give e.g. 0.9 for a 90% prediction interval")
    y, freq = _values(series, column, complete_only=True)
    if start is not None:
        y = y[y.index >= pd.Timestamp(start)]
    seasonal_periods = seasonal_periods or (DEMAND_FREQUENCIES[freq][2] if freq in DEMAND_FREQUENCIES else None)
    n = len(y)
    if backtest_periods < 1 or n - backtest_periods < max(10, backtest_periods):
        raise DataError(f"{n} complete periods are too few to hold out {backtest_periods} for a back-test",
                        source="forecast_demand", column=column, rows=n,
                        fix=f"lower backtest_periods (at most {max(0, min(n - 10, n // 2))}) or use a shorter "
                            "period")
    train, test = y.iloc[:-backtest_periods], y.iloc[-backtest_periods:]
    res_bt, spec_bt = fit_ets(train, seasonal_periods=seasonal_periods)
    bt = _predict(res_bt, spec_bt, len(train), backtest_periods, level, seed)
    bt.index = test.index
    bt.insert(0, "actual", test.to_numpy())
    if spec_bt["stl_period"]:
        last_season = train.iloc[-seasonal_periods:].to_numpy()
        bt["naive"] = np.resize(last_season, backtest_periods)
    else:
        bt["naive"] = float(train.iloc[-1])
    model_err, naive_err = forecast_errors(bt.actual, bt.forecast), forecast_errors(bt.actual, bt.naive)
    errors = {"mae": model_err["mae"], "mape": model_err["mape"], "naive_mae": naive_err["mae"],
              "naive_mape": naive_err["mape"],
              "coverage": float(((bt.actual >= bt.lower) & (bt.actual <= bt.upper)).mean())}
    res, spec = fit_ets(y, seasonal_periods=seasonal_periods)
    fc = _predict(res, spec, n, horizon, level, seed)
    fc.index = _future_index(y.index, horizon, freq)
    fc.index.name = y.index.name
    return DemandForecast(history=y, backtest=bt, forecast=fc, errors=errors, model=_spec_name(spec),
                          backtest_model=_spec_name(spec_bt), level=level, column=column, freq=freq)


def _future_index(index: pd.Index, horizon: int, freq: str | None) -> pd.Index:
    if isinstance(index, pd.DatetimeIndex) and len(index) >= 2:
        step = {"day": pd.Timedelta(days=1), "week": pd.Timedelta(days=7)}.get(freq)
        if step is not None:
            return pd.DatetimeIndex([index[-1] + step * (k + 1) for k in range(horizon)])
        if freq == "month":
            return pd.date_range(index[-1] + pd.offsets.MonthBegin(1), periods=horizon, freq="MS")
        inferred = pd.infer_freq(index)
        if inferred:
            return pd.date_range(index[-1], periods=horizon + 1, freq=inferred)[1:]
    if isinstance(index, pd.RangeIndex) or np.issubdtype(np.asarray(index).dtype, np.integer):
        return pd.RangeIndex(int(index[-1]) + 1, int(index[-1]) + 1 + horizon)
    return pd.RangeIndex(len(index), len(index) + horizon)


_UNITS = {"day": ("day", "days"), "week": ("week", "weeks"), "month": ("month", "months")}


def demand_sentences(decomposition, forecast: DemandForecast, *, currency: str = "USD",
                     acquisition_end=None) -> str:
    """Where demand is going, as Markdown: trend over the last cycle, the forecast, and how it back-tested."""
    one, many = _UNITS.get(forecast.freq, ("period", "periods"))
    trend = decomposition.frame.trend
    money = decomposition.column == "revenue"

    def amount(x):
        return fmt.money(x, currency) if money else fmt.num(x)

    what = "revenue" if money else decomposition.column
    text = (f"The {what} trend moved {fmt.pct(decomposition.trend_change, 0, signed=True)} over the last "
            f"{fmt.num(decomposition.trend_change_periods)} {many}, from {amount(trend.iloc[-1 - decomposition.trend_change_periods])} "
            f"to {amount(trend.iloc[-1])} per {one}. ")
    if acquisition_end is not None:
        text += (f"These data follow one group of customers acquired up to {acquisition_end:%Y-%m-%d} (no new "
                 f"customers after that), so the trend is that group's repeat buying, not the whole market; the "
                 f"forecast learns from the {many} after the acquisition window only. ")
    fc, e = forecast.forecast, forecast.errors
    verdict = ("better than" if e["mape"] < 0.95 * e["naive_mape"] else
               "worse than" if e["mape"] > 1.05 * e["naive_mape"] else "about as good as")
    text += (f"The forecast for the next {fmt.num(len(fc))} {many} is {amount(fc.forecast.mean())} per {one} on "
             f"average; the {fmt.pct(forecast.level, 0)} prediction interval runs from {amount(fc.lower.iloc[0])}"
             f"-{amount(fc.upper.iloc[0])} in the first {one} to {amount(fc.lower.iloc[-1])}-"
             f"{amount(fc.upper.iloc[-1])} in the last. Held out on the last {fmt.num(len(forecast.backtest))} "
             f"{many}, the method missed by {fmt.pct(e['mape'], 0)} on average (MAPE), {verdict} simply "
             + ("repeating the value one season earlier" if "STL" in forecast.backtest_model
                else "repeating the last value") + f" ({fmt.pct(e['naive_mape'], 0)}).")
    return text
