"""The conditional logit, checked against independent references:

- an independent implementation of McFadden's conditional-logit likelihood (numpy + scipy.optimize, below),
- the published yogurt estimates of the R package logitr (vignette "Estimating Multinomial Logit Models",
  cran/logitr inst/doc/mnl_models.html: price -0.366543 (s.e. 0.024365), feat 0.491433 (0.120061),
  brandhiland -3.715428 (0.145416), brandweight -0.641128 (0.054498), brandyoplait 0.734496 (0.080642),
  log-likelihood -2656.8878799, null log-likelihood -3343.7419990, AIC 5323.7758, BIC 5352.7168,
  McFadden R2 0.2054148, adjusted 0.2039195; WTP from the preference model feat 1.340724),
- hand-computed small cases.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

import workbench as wb
from workbench.analyses.competitors import logit
from workbench.errors import DataError, WorkbenchError


# ----------------------------------------------------------------------------------------------------------
# the independent implementation: balanced panel as (N occasions x J alternatives x K terms) arrays
# ----------------------------------------------------------------------------------------------------------

def _arrays(panel, reference):
    t = panel.table
    alts = panel.alternatives
    J = len(alts)
    N = t.occasion_id.nunique()
    price = t.price.to_numpy().reshape(N, J)
    feat = t.feature.to_numpy(dtype=float).reshape(N, J)
    brands = [a for a in alts if a != reference]
    X = np.zeros((N, J, 2 + len(brands)))
    X[:, :, 0] = price
    X[:, :, 1] = feat
    for k, b in enumerate(brands):
        X[:, alts.index(b), 2 + k] = 1.0
    y = t.chosen.to_numpy().reshape(N, J).argmax(axis=1)
    return X, y, ["price", "feature"] + [f"brand: {b}" for b in brands]


def _negll(beta, X, y):
    v = X @ beta
    v = v - v.max(axis=1, keepdims=True)
    logp = v - np.log(np.exp(v).sum(axis=1, keepdims=True))
    P = np.exp(logp)
    ll = logp[np.arange(len(y)), y].sum()
    grad = (X[np.arange(len(y)), y, :] - np.einsum("nj,njk->nk", P, X)).sum(axis=0)
    return -ll, -grad


def _hessian(beta, X):
    v = X @ beta
    P = np.exp(v - v.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    xbar = np.einsum("nj,njk->nk", P, X)
    d = X - xbar[:, None, :]
    return -np.einsum("nj,njk,njl->kl", P, d, d)


@pytest.fixture(scope="module")
def independent(yogurt):
    X, y, names = _arrays(yogurt, "Dannon")
    res = optimize.minimize(_negll, np.zeros(X.shape[2]), args=(X, y), jac=True, method="BFGS",
                            options={"gtol": 1e-9, "maxiter": 1000})
    se = np.sqrt(np.diag(np.linalg.inv(-_hessian(res.x, X))))
    return pd.Series(res.x, index=names), pd.Series(se, index=names), -res.fun


class TestConditionalLogit:
    def test_matches_independent_implementation(self, model, independent):
        params, se, ll = independent
        assert list(model.params_.index) == list(params.index)
        np.testing.assert_allclose(model.params_.to_numpy(), params.to_numpy(), atol=1e-4, rtol=0)
        np.testing.assert_allclose(model.bse_.to_numpy(), se.to_numpy(), atol=1e-4, rtol=0)
        assert model.fit_stats_["log_likelihood"] == pytest.approx(ll, abs=1e-6)

    def test_matches_published_logitr_estimates(self, model):
        # logitr differs from the exact optimum by up to ~2e-4 (its stopping rule) and the packager rounded
        # float32 noise of 1e-6 from the prices: compare to 3e-4 (estimates) and 3e-5 (standard errors)
        published = {"price": (-0.366543, 0.024365), "feature": (0.491433, 0.120061),
                     "brand: Hiland": (-3.715428, 0.145416), "brand: Weight Watchers": (-0.641128, 0.054498),
                     "brand: Yoplait": (0.734496, 0.080642)}
        for term, (est, se) in published.items():
            assert model.params_[term] == pytest.approx(est, abs=3e-4), term
            assert model.bse_[term] == pytest.approx(se, abs=3e-5), term
        s = model.fit_stats_
        assert s["log_likelihood"] == pytest.approx(-2656.8878799, abs=1e-4)
        assert s["ll_equal_shares"] == pytest.approx(-3343.7419990, abs=1e-6)
        assert s["rho2"] == pytest.approx(0.2054148, abs=1e-6)
        assert s["rho2_adjusted"] == pytest.approx(0.2039195, abs=1e-6)
        assert s["aic"] == pytest.approx(5323.7758, abs=1e-3)
        assert s["bic"] == pytest.approx(5352.7168, abs=1e-3)
        est = model.estimates_.set_index("term")
        assert est.loc["feature", "price_equivalent"] == pytest.approx(1.340724, abs=1e-3)

    def test_fit_statistics_by_hand(self, model, yogurt):
        s = model.fit_stats_
        assert s["occasions"] == 2412 and s["parameters"] == 5
        assert s["ll_equal_shares"] == pytest.approx(2412 * np.log(1 / 4))
        counts = np.array([970, 818, 553, 71])
        assert s["ll_constants_only"] == pytest.approx(np.sum(counts * np.log(counts / 2412)))
        assert s["hit_rate_naive"] == pytest.approx(970 / 2412)
        # hit rate recomputed from the probabilities
        p = wb.competitors.choice_probabilities(model).assign(chosen=model.table_.chosen.to_numpy())
        best = p.loc[p.groupby("occasion_id", sort=False).probability.idxmax()]
        assert s["hit_rate"] == pytest.approx(best.chosen.mean())
        assert 0.45 < s["hit_rate"] < 0.6

    def test_predicted_shares_equal_observed_shares(self, model):
        # a logit with a constant for every brand but one reproduces the observed shares at the optimum
        w = wb.competitors.what_if(model, pct={"Dannon": 0.0})
        np.testing.assert_allclose(w.share_now, w.observed_share, atol=1e-6)

    def test_household_clustered_se(self, model):
        se = model.bse_household_
        assert se is not None and (se > model.bse_).all()  # repeated choices of a household are related
        # the per-occasion scores used for the sandwich equal statsmodels' own score_grp
        from statsmodels.discrete.conditional_models import ConditionalLogit

        t, starts = logit.sorted_table(model.table_)
        X = logit.design_matrix(t, model.alternatives_, model.reference_, model.promotions_)
        groups = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(t)]))
        sm = ConditionalLogit(t.chosen.to_numpy(float), X, groups=groups)
        mine = logit.occasion_scores(X.to_numpy(), t.chosen.to_numpy(float), model.params_.to_numpy(), starts)
        for g in (0, 1, 500, 2411):
            np.testing.assert_allclose(mine[g], sm.score_grp(g, model.params_.to_numpy()), atol=1e-10)

    def test_same_fit_as_plain_statsmodels(self, model):
        """The vectorised score changes only the speed: statsmodels' own ConditionalLogit (a loop per occasion)
        gives the same estimates; the standard errors differ only by the noise of its numerical Hessian."""
        from statsmodels.discrete.conditional_models import ConditionalLogit

        t, starts = logit.sorted_table(model.table_)
        X = logit.design_matrix(t, model.alternatives_, model.reference_, model.promotions_)
        groups = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(t)]))
        plain = ConditionalLogit(t.chosen.to_numpy(float), X, groups=groups).fit(method="newton", disp=False)
        fast = logit._conditional_logit()(t.chosen.to_numpy(float), X, groups=groups, starts=starts)
        np.testing.assert_allclose(fast.score(model.params_.to_numpy()), plain.model.score(model.params_.to_numpy()),
                                   rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(model.params_.to_numpy(), np.asarray(plain.params), rtol=1e-12, atol=0)
        np.testing.assert_allclose(model.bse_.to_numpy(), np.asarray(plain.bse), rtol=1e-5, atol=0)
        assert model.fit_stats_["log_likelihood"] == pytest.approx(plain.llf, rel=1e-13)

    def test_reference_brand(self, yogurt):
        m = wb.competitors.ChoiceLogit(reference="yoplait").fit(yogurt)
        assert m.reference_ == "Yoplait" and m.reference == "yoplait"  # the option as given, the brand resolved
        # the same model in another parameterisation: Dannon vs Yoplait = -(Yoplait vs Dannon)
        assert m.params_["brand: Dannon"] == pytest.approx(-0.734571, abs=3e-4)
        assert m.fit_stats_["log_likelihood"] == pytest.approx(-2656.887878, abs=1e-5)

    def test_errors(self, yogurt):
        with pytest.raises(DataError, match=r"unknown brand 'activia'.*\['Yoplait', 'Dannon'"):
            wb.competitors.ChoiceLogit(reference="activia").fit(yogurt)
        with pytest.raises(DataError, match=r"promotion 'display' is not in the panel.*\['feature'\]"):
            wb.competitors.ChoiceLogit(promotions=["display"]).fit(yogurt)
        flat = yogurt.table.assign(price=1.0)
        with pytest.raises(DataError, match=r"prices do not vary"):
            wb.competitors.ChoiceLogit().fit(flat)
        two = yogurt.table.copy()
        two.loc[0, "chosen"] = 1  # occasion 1 now has two chosen alternatives
        with pytest.raises(DataError, match=r"occasions must have exactly one chosen alternative \(1 row; first: "
                                            r"occasion '1': 2 chosen\)"):
            wb.competitors.ChoiceLogit().fit(two)

    def test_never_bought_brand_and_separation(self):
        long = pd.DataFrame({"occasion_id": np.repeat(np.arange(4), 3), "alternative": ["a", "b", "c"] * 4,
                             "chosen": [1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0], "price": [1.0, 2.0, 3.0, 2.0, 1.0, 3.0] * 2})
        with pytest.raises(DataError, match=r"column `alternative`: 'c' is never bought, so its brand constant cannot "
                                            r"be estimated \(4 rows; first: c\)"):
            wb.competitors.ChoiceLogit().fit(long)
        # the cheaper brand is always bought: the price effect runs off to minus infinity
        sep = pd.DataFrame({"occasion_id": np.repeat(np.arange(6), 2), "alternative": ["a", "b"] * 6,
                            "chosen": [1, 0, 0, 1] * 3, "price": [1.0, 2.0, 2.0, 1.0, 1.0, 1.5, 1.5, 1.0, 1.0, 1.2,
                                                                  1.2, 1.0]})
        with pytest.raises(DataError, match=r"the choice model did not converge"):
            wb.competitors.ChoiceLogit().fit(sep)

    def test_tuna_without_promotions(self):
        t = wb.load_choice_panel("tuna").table
        sample = t[t.household_id.astype(int) <= 300]
        m = wb.competitors.ChoiceLogit().fit(sample)
        assert m.promotions_ == [] and list(m.params_.index)[0] == "price"
        assert m.price_coef_ < 0




class TestModelShape:
    def test_fit_returns_the_model_and_reprs_read(self, yogurt, model):
        m = wb.competitors.ChoiceLogit(reference="Dannon")
        assert repr(m) == "ChoiceLogit(promotions='auto', reference='Dannon', alpha=0.05, maxiter=100) (not fitted)"
        assert repr(model) == ("<ChoiceLogit yogurt: fitted on 2,412 occasions, 4 alternatives, reference Dannon, "
                               "price -0.3666, rho2 0.205, hit rate 51.9%>")
        assert model.alternatives_ == ["Yoplait", "Dannon", "Hiland", "Weight Watchers"]
        assert model.name_ == "yogurt" and model.price_unit_ is None and model.codes_["Weight Watchers"] == "weight"

    def test_unfitted_model_says_so(self):
        m = wb.competitors.ChoiceLogit()
        with pytest.raises(WorkbenchError, match=r"not fitted yet: call \.fit\(panel\) first"):
            m.price_coef_  # noqa: B018
        with pytest.raises(WorkbenchError, match=r"not fitted yet"):
            wb.competitors.elasticity_matrix(m)

    def test_interval_follows_alpha(self, yogurt, model):
        m90 = wb.competitors.ChoiceLogit(alpha=0.10).fit(yogurt)
        e95, e90 = model.estimates_.set_index("term"), m90.estimates_.set_index("term")
        assert e95.at["price", "ci_high"] - e95.at["price", "estimate"] == pytest.approx(
            1.959964 * e95.at["price", "std_error"], rel=1e-6)
        assert e90.at["price", "ci_high"] - e90.at["price", "estimate"] == pytest.approx(
            1.644854 * e90.at["price", "std_error"], rel=1e-6)
