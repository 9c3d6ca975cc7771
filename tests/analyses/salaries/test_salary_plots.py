"""Salary charts: what they draw for published, top-coded and unpublished rows; labels and units."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from workbench.analyses.salaries.bands import pay_bands
from workbench.analyses.salaries.market import (highest_paying, location_comparison, lowest_paying,
                                                market_distribution)
from workbench.analyses.salaries.own_data import experience_curve
from workbench.data.oews import load_pay_survey
from workbench.plots.salaries import (salary_bands_plot, salary_experience_plot, salary_location_plot,
                                      salary_range_plot)


def _texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def test_range_plot_marks_top_coded_and_unpublished(oews):
    both = market_distribution(oews, ["11-2021", "29-1214", "17-2041"], areas=["AL", "CA"], include_national=False)
    keep = [("11-2021", "0100000"), ("29-1214", "0100000"), ("17-2041", "0600000")]  # CA chemical engineers: fn 8
    dist = both.set_index(["occupation_code", "area_code"]).loc[keep].reset_index()
    fig, ax = plt.subplots()
    out = salary_range_plot(dist, label="occupation_name", offer=150_000, reference=166_790, title="t", ax=ax)
    assert out is ax
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Marketing Managers", "Emergency Medicine Physicians",
                                                            "Chemical Engineers"]
    texts = _texts(ax)
    assert any("median ≥\\$239.2k (top-coded)" in t for t in texts)   # Alabama ER physicians: every wage top-coded
    assert any("not published" in t for t in texts)                  # wages not released
    al = dist.iloc[0]
    assert any(t.strip() == f"median \\${al.annual_p50 / 1000:.1f}k" for t in texts)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["National median \\$166.8k", "Offer \\$150k"]
    assert "10th-90th percentile" in ax.get_xlabel() and "USD per year" in ax.get_xlabel()
    assert len([a for a in ax.texts if a.__class__.__name__ == "Annotation"]) == 1  # the top-code arrow


def test_location_plot_splits_highest_and_lowest(oews):
    metros = location_comparison(oews, "11-2021", area_type="metro")
    hi, lo = highest_paying(metros, n=3), lowest_paying(metros, n=2)
    ax = salary_location_plot(hi, lo, national_median=166_790, title="Metros")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[:3] == list(hi.area_name) and labels[3] == "" and labels[4:] == list(lo.area_name[::-1])
    assert any("3 highest-paying" in t for t in _texts(ax)) and any("2 lowest-paying" in t for t in _texts(ax))
    assert ax.get_title() == "Metros"


def test_bands_plot(oews, cell):
    bands = pay_bands(cell("11-2021"))
    ax = salary_bands_plot(bands, offer=150_000, title="Bands")
    assert len(ax.patches) == 4
    widths = [p.get_width() for p in ax.patches]
    assert widths == list(bands.high - bands.low)
    assert "\\$90,260 - \\$123,020" in " ".join(_texts(ax))
    assert ax.get_xlabel() == "Base pay, USD per year"


def test_experience_plot():
    pay = load_pay_survey("tests/fixtures/salaries/payroll_generated.csv")
    curve = experience_curve(pay, title="E-commerce manager")
    ax = salary_experience_plot(curve, market=[123_020, 166_790, 216_410], title="Curve")
    assert [line.get_label() for line in ax.get_lines()[:3]] == ["25th percentile", "Median", "75th percentile"]
    assert len(ax.collections[0].get_offsets()) == 31  # one dot per person
    assert ax.get_ylabel() == "Base pay, USD per year" and ax.get_xlabel() == "Years of experience"
    empty = salary_experience_plot(None)
    assert "No own pay data given" in _texts(empty)[0]


def test_plots_do_not_change_their_input(oews):
    dist = market_distribution(oews, "11-2021")
    before = dist.copy()
    salary_range_plot(dist)
    pd.testing.assert_frame_equal(dist, before)
