"""Less noise in revenue metrics: CUPED with a pre-period covariate, and capping of outlier revenue.

- **CUPED** (Deng, Xu, Kohavi & Walker 2013): ``Y - theta (X - mean X)`` with ``theta = cov(X, Y) / var(X)`` from
  the pre-period covariate X **pooled over all variants** (the paper's convention; tea-tasting's ``Mean(value,
  covariate)`` estimates theta the same way, from both arms together). The expected difference between arms is
  unchanged and the variance falls by ``corr(X, Y)^2``. Applied to per-user mean metrics (revenue per visitor,
  custom columns), not to the two-proportion conversion test. Written by hand: two lines, but the convention
  (pooled theta, a missing covariate = no adjustment, which tea-tasting has no rule for) must be stated; the tests
  check the adjusted difference, interval and p-value against tea-tasting's CUPED.
- **Capping** (winsorising) per-user revenue at a percentile of the **buyers'** revenue, pooled over variants, so
  one whale order cannot decide a test and every arm is capped at the same amount.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.analyses.experiments._arms import require_numeric
from workbench.errors import DataError

__all__ = ["CupedResult", "cuped_adjust", "cap_values"]


@dataclass
class CupedResult:
    """CUPED adjustment of one metric: ``theta``, ``correlation`` and ``variance_reduction`` (= corr^2, pooled)."""

    metric: str
    covariate: str
    theta: float
    correlation: float
    variance_reduction: float
    covariate_mean: float
    users_without_covariate: int


def cuped_adjust(
    assignments: pd.DataFrame, *, metric: str = "revenue", covariate: str = "pre_revenue",
) -> tuple[pd.Series, CupedResult]:
    """CUPED-adjusted metric ``Y - theta (X - mean X)``, ``theta = cov(X, Y) / var(X)``, pooled over variants.

    X is a pre-period value of the same user (e.g. revenue in the weeks before the test), unaffected by the
    treatment, so the adjustment leaves the expected difference unchanged and removes ``corr(X, Y)^2`` of the
    variance. Users without the covariate (new users) get X = mean X, i.e. no adjustment.

    Returns
    -------
    (adjusted values aligned with ``assignments``, CupedResult)
    """
    if covariate not in assignments.columns:
        raise DataError(f"covariate column {covariate!r} not found; columns present: {list(assignments.columns)[:20]}",
                        source="assignments", column=covariate,
                        fix="Give a pre-period column (e.g. pre_revenue) or covariate=None to skip CUPED")
    require_numeric(assignments, covariate, allow_missing=True)
    require_numeric(assignments, metric)
    x = assignments[covariate].astype("float64")
    y = assignments[metric].astype("float64")
    missing = int(x.isna().sum())
    xm = float(x.mean())
    x = x.fillna(xm)
    vx = float(x.var(ddof=1))
    if not vx > 0:
        raise DataError("the covariate has no variation, CUPED cannot use it", source="assignments",
                        column=covariate, rows=len(x), example=f"every value {xm:g}",
                        fix="Use a pre-period metric that differs between users, or covariate=None")
    theta = float(np.cov(x, y, ddof=1)[0, 1] / vx)
    adj = y - theta * (x - xm)
    vy = float(y.var(ddof=1))
    corr = float(np.corrcoef(x, y)[0, 1]) if vy > 0 else 0.0
    red = 1 - float(adj.var(ddof=1)) / vy if vy > 0 else 0.0
    return adj, CupedResult(metric, covariate, theta, corr, red, xm, missing)


def cap_values(
    values: pd.Series, *, percentile: float, reference: pd.Series | None = None,
) -> tuple[pd.Series, float, int]:
    """Cap (winsorise) values above a percentile of the positive values (the buyers).

    ``percentile`` is in percent (99 = the 99th percentile). The cap is computed on ``reference`` (default:
    ``values``), pooled over variants, so every arm is capped at the same amount. Returns the capped values,
    the cap, and how many values were lowered.
    """
    if not 0 < percentile <= 100:
        raise DataError(f"cap percentile must be in (0, 100], not {percentile!r}", source="cap_percentile",
                        fix="Use e.g. 99 for the 99th percentile of buyers' revenue, or None for no cap")
    ref = values if reference is None else reference
    pos = ref[ref > 0]
    if pos.empty:
        return values.copy(), float("nan"), 0
    cap = float(np.percentile(pos.to_numpy(dtype=float), percentile))
    return values.clip(upper=cap), cap, int((values > cap).sum())
