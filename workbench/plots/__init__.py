"""Charts. Each function takes the result to draw, keyword-only options and ax=None, and returns the Axes; none calls plt.show."""
from workbench.plots.sales import *  # noqa: F401,F403
from workbench.plots.customers import *  # noqa: F401,F403
from workbench.plots.demand import *  # noqa: F401,F403
from workbench.plots.competitors import *  # noqa: F401,F403
from workbench.plots.salaries import *  # noqa: F401,F403
from workbench.plots.experiments import *  # noqa: F401,F403
from workbench.plots.marketing import *  # noqa: F401,F403
from workbench.plots import sales, customers, demand, competitors, salaries, experiments, marketing

__all__ = [*sales.__all__, *customers.__all__, *demand.__all__, *competitors.__all__, *salaries.__all__, *experiments.__all__,
           *marketing.__all__]
