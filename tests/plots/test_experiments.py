"""Charts of the experiment report: they draw what the result says, with titles, labelled axes and the
generated-data label, pass **kwargs to the marks, and draw a note where there is nothing to draw."""
from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from workbench.analyses.experiments.funnel import checkout_funnel
from workbench.analyses.experiments.planning import plan_next_test
from workbench.analyses.experiments.readout import ab_readout
from workbench.data.events import load_events
from workbench.data.synthetic.experiments import experiment_sample, true_lifts
from workbench.plots.experiments import (
    plot_funnel, plot_funnel_dropoff, plot_lift_forest, plot_power_curve, plot_revenue_distribution,
)
from workbench.sections import Skipped

FIX = Path(__file__).parents[1] / "fixtures" / "experiments"


@pytest.fixture(scope="module")
def funnel():
    return checkout_funnel(load_events(FIX / "events_generic.csv"), segment="device")


@pytest.fixture(scope="module")
def sample():
    return experiment_sample(20_000, seed=9, with_events=False, double_assigned_share=0)


def test_funnel(funnel):
    ax = plot_funnel(funnel)
    heights = [p.get_height() for p in ax.patches]
    assert heights == [6, 5, 2, 1, 1, 1]                     # strict counts of the hand-made log
    assert ax.get_title() == "Checkout funnel, all users: 16.7% of item viewers purchased"
    texts = [t.get_text() for t in ax.texts]
    assert "-60%" in texts                                    # add_to_cart -> begin_checkout loses 3 of 5
    assert ax.get_ylabel() == "Users reaching the step"
    ax = plot_funnel(funnel, generated=True, color="black", ax=plt.figure().gca())
    assert ax.get_title().endswith("purchased (GENERATED sample)")
    assert ax.patches[0].get_facecolor()[:3] == (0.0, 0.0, 0.0)   # **kwargs reach ax.bar


def test_funnel_dropoff_names_the_segment_column(funnel):
    ax = plot_funnel_dropoff(funnel)
    assert len(ax.patches) == 4 * 5                           # All users + 3 devices, 5 transitions
    assert ax.get_title() == "Where shoppers drop out, by device"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["All users", "desktop", "mobile", "tablet"]
    by_variant = checkout_funnel(load_events(FIX / "events_generic.csv"), segment="variant", counting="strict")
    ax = plot_funnel_dropoff(by_variant, generated=True, ax=plt.figure().gca())
    assert ax.get_title() == "Where shoppers drop out, by variant: where did the change act? (GENERATED sample)"


def test_funnel_without_events_draws_a_note():
    plt.close("all")
    ax = plot_funnel(None)
    assert "No event log" in ax.texts[0].get_text()
    assert tuple(ax.figure.get_size_inches()) == (9.0, 1.4)      # a one-line panel, not an empty full-size chart
    ax = plot_funnel_dropoff(None, ax=plt.figure().gca())
    assert "No event log" in ax.texts[0].get_text()


def test_lift_forest(sample):
    r = ab_readout(sample.assignments, n_resamples=100)
    ax = plot_lift_forest(r, truth=true_lifts(sample.truth), lw=4)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["Conversion rate [primary]", "Revenue per visitor", "Average order value"]
    crosses = [line for line in ax.lines if line.get_marker() == "x"]
    assert [c.get_xdata()[0] for c in crosses] == pytest.approx([0.08, 0.08, 0.0])
    assert ax.get_xlabel() == "Relative change vs control, with 95% confidence interval"
    assert ax.lines[0].get_linewidth() == 4                   # **kwargs reach the interval lines


def test_lift_forest_level_follows_alpha(sample):
    r = ab_readout(sample.assignments, alpha=0.10, n_resamples=100)
    ax = plot_lift_forest(r)
    assert ax.get_xlabel() == "Relative change vs control, with 90% confidence interval"


def test_revenue_distribution(sample):
    ax = plot_revenue_distribution(sample.assignments, control="control", cap=300.0, generated=True)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    buyers = sample.assignments.groupby("variant")["converted"].sum()
    assert legend[0].startswith(f"control: {buyers['control']:,} buyers")
    assert any(t.get_text() == "cap $300" for t in ax.texts)
    assert ax.get_xscale() == "log"
    assert ax.get_title() == "Revenue per buyer, by variant (buyers only) (GENERATED sample)"


def test_power_curve(sample):
    plan = plan_next_test(sample.assignments, daily_traffic=10_000)
    ax = plot_power_curve(plan)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["true lift +5%", "true lift +8%",
                                                                  "true lift +10%", "true lift +15%"]
    assert any(t.get_text() == "this test: 14 days" for t in ax.texts)   # the sample ran 14 days
    assert any(t.get_text() == "80% power" for t in ax.texts)
    assert "alpha 0.05" in ax.get_xlabel()


def test_power_curve_without_traffic_draws_a_note(sample):
    plan = plan_next_test(sample.assignments.drop(columns="first_exposure"))
    ax = plot_power_curve(plan)
    assert "Daily traffic unknown" in ax.texts[0].get_text()


def test_a_skipped_plan_is_drawn_as_its_reason():
    ax = plot_power_curve(Skipped("control conversion rate is 0%", "Planning the next test"))
    assert ax.get_title(loc="left") == "Planning the next test"
    assert "control conversion rate is 0%" in ax.texts[0].get_text()


def test_errors_name_the_choice(funnel):
    with pytest.raises(ValueError, match="no funnel rows for counting='ordered'"):
        plot_funnel(funnel, counting="ordered")
    with pytest.raises(ValueError, match="no user has revenue > 0"):
        plot_revenue_distribution(pd.DataFrame({"variant": ["a"], "revenue": [0.0]}))
