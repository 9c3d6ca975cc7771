"""Choice shares, conditional logit, elasticities and what-if, checked against independent references:

- an independent implementation of McFadden's conditional-logit likelihood (numpy + scipy.optimize, below),
- the published yogurt estimates of the R package logitr (vignette "Estimating Multinomial Logit Models",
  cran/logitr inst/doc/mnl_models.html: price -0.366543 (s.e. 0.024365), feat 0.491433 (0.120061),
  brandhiland -3.715428 (0.145416), brandweight -0.641128 (0.054498), brandyoplait 0.734496 (0.080642),
  log-likelihood -2656.8878799, null log-likelihood -3343.7419990, AIC 5323.7758, BIC 5352.7168,
  McFadden R2 0.2054148, adjusted 0.2039195; WTP from the preference model feat 1.340724),
- finite differences of the what-if simulator for the elasticity formulas (Train 3.6),
- hand-computed small cases.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

import workbench as wb
from workbench.analyses.competitors import choice as ch
from workbench.errors import DataError


@pytest.fixture(scope="module")
def yogurt():
    return wb.load_choice_panel("yogurt")


@pytest.fixture(scope="module")
def model(yogurt):
    return wb.competitors.fit_choice_logit(yogurt)


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


class TestDescriptive:
    def test_shares_by_hand(self):
        p = wb.load_choice_panel("tests/fixtures/choice/tiny_panel.csv")
        s = wb.competitors.choice_shares(p)
        # occasions kept: 1 alpha, 2 beta, 3 gamma, 5 beta
        assert s.occasions_won.tolist() == [1, 2, 1]
        assert s.share.tolist() == [0.25, 0.5, 0.25]
        assert s.mean_price["alpha"] == pytest.approx((1.0 + 1.2 + 1.0 + 1.0) / 4)
        assert s.feature_rate.tolist() == [0.25, 0.25, 0.25]
        assert s.display_rate.tolist() == [0.0, 0.25, 0.25]

    def test_promotion_shares_by_hand(self):
        p = wb.load_choice_panel("tests/fixtures/choice/tiny_panel.csv")
        s = wb.competitors.promotion_shares(p).set_index(["alternative", "promotion"])
        # alpha featured on occasion 1 (won); not featured on 2, 3, 5 (won none)
        assert s.loc[("alpha", "feature"), "occasions_promoted"] == 1
        assert s.loc[("alpha", "feature"), "share_promoted"] == 1.0
        assert s.loc[("alpha", "feature"), "share_not_promoted"] == 0.0
        # beta featured on occasion 2 (won); not on 1, 3, 5 (won 5): 1/3
        assert s.loc[("beta", "feature"), "share_not_promoted"] == pytest.approx(1 / 3)
        assert s.loc[("beta", "feature"), "lift"] == pytest.approx(2 / 3)
        assert np.isnan(s.loc[("alpha", "display"), "share_promoted"])  # never displayed

    def test_yogurt_shares(self, yogurt):
        s = wb.competitors.choice_shares(yogurt)
        assert s.loc["Dannon", "share"] == pytest.approx(970 / 2412)
        assert s.loc["Yoplait", "median_price"] == 10.8  # data/README.md: yoplait median 10.8
        assert s.loc["Yoplait", "feature_rate"] == pytest.approx(0.056, abs=5e-4)  # README: 5.6%


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
        est = model.estimates().set_index("term")
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

        t, starts = ch._sorted_table(model.table_)
        X = ch._design(t, model.alternatives, model.reference, model.promotions)
        groups = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(t)]))
        sm = ConditionalLogit(t.chosen.to_numpy(float), X, groups=groups)
        mine = ch._occasion_scores(X.to_numpy(), t.chosen.to_numpy(float), model.params_.to_numpy(), starts)
        for g in (0, 1, 500, 2411):
            np.testing.assert_allclose(mine[g], sm.score_grp(g, model.params_.to_numpy()), atol=1e-10)

    def test_reference_brand(self, yogurt):
        m = wb.competitors.fit_choice_logit(yogurt, reference="yoplait")
        assert m.reference == "Yoplait"
        # the same model in another parameterisation: Dannon vs Yoplait = -(Yoplait vs Dannon)
        assert m.params_["brand: Dannon"] == pytest.approx(-0.734571, abs=3e-4)
        assert m.fit_stats_["log_likelihood"] == pytest.approx(-2656.887878, abs=1e-5)

    def test_errors(self, yogurt):
        with pytest.raises(DataError, match=r"unknown brand 'activia'.*\['Yoplait', 'Dannon'"):
            wb.competitors.fit_choice_logit(yogurt, reference="activia")
        with pytest.raises(DataError, match=r"promotion 'display' is not in the panel.*\['feature'\]"):
            wb.competitors.fit_choice_logit(yogurt, promotions=["display"])
        flat = yogurt.table.assign(price=1.0)
        with pytest.raises(DataError, match=r"prices do not vary"):
            wb.competitors.fit_choice_logit(flat)
        two = yogurt.table.copy()
        two.loc[0, "chosen"] = 1  # occasion 1 now has two chosen alternatives
        with pytest.raises(DataError, match=r"occasions must have exactly one chosen alternative \(1 row; first: "
                                            r"occasion '1': 2 chosen\)"):
            wb.competitors.fit_choice_logit(two)

    def test_never_bought_brand_and_separation(self):
        long = pd.DataFrame({"occasion_id": np.repeat(np.arange(4), 3), "alternative": ["a", "b", "c"] * 4,
                             "chosen": [1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0], "price": [1.0, 2.0, 3.0, 2.0, 1.0, 3.0] * 2})
        with pytest.raises(DataError, match=r"column `alternative`: 'c' is never bought, so its brand constant cannot "
                                            r"be estimated \(4 rows; first: c\)"):
            wb.competitors.fit_choice_logit(long)
        # the cheaper brand is always bought: the price effect runs off to minus infinity
        sep = pd.DataFrame({"occasion_id": np.repeat(np.arange(6), 2), "alternative": ["a", "b"] * 6,
                            "chosen": [1, 0, 0, 1] * 3, "price": [1.0, 2.0, 2.0, 1.0, 1.0, 1.5, 1.5, 1.0, 1.0, 1.2,
                                                                  1.2, 1.0]})
        with pytest.raises(DataError, match=r"the choice model did not converge"):
            wb.competitors.fit_choice_logit(sep)

    def test_tuna_without_promotions(self):
        t = wb.load_choice_panel("tuna").table
        sample = t[t.household_id.astype(int) <= 300]
        m = wb.competitors.fit_choice_logit(sample)
        assert m.promotions == [] and list(m.params_.index)[0] == "price"
        assert m.price_coef_ < 0


class TestElasticities:
    def test_aggregate_matches_finite_differences_of_the_simulator(self, model):
        E = wb.competitors.elasticity_matrix(model)
        h = 1e-4
        for k in model.alternatives:
            up = wb.competitors.what_if(model, pct={k: h}).share_after
            down = wb.competitors.what_if(model, pct={k: -h}).share_after
            fd = (np.log(up) - np.log(down)) / (np.log1p(h) - np.log1p(-h))
            np.testing.assert_allclose(E[k].to_numpy(), fd.to_numpy(), atol=1e-6)

    def test_at_means_matches_train_formula_and_finite_differences(self, model):
        E = wb.competitors.elasticity_matrix(model, method="at_means")
        p = wb.competitors.choice_probabilities(model, at="means").set_index("alternative")
        b = model.price_coef_
        for k in model.alternatives:
            for j in model.alternatives:
                expected = (b * p.at[k, "price"] * (1 - p.at[k, "probability"]) if j == k
                            else -b * p.at[k, "price"] * p.at[k, "probability"])
                assert E.at[j, k] == pytest.approx(expected, rel=1e-12)
            h = 1e-4
            up = wb.competitors.what_if(model, pct={k: h}, at="means").share_after
            down = wb.competitors.what_if(model, pct={k: -h}, at="means").share_after
            fd = (np.log(up) - np.log(down)) / (np.log1p(h) - np.log1p(-h))
            np.testing.assert_allclose(E[k].to_numpy(), fd.to_numpy(), atol=1e-6)

    def test_average_method_by_hand(self, model):
        E = wb.competitors.elasticity_matrix(model, method="average")
        p = wb.competitors.choice_probabilities(model)
        b = model.price_coef_
        y = p[p.alternative == "Yoplait"]
        assert E.at["Yoplait", "Yoplait"] == pytest.approx(np.mean(b * y.price * (1 - y.probability)))
        assert E.at["Dannon", "Yoplait"] == pytest.approx(np.mean(-b * y.price * y.probability))

    def test_signs_and_sensitivity(self, model):
        E = wb.competitors.elasticity_matrix(model)
        assert (np.diag(E) < 0).all()
        assert (E.to_numpy()[~np.eye(4, dtype=bool)] > 0).all()
        own = wb.competitors.own_price_elasticities(model)
        assert wb.competitors.most_price_sensitive(model) == own.idxmin() == "Yoplait"

    def test_two_alternative_case_by_hand(self):
        # Two kinds of occasion, prices (alpha, beta) = (1, 2) and (2, 1); alpha bought on 16 of 20 and 8 of 20.
        # With V_alpha = b p_alpha and V_beta = b p_beta + a, logit P(alpha) = b (p_alpha - p_beta) - a, and
        # the two-parameter model reproduces both frequencies: -b - a = ln(0.8/0.2), b - a = ln(0.4/0.6), so
        # b = (ln(2/3) - ln 4) / 2 = ln(1/6) / 2 and a = -(ln 4 + ln(2/3)) / 2 = -ln(8/3) / 2.
        chosen_alpha = [1] * 16 + [0] * 4 + [1] * 8 + [0] * 12
        prices = [(1.0, 2.0)] * 20 + [(2.0, 1.0)] * 20
        long = pd.DataFrame({"occasion_id": np.repeat(np.arange(40), 2),
                             "household_id": np.repeat(np.arange(40), 2),
                             "alternative": ["alpha", "beta"] * 40,
                             "chosen": np.ravel([[c, 1 - c] for c in chosen_alpha]),
                             "price": np.ravel(prices), "feature": 0, "display": 0})
        m = wb.competitors.fit_choice_logit(long)
        assert m.reference == "alpha"  # 24 of 40 occasions
        assert m.price_coef_ == pytest.approx(np.log(1 / 6) / 2, abs=1e-6)
        assert m.params_["brand: beta"] == pytest.approx(-np.log(8 / 3) / 2, abs=1e-6)
        p = wb.competitors.choice_probabilities(m)
        assert p.probability.iloc[0] == pytest.approx(0.8, abs=1e-6)
        assert p.probability.iloc[-2] == pytest.approx(0.4, abs=1e-6)
        # own elasticity of alpha on a (1, 2) occasion: b * 1 * (1 - 0.8)
        E = wb.competitors.elasticity_matrix(m, method="average")
        expected = np.mean([np.log(1 / 6) / 2 * 1.0 * 0.2] * 20 + [np.log(1 / 6) / 2 * 2.0 * 0.6] * 20)
        assert E.at["alpha", "alpha"] == pytest.approx(expected, abs=1e-5)


class TestWhatIf:
    def test_price_cut_by_hand(self, model):
        w = wb.competitors.what_if(model, pct={"dannon": -0.10})
        t = model.table_
        # recompute by hand: utilities with Dannon's price x 0.9 on every occasion
        beta = model.params_
        alt = t.alternative.to_numpy(dtype=str)
        v = (beta["price"] * np.where(alt == "Dannon", 0.9, 1.0) * t.price.to_numpy()
             + beta["feature"] * t.feature.to_numpy(dtype=float))
        for a in ["Yoplait", "Hiland", "Weight Watchers"]:
            v = v + beta[f"brand: {a}"] * (alt == a)
        e = np.exp(v).reshape(-1, 4)
        shares = (e / e.sum(axis=1, keepdims=True)).mean(axis=0)
        np.testing.assert_allclose(w.share_after.to_numpy(), shares, rtol=1e-10)
        assert w.loc["Dannon", "change"] > 0 and (w.drop(index="Dannon").change < 0).all()
        assert w.change.sum() == pytest.approx(0, abs=1e-12)

    def test_level_and_several_brands(self, model):
        w = wb.competitors.what_if(model, level={"Yoplait": 8.0}, pct={"weight": 0.05})
        p = wb.competitors.choice_probabilities(model, level={"Yoplait": 8.0}, pct={"weight": 0.05})
        assert (p.loc[p.alternative == "Yoplait", "price"] == 8.0).all()
        assert w.loc["Yoplait", "share_after"] > w.loc["Yoplait", "share_now"]

    def test_unknown_brand_lists_brands(self, model):
        with pytest.raises(DataError, match=r"yogurt: column `alternative`: unknown brand 'Activia' "
                                            r"\(first: Activia\)\. Use one of the brands in the data: "
                                            r"\['Yoplait', 'Dannon', 'Hiland', 'Weight Watchers'\]"):
            wb.competitors.what_if(model, pct={"Activia": -0.1})

    def test_impossible_changes(self, model):
        with pytest.raises(DataError, match=r"price change of -100% for Dannon would make the price 0"):
            wb.competitors.what_if(model, pct={"Dannon": -1.0})
        with pytest.raises(DataError, match=r"the new price for Dannon must be above 0"):
            wb.competitors.what_if(model, level={"Dannon": 0})
        with pytest.raises(DataError, match=r"no price change given"):
            wb.competitors.what_if(model)

    def test_price_cut_scenarios(self, model):
        s = wb.competitors.price_cut_scenarios(model, change=-0.10)
        w = wb.competitors.what_if(model, pct={"Hiland": -0.10})
        assert s.loc["Hiland", "share_after"] == pytest.approx(w.loc["Hiland", "share_after"])
        assert s.loc["Hiland", "biggest_loser"] == w.drop(index="Hiland").change.idxmin()
        assert (s.change > 0).all()

    def test_iia_note_numbers(self, model):
        note = wb.competitors.iia_note(model, brand="Dannon")
        w = wb.competitors.what_if(model, pct={"Dannon": -0.10})
        others = w.drop(index="Dannon")
        took = others.change / others.change.sum()
        assert f"| Yoplait | {took['Yoplait']:.1%} |" in note
        assert "independence of irrelevant alternatives" in note
        # under IIA the split follows the current shares closely
        rest = others.share_now / others.share_now.sum()
        np.testing.assert_allclose(took, rest, atol=0.03)


class TestReportHelpers:
    def test_pick_brand_and_phrases(self, model):
        assert wb.competitors.pick_brand(model) == "Yoplait"  # the most price-sensitive
        assert wb.competitors.pick_brand(model, "weight") == "Weight Watchers"
        assert wb.competitors.change_phrase(-0.10) == "cuts its price by 10%"
        assert wb.competitors.change_phrase(0.025) == "raises its price by 2.5%"
        assert wb.competitors.column_label("share_promoted") == "Share when promoted"
        assert wb.competitors.column_label("some_new_column") == "Some new column"

    def test_record_elasticities(self, model):
        from workbench import provenance

        own = wb.competitors.record_elasticities(model)
        rec = provenance.recorded_metrics()
        assert rec["own_price_elasticity_weight_watchers"] == pytest.approx(own["Weight Watchers"])
        assert rec["own_price_elasticity_yoplait"] == pytest.approx(-2.319, abs=1e-3)

    def test_fit_table_text(self, model):
        ft = model.fit_table().set_index("statistic")["value"]
        assert ft["Purchase occasions"] == "2,412"
        assert ft["Log-likelihood"] == "-2,656.89"
        assert ft["McFadden rho-squared (vs all brands equally likely)"] == "0.205"
        assert ft["Hit rate of always predicting the most bought brand"] == "40.2%"
        assert "rho2 0.205" in repr(model)
