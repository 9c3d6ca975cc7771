"""What a fitted choice model predicts when prices change: probabilities, price elasticities, what-if shares.

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

Written by hand (numpy): no library offers prediction under price changes for a fitted conditional logit.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.analyses.competitors._choice_table import PRICE
from workbench.analyses.competitors.logit import ChoiceLogit, design_matrix, probabilities
from workbench.errors import DataError

__all__ = ["choice_probabilities", "elasticity_matrix", "own_price_elasticities", "most_price_sensitive",
           "pick_brand", "what_if", "most_affected_competitor", "price_cut_scenarios", "substitution_split"]

_METHODS = ("aggregate", "average", "at_means")


def _fitted(model: ChoiceLogit) -> ChoiceLogit:
    if not isinstance(model, ChoiceLogit):
        raise TypeError(f"expected a fitted ChoiceLogit (wb.competitors.ChoiceLogit().fit(panel)), "
                        f"got {type(model).__name__}")
    model._check_fitted()
    return model


def _at_means_table(model: ChoiceLogit) -> pd.DataFrame:
    t = model.table_
    g = t.groupby("alternative", sort=False)
    rows = pd.DataFrame({"occasion_id": "means", "alternative": model.alternatives_,
                         "chosen": 0, PRICE: g[PRICE].mean().reindex(model.alternatives_).to_numpy()})
    for promo in model.promotions_:
        rows[promo] = g[promo].apply(lambda s: s.astype("float64").mean()).reindex(model.alternatives_).to_numpy()
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
        Fitted.
    pct : dict, optional
        Brand -> fractional price change applied on every occasion (``{"Dannon": -0.10}``: 10% cheaper).
    level : dict, optional
        Brand -> new shelf price on every occasion.
    at : {"observed", "means"}
        The observed occasions, or one occasion with every alternative at its mean price and promotion.

    Returns
    -------
    The long table with columns ``occasion_id``, ``alternative``, ``price`` (after the change) and
    ``probability``.
    """
    _fitted(model)
    if at not in ("observed", "means"):
        raise DataError(f"at={at!r} is not understood", source="at", fix="Use 'observed' or 'means'")
    t = model.table_ if at == "observed" else _at_means_table(model)
    starts = model._starts if at == "observed" else np.array([0])
    price = _prices_after(model, t, pct, level)
    X = design_matrix(t, model.alternatives_, model.reference_, model.promotions_, price=price)
    X = X[model.params_.index]
    out = t[["occasion_id", "alternative"]].copy()
    out[PRICE] = price
    out["probability"] = probabilities(X.to_numpy(), model.params_.to_numpy(), starts)
    return out


def _shares(model: ChoiceLogit, **kw) -> pd.Series:
    p = choice_probabilities(model, **kw)
    return p.groupby("alternative", sort=False)["probability"].mean().reindex(model.alternatives_)


def elasticity_matrix(model: ChoiceLogit, *, method: str = "aggregate") -> pd.DataFrame:
    """Own- and cross-price elasticities of the brands' choice shares at the observed prices.

    Entry (row j, column k) is the % change in brand j's share when brand k's price rises 1%. The
    diagonal holds own-price elasticities (negative), the rest cross-price elasticities (positive).

    Parameters
    ----------
    model : ChoiceLogit
        Fitted.
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
    if method not in _METHODS:
        raise DataError(f"method={method!r} is not understood", source="method",
                        fix="Use 'aggregate', 'average' or 'at_means'")
    b = _fitted(model).price_coef_
    p = choice_probabilities(model, at="means" if method == "at_means" else "observed")
    alts = model.alternatives_
    J = len(alts)
    pos = {a: i for i, a in enumerate(alts)}
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
    return pd.DataFrame(E, index=pd.Index(alts, name="share of"), columns=pd.Index(alts, name="price of"))


def own_price_elasticities(model: ChoiceLogit, *, method: str = "aggregate") -> pd.Series:
    """The diagonal of :func:`elasticity_matrix`: each brand's own-price elasticity (a Series by brand)."""
    E = elasticity_matrix(model, method=method)
    return pd.Series(np.diag(E.to_numpy()), index=E.index, name="own_price_elasticity")


def most_price_sensitive(model: ChoiceLogit, *, method: str = "aggregate") -> str:
    """The brand whose share reacts most to its own price (most negative own-price elasticity)."""
    return str(own_price_elasticities(model, method=method).idxmin())


def pick_brand(model: ChoiceLogit, *, name: str | None = None) -> str:
    """The brand called ``name`` (display name or code), or the most price-sensitive brand when ``name`` is None."""
    return _fitted(model).brand(name) if name else most_price_sensitive(model)


def what_if(model: ChoiceLogit, *, pct: dict[str, float] | None = None, level: dict[str, float] | None = None,
            at: str = "observed") -> pd.DataFrame:
    """Predicted choice shares when one or more brands change price.

    Parameters
    ----------
    model : ChoiceLogit
        Fitted.
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
    _fitted(model)
    if not pct and not level:
        raise DataError("no price change given", source="what_if",
                        fix="Pass pct={'brand': -0.10} (10% cut) or level={'brand': new_price}")
    now = _shares(model, at=at)
    after = _shares(model, pct=pct, level=level, at=at)
    t = model.table_
    observed = (t.loc[t["chosen"] == 1, "alternative"].astype(str).value_counts()
                .reindex(model.alternatives_, fill_value=0) / t["occasion_id"].nunique())
    out = pd.DataFrame({"observed_share": observed, "share_now": now, "share_after": after})
    out["change"] = out["share_after"] - out["share_now"]
    out["change_relative"] = out["share_after"] / out["share_now"] - 1
    out.index.name = "alternative"
    return out


def most_affected_competitor(scenario: pd.DataFrame, *, brand: str) -> str:
    """The competitor of ``brand`` whose share moves most in a what-if (:func:`what_if`) result.

    Under the logit every competitor moves the other way from ``brand``: after a price cut this is the
    competitor that loses most share, after a price rise the one that gains most.
    """
    if brand not in scenario.index:
        raise DataError(f"{brand!r} is not in the what-if result", source="brand", example=brand,
                        fix=f"Use one of {list(scenario.index)}")
    return str(scenario.drop(index=brand)["change"].abs().idxmax())


def price_cut_scenarios(model: ChoiceLogit, *, change: float = -0.10) -> pd.DataFrame:
    """What each brand gains if it alone changes its price by ``change`` (default a 10% cut).

    Returns
    -------
    DataFrame indexed by the brand that changes price (``alternative``): ``share_now``, ``share_after`` (its
    own share), ``change`` (fraction: percentage points), ``change_relative``, ``most_affected`` (the
    competitor whose share moves most: loses most after a cut, gains most after a rise) and
    ``most_affected_change`` (its change, fraction).
    """
    rows = []
    for alt in _fitted(model).alternatives_:
        w = what_if(model, pct={alt: change})
        other = most_affected_competitor(w, brand=alt)
        rows.append({"alternative": alt, "share_now": w.at[alt, "share_now"],
                     "share_after": w.at[alt, "share_after"], "change": w.at[alt, "change"],
                     "change_relative": w.at[alt, "change_relative"], "most_affected": other,
                     "most_affected_change": w.at[other, "change"]})
    return pd.DataFrame(rows).set_index("alternative")


def substitution_split(model: ChoiceLogit, *, brand: str | None = None, change: float = -0.10) -> pd.DataFrame:
    """Where a brand's gain (or loss) from a price change comes from (or goes to), next to the competitors' shares.

    Under the logit's independence of irrelevant alternatives (IIA), within one occasion a brand's gain is
    drawn from the others in proportion to their probabilities, so the two columns are close (they differ
    only because occasions differ in prices and promotions).

    Parameters
    ----------
    model : ChoiceLogit
        Fitted.
    brand : str, optional
        The brand that changes price (default the most price-sensitive brand).
    change : float
        Its price change as a fraction (-0.10 = a 10% cut).

    Returns
    -------
    DataFrame indexed by competitor (``alternative``): ``part_of_change`` (its part of the brand's gain or
    loss, fractions adding up to 1) and ``share_of_rest`` (its share of the market the brand does not hold
    now, fractions adding up to 1).
    """
    name = pick_brand(model, name=brand)
    w = what_if(model, pct={name: change})
    others = w.drop(index=name)
    out = pd.DataFrame({"part_of_change": others["change"] / others["change"].sum(),
                        "share_of_rest": others["share_now"] / others["share_now"].sum()})
    out.index.name = "alternative"
    return out
