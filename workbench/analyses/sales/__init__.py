"""Sales performance: store KPIs by period, acquisition cohorts, top products."""
from workbench.analyses.sales.kpis import *  # noqa: F401,F403
from workbench.analyses.sales.cohorts import *  # noqa: F401,F403
from workbench.analyses.sales.products import *  # noqa: F401,F403
from workbench.analyses.sales import kpis, cohorts, products

__all__ = [*kpis.__all__, *cohorts.__all__, *products.__all__]
