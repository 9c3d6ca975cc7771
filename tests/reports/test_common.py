"""Headline specs and how a report records them; the generated-data label."""
from __future__ import annotations

import pytest

from workbench import provenance
from workbench.reports.common import Headline, generated_suffix, record_metrics

SPECS = {
    "period": Headline("Period reported", "text"),
    "net_revenue": Headline("Net revenue, {period}", "money", good="up"),
    "return_rate": Headline("Return rate", "percent", good="down"),
    "forecast_days": Headline("Days to detect", "number", unit="days"),
}


def test_records_in_spec_order_with_labels_units_and_direction(tmp_path, monkeypatch):
    monkeypatch.setenv(provenance.RUN_DIR_ENV, str(tmp_path))
    out = record_metrics({"return_rate": 0.05, "net_revenue": 1234.5, "period": "Jun 1998"}, specs=SPECS,
                         currency="EUR", period="Jun 1998")
    assert list(out) == ["period", "net_revenue", "return_rate"]   # forecast_days had no value: skipped
    _, metrics = provenance.read_run_records(tmp_path)
    by_name = {m["name"]: m for m in metrics}
    assert by_name["net_revenue"] == {"name": "net_revenue", "value": 1234.5, "label": "Net revenue, Jun 1998",
                                      "kind": "money", "unit": "EUR", "good": "up"}
    assert by_name["return_rate"]["good"] == "down" and by_name["return_rate"]["unit"] is None


def test_a_value_without_a_spec_is_refused():
    with pytest.raises(KeyError, match=r"no headline spec for \['net_revenu'\]"):
        record_metrics({"net_revenu": 1.0}, specs=SPECS)


def test_bad_specs_are_refused():
    with pytest.raises(ValueError, match="kind 'dollars'"):
        Headline("Revenue", "dollars")
    with pytest.raises(ValueError, match="good 'higher'"):
        Headline("Revenue", "money", good="higher")


def test_generated_suffix():
    assert generated_suffix(True) == " (GENERATED sample)"
    assert generated_suffix(True, what="data") == " (GENERATED data)"
    assert generated_suffix(False) == ""


def test_key_figures_are_recorded_as_such(tmp_path, monkeypatch):
    monkeypatch.setenv(provenance.RUN_DIR_ENV, str(tmp_path))
    specs = {"a": Headline("A", "count", key=True), "b": Headline("B", "count")}
    record_metrics({"a": 1, "b": 2}, specs=specs)
    _, metrics = provenance.read_run_records(tmp_path)
    assert [(m["name"], m.get("key")) for m in metrics] == [("a", True), ("b", None)]


def test_each_report_names_its_key_figures():
    # what the index page shows for each job (at most four; the first that a run recorded)
    from workbench.reports import competitors, experiments, market_research, marketing, salaries, sales

    def keys(module):
        return [name for name, spec in module.HEADLINES.items() if spec.key]

    assert keys(sales) == ["net_revenue", "net_revenue_change_vs_previous", "net_revenue_change_vs_last_year",
                           "orders"]
    assert keys(market_research) == ["customers", "mean_clv", "total_clv", "demand_trend_change"]
    assert keys(marketing) == ["total_spend", "mer", "best_channel", "plan_revenue_gain", "blended_cac"]
    assert keys(experiments) == ["decision", "srm_p_value", "primary_lift", "primary_p_holm"]
    assert keys(salaries) == ["median_wage", "employment", "offer_percentile", "offer_verdict"]
    assert keys(competitors) == ["most_price_sensitive_brand", "what_if_share_change_pp", "overall_price_index"]
    for module in (sales, market_research, marketing, experiments, salaries, competitors):
        assert all(spec.card for spec in module.HEADLINES.values() if spec.key), module.__name__
