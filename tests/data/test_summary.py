"""LoadSummary: counts by key, sentences a manager reads, lazy counts computed once."""
from __future__ import annotations

import pandas as pd
import pytest

from workbench.data.summary import LoadSummary, SummaryItem


def make() -> LoadSummary:
    s = LoadSummary(source="/data/shop/orders.csv", format="shopify", lines_read=1_500, lines_kept=1_400)
    s.add("no_customer", 1_454, "kept", "lines without a customer id: kept for revenue, left out of customer metrics",
          revenue=12_345.5)
    s.add("non_product", 100, "dropped", "lines not for products (postage, fees): left out", revenue=-20.0)
    s.add("returns", 0, "kept", "lines of returns: kept")  # nothing happened: not listed
    s.add("pending", 1, "kept", "lines of orders with payment pending: kept as sales")
    s.note("Created at: time-zone offsets dropped.")
    return s


def test_sentences():
    text = str(make())
    assert text.splitlines()[0] == "1,500 lines read from shop/orders.csv (format: shopify); 1,400 kept."
    assert ("- 1,454 lines without a customer id: kept for revenue, left out of customer metrics "
            "(revenue 12,345.50).") in text
    assert "- 1 line of orders with payment pending: kept as sales." in text
    assert "returns" not in text
    assert text.rstrip().endswith("- Created at: time-zone offsets dropped.")


def test_keys_and_counts():
    s = make()
    assert s.keys == ["no_customer", "non_product", "pending"]
    assert s["non_product"].lines == 100 and s["non_product"].treatment == "dropped"
    assert s.get("returns") == 0 and s.get("pending") == 1
    with pytest.raises(KeyError, match="no summary item 'nope'"):
        s["nope"]


def test_frame_and_html():
    frame = make().to_frame()
    assert frame["key"].tolist() == ["read", "no_customer", "non_product", "pending", "kept"]
    assert frame["lines"].tolist() == [1_500, 1_454, 100, 1, 1_400]
    assert frame["revenue"].iloc[1] == 12_345.5 and pd.isna(frame["revenue"].iloc[0])
    html = make()._repr_html_()
    assert "<td style='text-align:right'>1,454</td><td style='text-align:left'>kept</td>" in html
    assert "<li>Created at: time-zone offsets dropped.</li>" in html


def test_lazy_counts_evaluated_once():
    calls = []

    def count():
        calls.append(1)
        return 7

    s = LoadSummary(source="big.parquet", format="canonical", lines_read=count, lines_kept=count)
    s.add("no_customer", count, "kept", "lines without a customer id: kept")
    assert "counts not computed yet" in repr(s)
    assert calls == []
    s.resolve()
    s.resolve()
    assert calls == [1, 1, 1]
    assert s.lines_read == 7 and s["no_customer"].lines == 7


def test_lazy_zero_items_disappear():
    s = LoadSummary(source="big.parquet", format="canonical", lines_read=5, lines_kept=5)
    s.add("returns", lambda: 0, "kept", "lines of returns: kept")
    assert s.keys == ["returns"]
    s.resolve()
    assert s.keys == [] and s.get("returns") == 0


def test_bad_treatment():
    with pytest.raises(ValueError, match="treatment 'removed' is not one of"):
        SummaryItem("x", 1, "removed", "lines")
