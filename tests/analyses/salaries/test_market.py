"""Market distribution, areas, location and industry comparisons: every figure equals the shipped data.

Independent reference: the tables ``data/raw/README.md`` computed from the BLS release at build time
(verification figures; the industries-closest-to-e-commerce table for 11-2021).
"""
from __future__ import annotations

import pandas as pd
import pytest

from workbench.analyses.salaries.market import (ECOMMERCE_INDUSTRIES, UNRANKED_REASONS, area_ranking,
                                                areas_for_occupation, focus_row, highest_paying, industry_comparison,
                                                location_comparison, lowest_paying, market_distribution, national_row,
                                                occupations_in_area, resolve_areas, unranked_areas)
from workbench.errors import DataError

STATS = ["employment", "employment_rse", "annual_mean", "annual_p10", "annual_p25", "annual_p50", "annual_p75",
         "annual_p90", "hourly_p50", "wage_rse"]


class TestAreas:
    @pytest.mark.parametrize("given, name", [
        ("0041860", "San Francisco-Oakland-Fremont, CA"), ("california", "California"), ("CA", "California"),
        ("Seattle", "Seattle-Tacoma-Bellevue, WA"), ("New York", "New York"),
        ("New York-Newark", "New York-Newark-Jersey City, NY-NJ"), ("national", "National"),
    ])
    def test_matches(self, oews, given, name):
        got = resolve_areas(oews, areas=[given])
        assert list(got.area_name) == ["National"] + ([name] if name != "National" else [])

    def test_order_and_duplicates(self, oews):
        got = resolve_areas(oews, areas=["Chicago", "CA", "0016980"], include_national=False)
        assert list(got.area_code) == ["0016980", "0600000"]

    def test_ambiguous(self, oews):
        with pytest.raises(DataError, match=r"areas: area 'Portland' matches 2 areas.*Portland-South Portland, ME "
                                            r"\(0038860\); Portland-Vancouver-Hillsboro, OR-WA \(0038900\)"):
            resolve_areas(oews, areas=["Portland"])

    def test_unknown(self, oews):
        with pytest.raises(DataError, match=r"area 'Seatle, WA' not found\. Close matches: .*Seattle-Tacoma-Bellevue"):
            resolve_areas(oews, areas=["Seatle, WA"])


class TestDistribution:
    def test_values_equal_the_shipped_data(self, oews, cell):
        dist = market_distribution(oews, occupations=["11-2021", "11-2022"], areas=["Seattle", "California"])
        assert list(zip(dist.occupation_code, dist.area_code)) == [
            ("11-2021", "0000000"), ("11-2021", "0042660"), ("11-2021", "0600000"),
            ("11-2022", "0000000"), ("11-2022", "0042660"), ("11-2022", "0600000")]
        for _, row in dist.iterrows():
            ref = cell(row.occupation_code, row.area_code)
            assert [row[c] for c in STATS] == [ref[c] for c in STATS]
        nat = national_row(dist)
        assert (nat.employment, nat.annual_p50, nat.annual_mean) == (395_240, 166_790, 177_770)
        assert national_row(dist, occupation="112022").annual_p50 == cell("11-2022").annual_p50
        focus = focus_row(dist)
        assert (focus.occupation_code, focus.area_code) == ("11-2021", "0042660")
        assert focus.attrs["release"] == "May 2025" and dist.attrs["release"] == "May 2025"
        assert focus_row(dist, occupation="11-2022").area_code == "0042660"
        assert focus_row(dist[dist.area_code == "0000000"]).area_code == "0000000"

    def test_views_of_the_distribution(self, oews):
        dist = market_distribution(oews, occupations=["11-2021", "11-2022"], areas=["Seattle", "California"])
        here = occupations_in_area(dist)  # the focus area: the first chosen after the nation
        assert list(zip(here.occupation_code, here.area_code)) == [("11-2021", "0042660"), ("11-2022", "0042660")]
        assert list(occupations_in_area(dist, area="California").occupation_code) == ["11-2021", "11-2022"]
        assert list(occupations_in_area(dist, area="0000000").area_name) == ["National", "National"]
        primary = areas_for_occupation(dist)
        assert list(primary.area_code) == ["0000000", "0042660", "0600000"] and set(primary.occupation_code) == {
            "11-2021"}
        assert set(areas_for_occupation(dist, occupation="11-2022").occupation_code) == {"11-2022"}
        national_only = market_distribution(oews, occupations=["11-2021", "11-2022"])
        assert list(occupations_in_area(national_only).area_code) == ["0000000", "0000000"]
        with pytest.raises(DataError, match=r"area: area 'Boise' is not in the distribution"):
            occupations_in_area(dist, area="Boise")

    def test_cell_without_estimate_is_kept(self, oews):
        dist = market_distribution(oews, occupations="11-2021", areas=["0010380"])  # Aguadilla, PR: no 11-2021 cell
        row = dist.iloc[1]
        assert (row.area_name, row.wage_status, row.employment_status) == ("Aguadilla, PR", "no_estimate", "no_estimate")
        assert pd.isna(row.annual_p50) and row.occupation_name == "Marketing Managers"

    def test_unknown_occupation(self, oews):
        with pytest.raises(DataError, match=r"occupations: SOC code 11-9999 is not in the OEWS table"):
            market_distribution(oews, occupations="11-9999")

    def test_top_coded_and_suppressed_cells_keep_their_flags(self, oews):
        er = market_distribution(oews, occupations="29-1214", areas=["AL"])  # footnote 5 on every wage in Alabama
        al = er.iloc[1]
        assert al.p50_topcoded and al.annual_p50 == 239_200
        assert not er.iloc[0].p50_topcoded and er.iloc[0].annual_p50 == 335_550  # above the cap, not flagged: exact
        chem = market_distribution(oews, occupations="17-2041", areas=["CA"]).iloc[1]  # footnote 8 on wages
        assert chem.wage_status == "not_released" and pd.isna(chem.annual_p50)


class TestLocation:
    def test_location_ratio_is_area_median_over_national(self, oews, cell):
        loc = location_comparison(oews, occupation="11-2021", areas=["Seattle", "CA"])
        seattle = loc[loc.area_code == "0042660"].iloc[0]
        assert seattle.location_ratio == pytest.approx(175_850 / 166_790)
        assert seattle.annual_p50 == cell("11-2021", "0042660").annual_p50 == 175_850
        assert loc[loc.area_code == "0000000"].location_ratio.iloc[0] == 1.0

    def test_rankings_use_published_exact_medians_only(self, oews, cell):
        metros = location_comparison(oews, occupation="11-2021", area_type="metro")
        ref = oews[(oews.occupation_code == "11-2021") & (oews.area_type == "metro") & (oews.industry_code == "000000")]
        assert len(metros) == len(ref) == 334
        top = highest_paying(metros, n=15)
        assert list(top["rank"]) == list(range(1, 16))
        assert top.annual_p50.is_monotonic_decreasing
        assert top.iloc[0].area_name == "San Jose-Sunnyvale-Santa Clara, CA" and top.iloc[0].annual_p50 == 231_370
        best = ref[ref.wage_status == "published"].sort_values("annual_p50", ascending=False).iloc[0]
        assert best.area_code == top.iloc[0].area_code
        low = lowest_paying(metros, n=15)
        assert low.annual_p50.is_monotonic_increasing and low.iloc[0].annual_p50 == ref.annual_p50.min()
        left_out = unranked_areas(metros)
        assert set(left_out.area_name) == {"Hattiesburg, MS", "Rapid City, SD"}
        assert set(left_out.unranked_reason) == {"not_released"}
        assert metros.loc[metros.rankable, "unranked_reason"].isna().all()
        assert (metros.national_median == 166_790).all()

    def test_min_employment(self, oews):
        metros = location_comparison(oews, occupation="11-2021", area_type="metro")
        top = highest_paying(metros, n=5, min_employment=1000)
        assert (top.employment >= 1000).all() and top.iloc[0].area_name == "San Jose-Sunnyvale-Santa Clara, CA"
        assert "Billings, MT" not in set(lowest_paying(metros, n=400, min_employment=250).area_name)

    def test_top_coded_medians_are_not_ranked(self, oews):
        metros = location_comparison(oews, occupation="29-1214", area_type="metro")
        top_coded = metros[metros.p50_topcoded.astype(bool)]
        assert len(top_coded) > 0 and not top_coded.rankable.any()
        assert top_coded.location_ratio.isna().all()
        ranked = highest_paying(metros, n=500)
        assert not ranked.p50_topcoded.any()
        assert len(ranked) == metros.rankable.sum()
        assert set(unranked_areas(metros).unranked_reason) <= {"median_topcoded", "not_released"}
        assert set(unranked_areas(metros).unranked_reason) <= set(UNRANKED_REASONS)

    def test_ranking_both_ends(self, oews):
        metros = location_comparison(oews, occupation="11-2021", area_type="metro")
        ranking = area_ranking(metros, n=15, min_employment=250)
        pd.testing.assert_frame_equal(ranking.highest, highest_paying(metros, n=15, min_employment=250))
        pd.testing.assert_frame_equal(ranking.lowest, lowest_paying(metros, n=15, min_employment=250))
        assert (ranking.occupation_code, ranking.occupation_name, ranking.area_type) == (
            "11-2021", "Marketing Managers", "metro")
        assert (ranking.national_median, ranking.n, ranking.min_employment) == (166_790, 15, 250)
        assert ranking.lowest.iloc[0].area_name == "Jackson, MS" and ranking.lowest.iloc[0].annual_p50 == 103_280

    def test_bad_n(self, oews):
        with pytest.raises(DataError, match="n must be at least 1"):
            highest_paying(location_comparison(oews, occupation="11-2021", area_type="state"), n=0)


# data/raw/README.md, "Industries closest to e-commerce", national figures for 11-2021 Marketing Managers
README_INDUSTRIES = {
    "000000": (395_240, 166_790, 177_770), "44--46": (10_230, 132_880, 150_940), "441000": (1_640, 112_300, 123_450),
    "444000": (410, 118_460, 145_700), "445000": (500, 150_650, 148_190), "449000": (1_210, 136_770, 147_030),
    "455000": (780, 172_390, 179_920), "456000": (1_650, 145_700, 166_790), "458000": (1_630, 155_380, 172_800),
    "459000": (2_360, 125_720, 138_860), "425000": (4_230, 155_650, 175_600), "492000": (130, 147_020, 152_450),
    "493000": (1_190, 132_170, 147_390), "516200": (5_230, 213_990, 228_750), "518200": (7_960, 188_490, 199_560),
    "519200": (3_120, 217_930, 241_120), "541500": (25_860, 194_300, 200_830), "541800": (14_450, 168_420, 179_500),
}


class TestIndustry:
    def test_figures_equal_the_readme_table(self, oews):
        ind = industry_comparison(oews, occupation="11-2021")
        assert ind.iloc[0].industry_code == "000000" and ind.iloc[0].industry_label == "All industries"
        assert list(ind.industry_code) == list(ECOMMERCE_INDUSTRIES)
        got = {r.industry_code: (r.employment, r.annual_p50, r.annual_mean) for r in ind.itertuples()}
        assert got == README_INDUSTRIES
        gm = ind[ind.industry_code == "455000"].iloc[0]
        assert gm.ratio_to_all_industries == pytest.approx(172_390 / 166_790)

    def test_all_industries_mode(self, oews):
        ind = industry_comparison(oews, occupation="11-2021", industries="all")
        assert ind.iloc[0].group == "All industries"
        rest = ind.iloc[1:]
        assert rest.employment.fillna(0).is_monotonic_decreasing
        ref = oews[(oews.occupation_code == "11-2021") & (oews.area_code == "0000000") & (oews.industry_level == 3)]
        assert len(rest) == len(ref)

    def test_missing_industry_cell_and_unknown_code(self, oews):
        ind = industry_comparison(oews, occupation="53-7065", industries=["541800"])
        assert list(ind.industry_code) == ["000000", "541800"]
        with pytest.raises(DataError, match=r"industries: industry code '999999' is not in the OEWS table"):
            industry_comparison(oews, occupation="11-2021", industries=["999999"])

    def test_occupation_and_reasons(self, oews):
        ind = industry_comparison(oews, occupation="11-2021")
        assert set(ind.occupation_name) == {"Marketing Managers"} and ind.rankable.all()
        assert ind.unranked_reason.isna().all()
        web = industry_comparison(oews, occupation="15-1254").set_index("industry_code")
        assert web.loc["455000", ["wage_status", "unranked_reason", "rankable"]].tolist() == [
            "no_estimate", "no_estimate", False]  # no cell for web developers at general merchandise retailers
        assert web.loc["518200", "unranked_reason"] == "not_released" and pd.isna(web.loc["518200", "annual_p50"])
