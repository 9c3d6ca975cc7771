"""Competitors: price position, choice shares, elasticities, what-if pricing."""
from workbench.analyses.competitors.pricing import *  # noqa: F401,F403
from workbench.analyses.competitors.choice import *  # noqa: F401,F403
from workbench.analyses.competitors.demand_regression import *  # noqa: F401,F403
from workbench.analyses.competitors import pricing, choice, demand_regression

__all__ = [*pricing.__all__, *choice.__all__, *demand_regression.__all__]
