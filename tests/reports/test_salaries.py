"""The salary report's words: sentences, display tables and headline metrics, on hand-checked figures.

11-2021 Marketing Managers, national (May 2025): p10 90,260 | p25 123,020 | p50 166,790 | p75 216,410 |
p90 293,610; an offer of 150,000 sits at 25 + 25 x 26,980 / 43,770 = 40.41, 0.90 times the median.
"""
from __future__ import annotations

import html as htmllib
import re

import pandas as pd
import pytest

from tests.fixtures.salaries.shipped import PAYROLL, oews_cell, shipped_oews
from workbench import provenance
from workbench.analyses.salaries.bands import article_comparison, band_comparison, offer_position, pay_bands
from workbench.analyses.salaries.market import (area_ranking, areas_for_occupation, focus_row, industry_comparison,
                                                location_comparison, market_distribution, occupations_in_area)
from workbench.analyses.salaries.own_data import own_data_summary
from workbench.analyses.salaries.roles import resolve_role, role_crosswalk
from workbench.present import fmt
from workbench.data.payroll import load_pay_survey
from workbench.present.narrative import Markdown
from workbench.reports import salaries as words
from workbench.sections import Skipped, attempt

MM = {"annual_p10": 90_260, "annual_p25": 123_020, "annual_p50": 166_790, "annual_p75": 216_410,
      "annual_p90": 293_610, **{f"p{q}_topcoded": False for q in (10, 25, 50, 75, 90)},
      "occupation_name": "Marketing Managers", "occupation_code": "11-2021", "area_name": "National",
      "wage_status": "published"}


def topcoded(*stats, cap=239_200, **values) -> dict:
    r = {**MM, **values}
    for s in stats:
        r[f"annual_{s}"], r[f"{s}_topcoded"] = cap, True
    return r


def shown(styler) -> pd.DataFrame:
    """The cells of a display table as the reader sees them (formatted), under the displayed labels."""
    body = styler.to_html().split("<tbody>")[1]
    rows = [[htmllib.unescape(re.sub(r"<.*?>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)]
            for r in re.findall(r"<tr>(.*?)</tr>", body, re.S)]
    return pd.DataFrame(rows, columns=list(styler.data.columns))


@pytest.fixture(scope="module")
def oews() -> pd.DataFrame:
    return shipped_oews()


@pytest.fixture(scope="module")
def job(oews):
    return resolve_role(oews, role="e-commerce manager")


@pytest.fixture(scope="module")
def seattle(oews, job):
    """The report's Seattle run: market, focus row, bands and the offer of 150,000."""
    market = market_distribution(oews, occupations=job.codes, areas=["Seattle-Tacoma-Bellevue, WA"])
    focus = focus_row(market)
    return market, focus, pay_bands(focus), offer_position(focus, offer=150_000)


class TestHeadlines:
    def test_same_names_kinds_and_values_as_before(self, seattle, tmp_path, monkeypatch):
        monkeypatch.setenv(provenance.RUN_DIR_ENV, str(tmp_path))
        _, focus, bands, pos = seattle
        got = words.record_headlines(focus, bands=bands, position=pos)
        ref = oews_cell(shipped_oews(), "11-2021", "0042660")
        assert list(got) == ["median_wage", "employment", "band_entry_low", "band_entry_high", "band_mid_low",
                             "band_mid_high", "band_senior_low", "band_senior_high", "band_lead_low",
                             "band_lead_high", "offer", "offer_percentile", "offer_verdict"]
        assert got["median_wage"] == ref.annual_p50 == 175_850 and got["employment"] == ref.employment
        assert (got["band_entry_low"], got["band_lead_high"]) == (ref.annual_p10, ref.annual_p90)
        assert got["offer_percentile"] == pytest.approx(25 + 25 * (150_000 - 129_990) / (175_850 - 129_990))
        assert got["offer_verdict"] == "competitive"
        _, metrics = provenance.read_run_records(tmp_path)
        by_name = {m["name"]: m for m in metrics}
        assert by_name["median_wage"] == {"name": "median_wage", "value": 175_850, "label": "Market median",
                                          "kind": "money", "unit": "USD", "good": None, "key": True}
        assert by_name["band_mid_high"]["label"] == "Mid band to" and by_name["band_mid_high"]["value"] == 175_850.0
        assert by_name["employment"]["kind"] == "count" and by_name["offer_percentile"]["kind"] == "percentile"
        # a band starting where the one below ends is recorded but not shown again as a card
        assert [m["name"] for m in metrics if m.get("card") is False] == ["band_mid_low", "band_senior_low",
                                                                           "band_lead_low"]
        assert by_name["offer_verdict"]["kind"] == "text"

    def test_a_range_is_recorded_by_its_ends_and_no_offer_records_nothing(self, seattle):
        _, focus, bands, _ = seattle
        words.record_headlines(focus, bands=bands, position=offer_position(focus, offer=50_000))
        below = provenance.recorded_metrics()
        assert below["offer_percentile"] is None
        assert (below["offer_percentile_low"], below["offer_percentile_high"]) == (0, 10)
        provenance.reset()
        skipped = attempt(offer_position, focus, offer=None, section="Offer check")
        got = words.record_headlines(focus, bands=bands, position=skipped)
        assert not [name for name in got if name.startswith("offer")] and len(got) == 10

    def test_lower_bounds_say_so_in_their_labels(self):
        r = pd.Series(topcoded("p50", "p75", "p90", annual_p25=200_000))
        words.record_headlines(r, bands=pay_bands(r))
        got = provenance.recorded_metrics()
        assert got["median_wage"] == 239_200 and "offer" not in got
        assert provenance._metrics["median_wage"]["label"] == "Market median (at least; top-coded)"
        assert provenance._metrics["band_lead_low"]["label"] == "Lead band from (at least)"
        assert provenance._metrics["band_entry_low"]["label"] == "Entry band from"

    def test_no_direction_is_called_good_news(self):
        assert all(spec.good is None for spec in words.HEADLINES.values())


class TestAnswer:
    def test_answer_bands_and_offer(self, seattle, job):
        _, focus, bands, pos = seattle
        text = words.answer_md(job, focus=focus, bands=bands, position=pos)
        assert isinstance(text, Markdown)
        assert text.startswith("**Answer.** Recommended base-pay bands for **E-commerce manager** in "
                               "Seattle-Tacoma-Bellevue, WA, set from what employers pay **11-2021 Marketing "
                               "Managers** (BLS OEWS May 2025):")
        assert "The market median is **$175,850** (6,720 jobs, wage RSE 4.4%). An offer of **$150,000** sits at " \
               "the 36th percentile of Marketing Managers in Seattle-Tacoma-Bellevue, WA, 0.85 times the median: " \
               "**competitive**." in text
        assert r"**\$175,850**" in text._repr_markdown_()  # dollars are money, not a formula, when displayed
        no_offer = words.answer_md(job, focus=focus, bands=bands,
                                   position=attempt(offer_position, focus, offer=None))
        assert no_offer.endswith("(6,720 jobs, wage RSE 4.4%).") and "offer" not in no_offer.split("\n")[-1]

    def test_bands_sentence(self):
        assert words.bands_md(pay_bands(MM)).startswith(
            "**Entry** (10th-25th percentile) $90,260 - $123,020; **Mid** (25th-50th percentile) $123,020 - ")
        top = words.bands_md(pay_bands(topcoded("p75", "p90", annual_p50=200_000)))
        assert "**Senior** (50th-75th percentile) $200,000 to at least $239,200" in top
        assert "**Lead** (75th-90th percentile) at least $239,200 (a year)." in top

    def test_offer_sentence(self):
        assert words.offer_md(offer_position(MM, offer=150_000)) == (
            "An offer of **$150,000** sits at the 40th percentile of Marketing Managers nationally, 0.90 times the "
            "median: **competitive**.")
        assert words.offer_md(None) == "" and words.offer_md(Skipped("no offer", "Offer check")) == ""

    @pytest.mark.parametrize("row, offer, position", [
        (MM, 60_000, "below the 10th percentile"),
        (MM, 300_000, "above the 90th percentile"),
        (topcoded("p75", "p90", annual_p50=200_000), 220_000,
         "between the 50th and 63rd percentile (the 75th is top-coded at $239,200 or more, so the exact position "
         "is unknown)"),
        (topcoded("p75", "p90", annual_p50=200_000), 250_000,
         "at or above the 50th percentile (the 75th is top-coded at $239,200 or more, so the exact position is "
         "unknown)"),
        (topcoded("p10", "p25", "p50", "p75", "p90"), 300_000,
         "not placeable: every published percentile is top-coded ($239,200 or more)"),
    ])
    def test_position_words(self, row, offer, position):
        table = shown(words.offer_table(offer_position(row, offer=offer))).set_index("Item")["Value"]
        assert table["Position"] == position

    def test_ordinals(self):
        assert [fmt.ordinal(q) for q in (1, 2, 3, 11, 12, 22.4, 40.41, 90)] == [
            "1st", "2nd", "3rd", "11th", "12th", "22nd", "40th", "90th"]

    def test_role(self, oews, job):
        text = words.role_md(job)
        assert text.startswith("**E-commerce manager** is benchmarked against **11-2021 Marketing Managers**")
        assert "Shown beside it for comparison: 11-2022 Sales Managers; 11-1021 General and Operations Managers" in text
        assert words.role_md(resolve_role(oews, role="11-2021")) == (
            "Benchmarked against **11-2021 Marketing Managers** (SOC code given).")


class TestOffer:
    def test_table(self):
        t = shown(words.offer_table(offer_position(MM, offer=150_000))).set_index("Item")["Value"]
        assert (t["Percentile (point)"], t["Verdict"], t["Market median"]) == ("40.4", "competitive", "$166,790")
        assert (t["Percentile (range)"], t["Offer / median"]) == ("none: the position is exact", "0.90")
        below = shown(words.offer_table(offer_position(MM, offer=50_000))).set_index("Item")["Value"]
        assert (below["Percentile (point)"], below["Percentile (range)"]) == (
            "n/a (outside the published range or top-coded)", "0.0 to 10.0")

    def test_no_offer(self):
        skipped = attempt(offer_position, MM, offer=None, section="Offer check")
        assert words.offer_table(skipped) is skipped
        assert "no offer given" in skipped.text()
        assert shown(words.offer_table(None)).iloc[0, 0] == "No offer given (set the report parameter offer)."

    def test_method_follows_the_thresholds(self):
        assert "below the 25th percentile = below market, from the 25th to the 75th = competitive" in \
            words.offer_method_md(None)
        narrow = words.offer_method_md(offer_position(MM, offer=150_000, competitive=(40, 60)))
        assert "below the 40th percentile = below market, from the 40th to the 60th = competitive, above the " \
               "60th = above market" in narrow


class TestMarketTables:
    def test_distribution_shows_published_values(self, oews):
        styler = words.distribution_table(market_distribution(oews, occupations="11-2021", areas=["Seattle"]))
        t = shown(styler).set_index("Published figure")
        assert list(t.columns) == ["National", "Seattle-Tacoma-Bellevue, WA"]
        nat = t["National"]
        assert (nat["Employment (jobs)"], nat["Median (50th percentile)"], nat["Mean"]) == (
            "395,240", "$166,790", "$177,770")
        assert (nat["10th percentile"], nat["90th percentile"], nat["Employment RSE"], nat["Wage RSE (mean)"]) == (
            "$90,260", "$293,610", "0.8%", "0.3%")
        assert "Note" not in t.index
        assert "11-2021 Marketing Managers: annual pay by area" in styler.to_html()
        hourly = shown(words.distribution_table(market_distribution(oews, occupations="11-2021"), basis="hourly"))
        assert hourly.set_index("Published figure").loc["Median (50th percentile)", "National"] == "$80.19"

    def test_candidates_in_one_area_are_columns_by_occupation(self, seattle):
        market = seattle[0]
        styler = words.distribution_table(occupations_in_area(market))
        t = shown(styler)
        assert list(t.columns) == ["Published figure", "11-2021 Marketing Managers", "11-2022 Sales Managers",
                                   "11-1021 General and Operations Managers",
                                   "13-1199 Business Operations Specialists, All Other"]
        assert "candidate occupation in Seattle-Tacoma-Bellevue, WA" in styler.to_html()
        both = shown(words.distribution_table(market))
        assert "11-2022 Sales Managers, Seattle-Tacoma-Bellevue, WA" in both.columns

    def test_top_coded_and_suppressed_are_never_shown_as_exact(self, oews):
        def figures(occupation, areas=None, basis="annual"):
            market = market_distribution(oews, occupations=occupation, areas=areas)
            return shown(words.distribution_table(market, basis=basis)).set_index("Published figure")

        er = figures("29-1214", ["AL"])  # footnote 5 on every wage in Alabama
        assert er.loc["Median (50th percentile)", "Alabama"] == "at least $239,200"
        assert er.loc["Median (50th percentile)", "National"] == "$335,550"  # above the cap, not flagged: exact
        assert figures("29-1214", ["AL"], "hourly").loc["Mean", "Alabama"] == "at least $115.00"
        chem = figures("17-2041", ["CA"])  # footnote 8 on wages
        assert chem.loc["Median (50th percentile)", "California"] == "not published"
        assert chem.loc["Note", "California"] == "not published (estimate not released by BLS)"
        teachers = figures("25-2021", basis="hourly")
        assert teachers.loc["Median (50th percentile)", "National"] == "not published"
        assert "annual salaries only" in teachers.loc["Note", "National"]

    def test_band_comparison(self, oews):
        market = market_distribution(oews, occupations="11-2021", areas=["Hattiesburg"])
        t = shown(words.band_comparison_table(band_comparison(areas_for_occupation(market))))
        assert list(t.columns) == ["Level", "National", "Hattiesburg, MS"]
        assert list(t["Level"]) == ["Entry (p10-p25)", "Mid (p25-p50)", "Senior (p50-p75)", "Lead (p75-p90)"]
        assert list(t["National"]) == ["$90,260 - $123,020", "$123,020 - $166,790", "$166,790 - $216,410",
                                       "$216,410 - $293,610"]
        assert list(t["Hattiesburg, MS"]) == ["not published"] * 4

    def test_location_tables(self, oews):
        states = location_comparison(oews, occupation="11-2021", area_type="state")
        ranking = area_ranking(states, n=3)
        styler = words.highest_paying_table(ranking)
        t = shown(styler)
        assert list(t.columns) == ["Rank", "Area", "Jobs", "25th percentile", "Median", "75th percentile",
                                   "vs national median"]
        ma = oews_cell(oews, "11-2021", "2500000")
        assert t.iloc[0].to_dict() == {"Rank": "1", "Area": "Massachusetts", "Jobs": f"{ma.employment:,}",
                                       "25th percentile": f"${ma.annual_p25:,}", "Median": "$212,020",
                                       "75th percentile": f"${ma.annual_p75:,}",
                                       "vs national median": f"{212_020 / 166_790:.2f}x"}
        assert "Highest-paying states and territories by median" in styler.to_html()
        metros = area_ranking(location_comparison(oews, occupation="11-2021", area_type="metro"), n=15,
                              min_employment=250)
        assert "Lowest-paying metro areas by median (at least 250 jobs)" in words.lowest_paying_table(metros).to_html()
        chosen = shown(words.location_table(location_comparison(oews, occupation="11-2021", areas=["Seattle"])))
        assert list(chosen["vs national median"]) == ["1.00x", f"{175_850 / 166_790:.2f}x"] and "Rank" not in chosen

    def test_unranked(self, oews):
        styler = words.unranked_table(location_comparison(oews, occupation="11-2021", area_type="metro"))
        assert shown(styler).to_dict("list") == {
            "Area": ["Hattiesburg, MS", "Rapid City, SD"], "Type": ["metro", "metro"], "Jobs": ["60", "60"],
            "Why not ranked": ["not published (estimate not released by BLS)"] * 2}
        assert "Metro areas left out of the rankings, and why" in styler.to_html()
        none = shown(words.unranked_table(location_comparison(oews, occupation="13-1161", area_type="state")))
        assert none.iloc[0, 0].startswith("none")
        er = shown(words.unranked_table(location_comparison(oews, occupation="29-1214", area_type="state")))
        assert er["Why not ranked"].str.match(r"median top-coded \(at least \$239,200\): not ranked").any()

    def test_industries(self, oews):
        t = shown(words.industry_table(industry_comparison(oews, occupation="11-2021")))
        row = t[t.Industry == "General Merchandise Retailers (455000)"].iloc[0]
        assert (row.Jobs, row.Median, row.Mean, row["vs all industries"]) == (
            "780", "$172,390", "$179,920", f"{172_390 / 166_790:.2f}x")
        web = shown(words.industry_table(industry_comparison(oews, occupation="15-1254"))).set_index("Industry")
        assert web.loc["General Merchandise Retailers (455000)", "Note"] == (
            "not published (no estimate for this occupation and area)")
        note = words.NO_ECOMMERCE_INDUSTRY_NOTE
        assert isinstance(note, Markdown) and "NAICS 2022" in note and "products sold" in note


class TestArticles:
    def test_table_and_sentence(self, oews, job):
        art = article_comparison(market_distribution(oews, occupations=job.codes))
        t = shown(words.article_table(art))
        avg = t[t["Article figure"] == "Average e-commerce manager salary"].set_index("Occupation")
        assert avg.loc["11-2021 Marketing Managers", "Article value sits"] == "below the 10th percentile"
        assert avg.loc["11-2021 Marketing Managers", "OEWS says"] == "mean $177,770"
        assert avg.loc["11-2021 Marketing Managers", "Percentile"] == "n/a"
        assert avg.loc["11-2022 Sales Managers", "Percentile"] == "19"
        first_year = t[t["Article figure"] == "Under one year of experience"].set_index("Occupation")
        assert first_year.loc["11-1021 General and Operations Managers", "OEWS says"] == (
            "Entry band $50,090 - $72,320")
        assert words.article_md(art) == (
            "The article average of $90,000 sits below the 10th percentile for 11-2021 Marketing Managers; at the "
            "19th percentile for 11-2022 Sales Managers; at the 38th percentile for 11-1021 General and Operations "
            "Managers; at the 56th percentile for 13-1199 Business Operations Specialists, All Other.")

    def test_explanation_names_the_benchmark_and_the_release(self, oews, job):
        art = article_comparison(market_distribution(oews, occupations=job.codes))
        ecom = words.article_explanation_md(art, role=job)
        assert "classify as Marketing Managers" in ecom and not ecom.startswith("Note:") and "as of May 2025" in ecom
        web = words.article_explanation_md(art, role=resolve_role(oews, role="web developer"))
        assert web.startswith("Note: these article figures describe e-commerce managers, while this report "
                              "benchmarks Web developer (15-1254 Web Developers)")
        assert "classify as Web Developers" in web


@pytest.fixture(scope="module")
def own(oews, job, seattle):
    """The own-data section of the Seattle run with the generated payroll."""
    return own_data_summary(load_pay_survey(PAYROLL), oews, role=job, focus=seattle[1])


class TestOwnData:
    def test_note(self, own):
        note = words.own_data_md(own)
        assert note.startswith("Own pay data from `tests/fixtures/salaries/payroll_generated.csv`: 103 people, 6 "
                               "titles; 31 with a title that maps to 11-2021 Marketing Managers. File note: "
                               "*GENERATED example payroll")
        assert note.endswith("Pay compression: 7 of 17 new hires (under 1 year) are paid at least 95% of the median "
                             "of colleagues with 3+ years in the same title.")

    def test_note_follows_the_compression_parameters(self, oews, job):
        own = own_data_summary(load_pay_survey(PAYROLL), oews, role=job, new_hire_years=2, tenured_years=5,
                               threshold=0.9)
        assert "new hires (under 2 years) are paid at least 90% of the median of colleagues with 5+ years" in \
            words.own_data_md(own)

    def test_tables(self, own):
        curve = words.experience_curve_table(own)
        t = shown(curve)
        assert list(t.columns) == ["Years of experience", "25th percentile", "Median", "75th percentile"]
        assert list(t["Years of experience"])[:3] == ["0", "1", "2"] and t.loc[0, "Median"].startswith("$")
        assert "Experience curve (quantile regression, pay ~ log(1 + years))" in curve.to_html()
        bands = shown(words.own_bands_table(own))
        assert list(bands["Level"]) == ["Entry", "Mid", "Senior", "Lead"] and bands.loc[0, "People"] == "3"
        vm = shown(words.own_vs_market_table(own)).set_index("Title")
        assert vm.loc["E-commerce manager", "Occupation"] == "11-2021 Marketing Managers"
        assert vm.loc["E-commerce manager", "Market median"] == "$175,850"
        assert "in Seattle-Tacoma-Bellevue, WA" in words.own_vs_market_table(own).to_html()
        assert "Note" not in vm  # every title matched
        comp = shown(words.pay_compression_table(own))
        assert comp.loc[0].to_dict() == {"Title": "Web developer", "Employee": "E050", "Tenure (years)": "0.9",
                                         "Base pay": "$103,600", "Tenured median": "$96,350", "Tenured people": "4",
                                         "Ratio": "1.08", "Compressed": "yes"}

    def test_unmatched_title_says_why(self, oews, job):
        pay = pd.DataFrame({"title": ["Chief Vibes Officer", "Web developer"], "base_pay": [1.0, 90_000.0],
                            "years_experience": [1.0, 2.0]})
        own = own_data_summary(pay, oews, role=job)
        vm = shown(words.own_vs_market_table(own)).set_index("Title")
        assert vm.loc["Chief Vibes Officer", "Note"] == "title not matched to a SOC occupation"
        assert vm.loc["Web developer", "Note"] == ""
        assert vm.loc["Chief Vibes Officer", "Own / market"] == "n/a"
        assert isinstance(words.experience_curve_table(own), Skipped)
        assert words.own_bands_table(own).reason == "No titles in the file map to 11-2021 Marketing Managers."

    def test_no_file_given(self, oews, job):
        own = attempt(own_data_summary, attempt(load_pay_survey, None, section="Your own pay data"), oews, role=job,
                      section="Your own pay data")
        assert words.own_data_md(own) is own  # the reason, said once
        for func in (words.experience_curve_table, words.own_bands_table, words.own_vs_market_table,
                     words.pay_compression_table):
            assert func(own) == "" and isinstance(func(own), Markdown)
        assert own.text().startswith("*Your own pay data: not computed for this data.* load_pay_survey(path=None): "
                                     "no own pay data given.")


def test_sources_follow_the_release(oews):
    assert "Occupational Employment and Wage Statistics (OEWS), May 2025, https://www.bls.gov/oes/" in \
        words.sources_md(oews)
    unnamed = oews.head(3).copy()
    unnamed.attrs = {"release": None}
    assert "(OEWS), release of the file given," in words.sources_md(unnamed)


def test_crosswalk_labels(oews):
    t = shown(words.crosswalk_table(role_crosswalk(oews)))
    assert list(t.columns) == ["Job title", "SOC", "Occupation (OEWS)", "National median", "Shown beside it",
                               "Also accepted", "Why this occupation"]
    assert t.set_index("Job title").loc["Web developer", "National median"] == "$92,650"


def test_tables_do_not_change_their_input(oews):
    market = market_distribution(oews, occupations="11-2021", areas=["Seattle"])
    before = market.copy()
    words.distribution_table(market)
    words.band_comparison_table(band_comparison(market))
    pd.testing.assert_frame_equal(market, before)
