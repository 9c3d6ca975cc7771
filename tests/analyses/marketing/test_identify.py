"""Honesty: a channel the data cannot tell apart is said to be so, in the table, the answer and the plan, instead
of getting a number."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.analyses.marketing import MarketingMixModel, plan_budget
from workbench.reports import marketing as report

from .conftest import simulate


@pytest.fixture(scope="module")
def correlated():
    """Social's weekly spend is Search's times 1.1 plus 2% noise: the two move together."""
    rng = np.random.default_rng(4)
    n = 156
    weeks = pd.date_range("2021-01-04", periods=n, freq="7D", name="week")
    search = rng.gamma(2.0, 4000, n)
    spend = pd.DataFrame({"TV": np.where(rng.random(n) < 0.5, rng.gamma(2.0, 12000, n), 0.0), "Search": search,
                          "Social": search * 1.1 * (1 + 0.02 * rng.standard_normal(n))}, index=weeks)
    data, _ = simulate(4, n=n, spend=spend)
    return MarketingMixModel(n_bootstrap=5).fit(data)


def test_channels_that_move_together_are_flagged(correlated):
    ch = correlated.channels_
    assert not ch.loc["Search", "identified"] and not ch.loc["Social", "identified"]
    assert ch.loc["Search", "reason"] == "correlated" and ch.loc["Search", "correlated_with"] == "Social"
    assert ch.loc["Search", "correlation"] > 0.99
    assert ch.loc["TV", "identified"]


def test_the_report_gives_the_reason_instead_of_a_number(correlated):
    shown = report.channel_table(correlated).data
    search = shown[shown["Channel"] == "Search"].iloc[0]
    assert search["ROAS"] == "cannot be told apart" and search["Revenue from the next dollar"] == "cannot be told apart"
    assert "moves together with Social (correlation 1.00)" in search["Note"]
    tv = shown[shown["Channel"] == "TV"].iloc[0]
    assert tv["ROAS"][0].isdigit()
    text = report.identification_md(correlated)
    assert "**Search**: its spend moves together with Social" in text
    from workbench.data.spend import Spend
    spend = Spend(pd.DataFrame({"date": [pd.Timestamp("2021-01-04")], "channel": ["TV"], "campaign": [None],
                                "spend": [1.0], "currency": ["USD"]}), grain="week", summaries=[])
    answer = report.answer_md(spend, mmm=correlated)
    assert "**Cannot be told apart:** Search: its spend moves together with Social" in answer
    assert "No return is given for them" in answer
    ranked = answer.split("**Return on the next dollar**")[1].split("\n")[0]
    assert "Search" not in ranked and "Social" not in ranked and "TV" in ranked


def test_the_planner_keeps_their_spend(correlated):
    plan = plan_budget(correlated, change=0.2, bounds=(0.5, 2.0))
    t = plan.table
    assert t.loc["Search", "fixed"] and t.loc["Social", "fixed"]
    assert t.loc["Search", "planned_spend"] == pytest.approx(t.loc["Search", "today_spend"])
    assert t.loc["TV", "planned_spend"] == pytest.approx(plan.totals["budget"] - t.loc[["Search", "Social"],
                                                                                      "today_spend"].sum())
    assert "Kept at today's spend because the model cannot tell them apart: Search, Social." in plan.notes


def test_a_channel_with_hardly_changing_spend_is_flagged():
    n = 156
    rng = np.random.default_rng(7)
    weeks = pd.date_range("2021-01-04", periods=n, freq="7D", name="week")
    spend = pd.DataFrame({"TV": np.where(rng.random(n) < 0.5, rng.gamma(2.0, 12000, n), 0.0),
                          "Search": 8000 * (1 + 0.03 * rng.standard_normal(n)),
                          "Social": np.where(rng.random(n) < 0.7, rng.gamma(2.0, 7000, n), 0.0)}, index=weeks)
    data, _ = simulate(7, n=n, spend=spend)
    ch = MarketingMixModel(n_bootstrap=2).fit(data).channels_
    assert ch.loc["Search", "reason"] == "little_variation" and ch.loc["Search", "variation"] < 0.05
    assert report.REASONS["little_variation"].format(**ch.loc["Search"].to_dict()).startswith(
        "its weekly spend hardly changes (varies by 3%)")


def test_a_channel_spent_in_few_weeks_is_flagged():
    weeks, _ = simulate(5)
    sparse = np.zeros(len(weeks))
    sparse[[10, 50, 90]] = 20_000
    weeks.spend = weeks.spend.assign(Print=sparse)
    ch = MarketingMixModel(n_bootstrap=2).fit(weeks).channels_
    assert ch.loc["Print", "reason"] == "few_active_weeks" and ch.loc["Print", "active_weeks"] == 3


def test_a_channel_whose_spend_follows_the_season_is_flagged():
    n = 208
    rng = np.random.default_rng(11)
    weeks = pd.date_range("2021-01-04", periods=n, freq="7D", name="week")
    t = np.arange(n)
    spend = pd.DataFrame({"TV": np.where(rng.random(n) < 0.5, rng.gamma(2.0, 12000, n), 0.0),
                          "Search": 8000 * (1 + 0.6 * np.sin(2 * np.pi * t / 52.18)) * (1 + 0.01 * rng.standard_normal(n)),
                          "Social": np.where(rng.random(n) < 0.7, rng.gamma(2.0, 7000, n), 0.0)}, index=weeks)
    data, _ = simulate(11, n=n, spend=spend)
    model = MarketingMixModel(n_bootstrap=2).fit(data)
    ch = model.channels_
    search = ch.loc["Search"]
    # it varies (by about 42%) and moves with no other channel, but the season explains it
    assert search["variation"] > 0.3 and search["correlation"] < 0.5
    assert search["reason"] == "follows_base" and search["base_r2"] >= 0.9 and not search["identified"]
    assert ch.loc["TV", "identified"] and ch.loc["Social", "identified"]
    assert report.REASONS["follows_base"].format(**search.to_dict()).startswith(
        f"its spend follows the season and trend so closely (R² {search['base_r2']:.2f})")
    assert report.channel_table(model).data.set_index("Channel").loc["Search", "ROAS"] == "cannot be told apart"
