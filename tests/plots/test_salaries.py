"""Salary charts: what they draw for published, top-coded and unpublished rows; labels, units and titles."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from tests.fixtures.salaries.shipped import PAYROLL, oews_cell, shipped_oews
from workbench.analyses.salaries.bands import pay_bands
from workbench.analyses.salaries.market import (area_ranking, focus_row, industry_comparison, location_comparison,
                                                market_distribution, occupations_in_area)
from workbench.analyses.salaries.own_data import ExperienceCurve, own_data_summary
from workbench.analyses.salaries.roles import resolve_role
from workbench.data.payroll import load_pay_survey
from workbench.plots.salaries import (plot_area_pay, plot_area_ranking, plot_experience_curve, plot_industry_pay,
                                      plot_occupation_pay, plot_pay_bands, plot_pay_ranges)
from workbench.sections import attempt


@pytest.fixture(scope="module")
def oews() -> pd.DataFrame:
    return shipped_oews()


def _texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def test_range_plot_marks_top_coded_and_unpublished(oews):
    both = market_distribution(oews, occupations=["11-2021", "29-1214", "17-2041"], areas=["AL", "CA"],
                               include_national=False)
    keep = [("11-2021", "0100000"), ("29-1214", "0100000"), ("17-2041", "0600000")]  # CA chemical engineers: fn 8
    dist = both.set_index(["occupation_code", "area_code"]).loc[keep].reset_index()
    fig, ax = plt.subplots()
    out = plot_pay_ranges(dist, label="occupation_name", offer=150_000, reference=166_790, title="t", ax=ax)
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


def test_kwargs_reach_the_bars(oews):
    dist = market_distribution(oews, occupations="11-2021", areas=["Seattle"])
    ax = plot_pay_ranges(dist, color="#123456")
    bars = [line for line in ax.get_lines() if line.get_linewidth() == 7]
    assert len(bars) == 2 and {line.get_color() for line in bars} == {"#123456"}


def test_candidate_occupations_in_the_focus_area(oews):
    job = resolve_role(oews, role="e-commerce manager")
    market = market_distribution(oews, occupations=job.codes, areas=["Seattle"])
    ax = plot_occupation_pay(occupations_in_area(market), offer=150_000)
    assert ax.get_title() == "What employers pay the candidate occupations in Seattle-Tacoma-Bellevue, WA"
    assert [t.get_text() for t in ax.get_yticklabels()][0] == "Marketing Managers"
    national = plot_occupation_pay(occupations_in_area(market_distribution(oews, occupations=job.codes)))
    assert national.get_title() == "What employers pay the candidate occupations nationally"


def test_chosen_areas_against_the_nation(oews):
    chosen = location_comparison(oews, occupation="11-2021", areas=["Seattle"])
    ax = plot_area_pay(chosen, offer=150_000, highlight="Seattle-Tacoma-Bellevue, WA")
    assert ax.get_title() == "Marketing Managers: the chosen areas against the nation"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["National median \\$166.8k", "Offer \\$150k"]
    bold = [t.get_text() for t in ax.get_yticklabels() if t.get_fontweight() == "bold"]
    assert bold == ["Seattle-Tacoma-Bellevue, WA"]


def test_ranking_splits_highest_and_lowest(oews):
    metros = location_comparison(oews, occupation="11-2021", area_type="metro")
    ranking = area_ranking(metros, n=3, min_employment=250)
    hi, lo = ranking.highest, ranking.lowest
    ax = plot_area_ranking(ranking)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[:3] == list(hi.area_name) and labels[3] == "" and labels[4:] == list(lo.area_name[::-1])
    assert any("3 highest-paying" in t for t in _texts(ax)) and any("3 lowest-paying" in t for t in _texts(ax))
    assert ax.get_title() == "Marketing Managers: highest- and lowest-paying metro areas (at least 250 jobs)"
    assert ax.get_legend().get_texts()[0].get_text() == "National median \\$166.8k"
    states = plot_area_ranking(area_ranking(location_comparison(oews, occupation="11-2021", area_type="state"), n=2),
                               title="States")
    assert states.get_title() == "States"


def test_industries(oews):
    ax = plot_industry_pay(industry_comparison(oews, occupation="11-2021"))
    assert ax.get_title() == "Marketing Managers: pay in the industries closest to e-commerce (national)"
    assert [t.get_text() for t in ax.get_yticklabels()][0] == "All industries"
    assert ax.get_legend().get_texts()[0].get_text() == "All industries median \\$166.8k"
    chosen = plot_industry_pay(industry_comparison(oews, occupation="11-2021", industries=["455000"]))
    assert chosen.get_title() == "Marketing Managers: national pay by industry"


def test_bands_plot(oews):
    bands = pay_bands(oews_cell(oews, "11-2021"))
    ax = plot_pay_bands(bands, offer=150_000)
    assert len(ax.patches) == 4
    widths = [p.get_width() for p in ax.patches]
    assert widths == list(bands.high - bands.low)
    assert "\\$90,260 - \\$123,020" in " ".join(_texts(ax))
    assert ax.get_xlabel() == "Base pay, USD per year"
    assert ax.get_title() == "Base-pay bands for 11-2021 Marketing Managers nationally"
    job = resolve_role(oews, role="e-commerce manager")
    named = plot_pay_bands(bands, role=job, color="black")
    assert named.get_title() == "Base-pay bands for E-commerce manager nationally (11-2021 Marketing Managers)"
    assert {p.get_facecolor() for p in named.patches} == {(0.0, 0.0, 0.0, 0.85)}


def test_experience_plot(oews):
    pay = load_pay_survey(PAYROLL)
    curve = ExperienceCurve(title="E-commerce manager").fit(pay)
    ax = plot_experience_curve(curve, market=[123_020, 166_790, 216_410], title="Curve")
    assert [line.get_label() for line in ax.get_lines()[:3]] == ["25th percentile", "Median", "75th percentile"]
    assert len(ax.collections[0].get_offsets()) == 31  # one dot per person
    assert ax.get_ylabel() == "Base pay, USD per year" and ax.get_xlabel() == "Years of experience"
    empty = plot_experience_curve(None)
    assert "No own pay data given" in _texts(empty)[0]


def test_experience_plot_of_the_report_section(oews):
    job = resolve_role(oews, role="e-commerce manager")
    focus = focus_row(market_distribution(oews, occupations=job.codes, areas=["Seattle"]))
    own = own_data_summary(load_pay_survey(PAYROLL), oews, role=job, focus=focus)
    ax = plot_experience_curve(own)
    assert ax.get_title() == ("Own pay against experience (GENERATED example payroll): titles mapped to 11-2021 "
                              "Marketing Managers")
    assert "Market median" in " ".join(_texts(ax))
    skipped = attempt(own_data_summary, attempt(load_pay_survey, None), oews, role=job, section="Your own pay data")
    panel = plot_experience_curve(skipped)
    assert panel.get_title(loc="left") == "Your own pay data"
    assert "Not drawn for this data: load_pay_survey(path=None): no own pay data given" in _texts(panel)[0].replace(
        "\n", " ")


def test_plots_do_not_change_their_input(oews):
    dist = market_distribution(oews, occupations="11-2021")
    before = dist.copy()
    plot_pay_ranges(dist)
    pd.testing.assert_frame_equal(dist, before)
