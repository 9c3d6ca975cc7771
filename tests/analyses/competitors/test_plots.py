"""Competitor charts: they draw what they are given, label units and the 100 line, and return the Axes."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import workbench as wb


@pytest.fixture(scope="module")
def shares():
    return pd.DataFrame({"share": [0.5, 0.3, 0.2]}, index=pd.Index(["A", "B", "C"], name="alternative"))


def test_share_bars(shares):
    ax = wb.plots.choice_share_bars(shares)
    assert [p.get_width() for p in ax.patches] == [0.2, 0.3, 0.5]  # sorted, largest on top
    assert {t.get_text().strip() for t in ax.texts} == {"50.0%", "30.0%", "20.0%"}
    assert "Share of purchase occasions" in ax.get_xlabel()


def test_share_bars_on_given_axes(shares):
    fig, ax = plt.subplots()
    assert wb.plots.choice_share_bars(shares, ax=ax, title="T") is ax
    assert ax.get_title() == "T"


def test_price_boxes_say_the_unit_is_not_documented():
    panel = wb.load_choice_panel("yogurt")
    ax = wb.plots.brand_price_boxes(panel)
    assert "unit not documented at the source" in ax.get_xlabel()
    assert [t.get_text() for t in ax.get_yticklabels()] == panel.alternatives
    ax2 = wb.plots.brand_price_boxes(panel.table, price_unit="USD per pack")
    assert "(USD per pack)" in ax2.get_xlabel()


def test_elasticity_heatmap_annotations():
    E = pd.DataFrame([[-2.0, 0.5], [0.8, -1.25]], index=["A", "B"], columns=["A", "B"])
    ax = wb.plots.elasticity_heatmap(E)
    assert [t.get_text() for t in ax.texts] == ["-2.00", "+0.50", "+0.80", "-1.25"]
    img = ax.images[0]
    assert img.norm.vcenter == 0 and img.norm.vmin == -2.0 and img.norm.vmax == 2.0  # centred colour scale
    assert "1%" in ax.get_xlabel()


def test_what_if_bars():
    w = pd.DataFrame({"share_now": [0.4, 0.6], "share_after": [0.5, 0.5]}, index=["A", "B"])
    w["change"] = w.share_after - w.share_now
    ax = wb.plots.what_if_bars(w)
    assert [t.get_text() for t in ax.texts] == ["+10.0 pp", "-10.0 pp"]
    assert len(ax.patches) == 4


def test_price_index_bars_and_trend():
    idx = pd.DataFrame({"price_index": [90.0, 110.0, np.nan]}, index=pd.Index(["a", "b", "c"], name="sku"))
    ax = wb.plots.price_index_bars(idx)
    assert [(p.get_x(), p.get_width()) for p in ax.patches] == [(100, -10.0), (100, 10.0)]
    assert any(line.get_xdata()[0] == 100 for line in ax.lines)  # the 100 line
    assert "below 100 = we are cheaper" in ax.get_xlabel()
    trend = pd.DataFrame({"price_index": [101.0, 99.0], "price_index_weighted": [102.0, 98.0]},
                         index=pd.to_datetime(["2026-01-01", "2026-01-02"]))
    ax = wb.plots.price_index_trend_chart(trend)
    assert len(ax.get_lines()) == 3 and "below 100 = cheaper" in ax.get_ylabel()
