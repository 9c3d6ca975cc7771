"""Demand: revenue and orders per period, trend and seasonality, forecast with prediction intervals."""
from workbench.analyses.demand.series import *  # noqa: F401,F403
from workbench.analyses.demand.trend import *  # noqa: F401,F403
from workbench.analyses.demand.forecast import *  # noqa: F401,F403
from workbench.analyses.demand import series, trend, forecast

__all__ = [*series.__all__, *trend.__all__, *forecast.__all__]
