"""The marketing report's words: intervals named by their level, the SIMULATED / GENERATED label on every caption
and sentence built on such data, reasons instead of numbers, and the headline metrics."""
from __future__ import annotations

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
    assert "**Acquisition cost, lifetime value and payback:** not computed. no orders were given" in answer
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
