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
