"""The conditional (McFadden) logit of brand choice: estimation, standard errors and fit statistics.

Input is a brand-choice panel as a long choice table (:func:`workbench.load_choice_panel`: one row per
purchase occasion x alternative with ``chosen``, ``price``, ``feature``, ``display``).

The model
---------
On occasion *n* the shopper buys alternative *j* with probability

    P_nj = exp(V_nj) / sum_k exp(V_nk),   V_nj = b * price_nj + g_f * feature_nj + g_d * display_nj + a_j

with one brand constant ``a_j`` per alternative except a reference brand (the most bought one, unless
given). It is estimated by maximum likelihood with statsmodels' ``ConditionalLogit`` on the long table
grouped by occasion: with exactly one alternative chosen per occasion its conditional likelihood is
McFadden's. (The brand constants enter as alternative dummies; a constant common to all alternatives drops
out, which is why there is no intercept.) The test suite checks the estimates against an independent
implementation of the likelihood (scipy) and against the published yogurt estimates of the R package logitr.

What the fitted model predicts under price changes (elasticities, what-if shares) is in
:mod:`workbench.analyses.competitors.scenarios`.

Written by hand (numpy) only for what no library offers for a fitted conditional logit: the probabilities
behind the fit statistics and the household-clustered standard errors (the usual sandwich built from the
per-occasion scores, which equal statsmodels' ``score_grp``). The estimation and its standard errors are
statsmodels', with the score summed over all occasions at once rather than in statsmodels' loop per occasion
(ten times faster; same estimates, see :func:`_conditional_logit`).
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from workbench.analyses.competitors._choice_table import (BRAND_PREFIX, PRICE, alternatives, long_table,
                                                          promotion_flags)
from workbench.data.choice import resolve_brand
from workbench.errors import DataError, WorkbenchError

__all__ = ["ChoiceLogit"]


class ChoiceLogit:
    """Conditional logit of brand choice on price, promotion and brand constants.

    ``ChoiceLogit(reference="Dannon").fit(panel)`` estimates the model and returns it, fitted.

    Parameters
    ----------
    promotions : "auto" or list of str
        Promotion flags to include; ``"auto"`` takes every flag the panel has that varies.
    reference : str, optional
        Brand whose constant is 0 (the others are measured against it); default the most bought brand.
    alpha : float
        1 - confidence level of the intervals in :attr:`estimates_`.
    maxiter : int
        Newton iterations allowed (statsmodels; convergence on a parameter change below 1e-8).

    Attributes
    ----------
    params_ : Series
        Estimates by term: ``price``, the promotion flags, ``brand: <alternative>`` for every alternative
        except the reference.
    bse_ : Series
        Standard errors from the inverse Hessian (the usual maximum-likelihood ones, as logitr and mlogit
        report).
    bse_household_ : Series or None
        Standard errors clustered by household (sandwich), which allow for the same household's choices
        being related; ``None`` when the panel has no household ids.
    estimates_ : DataFrame
        One row per term: ``term``, ``estimate``, ``std_error``, ``z``, ``p_value``, ``ci_low``, ``ci_high``
        (Wald interval at ``1 - alpha``), ``std_error_household`` (clustered; missing without household ids)
        and ``price_equivalent``: the term's effect in price units (estimate / -price coefficient), e.g. a
        feature ad worth as much as a price cut of that many units; a brand constant is how much more
        (positive) or less a shopper would pay for the brand than for the reference brand at equal promotion.
    fit_stats_ : dict
        ``occasions``, ``parameters``, ``log_likelihood``, ``ll_equal_shares`` (every alternative equally
        likely), ``ll_constants_only`` (brand shares only, no price or promotion), ``rho2`` (McFadden's
        1 - LL / LL_equal_shares, as logitr reports), ``rho2_adjusted`` (1 - (LL - K) / LL_equal_shares),
        ``rho2_vs_shares`` (1 - LL / LL_constants_only: what price and promotion add beyond brand shares),
        ``aic``, ``bic`` (n = occasions), ``hit_rate`` (share of occasions whose most likely alternative
        was bought), ``hit_rate_naive`` (always predicting the most bought brand).
    alternatives_ : list of str
        The alternatives, in the panel's order.
    reference_ : str
        The brand whose constant is fixed at 0.
    promotions_ : list of str
        The promotion flags in the model.
    name_, price_unit_, codes_ : str, str or None, dict
        The panel's name, its price unit (None when not documented) and its brand codes.
    table_ : DataFrame
        The long table the model was fitted on (each occasion's rows together), for prediction.
    results_ : statsmodels results
    """

    def __init__(self, *, promotions: str | list[str] = "auto", reference: str | None = None,
                 alpha: float = 0.05, maxiter: int = 100) -> None:
        self.promotions = promotions
        self.reference = reference
        self.alpha = alpha
        self.maxiter = maxiter

    # ------------------------------------------------------------------------------------------------------
    def fit(self, panel: Any) -> ChoiceLogit:
        """Estimate the model on a brand-choice panel and return it.

        Parameters
        ----------
        panel : ChoicePanel or DataFrame
            From :func:`workbench.load_choice_panel` (or its long table).

        Returns
        -------
        ChoiceLogit
            ``self``, fitted.

        Raises
        ------
        DataError
            An occasion without exactly one chosen alternative; prices that do not vary (no price effect can
            be estimated); a brand that is never bought; an unknown reference brand or promotion; a fit that
            does not converge (choices predicted perfectly, so an estimate runs off to infinity).
        """
        from statsmodels.tools.sm_exceptions import ConvergenceWarning

        t0 = long_table(panel)
        alts = alternatives(panel, t0)
        name = getattr(panel, "name", "panel")
        t, starts = sorted_table(t0)
        chosen = t["chosen"].to_numpy(dtype="float64")
        per = np.add.reduceat(chosen, starts)
        if np.any(per != 1):
            i = int(np.flatnonzero(per != 1)[0])
            raise DataError("occasions must have exactly one chosen alternative", source="panel", column="chosen",
                            rows=int(np.sum(per != 1)), example=f"occasion {t['occasion_id'].iloc[starts[i]]!r}: "
                                                              f"{int(per[i])} chosen",
                            fix="Load the panel with wb.load_choice_panel(), which checks this")
        codes = dict(getattr(panel, "codes", {}) or {})
        if self.promotions == "auto":
            promos = [p for p in promotion_flags(t) if t[p].astype("float64").nunique() > 1]
        else:
            promos = list(self.promotions)
            bad = [p for p in promos if p not in t.columns or t[p].isna().all()]
            if bad:
                raise DataError(f"promotion {bad[0]!r} is not in the panel", source="promotions", example=bad[0],
                                fix=f"Use 'auto' or some of {promotion_flags(t)}")
        if np.nanstd(t[PRICE].to_numpy(dtype="float64")) == 0:
            raise DataError("prices do not vary, so no price effect can be estimated", source="panel",
                            column="price", rows=len(t),
                            fix="Use a panel with price differences between brands or occasions")
        won = t.loc[t["chosen"] == 1, "alternative"].astype(str).value_counts()
        never = [a for a in alts if a not in won.index]
        if never:
            offered = int((t["alternative"].astype(str) == never[0]).sum())
            raise DataError(f"{never[0]!r} is never bought, so its brand constant cannot be estimated",
                            source="panel", column="alternative", rows=offered, example=never[0],
                            fix="Leave brands that are never bought out of the panel (or merge them into another "
                                "alternative)")
        ref = won.index[0] if self.reference is None else resolve_brand(self.reference, alts, codes, source=name)
        X = design_matrix(t, alts, ref, promos)
        groups = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(t)]))
        sm_model = _conditional_logit()(chosen, X, groups=groups, starts=starts)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            res = sm_model.fit(method="newton", maxiter=self.maxiter, disp=False)
        params_now = np.asarray(res.params)
        if any(issubclass(w.category, ConvergenceWarning) for w in caught) or not np.all(np.isfinite(params_now)):
            raise DataError("the choice model did not converge: some choices are predicted perfectly by price or "
                            "promotion (or a brand is almost never bought), so an estimate runs off to infinity",
                            source="panel", rows=len(starts),
                            example=", ".join(f"{k} {v:.3g}" for k, v in zip(X.columns, params_now)),
                            fix="Check that every brand is bought at several different prices; drop brands bought "
                                "only a handful of times, or pass maxiter= for a slow but regular fit")
        params = pd.Series(params_now, index=X.columns)
        bse = pd.Series(np.asarray(res.bse), index=X.columns)

        self.params_, self.bse_ = params, bse
        self.bse_household_ = _household_se(t, X, chosen, params, starts, np.asarray(res.cov_params()))
        self.fit_stats_ = _fit_stats(X, chosen, params, starts, won, float(res.llf))
        self.alternatives_, self.reference_, self.promotions_ = alts, ref, promos
        self.name_, self.price_unit_, self.codes_ = name, getattr(panel, "price_unit", None), codes
        self.table_, self.results_ = t, res
        self._starts = starts
        self.estimates_ = self._estimates()
        return self

    # ------------------------------------------------------------------------------------------------------
    @property
    def fitted(self) -> bool:
        return hasattr(self, "params_")

    def _check_fitted(self) -> None:
        if not self.fitted:
            raise WorkbenchError("this ChoiceLogit is not fitted yet: call .fit(panel) first")

    @property
    def price_coef_(self) -> float:
        """The price coefficient b (utility per price unit; negative when buyers prefer lower prices)."""
        self._check_fitted()
        return float(self.params_[PRICE])

    def brand(self, name: str) -> str:
        """The alternative called ``name`` (display name or source code, any case); DataError if unknown."""
        self._check_fitted()
        return resolve_brand(name, self.alternatives_, self.codes_, source=self.name_)

    def _estimates(self) -> pd.DataFrame:
        z = self.params_ / self.bse_
        q = stats.norm.ppf(1 - self.alpha / 2)
        out = pd.DataFrame({"term": self.params_.index, "estimate": self.params_.to_numpy(),
                            "std_error": self.bse_.to_numpy(), "z": z.to_numpy(),
                            "p_value": 2 * stats.norm.sf(np.abs(z.to_numpy())),
                            "ci_low": (self.params_ - q * self.bse_).to_numpy(),
                            "ci_high": (self.params_ + q * self.bse_).to_numpy()})
        out["std_error_household"] = (self.bse_household_.to_numpy() if self.bse_household_ is not None
                                      else np.nan)
        eq = self.params_ / -self.price_coef_
        eq[PRICE] = np.nan
        out["price_equivalent"] = eq.to_numpy()
        return out

    def __repr__(self) -> str:
        if not self.fitted:
            return (f"ChoiceLogit(promotions={self.promotions!r}, reference={self.reference!r}, "
                    f"alpha={self.alpha}, maxiter={self.maxiter}) (not fitted)")
        s = self.fit_stats_
        return (f"<ChoiceLogit {self.name_}: fitted on {int(s['occasions']):,} occasions, "
                f"{len(self.alternatives_)} alternatives, reference {self.reference_}, "
                f"price {self.price_coef_:.4f}, rho2 {s['rho2']:.3f}, hit rate {s['hit_rate']:.1%}>")


# ----------------------------------------------------------------------------------------------------------
# the arithmetic, shared with the scenarios module
# ----------------------------------------------------------------------------------------------------------

def sorted_table(t: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The table with each occasion's rows contiguous (first-appearance order), and the block starts."""
    codes = pd.factorize(t["occasion_id"])[0]
    order = np.argsort(codes, kind="stable")
    t = t.iloc[order].reset_index(drop=True)
    codes = codes[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    return t, starts


def design_matrix(t: pd.DataFrame, alternatives: list[str], reference: str, promotions: list[str],
                  price: np.ndarray | None = None) -> pd.DataFrame:
    """Price, promotion flags and one dummy per brand but the reference, one row per occasion x alternative."""
    X = pd.DataFrame({PRICE: t[PRICE].to_numpy(dtype="float64") if price is None else price})
    for promo in promotions:
        X[promo] = t[promo].to_numpy(dtype="float64", na_value=0.0)
    alt = t["alternative"].astype(str).to_numpy()
    for a in alternatives:
        if a != reference:
            X[BRAND_PREFIX + a] = (alt == a).astype("float64")
    return X


def probabilities(X: np.ndarray, beta: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Within-occasion softmax of X @ beta for rows grouped in contiguous blocks starting at ``starts``."""
    v = X @ beta
    block = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(v)]))
    vmax = np.maximum.reduceat(v, starts)
    e = np.exp(v - vmax[block])
    return e / np.add.reduceat(e, starts)[block]


def occasion_scores(X: np.ndarray, chosen: np.ndarray, beta: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per-occasion score of the conditional log-likelihood: x_chosen - sum_j P_nj x_nj (one row per occasion).

    The same numbers as statsmodels' ``ConditionalLogit.score_grp`` for one chosen alternative per occasion
    (checked in the tests), computed for all occasions at once instead of in a Python loop.
    """
    P = probabilities(X, beta, starts)
    return np.add.reduceat((chosen - P)[:, None] * X, starts, axis=0)


def _conditional_logit() -> type:
    """statsmodels' ``ConditionalLogit`` with its score summed over all occasions at once.

    With exactly one chosen alternative per occasion (checked before fitting) the score is
    :func:`occasion_scores` summed; statsmodels computes it in a Python loop per occasion, and its Newton fit
    evaluates the score about sixty times (the Hessian is its numerical derivative): 3 s of the 3.3 s a fit on a
    2,400-occasion panel took. Estimation, Hessian and results stay statsmodels'.
    """
    from statsmodels.discrete.conditional_models import ConditionalLogit

    class OneChosenConditionalLogit(ConditionalLogit):
        def __init__(self, endog, exog, *, starts: np.ndarray, **kwargs: Any) -> None:
            super().__init__(endog, exog, **kwargs)
            self._starts = starts

        def score(self, params):  # noqa: ANN001, ANN201
            return occasion_scores(self.exog, self.endog, np.asarray(params, dtype=float), self._starts).sum(axis=0)

    return OneChosenConditionalLogit


def _household_se(t: pd.DataFrame, X: pd.DataFrame, chosen: np.ndarray, params: pd.Series, starts: np.ndarray,
                  cov: np.ndarray) -> pd.Series | None:
    """Household-clustered sandwich: H^-1 (sum_h s_h s_h') H^-1 G/(G-1), s_h = the household's occasion scores."""
    if "household_id" not in t.columns or not t["household_id"].notna().all():
        return None
    scores = occasion_scores(X.to_numpy(), chosen, params.to_numpy(), starts)
    hh = pd.factorize(t["household_id"].to_numpy()[starts])[0]
    s_h = np.zeros((hh.max() + 1, scores.shape[1]))
    np.add.at(s_h, hh, scores)
    G = s_h.shape[0]
    meat = s_h.T @ s_h * G / (G - 1)
    return pd.Series(np.sqrt(np.diag(cov @ meat @ cov)), index=X.columns)


def _fit_stats(X: pd.DataFrame, chosen: np.ndarray, params: pd.Series, starts: np.ndarray, won: pd.Series,
               ll: float) -> dict[str, float]:
    P = probabilities(X.to_numpy(), params.to_numpy(), starts)
    n = len(starts)
    sizes = np.diff(np.r_[starts, len(X)])
    ll0 = float(-np.sum(np.log(sizes)))
    shares = won / n
    ll_c = float(np.sum(won * np.log(shares)))
    k = X.shape[1]
    block = np.repeat(np.arange(n), sizes)
    best = np.maximum.reduceat(P, starts)
    hit = float(np.mean(np.add.reduceat(((P == best[block]) & (chosen == 1)).astype(float), starts) > 0))
    return {"occasions": n, "parameters": k, "log_likelihood": ll, "ll_equal_shares": ll0,
            "ll_constants_only": ll_c, "rho2": 1 - ll / ll0, "rho2_adjusted": 1 - (ll - k) / ll0,
            "rho2_vs_shares": 1 - ll / ll_c, "aic": 2 * k - 2 * ll, "bic": k * np.log(n) - 2 * ll,
            "hit_rate": hit, "hit_rate_naive": float(shares.iloc[0])}
