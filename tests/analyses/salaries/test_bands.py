"""Pay bands, percentile interpolation and the offer check, on hand-computed cases.

Hand computations (linear between adjacent published percentiles), 11-2021 national:
p10 90,260 | p25 123,020 | p50 166,790 | p75 216,410 | p90 293,610.
- offer 150,000: 25 + 25 x (150,000 - 123,020) / (166,790 - 123,020) = 25 + 25 x 26,980 / 43,770 = 40.4101...
- wage at the 40th: 123,020 + (166,790 - 123,020) x 15 / 25 = 149,282.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.interpolate import interp1d

from workbench.analyses.salaries.bands import (ARTICLE_FIGURES, DEFAULT_LEVELS, PLACEMENTS, article_comparison,
                                               band_comparison, check_offer, offer_position, parse_levels, pay_bands,
                                               wage_at_percentile)
from workbench.analyses.salaries.market import market_distribution
from workbench.analyses.salaries.roles import resolve_role
from workbench.errors import DataError, NotEnoughData

MM = {"annual_p10": 90_260, "annual_p25": 123_020, "annual_p50": 166_790, "annual_p75": 216_410,
      "annual_p90": 293_610, **{f"p{q}_topcoded": False for q in (10, 25, 50, 75, 90)},
      "occupation_name": "Marketing Managers", "occupation_code": "11-2021", "area_name": "National",
      "wage_status": "published"}


def row(**changes) -> dict:
    return {**MM, **changes}


def topcoded(*stats, cap=239_200, **values) -> dict:
    r = row(**values)
    for s in stats:
        r[f"annual_{s}"], r[f"{s}_topcoded"] = cap, True
    return r


class TestLevels:
    def test_default_and_text_forms(self):
        assert parse_levels(None) == DEFAULT_LEVELS
        assert parse_levels(["Entry: 10-25", "Mid=p25-p50", "Senior: 50 - 75", "Lead: p75-p90"]) == {
            "Entry": (10, 25), "Mid": (25, 50), "Senior": (50, 75), "Lead": (75, 90)}
        assert parse_levels({"Junior": (10, 40), "Senior": [40, 90]}) == {"Junior": (10, 40), "Senior": (40, 90)}

    @pytest.mark.parametrize("levels, pattern", [
        (["Entry 10-25"], r"levels: level entry not understood \(first: 'Entry 10-25'\)"),
        (["Lead: 75-95"], r"must lie within the 10th-90th percentile.*first: Lead: 75-95"),
        (["Mid: 50-25"], r"run low to high"),
        ("Entry: 10-25", r"must be a list of entries"),
        ([], r"the level mapping is empty"),
        ({"Mid": ("a", "b")}, r"level range is not two numbers"),
    ])
    def test_bad_mappings(self, levels, pattern):
        with pytest.raises(DataError, match=pattern):
            parse_levels(levels)


class TestInterpolation:
    def test_published_points_and_hand_computed_value(self):
        assert wage_at_percentile(MM, percentile=25) == (123_020, False)
        assert wage_at_percentile(MM, percentile=40) == (pytest.approx(149_282), False)

    def test_agrees_with_scipy(self):
        f = interp1d([10, 25, 50, 75, 90], [MM[f"annual_p{q}"] for q in (10, 25, 50, 75, 90)])
        for q in np.linspace(10, 90, 33):
            assert wage_at_percentile(MM, percentile=q)[0] == pytest.approx(float(f(q)))

    def test_top_coded_neighbour_gives_a_lower_bound(self):
        r = topcoded("p90", annual_p75=200_000)
        assert wage_at_percentile(r, percentile=75) == (200_000, False)
        assert wage_at_percentile(r, percentile=80) == (pytest.approx(200_000 + 39_200 / 3), True)
        assert wage_at_percentile(r, percentile=90) == (239_200, True)

    def test_outside_published_range(self):
        with pytest.raises(DataError, match=r"percentile 5 is outside the published 10th-90th"):
            wage_at_percentile(MM, percentile=5)


class TestBands:
    def test_default_bands_are_the_published_percentiles(self, oews, cell):
        ref = cell("11-2021")
        bands = pay_bands(ref)
        assert list(bands.level) == ["Entry", "Mid", "Senior", "Lead"]
        edges = [ref[f"annual_p{q}"] for q in (10, 25, 50, 75, 90)]
        assert list(bands.low) == edges[:-1] and list(bands.high) == edges[1:]
        assert not bands.low_is_lower_bound.any() and not bands.high_is_lower_bound.any()
        assert bands.midpoint.iloc[0] == pytest.approx(90_260 + (123_020 - 90_260) / 2)
        assert set(bands.basis) == {"annual"} and set(bands.area_name) == {"National"}

    def test_custom_levels_interpolate(self):
        bands = pay_bands(MM, levels=["Junior: 10-40", "Senior: 40-90"])
        assert list(bands.low) == [90_260, pytest.approx(149_282)]

    def test_top_coded_edges(self):
        bands = pay_bands(topcoded("p75", "p90", annual_p50=200_000))
        lead, senior = bands.iloc[3], bands.iloc[2]
        assert (senior.low, senior.high) == (200_000, 239_200) and senior.high_is_lower_bound
        assert not senior.low_is_lower_bound
        assert lead.low == 239_200 and lead.low_is_lower_bound and lead.high_is_lower_bound

    def test_area_with_suppressed_wages(self, oews):
        dist = market_distribution(oews, occupations="11-2021", areas=["Hattiesburg"])  # footnote 8 on every wage
        with pytest.raises(DataError, match=r"OEWS: column `annual_p10`: cannot compute a band: BLS did not release "
                                            r"wage estimates for Marketing Managers \(11-2021\) in Hattiesburg, MS "
                                            r"\(first: wage_status='not_released'\)\. Use a larger area"):
            pay_bands(dist.iloc[1])
        with pytest.raises(DataError, match=r"cannot place the offer: BLS did not release wage estimates"):
            offer_position(dist.iloc[1], offer=100_000)
        both = band_comparison(dist)
        assert list(both.groupby("area_name", sort=False).published.all()) == [True, False]
        assert both[both.area_name == "Hattiesburg, MS"].low.isna().all()
        assert list(both[both.area_name == "National"].low) == [90_260, 123_020, 166_790, 216_410]

    def test_area_without_estimate(self, oews):
        dist = market_distribution(oews, occupations="11-2021", areas=["0010380"])
        with pytest.raises(DataError, match=r"BLS publishes no estimate for Marketing Managers \(11-2021\) in "
                                            r"Aguadilla, PR"):
            pay_bands(dist.iloc[1])

    def test_hourly_only_occupation(self, oews):
        dist = market_distribution(oews, occupations="27-2011")  # actors: hourly rates only
        with pytest.raises(DataError, match=r"BLS publishes hourly rates only for this occupation"):
            pay_bands(dist.iloc[0])
        assert pay_bands(dist.iloc[0], basis="hourly").low.iloc[0] == dist.iloc[0].hourly_p10


class TestOffer:
    def test_hand_computed_position(self):
        p = offer_position(MM, offer=150_000)
        assert p.percentile == pytest.approx(25 + 25 * 26_980 / 43_770)
        assert (p.percentile_low, p.percentile_high) == (p.percentile, p.percentile)
        assert p.placement == "at" and p.verdict == "competitive" and p.competitive == (25, 75)
        assert p.compa_ratio == pytest.approx(150_000 / 166_790)

    def test_published_points(self):
        assert offer_position(MM, offer=90_260).percentile == 10
        assert offer_position(MM, offer=166_790).percentile == 50
        assert offer_position(MM, offer=293_610).percentile == 90

    def test_below_the_10th_is_not_extrapolated(self):
        p = offer_position(MM, offer=60_000)
        assert math.isnan(p.percentile) and (p.percentile_low, p.percentile_high) == (0, 10)
        assert (p.placement, p.verdict) == ("below_10th", "below market")

    def test_above_the_90th_is_not_extrapolated(self):
        p = offer_position(MM, offer=300_000)
        assert math.isnan(p.percentile) and (p.percentile_low, p.percentile_high) == (90, 100)
        assert (p.placement, p.verdict) == ("above_90th", "above market")

    @pytest.mark.parametrize("offer, verdict", [(123_019, "below market"), (123_020, "competitive"),
                                                (216_410, "competitive"), (216_411, "above market")])
    def test_verdict_thresholds(self, offer, verdict):
        assert offer_position(MM, offer=offer).verdict == verdict

    def test_custom_thresholds(self):
        assert offer_position(MM, offer=150_000, competitive=(45, 55)).verdict == "below market"

    def test_below_a_top_coded_percentile_gives_a_range(self):
        r = topcoded("p75", "p90", annual_p50=200_000)
        p = offer_position(r, offer=220_000)
        upper = 50 + 25 * (220_000 - 200_000) / (239_200 - 200_000)  # 62.755...: the true position is lower
        assert math.isnan(p.percentile) and p.percentile_low == 50 and p.percentile_high == pytest.approx(upper)
        assert (p.placement, p.topcoded_percentile, p.topcode) == ("below_topcode", 75, 239_200)
        assert p.verdict == "competitive"

    def test_at_or_above_a_top_coded_percentile(self):
        p = offer_position(topcoded("p75", "p90", annual_p50=200_000), offer=250_000)
        assert (p.percentile_low, p.percentile_high) == (50, 100)
        assert (p.placement, p.topcoded_percentile) == ("at_or_above_topcode", 75)
        assert p.verdict == "competitive or above market"

    def test_every_percentile_top_coded(self, oews, cell):
        er = cell("29-1214", "0100000")  # Emergency Medicine Physicians, Alabama
        low = offer_position(er, offer=200_000)
        assert (low.placement, low.verdict, low.percentile_high) == ("below_10th", "below market", 10)
        high = offer_position(er, offer=300_000)
        assert (high.placement, high.topcode) == ("unplaceable", 239_200) and high.placement in PLACEMENTS
        assert high.verdict == "anywhere from below to above market" and math.isnan(high.compa_ratio)

    def test_top_coded_90th_below_an_exact_75th(self, oews, cell):
        # one of 13 cells where BLS top-codes the 90th ($239,200) while the exact 75th is far higher
        ceo = cell("11-1011", industry="622300")
        assert ceo.p90_topcoded and ceo.annual_p75 == 621_830
        p = offer_position(ceo, offer=700_000)
        assert (p.percentile_low, p.percentile_high) == (75, 100)
        assert (p.placement, p.percentile_low) == ("at_or_above_topcode", 75)
        assert wage_at_percentile(ceo, percentile=90) == (621_830, True)

    def test_flat_stretch(self):
        r = row(annual_p10=30_000, annual_p25=30_000)
        p = offer_position(r, offer=30_000)
        assert (p.percentile, p.percentile_low, p.percentile_high) == (17.5, 10, 25)

    @pytest.mark.parametrize("offer, pattern", [
        (-5_000, r"offer: offer must be positive \(first: -5000\)"),
        (0, r"offer must be positive"),
        ("abc", r"offer: offer is not a number \(first: 'abc'\)"),
        (None, r"offer must be an amount, got None"),
        (True, r"offer must be an amount, got True"),
        (float("nan"), r"offer is missing or infinite"),
        (45.5, r"offer looks like an hourly rate"),
        ([100_000], r"offer is not a number"),
    ])
    def test_bad_offers(self, offer, pattern):
        with pytest.raises(DataError, match=pattern):
            offer_position(MM, offer=offer)

    def test_no_offer_is_not_enough_data(self):
        """No offer given: wb.attempt leaves the offer check out of the report and says why."""
        with pytest.raises(NotEnoughData, match=r"offer: offer must be an amount, got None \(no offer given\)"):
            offer_position(MM, offer=None)
        with pytest.raises(DataError) as wrong:
            offer_position(MM, offer=True)
        assert not isinstance(wrong.value, NotEnoughData)

    def test_offer_as_text(self):
        assert check_offer("$95,000") == 95_000 and check_offer("95000 USD") == 95_000
        assert check_offer(45.5, basis="hourly") == 45.5

    def test_as_frame(self):
        frame = offer_position(MM, offer=150_000).to_frame()
        assert frame.shape[0] == 1 and frame.loc[0, "placement"] == "at" and frame.loc[0, "median"] == 166_790


class TestArticles:
    def test_article_positions_hand_computed(self, oews):
        role = resolve_role(oews, role="e-commerce manager")
        dist = market_distribution(oews, occupations=role.codes, areas=["Seattle"])
        art = article_comparison(dist)  # nationally by default: the Seattle rows are left out
        assert len(art) == len(ARTICLE_FIGURES) * 4 and art.attrs["release"] == "May 2025"
        avg = art[art.figure == "Average e-commerce manager salary"].set_index("occupation_code")
        # 13-1199: p50 83,050, p75 114,010 -> 50 + 25 x (90,000 - 83,050) / 30,960
        assert avg.loc["13-1199", "percentile"] == pytest.approx(50 + 25 * 6_950 / 30_960)
        assert avg.loc["13-1199", "placement"] == "at"
        mm = avg.loc["11-2021"]
        assert (mm.placement, mm.oews_low, mm.oews_high, mm.article_value) == ("below_10th", 177_770, 177_770, 90_000)
        assert np.isnan(mm.percentile) and (mm.percentile_low, mm.percentile_high) == (0, 10)
        first_year = art[art.figure == "Under one year of experience"].set_index("occupation_code")
        assert (first_year.loc["11-1021", "oews_low"], first_year.loc["11-1021", "oews_high"]) == (50_090, 72_320)
        assert set(art.compared_with) == {"mean", "Entry", "Mid"} and art.published.all()

    def test_levels_follow_the_mapping(self, oews):
        dist = market_distribution(oews, occupations="11-2021")
        art = article_comparison(dist, levels=["Entry: 10-40", "Mid: 40-60"]).set_index("compared_with")
        assert art.loc["Entry", "oews_high"] == pytest.approx(123_020 + 43_770 * 15 / 25)

    def test_not_published(self, oews):
        dist = market_distribution(oews, occupations="11-2021", areas=["Hattiesburg"])
        art = article_comparison(dist, area=None)
        hatt = art[art.occupation_code.notna() & ~art.published]
        assert len(hatt) == 3 and hatt.oews_low.isna().all() and hatt.placement.isna().all()
