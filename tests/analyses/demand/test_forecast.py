"""Demand forecast: against statsmodels called directly and on a series with a known trend and season, the
back-test, the model selection (AutoETS), thin data."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.analyses.demand import AutoETS, DemandForecast, forecast_errors
from workbench.errors import DataError, NotEnoughData


def _forecast(series, **options) -> DemandForecast:
    return DemandForecast(**options).fit(series)


class TestForecast:
    def test_same_as_statsmodels_called_directly(self, known_monthly):
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel
        from statsmodels.tsa.forecasting.stl import STLForecast

        y = known_monthly(noise=3.0)
        fc = _forecast(y, horizon=6, backtest_periods=12, level=0.8)
        assert fc.method_ == "STL season of 12 + ETS (additive errors, damped trend)"
        res = STLForecast(pd.Series(y.to_numpy()), ETSModel, period=12, robust=True,
                          model_kwargs={"error": "add", "trend": "add", "damped_trend": True}).fit(
            fit_kwargs={"disp": False, "maxiter": 2000})
        frame = res.get_prediction(start=len(y), end=len(y) + 5).summary_frame(alpha=0.2)
        np.testing.assert_allclose(fc.forecast_.forecast, frame["mean"], rtol=1e-6)
        np.testing.assert_allclose(fc.forecast_.lower, frame["mean_ci_lower"], rtol=1e-6)
        assert fc.forecast_.index[0] == pd.Timestamp("2023-01-01")

    def test_non_seasonal_same_as_ets_called_directly(self):
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        y = pd.Series(50 + 0.5 * np.arange(40) + np.random.default_rng(5).normal(0, 2, 40))
        fc = _forecast(y, horizon=4, backtest_periods=8, seasonal_periods=None)
        spec = {"multiplicative": "mul", "additive": "add"}[fc.method_.split("(")[1].split(" ")[0]]
        damped = "damped trend" in fc.method_
        res = ETSModel(pd.Series(y.to_numpy()), error=spec, trend="add" if damped else None,
                       damped_trend=damped).fit(disp=False, maxiter=2000)
        np.testing.assert_allclose(fc.forecast_.forecast, res.forecast(4), rtol=1e-6)
        assert not fc.naive_seasonal_ and fc.naive_forecast_.tolist() == [y.iloc[-1]] * 4   # the last value

    def test_known_series_is_forecast_well_and_beats_naive(self, known_monthly):
        y = known_monthly(noise=1.0)
        fc = _forecast(y, horizon=12, backtest_periods=12)
        truth = 100 + 2 * np.arange(84, 96) + 10 * np.sin(2 * np.pi * np.arange(84, 96) / 12)
        assert fc.errors_["mape"] < 0.02 and fc.errors_["mape"] < fc.errors_["naive_mape"]
        np.testing.assert_allclose(fc.backtest_.actual, y.iloc[-12:].to_numpy())
        assert fc.errors_["mae"] == pytest.approx(np.mean(np.abs(fc.backtest_.forecast - fc.backtest_.actual)))
        # seasonal naive: the training window's last 12 months, repeated
        np.testing.assert_allclose(fc.backtest_.naive, y.iloc[-24:-12].to_numpy())
        # and ahead: the whole history's last 12 months, on the forecast's periods
        np.testing.assert_allclose(fc.naive_forecast_, y.iloc[-12:].to_numpy())
        assert fc.naive_forecast_.index.equals(fc.forecast_.index)
        assert fc.errors_["coverage"] >= 0.75
        assert np.all(fc.forecast_.lower < fc.forecast_.forecast) and np.all(fc.forecast_.forecast < fc.forecast_.upper)
        future = 100 + 2 * np.arange(96, 108) + 10 * np.sin(2 * np.pi * np.arange(96, 108) / 12)
        assert np.mean(np.abs(fc.forecast_.forecast - future) / future) < 0.03
        del truth

    def test_back_test_never_sees_its_test_periods(self, known_monthly):
        y = known_monthly(noise=2.0)
        changed = y.copy()
        changed.iloc[-12:] *= 5                                             # wild test periods
        a = _forecast(y, horizon=3, backtest_periods=12)
        b = _forecast(changed, horizon=3, backtest_periods=12)
        np.testing.assert_allclose(a.backtest_.forecast, b.backtest_.forecast)

    def test_multiplicative_intervals_are_repeatable(self):
        y = pd.Series(np.exp(np.random.default_rng(1).normal(3, 0.3, 60)))
        a, b = _forecast(y, horizon=4, backtest_periods=8), _forecast(y, horizon=4, backtest_periods=8)
        pd.testing.assert_frame_equal(a.forecast_, b.forecast_)

    def test_start_leaves_out_earlier_periods(self, known_monthly):
        y = known_monthly()
        fc = _forecast(y, horizon=2, backtest_periods=6, start="2018-01-01")
        assert fc.history_.index[0] == pd.Timestamp("2018-01-01") and len(fc.history_) == 60

    def test_against_naive_within_five_percent_is_the_same(self):
        from workbench.analyses.demand import against_naive
        assert [against_naive(m, naive_mape=0.10) for m in (0.094, 0.0951, 0.1049, 0.106)] == \
            ["better", "same", "same", "worse"]

    def test_errors_helper_by_hand(self):
        assert forecast_errors([10, 20, 0], [12, 15, 1]) == {"mae": pytest.approx(8 / 3), "mape": pytest.approx(0.225)}

    def test_too_short_for_the_back_test(self):
        with pytest.raises(NotEnoughData, match=r"^Only 20 complete periods of orders: a forecast checked on the last "
                                                r"13 needs at least 26 \(13 to learn from and 13 to check it on\)\. "
                                                r"Lower backtest_periods \(at most 10 here\)"):
            _forecast(pd.Series(np.arange(20, dtype=float) + 1), backtest_periods=13)

    def test_too_few_weeks_for_any_forecast(self):
        s = pd.Series([5.0, 6.0, 7.0, 8.0], index=pd.date_range("2024-03-04", periods=4, freq="7D"))
        s.attrs["freq"] = "week"
        with pytest.raises(NotEnoughData, match=r"^Only 4 complete weeks of orders: a forecast checked on the last 13 "
                                                r"needs at least 26.*\. Use a shorter period \(demand_freq='day'\) or "
                                                r"a longer history\.$"):
            _forecast(s)

    def test_start_is_named_when_it_cuts_the_history(self, known_monthly):
        with pytest.raises(NotEnoughData, match=r"^Only 12 complete months of orders since 2022-01-01"):
            _forecast(known_monthly(), start="2022-01-01")

    def test_bad_options(self):
        with pytest.raises(DataError, match=r"level=90 is not a coverage between 0 and 1"):
            DemandForecast(level=90)
        with pytest.raises(DataError, match=r"horizon=0 and backtest_periods=13 must be at least 1"):
            DemandForecast(horizon=0)

    def test_repr(self, known_monthly):
        assert repr(DemandForecast()) == "<DemandForecast: not fitted, revenue, horizon 13, back-test 13>"
        fc = _forecast(known_monthly(), horizon=3, backtest_periods=12)
        assert repr(fc).startswith("<DemandForecast: revenue, STL season of 12 + ETS")


class TestAutoETS:
    def test_picks_the_lowest_aicc_candidate(self):
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        y = pd.Series(50 + 0.5 * np.arange(40) + np.random.default_rng(5).normal(0, 2, 40))
        model = AutoETS().fit(y)
        aiccs = {}
        for error in ("add", "mul"):
            for damped in (False, True):
                res = ETSModel(pd.Series(y.to_numpy()), error=error, trend="add" if damped else None,
                               damped_trend=damped).fit(disp=False, maxiter=2000)
                aiccs[(error, damped)] = res.aicc
        best = min(aiccs, key=aiccs.get)
        assert (model.spec_["error"], model.spec_["damped_trend"]) == best
        assert model.aicc_ == pytest.approx(aiccs[best])
        assert model.spec_["stl_period"] is None and model.n_periods_ == 40

    def test_season_only_with_two_cycles(self, known_monthly):
        assert AutoETS(seasonal_periods=12).fit(known_monthly(n_years=2)).spec_["stl_period"] == 12
        assert AutoETS(seasonal_periods=12).fit(known_monthly(n_years=2).iloc[:23]).spec_["stl_period"] is None

    def test_predict_needs_a_fit(self):
        with pytest.raises(RuntimeError, match="not fitted"):
            AutoETS().predict(3)
