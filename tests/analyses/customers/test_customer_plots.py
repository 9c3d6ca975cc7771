"""Charts of personas and lifetime value: they draw the numbers they are given, with titles and units.

(Kept next to the analyses they draw; ``tests/plots/`` belongs to no single domain.)
"""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from workbench import plots  # noqa: E402
from workbench.analyses.customers import clv  # noqa: E402


@pytest.fixture
def rollup() -> pd.DataFrame:
    return pd.DataFrame({"persona": ["Champions", "Lapsed one-time buyers"], "customers": [10, 90],
                         "share_customers": [0.1, 0.9], "share_revenue": [0.6, 0.4], "share_clv": [0.8, 0.2],
                         "clv_per_customer": [40.0, 1.1], "revenue": [600.0, 400.0], "aov": [40.0, 20.0],
                         "orders_per_customer": [8.0, 1.0], "units_per_order": [2.0, 1.0],
                         "recency_days": [12.0, 400.0]})


def test_k_plot_marks_the_chosen_k():
    sel = pd.DataFrame({"k": [2, 3, 4], "silhouette": [0.30, 0.42, 0.35], "inertia": [3.0, 2.0, 1.0],
                        "chosen": [False, True, False]})
    ax = plots.persona_k_plot(sel)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [0.30, 0.42, 0.35])
    assert ax.get_ylim()[0] == 0.0
    assert "chosen: 3 personas" in [t.get_text() for t in ax.texts]
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()


def test_profile_heatmap_writes_formatted_values(rollup):
    ax = plots.persona_profile_heatmap(rollup, currency="EUR")
    texts = [t.get_text() for t in ax.texts]
    assert "€40" in texts and "60%" in texts and "400" in texts
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Champions", "Lapsed one-time buyers"]


def test_value_share_bars(rollup):
    ax = plots.value_share_bars(rollup, group="persona")
    widths = [p.get_width() for p in ax.patches]
    assert widths == [0.1, 0.9, 0.6, 0.4, 0.8, 0.2]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Share of customers", "Share of revenue to date", "Share of expected future value (CLV)"]


def test_clv_by_group_bars(rollup):
    ax = plots.clv_by_group_bars(rollup, currency="USD")
    assert sorted(p.get_width() for p in ax.patches) == [1.1, 40.0]
    assert [t.get_text() for t in ax.texts] == [" $1.10", " $40.00"] and "USD" in ax.get_xlabel()


def test_holdout_and_tracking(sample_bgnbd, sample_summary, cdnow_sample):
    check = clv.holdout_check(sample_bgnbd, sample_summary)
    ax = plots.clv_holdout_plot(check.table, weeks=check.weeks)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), check.table.actual)
    np.testing.assert_allclose(ax.lines[1].get_ydata(), check.table.predicted)
    assert "39 weeks" in ax.get_ylabel()
    tr = clv.repeat_purchase_tracking(cdnow_sample, sample_bgnbd, sample_summary)
    ax = plots.clv_tracking_plot(tr)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), tr.actual_cumulative)
    assert any("holdout" in t.get_text() for t in ax.texts)


def test_concentration_curve():
    values = pd.DataFrame({"clv": [70.0, 10.0, 10.0, 5.0, 5.0, 0, 0, 0, 0, 0]})
    ax = plots.clv_concentration_plot(values, marks=(0.1, 0.2))
    y = ax.lines[0].get_ydata()
    assert y[1] == pytest.approx(0.7) and y[2] == pytest.approx(0.8) and y[-1] == pytest.approx(1.0)
    assert "top 10% of customers:\n70% of the value" in [t.get_text() for t in ax.texts]
