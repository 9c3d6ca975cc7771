"""Lifetime value around the models: split, holdout check, tracking, discounted CLV, roll-ups, the report call."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import workbench as wb
from workbench.analyses.customers import clv
from workbench.errors import DataError


class TestCalibrationSplit:
    def test_cdnow_gets_the_literature_split(self):
        assert clv.choose_calibration_end("1997-01-01", "1998-06-30") == dt.date(1997, 9, 30)

    def test_long_histories_keep_one_year_of_holdout(self):
        assert clv.choose_calibration_end("2019-01-01", "2023-12-31") == dt.date(2023, 1, 1)

    def test_short_histories_split_in_half(self):
        assert clv.choose_calibration_end("2024-01-01", "2024-03-01") == dt.date(2024, 1, 31)


class TestHoldoutCheck:
    def test_table_and_totals(self, sample_bgnbd, sample_summary):
        check = clv.holdout_check(sample_bgnbd, sample_summary)
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
        with pytest.raises(DataError, match=r"the summary has no holdout period.*calibration_end="):
            clv.holdout_check(sample_bgnbd, summary)


class TestTracking:
    def test_actual_counts_and_expected_curve(self, cdnow_sample, sample_bgnbd, sample_summary):
        tr = clv.repeat_purchase_tracking(cdnow_sample, sample_bgnbd, sample_summary)
        assert len(tr) == 78 and tr.week.iloc[-1] == 78
        assert (tr.period == "calibration").sum() == 39
        # every repeat transaction of the sample is counted once: calibration + holdout
        assert tr.actual.sum() == sample_summary.frequency.sum() + sample_summary.holdout_frequency.sum()
        assert tr.actual.iloc[:39].sum() == sample_summary.frequency.sum()
        # expected cumulative at the end of week 78 by hand: sum of E[X(age)] over customers
        ages = (545 - (pd.to_datetime(pd.Series(sample_summary.first_purchase)) - pd.Timestamp("1997-01-01")).dt.days) / 7
        assert tr.expected_cumulative.iloc[-1] == pytest.approx(sample_bgnbd.expected_purchases(ages.to_numpy()).sum())
        assert tr.expected.sum() == pytest.approx(tr.expected_cumulative.iloc[-1])


class TestCustomerValue:
    def test_undiscounted_value_is_margin_spend_purchases(self, sample_summary, sample_bgnbd, sample_gamma_gamma):
        v = clv.customer_value(sample_summary, sample_bgnbd, sample_gamma_gamma, horizon_weeks=39, discount_rate=0.0,
                               margin=0.5)
        spend = sample_gamma_gamma.conditional_expected_value(sample_summary)
        purchases = sample_bgnbd.conditional_expected_purchases(39, sample_summary)
        np.testing.assert_allclose(v.expected_purchases, purchases, rtol=1e-12)
        np.testing.assert_allclose(v.clv, 0.5 * spend * purchases, rtol=1e-10)
        np.testing.assert_allclose(v.p_alive, sample_bgnbd.probability_alive(sample_summary))

    def test_discounting_against_a_plain_loop(self, sample_summary, sample_bgnbd, sample_gamma_gamma):
        """A second implementation: a week-by-week loop for a few customers, discounted at (1.15)^(-k/52)."""
        v = clv.customer_value(sample_summary, sample_bgnbd, sample_gamma_gamma, horizon_weeks=52,
                               discount_rate=0.15, margin=0.3)
        some = sample_summary.iloc[[0, 5, 17, 400, 2000]]
        for cid, row in some.iterrows():
            one = some.loc[[cid]]
            spend = sample_gamma_gamma.conditional_expected_value(one)[0]
            total, previous = 0.0, 0.0
            for k in range(1, 53):
                cum = sample_bgnbd.conditional_expected_purchases(float(k), one)[0]
                total += (cum - previous) * 1.15 ** (-k / 52)
                previous = cum
            assert v.loc[cid, "clv"] == pytest.approx(0.3 * spend * total, rel=1e-10)
        undiscounted = clv.customer_value(sample_summary, sample_bgnbd, sample_gamma_gamma, discount_rate=0.0)
        assert (v.clv <= undiscounted.clv + 1e-12).all()

    @pytest.mark.parametrize("kw, message", [
        ({"margin": 30}, r"margin must be a share of revenue in \(0, 1\] \(first: 30\)"),
        ({"discount_rate": 15}, r"discount_rate must be an annual rate in \[0, 1\) \(first: 15\)"),
        ({"horizon_weeks": 0}, r"horizon_weeks must be at least 1"),
    ])
    def test_bad_assumptions(self, sample_summary, sample_bgnbd, sample_gamma_gamma, kw, message):
        with pytest.raises(DataError, match=message):
            clv.customer_value(sample_summary, sample_bgnbd, sample_gamma_gamma, **kw)


class TestValueByGroup:
    def test_rollup_by_hand(self):
        values = pd.DataFrame({"clv": [10.0, 30.0, 60.0, 0.0], "revenue": [100.0, 50.0, 50.0, 0.0],
                               "expected_purchases": [1.0, 2.0, 3.0, 0.5], "p_alive": [0.5, 1.0, 0.8, 0.2]},
                              index=pd.Index(["a", "b", "c", "d"], name="customer_id"))
        groups = pd.DataFrame({"customer_id": ["a", "b", "c"], "segment": ["Lost", "Loyal", "Loyal"]})
        out = clv.value_by_group(values, groups, by="segment")
        assert out.segment.tolist() == ["Loyal", "Lost", "(no group)"]
        loyal = out.iloc[0]
        assert (loyal.customers, loyal.revenue, loyal.clv, loyal.expected_purchases) == (2, 100.0, 90.0, 5.0)
        assert loyal.share_customers == 0.5 and loyal.share_revenue == 0.5 and loyal.share_clv == 0.9
        assert loyal.clv_per_customer == 45.0 and loyal.p_alive == pytest.approx(0.9)

    def test_series_indexed_by_customer(self):
        values = pd.DataFrame({"clv": [1.0, 3.0], "revenue": [1.0, 1.0], "expected_purchases": [1.0, 1.0],
                               "p_alive": [1.0, 1.0]}, index=["1", "2"])
        out = clv.value_by_group(values, pd.Series(["x", "y"], index=[1, 2], name="persona"))
        assert out.persona.tolist() == ["y", "x"] and out.share_clv.tolist() == [0.75, 0.25]

    def test_unknown_column(self):
        with pytest.raises(DataError, match=r"group column `segmnt` not found.*pass by=<one of"):
            clv.value_by_group(pd.DataFrame({"clv": [1.0]}), pd.DataFrame({"segment": ["a"]}), by="segmnt")


class TestLifetimeValue:
    def test_report_call_on_the_sample(self, cdnow_sample):
        lv = clv.lifetime_value(cdnow_sample, horizon_weeks=52, discount_rate=0.15, margin=0.3)
        a = lv.assumptions
        assert a["calibration_end"] == dt.date(1997, 9, 30) and a["as_of"] == dt.date(1998, 6, 30)
        assert a["holdout_weeks"] == 39.0
        # the validation fit is the literature's; the values use a refit on all 78 weeks
        assert lv.validation_model.params_["r"] == pytest.approx(0.243, abs=0.0006)
        assert lv.bgnbd.n_customers_ == 2357 and lv.summary["T"].max() == pytest.approx(545 / 7)
        assert len(lv.values) == 2357 and lv.mean_clv == pytest.approx(lv.values.clv.mean())
        assert lv.values.clv.min() >= 0 and lv.total_clv == pytest.approx(lv.values.clv.sum())

    def test_runs_on_load_orders(self):
        orders = wb.load_orders("cdnow")
        summary = clv.clv_summary(orders, calibration_end="1997-09-30")
        assert len(summary) == 23570 and summary.loc["1", "frequency"] == 0

    def test_too_short_history(self):
        lines = pd.DataFrame({"order_id": ["a", "b"], "customer_id": ["1", "1"],
                              "order_date": pd.to_datetime(["2024-01-01", "2024-01-20"]), "revenue": [5.0, 6.0]})
        with pytest.raises(DataError, match=r"the orders cover only 19 days \(2024-01-01 to 2024-01-20\).*at "
                                            r"least 8 weeks"):
            clv.lifetime_value(lines)


class TestSentences:
    def test_value_concentration_by_hand(self):
        values = pd.DataFrame({"clv": [50.0, 30.0, 10.0, 5.0, 5.0, 0, 0, 0, 0, 0]})
        assert clv.value_concentration(values, top=0.1) == 0.5
        assert clv.value_concentration(values, top=0.2) == 0.8

    def test_lifetime_value_sentences_carry_the_numbers(self, cdnow_sample):
        lv = clv.lifetime_value(cdnow_sample)
        text = clv.lifetime_value_sentences(lv, currency="EUR")
        assert f"**€{lv.mean_clv:,.2f}** on average" in text
        assert f"all {len(lv.values):,} customers" in text and "30% of revenue, discounted at 15% a year" in text
        assert f"predicted {lv.holdout.predicted:,.0f} repeat purchases" in text
        assert f"they made {lv.holdout.actual:,.0f}" in text and "following 39 weeks" in text
        assert "Fitted on the purchases up to 1997-09-30" in text
        assert "predicted" not in clv.lifetime_value_sentences(lv, holdout=False).split("active")[-1]

    def test_value_sentence(self):
        table = pd.DataFrame({"persona": ["B", "A"], "clv": [10.0, 90.0], "share_customers": [0.8, 0.2],
                              "share_clv": [0.1, 0.9], "share_revenue": [0.5, 0.5], "clv_per_customer": [1.0, 45.0]})
        assert clv.value_sentence(table, group="persona") == (
            "**A** (20% of customers) hold 90% of the expected future value and brought 50% of revenue to date; "
            "each is worth $45.00 on average.")

    def test_column_labels(self):
        assert clv.column_label("share_clv") == "Share of future value"
        assert clv.column_label("something_else") == "something_else"
