"""Demand forecast with prediction intervals (statsmodels ETS), back-tested on the last periods against a naive
forecast.

Model (:class:`AutoETS`): exponential smoothing in state-space form
(``statsmodels.tsa.exponential_smoothing.ets.ETSModel``). The candidates are additive or multiplicative errors
(multiplicative only for a positive series) and no trend or a damped additive trend; when the history has at
least two full seasonal cycles the season is removed first with STL and added back to the forecast. The
candidate with the lowest AICc wins; the choice is made on the data each fit sees (the back-test's training
window, then the whole history for the forward forecast), so the back-test never looks at its test periods.
Prediction intervals come from the fitted model (simulated, seeded, for multiplicative errors; normal around
the STL + ETS forecast).

Back-test (:class:`DemandForecast`): the last ``backtest_periods`` complete periods are held out; the model
chosen and fitted on the periods before them forecasts them; the error is shown as MAE and MAPE next to the
naive forecast (the last training value carried forward; the value one season earlier when a season is
modelled), the usual benchmark a forecast has to beat. A history too short for the back-test and at least
``MIN_TRAINING_PERIODS`` periods to learn from raises :class:`~workbench.errors.NotEnoughData`.
"""
from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd

from workbench.analyses.demand.series import DEMAND_FREQUENCIES
from workbench.analyses.demand.trend import _values, complete_periods, shorter_period_fix
from workbench.errors import DataError, NotEnoughData

__all__ = ["DemandForecast", "AutoETS", "forecast_errors", "against_naive", "MIN_TRAINING_PERIODS"]

SIMULATIONS = 5000  # simulated paths for the intervals of multiplicative-error models
MIN_TRAINING_PERIODS = 10  # periods the model learns from before the back-test periods


def _spec_name(spec: dict) -> str:
    error = "multiplicative" if spec["error"] == "mul" else "additive"
    trend = "damped trend" if spec["trend"] else "no trend"
    if spec.get("stl_period"):
        return f"STL season of {spec['stl_period']} + ETS ({error} errors, {trend})"
    return f"ETS ({error} errors, {trend}, no season)"


class AutoETS:
    """The exponential-smoothing model with the lowest AICc among a few candidates, optionally after STL.

    Candidates: ETS with additive or multiplicative errors (multiplicative only for a positive series) and no
    trend or a damped additive trend. With at least two full seasonal cycles the season is taken out first
    with robust STL and the ETS models the seasonally adjusted series (statsmodels ``STLForecast``; the season
    is carried forward from the last cycle), the "STL + ETS" method of Hyndman & Athanasopoulos,
    *Forecasting: Principles and Practice*: a seasonal ETS with a 52-week season has 51 initial states to
    estimate, too many for two or three years of weeks.

    Parameters
    ----------
    seasonal_periods : int, optional
        Periods per season (52 weeks, 12 months, 7 days); None for no season.

    Attributes (after ``fit``)
    --------------------------
    spec_ : dict
        The winner's ETSModel keyword arguments and ``stl_period`` (None without a season).
    result_ : statsmodels results
        The fitted winner.
    aicc_ : float
    method_ : str
        The winner in words, e.g. "ETS (multiplicative errors, no trend, no season)".
    n_periods_ : int
    """

    def __init__(self, *, seasonal_periods: int | None = None) -> None:
        self.seasonal_periods = seasonal_periods
        self.spec_: dict | None = None
        self.result_ = None
        self.aicc_: float | None = None
        self.method_: str | None = None
        self.n_periods_: int | None = None

    def fit(self, y: pd.Series) -> AutoETS:
        """Fit every candidate to ``y`` and keep the one with the lowest AICc; returns ``self``.

        Raises
        ------
        DataError
            No candidate could be fitted (a constant or extreme series).
        """
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel
        from statsmodels.tsa.forecasting.stl import STLForecast

        values = pd.Series(np.asarray(y, dtype=float))   # plain integer index: statsmodels' predictions need it
        period = self.seasonal_periods
        stl_period = period if period and len(values) >= 2 * period else None
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
        self.result_, self.spec_, self.aicc_ = best
        self.method_, self.n_periods_ = _spec_name(self.spec_), len(values)
        return self

    def predict(self, steps: int, *, level: float = 0.90, seed: int = 20261128) -> pd.DataFrame:
        """The next ``steps`` periods: ``forecast`` (mean), ``lower`` and ``upper`` (the ``level`` interval)."""
        if self.result_ is None:
            raise RuntimeError("AutoETS is not fitted: call fit(series) first")
        n, spec = self.n_periods_, self.spec_
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if spec.get("stl_period"):
                frame = self.result_.get_prediction(start=n, end=n + steps - 1).summary_frame(alpha=1 - level)
                return pd.DataFrame({"forecast": frame["mean"].to_numpy(),
                                     "lower": frame["mean_ci_lower"].to_numpy(),
                                     "upper": frame["mean_ci_upper"].to_numpy()})
            kw = ({"simulate_repetitions": SIMULATIONS, "rng": np.random.default_rng(seed)}
                  if spec["error"] == "mul" else {})
            frame = self.result_.get_prediction(start=n, end=n + steps - 1, **kw).summary_frame(alpha=1 - level)
        return pd.DataFrame({"forecast": frame["mean"].to_numpy(), "lower": frame["pi_lower"].to_numpy(),
                             "upper": frame["pi_upper"].to_numpy()})

    def __repr__(self) -> str:
        if self.method_ is None:
            return f"<AutoETS: not fitted, seasonal_periods={self.seasonal_periods}>"
        return f"<AutoETS: {self.method_}, fitted on {self.n_periods_} periods, AICc {self.aicc_:.1f}>"


def forecast_errors(actual, forecast) -> dict[str, float]:
    """MAE and MAPE (in fractions; periods with actual 0 are left out of MAPE) of a forecast.

    Two inputs of equal length, the actual and the forecast values (as scikit-learn's metrics take
    ``y_true, y_pred``).
    """
    a, f = np.asarray(actual, dtype=float), np.asarray(forecast, dtype=float)
    nz = a != 0
    return {"mae": float(np.mean(np.abs(a - f))),
            "mape": float(np.mean(np.abs(a[nz] - f[nz]) / np.abs(a[nz]))) if nz.any() else float("nan")}


def against_naive(mape: float, *, naive_mape: float, margin: float = 0.05) -> str:
    """``"better"``, ``"worse"`` or ``"same"``: a method's back-test error against the naive forecast's, equal
    within ``margin`` (relative: 0.05 = 5% of the naive error)."""
    if mape < (1 - margin) * naive_mape:
        return "better"
    return "worse" if mape > (1 + margin) * naive_mape else "same"


class DemandForecast:
    """Forecast a demand series with prediction intervals, after back-testing the method on its last periods.

    ``DemandForecast(horizon=13, backtest_periods=13).fit(series)``: the last ``backtest_periods`` complete
    periods are held out and forecast by an :class:`AutoETS` chosen and fitted on the periods before them;
    then the model is chosen and fitted again on the whole history and forecasts ``horizon`` periods ahead.

    Parameters
    ----------
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

    Attributes (after ``fit``)
    --------------------------
    history_ : Series
        The complete periods used.
    backtest_ : DataFrame
        ``actual``, ``forecast``, ``lower``, ``upper``, ``naive`` for the held-out periods.
    forecast_ : DataFrame
        ``forecast``, ``lower``, ``upper`` for the periods ahead.
    errors_ : dict
        ``mae``, ``mape`` of the model and ``naive_mae``, ``naive_mape`` of the naive forecast on the
        back-test, and ``coverage``: the share of actual values inside the interval.
    method_ : str
        The model chosen on the whole history, in words; ``backtest_method_``: the one chosen on the training
        window.
    naive_seasonal_ : bool
        Whether the back-test modelled a season: its naive forecast then repeats the last season, else the last
        value.
    naive_forecast_ : Series
        The naive forecast of the periods ahead, by the back-test's rule (the last season or the last value
        repeated): the figure to plan with when the method did worse than it on the back-test.
    freq_ : str or None
        "day", "week" or "month" (from the series).
    """

    def __init__(self, *, column: str = "revenue", horizon: int = 13, backtest_periods: int = 13,
                 level: float = 0.90, seasonal_periods: int | None = None,
                 start: str | pd.Timestamp | None = None, seed: int = 20261128) -> None:
        if not 0 < level < 1:
            raise DataError(f"level={level} is not a coverage between 0 and 1", source="DemandForecast",
                            example=level, fix="give e.g. 0.9 for a 90% prediction interval")
        if backtest_periods < 1 or horizon < 1:
            raise DataError(f"horizon={horizon} and backtest_periods={backtest_periods} must be at least 1",
                            source="DemandForecast", fix="give whole numbers of periods, e.g. 13 weeks")
        self.column, self.horizon, self.backtest_periods, self.level = column, horizon, backtest_periods, level
        self.seasonal_periods, self.start, self.seed = seasonal_periods, start, seed
        self.history_: pd.Series | None = None
        self.backtest_: pd.DataFrame | None = None
        self.forecast_: pd.DataFrame | None = None
        self.errors_: dict[str, float] | None = None
        self.method_: str | None = None
        self.backtest_method_: str | None = None
        self.naive_seasonal_: bool | None = None
        self.naive_forecast_: pd.Series | None = None
        self.freq_: str | None = None

    def fit(self, series: pd.DataFrame | pd.Series) -> DemandForecast:
        """Back-test and forecast ``series`` (from :func:`demand_series`, or any regular series); returns ``self``.

        Partial first/last periods of a :func:`demand_series` frame are left out.

        Raises
        ------
        NotEnoughData
            Fewer complete periods than ``backtest_periods`` plus ``max(MIN_TRAINING_PERIODS,
            backtest_periods)`` to learn from.
        """
        need = self.backtest_periods + max(MIN_TRAINING_PERIODS, self.backtest_periods)
        y, freq = _values(series, self.column, complete_only=True, min_periods=0, what="a forecast")
        if self.start is not None:
            y = y[y.index >= pd.Timestamp(self.start)]
        n = len(y)
        if n < need:
            since = f" since {pd.Timestamp(self.start):%Y-%m-%d}" if self.start is not None else ""
            most = min(n - MIN_TRAINING_PERIODS, n // 2)
            fix = shorter_period_fix(freq)
            if most >= 1:
                fix = f"Lower backtest_periods (at most {most} here); or {fix[0].lower()}{fix[1:]}"
            raise NotEnoughData(
                f"{complete_periods(n, freq)} of orders{since}: a forecast checked on the last "
                f"{self.backtest_periods} needs at least {need} ({max(MIN_TRAINING_PERIODS, self.backtest_periods)} "
                f"to learn from and {self.backtest_periods} to check it on)", fix=fix)
        seasonal_periods = self.seasonal_periods or (DEMAND_FREQUENCIES[freq][2] if freq in DEMAND_FREQUENCIES
                                                     else None)
        k = self.backtest_periods
        train, test = y.iloc[:-k], y.iloc[-k:]
        bt_model = AutoETS(seasonal_periods=seasonal_periods).fit(train)
        bt = bt_model.predict(k, level=self.level, seed=self.seed)
        bt.index = test.index
        bt.insert(0, "actual", test.to_numpy())
        bt["naive"] = _naive(train, k, seasonal_periods if bt_model.spec_["stl_period"] else None)
        model_err, naive_err = forecast_errors(bt.actual, bt.forecast), forecast_errors(bt.actual, bt.naive)
        self.errors_ = {"mae": model_err["mae"], "mape": model_err["mape"], "naive_mae": naive_err["mae"],
                        "naive_mape": naive_err["mape"],
                        "coverage": float(((bt.actual >= bt.lower) & (bt.actual <= bt.upper)).mean())}
        model = AutoETS(seasonal_periods=seasonal_periods).fit(y)
        fc = model.predict(self.horizon, level=self.level, seed=self.seed)
        fc.index = _future_index(y.index, self.horizon, freq)
        fc.index.name = y.index.name
        self.history_, self.backtest_, self.forecast_ = y, bt, fc
        self.method_, self.backtest_method_ = model.method_, bt_model.method_
        self.naive_seasonal_, self.freq_ = bool(bt_model.spec_["stl_period"]), freq
        self.naive_forecast_ = pd.Series(
            _naive(y, self.horizon, seasonal_periods if self.naive_seasonal_ else None), index=fc.index,
            name="naive")
        return self

    def __repr__(self) -> str:
        if self.method_ is None:
            return (f"<DemandForecast: not fitted, {self.column}, horizon {self.horizon}, back-test "
                    f"{self.backtest_periods}>")
        return (f"<DemandForecast: {self.column}, {self.method_}; back-test MAPE {self.errors_['mape']:.1%} vs "
                f"naive {self.errors_['naive_mape']:.1%}>")


def _naive(y: pd.Series, periods: int, season: int | None) -> np.ndarray:
    """The naive forecast of the ``periods`` after ``y``: its last season repeated, or its last value."""
    if season:
        return np.resize(y.iloc[-season:].to_numpy(dtype=float), periods)
    return np.full(periods, float(y.iloc[-1]))


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
