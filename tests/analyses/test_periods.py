"""Reporting periods: the Ibis truncation in queries and the calendar bounds, labels and default period."""
from __future__ import annotations

import pandas as pd
import pytest

from workbench import engine
from workbench.analyses import periods as P
from workbench.errors import ParameterError


@pytest.fixture
def lines() -> pd.DataFrame:
    return pd.DataFrame({"order_date": pd.to_datetime(["2024-01-03", "2024-01-03", "2024-02-29"]).astype("datetime64[us]")})


class TestPeriods:
    def test_period_start(self, lines):
        t = engine.as_table(lines)
        weeks = engine.to_pandas(P.period_start(t.order_date, period="week").name("w"))
        assert weeks.tolist() == [pd.Timestamp("2024-01-01")] * 2 + [pd.Timestamp("2024-02-26")]  # Mondays
        quarters = engine.to_pandas(P.period_start(t.order_date, period="quarter").name("q"))
        assert quarters.tolist() == [pd.Timestamp("2024-01-01")] * 3

    def test_unknown_period(self):
        with pytest.raises(ParameterError, match=r"period='year' is not one of \['day', 'week', 'month', 'quarter'\]"):
            P.check_period("year")


class TestCalendar:
    @pytest.mark.parametrize("period, start, end", [
        ("day", "1998-06-17", "1998-06-17"), ("week", "1998-06-15", "1998-06-21"),
        ("month", "1998-06-01", "1998-06-30"), ("quarter", "1998-04-01", "1998-06-30")])
    def test_bounds(self, period, start, end):
        assert P.period_bounds("1998-06-17 13:45", period=period) == (pd.Timestamp(start), pd.Timestamp(end))

    def test_last_complete_period(self):
        assert P.last_complete_period("1998-06-30", period="month") == pd.Timestamp("1998-06-01")
        assert P.last_complete_period("1998-06-17", period="month") == pd.Timestamp("1998-05-01")
        assert P.last_complete_period("1998-06-21", period="week") == pd.Timestamp("1998-06-15")  # a Sunday
        assert P.last_complete_period("1998-06-20", period="week") == pd.Timestamp("1998-06-08")

    def test_names(self):
        assert P.period_name("1998-06-01", period="month") == "Jun 1998"
        assert P.period_name("1998-04-01", period="quarter") == "Q2 1998"
        assert P.period_name("1998-06-15", period="week") == "Week of 15 Jun 1998"
