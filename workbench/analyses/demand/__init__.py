"""Demand: trend, seasonality and forecast of revenue and orders."""
from workbench.analyses.demand.trend import *  # noqa: F401,F403
from workbench.analyses.demand import trend

__all__ = [*trend.__all__]
