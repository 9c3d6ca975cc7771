"""Maximum-likelihood fitting shared by the BG/NBD and Gamma-Gamma models.

The optimiser works on log-parameters (every parameter of both models is positive), starting from a few
points and keeping the best optimum; the standard errors come from the inverse of the numerical Hessian of
the negative log-likelihood at the optimum, on the natural scale (statsmodels ``approx_hess3``).
"""
from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize
from statsmodels.tools.numdiff import approx_hess3


@dataclass(frozen=True)
class MLEFit:
    params: dict[str, float]
    se: dict[str, float]
    cov: np.ndarray
    log_likelihood: float
    converged: bool
    message: str


def fit_mle(log_likelihood: Callable[[np.ndarray], float], names: Sequence[str],
            starts: Sequence[Sequence[float]]) -> MLEFit:
    """Maximise ``log_likelihood(params)`` over positive ``params``.

    ``starts`` are starting points on the natural scale. Each start runs L-BFGS-B on the log-parameters
    (numerical gradients, tight tolerances); the best optimum wins, and Nelder-Mead polishes it when
    L-BFGS-B did not report convergence.
    """
    def objective(theta: np.ndarray) -> float:
        with np.errstate(all="ignore"):
            value = -log_likelihood(np.exp(theta))
        return float(value) if np.isfinite(value) else 1e300

    best = None
    for start in starts:
        result = optimize.minimize(objective, np.log(np.asarray(start, dtype=float)), method="L-BFGS-B",
                                   options={"maxiter": 2000, "ftol": 1e-15, "gtol": 1e-10})
        if best is None or result.fun < best.fun:
            best = result
    if not best.success:
        # L-BFGS-B stopped without meeting its tolerances (flat directions, line-search trouble): polish
        polished = optimize.minimize(objective, best.x, method="Nelder-Mead",
                                     options={"maxiter": 4000, "xatol": 1e-8,
                                              "fatol": 1e-12 * max(1.0, abs(best.fun)), "adaptive": True})
        if polished.fun <= best.fun:
            best = polished
    params = np.exp(best.x)
    with np.errstate(all="ignore"):
        hess = approx_hess3(params, lambda p: -log_likelihood(p))
    cov = np.full((len(names), len(names)), np.nan)
    se = np.full(len(names), np.nan)
    if np.all(np.isfinite(hess)):
        try:
            inv = np.linalg.inv(hess)
            if np.all(np.diag(inv) > 0):
                cov, se = inv, np.sqrt(np.diag(inv))
        except np.linalg.LinAlgError:
            pass
    if np.isnan(se).any():
        warnings.warn("the Hessian of the log-likelihood is not positive definite at the optimum: standard "
                      "errors are not available (the data may not identify every parameter)", RuntimeWarning,
                      stacklevel=3)
    return MLEFit(params=dict(zip(names, params.tolist())), se=dict(zip(names, se.tolist())), cov=cov,
                  log_likelihood=float(-best.fun), converged=bool(best.success), message=str(best.message))


def parameter_frame(params: dict[str, float], se: dict[str, float] | None) -> pd.DataFrame:
    """Parameters with their standard errors, one row per parameter: ``parameter``, ``estimate``, ``std_error``."""
    se = se or {}
    names = list(params)
    return pd.DataFrame({"parameter": names, "estimate": [params[k] for k in names],
                         "std_error": [se.get(k, np.nan) for k in names]})
