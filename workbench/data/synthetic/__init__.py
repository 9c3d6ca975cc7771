"""Generated data for benchmarks, tests and the samples that reports label as generated.

Seeded and documented as generated; never written under data/raw/ and never passed off as real data.
"""
from workbench.data.synthetic.orders import *  # noqa: F401,F403
from workbench.data.synthetic.prices import *  # noqa: F401,F403
from workbench.data.synthetic.experiments import *  # noqa: F401,F403
from workbench.data.synthetic.marketing import *  # noqa: F401,F403
from workbench.data.synthetic import orders, prices, experiments, marketing

__all__ = [*orders.__all__, *prices.__all__, *experiments.__all__, *marketing.__all__]
