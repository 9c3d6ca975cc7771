"""Own pay data: quantile-regression experience curve, bands by level, pay compression, market comparison.

Independent references: scikit-learn's ``QuantileRegressor`` (a linear-programming solver, HiGHS) fitted on the
same design must give the statsmodels ``QuantReg`` (iteratively reweighted least squares) coefficients;
data lying exactly on a line must give that line at every quantile; an intercept-and-slope fit on two
symmetric groups gives their hand-computed medians.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import QuantileRegressor

from workbench.analyses.salaries.market import focus_row, market_distribution
from workbench.analyses.salaries.own_data import (ExperienceCurve, own_data_summary, own_pay_bands, own_vs_market,
                                                  pay_compression, rows_for_role)
from workbench.analyses.salaries.roles import resolve_role
from workbench.data.payroll import load_pay_survey
from workbench.errors import DataError, NotEnoughData
from workbench.sections import Skipped

PAYROLL = "tests/fixtures/salaries/payroll_generated.csv"


@pytest.fixture(scope="module")
def pay() -> pd.DataFrame:
    return load_pay_survey(PAYROLL)


class TestExperienceCurve:
    @pytest.mark.parametrize("spec", ["log", "linear", "quadratic"])
    def test_agrees_with_scikit_learn(self, pay, spec):
        curve = ExperienceCurve(spec=spec).fit(pay)
        x = pay.years_experience.to_numpy(float)
        y = pay.base_pay.to_numpy(float)
        feats = {"log": np.log1p(x)[:, None], "linear": x[:, None], "quadratic": np.column_stack([x, x ** 2])}[spec]
        for q in (0.25, 0.5, 0.75):
            sk = QuantileRegressor(quantile=q, alpha=0.0, solver="highs").fit(feats, y)
            ours = curve.params_[f"p{int(q * 100)}"].to_numpy()
            # both minimise the same check loss; compare the loss (unique) and the coefficients
            loss = lambda b: np.sum(np.maximum(q * (y - b), (q - 1) * (y - b)))  # noqa: E731
            pred_ours = np.column_stack([np.ones_like(x), feats]) @ ours
            pred_sk = sk.predict(feats)
            assert loss(pred_ours) == pytest.approx(loss(pred_sk), rel=1e-6)
            assert ours == pytest.approx(np.r_[sk.intercept_, sk.coef_], rel=2e-3, abs=5)

    def test_exact_line(self):
        x = np.arange(12, dtype=float)
        df = pd.DataFrame({"years_experience": x, "base_pay": 50_000 + 2_000 * x})
        curve = ExperienceCurve(spec="linear").fit(df)
        for q in ("p25", "p50", "p75"):
            assert curve.params_[q].to_numpy() == pytest.approx([50_000, 2_000], abs=1e-4)
        assert curve.predict([20]).iloc[0].tolist() == pytest.approx([20, 90_000, 90_000, 90_000], abs=1e-3)

    def test_two_groups_hand_computed_medians(self):
        # years 0: pay 40, 50, 60, 70, 80 (median 60); years 10: 90, 100, 110, 120, 130 (median 110)
        df = pd.DataFrame({"years_experience": [0.0] * 5 + [10.0] * 5 + [5.0],
                           "base_pay": [40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 85.0]})
        curve = ExperienceCurve(spec="linear", quantiles=(0.5,)).fit(df)
        assert curve.params_["p50"].to_numpy() == pytest.approx([60, 5], abs=1e-3)

    def test_title_filter_curve_table_and_repr(self, pay):
        model = ExperienceCurve(title="e-commerce manager")
        assert repr(model) == "<ExperienceCurve: log, quantiles [0.25, 0.5, 0.75], not fitted>"
        curve = model.fit(pay)
        assert curve is model  # fit returns the fitted model
        assert curve.n_ == (pay.title == "E-commerce manager").sum() == 31
        assert list(curve.curve_.columns) == ["years_experience", "p25", "p50", "p75"]
        c = curve.curve_[["p25", "p50", "p75"]].to_numpy()
        assert (np.diff(c, axis=1) >= 0).all()
        assert repr(curve).startswith("<ExperienceCurve: log, fitted on 31 people")

    @pytest.mark.parametrize("kwargs, pattern", [
        (dict(title="Data scientist"), r"only 0 people with both years of experience and pay for title"),
        (dict(spec="cubic"), r"spec 'cubic' not recognised"),
        (dict(quantiles=(0, 0.5)), r"quantiles must lie strictly between 0 and 1"),
        (dict(years="age"), r"column `age`: column `age` not found"),
    ])
    def test_bad_input(self, pay, kwargs, pattern):
        with pytest.raises(DataError, match=pattern):
            ExperienceCurve(**kwargs).fit(pay)

    def test_needs_spread_of_experience(self):
        df = pd.DataFrame({"years_experience": [1.0, 2.0] * 6, "base_pay": np.arange(12) * 1000.0 + 40_000})
        with pytest.raises(NotEnoughData, match=r"fewer than 3 distinct experience values"):
            ExperienceCurve().fit(df)
        with pytest.raises(NotEnoughData, match=r"only 5 people"):
            ExperienceCurve().fit(df.head(5))
        with pytest.raises(DataError, match=r"not fitted"):
            ExperienceCurve().predict([1])


class TestBandsAndCompression:
    def test_own_bands_hand_computed(self):
        df = pd.DataFrame({"level": ["Senior", "Entry", "Entry", "Entry", "Entry", "Senior"],
                           "base_pay": [100.0, 10, 20, 30, 40, 200]})
        b = own_pay_bands(df)
        assert list(b.level) == ["Entry", "Senior"]  # level order, not alphabetical
        entry = b.iloc[0]
        assert (entry.people, entry.p25, entry.p50, entry.p75) == (4, 17.5, 25.0, 32.5)  # type 7 by hand
        assert b.iloc[1].p50 == 150

    def test_compression_hand_computed(self):
        df = pd.DataFrame({
            "employee_id": ["a", "b", "c", "d", "e", "f"],
            "title": ["Analyst"] * 4 + ["Manager"] * 2,
            "tenure_years": [0.5, 5.0, 4.0, 0.2, 0.1, 6.0],
            "base_pay": [95.0, 100, 90, 80, 130, 120]})
        comp = pay_compression(df)
        # Analyst tenured median = median(100, 90) = 95 -> a: 95/95 = 1.0 (flag), d: 80/95 = 0.842
        # Manager tenured median = 120 -> e: 130/120 = 1.083 (flag)
        assert list(comp.employee_id) == ["e", "a", "d"]
        assert comp.ratio.tolist() == pytest.approx([130 / 120, 1.0, 80 / 95])
        assert comp.compressed.tolist() == [True, True, False]
        assert comp.tenured_median.tolist() == [120, 95, 95]

    def test_compression_needs_tenure(self, pay):
        with pytest.raises(DataError, match=r"column `tenure_years` not found.*tenure with the employer"):
            pay_compression(pay.drop(columns="tenure_years"))

    def test_generated_payroll_has_the_planted_compression(self, pay):
        comp = pay_compression(pay)
        planted = comp.set_index("employee_id").loc[["E101", "E102", "E103"]]
        assert (planted.tenure_years == 0.3).all()
        assert planted.loc["E102", "compressed"] and planted.loc["E103", "compressed"]


class TestAgainstMarket:
    def test_own_vs_market(self, pay, oews, cell):
        vm = own_vs_market(pay, oews, area="Seattle").set_index("title")
        mgr = vm.loc["E-commerce manager"]
        own_median = pay.loc[pay.title == "E-commerce manager", "base_pay"].median()
        assert mgr.own_median == own_median
        assert mgr.market_median == cell("11-2021", "0042660").annual_p50
        assert mgr.compa_ratio == pytest.approx(own_median / 175_850)
        assert (mgr.occupation_code, mgr.occupation_name) == ("11-2021", "Marketing Managers")
        assert vm.unmatched_reason.isna().all()

    def test_unmatched_title(self, oews):
        df = pd.DataFrame({"title": ["Chief Vibes Officer", "Web developer"], "base_pay": [1.0, 90_000.0]})
        vm = own_vs_market(df, oews).set_index("title")
        assert vm.loc["Chief Vibes Officer", "unmatched_reason"] == "title_not_matched"
        assert np.isnan(vm.loc["Chief Vibes Officer", "compa_ratio"])
        assert vm.loc["Web developer", "compa_ratio"] == pytest.approx(90_000 / 92_650)

    def test_rows_for_role_and_summary(self, pay, oews):
        role = resolve_role(oews, role="e-commerce manager")
        assert set(rows_for_role(pay, oews, role=role).title) == {"E-commerce manager"}
        focus = focus_row(market_distribution(oews, occupations=role.codes, areas=["Seattle"]))
        own = own_data_summary(pay, oews, role=role, focus=focus)
        assert own.curve.n_ == 31 and own.curve.spec == "log"
        assert (own.people, own.titles, own.role_people, own.role_label) == (103, 6, 31, "11-2021 Marketing Managers")
        assert own.generated and "GENERATED" in own.file_note
        assert list(own.bands.level) == ["Entry", "Mid", "Senior", "Lead"]
        pd.testing.assert_frame_equal(own.compression, pay_compression(pay))
        pd.testing.assert_frame_equal(own.vs_market, own_vs_market(pay, oews, area="0042660"))
        assert own.market == (129_990, 175_850, 230_740) and own.area_name == "Seattle-Tacoma-Bellevue, WA"

    def test_summary_says_what_the_file_cannot_support(self, oews):
        role = resolve_role(oews, role="e-commerce manager")
        few = pd.DataFrame({"title": ["E-commerce manager"] * 4 + ["Web developer"],
                            "years_experience": [1.0, 2, 3, 4, 5], "base_pay": [90_000.0, 95_000, 99_000, 120_000,
                                                                                 80_000]})
        own = own_data_summary(few, oews, role=role)
        assert isinstance(own.curve, Skipped) and "only 4 people" in own.curve.reason
        assert isinstance(own.bands, Skipped) and own.bands.reason == "The file has no level column."
        assert isinstance(own.compression, Skipped) and "tenure_years" in own.compression.reason
        assert own.market is None and own.area_name == "National" and len(own.vs_market) == 2
        other = own_data_summary(few, oews, role=resolve_role(oews, role="data scientist"))
        assert other.curve.reason == "No titles in the file map to 15-2051 Data Scientists."
