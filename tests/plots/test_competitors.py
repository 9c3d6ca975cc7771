"""Competitor charts: they draw what they are given, label units and the 100 line, say when data is generated,
pass **kwargs to the marks and return the Axes."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import workbench as wb


@pytest.fixture(scope="module")
def shares():
    return pd.DataFrame({"share": [0.5, 0.3, 0.2]}, index=pd.Index(["A", "B", "C"], name="alternative"))


class TestChoiceCharts:
    def test_share_bars(self, shares):
        ax = wb.plots.plot_choice_shares(shares, category="yogurt")
        assert [p.get_width() for p in ax.patches] == [0.2, 0.3, 0.5]  # sorted, largest on top
        assert {t.get_text().strip() for t in ax.texts} == {"50.0%", "30.0%", "20.0%"}
        assert "Share of purchase occasions" in ax.get_xlabel()
        assert ax.get_title() == "Share of purchase occasions by brand (yogurt)"

    def test_share_bars_on_given_axes_with_kwargs(self, shares):
        fig, ax = plt.subplots()
        assert wb.plots.plot_choice_shares(shares, ax=ax, title="T", color="red") is ax
        assert ax.get_title() == "T"
        assert ax.patches[0].get_facecolor()[:3] == (1.0, 0.0, 0.0)

    def test_share_bars_draw_the_column_asked_for(self):
        frame = pd.DataFrame({"share": [0.5, 0.5], "feature_rate": [0.1, 0.3]}, index=["A", "B"])
        ax = wb.plots.plot_choice_shares(frame, column="feature_rate")
        assert [p.get_width() for p in ax.patches] == [0.1, 0.3]

    def test_price_boxes_say_the_unit_is_not_documented(self):
        panel = wb.load_choice_panel("yogurt")
        ax = wb.plots.plot_brand_prices(panel)
        assert "unit not documented at the source" in ax.get_xlabel()
        assert [t.get_text() for t in ax.get_yticklabels()] == panel.alternatives
        assert ax.get_title().endswith("(yogurt)")
        ax2 = wb.plots.plot_brand_prices(panel.table, price_unit="USD per pack", widths=0.3)
        assert "(USD per pack)" in ax2.get_xlabel()

    def test_elasticity_heatmap_annotations(self):
        E = pd.DataFrame([[-2.0, 0.5], [0.8, -1.25]], index=["A", "B"], columns=["A", "B"])
        ax = wb.plots.plot_elasticities(E, category="catsup")
        assert [t.get_text() for t in ax.texts] == ["-2.00", "+0.50", "+0.80", "-1.25"]
        img = ax.images[0]
        assert img.norm.vcenter == 0 and img.norm.vmin == -2.0 and img.norm.vmax == 2.0  # centred colour scale
        assert "1%" in ax.get_xlabel() and ax.get_title().endswith("(catsup)")
        assert wb.plots.plot_elasticities(E, cmap="PuOr").images[0].get_cmap().name == "PuOr"

    def test_what_if_bars(self):
        w = pd.DataFrame({"share_now": [0.4, 0.6], "share_after": [0.5, 0.5]}, index=["A", "B"])
        w["change"] = w.share_after - w.share_now
        ax = wb.plots.plot_what_if(w, brand="A", change=-0.10)
        assert [t.get_text() for t in ax.texts] == ["+10.0 pp", "-10.0 pp"]
        assert len(ax.patches) == 4
        assert ax.get_title() == "Predicted shares if A cuts its price by 10%"
        assert wb.plots.plot_what_if(w, brand="B", change=0.05).get_title() == \
            "Predicted shares if B raises its price by 5%"


class TestPriceIndexCharts:
    def test_price_index_bars(self):
        idx = pd.DataFrame({"price_index": [90.0, 110.0, np.nan]}, index=pd.Index(["a", "b", "c"], name="sku"))
        ax = wb.plots.plot_price_index(idx)
        assert [(p.get_x(), p.get_width()) for p in ax.patches] == [(100, -10.0), (100, 10.0)]
        assert any(line.get_xdata()[0] == 100 for line in ax.lines)  # the 100 line
        assert "below 100 = we are cheaper" in ax.get_xlabel()
        assert "/ competitors' mean price" in ax.get_xlabel()
        assert ax.get_title() == "Our price index by product"
        ax = wb.plots.plot_price_index(idx, reference="min", generated=True)
        assert "/ lowest competitor price" in ax.get_xlabel()
        assert ax.get_title() == "Our price index by product (GENERATED sample)"

    def test_trend(self):
        trend = pd.DataFrame({"price_index": [101.0, 99.0], "price_index_weighted": [102.0, 98.0]},
                             index=pd.to_datetime(["2026-01-01", "2026-01-02"]))
        ax = wb.plots.plot_price_index_trend(trend, reference="Competitor B", generated=True, lw=3)
        assert len(ax.get_lines()) == 3 and "below 100 = cheaper" in ax.get_ylabel()
        assert ax.get_ylabel().startswith("Price index vs Competitor B's price")
        assert ax.get_lines()[0].get_linewidth() == 3
        assert ax.get_title() == "Our overall price index over time (GENERATED sample)"
        ax = wb.plots.plot_price_index_trend(trend[["price_index"]])
        assert len(ax.get_lines()) == 2
