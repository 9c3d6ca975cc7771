"""What changed since the previous run: the previous run's choice, each metric's change, the noise test
(checked against a hand computation, statsmodels and scipy) and the words the header cards use."""
from __future__ import annotations

import json
import math

import pytest
from scipy import stats
from statsmodels.stats.proportion import proportions_ztest

from workbench.runner.compare import (change_text, compare_metrics_to, metric_change, noise_test, p_value_text,
                                      previous_run, same_inputs)


def _m(value, **kw):
    return {"name": kw.pop("name", "x"), "value": value, "label": kw.pop("label", "X"), "kind": kw.pop("kind", None),
            "unit": kw.pop("unit", None), "good": kw.pop("good", None), **kw}


class TestNoiseTest:
    def test_two_proportions_by_hand(self):
        # 100 of 1,000 before, 130 of 1,000 now: pooled p = 230 / 2000 = 0.115,
        # se^2 = 0.115 * 0.885 * (1/1000 + 1/1000) = 0.00020355, z = 0.03 / sqrt(0.00020355)
        result = noise_test(_m(0.13, n=1000), _m(0.10, n=1000))
        z = 0.03 / math.sqrt(0.00020355)
        assert result["method"] == "two-proportion z-test (pooled)"
        assert result["z"] == pytest.approx(z, rel=1e-9) and z == pytest.approx(2.10274, abs=1e-5)
        assert result["p_value"] == pytest.approx(2 * stats.norm.sf(z), rel=1e-9)
        assert result["beyond_noise"] is True and result["p_value"] == pytest.approx(0.03549, abs=1e-5)

    @pytest.mark.parametrize("p1, n1, p2, n2", [(0.10, 1000, 0.13, 1000), (0.031, 12000, 0.029, 9000),
                                                (0.5, 40, 0.45, 60), (0.2, 400, 0.26, 420)])
    def test_two_proportions_agree_with_statsmodels(self, p1, n1, p2, n2):
        result = noise_test(_m(p2, n=n2), _m(p1, n=n1))
        z, p = proportions_ztest([p2 * n2, p1 * n1], [n2, n1])  # pooled variance by default
        assert result["z"] == pytest.approx(z, rel=1e-9) and result["p_value"] == pytest.approx(p, rel=1e-9)
        assert result["beyond_noise"] == (p < 0.05)

    def test_recorded_standard_errors(self):
        # 50 (se 2) -> 56 (se 2.5): z = 6 / sqrt(4 + 6.25) = 1.8741, two-sided p = 0.0609: within noise
        result = noise_test(_m(56.0, se=2.5), _m(50.0, se=2.0))
        assert result["method"] == "z-test on the recorded standard errors"
        assert result["z"] == pytest.approx(6 / math.sqrt(10.25), rel=1e-12)
        assert result["p_value"] == pytest.approx(2 * stats.norm.sf(6 / math.sqrt(10.25)), rel=1e-9)
        assert result["beyond_noise"] is False and result["p_value"] == pytest.approx(0.06092, abs=1e-5)

    def test_a_rate_with_n_in_one_run_and_se_in_the_other_uses_both_standard_errors(self):
        result = noise_test(_m(0.12, se=0.01), _m(0.10, n=900))
        se_before = math.sqrt(0.1 * 0.9 / 900)  # 0.01
        assert result["z"] == pytest.approx(0.02 / math.sqrt(se_before ** 2 + 0.01 ** 2), rel=1e-12)

    @pytest.mark.parametrize("now, before, reason", [
        (_m(5.0), _m(4.0), "no sampling error recorded in either run"),
        (_m(5.0, se=1.0), _m(4.0), "no sampling error recorded in the previous run"),
        (_m(5.0), _m(4.0, se=1.0), "no sampling error recorded in this run"),
        (_m(1.3, n=100), _m(1.1, n=100), "no sampling error recorded in either run"),  # not proportions
        (_m("north"), _m("south"), "not a number"),
    ])
    def test_not_tested_without_a_sampling_error(self, now, before, reason):
        assert noise_test(now, before) == {"tested": False, "reason": reason}

    def test_same_input_data_is_not_a_new_sample(self):
        result = noise_test(_m(0.13, n=1000), _m(0.10, n=1000), same_data=True)
        assert result["tested"] is False and result["reason"].startswith("same input data as the previous run")


class TestMetricChange:
    def test_up_is_good_news_for_revenue(self):
        ch = metric_change(_m(1100.0, good="up"), _m(1000.0))
        assert ch == {"status": "compared", "previous": 1000.0, "absolute": 100.0, "relative": 0.1,
                      "direction": "up", "assessment": "good",
                      "noise": {"tested": False, "reason": "no sampling error recorded in either run"}}

    def test_up_is_bad_news_for_a_return_rate(self):
        ch = metric_change(_m(0.06, good="down", kind="percent"), _m(0.05))
        assert ch["direction"] == "up" and ch["assessment"] == "bad"
        assert ch["absolute"] == pytest.approx(0.01) and ch["relative"] == pytest.approx(0.2)

    def test_neutral_and_unchanged(self):
        assert metric_change(_m(90.0), _m(100.0))["assessment"] == "neutral"
        same = metric_change(_m(0.1 + 0.2, good="up"), _m(0.3))  # equal within 1e-9 relative
        assert same["direction"] == "same" and same["assessment"] == "neutral" and same["absolute"] == 0

    def test_from_zero_has_no_relative_change(self):
        ch = metric_change(_m(5, kind="count"), _m(0))
        assert ch["absolute"] == 5 and ch["relative"] is None and ch["direction"] == "up"

    def test_new_text_and_missing_values(self):
        assert metric_change(_m(1.0), None) == {"status": "new", "previous": None}
        assert metric_change(_m("north"), _m("south")) == {"status": "compared", "previous": "south",
                                                            "direction": "changed", "assessment": "neutral"}
        assert metric_change(_m(None), _m(3.0))["status"] == "no value"


def _run(root, run_id, *, started, job="nb/default", status="succeeded", parameters=None, metrics=(), inputs=()):
    d = root / "nb" / run_id
    d.mkdir(parents=True)
    (d / "manifest.json").write_text(json.dumps({"run_id": run_id, "job": job, "status": status, "started": started,
                                                 "parameters": parameters or {"a": 1}, "inputs": list(inputs),
                                                 "files": {"html": "nb.html"}}))
    (d / "metrics.json").write_text(json.dumps({"metrics": list(metrics)}))
    return d


class TestPreviousRun:
    def test_newest_earlier_success_of_the_job_or_of_the_same_parameters(self, tmp_path):
        _run(tmp_path, "r1", started="2026-01-01T00:00:00+00:00")
        _run(tmp_path, "r2", started="2026-01-02T00:00:00+00:00")
        _run(tmp_path, "r3", started="2026-01-03T00:00:00+00:00", status="failed")
        _run(tmp_path, "r4", started="2026-01-04T00:00:00+00:00", job="nb/other", parameters={"a": 2})
        _run(tmp_path, "r5", started="2026-01-06T00:00:00+00:00")  # later than the run asked about
        found = previous_run(tmp_path, notebook="nb", job="nb/default", parameters={"a": 1},
                             before="2026-01-05T00:00:00+00:00")
        assert found[1]["run_id"] == "r2"
        manual = previous_run(tmp_path, notebook="nb", job="nb/manual", parameters={"a": 1},
                              before="2026-01-05T00:00:00+00:00")
        assert manual[1]["run_id"] == "r2"  # same notebook and parameters
        assert previous_run(tmp_path, notebook="nb", job="nb/manual", parameters={"a": 3}, before=None) is None
        # an ad-hoc run with other parameters is not the previous run of another ad-hoc run (all are "manual")
        _run(tmp_path, "r7", started="2026-01-07T00:00:00+00:00", job="nb/manual", parameters={"a": 9})
        assert previous_run(tmp_path, notebook="nb", job="nb/manual", parameters={"a": 1},
                            before="2026-01-08T00:00:00+00:00")[1]["run_id"] == "r5"
        assert previous_run(tmp_path, notebook="nb", job="nb/manual", parameters={"a": 9},
                            before="2026-01-08T00:00:00+00:00")[1]["run_id"] == "r7"
        assert previous_run(tmp_path, notebook="nb", job="nb/default", parameters={"a": 1},
                            exclude="r5")[1]["run_id"] == "r2"

    def test_metrics_compared_with_the_previous_run(self, tmp_path):
        inputs = [{"path": "data/orders.csv", "sha256": "aa"}]
        d = _run(tmp_path, "r1", started="2026-01-01T00:00:00+00:00", inputs=inputs,
                 metrics=[_m(0.10, name="rate", n=1000), _m(7, name="gone")])
        prev = json.loads((d / "manifest.json").read_text())
        now = [_m(0.13, name="rate", n=1000), _m(2.0, name="fresh")]
        out, note = compare_metrics_to(now, d, prev, {"inputs": [{"path": "data/orders.csv", "sha256": "bb"}]})
        assert out[0]["change"]["noise"]["beyond_noise"] is True and out[1]["change"] == {"status": "new",
                                                                                           "previous": None}
        assert note == {"run_id": "r1", "job": "nb/default", "started": "2026-01-01T00:00:00+00:00",
                        "same_inputs": False, "html": "../r1/nb.html"}
        same, note = compare_metrics_to(now, d, prev, {"inputs": inputs})
        assert note["same_inputs"] is True and same[0]["change"]["noise"]["tested"] is False
        first, none = compare_metrics_to(now, None, None, {})
        assert none is None and all(m["change"] is None for m in first)

    def test_same_inputs_needs_at_least_one_file(self):
        assert not same_inputs({"inputs": []}, {"inputs": []})
        assert same_inputs({"inputs": [{"path": "a", "sha256": "1"}]}, {"inputs": [{"path": "a", "sha256": "1"}]})


class TestWords:
    def test_money_with_relative_change_and_untested_noise(self):
        m = _m(2_600_000.0, kind="money", good="up", change=metric_change(_m(2_600_000.0, good="up"),
                                                                          _m(2_500_000.0)))
        assert change_text(m) == {"arrow": "\u25b2", "amount": "+$100,000 (+4.0%)", "noise": "noise not tested",
                                  "assessment": "good", "title": "no sampling error recorded in either run"}

    def test_rate_in_points_with_its_test(self):
        m = _m(0.13, kind="percent", good="up", n=1000)
        m["change"] = metric_change(m, _m(0.10, n=1000))
        c = change_text(m)
        assert c["amount"] == "+3.0 pp (+30.0%)" and c["noise"] == "beyond noise (p = 0.035)"
        assert c["title"] == "two-proportion z-test (pooled), two-sided, 5% level; z = 2.10"

    def test_other_cases(self):
        assert change_text(_m(1.0)) is None
        assert change_text(_m(1.0, change={"status": "new", "previous": None}))["amount"] == "new this run"
        down = _m(12, kind="count", good="up")
        down["change"] = metric_change(down, _m(15))
        assert change_text(down)["amount"] == "-3 (-20.0%)" and change_text(down)["assessment"] == "bad"
        text = _m("north", kind="text")
        text["change"] = metric_change(text, _m("south"))
        assert change_text(text)["amount"] == "was south"
        flat = _m(3.0, change=metric_change(_m(3.0), _m(3.0)))
        assert change_text(flat)["amount"] == "no change"
        tiny = _m(1.2, kind="ratio", good="up")                     # a refit's last digits: not news in red
        tiny["change"] = metric_change(tiny, _m(1.20004))
        assert change_text(tiny) == {"arrow": "\u2248", "amount": "no change at the precision shown", "noise": "",
                                     "assessment": "neutral", "title": "changed by -3.33e-05 (relative)"}
        small = _m(1.2, kind="ratio", good="up")                    # 0.1% is shown
        small["change"] = metric_change(small, _m(1.2012))
        assert change_text(small)["amount"].endswith("(-0.1%)") and change_text(small)["arrow"] == "\u25bc"
        offer = _m(40.41, kind="percentile")                        # an offer's position: 35.9th -> 40.4th
        offer["change"] = metric_change(offer, _m(35.91))
        assert change_text(offer)["amount"] == "+4.5 percentile points (+12.5%)"

    @pytest.mark.parametrize("p, text", [(0.0004, "p < 0.001"), (0.0355, "p = 0.035"), (0.41, "p = 0.41"),
                                         (0.0496, "p = 0.0496"), (0.0504, "p = 0.0504"), (0.0449, "p = 0.045")])
    def test_p_values_never_round_onto_the_threshold(self, p, text):
        assert p_value_text(p) == text
