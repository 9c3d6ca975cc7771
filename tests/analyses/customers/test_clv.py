"""Lifetime value around the models: the calibration split, the period the data covers, discounted CLV, roll-ups,
the report call, thin data."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import workbench as wb
from workbench.analyses.customers import clv
from workbench.errors import DataError, NotEnoughData


class TestCalibrationSplit:
    def test_cdnow_gets_the_literature_split(self):
        assert clv.choose_calibration_end("1997-01-01", "1998-06-30") == dt.date(1997, 9, 30)

    def test_long_histories_keep_one_year_of_holdout(self):
        assert clv.choose_calibration_end("2019-01-01", "2023-12-31") == dt.date(2023, 1, 1)

    def test_short_histories_split_in_half(self):
        assert clv.choose_calibration_end("2024-01-01", "2024-03-01") == dt.date(2024, 1, 31)


class TestCustomerValue:
    def test_undiscounted_value_is_margin_spend_purchases(self, sample_summary, sample_bgnbd, sample_gamma_gamma):
        v = clv.customer_value(sample_summary, bgnbd=sample_bgnbd, gamma_gamma=sample_gamma_gamma, horizon_weeks=39,
                               discount_rate=0.0, margin=0.5)
        spend = sample_gamma_gamma.conditional_expected_value(sample_summary)
        purchases = sample_bgnbd.conditional_expected_purchases(39, sample_summary)
        np.testing.assert_allclose(v.expected_purchases, purchases, rtol=1e-12)
        np.testing.assert_allclose(v.clv, 0.5 * spend * purchases, rtol=1e-10)
        np.testing.assert_allclose(v.p_alive, sample_bgnbd.probability_alive(sample_summary))

    def test_discounting_against_a_plain_loop(self, sample_summary, sample_bgnbd, sample_gamma_gamma):
        """A second implementation: a week-by-week loop for a few customers, discounted at (1.15)^(-k/52)."""
        v = clv.customer_value(sample_summary, bgnbd=sample_bgnbd, gamma_gamma=sample_gamma_gamma, horizon_weeks=52,
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
        undiscounted = clv.customer_value(sample_summary, bgnbd=sample_bgnbd, gamma_gamma=sample_gamma_gamma,
                                          discount_rate=0.0)
        assert (v.clv <= undiscounted.clv + 1e-12).all()

    @pytest.mark.parametrize("kw, message", [
        ({"margin": 30}, r"margin must be a share of revenue in \(0, 1\] \(first: 30\)"),
        ({"discount_rate": 15}, r"discount_rate must be an annual rate in \[0, 1\) \(first: 15\)"),
        ({"horizon_weeks": 0}, r"horizon_weeks must be at least 1"),
    ])
    def test_bad_assumptions(self, sample_summary, sample_bgnbd, sample_gamma_gamma, kw, message):
        with pytest.raises(DataError, match=message):
            clv.customer_value(sample_summary, bgnbd=sample_bgnbd, gamma_gamma=sample_gamma_gamma, **kw)


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

    def test_one_time_buyers_are_kept_out_of_the_repeat_buyers_p_alive(self):
        # BG/NBD gives a one-time buyer P(alive) = 1: "Lost" would read 100% alive if they were averaged in
        values = pd.DataFrame({"clv": [1.0, 2.0, 3.0, 4.0], "revenue": [10.0, 10.0, 10.0, 10.0],
                               "expected_purchases": [0.1, 0.2, 0.3, 0.4], "frequency": [0, 0, 3, 1],
                               "p_alive": [1.0, 1.0, 0.4, 0.7]}, index=["a", "b", "c", "d"])
        groups = pd.Series(["Lost", "Lost", "Loyal", "Loyal"], index=["a", "b", "c", "d"], name="segment")
        out = clv.value_by_group(values, groups).set_index("segment")
        assert out.loc["Lost", "p_alive"] == 1.0 and out.loc["Lost", "repeat_customers"] == 0
        assert np.isnan(out.loc["Lost", "p_alive_repeat"])
        assert out.loc["Loyal", "repeat_customers"] == 2
        assert out.loc["Loyal", "p_alive_repeat"] == pytest.approx(0.55)     # (0.4 + 0.7) / 2

    def test_series_indexed_by_customer(self):
        values = pd.DataFrame({"clv": [1.0, 3.0], "revenue": [1.0, 1.0], "expected_purchases": [1.0, 1.0],
                               "p_alive": [1.0, 1.0]}, index=["1", "2"])
        out = clv.value_by_group(values, pd.Series(["x", "y"], index=[1, 2], name="persona"))
        assert out.persona.tolist() == ["y", "x"] and out.share_clv.tolist() == [0.75, 0.25]
        # no frequency column: who bought again is unknown, so the repeat buyers' figures stay empty
        assert out.repeat_customers.isna().all() and out.p_alive_repeat.isna().all()

    def test_unknown_column(self):
        with pytest.raises(DataError, match=r"group column `segmnt` not found.*pass by=<one of"):
            clv.value_by_group(pd.DataFrame({"clv": [1.0]}), pd.DataFrame({"segment": ["a"]}), by="segmnt")


    def test_lifetime_value_and_personas_are_taken_as_they_come(self, cdnow_sample):
        from workbench.analyses.customers.personas import Personas, persona_features

        lv = clv.lifetime_value(cdnow_sample)
        personas = Personas(k_min=2, k_max=3).fit(persona_features(cdnow_sample))
        out = clv.value_by_group(lv, personas)
        expected = clv.value_by_group(lv.values, personas.labels_.rename("persona"))
        pd.testing.assert_frame_equal(out, expected)
        assert out.attrs["group"] == "persona" and out.attrs["horizon_weeks"] == 52
        assert out.customers.sum() == 2357


class TestLifetimeValue:
    def test_report_call_on_the_sample(self, cdnow_sample):
        lv = clv.lifetime_value(cdnow_sample, horizon_weeks=52, discount_rate=0.15, margin=0.3)
        a = lv.assumptions
        assert a["as_of"] == dt.date(1998, 6, 30) and a["data_start"] == dt.date(1997, 1, 1)
        assert (a["horizon_weeks"], a["discount_rate"], a["margin"]) == (52, 0.15, 0.3)
        # the values use a fit on all 78 weeks
        assert lv.bgnbd.n_customers_ == 2357 and lv.summary["T"].max() == pytest.approx(545 / 7)
        assert len(lv.values) == 2357 and lv.mean_clv == pytest.approx(lv.values.clv.mean())
        assert lv.values.clv.min() >= 0 and lv.total_clv == pytest.approx(lv.values.clv.sum())

    def test_runs_on_load_orders(self):
        orders = wb.load_orders("cdnow")
        summary = clv.clv_summary(orders, calibration_end="1997-09-30")
        assert len(summary) == 23570 and summary.loc["1", "frequency"] == 0


class TestThePeriodTheDataCovers:
    """Issue 11: a calibration_end after the last purchase day (a quiet last day) is inside the data."""

    @pytest.fixture
    def lines(self) -> pd.DataFrame:
        # the last purchase with a customer id is on 2024-03-29; the data run to 2024-03-31 (a guest order and
        # a return on the quiet last days)
        return pd.DataFrame({
            "order_id": ["a", "b", "c", "d", "g", "r"],
            "customer_id": ["1", "2", "1", "2", None, "1"],
            "order_date": pd.to_datetime(["2024-01-02", "2024-01-09", "2024-02-20", "2024-03-29", "2024-03-30",
                                          "2024-03-31"]),
            "revenue": [10.0, 20.0, 30.0, 40.0, 5.0, -10.0],
            "line_type": ["sale", "sale", "sale", "sale", "sale", "return"],
        })

    def test_a_quiet_last_day_is_accepted(self, lines):
        summary = clv.clv_summary(lines, calibration_end="2024-03-31")
        assert summary.attrs["calibration_end"] == dt.date(2024, 3, 31)
        assert summary.attrs["data_end"] == dt.date(2024, 3, 31)
        # T runs to the end of the period observed, not to the last purchase: 89 days for customer 1
        assert summary.loc["1", "T"] == pytest.approx(89 / 7) and summary.loc["2", "T"] == pytest.approx(82 / 7)
        assert summary.loc["1", "recency"] == pytest.approx(49 / 7)

    def test_the_default_end_is_the_last_day_the_data_covers(self, lines):
        assert clv.clv_summary(lines).attrs["calibration_end"] == dt.date(2024, 3, 31)

    def test_a_day_after_the_data_is_still_refused(self, lines):
        with pytest.raises(DataError, match=r"calibration_end 2024-04-01 is outside the order dates \(2024-01-02 to "
                                            r"2024-03-31\).*choose a date inside the data"):
            clv.clv_summary(lines, calibration_end="2024-04-01")

    def test_a_holdout_end_after_the_data_is_refused(self, lines):
        with pytest.raises(DataError, match=r"holdout_end 2024-05-01 is after the last day of the orders "
                                            r"\(2024-03-31\)"):
            clv.clv_summary(lines, calibration_end="2024-02-29", holdout_end="2024-05-01")


class TestThinData:
    def test_too_short_history(self):
        lines = pd.DataFrame({"order_id": ["a", "b"], "customer_id": ["1", "1"],
                              "order_date": pd.to_datetime(["2024-01-01", "2024-01-20"]), "revenue": [5.0, 6.0]})
        with pytest.raises(NotEnoughData, match=r"^The orders cover only 19 days \(2024-01-01 to 2024-01-20\): too "
                                                r"short to learn how often customers come back\. Customer value needs "
                                                r"at least 8 weeks of history"):
            clv.lifetime_value(lines)

    def test_no_repeat_customers(self):
        lines = pd.DataFrame({"order_id": ["a", "b", "c"], "customer_id": ["1", "2", "3"],
                              "order_date": pd.to_datetime(["2024-01-01", "2024-02-10", "2024-04-01"]),
                              "revenue": [5.0, 6.0, 7.0]})
        with pytest.raises(NotEnoughData, match=r"^No customers bought again after their first purchase day: too few "
                                                r"repeat customers"):
            clv.lifetime_value(lines)

    def test_no_customer_ids(self):
        lines = pd.DataFrame({"order_id": ["a"], "customer_id": [None], "order_date": pd.to_datetime(["2024-01-01"]),
                              "revenue": [1.0]}).astype({"customer_id": "string"})
        with pytest.raises(NotEnoughData, match=r"no sale line has a customer id.*customer column"):
            clv.lifetime_value(lines)


def test_value_concentration_by_hand():
    values = pd.DataFrame({"clv": [50.0, 30.0, 10.0, 5.0, 5.0, 0, 0, 0, 0, 0]})
    assert clv.value_concentration(values, top=0.1) == 0.5
    assert clv.value_concentration(values, top=0.2) == 0.8
