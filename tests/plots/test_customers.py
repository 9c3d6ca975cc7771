"""Charts of personas and lifetime value: they draw the numbers they are given, with titles and units, take
``**kwargs`` for the marks, and draw the reason in place of a section that thin data left out."""
from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from workbench import plots  # noqa: E402
from workbench.sections import Skipped  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def rollup() -> pd.DataFrame:
    out = pd.DataFrame({"persona": ["Champions", "Lapsed one-time buyers"], "customers": [10, 90],
                        "share_customers": [0.1, 0.9], "share_revenue": [0.6, 0.4], "share_clv": [0.8, 0.2],
                        "clv_per_customer": [40.0, 1.1], "revenue": [600.0, 400.0], "aov": [40.0, 20.0],
                        "orders_per_customer": [8.0, 1.0], "units_per_order": [2.0, 1.0],
                        "recency_days": [12.0, 400.0]})
    out.attrs["group"] = "persona"
    return out


def test_persona_selection_marks_the_chosen_k():
    sel = pd.DataFrame({"k": [2, 3, 4], "silhouette": [0.30, 0.42, 0.35], "inertia": [3.0, 2.0, 1.0],
                        "chosen": [False, True, False]})
    ax = plots.plot_persona_selection(SimpleNamespace(selection_=sel), color="purple")
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [0.30, 0.42, 0.35])
    assert ax.lines[0].get_color() == "purple"                                  # **kwargs reach the line
    assert ax.get_ylim()[0] == 0.0
    assert "chosen: 3 personas" in [t.get_text() for t in ax.texts]
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()


def test_persona_profiles_write_formatted_values(rollup):
    ax = plots.plot_persona_profiles(SimpleNamespace(profiles_=rollup), currency="EUR", cmap="Greens")
    texts = [t.get_text() for t in ax.texts]
    assert "€40" in texts and "60%" in texts and "400" in texts
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Champions", "Lapsed one-time buyers"]
    assert ax.images[0].get_cmap().name == "Greens"


def test_value_shares(rollup):
    ax = plots.plot_value_shares(rollup)
    widths = [p.get_width() for p in ax.patches]
    assert widths == [0.1, 0.9, 0.6, 0.4, 0.8, 0.2]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Share of customers", "Share of revenue to date", "Share of expected future value (CLV)"]
    assert ax.get_title().endswith("by persona")
    segments = rollup.rename(columns={"persona": "segment"})
    segments.attrs["group"] = "segment"
    ax = plots.plot_value_shares(segments, columns=["share_clv"])
    assert [p.get_width() for p in ax.patches] == [0.8, 0.2] and ax.get_title().endswith("by RFM segment")


def test_value_by_group(rollup):
    ax = plots.plot_value_by_group(rollup, currency="USD")
    assert sorted(p.get_width() for p in ax.patches) == [1.1, 40.0]
    assert [t.get_text() for t in ax.texts] == [" $1.10", " $40.00"] and "USD" in ax.get_xlabel()


def test_holdout_check_and_repeat_purchases():
    table = pd.DataFrame({"calibration_purchases": ["0", "1", "2+"], "customers": [50, 30, 20],
                          "actual": [0.2, 0.7, 2.1], "predicted": [0.25, 0.6, 2.0]})
    holdout = SimpleNamespace(check=SimpleNamespace(table=table, weeks=39.0), tracking=pd.DataFrame({
        "week": [1, 2, 3], "week_start": [dt.date(2024, 1, 1), dt.date(2024, 1, 8), dt.date(2024, 1, 15)],
        "actual": [1.0, 2.0, 4.0], "expected": [1.5, 2.0, 3.0], "actual_cumulative": [1.0, 3.0, 7.0],
        "expected_cumulative": [1.5, 3.5, 6.5], "period": ["calibration", "calibration", "holdout"]}))
    ax = plots.plot_holdout_check(holdout)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), table.actual)
    np.testing.assert_allclose(ax.lines[1].get_ydata(), table.predicted)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1", "2+"]
    assert "39 weeks" in ax.get_ylabel()
    ax = plots.plot_repeat_purchases(holdout)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [1.0, 3.0, 7.0])
    np.testing.assert_allclose(ax.lines[1].get_ydata(), [1.5, 3.5, 6.5])
    assert any("holdout" in t.get_text() for t in ax.texts)
    weekly = plots.plot_repeat_purchases(holdout, cumulative=False)
    np.testing.assert_allclose(weekly.lines[0].get_ydata(), [1.0, 2.0, 4.0])


def test_value_concentration():
    values = pd.DataFrame({"clv": [70.0, 10.0, 10.0, 5.0, 5.0, 0, 0, 0, 0, 0]})
    ax = plots.plot_value_concentration(SimpleNamespace(values=values), marks=(0.1, 0.2))
    y = ax.lines[0].get_ydata()
    assert y[1] == pytest.approx(0.7) and y[2] == pytest.approx(0.8) and y[-1] == pytest.approx(1.0)
    assert "top 10% of customers:\n70% of the value" in [t.get_text() for t in ax.texts]
    np.testing.assert_allclose(plots.plot_value_concentration(values).lines[0].get_ydata(), y)


@pytest.mark.parametrize("chart", ["plot_persona_selection", "plot_persona_profiles", "plot_value_shares",
                                   "plot_value_by_group", "plot_holdout_check", "plot_repeat_purchases",
                                   "plot_value_concentration"])
def test_a_skipped_section_draws_its_reason(chart):
    ax = getattr(plots, chart)(Skipped("20 customers are needed.", "Buyer personas"))
    assert ax.get_title(loc="left") == "Buyer personas"
    assert "Not drawn for this data: 20 customers are needed." in ax.texts[0].get_text()
