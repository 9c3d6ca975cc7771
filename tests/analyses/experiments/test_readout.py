"""The one-call readout and its decision rule: verdicts on generated samples with known effects, the rule on
hand-made metric tables, the options (metrics, cap, covariate) and their error messages."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.analyses.experiments.checks import srm_check
from workbench.analyses.experiments.readout import ab_readout, decide, variant_summary
from workbench.analyses.experiments.significance import holm, ratio_metric_test
from workbench.data.synthetic.experiments import experiment_sample
from workbench.errors import DataError


def _arms(counts: dict[str, int]) -> pd.DataFrame:
    return pd.DataFrame({"variant": np.repeat(list(counts), list(counts.values()))})


def _sample(lift: float, *, n: int = 60_000, seed: int = 1, split=None) -> pd.DataFrame:
    return experiment_sample(n, seed=seed, lifts={"treatment": lift}, split=split, with_events=False,
                             double_assigned_share=0).assignments


class TestDecision:
    def test_ship_when_the_primary_wins(self):
        r = ab_readout(_sample(0.5), n_resamples=200)
        assert r.decision.verdict == "ship" and r.decision.variant == r.decision.about == "treatment"
        assert r.decision.per_variant == {"treatment": "ship"} and r.decision.harmed == {"treatment": []}

    def test_dont_ship_when_the_primary_loses(self):
        r = ab_readout(_sample(-0.5), n_resamples=200)
        assert r.decision.verdict == "don't ship" and r.decision.variant is None
        assert r.row()["p_holm"] < 0.05 and r.row()["diff"] < 0

    def test_inconclusive_without_an_effect(self):
        r = ab_readout(_sample(0.0), n_resamples=200)
        assert r.row()["p_holm"] > 0.05
        assert r.decision.verdict == "inconclusive"
        assert r.decision.variant is None and r.decision.about == "treatment"

    def test_srm_stops_the_readout(self):
        r = ab_readout(_sample(0.5, split=[0.53, 0.47]), n_resamples=200)
        assert r.srm.flagged
        assert r.decision.verdict == "investigate"
        assert r.decision.variant is None and r.decision.per_variant == {}

    def test_guardrail_harm_blocks_a_winner(self):
        srm = srm_check(_arms({"control": 100, "treatment": 100}))
        m = pd.DataFrame([
            {"metric": "conversion", "variant": "treatment", "diff": 0.01, "lift": 0.1,
             "lift_low": 0.05, "lift_high": 0.15, "p_holm": 0.001, "control_value": 0.1, "variant_value": 0.11},
            {"metric": "aov", "variant": "treatment", "diff": -5.0, "lift": -0.06,
             "lift_low": -0.1, "lift_high": -0.02, "p_holm": 0.01, "control_value": 80.0, "variant_value": 75.0},
        ])
        d = decide(m, srm=srm, primary="conversion")
        assert d.verdict == "don't ship"
        assert d.per_variant == {"treatment": "don't ship"} and d.harmed == {"treatment": ["aov"]}

    def test_several_variants_ship_the_best(self):
        a = experiment_sample(90_000, seed=4, lifts={"b": 0.5, "c": 0.2}, with_events=False,
                              double_assigned_share=0).assignments
        r = ab_readout(a, n_resamples=200)
        assert len(r.metrics) == 6                          # 3 metrics x 2 treatments in one Holm family
        assert r.decision.verdict == "ship" and r.decision.variant == "b"
        assert r.decision.per_variant == {"b": "ship", "c": "inconclusive"}
        p = r.metrics["p_value"].to_numpy()
        assert r.metrics["p_holm"].to_numpy() == pytest.approx(holm(p))

    def test_of_two_winners_the_larger_lift_ships(self):
        srm = srm_check(_arms({"control": 100, "b": 100, "c": 100}))
        rows = [{"metric": "conversion", "variant": v, "diff": lift / 10, "lift": lift, "p_holm": 0.001}
                for v, lift in (("b", 0.1), ("c", 0.3))]
        d = decide(pd.DataFrame(rows), srm=srm, primary="conversion")
        assert (d.verdict, d.variant, d.per_variant) == ("ship", "c", {"b": "ship", "c": "ship"})

    def test_double_assignment_is_counted_against_all_users(self):
        r = ab_readout(_sample(0.0), checks={"double_assigned_users": 2_000}, n_resamples=200)
        assert r.double_assignment.users == 2_000
        assert r.double_assignment.share == pytest.approx(2_000 / 62_000) and r.double_assignment.flagged


class TestReadoutOptions:
    def test_custom_metrics(self):
        a = _sample(0.2, n=20_000)
        r = ab_readout(a, metrics=["conversion", "orders_per_visitor", "revenue/orders"], n_resamples=200)
        assert r.metrics["metric"].tolist() == ["conversion", "orders_per_visitor", "revenue/orders"]
        aov = ratio_metric_test(a).iloc[0]
        assert r.row("revenue/orders")["diff"] == pytest.approx(aov["diff"])
        assert r.metrics["role"].tolist() == ["primary", "guardrail", "guardrail"]

    def test_revenue_metric_without_revenue(self):
        a = _sample(0.0, n=2_000).assign(revenue=np.nan)
        with pytest.raises(DataError, match=r"column `revenue`: the column has no values.*metrics=\['conversion'\]"):
            ab_readout(a, metrics=["conversion", "revenue_per_visitor"])
        assert ab_readout(a, metrics=["conversion"]).metrics["metric"].tolist() == ["conversion"]

    def test_unknown_metric(self):
        with pytest.raises(DataError, match=r"unknown metric 'clicks'"):
            ab_readout(_sample(0.0, n=2_000), metrics=["clicks"])

    def test_covariate_missing(self):
        a = _sample(0.0, n=5_000).drop(columns="pre_revenue")
        with pytest.raises(DataError, match="covariate column 'pre_revenue' not found"):
            ab_readout(a, covariate="pre_revenue", n_resamples=100)
        r = ab_readout(a, covariate="pre_revenue", covariate_missing="skip", n_resamples=100)
        assert not r.cuped and r.covariate_missing == "pre_revenue"

    def test_cap_is_reported(self):
        r = ab_readout(_sample(0.0, n=20_000), cap_percentile=99, n_resamples=100)
        assert r.cap["percentile"] == 99 and r.cap["users_capped"] > 0
        assert r.row("revenue_per_visitor")["method"].endswith("; revenue capped")
        assert r.cap["value"] > 0 and r.cap_value == r.cap["value"]

    def test_variant_summary_by_hand(self):
        a = pd.DataFrame({"user_id": list("abcd"), "variant": ["control", "control", "treatment", "treatment"],
                          "converted": [1, 0, 1, 1], "revenue": [50.0, 0, 20.0, 40.0], "orders": [1, 0, 1, 2]})
        s = variant_summary(a).set_index("variant")
        assert s.loc["treatment", "revenue_per_visitor"] == 30.0 and s.loc["treatment", "aov"] == 20.0
        assert s.loc["control", "conversion"] == 0.5

    def test_parameters_are_kept_for_the_report(self):
        r = ab_readout(_sample(0.0, n=5_000), alpha=0.1, n_resamples=300, seed=4)
        assert (r.alpha, r.n_resamples, r.seed) == (0.1, 300, 4)
        assert r.comparisons == 3 and r.n_variants == 2
        assert r.bootstrapped == ["revenue_per_visitor"]
