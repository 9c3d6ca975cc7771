"""Sales charts draw the numbers they are given, with titles, units and readable labels, on the Axes passed."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

import workbench as wb
from workbench.analyses.sales import cohorts as C
from workbench.analyses.sales import kpis as K
from workbench.analyses.sales import products as P


@pytest.fixture
def monthly(store):
    return K.kpis_by_period(store)


def test_kpi_trend_draws_the_metric_last_year_and_marks_partial_periods(monthly):
    fig, ax = plt.subplots()
    out = wb.plots.kpi_trend_chart(monthly, metric="revenue", highlight="2024-01-31", currency="EUR", ax=ax)
    assert out is ax
    lines = {line.get_label(): line for line in ax.get_lines()}
    np.testing.assert_allclose(lines["Net revenue"].get_ydata(), monthly["revenue"])
    last_year = lines["Same period a year earlier"].get_ydata()
    assert last_year[12] == 80.0 and np.isnan(last_year[:12]).all()          # Jan 2024 vs Jan 2023
    assert "Partial period (data do not cover all of it)" in lines
    assert ax.get_title() == "Net revenue by month" and ax.get_ylabel() == "Net revenue (EUR)"
    assert any(t.get_text() == "€175" for t in ax.texts)                      # the highlighted value
    assert ax.get_xticklabels()[-1].get_text() == "Feb 2024"                  # the last period is labelled


def test_new_vs_returning_stacks_to_the_totals(monthly):
    ax = wb.plots.new_vs_returning_chart(monthly, value="revenue")
    heights = {}
    for bar_container in ax.containers:
        heights[bar_container.get_label()] = np.array([b.get_height() for b in bar_container])
    total = sum(heights.values())
    np.testing.assert_allclose(total, monthly["revenue"])
    assert set(heights) == {"Returning customers", "New customers", "No customer id (guest)"}
    with pytest.raises(ValueError, match="value='units'"):
        wb.plots.new_vs_returning_chart(monthly, value="units")


def test_cohort_heatmap_labels_cohorts_with_sizes_and_shows_percentages(store):
    ax = wb.plots.cohort_heatmap(C.cohort_table(store))
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Jan 2023 (1)", "Dec 2023 (1)", "Jan 2024 (1)"]
    assert ax.get_xlabel() == "Months since first order"
    cells = [t.get_text() for t in ax.texts]
    assert cells.count("100%") == 4 and "0%" in cells                        # three month-0 cells + A in month 1


def test_cohort_revenue_chart_has_the_weighted_average(store):
    ax = wb.plots.cohort_revenue_chart(C.cohort_table(store))
    avg = {line.get_label(): line for line in ax.get_lines()}["All cohorts (weighted)"]
    assert avg.get_ydata()[1] == pytest.approx((80 + 155) / 2)


def test_rfm_segment_chart_shows_both_shares():
    summary = wb.customers.rfm_segment_summary(wb.customers.rfm(wb.load_orders("cdnow")))
    ax = wb.plots.rfm_segment_chart(summary)
    assert ax.get_yticklabels()[-1].get_text().startswith("Champions (")
    widths = sorted(b.get_width() for b in ax.patches)
    assert widths[-1] == pytest.approx(summary["revenue_share"].max())


def test_top_products_chart_and_its_placeholder(store, store_with_products):
    ax = wb.plots.top_products_chart(P.top_products(store_with_products), currency="GBP")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Poster", "CD", "Vinyl"]
    assert ax.get_title() == "Top products by net revenue, Jan 2024"
    empty = wb.plots.top_products_chart(P.top_products(store, by="category"))
    assert [t.get_text() for t in empty.texts] == ["Top categories: no category detail in this data."]
