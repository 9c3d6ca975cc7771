"""Charts of the marketing report: each draws its marks, passes **kwargs on, labels its axes with units, says when
the data are generated, and shows the reason for a skipped section."""
from __future__ import annotations

import copy

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import workbench as wb
from workbench.analyses import marketing as mk
from workbench.sections import Skipped

from tests.analyses.marketing.conftest import simulate
from tests.analyses.marketing.test_efficiency import _orders


@pytest.fixture(scope="module")
def model():
    weeks, _ = simulate(2)
    return mk.MarketingMixModel(n_bootstrap=5).fit(weeks)


@pytest.fixture(scope="module")
def shop():
    days = pd.date_range("2025-01-01", "2025-03-31", freq="D")
    spend = wb.load_spend(pd.concat([pd.DataFrame({"date": days, "channel": "Google Ads", "spend": 2.0}),
                                     pd.DataFrame({"date": days, "channel": "Meta Ads", "spend": 1.0})]),
                          currency="USD")
    lines = mk.contribution_lines(_orders(), margin=0.5)
    return spend, mk.acquisition_costs(spend, orders=_orders()), mk.payback(lines, spend=spend)


def test_model_charts(model):
    ax = wb.plots.plot_model_fit(model)
    assert ax.get_title().endswith("(GENERATED sample)") and "Revenue per week (USD)" == ax.get_ylabel()
    ax = wb.plots.plot_channel_roas(model, color="#123456")
    assert ax.patches[0].get_facecolor()[:3] == pytest.approx((0x12 / 255, 0x34 / 255, 0x56 / 255))
    assert [t.get_text() for t in ax.get_yticklabels()] == list(model.channels_.sort_values("mroas").index)
    ax = wb.plots.plot_channel_roas(model, column="roas")
    assert ax.get_xlabel() == "Revenue per dollar spent (ROAS), with its 90% interval"
    ax = wb.plots.plot_decomposition(model)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(model.channels_.index)


def test_a_channel_that_cannot_be_told_apart_gets_words_not_a_bar(model):
    doubtful = copy.copy(model)
    doubtful.channels_ = model.channels_.assign(identified=lambda f: f.index != "Search",
                                                reason=lambda f: np.where(f.index == "Search", "correlated", None))
    ax = wb.plots.plot_channel_roas(doubtful)
    assert len(ax.patches) == len(model.channels_) - 1                       # no bar for Search
    assert "cannot be told apart (see below)" in [t.get_text() for t in ax.texts]
    ax = wb.plots.plot_decomposition(doubtful)
    assert "Search (cannot be told apart)" in [t.get_text() for t in ax.get_legend().get_texts()]
    curves = mk.response_curves(doubtful, points=5)
    titles = [a.get_title() for a in wb.plots.plot_response_curves(curves).flat]
    assert "Search (cannot be told apart)" in titles
    plan = mk.plan_budget(doubtful, change=0.1)
    texts = [t.get_text() for t in wb.plots.plot_budget_plan(plan).texts]
    assert any(t.endswith("(kept: cannot be told apart)") for t in texts)
    plt.close("all")


def test_curves_plan_and_quarter(model):
    curves = mk.response_curves(model, points=9)
    plan = mk.plan_budget(model, change=0.1)
    axes = wb.plots.plot_response_curves(curves, plan=plan)
    assert axes.size >= 3 and axes.flat[0].get_title() == "TV"
    assert axes.flat[0].get_xlabel() == "Spend per week (USD)"
    ax = wb.plots.plot_budget_plan(plan)
    assert [t.get_text() for t in ax.get_yticklabels()] == list(plan.table.index)
    assert ax.get_xlabel() == "Spend over the next 13 weeks (USD)"


def test_acquisition_and_payback_charts(shop):
    spend, acquisition, payback = shop
    ax = wb.plots.plot_cac_trend(acquisition)
    assert ax.get_ylabel() == "New customers per month" and len(ax.patches) == 3
    ax = wb.plots.plot_payback_curves(payback)
    assert "paid back in month 1" in [t.get_text().strip() for t in ax.texts]
    assert ax.get_xlabel().startswith("Months since the first order")


def test_spend_trend(shop):
    spend = shop[0]
    periods = mk.spend_by_period(spend, revenue=pd.Series(100.0, index=pd.date_range("2025-01-06", periods=12,
                                                                                          freq="7D")), period="month")
    ax = wb.plots.plot_spend_trend(periods, currency="USD")
    assert ax.get_ylabel() == "Spend per month (USD)" and len(ax.patches) == 2 * len(periods)


def test_spend_trend_without_a_complete_period_is_a_panel():
    short = wb.load_spend(pd.DataFrame({"date": ["2026-11-03", "2026-11-04", "2026-11-05"], "spend": [20.0, 22, 18]}),
                          channel="Meta Ads")
    periods = mk.spend_by_period(short, period="month")
    assert periods.empty and periods.attrs["period"] == "month"
    ax = wb.plots.plot_spend_trend(periods)
    assert ax.texts[0].get_text() == "Not drawn for this data: No complete month of spend yet."
    assert ax.get_title(loc="left") == "Marketing spend by channel"
    plt.close("all")


def test_skipped_sections_show_the_reason():
    ax = wb.plots.plot_payback_curves(Skipped("no orders were given", "Payback"))
    assert "no orders were given" in ax.texts[0].get_text() and ax.get_title(loc="left") == "Payback"
    plt.close("all")
