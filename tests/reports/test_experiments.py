"""The experiment readout's words: they follow the parameters (alpha, resamples, seed, SRM level, cap, CUPED),
say the verdict with the numbers behind it, and record the same headline metrics as before the move."""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from workbench import provenance
from workbench.analyses.experiments.funnel import checkout_funnel
from workbench.analyses.experiments.planning import plan_next_test
from workbench.analyses.experiments.readout import ab_readout
from workbench.data.events import load_events
from workbench.data.experiment import ExperimentData, load_experiment
from workbench.data.synthetic.experiments import experiment_sample
from workbench.reports import experiments as report
from workbench.sections import Skipped, attempt

FIX = Path(__file__).parents[1] / "fixtures" / "experiments"


def _sample(lift: float = 0.0, *, n: int = 60_000, seed: int = 1, split=None, lifts=None) -> pd.DataFrame:
    return experiment_sample(n, seed=seed, lifts=lifts or {"treatment": lift}, split=split, with_events=False,
                             double_assigned_share=0).assignments


def _real(label: str = "my_test.csv") -> ExperimentData:
    return ExperimentData(assignments=pd.DataFrame(), events=None, generated=False, label=label)


@pytest.fixture(scope="module")
def inconclusive():
    return ab_readout(_sample(0.0), cap_percentile=99, covariate="pre_revenue", n_resamples=300)


@pytest.fixture(scope="module")
def at_010():
    return ab_readout(_sample(0.0), alpha=0.10, n_resamples=500, seed=3)


@pytest.fixture(scope="module")
def funnel():
    return checkout_funnel(load_events(FIX / "events_generic.csv"), segment="device")


@pytest.fixture(scope="module")
def plan():
    return plan_next_test(_sample(0.0, n=20_000), comparisons=3)


def _text(styler) -> str:
    return styler.to_html()


class TestWordingFollowsTheParameters:
    """Issue 11: the readout printed "95% CI" whatever alpha was and "2,000 resamples" whatever n_resamples was."""

    def test_decision_says_90_percent_at_alpha_010(self, at_010):
        text = report.decision_md(at_010, experiment=_real())
        assert "90% CI" in text and "95% CI" not in text
        assert "after Holm correction at alpha 0.1," in text

    def test_metrics_table_headers_say_90_percent(self, at_010):
        html = _text(report.metrics_table(at_010))
        assert "Difference (90% CI)" in html and "Relative lift (90% CI)" in html
        assert "Bootstrap 90% CI (lift)" in html and "95%" not in html

    def test_method_notes_say_the_resamples_seed_and_level(self, at_010):
        text = report.method_md(at_010)
        assert "(500 resamples, seed 3)" in text and "2,000" not in text
        assert "percentile bootstrap 90% interval" in text and "score 90% confidence intervals" in text
        assert "Holm-adjusted p-value is below 0.1." in text

    def test_defaults_still_say_95_percent_and_2000(self, inconclusive):
        assert "95% CI" in report.decision_md(inconclusive, experiment=_real())
        assert "(300 resamples, seed 0)" in report.method_md(inconclusive)
        assert "Difference (95% CI)" in _text(report.metrics_table(inconclusive))

    def test_an_odd_level_is_written_in_full(self):
        r = ab_readout(_sample(0.0, n=10_000), alpha=0.025, metrics=["conversion"])
        assert "97.5% CI" in report.decision_md(r, experiment=_real())

    def test_method_notes_follow_cap_and_cuped(self, inconclusive):
        text = report.method_md(inconclusive)
        assert f"capped at ${inconclusive.cap['value']:,.2f}, the 99th percentile" in text
        assert "**CUPED** (on revenue per visitor, pre-period column `pre_revenue`)" in text
        plain = report.method_md(ab_readout(_sample(0.0, n=10_000), n_resamples=100))
        assert "Revenue was not capped." in plain and "**CUPED**: not applied (no pre-period column given)." in plain

    def test_method_notes_list_only_the_metrics_read(self):
        text = report.method_md(ab_readout(_sample(0.0, n=10_000), metrics=["conversion", "orders_per_visitor"]))
        assert "**Orders per visitor**: mean per user" in text
        assert "Revenue per visitor" not in text and "Average order value" not in text
        assert "all 2 metric-variant comparisons" in text


class TestDecision:
    def test_ship(self):
        r = ab_readout(_sample(0.5), n_resamples=200)
        text = report.decision_md(r, experiment=_real())
        assert text.startswith("## Decision: SHIP\n\nShip treatment: conversion rate went from ")
        assert "- treatment: conversion rate is significantly better (" in text
        assert text.rstrip().endswith("Data: my_test.csv.")

    def test_dont_ship(self):
        text = report.decision_md(ab_readout(_sample(-0.5), n_resamples=200), experiment=_real())
        assert text.startswith("## Decision: DON'T SHIP\n\nDon't ship: conversion rate is significantly worse (")

    def test_inconclusive(self, inconclusive):
        text = report.decision_md(inconclusive, experiment=_real())
        assert "Inconclusive: keep control. Conversion rate went from" in text
        assert "the test cannot tell a lift inside that interval from no change" in text
        assert ("no guardrail (revenue per visitor, average order value) may get significantly worse; a sample "
                "ratio mismatch (p < 0.001) stops the readout.") in text

    def test_srm_stops_the_readout(self):
        r = ab_readout(_sample(0.5, split=[0.53, 0.47]), n_resamples=200)
        text = report.decision_md(r, experiment=_real())
        assert "## Decision: DON'T TRUST YET: INVESTIGATE" in text
        assert "- Sample ratio mismatch: control " in text and "do not use these results" in text

    def test_guardrail_harm_is_named(self):
        r = ab_readout(_sample(0.0), n_resamples=100)
        # a hand-made verdict: average order value significantly worse in treatment
        r.metrics.loc[r.metrics["metric"] == "aov", ["diff", "p_holm"]] = [-5.0, 0.001]
        r.decision.per_variant, r.decision.harmed = {"treatment": "don't ship"}, {"treatment": ["aov"]}
        r.decision.verdict, r.decision.about = "don't ship", "treatment"
        text = report.decision_md(r, experiment=_real())
        assert "treatment: guardrail average order value significantly worse (" in text
        assert ", so the conversion rate result (" in text

    def test_generated_data_is_labelled_with_its_true_effects(self, inconclusive):
        exp = load_experiment(sample_users=2_000, seed=1)
        text = report.decision_md(inconclusive, experiment=exp)
        assert "**Data: GENERATED**: generated sample (seed 1, 2,000 users; known true effects)" in text
        assert "treatment: true conversion 3.24% vs 3.00% (+8.0% relative)" in text

    def test_heavy_double_assignment_is_a_warning(self):
        r = ab_readout(_sample(0.0), checks={"double_assigned_users": 2_000, "double_assigned_rows": 4_000},
                       n_resamples=100)
        warning = ("Warning: 3.2% of users were seen in more than one variant (excluded); above 1% this points "
                   "to broken bucketing or shared devices: check the assignment code.")
        assert warning in report.decision_md(r, experiment=_real())
        assert warning in report.loading_md(_real(), readout=r)
        html = _text(report.trust_checks_table(r))
        assert "2,000 users (3.23%; 4,000 rows) were seen in several variants and excluded" in html
        assert ">warning<" in html


class TestTrust:
    def test_trust_checks(self, inconclusive):
        html = _text(report.trust_checks_table(inconclusive))
        assert "No sample ratio mismatch: control " in html and "(flagged below 0.001)" in html
        assert "users&#39; revenue capped at $" in html or "users' revenue capped at $" in html
        assert ">Check<" in html and ">Status<" in html

    def test_missing_covariate_is_said_three_times(self):
        a = _sample(0.0, n=5_000).drop(columns="pre_revenue")
        r = ab_readout(a, covariate="pre_revenue", covariate_missing="skip", n_resamples=100)
        sentence = "No column 'pre_revenue' in the data: CUPED variance reduction was not applied."
        assert report.cuped_md(r) == sentence
        assert sentence in report.loading_md(_real(), readout=r)
        assert "CUPED covariate" in _text(report.trust_checks_table(r))
        assert "**CUPED**: not applied (no column `pre_revenue` in the data)." in report.method_md(r)


class TestFunnel:
    def test_sentences(self, funnel):
        text = report.funnel_md(funnel)
        assert text.startswith("Of 6 users who reached **view_item**, 1 (**16.7%**) completed **purchase** "
                               "(strict counting: every step after the previous one).")
        assert "between **add_to_cart** and **begin_checkout**: 60.0% of users (3)" in text
        assert "By device, end-to-end conversion ranges from 0.0% (mobile) to 50.0% (desktop)." in text
        assert "finds up to 2 more users at **begin_checkout** (50.0% of those who reached it" in text
        assert "The slowest step is **add_to_cart** (median 2 min after the previous step)." in text

    def test_loose_counting_is_described_as_loose(self, funnel):
        assert "(loose counting: reached the step at all, in any order)" in report.funnel_md(funnel, counting="loose")

    def test_notes_of_the_funnel_are_said(self):
        f = checkout_funnel(load_events(FIX / "events_generic.csv"), segment="browser", if_segment_missing="skip")
        assert "The event log has no column 'browser': the funnel is shown for all users only." in report.funnel_md(f)

    def test_table(self, funnel):
        styler = report.funnel_table(funnel)
        shown = styler.data
        assert list(shown.columns) == ["Step", "Users (strict)", "Users (loose)", "Step conversion",
                                       "Overall conversion", "Drop-off", "Median time from previous step"]
        assert shown["Users (strict)"].tolist() == [6, 5, 2, 1, 1, 1]
        assert shown["Drop-off"].tolist()[:3] == ["", "16.7%", "60.0%"]
        assert "83.3%" in _text(styler)                               # 5 of 6 reached the cart: percent format

    def test_no_event_log(self):
        assert report.funnel_md(None).startswith("No event log was given, so there is no funnel")
        assert report.funnel_table(None) == "No event log given: no funnel."


class TestTables:
    def test_metrics_table(self, inconclusive):
        shown = report.metrics_table(inconclusive).data
        assert shown["Metric"].tolist() == ["Conversion rate", "Revenue per visitor", "Average order value"]
        assert list(shown.columns)[2:4] == ["control", "treatment"]
        assert shown["control"].iloc[0].endswith("%") and shown["control"].iloc[1].startswith("$")
        assert shown["Bootstrap 95% CI (lift)"].tolist()[0] == ""   # only revenue per visitor is bootstrapped

    def test_metrics_table_without_bootstrap_has_no_bootstrap_column(self):
        r = ab_readout(_sample(0.0, n=10_000), metrics=["conversion", "aov"])
        assert not any("Bootstrap" in c for c in report.metrics_table(r).data.columns)

    def test_several_variants(self):
        r = ab_readout(_sample(lifts={"b": 0.1, "c": 0.0}, n=30_000), n_resamples=100)
        shown = report.metrics_table(r).data
        assert shown["Metric"].tolist()[:2] == ["Conversion rate (b)", "Conversion rate (c)"]
        assert "Variant" in shown.columns

    def test_summary_table(self, inconclusive):
        html = _text(report.summary_table(inconclusive, currency="EUR"))
        assert "Per variant: raw (uncapped) totals" in html and "€" in html

    def test_cuped(self, inconclusive):
        text = report.cuped_md(inconclusive)
        c = inconclusive.cuped[0]
        assert text.startswith(f"**CUPED** adjusted revenue per visitor with the pre-period column `pre_revenue`: "
                               f"theta = {c.theta:.4f}, correlation {c.correlation:.3f}")
        assert "CUPED variance reduction" in _text(report.cuped_table(inconclusive))
        plain = ab_readout(_sample(0.0, n=10_000), n_resamples=100)
        assert report.cuped_md(plain) == "CUPED was not applied (no pre-period covariate given)."
        assert report.cuped_table(plain) == report.cuped_md(plain)


class TestPlanning:
    def test_sentences(self, plan, inconclusive):
        text = report.plan_md(plan, readout=inconclusive)
        assert f"conversion **{plan.baseline_rate * 100:.2f}%**" in text
        assert "users a day** (observed in this test)" in text
        assert "two-sided alpha of 0.0167 (0.05 / 3 comparisons, the strictest Holm step)" in text
        assert f"the next test needs **{plan.users_for(0.05):,} users per variant**: **" in text
        assert f"power only for conversion lifts of {plan.mde_this_test * 100:.1f}% or more; it observed " in text

    def test_without_traffic(self, plan):
        a = _sample(0.0, n=20_000).drop(columns="first_exposure")
        p = plan_next_test(a)
        text = report.plan_md(p)
        assert "durations need the `daily_traffic` parameter" in text and "users per variant**." in text
        assert report.mde_table(p) == "Test lengths need the daily traffic: give the `daily_traffic` parameter."

    def test_tables(self, plan):
        sizes = report.sample_size_table(plan)
        assert sizes.caption == "Users and days needed per lift (80% power)"
        assert sizes.data["Metric"].tolist()[:1] == ["Conversion rate"]
        assert isinstance(sizes.data.index, pd.RangeIndex)             # no stray index column
        assert "+5%" in _text(sizes)
        assert "Smallest lift a test of each length can detect (80% power)" in _text(report.mde_table(plan))

    def test_whole_days_round_up(self):
        assert [report._whole_days(d) for d in (38.2, 38.88, 39.0, 39.0 + 1e-12, 0.3)] == [39, 39, 39, 39, 1]
        assert math.isnan(report._whole_days(float("nan")))

    def test_sentence_table_and_card_show_one_day_count(self, plan, inconclusive, tmp_path, monkeypatch):
        # the card once said 38.88 days where the sentence said 39 and the table rounded each row its own way
        days = plan.days_for(0.05)
        assert days != int(days)
        assert f"**{math.ceil(days)} days** at this traffic" in report.plan_md(plan, readout=inconclusive)
        shown = report.sample_size_table(plan).data
        row = shown[(shown["Metric"] == "Conversion rate") & (shown["Relative lift to detect"] == 0.05)]
        assert row["Days"].tolist() == [math.ceil(days)]
        raw = plan.sample_sizes.sort_values(["metric", "relative_mde"], kind="stable")
        assert shown["Days"].tolist() == [math.ceil(d) for d in raw["days"]]
        assert f"<td id=\"T_" in _text(report.sample_size_table(plan))   # rendered
        assert f">{math.ceil(days)}<" in _text(report.sample_size_table(plan))

    def test_a_thin_control_group_skips_planning_with_its_reason(self):
        a = pd.DataFrame({"variant": ["control"] * 3 + ["treatment"] * 3, "converted": [0, 0, 0, 1, 0, 0]})
        plan = attempt(plan_next_test, a, section="Planning the next test")
        assert isinstance(plan, Skipped) and "no baseline to plan the next test from" in plan.reason
        assert report.plan_md(plan) is plan and report.sample_size_table(plan) is plan


class TestHeadlines:
    def test_same_names_kinds_and_labels_as_before_plus_direction(self, tmp_path, monkeypatch):
        monkeypatch.setenv(provenance.RUN_DIR_ENV, str(tmp_path))
        exp = load_experiment(sample_users=20_000, seed=7)
        r = ab_readout(exp.assignments, planned_split=[50, 50], cap_percentile=99, covariate="pre_revenue",
                       checks=exp.checks, n_resamples=200)
        funnel = checkout_funnel(exp.events, segment="device")
        plan = plan_next_test(exp.assignments, comparisons=r.comparisons)
        out = report.record_headlines(r, experiment=exp, funnel=funnel, plan=plan)
        _, metrics = provenance.read_run_records(tmp_path)
        got = {m["name"]: (m["label"], m["kind"], m["unit"]) for m in metrics}
        assert got == {
            "decision": ("Decision", "text", None), "data_generated": ("Generated data", "text", None),
            "users": ("Users in the readout", "count", None),
            "srm_p_value": ("SRM chi-square p-value", "number", None),
            "double_assigned_users": ("Users in several variants (excluded)", "count", None),
            "control_conversion": ("Conversion: control", "percent", None),
            "treatment_conversion": ("Conversion: treatment", "percent", None),
            "primary_lift": ("Conversion rate lift", "change", None),
            "primary_lift_ci_low": ("Lift CI low", "change", None),
            "primary_lift_ci_high": ("Lift CI high", "change", None),
            "primary_p_holm": ("Holm-adjusted p-value", "number", None),
            "revenue_per_visitor_lift": ("Revenue per visitor lift", "change", None),
            "funnel_conversion": ("Funnel: first to last step (strict)", "percent", None),
            "days_to_detect_5pct": ("Days to detect +5% conversion", "number", "days"),
        }
        assert [m["name"] for m in metrics] == list(report.HEADLINES)        # the baseline's order
        good = {m["name"]: m["good"] for m in metrics}
        assert good["primary_lift"] == "up" and good["days_to_detect_5pct"] == "down" and good["decision"] is None
        assert out["users"] == 20_000 - 20 and out["double_assigned_users"] == 20
        assert out["primary_lift"] == pytest.approx(r.lift()) and out["primary_p_holm"] == r.row()["p_holm"]
        days = plan.days_for(0.05)
        assert days != int(days) and out["days_to_detect_5pct"] == math.ceil(days)   # whole days, rounded up

    def test_missing_sections_are_recorded_as_none(self, tmp_path, monkeypatch):
        monkeypatch.setenv(provenance.RUN_DIR_ENV, str(tmp_path))
        r = ab_readout(_sample(0.0, n=5_000), n_resamples=100)
        out = report.record_headlines(r, experiment=_real(), funnel=None, plan=Skipped("thin", "Planning"))
        assert out["funnel_conversion"] is None and out["days_to_detect_5pct"] is None
