"""Growth marketing: spend efficiency, acquisition cost and payback, the marketing mix model and the budget planner."""
import importlib as _importlib

from workbench.analyses.marketing.transforms import *  # noqa: F401,F403
from workbench.analyses.marketing.weekly import *  # noqa: F401,F403
from workbench.analyses.marketing.identify import *  # noqa: F401,F403
from workbench.analyses.marketing.mmm import *  # noqa: F401,F403
from workbench.analyses.marketing.planner import *  # noqa: F401,F403
from workbench.analyses.marketing.quarter import *  # noqa: F401,F403
from workbench.analyses.marketing.contribution import *  # noqa: F401,F403
from workbench.analyses.marketing.efficiency import *  # noqa: F401,F403
from workbench.analyses.marketing.payback import *  # noqa: F401,F403
from workbench.analyses.marketing.inputs import *  # noqa: F401,F403

_MODULES = ("transforms", "weekly", "identify", "mmm", "planner", "quarter", "contribution", "efficiency", "payback",
            "inputs")
__all__ = [name for m in _MODULES for name in _importlib.import_module(f"{__name__}.{m}").__all__]
