"""What the fitted choice model predicts when prices change, checked against independent references:

- finite differences of the what-if simulator for the elasticity formulas (Train 3.6),
- Train's closed-form elasticities at mean prices, and the plain mean of occasion elasticities by hand,
- a two-alternative panel whose maximum-likelihood estimates and probabilities are known in closed form,
- shares after a price cut recomputed by hand from the estimates.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import workbench as wb
from workbench.errors import DataError


class TestElasticities:
    def test_aggregate_matches_finite_differences_of_the_simulator(self, model):
        E = wb.competitors.elasticity_matrix(model)
        h = 1e-4
        for k in model.alternatives_:
            up = wb.competitors.what_if(model, pct={k: h}).share_after
            down = wb.competitors.what_if(model, pct={k: -h}).share_after
            fd = (np.log(up) - np.log(down)) / (np.log1p(h) - np.log1p(-h))
            np.testing.assert_allclose(E[k].to_numpy(), fd.to_numpy(), atol=1e-6)

    def test_at_means_matches_train_formula_and_finite_differences(self, model):
        E = wb.competitors.elasticity_matrix(model, method="at_means")
        p = wb.competitors.choice_probabilities(model, at="means").set_index("alternative")
        b = model.price_coef_
        for k in model.alternatives_:
            for j in model.alternatives_:
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
        m = wb.competitors.ChoiceLogit().fit(long)
        assert m.reference_ == "alpha"  # 24 of 40 occasions
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
        assert s.loc["Hiland", "most_affected"] == w.drop(index="Hiland").change.idxmin() == "Dannon"
        assert s.loc["Hiland", "most_affected_change"] == pytest.approx(w.loc["Dannon", "change"])
        assert (s.change > 0).all()

    def test_price_rise_scenarios_name_the_competitor_that_gains_most(self, model):
        s = wb.competitors.price_cut_scenarios(model, change=0.05)
        w = wb.competitors.what_if(model, pct={"Yoplait": 0.05})
        assert (s.change < 0).all()
        assert s.loc["Yoplait", "most_affected"] == w.drop(index="Yoplait").change.idxmax() == "Dannon"
        assert wb.competitors.most_affected_competitor(w, brand="Yoplait") == "Dannon"
        with pytest.raises(DataError, match=r"'Activia' is not in the what-if result"):
            wb.competitors.most_affected_competitor(w, brand="Activia")

    def test_pick_brand(self, model):
        assert wb.competitors.pick_brand(model) == "Yoplait"  # the most price-sensitive
        assert wb.competitors.pick_brand(model, name="weight") == "Weight Watchers"

    def test_substitution_split_follows_shares(self, model):
        split = wb.competitors.substitution_split(model, brand="Dannon")
        w = wb.competitors.what_if(model, pct={"Dannon": -0.10})
        others = w.drop(index="Dannon")
        took = others.change / others.change.sum()
        rest = others.share_now / others.share_now.sum()
        np.testing.assert_allclose(split.part_of_change, took, rtol=1e-12)
        np.testing.assert_allclose(split.share_of_rest, rest, rtol=1e-12)
        assert split.part_of_change.sum() == pytest.approx(1) and list(split.index) == ["Yoplait", "Hiland",
                                                                                         "Weight Watchers"]
        # under IIA the split follows the current shares closely
        np.testing.assert_allclose(took, rest, atol=0.03)
        # default: the most price-sensitive brand
        assert "Yoplait" not in wb.competitors.substitution_split(model).index
