"""The BLS flat-file reader and writer.

Independent references: the fixture's BLS lines (byte-identical to download.bls.gov), the extract the fixture
was cut from, and the sha256 of BLS's own ``oe.data.0.Current`` (331,509,758 bytes), which the writer must
reproduce from the extract.
"""
from __future__ import annotations

import hashlib
import shutil

import pandas as pd
import pytest

from workbench.config import SHIPPED
from workbench.data.bls_flatfiles import read_bls_oews, write_bls_oews
from workbench.data.oews import OEWS_COLUMNS, load_oews
from workbench.errors import DataError

FIXTURE = SHIPPED["oews_flatfiles"]
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
        write_bls_oews(flat, folder=tmp_path)
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
        write_bls_oews(oews, folder=tmp_path)
        digest = hashlib.sha256((tmp_path / "oe.data.0.Current").read_bytes()).hexdigest()
        assert digest == "09879508d69f51149842368c8953f13974338728329375481d485ee696d3370b"
        pd.testing.assert_frame_equal(read_bls_oews(tmp_path), oews)
