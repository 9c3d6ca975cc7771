"""Trend and season: STL against statsmodels called directly and on a series with a known trend and season, the
LOWESS trend of a short history, thin data."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import workbench as wb
from workbench.analyses.demand import decompose, demand_series
from workbench.errors import DataError, NotEnoughData


class TestDecompose:
    def test_stl_recovers_a_known_trend_and_season(self, known_monthly):
        d = decompose(known_monthly())
        assert d.method == "STL" and d.seasonal_period == 12
        inner = d.frame.iloc[12:-12]
        slope = np.polyfit(np.arange(len(inner)), inner.trend, 1)[0]
        assert slope == pytest.approx(2.0, abs=0.05)
        season = d.frame.seasonal.groupby(d.frame.index.month).mean().to_numpy()   # mean profile by month
        truth = 10 * np.sin(2 * np.pi * np.arange(12) / 12)
        assert np.abs(season - truth).max() < 1.5                                  # within 15% of the amplitude
        assert d.seasonal_strength > 0.9 and d.trend_strength > 0.99
        assert d.trend_change_periods == 12

    def test_same_as_statsmodels_stl_called_directly(self, known_monthly):
        from statsmodels.tsa.seasonal import STL

        y = known_monthly(noise=5.0)
        ours = decompose(y)
        direct = STL(y.to_numpy(), period=12, robust=True).fit()
        np.testing.assert_allclose(ours.frame.trend, direct.trend)
        np.testing.assert_allclose(ours.frame.seasonal, direct.seasonal)

    def test_short_history_gets_a_trend_only(self, known_monthly):
        y = known_monthly(n_years=1)
        d = decompose(y)
        assert d.method == "LOWESS" and d.seasonal_period is None and d.seasonal_strength is None
        assert (d.frame.seasonal == 0).all()
        assert (d.n_periods, d.periods_needed, d.window, d.freq) == (12, 24, 5, "month")
        np.testing.assert_allclose(d.frame.observed, d.frame.trend + d.frame.resid)

    def test_cdnow_is_too_short_for_a_yearly_season(self):
        d = decompose(demand_series(wb.load_orders("cdnow"), freq="week"))
        assert d.method == "LOWESS" and (d.n_periods, d.periods_needed, d.window) == (77, 104, 13)
        assert len(d.frame) == 77                                         # the two partial weeks left out

    def test_too_few_periods(self):
        with pytest.raises(NotEnoughData, match=r"^Only 4 complete periods of orders: a trend needs at least 6\. "
                                                r"Use a longer history"):
            decompose(pd.Series([1.0, 2.0, 3.0, 4.0]))

    def test_too_few_weeks_suggests_days(self):
        s = pd.Series([1.0, 2.0, 3.0], index=pd.date_range("2024-03-04", periods=3, freq="7D"))
        s.attrs["freq"] = "week"
        with pytest.raises(NotEnoughData, match=r"^Only 3 complete weeks of orders.*shorter period "
                                                r"\(demand_freq='day'\)"):
            decompose(s)

    def test_missing_values_are_bad_input(self):
        with pytest.raises(DataError, match=r"the series has missing values"):
            decompose(pd.Series([1.0, None, 3.0, 4.0, 5.0, 6.0]))
