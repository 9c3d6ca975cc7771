"""Data layer: reading sources into documented canonical tables, validating them, and noting what was read.

Knows nothing about analyses or reports. Every public loader is re-exported here and at ``workbench``.
"""
from workbench.data.schema import *  # noqa: F401,F403
from workbench.data.orders import *  # noqa: F401,F403
from workbench.data.synthetic import *  # noqa: F401,F403
from workbench.data.oews import *  # noqa: F401,F403
from workbench.data.bls_flatfiles import *  # noqa: F401,F403
from workbench.data.payroll import *  # noqa: F401,F403
from workbench.data.choice import *  # noqa: F401,F403
from workbench.data.prices import *  # noqa: F401,F403
from workbench.data.events import *  # noqa: F401,F403
from workbench.data.assignments import *  # noqa: F401,F403
from workbench.data.experiment import *  # noqa: F401,F403
from workbench.data.spend import *  # noqa: F401,F403
from workbench.data.costs import *  # noqa: F401,F403
from workbench.data import (schema, orders, synthetic, oews, bls_flatfiles, payroll, choice, prices, events,
                            assignments, experiment, spend, costs)

__all__ = [*schema.__all__, *orders.__all__, *synthetic.__all__, *oews.__all__, *bls_flatfiles.__all__,
           *payroll.__all__, *choice.__all__, *prices.__all__, *events.__all__, *assignments.__all__,
           *experiment.__all__, *spend.__all__, *costs.__all__]
