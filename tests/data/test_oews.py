"""OEWS loaders: the shipped extract, the BLS flat-file reader and writer, own pay data.

Independent references: the verification figures and counts that ``data/raw/README.md`` computed from the
BLS release at build time; the fixture's BLS lines (byte-identical to download.bls.gov); and the sha256 of
BLS's own ``oe.data.0.Current`` (331,509,758 bytes), which the writer must reproduce from the extract.
"""
from __future__ import annotations

import hashlib
import shutil

import pandas as pd
import pytest

import workbench as wb
from workbench import provenance
from workbench.config import SHIPPED
from workbench.data.oews import OEWS_COLUMNS, load_oews, load_pay_survey, read_bls_oews, write_bls_oews
from workbench.errors import DataError

FIXTURE = SHIPPED["oews_flatfiles"]
PAYROLL = "tests/fixtures/salaries/payroll_generated.csv"
KEY = ["area_code", "industry_code", "occupation_code"]


@pytest.fixture(scope="module")
def oews() -> pd.DataFrame:
    return load_oews()


@pytest.fixture(scope="module")
def flat() -> pd.DataFrame:
    return read_bls_oews()


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


class TestReadBlsOews:
    def test_fixture_agrees_with_extract_on_every_series(self, flat, oews):
        assert flat.shape == (24, 36)
        assert list(flat.columns) == OEWS_COLUMNS
        ref = oews.merge(flat[KEY], on=KEY)  # the extract's rows for the fixture's series, in extract order
        assert len(ref) == 24
        pd.testing.assert_frame_equal(flat.reset_index(drop=True), ref.reset_index(drop=True))
        assert flat.attrs["period"] == "2025A01" and flat.attrs["release"] == "May 2025"

    def test_footnote_cases(self, flat):
        teachers = _cell(flat, "25-2021")  # footnote 4 on hourly: annual only
        assert teachers.wage_status == "annual_only" and pd.isna(teachers.hourly_p50)
        assert teachers.annual_p50 == 63_970
        actors = _cell(flat, "27-2011")  # footnote 4 on annual: hourly only
        assert actors.wage_status == "hourly_only" and pd.isna(actors.annual_mean)
        assert actors.hourly_mean == pytest.approx(58.29)
        er = _cell(flat, "29-1214", "0100000")  # footnote 5 on every wage measure
        assert all(er[f"{s}_topcoded"] for s in ("mean", "p10", "p25", "p50", "p75", "p90"))
        assert er.annual_p50 == 239_200 and er.hourly_p50 == 115.0 and er.employment == 90
        surgeons = _cell(flat, "29-1249", "1900000")  # footnote 5 on the 90th percentiles only
        assert surgeons.p90_topcoded and not surgeons.p75_topcoded and surgeons.annual_p75 == 657_190
        athletes = _cell(flat, "27-2021", "0600000")  # footnote 4 on hourly + 5 on annual p90
        assert athletes.wage_status == "annual_only" and athletes.p90_topcoded
        assert athletes.annual_p90 == 239_200 and pd.isna(athletes.hourly_p90)
        farm = _cell(flat, "13-1074", "0600000")  # footnote 8 on employment group
        assert farm.employment_status == "not_released" and pd.isna(farm.employment)
        assert pd.isna(farm.location_quotient) and farm.annual_mean == 82_610
        chem = _cell(flat, "17-2041", "0600000")  # footnote 8 on every wage measure
        assert chem.wage_status == "not_released" and chem.employment == 2_190
        assert chem[[c for c in OEWS_COLUMNS if c.startswith(("annual_", "hourly_"))] + ["wage_rse"]].isna().all()

    def test_filters(self, flat):
        df = read_bls_oews(occupations="112021", areas=["0000000", "0600000"], industries="000000")
        assert sorted(df.area_code) == ["0000000", "0600000"]
        assert _cell(df, "11-2021", "0600000").annual_p50 == _cell(flat, "11-2021", "0600000").annual_p50
        assert list(read_bls_oews(area_types="nonmetro").area_code.unique()) == ["0600003"]

    def test_load_oews_reads_a_flatfile_folder(self, flat):
        pd.testing.assert_frame_equal(load_oews(FIXTURE), flat)

    def test_writer_reproduces_bls_bytes(self, tmp_path, flat):
        write_bls_oews(flat, tmp_path)
        assert (tmp_path / "oe.data.0.Current").read_bytes() == (FIXTURE / "oe.data.0.Current").read_bytes()
        pd.testing.assert_frame_equal(read_bls_oews(tmp_path), flat, check_like=False)

    def test_topcode_threshold_read_from_the_release(self, tmp_path):
        for f in FIXTURE.iterdir():
            shutil.copy(f, tmp_path / f.name)
        text = (tmp_path / "oe.footnote").read_bytes().replace(b"$115.00 per hour or $239,200 per year",
                                                              b"$120.00 per hour or $249,600 per year")
        (tmp_path / "oe.footnote").write_bytes(text)
        er = _cell(read_bls_oews(tmp_path), "29-1214", "0100000")
        assert er.annual_p50 == 249_600 and er.hourly_p50 == 120.0

    @pytest.fixture
    def copy(self, tmp_path):
        for f in FIXTURE.iterdir():
            shutil.copy(f, tmp_path / f.name)
        return tmp_path

    def test_missing_folder_and_file(self, copy):
        with pytest.raises(DataError, match=r"folder not found.*oe\.data\.0\.Current"):
            read_bls_oews(copy / "nowhere")
        (copy / "oe.area").unlink()
        with pytest.raises(DataError, match=r"BLS flat file oe\.area missing.*download\.bls\.gov"):
            read_bls_oews(copy)

    def test_header_only(self, copy):
        data = copy / "oe.data.0.Current"
        data.write_bytes(data.read_bytes().split(b"\r\n")[0] + b"\r\n")
        with pytest.raises(DataError, match=r"no data lines \(only a header, or an empty file\)"):
            read_bls_oews(copy)

    def test_other_survey_series(self, copy):
        data = copy / "oe.data.0.Current"
        data.write_bytes(data.read_bytes() + b"CES0000000001                 \t2025\tA01\t  159000\t\r\n")
        with pytest.raises(DataError, match=r"column `series_id`: series_id is not a 25-character OEWS id.*"
                                            r"1 row; first: 'CES0000000001'"):
            read_bls_oews(copy)

    def test_non_numeric_value(self, copy):
        data = copy / "oe.data.0.Current"
        raw = data.read_bytes().replace(b"     2373920\t", b"     23739x0\t", 1)
        data.write_bytes(raw)
        with pytest.raises(DataError, match=r"column `value`: value is not a number.*1 row; first: "
                                            r"'OEUM004186000000000000001: 23739x0'"):
            read_bls_oews(copy)

    def test_area_not_in_code_list(self, copy):
        area = copy / "oe.area"
        area.write_bytes(b"\r\n".join(ln for ln in area.read_bytes().split(b"\r\n") if b"Iowa" not in ln))
        with pytest.raises(DataError, match=r"area_code not listed in oe\.area \(1 row; first: '1900000'\)"):
            read_bls_oews(copy)

    @pytest.mark.slow
    def test_full_release_round_trip(self, tmp_path, oews):
        """Writing the whole extract reproduces BLS's 331 MB data file, and reading it back gives the extract."""
        write_bls_oews(oews, tmp_path)
        digest = hashlib.sha256((tmp_path / "oe.data.0.Current").read_bytes()).hexdigest()
        assert digest == "09879508d69f51149842368c8953f13974338728329375481d485ee696d3370b"
        pd.testing.assert_frame_equal(read_bls_oews(tmp_path), oews)


class TestLoadPaySurvey:
    def test_generated_payroll(self):
        pay = load_pay_survey(PAYROLL)
        assert len(pay) == 103
        assert list(pay.columns) == ["employee_id", "title", "level", "years_experience", "tenure_years",
                                     "location", "base_pay"]
        assert "GENERATED" in pay.attrs["note"]
        assert pay.loc[pay.employee_id == "E001", "base_pay"].iloc[0] == 112_600
        assert str(pay.base_pay.dtype) == "Float64"

    def test_header_spellings_and_money_text(self, tmp_path):
        f = tmp_path / "survey.csv"
        f.write_text('\ufeffJob Title,Years of Experience,Base Salary,City\nAnalyst,2,"$85,000",Chicago\n'
                     'Analyst,,"72,500",Remote\n', encoding="utf-8")
        pay = load_pay_survey(f)
        assert list(pay.base_pay) == [85_000, 72_500]
        assert pay.years_experience.isna().tolist() == [False, True]
        assert list(pay.location) == ["Chicago", "Remote"]

    def test_explicit_mapping(self, tmp_path):
        f = tmp_path / "hr.csv"
        f.write_text("Jobname,Grade,Gross\nPicker,Entry,36000\n")
        pay = load_pay_survey(f, columns={"title": "Jobname", "level": "Grade", "base_pay": "Gross"})
        assert pay.title.tolist() == ["Picker"] and pay.base_pay.tolist() == [36000]

    @pytest.mark.parametrize("content, pattern", [
        ("", r"file is empty"),
        ("title,base_pay,level\n", r"file has a header but no rows"),
        ("name,base_pay,level\nA,100,Mid\n", r"required column `title` not found.*Columns present: \['name'"),
        ("title,amount,level\nA,100,Mid\n", r"required column `base_pay` not found"),
        ("title,base_pay\nA,100\n", r"neither a level nor a years-of-experience column found"),
        ("title,base_pay,level\nA,100,Mid\nB,n/a,Mid\nC,x,Mid\n",
         r"column `base_pay`: base pay is not a number \(2 rows; first: row 3: 'n/a'\)"),
        ("title,base_pay,level\nA,-5,Mid\n", r"column `base_pay`: base pay must be positive \(1 row; first: row 2: '-5'\)"),
        ("title,base_pay,years_experience\nA,100,-1\n", r"column `years_experience`: years cannot be negative"),
        ("title,base_pay,years_experience\nA,100,three\n", r"column `years_experience`: years is not a number"),
    ])
    def test_bad_input(self, tmp_path, content, pattern):
        f = tmp_path / "pay.csv"
        f.write_text(content)
        with pytest.raises(DataError, match=pattern):
            load_pay_survey(f)

    def test_missing_file(self):
        with pytest.raises(DataError, match=r"missing\.csv: file not found"):
            load_pay_survey("missing.csv")


def test_exported_at_top_level():
    assert wb.load_oews is load_oews and wb.read_bls_oews is read_bls_oews and wb.load_pay_survey is load_pay_survey
