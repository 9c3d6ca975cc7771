"""Who wins the buyer's choice: choice shares, a conditional logit, price elasticities and a what-if simulator.

Input is a brand-choice panel as a long choice table (:func:`workbench.load_choice_panel`: one row per
purchase occasion x alternative with ``chosen``, ``price``, ``feature``, ``display``).

The model
---------
McFadden's conditional logit: on occasion *n* the shopper buys alternative *j* with probability

    P_nj = exp(V_nj) / sum_k exp(V_nk),   V_nj = b * price_nj + g_f * feature_nj + g_d * display_nj + a_j

with one brand constant ``a_j`` per alternative except a reference brand (the most bought one, unless
given). It is estimated by maximum likelihood with statsmodels' ``ConditionalLogit`` on the long table
grouped by occasion: with exactly one alternative chosen per occasion its conditional likelihood is
McFadden's. (The brand constants enter as alternative dummies; a constant common to all alternatives drops
out, which is why there is no intercept.) The test suite checks the estimates against an independent
implementation of the likelihood (scipy) and against the published yogurt estimates of the R package logitr.

Elasticities (Train, *Discrete Choice Methods with Simulation*, 2nd ed., section 3.6)
-------------------------------------------------------------------------------------
For one occasion: own-price elasticity ``b p_nj (1 - P_nj)``, cross-price elasticity of j with respect to
k's price ``-b p_nk P_nk``. The market (aggregate) elasticity of the predicted share ``S_j = mean_n P_nj``
is the probability-weighted mean of the occasion elasticities (Train, section 2.6 on aggregation):
``E_jk = sum_n P_nj e_njk / sum_n P_nj``. That is what :func:`elasticity_matrix` reports by default
(``method="aggregate"``), because it is exactly the elasticity of the shares the what-if simulator
predicts (the tests check it against finite differences of the simulator). ``method="average"`` gives the
plain mean of occasion elasticities and ``method="at_means"`` the elasticities of one occasion with every
alternative at its mean price and mean promotion.

The simulator predicts market shares by *sample enumeration*: the mean over the observed occasions of the
model probabilities after changing prices, so each occasion keeps its own prices and promotions.

Written by hand (numpy) only for the parts no library offers for a fitted conditional logit: the
probabilities, elasticities and share simulation. The estimation and its standard errors are statsmodels';
the household-clustered standard errors are the usual sandwich built from statsmodels' per-occasion scores.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from workbench.errors import DataError

__all__ = ["choice_shares", "promotion_shares", "ChoiceLogit", "fit_choice_logit", "choice_probabilities",
           "elasticity_matrix", "own_price_elasticities", "what_if", "price_cut_scenarios", "iia_note",
           "most_price_sensitive", "pick_brand", "record_elasticities", "change_phrase", "column_label"]

PRICE = "price"
PROMOTION_TERMS = ("feature", "display")
BRAND_PREFIX = "brand: "


# ----------------------------------------------------------------------------------------------------------
# inputs
# ----------------------------------------------------------------------------------------------------------

def _long(panel: Any) -> pd.DataFrame:
    """The long choice table of a ChoicePanel (or a long DataFrame given directly), checked."""
    table = getattr(panel, "table", panel)
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"expected a ChoicePanel (wb.load_choice_panel) or its long table, got {type(panel).__name__}")
    need = ["occasion_id", "alternative", "chosen", "price"]
    missing = [c for c in need if c not in table.columns]
    if missing:
        raise DataError(f"columns {missing} not found in the choice table", source="panel", column=missing[0],
                        fix="Load the panel with wb.load_choice_panel(), which builds the long choice table")
    return table


def _alternatives(panel: Any, table: pd.DataFrame) -> list[str]:
    alts = getattr(panel, "alternatives", None)
    return list(alts) if alts else list(pd.unique(table["alternative"].astype(str)))


# ----------------------------------------------------------------------------------------------------------
# descriptive shares
# ----------------------------------------------------------------------------------------------------------

def choice_shares(panel: Any) -> pd.DataFrame:
    """Share of purchase occasions won by each alternative, with its price level and promotion frequency.

    Returns
    -------
    DataFrame indexed by ``alternative`` (source order): ``occasions_won``, ``share`` (fraction of
    occasions), ``mean_price``, ``median_price`` (shelf price across all occasions, bought or not), and
    ``feature_rate`` / ``display_rate`` (fraction of occasions with that promotion running) where the panel
    has the flags.
    """
    t = _long(panel)
    alts = _alternatives(panel, t)
    n = t["occasion_id"].nunique()
    g = t.groupby("alternative", sort=False)
    out = pd.DataFrame({"occasions_won": g["chosen"].sum().astype("int64"),
                        "mean_price": g["price"].mean(), "median_price": g["price"].median()})
    out.insert(1, "share", out["occasions_won"] / n)
    for promo in PROMOTION_TERMS:
        if promo in t.columns and t[promo].notna().any():
            out[f"{promo}_rate"] = g[promo].apply(lambda s: s.astype("float64").mean())
    out.index = out.index.astype(str)
    out.index.name = "alternative"
    return out.reindex(alts)


def promotion_shares(panel: Any) -> pd.DataFrame:
    """How often each alternative wins when it is promoted, against when it is not.

    For every alternative and promotion flag (``feature``, ``display``): the occasions in which the
    alternative was promoted, the fraction of those it won (``share_promoted``), the fraction of the other
    occasions it won (``share_not_promoted``) and the difference in percentage points (``lift``, as a
    fraction). Descriptive only: promotions coincide with price cuts, so the lift mixes both; the choice
    model separates them.

    Returns
    -------
    DataFrame with columns ``alternative``, ``promotion``, ``occasions_promoted``, ``share_promoted``,
    ``share_not_promoted``, ``lift``. Empty when the panel has no promotion flags (tuna).
    """
    t = _long(panel)
    alts = _alternatives(panel, t)
    rows = []
    for promo in PROMOTION_TERMS:
        if promo not in t.columns or t[promo].isna().all():
            continue
        for alt in alts:
            a = t[t["alternative"] == alt]
            on = a[promo].astype("float64") == 1
            rows.append({"alternative": alt, "promotion": promo, "occasions_promoted": int(on.sum()),
                         "share_promoted": a.loc[on, "chosen"].mean() if on.any() else np.nan,
                         "share_not_promoted": a.loc[~on, "chosen"].mean() if (~on).any() else np.nan})
    out = pd.DataFrame(rows, columns=["alternative", "promotion", "occasions_promoted", "share_promoted",
                                      "share_not_promoted"])
    out["lift"] = out["share_promoted"] - out["share_not_promoted"]
    return out


# ----------------------------------------------------------------------------------------------------------
# the model
# ----------------------------------------------------------------------------------------------------------

@dataclass
class ChoiceLogit:
    """A fitted conditional logit of brand choice (see the module docstring for the model).

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
    alternatives, reference : list of str, str
        Alternatives in order; the brand whose constant is fixed at 0.
    promotions : list of str
        Promotion flags in the model.
    fit_stats_ : dict
        ``occasions``, ``parameters``, ``log_likelihood``, ``ll_equal_shares`` (every alternative equally
        likely), ``ll_constants_only`` (brand shares only, no price or promotion), ``rho2`` (McFadden's
        1 - LL / LL_equal_shares, as logitr reports), ``rho2_adjusted`` (1 - (LL - K) / LL_equal_shares),
        ``rho2_vs_shares`` (1 - LL / LL_constants_only: what price and promotion add beyond brand shares),
        ``aic``, ``bic`` (n = occasions), ``hit_rate`` (share of occasions whose most likely alternative
        was bought), ``hit_rate_naive`` (always predicting the most bought brand).
    table_ : DataFrame
        The long table the model was fitted on (sorted by occasion), for prediction.
    results_ : statsmodels results
    """

    params_: pd.Series
    bse_: pd.Series
    bse_household_: pd.Series | None
    alternatives: list[str]
    reference: str
    promotions: list[str]
    fit_stats_: dict[str, float]
    table_: pd.DataFrame
    codes: dict[str, str] = field(default_factory=dict)
    price_unit: str | None = None
    name: str = "panel"
    results_: Any = None
    alpha: float = 0.05

    @property
    def price_coef_(self) -> float:
        return float(self.params_[PRICE])

    def brand(self, name: str) -> str:
        """The alternative called ``name`` (display name or source code, any case); DataError if unknown."""
        return _match_brand(name, self.alternatives, self.codes, self.name)

    def estimates(self) -> pd.DataFrame:
        """The estimates table: one row per term.

        Columns: ``term``, ``estimate``, ``std_error``, ``z``, ``p_value``, ``ci_low``, ``ci_high`` (Wald
        interval at ``1 - alpha``), ``std_error_household`` (clustered; missing without household ids) and
        ``price_equivalent``: the term's effect expressed in price units (estimate / -price coefficient),
        e.g. a feature ad worth as much as a price cut of that many units; a brand constant is how much
        more (positive) or less a shopper would pay for the brand than for the reference brand at equal
        promotion.
        """
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

    def fit_table(self) -> pd.DataFrame:
        """The fit statistics as a two-column table of text (``statistic``, ``value``), formatted for display
        like a model summary (counts with separators, likelihoods with 2 decimals, rates as percentages)."""
        s = self.fit_stats_
        rows = [("Purchase occasions", f"{int(s['occasions']):,}"), ("Parameters", f"{int(s['parameters'])}"),
                ("Log-likelihood", f"{s['log_likelihood']:,.2f}"),
                ("Log-likelihood, all brands equally likely", f"{s['ll_equal_shares']:,.2f}"),
                ("Log-likelihood, brand shares only", f"{s['ll_constants_only']:,.2f}"),
                ("McFadden rho-squared (vs all brands equally likely)", f"{s['rho2']:.3f}"),
                ("Adjusted rho-squared", f"{s['rho2_adjusted']:.3f}"),
                ("rho-squared beyond brand shares (what price and promotion add)", f"{s['rho2_vs_shares']:.3f}"),
                ("AIC", f"{s['aic']:,.1f}"), ("BIC", f"{s['bic']:,.1f}"),
                ("Hit rate (the most likely brand was bought)", f"{s['hit_rate']:.1%}"),
                ("Hit rate of always predicting the most bought brand", f"{s['hit_rate_naive']:.1%}")]
        return pd.DataFrame(rows, columns=["statistic", "value"])

    def __repr__(self) -> str:
        s = self.fit_stats_
        return (f"<ChoiceLogit {self.name}: {int(s['occasions']):,} occasions, {len(self.alternatives)} alternatives, "
                f"price {self.price_coef_:.4f}, rho2 {s['rho2']:.3f}, hit rate {s['hit_rate']:.1%}>")


def _norm(text: Any) -> str:
    return re.sub(r"[\s_\-']+", "", str(text)).lower()


def _match_brand(name: str, alternatives: list[str], codes: dict[str, str], source: str) -> str:
    key = _norm(name)
    for alt in alternatives:
        if _norm(alt) == key or _norm(codes.get(alt, alt)) == key:
            return alt
    raise DataError(f"unknown brand {name!r}", source=source, column="alternative", example=name,
                    fix=f"Use one of the brands in the data: {alternatives}")


def _sorted_table(t: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The table with each occasion's rows contiguous (first-appearance order), and the block starts."""
    codes = pd.factorize(t["occasion_id"])[0]
    order = np.argsort(codes, kind="stable")
    t = t.iloc[order].reset_index(drop=True)
    codes = codes[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    return t, starts


def _design(t: pd.DataFrame, alternatives: list[str], reference: str, promotions: list[str],
            price: np.ndarray | None = None) -> pd.DataFrame:
    X = pd.DataFrame({PRICE: t[PRICE].to_numpy(dtype="float64") if price is None else price})
    for promo in promotions:
        X[promo] = t[promo].to_numpy(dtype="float64", na_value=0.0)
    alt = t["alternative"].astype(str).to_numpy()
    for a in alternatives:
        if a != reference:
            X[BRAND_PREFIX + a] = (alt == a).astype("float64")
    return X


def _probabilities(X: np.ndarray, beta: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Within-occasion softmax of X @ beta for rows grouped in contiguous blocks starting at ``starts``."""
    v = X @ beta
    block = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(v)]))
    vmax = np.maximum.reduceat(v, starts)
    e = np.exp(v - vmax[block])
    return e / np.add.reduceat(e, starts)[block]


def _occasion_scores(X: np.ndarray, chosen: np.ndarray, beta: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per-occasion score of the conditional log-likelihood: x_chosen - sum_j P_nj x_nj (one row per occasion).

    The same numbers as statsmodels' ``ConditionalLogit.score_grp`` for one chosen alternative per occasion
    (checked in the tests), computed for all occasions at once instead of in a Python loop.
    """
    P = _probabilities(X, beta, starts)
    return np.add.reduceat((chosen - P)[:, None] * X, starts, axis=0)


def fit_choice_logit(panel: Any, *, promotions: str | list[str] = "auto", reference: str | None = None,
                     alpha: float = 0.05, maxiter: int = 100) -> ChoiceLogit:
    """Fit the conditional logit of brand choice on price, promotion and brand constants.

    Parameters
    ----------
    panel : ChoicePanel or DataFrame
        From :func:`workbench.load_choice_panel` (or its long table).
    promotions : "auto" or list of str
        Promotion flags to include; ``"auto"`` takes every flag the panel has that varies.
    reference : str, optional
        Brand whose constant is 0 (the others are measured against it); default the most bought brand.
    alpha : float
        1 - confidence level of the intervals in :meth:`ChoiceLogit.estimates`.
    maxiter : int
        Newton iterations allowed (statsmodels; convergence on a parameter change below 1e-8).

    Returns
    -------
    ChoiceLogit

    Raises
    ------
    DataError
        An occasion without exactly one chosen alternative; prices that do not vary (no price effect can be
        estimated); a brand that is never bought; an unknown reference brand or promotion; a fit that does
        not converge (choices predicted perfectly, so an estimate runs off to infinity).
    """
    from statsmodels.discrete.conditional_models import ConditionalLogit
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    t0 = _long(panel)
    alts = _alternatives(panel, t0)
    t, starts = _sorted_table(t0)
    chosen = t["chosen"].to_numpy(dtype="float64")
    per = np.add.reduceat(chosen, starts)
    if np.any(per != 1):
        i = int(np.flatnonzero(per != 1)[0])
        raise DataError("occasions must have exactly one chosen alternative", source="panel", column="chosen",
                        rows=int(np.sum(per != 1)), example=f"occasion {t['occasion_id'].iloc[starts[i]]!r}: "
                                                          f"{int(per[i])} chosen",
                        fix="Load the panel with wb.load_choice_panel(), which checks this")
    codes = dict(getattr(panel, "codes", {}) or {})
    if promotions == "auto":
        promos = [p for p in PROMOTION_TERMS if p in t.columns and t[p].notna().any()
                  and t[p].astype("float64").nunique() > 1]
    else:
        promos = list(promotions)
        bad = [p for p in promos if p not in t.columns or t[p].isna().all()]
        if bad:
            raise DataError(f"promotion {bad[0]!r} is not in the panel", source="promotions", example=bad[0],
                            fix=f"Use 'auto' or some of {[p for p in PROMOTION_TERMS if p in t.columns and t[p].notna().any()]}")
    if np.nanstd(t[PRICE].to_numpy(dtype="float64")) == 0:
        raise DataError("prices do not vary, so no price effect can be estimated", source="panel", column="price",
                        rows=len(t), fix="Use a panel with price differences between brands or occasions")
    won = t.loc[t["chosen"] == 1, "alternative"].astype(str).value_counts()
    never = [a for a in alts if a not in won.index]
    if never:
        offered = int((t["alternative"].astype(str) == never[0]).sum())
        raise DataError(f"{never[0]!r} is never bought, so its brand constant cannot be estimated", source="panel",
                        column="alternative", rows=offered, example=never[0],
                        fix="Leave brands that are never bought out of the panel (or merge them into another "
                            "alternative)")
    if reference is None:
        ref = won.index[0]
    else:
        ref = _match_brand(reference, alts, codes, getattr(panel, "name", "panel"))
    X = _design(t, alts, ref, promos)
    groups = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(t)]))
    model = ConditionalLogit(chosen, X, groups=groups)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        res = model.fit(method="newton", maxiter=maxiter, disp=False)
    params_now = np.asarray(res.params)
    if any(issubclass(w.category, ConvergenceWarning) for w in caught) or not np.all(np.isfinite(params_now)):
        raise DataError("the choice model did not converge: some choices are predicted perfectly by price or "
                        "promotion (or a brand is almost never bought), so an estimate runs off to infinity",
                        source="panel", rows=len(starts),
                        example=", ".join(f"{k} {v:.3g}" for k, v in zip(X.columns, params_now)),
                        fix="Check that every brand is bought at several different prices; drop brands bought "
                            "only a handful of times, or pass maxiter= for a slow but regular fit")
    params = pd.Series(np.asarray(res.params), index=X.columns)
    bse = pd.Series(np.asarray(res.bse), index=X.columns)

    # household-clustered sandwich: H^-1 (sum_h s_h s_h') H^-1, s_h = sum of the household's occasion scores
    bse_hh = None
    if "household_id" in t.columns and t["household_id"].notna().all():
        scores = _occasion_scores(X.to_numpy(), chosen, params.to_numpy(), starts)
        hh = pd.factorize(t["household_id"].to_numpy()[starts])[0]
        s_h = np.zeros((hh.max() + 1, scores.shape[1]))
        np.add.at(s_h, hh, scores)
        G = s_h.shape[0]
        cov = np.asarray(res.cov_params())
        meat = s_h.T @ s_h * G / (G - 1)
        bse_hh = pd.Series(np.sqrt(np.diag(cov @ meat @ cov)), index=X.columns)

    P = _probabilities(X.to_numpy(), params.to_numpy(), starts)
    n = len(starts)
    sizes = np.diff(np.r_[starts, len(t)])
    ll = float(res.llf)
    ll0 = float(-np.sum(np.log(sizes)))
    shares = won / n
    ll_c = float(np.sum(won * np.log(shares)))
    k = X.shape[1]
    block = np.repeat(np.arange(n), sizes)
    best = np.maximum.reduceat(P, starts)
    hit = float(np.mean(np.add.reduceat(((P == best[block]) & (chosen == 1)).astype(float), starts) > 0))
    fit = {"occasions": n, "parameters": k, "log_likelihood": ll, "ll_equal_shares": ll0,
           "ll_constants_only": ll_c, "rho2": 1 - ll / ll0, "rho2_adjusted": 1 - (ll - k) / ll0,
           "rho2_vs_shares": 1 - ll / ll_c, "aic": 2 * k - 2 * ll, "bic": k * np.log(n) - 2 * ll,
           "hit_rate": hit, "hit_rate_naive": float(shares.iloc[0])}
    return ChoiceLogit(params_=params, bse_=bse, bse_household_=bse_hh, alternatives=alts, reference=ref,
                       promotions=promos, fit_stats_=fit, table_=t, codes=codes,
                       price_unit=getattr(panel, "price_unit", None), name=getattr(panel, "name", "panel"),
                       results_=res, alpha=alpha)


# ----------------------------------------------------------------------------------------------------------
# prediction, elasticities, what-if
# ----------------------------------------------------------------------------------------------------------

def _starts(model: ChoiceLogit) -> np.ndarray:
    codes = pd.factorize(model.table_["occasion_id"])[0]
    return np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])


def _at_means_table(model: ChoiceLogit) -> pd.DataFrame:
    t = model.table_
    g = t.groupby("alternative", sort=False)
    rows = pd.DataFrame({"occasion_id": "means", "alternative": model.alternatives,
                         "chosen": 0, PRICE: g[PRICE].mean().reindex(model.alternatives).to_numpy()})
    for promo in model.promotions:
        rows[promo] = g[promo].apply(lambda s: s.astype("float64").mean()).reindex(model.alternatives).to_numpy()
    return rows


def _prices_after(model: ChoiceLogit, t: pd.DataFrame, pct: dict | None, level: dict | None) -> np.ndarray:
    price = t[PRICE].to_numpy(dtype="float64").copy()
    alt = t["alternative"].astype(str).to_numpy()
    for b, change in (pct or {}).items():
        name = model.brand(b)
        if not np.isfinite(change) or change <= -1:
            raise DataError(f"a price change of {change:+.0%} for {name} would make the price 0 or negative",
                            source="pct", example=f"{b}: {change}",
                            fix="Give changes as fractions above -1 (-0.10 = a 10% cut)")
        price[alt == name] *= 1 + change
    for b, value in (level or {}).items():
        name = model.brand(b)
        if not np.isfinite(value) or value <= 0:
            raise DataError(f"the new price for {name} must be above 0", source="level", example=f"{b}: {value}",
                            fix="Give the new shelf price in the panel's price units")
        price[alt == name] = value
    return price


def choice_probabilities(model: ChoiceLogit, *, pct: dict[str, float] | None = None,
                         level: dict[str, float] | None = None, at: str = "observed") -> pd.DataFrame:
    """Model probabilities per occasion and alternative, at observed prices or after a price change.

    Parameters
    ----------
    model : ChoiceLogit
    pct : dict, optional
        Brand -> fractional price change applied on every occasion (``{"Dannon": -0.10}``: 10% cheaper).
    level : dict, optional
        Brand -> new shelf price on every occasion.
    at : {"observed", "means"}
        The observed occasions, or one occasion with every alternative at its mean price and promotion.

    Returns
    -------
    The long table with columns ``price`` (after the change) and ``probability``.
    """
    if at not in ("observed", "means"):
        raise DataError(f"at={at!r} is not understood", source="at", fix="Use 'observed' or 'means'")
    t = model.table_ if at == "observed" else _at_means_table(model)
    starts = _starts(model) if at == "observed" else np.array([0])
    price = _prices_after(model, t, pct, level)
    X = _design(t, model.alternatives, model.reference, model.promotions, price=price)
    X = X[model.params_.index]
    out = t[["occasion_id", "alternative"]].copy()
    out[PRICE] = price
    out["probability"] = _probabilities(X.to_numpy(), model.params_.to_numpy(), starts)
    return out


def _shares(model: ChoiceLogit, **kw) -> pd.Series:
    p = choice_probabilities(model, **kw)
    return p.groupby("alternative", sort=False)["probability"].mean().reindex(model.alternatives)


def elasticity_matrix(model: ChoiceLogit, *, method: str = "aggregate") -> pd.DataFrame:
    """Own- and cross-price elasticities of the brands' choice shares at the observed prices.

    Entry (row j, column k) is the % change in brand j's share when brand k's price rises 1%. The
    diagonal holds own-price elasticities (negative), the rest cross-price elasticities (positive).

    Parameters
    ----------
    method : {"aggregate", "average", "at_means"}
        ``"aggregate"`` (default): the elasticity of the predicted market share, i.e. the occasion
        elasticities weighted by the occasion's probability of choosing j (Train 2.6): what the what-if
        simulator responds with. ``"average"``: the plain mean of the occasion elasticities.
        ``"at_means"``: one occasion at mean prices and promotions; every column off the diagonal is then
        the same number (the logit's IIA property).

    Returns
    -------
    DataFrame indexed by ``share of`` (j) with one column per ``price of`` (k).
    """
    if method not in ("aggregate", "average", "at_means"):
        raise DataError(f"method={method!r} is not understood", source="method",
                        fix="Use 'aggregate', 'average' or 'at_means'")
    b = model.price_coef_
    p = choice_probabilities(model, at="means" if method == "at_means" else "observed")
    J = len(model.alternatives)
    pos = {a: i for i, a in enumerate(model.alternatives)}
    # occasion x alternative matrices (occasions may lack alternatives in a long layout: NaN there)
    occ = pd.factorize(p["occasion_id"])[0]
    n = occ.max() + 1
    P = np.full((n, J), np.nan)
    price = np.full((n, J), np.nan)
    col = p["alternative"].astype(str).map(pos).to_numpy()
    P[occ, col] = p["probability"].to_numpy()
    price[occ, col] = p[PRICE].to_numpy()
    E = np.zeros((J, J))
    for j in range(J):
        for k in range(J):
            e = b * price[:, k] * ((1.0 if j == k else 0.0) - P[:, k])
            ok = ~np.isnan(P[:, j]) & ~np.isnan(e)
            if method == "average":
                E[j, k] = np.mean(e[ok])
            else:
                E[j, k] = np.sum(P[ok, j] * e[ok]) / np.sum(P[ok, j])
    out = pd.DataFrame(E, index=pd.Index(model.alternatives, name="share of"),
                       columns=pd.Index(model.alternatives, name="price of"))
    return out


def own_price_elasticities(model: ChoiceLogit, *, method: str = "aggregate") -> pd.Series:
    """The diagonal of :func:`elasticity_matrix`: each brand's own-price elasticity."""
    E = elasticity_matrix(model, method=method)
    return pd.Series(np.diag(E.to_numpy()), index=E.index, name="own_price_elasticity")


def most_price_sensitive(model: ChoiceLogit, *, method: str = "aggregate") -> str:
    """The brand whose share reacts most to its own price (most negative own-price elasticity)."""
    return str(own_price_elasticities(model, method=method).idxmin())


def change_phrase(change: float) -> str:
    """``-0.10`` -> ``"cuts its price by 10%"``, ``0.05`` -> ``"raises its price by 5%"`` (for report sentences)."""
    pct = f"{abs(change) * 100:.3g}%"
    return f"cuts its price by {pct}" if change < 0 else f"raises its price by {pct}" if change > 0 \
        else "keeps its price"


_LABELS = {
    "alternative": "Brand", "occasions_won": "Occasions won", "share": "Share", "mean_price": "Mean price",
    "median_price": "Median price", "feature_rate": "Feature ad rate", "display_rate": "Display rate",
    "promotion": "Promotion", "occasions_promoted": "Occasions promoted", "share_promoted": "Share when promoted",
    "share_not_promoted": "Share when not promoted", "lift": "Difference",
    "term": "Term", "estimate": "Estimate", "std_error": "Std. error", "z": "z", "p_value": "p-value",
    "ci_low": "95% CI low", "ci_high": "95% CI high", "std_error_household": "Std. error (by household)",
    "price_equivalent": "Price equivalent", "statistic": "Statistic", "value": "Value",
    "observed_share": "Observed share", "share_now": "Share now (model)", "share_after": "Share after",
    "change": "Change", "change_relative": "Relative change", "biggest_loser": "Loses most",
    "biggest_loss": "Its change",
    "method": "Method", "price_index": "Price index", "skus_used": "Products with an index",
    "skus_without_index": "Products without", "weight_share": "Share of revenue covered", "position": "Position",
    "skus": "Products", "seller": "Seller", "stockout_share": "Out-of-stock share", "change_rate": "Price-change rate",
    "days_between_changes": "Days between changes", "median_abs_change": "Median change size",
    "promo_share": "Promo share", "mean_discount": "Mean promo discount", "index_vs_seller": "Our index vs seller",
    "brand": "Brand", "estimate_poisson": "Estimate (Poisson check)", "periods": "Weeks used",
    "zero_periods": "Weeks with 0 units", "kind": "Kind",
}


def column_label(name: Any) -> str:
    """A readable column heading for the competitor tables (``"share_promoted"`` -> ``"Share when promoted"``);
    for ``Styler.format_index(column_label, axis="columns")``."""
    return _LABELS.get(str(name), str(name).replace("_", " ").capitalize())


def pick_brand(model: ChoiceLogit, name: str | None = None) -> str:
    """The brand called ``name`` (display name or code), or the most price-sensitive brand when ``name`` is None."""
    return model.brand(name) if name else most_price_sensitive(model)


def record_elasticities(model: ChoiceLogit, *, method: str = "aggregate") -> pd.Series:
    """Record each brand's own-price elasticity as a headline metric (``own_price_elasticity_<brand>``).

    Returns the elasticities (a Series by brand) so a report cell can record and show them in one call.
    """
    from workbench.provenance import record

    own = own_price_elasticities(model, method=method)
    for brand, value in own.items():
        slug = re.sub(r"[^0-9a-z]+", "_", str(brand).lower()).strip("_")
        record(f"own_price_elasticity_{slug}", float(value), label=f"Own-price elasticity: {brand}",
               kind="number")
    return own


def what_if(model: ChoiceLogit, *, pct: dict[str, float] | None = None, level: dict[str, float] | None = None,
            at: str = "observed") -> pd.DataFrame:
    """Predicted choice shares when one or more brands change price.

    Parameters
    ----------
    model : ChoiceLogit
    pct : dict, optional
        Brand -> fractional price change (``{"Dannon": -0.10}`` = 10% cheaper on every occasion). Brands may
        be named by display name or source code, in any case.
    level : dict, optional
        Brand -> new shelf price on every occasion (panel price units).
    at : {"observed", "means"}
        Sample enumeration over the observed occasions (default) or one occasion at mean prices.

    Returns
    -------
    DataFrame indexed by ``alternative``: ``observed_share`` (fraction of occasions won), ``share_now``
    (model prediction at current prices), ``share_after``, ``change`` (after - now, fraction: shown as
    percentage points) and ``change_relative`` (after / now - 1).

    Raises
    ------
    DataError
        A brand not in the model (the message lists the brands); a change that makes a price 0 or negative.
    """
    if not pct and not level:
        raise DataError("no price change given", source="what_if",
                        fix="Pass pct={'brand': -0.10} (10% cut) or level={'brand': new_price}")
    now = _shares(model, at=at)
    after = _shares(model, pct=pct, level=level, at=at)
    t = model.table_
    observed = (t.loc[t["chosen"] == 1, "alternative"].astype(str).value_counts()
                .reindex(model.alternatives, fill_value=0) / t["occasion_id"].nunique())
    out = pd.DataFrame({"observed_share": observed, "share_now": now, "share_after": after})
    out["change"] = out["share_after"] - out["share_now"]
    out["change_relative"] = out["share_after"] / out["share_now"] - 1
    out.index.name = "alternative"
    return out


def price_cut_scenarios(model: ChoiceLogit, *, change: float = -0.10) -> pd.DataFrame:
    """What each brand gains if it alone changes its price by ``change`` (default a 10% cut).

    Returns
    -------
    DataFrame indexed by the brand that changes price: ``share_now``, ``share_after`` (its own share),
    ``change`` (fraction: percentage points), ``change_relative``, ``biggest_loser`` (the competitor whose
    share falls most) and ``biggest_loss`` (its change, fraction).
    """
    rows = []
    for alt in model.alternatives:
        w = what_if(model, pct={alt: change})
        others = w.drop(index=alt)
        loser = others["change"].idxmin()
        rows.append({"alternative": alt, "share_now": w.at[alt, "share_now"],
                     "share_after": w.at[alt, "share_after"], "change": w.at[alt, "change"],
                     "change_relative": w.at[alt, "change_relative"], "biggest_loser": loser,
                     "biggest_loss": others.at[loser, "change"]})
    return pd.DataFrame(rows).set_index("alternative")


def iia_note(model: ChoiceLogit, *, brand: str | None = None, change: float = -0.10) -> str:
    """A short Markdown note on the independence of irrelevant alternatives (IIA), with this model's numbers.

    Shows, for a price change of ``brand`` (default the most price-sensitive brand), where its extra share
    comes from next to each competitor's share of the rest of the market: under IIA, within one occasion a
    brand's gain is drawn from the others in proportion to their probabilities, so the two columns are
    close (they differ only because occasions differ in prices and promotions).
    """
    name = model.brand(brand) if brand else most_price_sensitive(model)
    w = what_if(model, pct={name: change})
    others = w.drop(index=name)
    took = -others["change"] / -others["change"].sum()
    rest = others["share_now"] / others["share_now"].sum()
    lines = "\n".join(f"| {a} | {took[a]:.1%} | {rest[a]:.1%} |" for a in others.index)
    verb = "cuts" if change < 0 else "raises"
    flow, column = (("the share it gains comes from", "part of the gain taken from it") if change < 0
                    else ("the share it loses goes to", "part of the loss going to it"))
    return (
        "**A limit of the model: independence of irrelevant alternatives (IIA).** In a logit model the ratio of "
        "the probabilities of any two brands does not depend on the other brands. So when one brand changes "
        "its price, the share it wins (or loses) is taken from (or given to) the other brands *in proportion to "
        "their current shares*: the model cannot know that some brands are closer substitutes than others "
        f"(a diet yogurt for a diet yogurt, a 32 oz bottle for another 32 oz bottle). When {name} {verb} its "
        f"price by {abs(change):.0%}, {flow}:\n\n"
        f"| competitor | {column} | its share of the rest of the market |\n|---|---|---|\n"
        f"{lines}\n\n"
        "What this means for the what-if numbers: the split of a brand's gain or loss across its competitors "
        "follows their current shares, not how similar they are. Where close substitutes exist, the closest "
        "competitor would in reality lose more, and distant ones less, than shown. The size of the brand's own "
        "change rests on one price coefficient shared by all brands and on the brand's current price and share. "
        "Models that relax IIA (a nested logit, or the random-coefficients logit Jain, Vilcassim & Chintagunta "
        "(1994) fitted to these panels) are the next step when the split matters for a decision. Because the "
        "price coefficient is shared, differences "
        "in price sensitivity between brands come only from their prices and shares."
    )
