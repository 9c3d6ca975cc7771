"""Site experiments: trust checks, metric comparisons, variance reduction, the readout, checkout funnel, planning."""
import importlib as _importlib

from workbench.analyses.experiments.checks import *  # noqa: F401,F403
from workbench.analyses.experiments.significance import *  # noqa: F401,F403
from workbench.analyses.experiments.bootstrap import *  # noqa: F401,F403
from workbench.analyses.experiments.variance import *  # noqa: F401,F403
from workbench.analyses.experiments.readout import *  # noqa: F401,F403
from workbench.analyses.experiments.funnel import *  # noqa: F401,F403
from workbench.analyses.experiments.planning import *  # noqa: F401,F403

_MODULES = ('checks', 'significance', 'bootstrap', 'variance', 'readout', 'funnel', 'planning')
# Read each module's __all__ from sys.modules: a star import may rebind a module's name to a
# function of the same name (customers.rfm is the function, not the module).
__all__ = [name for m in _MODULES for name in _importlib.import_module(f"{__name__}.{m}").__all__]
