"""Reporting periods: day, week (Monday to Sunday, ISO 8601), month and quarter.

One definition for every analysis that groups by period: the Ibis truncation used in queries
(:func:`period_start`), the calendar bounds and labels used on the small results (:func:`period_bounds`,
:func:`period_name`), and the rule for the default report period (:func:`last_complete_period`).
DuckDB's and Spark's ``date_trunc('week')`` both start weeks on Monday, as :func:`period_bounds` does.
"""
from __future__ import annotations

from typing import Any

import ibis
import pandas as pd

from workbench.errors import ParameterError

__all__ = ["PERIODS", "check_period", "period_start", "period_bounds", "period_name", "last_complete_period"]

# Reporting periods and their Ibis truncation units.
PERIODS: dict[str, str] = {"day": "D", "week": "W", "month": "M", "quarter": "Q"}

# One period forward, and "a year earlier" (weeks and days go back 52 weeks / 364 days, so weekdays line up).
OFFSETS = {"day": pd.DateOffset(days=1), "week": pd.DateOffset(weeks=1), "month": pd.DateOffset(months=1),
           "quarter": pd.DateOffset(months=3)}
YEAR_AGO = {"day": pd.DateOffset(days=364), "week": pd.DateOffset(weeks=52), "month": pd.DateOffset(months=12),
            "quarter": pd.DateOffset(months=12)}


def check_period(period: str) -> str:
    """Return ``period`` if it is one of :data:`PERIODS`, else raise a ``ParameterError`` naming the choices."""
    if period not in PERIODS:
        raise ParameterError(f"period={period!r} is not one of {list(PERIODS)}: pick the reporting period "
                             f"(month is the usual choice for a management report)")
    return period


def period_start(ts: ibis.Value, *, period: str) -> ibis.Value:
    """Start of the reporting period (day/week/month/quarter) containing each timestamp; weeks start Monday."""
    return ts.truncate(PERIODS[check_period(period)])


def period_bounds(when: Any, *, period: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of the ``period`` (day/week/month/quarter) that contains the date ``when``.

    >>> period_bounds("1998-06-17", period="month")
    (Timestamp('1998-06-01 00:00:00'), Timestamp('1998-06-30 00:00:00'))
    """
    check_period(period)
    day = pd.Timestamp(when).normalize()
    if period == "day":
        start = day
    elif period == "week":
        start = day - pd.Timedelta(days=day.weekday())
    elif period == "month":
        start = day.replace(day=1)
    else:
        start = day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)
    return start, start + OFFSETS[period] - pd.Timedelta(days=1)


def period_name(start: Any, *, period: str) -> str:
    """How reports name a period: ``'Jun 1998'``, ``'Q2 1998'``, ``'Week of 22 Jun 1998'``, ``'30 Jun 1998'``."""
    start = pd.Timestamp(start)
    if period == "month":
        return start.strftime("%b %Y")
    if period == "quarter":
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    if period == "week":
        return f"Week of {start.day} {start.strftime('%b %Y')}"
    return f"{start.day} {start.strftime('%b %Y')}"


def last_complete_period(last_date: Any, *, period: str) -> pd.Timestamp:
    """Start of the last period whose final day is on or before ``last_date`` (the last order date).

    Data running to 30 Jun 1998 has June 1998 as its last complete month; data running to 17 Jun 1998 has May.
    """
    start, end = period_bounds(last_date, period=period)
    if pd.Timestamp(last_date).normalize() >= end:
        return start
    return start - OFFSETS[period]
