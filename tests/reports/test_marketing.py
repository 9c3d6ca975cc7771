"""The marketing report's words: intervals named by their level, the SIMULATED / GENERATED label on every caption
and sentence built on such data, reasons instead of numbers, and the headline metrics."""
from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

import workbench as wb
from workbench import provenance
from workbench.analyses import marketing as mk
from workbench.reports import marketing as report
from workbench.sections import Skipped

from tests.analyses.marketing.conftest import simulate


@pytest.fixture(scope="module")
def model():
    weeks, _ = simulate(1)
    return mk.MarketingMixModel(n_bootstrap=20, level=0.8).fit(weeks)


@pytest.fixture(scope="module")
def robyn_spend():
    return wb.load_spend("robyn", currency="USD")


def test_interval_wording_follows_the_level(model):
    caption = report.channel_table(model).caption
    assert "80% intervals in brackets" in caption and "90%" not in caption
    assert "Revenue from the next dollar" in report.channel_table(model).data.columns
    assert "80% interval" in report.identification_md(model) or "80%" in report.answer_md(
        wb.load_spend("robyn"), mmm=model)


def test_generated_and_simulated_data_are_labelled(model, robyn_spend):
    assert report.channel_table(model).caption.endswith("(GENERATED sample)")
    assert report.model_md(model).endswith("(These figures come from a GENERATED sample.)")
    weeks = mk.weekly_data(robyn_spend)
    periods = mk.spend_by_period(robyn_spend, revenue=weeks, period="quarter")
    channels = mk.spend_by_channel(robyn_spend)
    assert report.period_table(periods, origin="simulated").caption.endswith("(SIMULATED data)")
    assert report.channel_spend_table(channels, origin="simulated").caption.endswith("(SIMULATED data)")
    assert report.spend_md(periods, channels=channels, origin="simulated").endswith(
        "(These figures come from SIMULATED data.)")
    answer = report.answer_md(robyn_spend)
    assert answer.startswith("- **These data are SIMULATED by their authors: Meta's Robyn demo data")
    assert report.channel_spend_table(channels).caption.endswith("itself")      # real data: no label


def test_answer_ranks_the_next_dollar_and_says_what_is_missing(model, robyn_spend):
    plan = mk.plan_budget(model, change=0.0)
    skipped = Skipped("no orders were given", "New customers and CAC")
    answer = report.answer_md(robyn_spend, mmm=model, plan=plan, acquisition=skipped, margin=0.4)
    ok = model.channels_.sort_values("mroas", ascending=False)
    first = ok.index[0]
    assert f"80% interval): {first} {ok['mroas'].iloc[0]:.2f}" in answer
    assert "At a 40% margin the next dollar pays for itself only above 2.50 of revenue." in answer
    assert "**Acquisition cost, lifetime value and payback:** not computed. No orders were given" in answer
    assert f"over the next 13 weeks (${plan.totals['budget']:,.0f} in all)" in answer


def test_plan_table_rows_and_total(model):
    plan = mk.plan_budget(model, change=0.1)
    shown = report.plan_table(plan).data
    assert shown["Channel"].tolist() == [*model.channels_.index, "All channels"]
    assert shown["Change"].iloc[-1] == "+10%"
    assert report.plan_table(Skipped("why", "Budget plan")) == ""        # the section's sentence says why


def test_payback_table_says_not_yet():
    pb = mk.payback.__globals__["Payback"](
        cohorts=pd.DataFrame({"cohort": pd.to_datetime(["2025-01-01", "2025-02-01"]), "customers": [2, 3],
                              "spend": [90.0, 60.0], "cac": [45.0, 20.0], "payback_month": [np.nan, 1.0],
                              "months_observed": [3, 2], "contribution_to_date": [40.0, 25.0]}),
        curves=pd.DataFrame(), overall=pd.DataFrame(), totals={}, origin="real")
    shown = report.payback_table(pb).data
    assert shown["Paid back in month"].tolist() == ["not yet (3 months)", "1"]
    assert shown["Cohort (month of first order)"].tolist() == ["Jan 2025", "Feb 2025"]


def test_headlines_record_what_could_be_computed(model, robyn_spend, tmp_path, monkeypatch):
    monkeypatch.setenv(provenance.RUN_DIR_ENV, str(tmp_path))
    weeks = mk.weekly_data(robyn_spend)
    plan = mk.plan_budget(model, change=0.0)
    out = report.record_headlines(robyn_spend, weeks=weeks, mmm=model, plan=plan, acquisition=Skipped("no orders"),
                                  currency="USD")
    assert out["data_origin"] == "SIMULATED (Robyn demo data)"
    assert out["total_spend"] == pytest.approx(14529098.51)
    assert out["mer"] == pytest.approx(weeks.revenue.sum() / weeks.spend.to_numpy().sum())
    assert out["mmm_holdout_mape"] == pytest.approx(model.holdout_mape_)
    assert out["plan_revenue_gain"] == pytest.approx(round(plan.totals["revenue_gain"], 2))
    assert "blended_cac" not in out and "payback_months" not in out
    _, metrics = provenance.read_run_records(tmp_path)
    labels = {m["name"]: m["label"] for m in metrics}
    assert labels["total_spend"] == "Marketing spend, 23 Nov 2015 to 17 Nov 2019"
    goods = {m["name"]: m["good"] for m in metrics}
    assert goods["mmm_holdout_mape"] == "down" and goods["plan_revenue_gain"] == "up"


def test_campaign_table_without_campaigns(robyn_spend):
    text = report.campaign_table(mk.spend_by_channel(robyn_spend, by="campaign"))
    assert text == "*The spend files name no campaigns: spend is shown by channel only.*"


def _with_a_doubtful_channel(model, channel="Social"):
    """The fitted model, but ``channel`` now has the highest return on the next dollar and an interval reaching 0."""
    doubtful = copy.copy(model)
    ch = model.channels_.copy()
    ch.loc[channel, ["mroas", "mroas_lower", "mroas_upper"]] = [9.0, 0.0, 15.0]
    doubtful.channels_ = ch
    return doubtful


def test_a_channel_whose_interval_reaches_zero_is_not_the_answer(model, robyn_spend, tmp_path, monkeypatch):
    doubtful = _with_a_doubtful_channel(model)
    answer = report.answer_md(robyn_spend, mmm=doubtful)
    assert ("80% interval): TV 3.04 (3.03-3.09); Search 1.18 (1.03-1.24). Social 9.00 (0.00-15.00) is higher on the "
            "central estimate, but its interval reaches zero: the data cannot rule out that it brings nothing.") in answer
    monkeypatch.setenv(provenance.RUN_DIR_ENV, str(tmp_path))
    out = report.record_headlines(robyn_spend, mmm=doubtful)
    assert out["best_channel"] == "TV" and out["best_mroas"] == pytest.approx(model.channels_.loc["TV", "mroas"])
    _, metrics = provenance.read_run_records(tmp_path)
    labels = {m["name"]: m["label"] for m in metrics}
    assert labels["best_channel"] == "Channel returning most on the next dollar (interval above zero)"
    plain = report.record_headlines(robyn_spend, mmm=model)            # every interval above zero: no qualifier
    assert plain["best_channel"] == "TV"


def test_the_plan_says_when_it_adds_to_a_channel_whose_interval_reaches_zero(model):
    doubtful = _with_a_doubtful_channel(model, "TV")
    plan = mk.plan_budget(model, change=0.0)
    assert plan.table.loc["TV", "change"] > 0
    text = report.plan_md(plan, mmm=doubtful)
    assert ("It adds to TV, whose 80% interval of the next dollar's return reaches zero: that part of the plan is "
            "the least certain.") in text
    assert "least certain" not in report.plan_md(plan, mmm=model)
    assert "(+" in text and "on the revenue the model puts down to paid media; the model's estimate)" in text


@pytest.mark.parametrize("margin, expected", [
    (0.4, "At a 40% margin the next dollar pays for itself only above 2.50 of revenue. TV clears it, Search and "
          "Social do not (central estimates)."),
    (0.9, "At a 90% margin the next dollar pays for itself only above 1.11 of revenue. TV and Search clear it, Social "
          "does not (central estimates)."),
    (0.2, "At a 20% margin the next dollar pays for itself only above 5.00 of revenue. No channel's next dollar does "
          "(central estimates): by the model, less spend would leave more contribution."),
])
def test_which_channels_next_dollar_pays_for_itself(model, robyn_spend, margin, expected):
    # central estimates: TV 3.04, Search 1.18, Social 0.69 (see the ranking test)
    assert expected in report.answer_md(robyn_spend, mmm=model, margin=margin)
    richer = copy.copy(model)                       # every channel returning 10x as much: all of them clear 2.50
    richer.channels_ = model.channels_.assign(**{c: model.channels_[c] * 10 for c in ("mroas", "mroas_lower",
                                                                                      "mroas_upper")})
    assert "Every channel's next dollar does (central estimates)." in report.answer_md(robyn_spend, mmm=richer,
                                                                                         margin=0.4)


def test_mer_in_words_is_the_headline_figure(robyn_spend):
    weeks = mk.weekly_data(robyn_spend)
    periods = mk.spend_by_period(robyn_spend, revenue=weeks, period="month")
    channels = mk.spend_by_channel(robyn_spend)
    mer = weeks.revenue.sum() / weeks.spend.to_numpy().sum()
    text = report.spend_md(periods, channels=channels, weeks=weeks, origin="simulated")
    assert f"Over the 208 complete weeks with revenue, every $1 of marketing came with ${mer:,.2f} of revenue" in text
    assert "months with revenue" in report.spend_md(periods, channels=channels, origin="simulated")


def test_scenarios_caption_says_what_revenue_and_contribution_are(model):
    with_margin = report.scenarios_table(mk.budget_scenarios(model, changes=(0.0, 0.1), margin=0.4)).caption
    assert with_margin == ("Budget scenarios over the next 13 weeks: the best split of each budget, against today's "
                           "proportions; revenue is what the model puts down to paid media; contribution = margin x "
                           "that revenue - spend (below zero: the spend costs more than the margin it brings) "
                           "(GENERATED sample)")
    without = report.scenarios_table(mk.budget_scenarios(model, changes=(0.0, 0.1))).caption
    assert "contribution" not in without and without.endswith("paid media (GENERATED sample)")


def _quarter(mape: float, naive_mape: float, *, seasonal: bool = False):
    idx = pd.date_range("2025-01-06", periods=2, freq="7D")
    weeks = pd.DataFrame({"forecast": [100.0, 100.0], "lower": [90.0, 90.0], "upper": [110.0, 110.0]}, index=idx)
    totals = {"forecast": 200.0, "planned": 230.0, "change": 30.0, "planned_spend": 50.0, "weeks": 2}
    return mk.QuarterPlan(weeks=weeks, spend=pd.DataFrame(index=idx), totals=totals, level=0.9, model="ETS",
                          backtest_mape=mape, naive_mape=naive_mape, naive_seasonal=seasonal)


def test_the_quarter_plan_compares_its_forecast_with_the_naive_one():
    better = str(report.quarter_md(_quarter(0.05, 0.08)))
    assert ("expects $200 of revenue over the next 2 weeks if marketing goes on as it is (its method missed by "
            "5.0% on the last weeks held out; repeating the last week missed by 8.0%). With the planned split the "
            "model adds $30, for $230, spending $50.") in better
    assert "did worse than the naive one" not in better
    worse = str(report.quarter_md(_quarter(0.12, 0.08, seasonal=True)))
    assert "(its method missed by 12.0% on the last weeks held out; repeating the last season missed by 8.0%)" in worse
    assert ("The forecast did worse than the naive one on those weeks: read its total as rough; the planned split's "
            "difference does not depend on it.") in worse
    # within 5% of the naive error: no warning
    assert "did worse" not in str(report.quarter_md(_quarter(0.083, 0.08)))
