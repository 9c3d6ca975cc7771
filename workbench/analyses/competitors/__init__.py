"""Competitors: price position, choice shares, elasticities, what-if pricing."""
import importlib as _importlib

from workbench.analyses.competitors.pricing import *  # noqa: F401,F403
from workbench.analyses.competitors.choice import *  # noqa: F401,F403
from workbench.analyses.competitors.demand_regression import *  # noqa: F401,F403

_MODULES = ('pricing', 'choice', 'demand_regression')
# Read each module's __all__ from sys.modules: a star import may rebind a module's name to a
# function of the same name (customers.rfm is the function, not the module).
__all__ = [name for m in _MODULES for name in _importlib.import_module(f"{__name__}.{m}").__all__]
