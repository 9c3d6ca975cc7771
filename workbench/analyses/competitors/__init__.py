"""Competitors: price position, choice shares, the choice model, elasticities and what-if pricing, demand regression."""
import importlib as _importlib

from workbench.analyses.competitors.pricing import *  # noqa: F401,F403
from workbench.analyses.competitors.shares import *  # noqa: F401,F403
from workbench.analyses.competitors.logit import *  # noqa: F401,F403
from workbench.analyses.competitors.scenarios import *  # noqa: F401,F403
from workbench.analyses.competitors.demand_regression import *  # noqa: F401,F403

_MODULES = ('pricing', 'shares', 'logit', 'scenarios', 'demand_regression')
# Read each module's __all__ from sys.modules: a star import may rebind a module's name to a
# function of the same name (customers.rfm is the function, not the module).
__all__ = [name for m in _MODULES for name in _importlib.import_module(f"{__name__}.{m}").__all__]
