"""Customers: RFM segments, buyer personas, lifetime value."""
import importlib as _importlib

from workbench.analyses.customers.rfm import *  # noqa: F401,F403
from workbench.analyses.customers.personas import *  # noqa: F401,F403
from workbench.analyses.customers.clv import *  # noqa: F401,F403
from workbench.analyses.customers.holdout import *  # noqa: F401,F403

_MODULES = ('rfm', 'personas', 'clv', 'holdout')
# Read each module's __all__ from sys.modules: a star import may rebind a module's name to a
# function of the same name (customers.rfm is the function, not the module).
__all__ = [name for m in _MODULES for name in _importlib.import_module(f"{__name__}.{m}").__all__]
