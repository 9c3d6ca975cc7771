"""Salary benchmarking on BLS OEWS: roles, market pay, location, industry, bands, offers."""
import importlib as _importlib

from workbench.analyses.salaries.roles import *  # noqa: F401,F403
from workbench.analyses.salaries.market import *  # noqa: F401,F403
from workbench.analyses.salaries.bands import *  # noqa: F401,F403
from workbench.analyses.salaries.own_data import *  # noqa: F401,F403

_MODULES = ('roles', 'market', 'bands', 'own_data')
# Read each module's __all__ from sys.modules: a star import may rebind a module's name to a
# function of the same name (customers.rfm is the function, not the module).
__all__ = [name for m in _MODULES for name in _importlib.import_module(f"{__name__}.{m}").__all__]
