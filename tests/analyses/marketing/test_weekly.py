"""The weekly table: spend per channel and week from daily rows, revenue per week from orders, complete weeks only."""
from __future__ import annotations

import pandas as pd
import pytest

import workbench as wb
from workbench.analyses import marketing as mk
from workbench.errors import DataError, NotEnoughData


def _daily_spend(start="2025-01-01", end="2025-01-26"):
    days = pd.date_range(start, end, freq="D")
    return wb.load_spend(pd.DataFrame({"date": days, "channel": "Search", "spend": 1.0}), currency="USD")


def _orders(days):
    f = pd.DataFrame({"order_id": [str(i) for i in range(len(days))], "customer_id": "c",
                      "order_date": pd.to_datetime(days).astype("datetime64[us]"), "revenue": 10.0, "quantity": 1,
                      "line_type": "sale"})
    return f


def test_weeks_from_daily_spend_and_orders():
    orders = _orders(pd.date_range("2024-12-30", "2025-01-26", freq="D"))     # four Monday-Sunday weeks
    weeks = mk.weekly_data(_daily_spend(), orders=orders)
    # spend starts on Wednesday 1 January: the week of 30 December is incomplete and left out
    assert weeks.weeks.tolist() == list(pd.to_datetime(["2025-01-06", "2025-01-13", "2025-01-20"]))
    assert weeks.spend["Search"].tolist() == [7.0, 7.0, 7.0]
    assert weeks.revenue.tolist() == [70.0, 70.0, 70.0]
    assert weeks.revenue_source == "orders"


def test_revenue_from_a_weekly_marketing_mix_table():
    weeks = mk.weekly_data(wb.load_spend("robyn"))
    assert len(weeks) == 208 and weeks.origin == "simulated"
    assert weeks.spend.columns.tolist() == ["OOH", "TV", "Search", "Print", "Facebook"]     # by total spend
    assert weeks.controls.columns.tolist() == ["competitor_sales_B", "events: event1", "events: event2", "newsletter"]


def test_no_revenue_and_no_common_week():
    # a section a report leaves out (NotEnoughData), not a failed run: the spend tables still show
    with pytest.raises(NotEnoughData, match=r"weekly_data: column `revenue`: there is no revenue to explain\. Give "
                                            r"the shop's orders"):
        mk.weekly_data(_daily_spend())
    with pytest.raises(NotEnoughData, match=r"the spend and the revenue cover no complete week together"):
        mk.weekly_data(_daily_spend(), orders=_orders(pd.date_range("2025-03-03", "2025-03-09", freq="D")))
