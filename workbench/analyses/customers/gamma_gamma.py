"""The Gamma-Gamma model of spend per transaction (Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary
Value", note 025; after Colombo & Jiang 1999), fitted by maximum likelihood.

Story of the model: each transaction value of a customer is Gamma(p, nu) around the customer's own mean p/nu;
across customers nu ~ Gamma(q, gamma). The customer's observed mean repeat-transaction value ``m_x`` over
``x`` repeat transactions is then shrunk towards the population mean: customers with many transactions keep
close to their own mean, customers with one or none get close to the store's.

Conventions (those of the note): the model is fitted on customers with at least one repeat transaction
(x > 0), on the **mean value of their repeat transactions**, the first purchase excluded; transactions are
days (several orders on one day are one transaction whose value is their sum); it assumes spend per
transaction is independent of how often a customer buys (check ``frequency_spend_correlation_``).

Formulas: per-customer log-likelihood
``lnG(px+q) - lnG(px) - lnG(q) + q ln(gamma) + (px-1) ln(m_x) + px ln(x) - (px+q) ln(gamma + x m_x)``;
expected mean transaction value given the history ``E[M | x, m_x] = p (gamma + x m_x) / (px + q - 1)``
(for x = 0 the population mean ``p gamma / (q - 1)``), finite only when q > 1.

Written here rather than taken from a library for the same reason as the BG/NBD model (see
``workbench.analyses.customers.bgnbd``): a few closed-form lines, tested against the published estimates and
Hardie's spreadsheet values.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import special

from workbench.analyses.customers._mle import fit_mle, parameter_frame
from workbench.errors import DataError, NotEnoughData

__all__ = ["GammaGammaModel"]

PARAMS = ("p", "q", "gamma")


def _arrays(summary, frequency, monetary, *, source: str):
    if summary is not None:
        missing = [c for c in (frequency, monetary) if c not in summary.columns]
        if missing:
            raise DataError(f"columns {missing} not found", source=source, column=missing[0],
                            fix=f"pass the summary from clv_summary() or name the columns with frequency=, "
                                f"monetary=; columns present: {list(summary.columns)}")
        x = summary[frequency].to_numpy(dtype=float)
        m = summary[monetary].to_numpy(dtype=float)
    else:
        x, m = np.broadcast_arrays(np.atleast_1d(np.asarray(frequency, dtype=float)),
                                   np.atleast_1d(np.asarray(monetary, dtype=float)))
    return x, m


class GammaGammaModel:
    """Gamma-Gamma model of the mean spend per transaction, fitted by maximum likelihood.

    Attributes (after ``fit``)
    --------------------------
    params_ : dict
        ``p``, ``q``, ``gamma``.
    se_ : dict
        Standard errors from the inverse Hessian of the log-likelihood.
    log_likelihood_ : float
    n_customers_ : int
        Repeat customers the model was fitted on.
    n_excluded_ : int
        Repeat customers left out because their mean repeat value is not positive.
    frequency_spend_correlation_ : float
        Pearson correlation of x and m_x among the fitted customers (the model assumes about 0).
    """

    def __init__(self) -> None:
        self.params_: dict[str, float] | None = None
        self.se_: dict[str, float] | None = None
        self.cov_: np.ndarray | None = None
        self.log_likelihood_: float | None = None
        self.n_customers_: int | None = None
        self.n_excluded_: int = 0
        self.frequency_spend_correlation_: float | None = None

    def fit(self, summary: pd.DataFrame | None = None, *, frequency: str | Sequence = "frequency",
            monetary: str | Sequence = "monetary") -> GammaGammaModel:
        """Fit on the customers with x > 0 and a positive mean repeat value; returns ``self``.

        Customers with x = 0 are skipped (they carry no repeat spend). Repeat customers whose mean repeat
        value is 0 or negative (free orders, net returns) cannot be described by a gamma distribution: they
        are left out and counted in ``n_excluded_``.

        Raises
        ------
        DataError
            A repeat customer without a mean repeat value.
        NotEnoughData
            Fewer than 2 repeat customers with a positive mean repeat value.
        """
        x, m = _arrays(summary, frequency, monetary, source="GammaGammaModel.fit")
        repeat = x > 0
        missing = repeat & ~np.isfinite(m)
        if missing.any():
            i = int(np.argmax(missing))
            raise DataError("repeat customers without a mean repeat-transaction value", source="GammaGammaModel.fit",
                            column="monetary", rows=int(missing.sum()), example=f"row {i}: frequency={x[i]:g}",
                            fix="build the summary with clv_summary(), which computes it")
        usable = repeat & (m > 0)
        self.n_excluded_ = int((repeat & ~usable).sum())
        x, m = x[usable], m[usable]
        if len(x) < 2:
            raise NotEnoughData(
                f"Too few repeat customers with a positive mean repeat value ({len(x)}) to learn what a customer "
                f"spends per purchase (the Gamma-Gamma model needs at least 2)",
                fix="Use a longer history (or calibration period) or more customers")
        mean, var = m.mean(), m.var()
        starts = [(1.0, 1.0, 1.0), (6.0, 4.0, max(mean, 1.0) * 0.5)]
        if var > 0:
            starts.append((max(mean ** 2 / var, 0.1), 3.0, mean))
        rows, counts = np.unique(np.column_stack([x, m]), axis=0, return_counts=True)
        ux, um = rows.T
        fit = fit_mle(lambda params: counts @ self._log_likelihood(params, ux, um), PARAMS, starts)
        self.params_, self.se_, self.cov_ = fit.params, fit.se, fit.cov
        self.log_likelihood_, self.n_customers_ = fit.log_likelihood, int(len(x))
        self.frequency_spend_correlation_ = float(np.corrcoef(x, m)[0, 1]) if len(x) > 2 else float("nan")
        return self

    @staticmethod
    def _log_likelihood(params, x, m) -> np.ndarray:
        p, q, gamma = params
        px = p * x
        return (special.gammaln(px + q) - special.gammaln(px) - special.gammaln(q) + q * np.log(gamma)
                + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * np.log(gamma + x * m))

    def log_likelihood(self, summary: pd.DataFrame | None = None, *, frequency="frequency", monetary="monetary",
                       params=None) -> np.ndarray:
        """Log-likelihood of each repeat customer's mean repeat value at ``params`` (default: fitted)."""
        x, m = _arrays(summary, frequency, monetary, source="GammaGammaModel.log_likelihood")
        return self._log_likelihood(self._params(params), x, m)

    @property
    def population_mean_(self) -> float:
        """Mean spend per transaction across customers, ``p gamma / (q - 1)`` (infinite when q <= 1)."""
        p, q, gamma = self._params()
        return p * gamma / (q - 1) if q > 1 else float("inf")

    def conditional_expected_value(self, summary: pd.DataFrame | None = None, *, frequency="frequency",
                                   monetary="monetary") -> np.ndarray:
        """Expected spend per future transaction of each customer given x and the mean repeat value m_x.

        Customers with x = 0 (or a missing mean) get the population mean.

        Raises
        ------
        DataError
            When the fitted q <= 1: the model then has no finite mean spend.
        """
        x, m = _arrays(summary, frequency, monetary, source="GammaGammaModel.conditional_expected_value")
        p, q, gamma = self._params()
        if q <= 1:
            raise DataError(f"the fitted Gamma-Gamma model has q = {q:.3f} <= 1, so its mean spend is infinite",
                            source="GammaGammaModel", column="monetary",
                            fix="check the spend data for extreme values (e.g. wholesale orders) and remove them")
        m = np.where((x > 0) & np.isfinite(m), m, 0.0)
        return p * (gamma + x * m) / (p * x + q - 1)

    def _params(self, params=None) -> tuple[float, float, float]:
        if params is None:
            if self.params_ is None:
                raise RuntimeError("GammaGammaModel is not fitted: call fit() first or set params_")
            params = self.params_
        if isinstance(params, dict):
            return tuple(float(params[k]) for k in PARAMS)  # type: ignore[return-value]
        return tuple(float(v) for v in params)  # type: ignore[return-value]

    @classmethod
    def from_params(cls, p: float, q: float, gamma: float) -> GammaGammaModel:
        """A model with given parameters (e.g. published ones), without fitting."""
        model = cls()
        model.params_ = {"p": float(p), "q": float(q), "gamma": float(gamma)}
        return model

    @property
    def summary_(self) -> pd.DataFrame:
        """The parameters with their standard errors: ``parameter``, ``estimate``, ``std_error`` (NaN without a fit)."""
        if self.params_ is None:
            raise RuntimeError("GammaGammaModel is not fitted: call fit() first or set params_")
        return parameter_frame(self.params_, self.se_)

    def __repr__(self) -> str:
        if self.params_ is None:
            return "<GammaGammaModel: not fitted>"
        params = ", ".join(f"{k}: {v:.3f}" for k, v in self.params_.items())
        fitted = f"fitted with {self.n_customers_:,} repeat customers, " if self.n_customers_ else ""
        return f"<GammaGammaModel: {fitted}{params}>"
