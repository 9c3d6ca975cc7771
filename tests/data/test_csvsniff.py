"""Notations read off a sample (csvsniff) are the careful reader's decisions, and DuckDB parses what fits them as
the careful reader does: second implementation = the careful parsers themselves, value for value."""
from __future__ import annotations

import math

import duckdb
import pandas as pd
import pytest

from workbench.data.csvread import parse_dates, parse_numbers
from workbench.data.csvsniff import DateNotation, date_notation, decimal_notation
from workbench.errors import DataError


def s(*values) -> pd.Series:
    return pd.Series(values, dtype="str")


class TestDateNotation:
    @pytest.mark.parametrize("values, expected", [
        (("2024-01-05 09:14:22", "2024-12-31 23:00:00"), DateNotation("%Y-%m-%d %H:%M:%S")),
        (("2024-01-05",), DateNotation("%Y-%m-%d")),
        (("2024-01-05T09:14",), DateNotation("%Y-%m-%dT%H:%M")),
        (("2024/01/05 09:14:22",), DateNotation("%Y/%m/%d %H:%M:%S")),
        (("31/01/2024", "01/02/2024"), DateNotation("%d/%m/%Y", dayfirst=True, proven=True)),
        (("01/31/2024 8:26", "2/1/2024 10:05"), DateNotation("%m/%d/%Y %H:%M", dayfirst=False, proven=True)),
        (("05.01.2024",), DateNotation("%m.%d.%Y", dayfirst=False, proven=False)),
        (("05-01-2024 07:05:01",), DateNotation("%m-%d-%Y %H:%M:%S", dayfirst=False, proven=False)),
        # no number above 12: how they vary (the careful reader's rule, csvread.order_by_spread)
        (("03/11/2026", "04/11/2026", "09/11/2026"), DateNotation("%d/%m/%Y", True, False, by_spread=True)),
        (("11/03/2026", "11/04/2026", "11/09/2026"), DateNotation("%m/%d/%Y", False, False, by_spread=True)),
        (("03/11/2026", "04/12/2026", "09/11/2026"), DateNotation("%m/%d/%Y", False, False, by_spread=False)),
    ])
    def test_one_notation(self, values, expected):
        assert date_notation(s(*values)) == expected

    def test_order_given_or_by_default(self):
        assert date_notation(s("05.01.2024"), default_dayfirst=True) == DateNotation("%d.%m.%Y", True, False)
        assert date_notation(s("05.01.2024"), dayfirst=True) == DateNotation("%d.%m.%Y", True, True)

    @pytest.mark.parametrize("values", [
        ("2024-01-05 09:14:22 -0500",),                 # offsets: dropped by the careful reader
        ("2024-01-05T09:14:22Z",),
        ("2024-01-05", "2024-01-05 09:00:00"),          # two notations in one column
        ("2024-01-05 09:14:22.123",),                   # fractions of a second
        ("20240105",),
        ("1/2/24",),                                    # two-digit year
        ("1/2/2024 8:26 PM",),                          # AM/PM
        ("13/01/2024", "01/13/2024"),                   # both orders
        ("1/2/2024 8:26", "1/2/2024 8:26:01"),          # with and without seconds
        ("1/2/2024", "1.2.2024"),                       # two separators
        ("yesterday",), (),
    ])
    def test_needs_the_careful_reader(self, values):
        assert date_notation(s(*values)) is None

    @pytest.mark.parametrize("sample, tricky", [
        ("2024-01-05 07:01:41", ["2024-1-5 7:1:41", "24-01-05 07:01:41", "2024-01-05  07:01:41", "2024-01-05 07:01",
                                 "2024-01-05T07:01:41", "2024-02-30 10:00:00", "0999-01-01 00:00:00",
                                 "2024-01-05 24:00:00", "+2024-01-05 07:01:41", "2024-01-05 07:01:41.5",
                                 "2024-01-05 07:01:41 -0500", "2024-13-05 07:01:41"]),
        ("25/12/2024 07:05", ["5/1/2024 7:05", "05/01/24 07:05", "05/01/2024 07:05:00", "32/01/2024 07:05",
                              "05/13/2024 07:05", "05/01/2024 7:5", "05-01-2024 07:05", "05/01/2024T07:05",
                              "29/02/2023 07:05", "05/01/2024 07:05 PM"]),
    ])
    def test_duckdb_reads_what_fits_as_the_careful_reader(self, sample, tricky):
        """DuckDB's strptime with the notation either refuses a value (the file goes to the careful reader), gives
        a year before 1000 (refused by the load's check), fails the notation's pattern (day/month dates: refused
        by the load's check) or gives the careful reader's own value."""
        notation = date_notation(s(sample))
        for value in tricky:
            got = duckdb.execute("SELECT try_strptime(?, ?)", [value, notation.format]).fetchone()[0]
            if notation.dayfirst is not None and not duckdb.execute("SELECT regexp_full_match(?, ?)",
                                                                    [value, notation.pattern]).fetchone()[0]:
                got = None
            try:
                want = parse_dates(s(sample, value), dayfirst=notation.dayfirst).iloc[1]
            except DataError:
                want = None
            assert got is None or got.year < 1000 or pd.Timestamp(got) == want, (value, got, want)


class TestDecimalNotation:
    @pytest.mark.parametrize("values, kwargs, expected", [
        (("12.50", "3", "-1.5"), {}, (".", True)),
        (("12,50", "3"), {"default_decimal": ","}, (",", True)),
        (("12,5", "3"), {}, (",", True)),                  # a decimal comma shown in a comma-separated file
        (("3", "12"), {}, (".", False)),
        (("3", "12"), {"default_decimal": ","}, (",", False)),
        (("1.250",), {"default_decimal": ","}, None),   # ambiguous grouping: left to the careful parser
        (("1e3", "+5", ".5"), {}, (".", True)),
        (("12.50",), {"decimal": ","}, None),
        (("12,50",), {"decimal": ","}, (",", True)),
    ])
    def test_plain_numbers(self, values, kwargs, expected):
        assert decimal_notation(s(*values), **kwargs) == expected

    @pytest.mark.parametrize("values", [("$12.50",), ("1,234.50",), ("1.234,50",), ("(12.00)",), ("12.50-",),
                                        ("12,5", "12.50"), ("12 €",), ("n/a",)])
    def test_needs_the_careful_parser(self, values):
        assert decimal_notation(s(*values)) is None

    @pytest.mark.parametrize("mark, sample, tricky", [
        (".", "12.50", ["1e3", "+5", ".5", "5.", "0x10", "1,5", "nan", "inf", "1.2.3", "١٢", "--5", "5e"]),
        (",", "12,50", ["1e3", "+5", ",5", "1.250", "12.50", "1.234,5", "nan", "12,5,0"]),
    ])
    def test_duckdb_reads_what_fits_as_the_careful_parser(self, mark, sample, tricky, tmp_path):
        """DuckDB's reader with the decimal mark either refuses a value, gives a value that is not finite (refused
        by the load's check) or gives the careful parser's own number."""
        for value in tricky:
            path = tmp_path / "n.csv"
            path.write_text(f"x\n{value}\n", encoding="utf-8")
            try:
                got = duckdb.execute(f"SELECT x FROM read_csv('{path}', header=true, columns={{'x': 'DOUBLE'}}, "
                                     f"auto_detect=false, delim='|', quote='\"', decimal_separator='{mark}')"
                                     ).fetchone()[0]
            except duckdb.Error:
                got = None
            try:
                want = parse_numbers(s(sample, value), default_decimal=mark).iloc[1]
            except DataError:
                want = None
            assert got is None or not math.isfinite(got) or got == want, (value, got, want)

    def test_known_difference_digit_group_underscores(self, tmp_path):
        """Documented in workbench/data/orders/csvfast.py: DuckDB reads 1_000 as 1000, the careful parser refuses."""
        path = tmp_path / "n.csv"
        path.write_text("x\n1_000\n")
        got = duckdb.execute(f"SELECT x FROM read_csv('{path}', header=true, columns={{'x': 'DOUBLE'}}, "
                             "auto_detect=false)").fetchone()[0]
        assert got == 1000.0
        with pytest.raises(DataError, match="values are not numbers"):
            parse_numbers(s("1_000"))


def test_several_columns_at_once_equal_one_at_a_time():
    """decimal_notations runs each pattern once over all the columns; each column's answer is its own."""
    from workbench.data.csvsniff import decimal_notations
    columns = {"a": s("12.50", "3"), "b": s("12,5", "3"), "c": s("3", "12"), "d": s("$12.50"), "e": s("1.250"),
               "f": s("12,5", "12.50"), "g": pd.Series([None, ""], dtype=object), "h": s("1e3", "+5", ".5")}
    assert decimal_notations(columns) == {"a": (".", True), "b": (",", True), "c": (".", False), "d": None,
                                          "e": (".", False), "f": None, "g": (".", False), "h": (".", True)}
    assert decimal_notations(columns, default_decimal=",") == {
        "a": (".", True), "b": (",", True), "c": (",", False), "d": None, "e": None, "f": None, "g": (",", False),
        "h": (".", True)}
    assert decimal_notations(columns, decimal=",") == {
        "a": None, "b": (",", True), "c": (",", True), "d": None, "e": None, "f": None, "g": (",", True), "h": None}
