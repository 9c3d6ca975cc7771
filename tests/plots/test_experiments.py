"""Charts of the experiment report: they draw what the result says, with titles and labelled axes."""
from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from workbench.analyses.experiments.abtest import ab_readout, true_lifts
from workbench.analyses.experiments.funnel import checkout_funnel
from workbench.analyses.experiments.planning import power_curve
from workbench.data.events import load_events
from workbench.data.synthetic.experiments import experiment_sample
from workbench.plots.experiments import (
    ab_lift_forest, ab_power_curve, ab_revenue_distribution, funnel_bars, funnel_segment_dropoff,
)

FIX = Path(__file__).parents[2] / "fixtures" / "experiments"


@pytest.fixture(scope="module")
def funnel():
    return checkout_funnel(load_events(FIX / "events_generic.csv"), segment="device")


@pytest.fixture(scope="module")
def sample():
    return experiment_sample(20_000, seed=9, with_events=False, double_assigned_share=0)


def test_funnel_bars(funnel):
    ax = funnel_bars(funnel)
    heights = [p.get_height() for p in ax.patches]
    assert heights == [6, 5, 2, 1, 1, 1]                     # strict counts of the hand-made log
    assert ax.get_title() == "Checkout funnel: 16.7% of item viewers purchased (all users)"
    texts = [t.get_text() for t in ax.texts]
    assert "-60%" in texts                                    # add_to_cart -> begin_checkout loses 3 of 5
    assert ax.get_ylabel() == "Users reaching the step"
    ax = funnel_bars(funnel, note="Data: generated sample: GENERATED, not a real shop", ax=plt.figure().gca())
    assert "Data: generated sample: GENERATED, not a real shop" in [t.get_text() for t in ax.texts]


def test_funnel_segment_dropoff(funnel):
    ax = funnel_segment_dropoff(funnel, segment_name="device")
    assert len(ax.patches) == 4 * 5                           # All users + 3 devices, 5 transitions
    assert ax.get_title() == "Where shoppers drop out, by device"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["All users", "desktop", "mobile", "tablet"]


def test_funnel_without_events_draws_a_note():
    ax = funnel_bars(None)
    assert "No event log" in ax.texts[0].get_text()
    ax = funnel_segment_dropoff(None, ax=plt.figure().gca())
    assert "No event log" in ax.texts[0].get_text()


def test_lift_forest(sample):
    r = ab_readout(sample.assignments, n_resamples=100)
    ax = ab_lift_forest(r.metrics, truth=true_lifts(sample.truth))
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["Conversion rate [primary]", "Revenue per visitor", "Average order value"]
    crosses = [line for line in ax.lines if line.get_marker() == "x"]
    assert [c.get_xdata()[0] for c in crosses] == pytest.approx([0.08, 0.08, 0.0])
    assert "confidence interval" in ax.get_xlabel()


def test_revenue_distribution(sample):
    ax = ab_revenue_distribution(sample.assignments, control="control", cap=300.0)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    buyers = sample.assignments.groupby("variant")["converted"].sum()
    assert legend[0].startswith(f"control: {buyers['control']:,} buyers")
    assert any(t.get_text() == "cap $300" for t in ax.texts)
    assert ax.get_xscale() == "log"


def test_power_curve():
    curve = power_curve(0.03, daily_traffic=10_000, lifts=[0.1, 0.2], max_weeks=2)
    ax = ab_power_curve(curve, days_run=14, note="Data: x")
    assert "Data: x" in [t.get_text() for t in ax.texts]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["true lift +10%", "true lift +20%"]
    assert any(t.get_text() == "this test: 14 days" for t in ax.texts)
    assert "alpha 0.05" in ax.get_xlabel()


def test_power_curve_without_traffic_draws_a_note():
    ax = ab_power_curve(pd.DataFrame(columns=["relative_lift", "days", "users_per_variant", "power"]))
    assert "Daily traffic unknown" in ax.texts[0].get_text()


def test_errors_name_the_choice(funnel):
    with pytest.raises(ValueError, match="no funnel rows for counting='ordered'"):
        funnel_bars(funnel, counting="ordered")
    with pytest.raises(ValueError, match="no user has revenue > 0"):
        ab_revenue_distribution(pd.DataFrame({"variant": ["a"], "revenue": [0.0]}))
