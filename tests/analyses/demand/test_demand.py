"""Demand: series by hand, decomposition and forecast against statsmodels called directly and on series with a
known trend and season, the back-test, the closed-cohort rule, errors."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import workbench as wb
from workbench.analyses.demand import acquisition_end, decompose, demand_series, forecast_demand, forecast_errors
from workbench.errors import DataError


@pytest.fixture
def lines() -> pd.DataFrame:
    # Wed 2024-01-03 .. Tue 2024-01-30: weeks starting Mon Jan 1 (partial), 8, 15 (no orders), 22, 29 (partial)
    return pd.DataFrame({
        "order_id": ["a", "a", "b", "r", "c", "d", "x"],
        "customer_id": ["1", "1", "2", "1", "1", "3", None],
        "order_date": pd.to_datetime(["2024-01-03", "2024-01-03", "2024-01-09", "2024-01-10", "2024-01-24",
                                      "2024-01-30", "2024-01-25"]),
        "revenue": [10.0, 5.0, 20.0, -5.0, 8.0, 12.0, 3.0],
        "quantity": [1, 1, 2, -1, 1, 1, 1],
        "line_type": ["sale", "sale", "sale", "return", "sale", "sale", "sale"],
    })


def _known_monthly(n_years: int = 8, noise: float = 1.0, seed: int = 3) -> pd.Series:
    """100 + 2 t + 10 sin(2 pi t / 12) + N(0, noise): trend slope 2 per month, seasonal amplitude 10."""
    t = np.arange(12 * n_years)
    y = 100 + 2 * t + 10 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(seed).normal(0, noise, len(t))
    s = pd.Series(y, index=pd.date_range("2015-01-01", periods=len(t), freq="MS", name="period"))
    s.attrs["freq"] = "month"
    return s


class TestSeries:
    def test_weekly_by_hand(self, lines):
        s = demand_series(lines, freq="week")
        assert list(s.index.strftime("%m-%d")) == ["01-01", "01-08", "01-15", "01-22", "01-29"]
        assert s.revenue.tolist() == [15.0, 15.0, 0.0, 11.0, 12.0]       # the return nets week 2
        assert s.orders.tolist() == [1, 1, 0, 2, 1]                       # the guest's order counts
        assert s.customers.tolist() == [1, 1, 0, 1, 1]                    # ... but not as a customer
        assert s.units.tolist() == [2, 2, 0, 2, 1]
        assert s.complete.tolist() == [False, True, True, True, False]
        assert s.attrs["seasonal_period"] == 52

    def test_monthly_and_daily(self, lines):
        m = demand_series(lines, freq="month")
        assert m.revenue.tolist() == [53.0] and m.complete.tolist() == [False]     # Jan 3 .. Jan 30 only
        d = demand_series(lines, freq="day")
        assert len(d) == 28 and d.loc["2024-01-10", "revenue"] == -5.0 and d.loc["2024-01-10", "orders"] == 0

    def test_cdnow_totals(self):
        s = demand_series(wb.load_orders("cdnow"), freq="week")
        assert s.revenue.sum() == pytest.approx(2_500_315.63)
        assert len(s) == 79 and s.complete.sum() == 77

    def test_bad_frequency(self, lines):
        with pytest.raises(DataError, match=r"freq='quarterly' is not one of \['day', 'week', 'month'\]"):
            demand_series(lines, freq="quarterly")

    def test_missing_column(self, lines):
        with pytest.raises(DataError, match=r"amount column `sales` not found"):
            demand_series(lines, amount="sales")


class TestDecompose:
    def test_stl_recovers_a_known_trend_and_season(self):
        d = decompose(_known_monthly())
        assert d.method == "STL" and d.seasonal_period == 12
        inner = d.frame.iloc[12:-12]
        slope = np.polyfit(np.arange(len(inner)), inner.trend, 1)[0]
        assert slope == pytest.approx(2.0, abs=0.05)
        season = d.frame.seasonal.groupby(d.frame.index.month).mean().to_numpy()   # mean profile by month
        truth = 10 * np.sin(2 * np.pi * np.arange(12) / 12)
        assert np.abs(season - truth).max() < 1.5                                  # within 15% of the amplitude
        assert d.seasonal_strength > 0.9 and d.trend_strength > 0.99
        assert d.trend_change_periods == 12

    def test_same_as_statsmodels_stl_called_directly(self):
        from statsmodels.tsa.seasonal import STL

        y = _known_monthly(noise=5.0)
        ours = decompose(y)
        direct = STL(y.to_numpy(), period=12, robust=True).fit()
        np.testing.assert_allclose(ours.frame.trend, direct.trend)
        np.testing.assert_allclose(ours.frame.seasonal, direct.seasonal)

    def test_short_history_gets_a_trend_only(self):
        y = _known_monthly(n_years=1)
        d = decompose(y)
        assert d.method == "LOWESS" and d.seasonal_period is None and d.seasonal_strength is None
        assert (d.frame.seasonal == 0).all()
        assert "covers 12 months, less than the 24 months needed" in d.note
        np.testing.assert_allclose(d.frame.observed, d.frame.trend + d.frame.resid)

    def test_cdnow_is_too_short_for_a_yearly_season(self):
        d = decompose(demand_series(wb.load_orders("cdnow"), freq="week"))
        assert d.method == "LOWESS" and "77 weeks, less than the 104 weeks" in d.note
        assert len(d.frame) == 77                                         # the two partial weeks left out

    def test_too_few_periods(self):
        with pytest.raises(DataError, match=r"only 4 complete periods"):
            decompose(pd.Series([1.0, 2.0, 3.0, 4.0]))


class TestForecast:
    def test_same_as_statsmodels_called_directly(self):
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel
        from statsmodels.tsa.forecasting.stl import STLForecast

        y = _known_monthly(noise=3.0)
        fc = forecast_demand(y, horizon=6, backtest_periods=12, level=0.8)
        assert fc.model == "STL season of 12 + ETS (additive errors, damped trend)"
        res = STLForecast(pd.Series(y.to_numpy()), ETSModel, period=12, robust=True,
                          model_kwargs={"error": "add", "trend": "add", "damped_trend": True}).fit(
            fit_kwargs={"disp": False, "maxiter": 2000})
        frame = res.get_prediction(start=len(y), end=len(y) + 5).summary_frame(alpha=0.2)
        np.testing.assert_allclose(fc.forecast.forecast, frame["mean"], rtol=1e-6)
        np.testing.assert_allclose(fc.forecast.lower, frame["mean_ci_lower"], rtol=1e-6)
        assert fc.forecast.index[0] == pd.Timestamp("2023-01-01")

    def test_non_seasonal_same_as_ets_called_directly(self):
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel

        y = pd.Series(50 + 0.5 * np.arange(40) + np.random.default_rng(5).normal(0, 2, 40))
        fc = forecast_demand(y, horizon=4, backtest_periods=8, seasonal_periods=None)
        spec = {"multiplicative": "mul", "additive": "add"}[fc.model.split("(")[1].split(" ")[0]]
        damped = "damped trend" in fc.model
        res = ETSModel(pd.Series(y.to_numpy()), error=spec, trend="add" if damped else None,
                       damped_trend=damped).fit(disp=False, maxiter=2000)
        np.testing.assert_allclose(fc.forecast.forecast, res.forecast(4), rtol=1e-6)

    def test_known_series_is_forecast_well_and_beats_naive(self):
        y = _known_monthly(noise=1.0)
        fc = forecast_demand(y, horizon=12, backtest_periods=12)
        truth = 100 + 2 * np.arange(84, 96) + 10 * np.sin(2 * np.pi * np.arange(84, 96) / 12)
        assert fc.errors["mape"] < 0.02 and fc.errors["mape"] < fc.errors["naive_mape"]
        np.testing.assert_allclose(fc.backtest.actual, y.iloc[-12:].to_numpy())
        assert fc.errors["mae"] == pytest.approx(np.mean(np.abs(fc.backtest.forecast - fc.backtest.actual)))
        # seasonal naive: the training window's last 12 months, repeated
        np.testing.assert_allclose(fc.backtest.naive, y.iloc[-24:-12].to_numpy())
        assert fc.errors["coverage"] >= 0.75
        assert np.all(fc.forecast.lower < fc.forecast.forecast) and np.all(fc.forecast.forecast < fc.forecast.upper)
        future = 100 + 2 * np.arange(96, 108) + 10 * np.sin(2 * np.pi * np.arange(96, 108) / 12)
        assert np.mean(np.abs(fc.forecast.forecast - future) / future) < 0.03
        del truth

    def test_back_test_never_sees_its_test_periods(self):
        y = _known_monthly(noise=2.0)
        changed = y.copy()
        changed.iloc[-12:] *= 5                                             # wild test periods
        a = forecast_demand(y, horizon=3, backtest_periods=12)
        b = forecast_demand(changed, horizon=3, backtest_periods=12)
        np.testing.assert_allclose(a.backtest.forecast, b.backtest.forecast)

    def test_multiplicative_intervals_are_repeatable(self):
        y = pd.Series(np.exp(np.random.default_rng(1).normal(3, 0.3, 60)))
        a, b = forecast_demand(y, horizon=4, backtest_periods=8), forecast_demand(y, horizon=4, backtest_periods=8)
        pd.testing.assert_frame_equal(a.forecast, b.forecast)

    def test_start_leaves_out_earlier_periods(self):
        y = _known_monthly()
        fc = forecast_demand(y, horizon=2, backtest_periods=6, start="2018-01-01")
        assert fc.history.index[0] == pd.Timestamp("2018-01-01") and len(fc.history) == 60

    def test_errors_helper_by_hand(self):
        assert forecast_errors([10, 20, 0], [12, 15, 1]) == {"mae": pytest.approx(8 / 3), "mape": pytest.approx(0.225)}

    def test_too_short_for_the_back_test(self):
        with pytest.raises(DataError, match=r"20 complete periods are too few to hold out 13 for a back-test.*at "
                                            r"most 10"):
            forecast_demand(pd.Series(np.arange(20, dtype=float) + 1), backtest_periods=13)

    def test_bad_level(self):
        with pytest.raises(DataError, match=r"level=90 is not a coverage between 0 and 1"):
            forecast_demand(_known_monthly(), level=90)


class TestAcquisitionEnd:
    def test_cdnow_is_a_closed_cohort(self):
        assert acquisition_end(wb.load_orders("cdnow")) == dt.date(1997, 3, 25)

    def test_a_store_that_keeps_acquiring(self, lines):
        assert acquisition_end(lines) is None                              # customer 3 first buys on the last day


class TestSentences:
    def test_demand_sentences_carry_the_numbers(self):
        y = _known_monthly(noise=1.0)
        d, fc = decompose(y), forecast_demand(y, horizon=6, backtest_periods=12)
        text = wb.demand.demand_sentences(d, fc, currency="USD")
        trend = d.frame.trend
        assert text.startswith(f"The revenue trend moved +{d.trend_change:.0%} over the last 12 months, from "
                               f"${trend.iloc[-13]:,.0f} to ${trend.iloc[-1]:,.0f} per month.")
        assert f"next 6 months is ${fc.forecast.forecast.mean():,.0f} per month" in text
        assert f"missed by {fc.errors['mape']:.0%} on average (MAPE), better than simply repeating the value one " \
               f"season earlier ({fc.errors['naive_mape']:.0%})" in text

    def test_closed_cohort_is_said(self):
        y = _known_monthly(n_years=2)
        d, fc = decompose(y), forecast_demand(y, horizon=3, backtest_periods=6)
        text = wb.demand.demand_sentences(d, fc, acquisition_end=dt.date(2015, 3, 31))
        assert "acquired up to 2015-03-31 (no new customers after that)" in text
