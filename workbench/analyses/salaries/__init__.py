"""Salary benchmarking on BLS OEWS: roles, market pay, location, industry, bands, offers."""
from workbench.analyses.salaries.roles import *  # noqa: F401,F403
from workbench.analyses.salaries.market import *  # noqa: F401,F403
from workbench.analyses.salaries.bands import *  # noqa: F401,F403
from workbench.analyses.salaries.own_data import *  # noqa: F401,F403
from workbench.analyses.salaries import roles, market, bands, own_data

__all__ = [*roles.__all__, *market.__all__, *bands.__all__, *own_data.__all__]
