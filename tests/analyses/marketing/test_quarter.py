"""The next-quarter plan: the demand forecast plus the planned split's change, week by week."""
from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from workbench.analyses import marketing as mk


def test_quarter_plan_adds_the_plans_change_to_the_forecast():
    idx = pd.date_range("2025-01-06", periods=3, freq="7D")
    forecast = SimpleNamespace(forecast_=pd.DataFrame({"forecast": [100.0, 110.0, 120.0], "lower": [90.0, 95, 100],
                                                       "upper": [110.0, 125, 140]}, index=idx),
                               level=0.9, method_="ETS", errors_={"mape": 0.05, "naive_mape": 0.08},
                               naive_seasonal_=False,
                               history_=pd.Series([1.0, 2.0], index=idx[:2] - pd.Timedelta(days=14)))
    plan = SimpleNamespace(weeks=3, totals={"planned_revenue": 60.0, "today_revenue": 30.0},
                           table=pd.DataFrame({"planned_per_week": [5.0, 2.0]}, index=["A", "B"]), origin="real",
                           currency="USD")
    q = mk.quarter_plan(plan, forecast=forecast)
    assert q.weeks["change"].tolist() == [10.0, 10.0, 10.0]                      # (60 - 30) / 3 weeks
    assert q.weeks["planned"].tolist() == [110.0, 120.0, 130.0]
    assert q.weeks["planned_lower"].tolist() == [100.0, 105.0, 110.0]
    assert q.totals == pytest.approx({"forecast": 330.0, "planned": 360.0, "change": 30.0, "planned_spend": 21.0,
                                      "weeks": 3})
    assert (q.backtest_mape, q.naive_mape, q.naive_seasonal) == (0.05, 0.08, False)


def test_revenue_forecast_on_the_robyn_weeks():
    import workbench as wb

    weeks = mk.weekly_data(wb.load_spend("robyn"))
    fc = mk.revenue_forecast(weeks, horizon=13)
    assert len(fc.forecast_) == 13 and fc.forecast_.index[0] == pd.Timestamp("2019-11-18")
    assert "STL season of 52" in fc.method_
