"""Sales charts draw the numbers they are given, with titles, units and readable labels, on the Axes passed;
``**kwargs`` reach the marks; a skipped section is drawn as its reason."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

import workbench as wb
from tests.analyses.sales.conftest import make_store
from workbench.analyses.sales import bridge as B
from workbench.analyses.sales import cohorts as C
from workbench.analyses.sales import kpis as K
from workbench.analyses.sales import products as P
from workbench.sections import Skipped


@pytest.fixture
def store():
    return make_store()


@pytest.fixture
def store_with_products():
    return make_store(with_products=True)


@pytest.fixture
def monthly(store):
    return K.kpis_by_period(store)


def test_kpi_trend_draws_the_metric_last_year_and_marks_partial_periods(monthly):
    fig, ax = plt.subplots()
    out = wb.plots.plot_kpi_trend(monthly, column="revenue", highlight="2024-01-31", currency="EUR", ax=ax,
                                  color="purple")
    assert out is ax
    lines = {line.get_label(): line for line in ax.get_lines()}
    np.testing.assert_allclose(lines["Net revenue"].get_ydata(), monthly["revenue"])
    assert lines["Net revenue"].get_color() == "purple"                       # **kwargs reach the line
    last_year = lines["Same period a year earlier"].get_ydata()
    assert last_year[12] == 80.0 and np.isnan(last_year[:12]).all()          # Jan 2024 vs Jan 2023
    assert "Partial period (data do not cover all of it)" in lines
    assert ax.get_title() == "Net revenue by month" and ax.get_ylabel() == "Net revenue (EUR)"
    assert any(t.get_text() == "€175" for t in ax.texts)                      # the highlighted value
    assert ax.get_xticklabels()[-1].get_text() == "Feb 2024"                  # the last period is labelled
    with pytest.raises(ValueError, match=r"column='margin' is not a metric of kpis_by_period"):
        wb.plots.plot_kpi_trend(monthly, column="margin")


def test_new_vs_returning_stacks_to_the_totals(monthly):
    ax = wb.plots.plot_new_vs_returning(monthly, column="revenue", alpha=0.5)
    heights = {}
    for bar_container in ax.containers:
        heights[bar_container.get_label()] = np.array([b.get_height() for b in bar_container])
    total = sum(heights.values())
    np.testing.assert_allclose(total, monthly["revenue"])
    assert set(heights) == {"Returning customers", "New customers", "No customer id (guest)"}
    assert ax.patches[0].get_alpha() == 0.5
    with pytest.raises(ValueError, match="column='units'"):
        wb.plots.plot_new_vs_returning(monthly, column="units")


class TestRevenueBridge:
    def test_waterfall_floats_each_step_from_the_last(self, store):
        bridge = B.revenue_bridge(K.kpi_comparison(store))
        ax = wb.plots.plot_revenue_bridge(bridge, currency="EUR")
        bars = ax.patches
        assert len(bars) == 2 + len(bridge.steps)                               # two totals and five steps
        start, end, *steps = bars
        assert (start.get_height(), end.get_height()) == (100.0, 175.0)
        levels = 100 + np.cumsum(bridge.steps["contribution"].to_numpy())
        tops = [max(b.get_y(), b.get_y() + b.get_height()) for b in steps]
        np.testing.assert_allclose(tops, np.maximum(np.r_[100, levels[:-1]], levels))
        labels = [t.get_text() for t in ax.texts]
        assert labels[:5] == ["+€94.34", "+€55.19", "-€69.53", "+€20.00", "-€25.00"]   # as in the report's table
        assert labels[5:] == ["€100.00", "€175.00"]
        assert [t.get_text() for t in ax.get_xticklabels()][0] == "Net revenue,\nDec 2023"
        assert ax.get_ylabel() == "Net revenue (EUR)"
        assert ax.get_title().startswith("What moved net revenue from Dec 2023 to Jan 2024")

    def test_axis_starts_above_zero_when_the_steps_are_small_and_says_so(self):
        # 100 customers buying 100 in May, 101 in June: a 1% step on a 10,000 total
        import pandas as pd

        rows = [(f"m{i}", f"c{i}", "2024-05-10", 100.0, 1, "sale") for i in range(100)]
        rows += [(f"j{i}", f"c{i}", "2024-06-10", 100.0, 1, "sale") for i in range(101)]
        rows += [("z", "c0", "2024-06-30", 0.0, 1, "sale")]
        shop = pd.DataFrame(rows, columns=["order_id", "customer_id", "order_date", "revenue", "quantity",
                                           "line_type"]).assign(order_date=lambda d: pd.to_datetime(d["order_date"]))
        ax = wb.plots.plot_revenue_bridge(B.revenue_bridge(K.kpi_comparison(shop)))
        assert ax.get_ylim()[0] > 0
        assert ax.get_xlabel().startswith("The value axis starts at $") and "not at zero" in ax.get_xlabel()

    def test_a_skipped_bridge_draws_its_reason(self):
        ax = wb.plots.plot_revenue_bridge(Skipped("the orders start on 4 Mar 2024", section="Revenue bridge"))
        assert ax.get_title(loc="left") == "Revenue bridge"
        assert "Not drawn for this data: the orders start on 4 Mar 2024" in ax.texts[0].get_text()


def test_cohort_heatmap_labels_cohorts_with_sizes_and_shows_percentages(store):
    ax = wb.plots.plot_cohort_heatmap(C.cohort_retention(store), column="retention")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Jan 2023 (1)", "Dec 2023 (1)", "Jan 2024 (1)"]
    assert ax.get_xlabel() == "Months since first order"
    assert ax.get_title() == "Customer retention (cohort): share of each cohort ordering in later months"
    cells = [t.get_text() for t in ax.texts]
    assert cells.count("100%") == 4 and "0%" in cells                        # three month-0 cells + A in month 1
    revenue = wb.plots.plot_cohort_heatmap(C.cohort_retention(store), column="revenue")
    assert revenue.get_title() == "Net revenue by cohort and months since first order"


def test_cohort_revenue_chart_has_the_weighted_average(store):
    ax = wb.plots.plot_cohort_revenue(C.cohort_retention(store))
    avg = {line.get_label(): line for line in ax.get_lines()}["All cohorts (weighted)"]
    assert avg.get_ydata()[1] == pytest.approx((80 + 155) / 2)


def test_cohort_charts_of_a_skipped_section_say_why():
    skipped = Skipped("no calendar month is complete yet", section="Acquisition cohorts")
    for chart in (wb.plots.plot_cohort_heatmap, wb.plots.plot_cohort_revenue, wb.plots.plot_rfm_segments):
        ax = chart(skipped)
        assert "no calendar month is complete yet" in ax.texts[0].get_text()


def test_rfm_segment_chart_shows_both_shares():
    summary = wb.customers.rfm_segment_summary(wb.customers.rfm(wb.load_orders("cdnow")))
    ax = wb.plots.plot_rfm_segments(summary)
    assert ax.get_yticklabels()[-1].get_text().startswith("Champions (")
    widths = sorted(b.get_width() for b in ax.patches)
    assert widths[-1] == pytest.approx(summary["revenue_share"].max())


def test_top_products_chart_and_its_placeholder(store, store_with_products):
    ax = wb.plots.plot_top_products(P.top_products(store_with_products), currency="GBP")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Poster", "CD", "Vinyl"]
    assert ax.get_title() == "Top products by net revenue, Jan 2024"
    empty = wb.plots.plot_top_products(P.top_products(store, by="category"))
    assert [t.get_text() for t in empty.texts] == ["Top categories: no category detail in this data."]
