"""Role lookup: crosswalk, SOC codes, occupation titles, keyword search, and the errors with suggestions."""
from __future__ import annotations

import pytest

from workbench.analyses.salaries.roles import ROLE_CROSSWALK, find_occupations, resolve_role, role_crosswalk
from workbench.errors import DataError


class TestCrosswalk:
    def test_every_mapping_is_published_and_reasoned(self, oews):
        national = oews[(oews.area_code == "0000000") & (oews.industry_code == "000000")]
        published = set(national.loc[national.wage_status == "published", "occupation_code"])
        for entry in ROLE_CROSSWALK:
            assert entry["soc"] in published, entry["title"]
            assert set(entry["alternates"]) <= published, entry["title"]
            assert len(entry["reasoning"]) > 60, entry["title"]

    def test_titles_required_by_the_issue_are_covered(self, oews):
        expected = {"e-commerce manager": "11-2021", "e-commerce marketing manager": "11-2021",
                    "digital merchandiser": "13-1020", "marketplace manager": "13-1199",
                    "e-commerce analyst": "13-1161", "web developer": "15-1254", "ux designer": "15-1255",
                    "web designer": "15-1255", "customer service": "43-4051", "picker": "53-7065",
                    "fulfillment associate": "53-7065", "warehouse manager": "11-3071"}
        for title, soc in expected.items():
            assert resolve_role(oews, role=title).soc == soc, title

    def test_ecommerce_manager_mapping_and_alternates(self, oews):
        role = resolve_role(oews, role="E-Commerce Manager")
        assert (role.soc, role.occupation, role.source) == ("11-2021", "Marketing Managers", "crosswalk")
        assert role.alternates == ("11-2022", "11-1021", "13-1199")
        assert role.codes == ["11-2021", "11-2022", "11-1021", "13-1199"]
        assert "Online Merchants" in role.reasoning and "13-1199.06" in role.reasoning
        assert role.label() == "11-2021 Marketing Managers" and role.label("11-1021") == (
            "11-1021 General and Operations Managers")

    @pytest.mark.parametrize("spelling", ["ecommerce manager", "eCommerce Manager", "e commerce manager",
                                          "Head of E-commerce", "  online shop manager "])
    def test_spellings(self, oews, spelling):
        assert resolve_role(oews, role=spelling).title == "E-commerce manager"

    def test_table_with_national_medians(self, oews):
        table = role_crosswalk(oews)
        assert len(table) == len(ROLE_CROSSWALK)
        row = table[table.title == "Web developer"].iloc[0]
        assert (row.soc, row.occupation, row.national_median) == ("15-1254", "Web Developers", 92_650)


class TestCodesAndTitles:
    @pytest.mark.parametrize("given", ["11-2021", "112021", " 11-2021 "])
    def test_soc_code(self, oews, given):
        role = resolve_role(oews, role=given)
        assert (role.soc, role.title, role.source, role.alternates) == ("11-2021", "Marketing Managers", "soc", ())

    def test_several_codes(self, oews):
        assert resolve_role(oews, role=["11-2021", "112022"]).codes == ["11-2021", "11-2022"]
        assert resolve_role(oews, role="11-2021, 11-1021").codes == ["11-2021", "11-1021"]

    def test_occupation_title(self, oews):
        role = resolve_role(oews, role="web and digital interface designers")
        assert (role.soc, role.source) == ("15-1255", "occupation title")

    def test_keyword_search(self, oews):
        hits = find_occupations(oews, query="marketing manager")
        assert list(hits.occupation_code) == ["11-2021"]
        web = find_occupations(oews, query="Web")
        assert list(web.occupation_code) == ["15-1255", "15-1254"]  # largest employment first
        assert list(web.employment) == [113_330, 70_190]
        groups = find_occupations(oews, query="marketing", level=None)
        assert {"11-2000", "11-2021", "13-1161"} <= set(groups.occupation_code)
        assert set(groups.occupation_level) > {"detailed"}


class TestErrors:
    def test_unknown_title_suggests_close_matches(self, oews):
        with pytest.raises(DataError, match=r"role: role 'ecomerce manger' not recognised\. Close matches: "
                                            r"'E-commerce manager'.*find_occupations"):
            resolve_role(oews, role="ecomerce manger")

    def test_unknown_title_suggests_occupations(self, oews):
        with pytest.raises(DataError, match=r"'chief happiness officer' not recognised.*Chief Executives \(11-1011\)"):
            resolve_role(oews, role="chief happiness officer")

    def test_unknown_soc_code_suggests_codes_in_the_group(self, oews):
        with pytest.raises(DataError, match=r"role: SOC code 11-2099 is not published in this OEWS release\. Close "
                                            r"codes: .*11-2021 Marketing Managers"):
            resolve_role(oews, role="11-2099")

    def test_mixed_list(self, oews):
        with pytest.raises(DataError, match=r"a list of roles must be SOC codes \(2 rows; first: foo\)"):
            resolve_role(oews, role=["11-2021", "foo"])

    def test_empty(self, oews):
        with pytest.raises(DataError, match="role is empty"):
            resolve_role(oews, role="  ")
        with pytest.raises(DataError, match="search text is empty"):
            find_occupations(oews, query=" ")
