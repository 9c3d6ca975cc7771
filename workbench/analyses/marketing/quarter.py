"""The next-quarter plan: the demand forecast the package already makes, plus what the planned split changes.

:func:`revenue_forecast` forecasts weekly revenue with the package's demand forecast (exponential smoothing with an
STL season when two years are there, back-tested on the last weeks; :mod:`workbench.analyses.demand.forecast`). That
forecast continues the past, marketing as it was: it is the "today's split" scenario. :func:`quarter_plan` adds,
week by week, the difference the model predicts between the planned split and today's split of the same weeks
(:func:`~workbench.analyses.marketing.planner.plan_budget`), and shifts the forecast interval by the same amount:
the interval is the forecast's, the planned change is the model's point estimate (its own uncertainty is in the
channel table).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from workbench.analyses.marketing import _borrowed
from workbench.analyses.marketing.weekly import MarketingWeeks

__all__ = ["revenue_forecast", "quarter_plan", "QuarterPlan"]


def revenue_forecast(weeks: MarketingWeeks, *, horizon: int = 13, backtest: int = 13):
    """The package's demand forecast of weekly revenue for the next ``horizon`` weeks (a ``DemandForecast``).

    Raises NotEnoughData when the history is too short for the forecast and its back-test.
    """
    return _borrowed.forecast(weeks.revenue, horizon=horizon, backtest=backtest)


@dataclass
class QuarterPlan:
    """``weeks``: one row per week ahead with ``forecast``, ``lower``, ``upper`` (today's split), ``change``
    (predicted effect of the planned split), ``planned``, ``planned_lower``, ``planned_upper``; ``spend``: planned
    spend per channel and week; ``totals``: the sums over the horizon; ``level``: the interval's coverage;
    ``history``: the last year of weekly revenue before the forecast; ``backtest_mape`` and ``naive_mape``: the
    forecast's error on the weeks held out, and that of the naive forecast (the last week, or the last season
    when ``naive_seasonal``, repeated)."""

    weeks: pd.DataFrame
    spend: pd.DataFrame
    totals: dict
    level: float
    model: str
    backtest_mape: float
    history: pd.Series | None = None
    naive_mape: float = float("nan")
    naive_seasonal: bool = False
    origin: str = "real"
    currency: str | None = None


def quarter_plan(plan, *, forecast) -> QuarterPlan:
    """Week by week over the plan's horizon: forecast revenue at today's split, and with the planned split."""
    fc = forecast.forecast_.iloc[:plan.weeks].copy()
    change = (plan.totals["planned_revenue"] - plan.totals["today_revenue"]) / plan.weeks
    out = pd.DataFrame({"forecast": fc["forecast"], "lower": fc["lower"], "upper": fc["upper"]}, index=fc.index)
    out["change"] = change
    out["planned"] = out["forecast"] + change
    out["planned_lower"] = out["lower"] + change
    out["planned_upper"] = out["upper"] + change
    out.index.name = "week"
    spend = pd.DataFrame({ch: plan.table.loc[ch, "planned_per_week"] for ch in plan.table.index}, index=out.index)
    totals = {"forecast": float(out["forecast"].sum()), "planned": float(out["planned"].sum()),
              "change": float(out["change"].sum()), "planned_spend": float(spend.sum().sum()),
              "weeks": len(out)}
    return QuarterPlan(weeks=out, spend=spend, totals=totals, level=forecast.level, model=forecast.method_,
                       backtest_mape=float(forecast.errors_["mape"]), history=forecast.history_.iloc[-52:],
                       naive_mape=float(forecast.errors_["naive_mape"]), naive_seasonal=bool(forecast.naive_seasonal_),
                       origin=plan.origin, currency=plan.currency)
