"""Demand: revenue and orders per period, trend and seasonality, forecast with prediction intervals."""
import importlib as _importlib

from workbench.analyses.demand.series import *  # noqa: F401,F403
from workbench.analyses.demand.trend import *  # noqa: F401,F403
from workbench.analyses.demand.forecast import *  # noqa: F401,F403

_MODULES = ('series', 'trend', 'forecast')
# Read each module's __all__ from sys.modules: a star import may rebind a module's name to a
# function of the same name (customers.rfm is the function, not the module).
__all__ = [name for m in _MODULES for name in _importlib.import_module(f"{__name__}.{m}").__all__]
