"""Customers: RFM segments, buyer personas, lifetime value."""
from workbench.analyses.customers.rfm import *  # noqa: F401,F403
from workbench.analyses.customers.personas import *  # noqa: F401,F403
from workbench.analyses.customers.clv import *  # noqa: F401,F403
from workbench.analyses.customers import rfm, personas, clv

__all__ = [*rfm.__all__, *personas.__all__, *clv.__all__]
