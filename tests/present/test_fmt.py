from __future__ import annotations

import math

import pytest

from workbench.present import fmt


class TestMoney:
    @pytest.mark.parametrize("x, kw, expected", [
        (90000, {}, "$90,000"),
        (89999.5, {}, "$90,000"),
        (-12.5, {"decimals": 2}, "-$12.50"),
        (1_000_000, {"currency": "EUR"}, "€1,000,000"),
        (5, {"currency": "SEK"}, "SEK 5"),
        (None, {}, "n/a"),
        (math.nan, {}, "n/a"),
    ])
    def test_cases(self, x, kw, expected):
        assert fmt.money(x, **kw) == expected


def test_pct_and_pp():
    assert fmt.pct(0.053) == "5.3%"
    assert fmt.pct(0.1, signed=True) == "+10.0%"
    assert fmt.pct(-0.0049, 2) == "-0.49%"
    assert fmt.pp(0.012) == "+1.2 pp"
    assert fmt.pct(float("nan")) == "n/a"


def test_num_and_compact():
    assert fmt.num(23570) == "23,570"
    assert fmt.num(2.345, 2) == "2.35" or fmt.num(2.345, 2) == "2.34"  # binary rounding of 2.345
    assert fmt.num(2.5, 1, signed=True) == "+2.5"
    assert fmt.compact(2_500_315.63) == "2.5M"
    assert fmt.compact(2_500_315.63, currency="USD") == "$2.5M"
    assert fmt.compact(1000) == "1k"
    assert fmt.compact(-15_300) == "-15.3k"
    assert fmt.compact(7) == "7"


def test_value_by_kind():
    assert fmt.value(166790, "money") == "$166,790"
    assert fmt.value(35.6, "money") == "$35.60"
    assert fmt.value(0.2345, "percent") == "23.4%" or fmt.value(0.2345, "percent") == "23.5%"
    assert fmt.value(23570, "count") == "23,570"
    assert fmt.value(1.23456) == "1.23"
    assert fmt.value(0.123456) == "0.123"
    assert fmt.value(12.0, unit="weeks") == "12.00 weeks"
    assert fmt.value("ship", "text") == "ship"
    assert fmt.value(None, "money") == "n/a"
    assert [fmt.value(x, "percentile") for x in (35.908, 22.4, 1, 12, 90)] == ["36th", "22nd", "1st", "12th", "90th"]
    assert fmt.value(None, "percentile") == "n/a"
    assert fmt.value(8.3849, "number", "pp") == "+8.4 pp" and fmt.value(-0.26, "number", "pp") == "-0.3 pp"


def test_change_kind_is_signed():
    assert fmt.value(0.072, "change") == "+7.2%"
    assert fmt.value(-0.298, "change") == "-29.8%"


def test_booleans_read_as_words():
    assert fmt.value(True) == "yes" and fmt.value(False, "text") == "no"
