"""The competitor-analysis report's words: sentences that follow the parameters (a cut or a rise, the interval
level, the index reference, generated data), display tables with their labels and captions, and the headline
metrics with the baseline's names, kinds and labels."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import workbench as wb
from workbench.present.narrative import Markdown
from workbench import provenance
from workbench.reports import competitors as R


@pytest.fixture(scope="module")
def yogurt():
    return wb.load_choice_panel("yogurt")


@pytest.fixture(scope="module")
def model(yogurt):
    return wb.competitors.ChoiceLogit().fit(yogurt)


@pytest.fixture(scope="module")
def two_brands():
    """40 occasions of two brands at prices (1, 2) and (2, 1): fits in a blink."""
    chosen_alpha = [1] * 16 + [0] * 4 + [1] * 8 + [0] * 12
    prices = [(1.0, 2.0)] * 20 + [(2.0, 1.0)] * 20
    return pd.DataFrame({"occasion_id": np.repeat(np.arange(40), 2), "household_id": np.repeat(np.arange(40), 2),
                         "alternative": ["alpha", "beta"] * 40,
                         "chosen": np.ravel([[c, 1 - c] for c in chosen_alpha]), "price": np.ravel(prices)})


@pytest.fixture(scope="module")
def prices():
    data = wb.load_price_monitoring(None)
    index = wb.competitors.price_index(data)
    return data, wb.competitors.overall_price_index(index), wb.competitors.position_counts(index)


def _labels(styler) -> list[str]:
    return list(styler.data.columns)


class TestPhrases:
    def test_change(self):
        assert R.change_md(-0.10) == "cuts its price by 10%"
        assert R.change_md(0.025) == "raises its price by 2.5%"
        assert R.change_md(-0.10, own=True) == "cuts its own price by 10%"
        assert R.change_md(0.0) == "keeps its price"
        assert isinstance(R.change_md(0.1), Markdown)

    def test_reference(self):
        assert R.reference_md("mean") == "the competitors' mean price"
        assert R.reference_md("min") == "the lowest competitor price"
        assert R.reference_md("Competitor B") == "Competitor B's price"

    def test_index_words(self):
        assert R._index_words(96.4) == "3.6% cheaper than"
        assert R._index_words(103.0) == "3.0% more expensive than"
        assert R._index_words(100.2) == "level with"
        assert R._index_words(float("nan")) == "not comparable with"


class TestSentences:
    def test_answer_says_the_model_scenario_and_position(self, model, prices):
        data, overall, positions = prices
        scenario = wb.competitors.what_if(model, pct={"Yoplait": -0.10})
        text = R.answer_md(model, scenario=scenario, brand="Yoplait", change=-0.10, overall=overall,
                           positions=positions, reference="mean", generated=data.generated)
        assert ("**Answer.** In the yogurt panel, **Yoplait** is the brand whose share reacts most to its own price: "
                "a 1% price rise is predicted to cut its share by 2.32% (own-price elasticity -2.32; the least "
                "sensitive is Dannon at -1.66).") in text
        assert ("**What-if:** if Yoplait cuts its price by 10% on every purchase occasion, its predicted share moves "
                "from 33.9% to 42.3% (+8.4 pp, +24.7%), taken mostly from Dannon (-5.0 pp).") in text
        assert ("**Price position (GENERATED sample data):** our prices are on average 0.9% more expensive than "
                "the competitors' mean price (price index 100.9; below 100 = we are cheaper) across 40 products. "
                "We are the cheapest seller on 7 and the most expensive on 4.") in text

    def test_answer_after_a_price_rise_says_where_the_share_goes(self, model, prices):
        _, overall, positions = prices
        scenario = wb.competitors.what_if(model, pct={"Dannon": 0.05})
        text = R.answer_md(model, scenario=scenario, brand="Dannon", change=0.05, overall=overall,
                           positions=positions, reference="min")
        assert "if Dannon raises its price by 5% on every purchase occasion" in text
        assert "going mostly to Yoplait (+" in text
        assert "**Price position:**" in text and "the lowest competitor price" in text

    def test_iia_note_shows_the_split(self):
        split = pd.DataFrame({"part_of_change": [0.6, 0.4], "share_of_rest": [0.58, 0.42]},
                             index=pd.Index(["B", "C"], name="alternative"))
        note = R.iia_md(split, brand="A", change=-0.10)
        assert "When A cuts its price by 10%, the share it gains comes from:" in note
        assert "| B | 60.0% | 58.0% |" in note and "| C | 40.0% | 42.0% |" in note
        assert "independence of irrelevant alternatives" in note
        rise = R.iia_md(split, brand="A", change=0.05)
        assert "When A raises its price by 5%, the share it loses goes to:" in rise
        assert "| competitor | part of the loss going to it |" in rise

    def test_direction_follows_the_parameters(self):
        text = R.index_direction_md("min", tolerance=0.02, max_age_days=1, generated=True)
        assert "100 x our price / the lowest competitor price; **below 100 = we are cheaper**" in text
        assert "older than 1 day are left out" in text and "within 2.0% as equal" in text
        assert "come from GENERATED sample data" in text
        assert "GENERATED" not in R.index_direction_md("mean", tolerance=0.01, max_age_days=7)

    def test_demand_data(self):
        weekly = wb.competitors.oj_weekly_sales(wb.load_oj_purchases())
        text = R.demand_data_md(weekly)
        assert "1,070 purchases of Citrus Hill or Minute Maid" in text
        assert "(5 stores, 52 week numbers)" in text
        assert "weeks 227+, weeks 240+, weeks 253+, weeks 266+" in text


class TestTables:
    def test_shares_and_promotions(self, yogurt):
        shares = R.shares_table(wb.competitors.choice_shares(yogurt))
        assert _labels(shares) == ["Brand", "Occasions won", "Share", "Mean price", "Median price", "Feature ad rate"]
        assert "33.9%" in shares.to_html() and "10.80" in shares.to_html()
        promo = R.promotions_table(wb.competitors.promotion_shares(yogurt))
        assert "+21.4 pp" in promo.to_html()
        tuna = wb.attempt(wb.competitors.promotion_shares, wb.load_choice_panel("tuna"), section="Under promotion")
        assert R.promotions_table(tuna) is tuna  # the reason is shown in place of the table

    def test_estimates_follow_alpha(self, two_brands):
        m = wb.competitors.ChoiceLogit(alpha=0.10).fit(two_brands)
        t = R.estimates_table(m)
        assert "90% CI low" in _labels(t) and "90% CI high" in _labels(t)
        assert t.caption == "Conditional logit estimates, panel panel (reference brand: alpha; 90% intervals)"
        m95 = wb.competitors.ChoiceLogit(alpha=0.025).fit(two_brands)
        assert "97.5% CI low" in _labels(R.estimates_table(m95))

    def test_model_fit_text(self, model):
        ft = R.model_fit_table(model).data.set_index("Statistic")["Value"]
        assert ft["Purchase occasions"] == "2,412"
        assert ft["Log-likelihood"] == "-2,656.89"
        assert ft["McFadden rho-squared (vs all brands equally likely)"] == "0.205"
        assert ft["Hit rate of always predicting the most bought brand"] == "40.2%"

    def test_what_if_and_scenarios_follow_the_change(self, model):
        w = R.what_if_table(wb.competitors.what_if(model, pct={"Yoplait": -0.1}), brand="Yoplait", change=-0.1)
        assert w.caption == "What-if: Yoplait cuts its price by 10% on every occasion (change in percentage points)"
        assert "+8.4 pp" in w.to_html() and "+24.7%" in w.to_html()  # relative change signed
        cut = R.scenarios_table(wb.competitors.price_cut_scenarios(model, change=-0.1), change=-0.1)
        assert "Loses most" in _labels(cut) and cut.caption.startswith("If each brand alone cuts its own price by 10%")
        rise = R.scenarios_table(wb.competitors.price_cut_scenarios(model, change=0.05), change=0.05)
        assert "Gains most" in _labels(rise) and "the competitor that gains most" in rise.caption

    def test_price_tables_say_generated(self, prices):
        data, overall, positions = prices
        o = R.overall_index_table(overall, generated=True)
        assert o.caption.endswith("(GENERATED sample)") and _labels(o)[:2] == ["Method", "Price index"]
        p = R.positions_table(positions, tolerance=0.01)
        assert p.caption == "Where we stand per product, tolerance 1.0%"
        s = R.scorecard_table(wb.competitors.seller_scorecard(data), generated=True)
        assert s.caption == "Sellers side by side (GENERATED sample)" and _labels(s)[0] == "Seller"

    def test_demand_table_follows_the_options(self):
        weekly = wb.competitors.oj_weekly_sales(wb.load_oj_purchases())
        kw = dict(competitor_prices=["competitor_price"], promotions=["special"])
        by = R.demand_table(wb.competitors.DemandRegression(by="brand", **kw).fit(weekly))
        assert _labels(by)[:3] == ["Brand", "Term", "Estimate"]
        assert "by brand, orange juice (OLS with heteroskedasticity-robust 95% intervals" in by.caption
        one = R.demand_table(wb.competitors.DemandRegression(cov_type="nonrobust", alpha=0.1, **kw)
                             .fit(weekly[weekly.brand == "Minute Maid"]))
        assert _labels(one)[:2] == ["Term", "Estimate"] and "90% CI low" in _labels(one)
        assert "Weeks used" not in _labels(one)
        assert "(OLS with classical 90% intervals" in one.caption


def test_record_headlines_as_the_baseline(model, prices, tmp_path, monkeypatch):
    """Names, kinds, units and values of the baseline run (yogurt, generated prices), plus directions."""
    monkeypatch.setenv(provenance.RUN_DIR_ENV, str(tmp_path))
    data, overall, _ = prices
    scenario = wb.competitors.what_if(model, pct={"Yoplait": -0.10})
    out = R.record_headlines(model, scenario=scenario, brand="Yoplait", change=-0.10, overall=overall,
                             generated=data.generated)
    _, metrics = provenance.read_run_records(tmp_path)
    by_name = {m["name"]: m for m in metrics}
    assert list(out) == ["price_coefficient", "most_price_sensitive_brand", "own_price_elasticity_yoplait",
                         "own_price_elasticity_dannon", "own_price_elasticity_hiland",
                         "own_price_elasticity_weight_watchers", "what_if_share_change_pp", "mcfadden_rho2",
                         "overall_price_index"]
    assert by_name["price_coefficient"]["value"] == pytest.approx(-0.3665844668906031, rel=1e-9)
    assert by_name["most_price_sensitive_brand"] == {"name": "most_price_sensitive_brand", "value": "Yoplait",
                                                     "label": "Most price-sensitive brand", "kind": "text",
                                                     "unit": None, "good": None, "key": True}
    assert by_name["own_price_elasticity_weight_watchers"]["value"] == pytest.approx(-2.150078494603347, rel=1e-9)
    assert by_name["own_price_elasticity_weight_watchers"]["label"] == "Own-price elasticity: Weight Watchers"
    w = by_name["what_if_share_change_pp"]
    assert w["value"] == pytest.approx(8.384896158056298, rel=1e-9)
    assert (w["label"], w["kind"], w["unit"]) == ("Change in Yoplait's share if it cuts its price by 10%", "number",
                                                  "pp")
    assert by_name["mcfadden_rho2"]["kind"] == "ratio" and by_name["mcfadden_rho2"]["good"] == "up"
    # the model's coefficient and fit are tracked, not header cards
    assert [n for n, m in by_name.items() if m.get("card") is False] == ["price_coefficient", "mcfadden_rho2"]
    ix = by_name["overall_price_index"]
    assert ix["value"] == pytest.approx(100.94644869148023, rel=1e-9)
    assert ix["label"] == "Overall price index, 100 = level, below = cheaper (GENERATED sample)"
