"""The OEWS loader: the shipped extract, its columns, dtypes, filters and errors.

Independent reference: the verification figures and counts that ``data/raw/README.md`` computed from the BLS
release at build time.
"""
from __future__ import annotations

import pandas as pd
import pytest

import workbench as wb
from workbench import data, provenance
from workbench.config import SHIPPED
from workbench.data.oews import OEWS_COLUMNS, load_oews
from workbench.errors import DataError


@pytest.fixture(scope="module")
def oews() -> pd.DataFrame:
    return load_oews()


def _cell(df, occ, area="0000000", industry="000000") -> pd.Series:
    rows = df[(df.occupation_code == occ) & (df.area_code == area) & (df.industry_code == industry)]
    assert len(rows) == 1
    return rows.iloc[0]


class TestLoadOews:
    def test_shape_columns_and_nullable_dtypes(self, oews):
        assert oews.shape == (370_172, 36)
        assert list(oews.columns) == OEWS_COLUMNS
        assert str(oews["employment"].dtype) == "Int32"
        assert str(oews["annual_p50"].dtype) == "Int32"
        assert str(oews["hourly_p50"].dtype) == "Float64"
        assert str(oews["p90_topcoded"].dtype) == "boolean"
        assert str(oews["industry_level"].dtype) == "Int8"
        assert oews.attrs["release"] == "May 2025"

    # data/raw/README.md, "Verification figures (national, cross-industry, May 2025)"
    @pytest.mark.parametrize("occ, emp, median, mean, hourly_median, p10, p90, rse_emp, rse_wage", [
        ("11-1021", 3_503_020, 105_770, 134_940, 50.85, 50_090, 253_390, 0.3, 0.3),
        ("11-2021", 395_240, 166_790, 177_770, 80.19, 90_260, 293_610, 0.8, 0.3),
        ("11-2022", 637_080, 148_270, 164_350, 71.28, 73_170, 290_540, 1.1, 0.4),
        ("13-1161", 899_580, 78_760, 89_490, 37.87, 43_390, 155_480, 0.8, 0.5),
        ("15-1254", 70_190, 92_650, 98_770, 44.54, 48_100, 162_290, 6.7, 1.5),
        ("15-1255", 113_330, 104_000, 117_490, 50.00, 53_750, 201_550, 1.6, 0.8),
    ])
    def test_verification_figures(self, oews, occ, emp, median, mean, hourly_median, p10, p90, rse_emp, rse_wage):
        row = _cell(oews, occ)
        assert (row.employment, row.annual_p50, row.annual_mean) == (emp, median, mean)
        assert row.hourly_p50 == pytest.approx(hourly_median)
        assert (row.annual_p10, row.annual_p90) == (p10, p90)
        assert (row.employment_rse, row.wage_rse) == (rse_emp, rse_wage)
        assert row.wage_status == "published" and not any(row[f"{s}_topcoded"] for s in
                                                          ("mean", "p10", "p25", "p50", "p75", "p90"))

    def test_all_occupations_total(self, oews):
        row = _cell(oews, "00-0000")
        assert (row.employment, row.annual_mean, row.annual_p50) == (155_495_730, 69_770, 50_980)

    def test_status_and_topcode_counts_match_readme(self, oews):
        assert (oews.employment_status == "not_released").sum() == 13_419
        assert oews.wage_status.value_counts().to_dict() == {
            "published": 349_743, "annual_only": 15_873, "not_released": 3_938, "hourly_only": 618}
        counts = {s: int(oews[f"{s}_topcoded"].sum()) for s in ("mean", "p10", "p25", "p50", "p75", "p90")}
        assert counts == {"mean": 359, "p10": 359, "p25": 359, "p50": 360, "p75": 360, "p90": 374}
        # suppressed values stay missing; top-coded values are the threshold
        assert oews.loc[oews.wage_status == "not_released", "annual_p50"].isna().all()
        assert (oews.loc[oews.p90_topcoded & oews.annual_p90.notna(), "annual_p90"] == 239_200).all()
        # the quirk: annual means above the cap without the footnote are exact and kept as published
        assert ((oews.annual_mean > 239_200) & ~oews.mean_topcoded).sum() == 3_266

    def test_filters_and_columns_are_pushed_down(self, oews):
        df = load_oews(occupations=["112021", "11-2022"], area_types="state", columns=["area_code", "occupation_code",
                                                                                       "annual_p50"])
        assert list(df.columns) == ["area_code", "occupation_code", "annual_p50"]
        expected = oews[oews.occupation_code.isin(["11-2021", "11-2022"]) & (oews.area_type == "state")]
        assert len(df) == len(expected) > 0
        ca = df[(df.area_code == "0600000") & (df.occupation_code == "11-2021")]
        assert ca.annual_p50.iloc[0] == _cell(oews, "11-2021", "0600000").annual_p50

    def test_registers_the_file(self):
        provenance.reset()
        load_oews(occupations="11-2021")
        paths = [i.path for i in provenance.registered_inputs()]
        assert str(SHIPPED["oews"]) in paths

    def test_missing_file(self):
        with pytest.raises(DataError, match=r"nope\.parquet: file not found.*BLS flat files"):
            load_oews("nope.parquet")

    def test_not_parquet(self, tmp_path):
        bad = tmp_path / "x.parquet"
        bad.write_text("area_code,employment\n")
        with pytest.raises(DataError, match=r"x\.parquet: not a readable Parquet file"):
            load_oews(bad)

    def test_parquet_missing_columns(self, tmp_path, oews):
        f = tmp_path / "partial.parquet"
        oews.head(5).drop(columns=["annual_p50", "wage_status"]).to_parquet(f)
        with pytest.raises(DataError, match=r"partial\.parquet: column `annual_p50`: 2 required column\(s\) missing"):
            load_oews(f)

    def test_unknown_column_and_area_type(self):
        with pytest.raises(DataError, match=r"unknown column\(s\) \['median'\]"):
            load_oews(columns=["median"])
        with pytest.raises(DataError, match=r"area_types: unknown area type 'city'.*national"):
            load_oews(area_types="city")


def test_exported_at_top_level():
    from workbench.data.bls_flatfiles import read_bls_oews, write_bls_oews
    from workbench.data.payroll import load_pay_survey

    assert wb.load_oews is load_oews and wb.read_bls_oews is read_bls_oews and wb.load_pay_survey is load_pay_survey
    assert data.write_bls_oews is write_bls_oews
