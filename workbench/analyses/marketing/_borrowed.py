"""Every call the marketing analyses make into other domains, in one place.

The marketing report builds on what the package already computes elsewhere: the acquisition cohorts of the sales
analyses, the customer lifetime-value models of the market-research analyses and the demand forecast. Those
domains are being renamed to the report shape (issue 11) at the same time as this one is written; keeping the
calls here means a rename touches this file only:

- ``workbench.analyses.sales.cohorts.cohort_retention`` (monthly acquisition cohorts, cumulative revenue per
  customer);
- ``workbench.analyses.customers.clv.lifetime_value`` (BG/NBD + Gamma-Gamma, ``.bgnbd.expected_purchases``,
  ``.gamma_gamma.population_mean_``);
- ``workbench.analyses.demand.series.demand_series`` and ``workbench.analyses.demand.forecast.DemandForecast``.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from workbench.errors import DataError, NotEnoughData


def cohorts(lines: pd.DataFrame, *, value: str = "contribution") -> pd.DataFrame:
    """Monthly acquisition cohorts with ``value`` summed in place of revenue (complete months only)."""
    from workbench.analyses.sales.cohorts import cohort_retention

    try:
        return cohort_retention(lines, revenue=value)
    except NotEnoughData:
        raise
    except DataError as exc:
        raise NotEnoughData(f"no acquisition cohorts: {exc.problem}", source=exc.source, fix=exc.fix) from None


def lifetime_models(orders: Any, *, margin: float) -> Any:
    """The market-research lifetime-value result (fitted BG/NBD and Gamma-Gamma models) for these orders."""
    from workbench.analyses.customers.clv import lifetime_value

    try:
        return lifetime_value(orders, margin=margin)
    except NotEnoughData:
        raise
    except DataError as exc:
        raise NotEnoughData(f"the lifetime-value models could not be fitted: {exc.problem}", source=exc.source,
                            fix=exc.fix) from None


def daily_revenue(orders: Any) -> pd.Series:
    """Net revenue per day (every day present, zeros where nothing was sold)."""
    from workbench.analyses.demand.series import demand_series

    return demand_series(orders, freq="day")["revenue"]


def forecast(revenue: pd.Series, *, horizon: int, backtest: int) -> Any:
    """The package's demand forecast (ETS, STL season when two years are there) of a weekly revenue series."""
    from workbench.analyses.demand.forecast import DemandForecast

    frame = pd.DataFrame({"revenue": revenue.astype(float), "complete": True}, index=revenue.index)
    frame.index.name = "period"
    frame.attrs["freq"] = "week"
    try:
        return DemandForecast(horizon=horizon, backtest_periods=backtest).fit(frame)
    except NotEnoughData:
        raise
    except DataError as exc:
        raise NotEnoughData(f"no demand forecast: {exc.problem}", source=exc.source, fix=exc.fix) from None
