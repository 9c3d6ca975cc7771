"""The market-research report's words: sentences carry the numbers of the results, tables show the declared labels,
the wording follows the parameters, headlines are recorded as before, and a skipped section says why."""
from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from workbench import config, provenance
from workbench.analyses.customers import Personas, holdout_validation, lifetime_value, persona_features
from workbench.analyses.customers import value_by_group, value_concentration
from workbench.analyses.demand import DemandForecast, decompose
from workbench.reports import market_research as R
from workbench.sections import Skipped


@pytest.fixture(scope="module")
def cdnow_sample() -> pd.DataFrame:
    """The 2,357 customers of the CDNOW 1/10 sample (Fader, Hardie & Lee 2005) in canonical columns."""
    raw = pd.read_csv(config.SHIPPED["cdnow_transactions"], dtype={"amount": float})
    ids = pd.read_csv(config.SHIPPED["cdnow_sample_ids"]).customer_id.astype(str)
    lines = pd.DataFrame({"order_id": [f"{c}-{i}" for i, c in enumerate(raw.customer_id)],
                          "customer_id": raw.customer_id.astype(str),
                          "order_date": pd.to_datetime(raw.order_date).astype("datetime64[us]"),
                          "revenue": raw.amount, "quantity": raw.quantity.astype("int64"), "line_type": "sale"})
    return lines[lines.customer_id.isin(ids)].reset_index(drop=True)


@pytest.fixture(scope="module")
def results(cdnow_sample):
    features = persona_features(cdnow_sample)
    personas = Personas(k_min=2, k_max=4).fit(features)
    lv = lifetime_value(cdnow_sample)
    segments = pd.DataFrame({"customer_id": features.index,
                             "segment": np.where(features.orders >= 3, "Loyal", "Other")})
    return {"features": features, "personas": personas, "lifetime_value": lv,
            "holdout": holdout_validation(cdnow_sample),
            "by_persona": value_by_group(lv, personas), "by_segment": value_by_group(lv, segments, by="segment")}


def _known_monthly(n_years: int = 8) -> pd.Series:
    t = np.arange(12 * n_years)
    y = 100 + 2 * t + 10 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(3).normal(0, 1.0, len(t))
    s = pd.Series(y, index=pd.date_range("2015-01-01", periods=len(t), freq="MS", name="period"))
    s.attrs["freq"] = "month"
    return s


@pytest.fixture(scope="module")
def demand():
    y = _known_monthly()
    return decompose(y), DemandForecast(horizon=6, backtest_periods=12).fit(y)


SKIPPED = Skipped("Only 4 complete weeks of orders: a trend needs at least 6.", "Demand trend")


class TestSummary:
    def test_every_paragraph_carries_the_numbers(self, results, demand):
        trend, forecast = demand
        text = R.summary_md(**{k: v for k, v in results.items() if k != "features"}, trend=trend, forecast=forecast,
                            currency="EUR")
        personas, lv, check = results["personas"], results["lifetime_value"], results["holdout"].check
        prof = personas.profiles_
        largest = prof.loc[prof.customers.idxmax()]
        assert f"The customers fall into {personas.k_} buyer personas. The largest, **{largest.persona}**, is " \
               f"{largest.share_customers:.0%} of customers" in text
        top = results["by_persona"].iloc[0]
        assert f"**{top.persona}** ({top.share_customers:.0%} of customers) hold {top.share_clv:.0%} of the " \
               f"expected future value" in text and f"each is worth €{top.clv_per_customer:,.2f} on average" in text
        assert "By RFM segment, **Loyal**" in text
        assert f"**€{lv.mean_clv:,.2f}** on average" in text
        assert f"all {len(lv.values):,} customers" in text and "30% of revenue, discounted at 15% a year" in text
        assert f"The best 10% of customers hold {value_concentration(lv.values):.0%} of that value" in text
        assert f"predicted {check.predicted:,.0f} repeat purchases" in text and f"they made {check.actual:,.0f}" in text
        assert "Fitted on the purchases up to 1997-09-30" in text and "following 39 weeks" in text
        assert f"{abs(check.error):.1%} {'fewer' if check.error < 0 else 'more'} than happened" in text
        assert text.count("**Where demand is going.** The revenue trend moved") == 1

    def test_value_sentence_by_hand(self):
        table = pd.DataFrame({"persona": ["B", "A"], "clv": [10.0, 90.0], "share_customers": [0.8, 0.2],
                              "share_clv": [0.1, 0.9], "share_revenue": [0.5, 0.5], "clv_per_customer": [1.0, 45.0]})
        text = R.summary_md(personas=SKIPPED, by_persona=table, by_segment=SKIPPED, lifetime_value=SKIPPED,
                            holdout=SKIPPED, trend=SKIPPED, forecast=SKIPPED)
        assert ("**Who carries the future.** **A** (20% of customers) hold 90% of the expected future value and "
                "brought 50% of revenue to date; each is worth $45.00 on average.\n") in text

    def test_skipped_sections_say_why_once(self):
        lv = Skipped("The orders cover only 30 days (2024-03-01 to 2024-03-31): too short.", "Lifetime value")
        text = R.summary_md(personas=Skipped("5 customers are too few to group into buyer personas.", "Buyer personas"),
                            by_persona=Skipped(lv.reason, "Target audience"), by_segment=Skipped(lv.reason, "RFM"),
                            lifetime_value=lv, holdout=Skipped(lv.reason, "Holdout check"), trend=SKIPPED,
                            forecast=SKIPPED)
        assert ("**Who the buyers are.** *Not computed for this data:* 5 customers are too few to group into buyer "
                "personas.") in text
        assert ("**Who carries the future.** *Not computed for this data:* it rests on what each customer is worth, "
                "which this data cannot give (see below).") in text
        assert text.count("The orders cover only 30 days") == 1                   # lifetime value and holdout alike
        assert "**Where demand is going.** *Not computed for this data:* Only 4 complete weeks" in text

    def test_a_holdout_skipped_for_its_own_reason_is_named(self, results):
        text = R.summary_md(personas=SKIPPED, by_persona=SKIPPED, by_segment=SKIPPED,
                            lifetime_value=results["lifetime_value"], holdout=Skipped("No days follow it.", "Holdout"),
                            trend=SKIPPED, forecast=SKIPPED)
        assert "The check of the model on a holdout period is left out: No days follow it." in text


class TestPersonas:
    def test_descriptions_from_the_profiles(self, results):
        personas = results["personas"]
        text = R.persona_descriptions_md(personas, currency="GBP")
        rows = text.splitlines()
        assert len(rows) == personas.k_ and all(r.startswith("- **") for r in rows)
        first = personas.profiles_.iloc[0]
        assert rows[0].startswith(f"- **{first.persona}**: {first.customers:,} customers "
                                  f"({first.share_customers:.1%} of all) bringing {first.share_revenue:.1%} of revenue")
        assert f"spend £{first.aov:,.2f} per order" in rows[0] and "came back at least once" in rows[0]

    def test_fewer_personas_for_few_customers_is_said(self, results):
        features = results["features"].sample(25, random_state=1)
        personas = Personas(k_min=3, k_max=6).fit(features)
        note = ("With 25 customers, only 2 personas were tried instead of 3-6, so that each has at least 10 "
                "customers.")
        assert R.persona_descriptions_md(personas).startswith(note + "\n\n- **")
        assert note in R.summary_md(personas=personas, by_persona=SKIPPED, by_segment=SKIPPED, lifetime_value=SKIPPED,
                                    holdout=SKIPPED, trend=SKIPPED, forecast=SKIPPED)
        assert "were tried instead" not in R.persona_descriptions_md(results["personas"])

    def test_table_labels_and_kinds(self, results):
        html = R.personas_table(results["personas"], currency="EUR").to_html()
        for label in ("Persona", "Customers", "Share of customers", "Revenue to date", "Came back", "Spend per order",
                      "Days since last order", "Days as customer"):
            assert f">{label}</th>" in html
        first = results["personas"].profiles_.iloc[0]
        assert f"€{first.revenue:,.0f}" in html and f"{first.share_customers:.1%}" in html


class TestLifetimeValue:
    def test_values_md_follows_the_assumptions(self, cdnow_sample):
        lv = lifetime_value(cdnow_sample, horizon_weeks=26, margin=0.4, discount_rate=0.1)
        text = R.values_md(lv)
        assert text.startswith("**Values.** For the values the models are refitted on the whole history up to "
                               "1998-06-30 and each customer is valued over the next 26 weeks: expected purchases x "
                               "expected spend per purchase x 40% margin, discounted at 10% a year.")
        assert "Over the next 26 weeks a customer is worth" in text
        assert "next 26 weeks" in R.top_customers_table(lv).caption

    def test_holdout_md_and_table(self, results):
        check = results["holdout"].check
        assert R.holdout_md(results["holdout"]).startswith(
            f"**Holdout check.** Fitted on the purchases up to 1997-09-30, the model predicted "
            f"{check.predicted:,.0f} repeat purchases by these 2,357 customers in the following 39 weeks")
        html = R.holdout_table(results["holdout"]).to_html()
        assert ">Repeat purchases, calibration</th>" in html and ">7+</td>" in html
        assert f">{check.table.actual.iloc[0]:.2f}</td>" in html

    def test_tables(self, results):
        lv = results["lifetime_value"]
        top = R.top_customers_table(lv, currency="USD")
        assert top.caption.startswith("The 15 most valuable customers") and len(top.data) == 15
        best = lv.values.clv.idxmax()
        assert top.data.iloc[0]["Customer"] == best and ">Expected value (CLV)</th>" in top.to_html()
        params = R.bgnbd_table(lv)
        assert params.data["Meaning"].tolist() == list(R.BGNBD_MEANINGS.values())
        assert f">{lv.bgnbd.params_['r']:.3f}</td>" in params.to_html()
        assert "fitted on the history to 1998-06-30" in params.caption
        gg = R.gamma_gamma_table(lv)
        assert f"({lv.gamma_gamma.n_customers_:,} repeat customers;" in gg.caption
        html = R.segment_values_table(results["by_segment"]).to_html()
        assert ">RFM segment</th>" in html and ">Share of future value</th>" in html
        values = R.segment_values_table(results["by_segment"])
        assert "over the next 52 weeks; still active = the model's mean probability that a repeat buyer" \
            in values.caption
        # the column shows the repeat buyers' P(alive): one-time buyers (P(alive) = 1 in BG/NBD) are left out
        shown = values.data.set_index("RFM segment")["Still active: repeat buyers (mean P(alive))"]
        expected = results["by_segment"].set_index("segment")["p_alive_repeat"]
        pd.testing.assert_series_equal(shown, expected, check_names=False)
        assert (results["by_segment"].p_alive > results["by_segment"].p_alive_repeat).all()
        assert ">Persona</th>" in R.persona_values_table(results["by_persona"]).to_html()


class TestDemand:
    def test_sentences_carry_the_numbers(self, demand):
        trend, fc = demand
        text = R.demand_md(trend, forecast=fc, currency="USD")
        values = trend.frame.trend
        assert text.startswith(f"The revenue trend moved +{trend.trend_change:.0%} over the last 12 months, from "
                               f"${values.iloc[-13]:,.0f} to ${values.iloc[-1]:,.0f} per month.")
        assert f"next 6 months is ${fc.forecast_.forecast.mean():,.0f} per month" in text
        assert f"missed by {fc.errors_['mape']:.0%} on average (MAPE), better than simply repeating the value one " \
               f"season earlier ({fc.errors_['naive_mape']:.0%})" in text
        assert text.endswith("Trend and a seasonal pattern of 12 months estimated with STL (robust) on 96 months of "
                             "history.")

    def test_a_method_worse_than_naive_points_to_the_naive_figure(self):
        # demand rose for 14 months, then stayed flat at its last level: repeating the last month is near exact
        # on the back-test (20 months: too short for a season), the damped trend overshoots
        t = np.arange(20)
        y = pd.Series(np.where(t < 14, 100 + 3 * t, 100 + 3 * 13) + np.random.default_rng(4).normal(0, 0.5, 20),
                      index=pd.date_range("2015-01-01", periods=20, freq="MS", name="period"))
        y.attrs["freq"] = "month"
        fc = DemandForecast(horizon=3, backtest_periods=6).fit(y)
        assert not fc.naive_seasonal_ and fc.errors_["mape"] > 1.05 * fc.errors_["naive_mape"]
        text = R.demand_md(decompose(y), forecast=fc, currency="USD")
        assert (f"worse than simply repeating the last value ({fc.errors_['naive_mape']:.0%}). On this history the "
                f"simpler figure is the safer one to plan with: ${y.iloc[-1]:,.0f} per month (the last month "
                f"repeated).") in text

    def test_a_method_better_than_naive_adds_nothing(self, demand):
        trend, fc = demand
        assert "safer one to plan with" not in R.demand_md(trend, forecast=fc, currency="USD")

    def test_the_interval_level_follows_the_parameter(self):
        y = _known_monthly()
        fc = DemandForecast(horizon=3, backtest_periods=12, level=0.8).fit(y)
        text = R.demand_md(decompose(y), forecast=fc)
        assert "the 80% prediction interval runs" in text and "90%" not in text
        assert R.forecast_table(fc).caption.endswith("bounds of the 80% prediction interval")

    def test_closed_cohort_is_said(self):
        y = _known_monthly(n_years=2)
        fc = DemandForecast(horizon=3, backtest_periods=6).fit(y)
        text = R.demand_md(decompose(y), forecast=fc, acquisition_end=dt.date(2015, 3, 31))
        assert "acquired up to 2015-03-31 (no new customers after that)" in text
        assert "the forecast learns from the months after the acquisition window only" in text

    def test_short_history_note_and_a_skipped_forecast(self):
        y = _known_monthly(n_years=1)
        forecast = Skipped("Only 12 complete months of orders.", "Demand forecast")
        text = R.demand_md(decompose(y), forecast=forecast)
        assert "The forecast is left out: Only 12 complete months of orders." in text
        assert text.endswith("The history covers 12 months, less than the 24 months needed to tell a seasonal pattern "
                             "from the trend, so no seasonality is estimated: the trend is a LOWESS smooth over about 5 "
                             "months and everything else is left as remainder.")

    def test_small_amounts_keep_their_cents(self):
        y = _known_monthly() / 20                                  # about $5-$15 a month
        text = R.demand_md(decompose(y), forecast=SKIPPED)
        assert "per month." in text and ".00 to $" not in text and f"${decompose(y).frame.trend.iloc[-1]:.2f}" in text

    def test_forecast_table(self, demand):
        _, fc = demand
        table = R.forecast_table(fc, currency="EUR")
        html = table.to_html()
        assert ">Period</th>" in html and ">01 Jan 2023</td>" in html
        assert f">€{fc.forecast_.forecast.iloc[0]:,.0f}</td>" in html
        assert table.caption.startswith("Forecast per month (STL season of 12 + ETS")


@pytest.mark.parametrize("func", ["persona_descriptions_md", "holdout_md", "values_md", "demand_md", "personas_table",
                                  "segment_values_table", "persona_values_table", "holdout_table",
                                  "top_customers_table", "bgnbd_table", "gamma_gamma_table", "forecast_table"])
def test_a_skipped_section_is_shown_as_its_reason(func):
    kwargs = {"forecast": SKIPPED} if func == "demand_md" else {}
    assert getattr(R, func)(SKIPPED, **kwargs) is SKIPPED


class TestHeadlines:
    BASELINE = ["customers", "personas", "top_persona_by_value", "top_persona_value_share", "top_segment_by_value",
                "mean_clv", "total_clv", "top10_value_share", "holdout_predicted", "holdout_actual", "holdout_error",
                "bgnbd_r", "bgnbd_alpha", "bgnbd_a", "bgnbd_b", "gamma_gamma_p", "gamma_gamma_q", "gamma_gamma_gamma",
                "demand_trend_change", "forecast_mean", "forecast_mape", "naive_mape"]

    def test_names_values_labels_and_directions(self, results, demand, tmp_path, monkeypatch):
        monkeypatch.setenv(provenance.RUN_DIR_ENV, str(tmp_path))
        trend, fc = demand
        out = R.record_headlines(**results, trend=trend, forecast=fc, currency="EUR")
        assert list(out) == self.BASELINE == list(R.HEADLINES)
        lv = results["lifetime_value"]
        assert out["customers"] == 2357 and out["personas"] == results["personas"].k_
        assert out["mean_clv"] == round(lv.mean_clv, 2) and out["bgnbd_r"] == lv.bgnbd.params_["r"]
        assert out["holdout_predicted"] == round(results["holdout"].check.predicted, 1)
        assert out["forecast_mean"] == round(float(fc.forecast_.forecast.mean()), 2)
        _, metrics = provenance.read_run_records(tmp_path)
        by_name = {m["name"]: m for m in metrics}
        assert by_name["mean_clv"] == {"name": "mean_clv", "value": out["mean_clv"], "kind": "money", "unit": "EUR",
                                       "label": "Mean customer value, next 52 weeks (discounted margin)", "good": "up",
                                       "key": True}
        assert by_name["demand_trend_change"]["label"] == "Revenue trend change over the last 12 months"
        assert by_name["forecast_mean"]["label"] == "Forecast revenue per month, next 6"
        assert by_name["forecast_mape"]["good"] == "down" and by_name["holdout_error"]["good"] is None
        assert by_name["top10_value_share"]["label"] == "Share of value held by the best 10% of customers"

    def test_a_thin_export_records_what_it_could_compute(self, results, tmp_path, monkeypatch):
        monkeypatch.setenv(provenance.RUN_DIR_ENV, str(tmp_path))
        out = R.record_headlines(features=results["features"].head(5), personas=SKIPPED, lifetime_value=SKIPPED,
                                 holdout=SKIPPED, by_persona=SKIPPED, by_segment=SKIPPED, trend=SKIPPED,
                                 forecast=SKIPPED)
        assert out == {"customers": 5}
