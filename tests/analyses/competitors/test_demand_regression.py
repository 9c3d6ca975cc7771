"""Log-log demand regression: a noise-free hand case, numpy least squares and a hand-coded HC1 sandwich as the
independent reference, recovery of known elasticities from generated data, and the OJ weekly aggregation."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import workbench as wb
from workbench import config
from workbench.errors import DataError


@pytest.fixture(scope="module")
def weekly():
    return wb.competitors.oj_weekly_sales(wb.load_oj_purchases())


class TestOjWeekly:
    def test_counts_add_up(self, weekly):
        assert weekly.units.sum() == 1070
        assert weekly.groupby("brand").units.sum().to_dict() == {"Citrus Hill": 653, "Minute Maid": 417}
        assert len(weekly) == 2 * 250  # both brands for each of the 250 store-weeks with a purchase

    def test_one_store_week_by_hand(self, weekly):
        # oj.csv rows 1-2: store 1, weeks 237 and 239 (CH bought; MM list 1.99, discount 0.30 in week 239)
        raw = pd.read_csv(config.SHIPPED["oj"])
        sel = raw[(raw.store_id == 1) & (raw.week_of_purchase == 239)]
        row = weekly[(weekly.store_id == "1") & (weekly.week == 239)].set_index("brand")
        assert row.at["Citrus Hill", "units"] == (sel.purchase == "CH").sum()
        assert row.at["Minute Maid", "units"] == (sel.purchase == "MM").sum()
        assert row.at["Minute Maid", "price"] == pytest.approx(1.69)
        assert row.at["Citrus Hill", "competitor_price"] == pytest.approx(1.69)
        assert row.at["Minute Maid", "special"] == 1 and row.at["Citrus Hill", "competitor_special"] == 1

    def test_seasons_are_blocks_of_weeks(self, weekly):
        assert sorted(weekly.season.unique()) == ["weeks 227+", "weeks 240+", "weeks 253+", "weeks 266+"]

    def test_prices_must_be_weekly(self):
        oj = wb.load_oj_purchases()
        oj.loc[1, "price_mm"] = 1.50
        other = oj[(oj.store_id == oj.store_id[1]) & (oj.week == oj.week[1])]
        if len(other) == 1:  # make sure the store-week has two purchases
            oj = pd.concat([oj, oj.iloc[[1]].assign(price_mm=1.69)], ignore_index=True)
        with pytest.raises(DataError, match=r"column `price_mm`: prices differ between purchases of the same store "
                                            r"and week"):
            wb.competitors.oj_weekly_sales(oj)


class TestLogLog:
    @pytest.mark.filterwarnings("ignore::statsmodels.tools.sm_exceptions.PerfectSeparationWarning")
    def test_noise_free_case_recovers_the_exponents(self):
        # units = e^3 * p^-1.5 * q^0.8 * e^(0.3 promo): a log-log model fits exactly
        rng = np.random.default_rng(7)
        p = rng.uniform(1, 3, 30)
        q = rng.uniform(1, 3, 30)
        promo = (np.arange(30) % 3 == 0).astype(int)
        units = np.exp(3) * p ** -1.5 * q ** 0.8 * np.exp(0.3 * promo)
        d = pd.DataFrame({"units": units, "price": p, "rival": q, "promo": promo})
        r = wb.competitors.DemandRegression(competitor_prices=["rival"], promotions=["promo"],
                                            cov_type="nonrobust").fit(d)
        e = r.elasticities_.set_index("term")
        assert e.at["own price", "estimate"] == pytest.approx(-1.5, abs=1e-10)
        assert e.at["rival", "estimate"] == pytest.approx(0.8, abs=1e-10)
        assert e.at["promo", "estimate"] == pytest.approx(0.3, abs=1e-10)
        assert e.at["promo", "effect"] == pytest.approx(np.exp(0.3) - 1, abs=1e-10)
        assert r.r_squared_ == pytest.approx(1.0)
        assert e.at["own price", "estimate_poisson"] == pytest.approx(-1.5, abs=1e-6)

    def test_matches_numpy_least_squares_and_hand_hc1(self, weekly):
        d = weekly[weekly.brand == "Citrus Hill"]
        r = wb.competitors.DemandRegression(competitor_prices=["competitor_price"],
                                            promotions=["special", "competitor_special"], season="season",
                                            fixed_effects=["store_id"]).fit(d)
        pos = d[d.units > 0]
        X = np.column_stack([np.ones(len(pos)), np.log(pos.price), np.log(pos.competitor_price), pos.special,
                             pos.competitor_special,
                             pd.get_dummies(pos.season, drop_first=True, dtype=float),
                             pd.get_dummies(pos.store_id, drop_first=True, dtype=float)])
        y = np.log(pos.units.to_numpy(float))
        beta, *_ = np.linalg.lstsq(X, y, rcond=None)
        resid = y - X @ beta
        n, k = X.shape
        bread = np.linalg.inv(X.T @ X)
        hc1 = bread @ (X.T * resid ** 2) @ X @ bread * n / (n - k)
        se = np.sqrt(np.diag(hc1))
        e = r.elasticities_
        np.testing.assert_allclose(e.estimate.to_numpy(), beta[1:5], atol=1e-10)
        np.testing.assert_allclose(e.std_error.to_numpy(), se[1:5], atol=1e-10)
        assert r.n_obs_ == n == 250 - 26 and r.zero_rows_ == 26
        # a 95% interval is estimate +- 1.96 se (normal, as statsmodels uses for robust covariances)
        assert e.ci_high.iloc[0] - e.estimate.iloc[0] == pytest.approx(1.959964 * se[1], rel=1e-5)

    def test_recovers_known_elasticities_from_generated_data(self):
        rng = np.random.default_rng(20261128)
        n = 400
        p = rng.uniform(1.5, 2.5, n)
        q = rng.uniform(1.5, 2.5, n)
        promo = rng.integers(0, 2, n)
        log_mu = 4 - 2.0 * np.log(p) + 1.0 * np.log(q) + 0.4 * promo
        # OLS: log-normal noise (the model OLS assumes); Poisson: counts with that mean (the model PPML assumes)
        lognormal = pd.DataFrame({"units": np.exp(log_mu + rng.normal(0, 0.3, n)), "price": p, "rival": q,
                                  "promo": promo})
        counts = lognormal.assign(units=rng.poisson(np.exp(log_mu)))
        for data, suffix in ((lognormal, ""), (counts, "_poisson")):
            r = wb.competitors.DemandRegression(competitor_prices=["rival"], promotions=["promo"]).fit(data)
            e = r.elasticities_.set_index("term")
            for term, true in (("own price", -2.0), ("rival", 1.0), ("promo", 0.4)):
                assert e.at[term, "ci_low" + suffix] < true < e.at[term, "ci_high" + suffix], (term, suffix)
            est = e.at["own price", "estimate" + suffix]
            assert est == pytest.approx(-2.0, abs=0.15)

    def test_bad_input(self):
        d = pd.DataFrame({"units": [1, 2, 3], "price": [1.0, 0.0, 2.0]})
        with pytest.raises(DataError, match=r"column `price`: prices must be above 0 to take logs \(1 row; "
                                            r"first: row 2: 0.0\)"):
            wb.competitors.DemandRegression().fit(d)
        with pytest.raises(DataError, match=r"column `units`: units must be numbers of 0 or more \(1 row; first: "
                                            r"row 1: -1\)"):
            wb.competitors.DemandRegression().fit(pd.DataFrame({"units": [-1, 2], "price": [1.0, 2.0]}))
        with pytest.raises(DataError, match=r"column `rival`: column `rival` not found"):
            wb.competitors.DemandRegression(competitor_prices=["rival"]).fit(d)
        with pytest.raises(DataError, match=r"fewer periods with sales than parameters"):
            wb.competitors.DemandRegression().fit(pd.DataFrame({"units": [1, 0], "price": [1.0, 2.0]}))


def test_by_brand_stacks_the_fits(weekly):
    kw = dict(competitor_prices=["competitor_price"], promotions=["special"], fixed_effects=["store_id"])
    both = wb.competitors.DemandRegression(by="brand", **kw).fit(weekly)
    mm = wb.competitors.DemandRegression(**kw).fit(weekly[weekly.brand == "Minute Maid"])
    got = both.elasticities_[both.elasticities_.brand == "Minute Maid"].reset_index(drop=True)
    np.testing.assert_allclose(got.estimate, mm.elasticities_.estimate)
    assert got.term.tolist() == ["own price", "competitor price", "special"]
    assert (got.periods == mm.n_obs_).all() and (got.zero_periods == 64).all()
    assert both.fits_["Minute Maid"].r_squared_ == pytest.approx(mm.r_squared_)
    assert both.own_price_elasticity_["Minute Maid"] == pytest.approx(mm.own_price_elasticity_)
    assert both.n_obs_ == 250 - 26 + mm.n_obs_ and both.zero_rows_ == 26 + 64
    assert repr(both).startswith("<DemandRegression by brand: 2 fits, own-price elasticity Citrus Hill -")
    with pytest.raises(DataError, match=r"column `chain`: column `chain` not found"):
        wb.competitors.DemandRegression(by="chain").fit(weekly)


def test_model_shape():
    m = wb.competitors.DemandRegression(competitor_prices=["rival"], cov_type="nonrobust")
    assert repr(m) == ("DemandRegression(units='units', price='price', competitor_prices=['rival'], "
                       "cov_type='nonrobust', alpha=0.05) (not fitted)")
    with pytest.raises(wb.WorkbenchError, match=r"not fitted yet: call \.fit\(sales\) first"):
        m.own_price_elasticity_  # noqa: B018
    d = pd.DataFrame({"units": [10, 8, 6, 5, 4.0], "price": [1.0, 1.2, 1.5, 1.7, 2.0],
                      "rival": [1.5, 1.5, 1.4, 1.6, 1.5]})
    assert m.fit(d) is m and repr(m).startswith("<DemandRegression: fitted on 5 periods, own-price elasticity -")
