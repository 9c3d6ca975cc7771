"""The lifetime-value method checked on a holdout period: the check by hand, the tracking curve, the report call,
thin data."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from workbench.analyses.customers import clv
from workbench.analyses.customers import holdout as H
from workbench.errors import NotEnoughData


class TestHoldoutCheck:
    def test_table_and_totals(self, sample_bgnbd, sample_summary):
        check = H.holdout_check(sample_summary, model=sample_bgnbd)
        assert check.weeks == 39.0 and check.customers == 2357
        assert check.table.calibration_purchases.tolist() == ["0", "1", "2", "3", "4", "5", "6", "7+"]
        assert check.table.customers.sum() == 2357
        assert check.table.customers.iloc[0] == 1411                      # customers with no repeat purchase
        assert check.actual == sample_summary.holdout_frequency.sum() == 1882
        # by hand: the model's expectation summed over customers, and bucket means
        pred = sample_bgnbd.conditional_expected_purchases(39.0, sample_summary)
        assert check.predicted == pytest.approx(pred.sum())
        ones = sample_summary.frequency.to_numpy() == 1
        assert check.table.predicted.iloc[1] == pytest.approx(pred[ones].mean())
        assert check.table.actual.iloc[1] == pytest.approx(sample_summary.holdout_frequency[ones].mean())
        assert check.error == pytest.approx((pred.sum() - 1882) / 1882)
        assert check.mae == pytest.approx(np.abs(pred - sample_summary.holdout_frequency).mean())

    def test_needs_a_holdout(self, sample_bgnbd, cdnow_sample):
        summary = clv.clv_summary(cdnow_sample)                              # calibration to the last day
        with pytest.raises(NotEnoughData, match=r"^No days follow the calibration period \(to 1998-06-30\): nothing "
                                                r"is left to check the model on.*calibration_end"):
            H.holdout_check(summary, model=sample_bgnbd)


class TestTracking:
    def test_actual_counts_and_expected_curve(self, cdnow_sample, sample_bgnbd, sample_summary):
        tr = H.repeat_purchase_tracking(cdnow_sample, model=sample_bgnbd, summary=sample_summary)
        assert len(tr) == 78 and tr.week.iloc[-1] == 78
        assert (tr.period == "calibration").sum() == 39
        # every repeat transaction of the sample is counted once: calibration + holdout
        assert tr.actual.sum() == sample_summary.frequency.sum() + sample_summary.holdout_frequency.sum()
        assert tr.actual.iloc[:39].sum() == sample_summary.frequency.sum()
        # expected cumulative at the end of week 78 by hand: sum of E[X(age)] over customers
        first = pd.to_datetime(pd.Series(sample_summary.first_purchase))
        ages = (545 - (first - pd.Timestamp("1997-01-01")).dt.days) / 7
        assert tr.expected_cumulative.iloc[-1] == pytest.approx(sample_bgnbd.expected_purchases(ages.to_numpy()).sum())
        assert tr.expected.sum() == pytest.approx(tr.expected_cumulative.iloc[-1])


class TestHoldoutValidation:
    def test_report_call_on_the_sample(self, cdnow_sample, sample_summary):
        v = H.holdout_validation(cdnow_sample)
        a = v.assumptions
        assert a["calibration_end"] == dt.date(1997, 9, 30) and a["holdout_end"] == dt.date(1998, 6, 30)
        assert a["holdout_weeks"] == 39.0 and v.check.weeks == 39.0
        # the validation fit is the literature's (Fader, Hardie & Lee 2005: r = 0.243)
        assert v.model.params_["r"] == pytest.approx(0.243, abs=0.0006)
        pd.testing.assert_frame_equal(v.calibration, sample_summary)
        assert v.check.actual == 1882 and len(v.tracking) == 78

    def test_calibration_end_given(self, cdnow_sample):
        v = H.holdout_validation(cdnow_sample, calibration_end="1997-12-31")
        assert v.assumptions["calibration_end"] == dt.date(1997, 12, 31)
        assert v.check.weeks == pytest.approx(181 / 7)

    def test_too_short_history(self):
        lines = pd.DataFrame({"order_id": ["a", "b"], "customer_id": ["1", "1"],
                              "order_date": pd.to_datetime(["2024-03-01", "2024-03-31"]), "revenue": [5.0, 6.0]})
        with pytest.raises(NotEnoughData, match=r"^The orders cover only 30 days \(2024-03-01 to 2024-03-31\): too "
                                                r"short to fit the model on one part and check it on the rest\. A "
                                                r"holdout check needs at least 8 weeks"):
            H.holdout_validation(lines)

    def test_one_repeat_customer(self):
        lines = pd.DataFrame({"order_id": list("abcd"), "customer_id": ["1", "1", "2", "1"],
                              "order_date": pd.to_datetime(["2024-01-04", "2024-01-20", "2024-02-02", "2024-03-28"]),
                              "revenue": [5.0, 6.0, 7.0, 8.0]})
        with pytest.raises(NotEnoughData, match=r"^Only 1 customer bought again after their first purchase day"):
            H.holdout_validation(lines)
