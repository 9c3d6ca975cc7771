"""Site experiments: checkout funnel, A/B test readout, test planning."""
from workbench.analyses.experiments.funnel import *  # noqa: F401,F403
from workbench.analyses.experiments.abtest import *  # noqa: F401,F403
from workbench.analyses.experiments.planning import *  # noqa: F401,F403
from workbench.analyses.experiments import funnel, abtest, planning

__all__ = [*funnel.__all__, *abtest.__all__, *planning.__all__]
