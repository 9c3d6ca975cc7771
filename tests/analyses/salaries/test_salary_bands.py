"""Pay bands, percentile interpolation and the offer check, on hand-computed cases.

Hand computations (linear between adjacent published percentiles), 11-2021 national:
p10 90,260 | p25 123,020 | p50 166,790 | p75 216,410 | p90 293,610.
- offer 150,000: 25 + 25 x (150,000 - 123,020) / (166,790 - 123,020) = 25 + 25 x 26,980 / 43,770 = 40.4101...
- wage at the 40th: 123,020 + (166,790 - 123,020) x 15 / 25 = 149,282.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.interpolate import interp1d

from workbench import provenance
from workbench.analyses.salaries.bands import (ARTICLE_FIGURES, DEFAULT_LEVELS, answer_text, article_comparison,
                                               band_comparison, bands_sentence, check_offer, md_escape, offer_position,
                                               offer_sentence, offer_table, ordinal, parse_levels, pay_bands,
                                               record_benchmark, wage_at_percentile)
from workbench.analyses.salaries.market import market_distribution
from workbench.analyses.salaries.roles import resolve_role
from workbench.errors import DataError

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
        assert wage_at_percentile(MM, 25) == (123_020, False)
        assert wage_at_percentile(MM, 40) == (pytest.approx(149_282), False)

    def test_agrees_with_scipy(self):
        f = interp1d([10, 25, 50, 75, 90], [MM[f"annual_p{q}"] for q in (10, 25, 50, 75, 90)])
        for q in np.linspace(10, 90, 33):
            assert wage_at_percentile(MM, q)[0] == pytest.approx(float(f(q)))

    def test_top_coded_neighbour_gives_a_lower_bound(self):
        r = topcoded("p90", annual_p75=200_000)
        assert wage_at_percentile(r, 75) == (200_000, False)
        assert wage_at_percentile(r, 80) == (pytest.approx(200_000 + 39_200 / 3), True)
        assert wage_at_percentile(r, 90) == (239_200, True)

    def test_outside_published_range(self):
        with pytest.raises(DataError, match=r"percentile 5 is outside the published 10th-90th"):
            wage_at_percentile(MM, 5)


class TestBands:
    def test_default_bands_are_the_published_percentiles(self, oews, cell):
        ref = cell("11-2021")
        bands = pay_bands(ref)
        assert list(bands.level) == ["Entry", "Mid", "Senior", "Lead"]
        edges = [ref[f"annual_p{q}"] for q in (10, 25, 50, 75, 90)]
        assert list(bands.low) == edges[:-1] and list(bands.high) == edges[1:]
        assert list(bands.band) == ["$90,260 - $123,020", "$123,020 - $166,790", "$166,790 - $216,410",
                                    "$216,410 - $293,610"]
        assert bands.midpoint.iloc[0] == pytest.approx(90_260 + (123_020 - 90_260) / 2)
        assert bands_sentence(bands).startswith(r"**Entry** (10th-25th percentile) \$90,260 - \$123,020; **Mid**")

    def test_custom_levels_interpolate(self):
        bands = pay_bands(MM, levels=["Junior: 10-40", "Senior: 40-90"])
        assert list(bands.low) == [90_260, pytest.approx(149_282)]

    def test_top_coded_edges(self):
        bands = pay_bands(topcoded("p75", "p90", annual_p50=200_000))
        lead, senior = bands.iloc[3], bands.iloc[2]
        assert senior.band == "$200,000 to at least $239,200" and senior.high_is_lower_bound
        assert lead.band == "at least $239,200" and lead.low_is_lower_bound

    def test_area_with_suppressed_wages(self, oews):
        dist = market_distribution(oews, "11-2021", areas=["Hattiesburg"])  # footnote 8 on every wage
        with pytest.raises(DataError, match=r"OEWS: column `annual_p10`: cannot compute a band: BLS did not release "
                                            r"wage estimates for Marketing Managers \(11-2021\) in Hattiesburg, MS "
                                            r"\(first: wage_status='not_released'\)\. Use a larger area"):
            pay_bands(dist.iloc[1])
        with pytest.raises(DataError, match=r"cannot place the offer: BLS did not release wage estimates"):
            offer_position(dist.iloc[1], 100_000)
        assert band_comparison(dist)["Hattiesburg, MS"].tolist() == ["not published"] * 4

    def test_area_without_estimate(self, oews):
        dist = market_distribution(oews, "11-2021", areas=["0010380"])
        with pytest.raises(DataError, match=r"BLS publishes no estimate for Marketing Managers \(11-2021\) in "
                                            r"Aguadilla, PR"):
            pay_bands(dist.iloc[1])

    def test_hourly_only_occupation(self, oews):
        dist = market_distribution(oews, "27-2011")  # actors: hourly rates only
        with pytest.raises(DataError, match=r"BLS publishes hourly rates only for this occupation"):
            pay_bands(dist.iloc[0])
        assert pay_bands(dist.iloc[0], basis="hourly").band.iloc[0].startswith("$")


class TestOffer:
    def test_hand_computed_position(self):
        p = offer_position(MM, 150_000)
        assert p.percentile == pytest.approx(25 + 25 * 26_980 / 43_770)
        assert (p.percentile_low, p.percentile_high) == (p.percentile, p.percentile)
        assert p.position == "at the 40th percentile" and p.verdict == "competitive"
        assert p.compa_ratio == pytest.approx(150_000 / 166_790)

    def test_published_points(self):
        assert offer_position(MM, 90_260).percentile == 10
        assert offer_position(MM, 166_790).percentile == 50
        assert offer_position(MM, 293_610).percentile == 90

    def test_below_the_10th_is_not_extrapolated(self):
        p = offer_position(MM, 60_000)
        assert math.isnan(p.percentile) and (p.percentile_low, p.percentile_high) == (0, 10)
        assert (p.position, p.verdict) == ("below the 10th percentile", "below market")

    def test_above_the_90th_is_not_extrapolated(self):
        p = offer_position(MM, 300_000)
        assert math.isnan(p.percentile) and (p.percentile_low, p.percentile_high) == (90, 100)
        assert (p.position, p.verdict) == ("above the 90th percentile", "above market")

    @pytest.mark.parametrize("offer, verdict", [(123_019, "below market"), (123_020, "competitive"),
                                                (216_410, "competitive"), (216_411, "above market")])
    def test_verdict_thresholds(self, offer, verdict):
        assert offer_position(MM, offer).verdict == verdict

    def test_custom_thresholds(self):
        assert offer_position(MM, 150_000, competitive=(45, 55)).verdict == "below market"

    def test_below_a_top_coded_percentile_gives_a_range(self):
        r = topcoded("p75", "p90", annual_p50=200_000)
        p = offer_position(r, 220_000)
        upper = 50 + 25 * (220_000 - 200_000) / (239_200 - 200_000)  # 62.755...: the true position is lower
        assert math.isnan(p.percentile) and p.percentile_low == 50 and p.percentile_high == pytest.approx(upper)
        assert p.position.startswith("between the 50th and 63rd percentile (the 75th is top-coded at $239,200")
        assert p.verdict == "competitive"

    def test_at_or_above_a_top_coded_percentile(self):
        p = offer_position(topcoded("p75", "p90", annual_p50=200_000), 250_000)
        assert (p.percentile_low, p.percentile_high) == (50, 100)
        assert p.position.startswith("at or above the 50th percentile")
        assert p.verdict == "competitive or above market"

    def test_every_percentile_top_coded(self, oews, cell):
        er = cell("29-1214", "0100000")  # Emergency Medicine Physicians, Alabama
        low = offer_position(er, 200_000)
        assert (low.position, low.verdict, low.percentile_high) == ("below the 10th percentile", "below market", 10)
        high = offer_position(er, 300_000)
        assert high.position.startswith("not placeable: every published percentile is top-coded ($239,200 or more)")
        assert high.verdict == "anywhere from below to above market" and math.isnan(high.compa_ratio)

    def test_top_coded_90th_below_an_exact_75th(self, oews, cell):
        # one of 13 cells where BLS top-codes the 90th ($239,200) while the exact 75th is far higher
        ceo = cell("11-1011", industry="622300")
        assert ceo.p90_topcoded and ceo.annual_p75 == 621_830
        p = offer_position(ceo, 700_000)
        assert (p.percentile_low, p.percentile_high) == (75, 100)
        assert p.position.startswith("at or above the 75th percentile")
        assert wage_at_percentile(ceo, 90) == (621_830, True)

    def test_flat_stretch(self):
        r = row(annual_p10=30_000, annual_p25=30_000)
        p = offer_position(r, 30_000)
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
            offer_position(MM, offer)

    def test_offer_as_text(self):
        assert check_offer("$95,000") == 95_000 and check_offer("95000 USD") == 95_000
        assert check_offer(45.5, basis="hourly") == 45.5

    def test_texts(self):
        p = offer_position(MM, 150_000)
        assert offer_sentence(p) == (r"An offer of **\$150,000** sits at the 40th percentile of Marketing Managers "
                                     r"nationally, 0.90 times the median: **competitive**.")
        assert offer_sentence(None) == ""
        t = offer_table(p).set_index("Item")["Value"]
        assert (t["Percentile (point)"], t["Verdict"], t["Market median"]) == ("40.4", "competitive", "$166,790")
        assert t["Percentile (range)"] == "none: the position is exact"
        below = offer_table(offer_position(MM, 50_000)).set_index("Item")["Value"]
        assert (below["Percentile (point)"], below["Percentile (range)"]) == (
            "n/a (outside the published range or top-coded)", "0.0 to 10.0")
        assert [ordinal(q) for q in (1, 2, 3, 11, 12, 22.4, 40.41, 90)] == [
            "1st", "2nd", "3rd", "11th", "12th", "22nd", "40th", "90th"]
        assert md_escape("$1 - $2") == r"\$1 - \$2" and md_escape(r"\$1") == r"\$1"


class TestArticlesAndRecords:
    def test_article_positions_hand_computed(self, oews):
        role = resolve_role(oews, "e-commerce manager")
        dist = market_distribution(oews, role.codes)
        art = article_comparison(dist)
        assert len(art) == len(ARTICLE_FIGURES) * 4
        avg = art[art["Article figure"] == "Average e-commerce manager salary"].set_index("Occupation")
        # 13-1199: p50 83,050, p75 114,010 -> 50 + 25 x (90,000 - 83,050) / 30,960
        assert avg.loc["13-1199 Business Operations Specialists, All Other", "percentile"] == pytest.approx(
            50 + 25 * 6_950 / 30_960)
        assert avg.loc["11-2021 Marketing Managers", "Article value sits"] == "below the 10th percentile"
        assert avg.loc["11-2021 Marketing Managers", "OEWS says"] == "mean $177,770"
        first_year = art[art["Article figure"] == "Under one year of experience"].set_index("Occupation")
        assert first_year.loc["11-1021 General and Operations Managers", "OEWS says"] == "Entry band $50,090 - $72,320"

    def test_record_benchmark_and_answer(self, oews, cell):
        provenance.reset()
        dist = market_distribution(oews, "11-2021", areas=["Seattle"])
        focus = dist.iloc[1]
        bands = pay_bands(focus)
        pos = offer_position(focus, 150_000)
        table = record_benchmark(focus, bands, pos)
        got = provenance.recorded_metrics()
        ref = cell("11-2021", "0042660")
        assert got["median_wage"] == ref.annual_p50 == 175_850
        assert got["employment"] == ref.employment
        assert (got["band_entry_low"], got["band_lead_high"]) == (ref.annual_p10, ref.annual_p90)
        assert got["offer_percentile"] == pytest.approx(pos.percentile) and got["offer_verdict"] == "competitive"
        assert len(table) == 2 + 8 + 3 and "offer_percentile_low" not in got  # a point: no range recorded
        provenance.reset()
        record_benchmark(focus, bands, offer_position(focus, 50_000))
        below = provenance.recorded_metrics()
        assert below["offer_percentile"] is None
        assert (below["offer_percentile_low"], below["offer_percentile_high"]) == (0, 10)
        role = resolve_role(oews, "e-commerce manager")
        text = answer_text(role, focus, bands, pos, release="May 2025")
        assert text.startswith("**Answer.** Recommended base-pay bands for **E-commerce manager** in "
                               "Seattle-Tacoma-Bellevue, WA, set from what employers pay **11-2021 Marketing "
                               "Managers** (BLS OEWS May 2025):")
        assert r"The market median is **\$175,850** (6,720 jobs, wage RSE 4.4%)." in text

    def test_record_without_offer_and_with_lower_bounds(self):
        provenance.reset()
        r = pd.Series(topcoded("p50", "p75", "p90", annual_p25=200_000))
        record_benchmark(r, pay_bands(r))
        got = provenance.recorded_metrics()
        assert got["median_wage"] == 239_200 and "offer" not in got
        assert provenance._metrics["median_wage"]["label"] == "Market median (at least; top-coded)"


def test_article_explanation_names_the_benchmark(oews):
    from workbench.analyses.salaries.bands import article_explanation

    ecom = article_explanation(resolve_role(oews, "e-commerce manager"))
    assert "classify as Marketing Managers" in ecom and not ecom.startswith("Note:")
    web = article_explanation(resolve_role(oews, "web developer"))
    assert web.startswith("Note: these article figures describe e-commerce managers, while this report "
                          "benchmarks Web developer (15-1254 Web Developers)")
    assert "classify as Web Developers" in web
