"""The own-pay loader: header spellings, money text, the file note, and every refusal with its message."""
from __future__ import annotations

import pytest

from workbench.data.payroll import load_pay_survey
from workbench.errors import DataError, NotEnoughData

PAYROLL = "tests/fixtures/salaries/payroll_generated.csv"


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

    def test_no_file_given_is_not_enough_data(self):
        """None (the report's own_data parameter left empty) is thin data: wb.attempt leaves the section out."""
        with pytest.raises(NotEnoughData, match=r"load_pay_survey\(path=None\): no own pay data given\. Pass a "
                                                r"salary survey or payroll CSV"):
            load_pay_survey(None)

    def test_generated_flag(self, tmp_path):
        assert load_pay_survey(PAYROLL).attrs["generated"] is True
        f = tmp_path / "real.csv"
        f.write_text("# exported from HR\ntitle,base_pay,level\nAnalyst,80000,Mid\n")
        pay = load_pay_survey(f)
        assert pay.attrs["generated"] is False and pay.attrs["note"] == "exported from HR"
