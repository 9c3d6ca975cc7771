"""Log-log demand regression on aggregate sales and prices over time.

Where only aggregate sales and prices exist (no purchase-level panel), the usual first model is

    log(units_t) = a + e_own * log(own price_t) + sum_k e_k * log(price of competitor k_t)
                   + sum_m g_m * promotion_m,t + season dummies + fixed effects + error

estimated by ordinary least squares (statsmodels). In a log-log model the price coefficients *are*
elasticities: ``e_own`` is the % change in units for a 1% change in our price (negative for a normal
good), ``e_k`` the % change for a 1% change in competitor k's price (positive when k is a substitute).
A promotion coefficient ``g`` is a semi-elasticity: the promotion multiplies units by ``exp(g)``.

Decisions: standard errors are heteroskedasticity-robust (HC1) by default; periods with zero units
cannot be logged and are left out (counted in :attr:`DemandRegression.zero_rows_`), which biases the
elasticity when zeros are common, so the result also carries a Poisson pseudo-maximum-likelihood fit
(statsmodels GLM, log link) that keeps the zero periods as a check.

Demonstration data: the shipped ISLR orange-juice file is 1,070 individual purchases (Citrus Hill vs Minute
Maid) with the store, week and both brands' prices and specials; :func:`oj_weekly_sales` counts the
purchases per store, week and brand. Those counts are the purchases *in that sample*, not store sales,
and ISLR does not document the calendar behind its week numbers.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from workbench.errors import DataError, WorkbenchError

__all__ = ["oj_weekly_sales", "DemandRegression"]


def oj_weekly_sales(purchases: pd.DataFrame, *, season_weeks: int = 13) -> pd.DataFrame:
    """Count orange-juice purchases per store, week and brand, with the prices and specials of that week.

    Parameters
    ----------
    purchases : DataFrame
        From :func:`workbench.load_oj_purchases` (one row per purchase).
    season_weeks : int
        Length of the season blocks in ``season`` (13 = quarters of the 52 weeks observed; the calendar of
        ISLR's week numbers is not documented, so these are blocks of weeks, not calendar quarters).

    Returns
    -------
    DataFrame, one row per store, week and brand (both brands for every store-week with any purchase, so
    weeks in which a brand sold nothing have ``units`` 0): ``store_id``, ``week``, ``season`` (text),
    ``brand``, ``units`` (purchases in the sample), ``price`` (what the shopper paid: list price - discount),
    ``list_price``, ``special`` (0/1), ``competitor_price``, ``competitor_special``.

    Raises
    ------
    DataError
        Prices or specials that differ between purchases of the same store and week (they are weekly
        store prices in the source).
    """
    need = ["store_id", "week", "brand", "price_ch", "price_mm", "special_ch", "special_mm", "list_price_ch",
            "list_price_mm"]
    missing = [c for c in need if c not in purchases.columns]
    if missing:
        raise DataError(f"columns {missing} not found", source="purchases", column=missing[0],
                        fix="Load the file with wb.load_oj_purchases()")
    keys = ["store_id", "week"]
    weekly_cols = ["price_ch", "price_mm", "special_ch", "special_mm", "list_price_ch", "list_price_mm"]
    varies = purchases.groupby(keys)[weekly_cols].nunique().gt(1)
    if varies.to_numpy().any():
        bad = varies.any(axis=1)
        first = bad[bad].index[0]
        col = varies.loc[first][varies.loc[first]].index[0]
        raise DataError("prices differ between purchases of the same store and week", source="purchases",
                        column=col, rows=int(bad.sum()), example=f"store {first[0]}, week {first[1]}",
                        fix="Give one price per store and week")
    weekly = purchases.groupby(keys)[weekly_cols].first()
    counts = purchases.groupby(keys + ["brand"]).size().unstack("brand", fill_value=0)
    rows = []
    for brand, own, other in (("Citrus Hill", "ch", "mm"), ("Minute Maid", "mm", "ch")):
        part = pd.DataFrame({"brand": brand,
                             "units": counts.get(brand, pd.Series(0, index=counts.index)).reindex(weekly.index,
                                                                                                  fill_value=0),
                             "price": weekly[f"price_{own}"], "list_price": weekly[f"list_price_{own}"],
                             "special": weekly[f"special_{own}"].astype("int64"),
                             "competitor_price": weekly[f"price_{other}"],
                             "competitor_special": weekly[f"special_{other}"].astype("int64")})
        rows.append(part.reset_index())
    out = pd.concat(rows, ignore_index=True)
    first_week = int(purchases["week"].min())
    out.insert(2, "season", ("weeks " + ((out["week"] - first_week) // season_weeks * season_weeks + first_week)
                             .astype(str) + "+"))
    out["units"] = out["units"].astype("int64")
    return out.sort_values(["brand", "store_id", "week"]).reset_index(drop=True)


class DemandRegression:
    """Log-log demand regression by OLS, with elasticities, confidence intervals and a Poisson check.

    ``DemandRegression(competitor_prices=["rival_price"], promotions=["promo"]).fit(sales)`` estimates the
    model and returns it, fitted. With ``by="brand"`` it fits one regression per brand and stacks their
    elasticities.

    Parameters
    ----------
    units, price : str
        Columns of units sold (>= 0) and our price (> 0).
    competitor_prices : list of str
        Columns of competitor prices (> 0), entered in logs (cross-price elasticities).
    promotions : list of str
        0/1 columns (ours and competitors' promotions), entered as they are.
    season : str, optional
        A column of season labels (month, quarter, block of weeks): one dummy per label but the first.
    fixed_effects : list of str
        Columns of categories to hold constant (store, region): one dummy per level but the first.
    by : str, optional
        A column (brand) to fit one regression per value of; ``None`` fits one regression on all rows.
    cov_type : str
        statsmodels covariance type: ``"HC1"`` (heteroskedasticity-robust, default) or ``"nonrobust"``.
    alpha : float
        1 - confidence level.

    Attributes
    ----------
    elasticities_ : DataFrame
        One row per price and promotion term: ``term`` (``own price``, then the competitor-price and
        promotion columns with spaces for underscores), ``kind`` (``own price``, ``competitor price``,
        ``promotion``), ``estimate`` (elasticity; for promotions the log-points), ``std_error``, ``ci_low``,
        ``ci_high``, ``p_value``, ``effect`` (promotions: exp(estimate) - 1, the % change in units; prices:
        the elasticity again), and the Poisson check ``estimate_poisson``, ``ci_low_poisson``,
        ``ci_high_poisson``. With ``by``: the ``by`` column first, and ``periods``, ``zero_periods`` and
        ``r_squared`` of each fit.
    n_obs_, zero_rows_ : int
        Periods used by OLS; periods left out because units were 0 (summed over the fits with ``by``).
    r_squared_ : float or Series
        R-squared of the OLS fit (by value of ``by`` with ``by``).
    own_price_elasticity_ : float or Series
        The own-price elasticity (by value of ``by`` with ``by``).
    fits_ : dict
        With ``by``: value -> the fitted regression of that value; without: empty.
    results_, results_poisson_ : statsmodels results (without ``by``)
    """

    def __init__(self, *, units: str = "units", price: str = "price", competitor_prices: Sequence[str] = (),
                 promotions: Sequence[str] = (), season: str | None = None, fixed_effects: Sequence[str] = (),
                 by: str | None = None, cov_type: str = "HC1", alpha: float = 0.05) -> None:
        self.units, self.price = units, price
        self.competitor_prices, self.promotions = list(competitor_prices), list(promotions)
        self.season, self.fixed_effects, self.by = season, list(fixed_effects), by
        self.cov_type, self.alpha = cov_type, alpha

    def _options(self) -> dict[str, Any]:
        return {"units": self.units, "price": self.price, "competitor_prices": self.competitor_prices,
                "promotions": self.promotions, "season": self.season, "fixed_effects": self.fixed_effects,
                "cov_type": self.cov_type, "alpha": self.alpha}

    def fit(self, sales: pd.DataFrame) -> DemandRegression:
        """Estimate the regression on ``sales`` (one row per period, and unit such as a store-week) and return it.

        Raises
        ------
        DataError
            A named column missing; units negative or not numbers; prices zero, negative or missing; fewer
            periods than parameters.
        """
        if self.by is None:
            return self._fit_one(sales)
        if self.by not in sales.columns:
            raise DataError(f"column `{self.by}` not found", source="sales", column=self.by,
                            fix=f"Columns present: {list(sales.columns)[:20]}")
        self.fits_, parts = {}, []
        for value, part in sales.groupby(self.by, sort=False):
            r = DemandRegression(**self._options()).fit(part)
            self.fits_[value] = r
            e = r.elasticities_.copy()
            e.insert(0, self.by, value)
            e["periods"], e["zero_periods"], e["r_squared"] = r.n_obs_, r.zero_rows_, r.r_squared_
            parts.append(e)
        self.elasticities_ = pd.concat(parts, ignore_index=True)
        self.n_obs_ = sum(r.n_obs_ for r in self.fits_.values())
        self.zero_rows_ = sum(r.zero_rows_ for r in self.fits_.values())
        self.r_squared_ = pd.Series({k: r.r_squared_ for k, r in self.fits_.items()}, name="r_squared")
        self.results_ = self.results_poisson_ = None
        return self

    def _fit_one(self, sales: pd.DataFrame) -> DemandRegression:
        import statsmodels.api as sm

        units, price = self.units, self.price
        cols = [units, price, *self.competitor_prices, *self.promotions, *([self.season] if self.season else []),
                *self.fixed_effects]
        missing = [c for c in cols if c not in sales.columns]
        if missing:
            raise DataError(f"column `{missing[0]}` not found", source="sales", column=missing[0],
                            fix=f"Columns present: {list(sales.columns)[:20]}")
        d = sales.copy()
        q = pd.to_numeric(d[units], errors="coerce")
        if q.isna().any() or (q < 0).any():
            bad = q.isna() | (q < 0)
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError("units must be numbers of 0 or more", source="sales", column=units,
                            rows=int(bad.sum()), example=f"row {i + 1}: {d[units].tolist()[i]!r}",
                            fix="Correct or remove those periods")
        for c in (price, *self.competitor_prices):
            p = pd.to_numeric(d[c], errors="coerce")
            bad = p.isna() | (p <= 0)
            if bad.any():
                i = int(np.flatnonzero(bad.to_numpy())[0])
                raise DataError("prices must be above 0 to take logs", source="sales", column=c,
                                rows=int(bad.sum()), example=f"row {i + 1}: {d[c].tolist()[i]!r}",
                                fix="Correct or remove those periods")
        X = pd.DataFrame(index=d.index)
        X["log_price"] = np.log(d[price].astype("float64"))
        terms = {"log_price": ("own price", "own price")}
        for c in self.competitor_prices:
            name = f"log_{_safe(c)}"
            X[name] = np.log(d[c].astype("float64"))
            terms[name] = (c.replace("_", " "), "competitor price")
        for c in self.promotions:
            name = _safe(c)
            X[name] = pd.to_numeric(d[c], errors="coerce").astype("float64")
            terms[name] = (c.replace("_", " "), "promotion")
        for c in ([self.season] if self.season else []) + self.fixed_effects:
            dummies = pd.get_dummies(d[c].astype(str), prefix=_safe(c), drop_first=True, dtype="float64")
            X = X.join(dummies)
        X = sm.add_constant(X, has_constant="add")
        positive = q > 0
        zero_rows = int((~positive).sum())
        if positive.sum() <= X.shape[1]:
            raise DataError("fewer periods with sales than parameters to estimate", source="sales", column=units,
                            rows=int(positive.sum()), fix="Use more periods or fewer season/fixed-effect levels")
        ols = sm.OLS(np.log(q[positive].astype("float64")), X[positive]).fit(cov_type=self.cov_type)
        pois = sm.GLM(q.astype("float64"), X, family=sm.families.Poisson()).fit(cov_type=self.cov_type)
        ci = ols.conf_int(self.alpha)
        ci_p = pois.conf_int(self.alpha)
        rows = []
        for name, (label, kind) in terms.items():
            est = float(ols.params[name])
            rows.append({"term": label, "kind": kind, "estimate": est, "std_error": float(ols.bse[name]),
                         "ci_low": float(ci.loc[name, 0]), "ci_high": float(ci.loc[name, 1]),
                         "p_value": float(ols.pvalues[name]),
                         "effect": float(np.exp(est) - 1) if kind == "promotion" else est,
                         "estimate_poisson": float(pois.params[name]), "ci_low_poisson": float(ci_p.loc[name, 0]),
                         "ci_high_poisson": float(ci_p.loc[name, 1])})
        self.elasticities_ = pd.DataFrame(rows)
        self.n_obs_, self.zero_rows_ = int(positive.sum()), zero_rows
        self.r_squared_ = float(ols.rsquared)
        self.results_, self.results_poisson_ = ols, pois
        self.fits_ = {}
        return self

    @property
    def fitted(self) -> bool:
        return hasattr(self, "elasticities_")

    @property
    def own_price_elasticity_(self) -> float | pd.Series:
        """The own-price elasticity (a Series by value of ``by`` when fitted with ``by``)."""
        if not self.fitted:
            raise WorkbenchError("this DemandRegression is not fitted yet: call .fit(sales) first")
        e = self.elasticities_[self.elasticities_["kind"] == "own price"]
        if self.by is None:
            return float(e["estimate"].iloc[0])
        return e.set_index(self.by)["estimate"].rename("own_price_elasticity")

    def __repr__(self) -> str:
        if not self.fitted:
            opts = ", ".join(f"{k}={v!r}" for k, v in self._options().items() if v not in ((), [], None))
            by = f", by={self.by!r}" if self.by else ""
            return f"DemandRegression({opts}{by}) (not fitted)"
        if self.by is None:
            return (f"<DemandRegression: fitted on {self.n_obs_:,} periods, own-price elasticity "
                    f"{self.own_price_elasticity_:.2f}, R2 {self.r_squared_:.3f}>")
        own = ", ".join(f"{k} {v:.2f}" for k, v in self.own_price_elasticity_.items())
        return f"<DemandRegression by {self.by}: {len(self.fits_)} fits, own-price elasticity {own}>"


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in name)
