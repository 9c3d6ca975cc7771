"""Sales performance: the order rollup the sales figures share, store KPIs by period, the revenue bridge between two periods, acquisition cohorts, top products."""
import importlib as _importlib

from workbench.analyses.sales.rollup import *  # noqa: F401,F403
from workbench.analyses.sales.kpis import *  # noqa: F401,F403
from workbench.analyses.sales.bridge import *  # noqa: F401,F403
from workbench.analyses.sales.cohorts import *  # noqa: F401,F403
from workbench.analyses.sales.products import *  # noqa: F401,F403

_MODULES = ('rollup', 'kpis', 'bridge', 'cohorts', 'products')
# Read each module's __all__ from sys.modules: a star import may rebind a module's name to a
# function of the same name (customers.rfm is the function, not the module).
__all__ = [name for m in _MODULES for name in _importlib.import_module(f"{__name__}.{m}").__all__]
