"""Amazon Ads Sponsored Products campaign report (Reports > Sponsored Products > Campaign, time unit Daily).

One row per campaign and day: ``Date`` (or ``Start Date`` / ``End Date``, the same day for a daily report),
``Campaign Name``, ``Currency``, ``Impressions``, ``Clicks``, ``Spend``, and the sales and orders Amazon attributes
to the ad within its window, named in the column: ``7 Day Total Sales`` and ``7 Day Total Orders (#)`` for
Sponsored Products (14 days for Sponsored Brands and Display). The column names sometimes end in a space.
Downloads are Excel or CSV; dates like ``Jan 05, 2025`` are read too.
"""
from __future__ import annotations

import pandas as pd

from workbench.data.spend_formats._base import (SpendContext, canonical, drop_empty_rows, find, find_prefix, norm,
                                                text)

NAME = "amazon-sp"
TITLE = "Amazon Sponsored Products report"
DEFAULT_CHANNEL = "Amazon Ads"
REQUIRED = ("Campaign Name", "Spend")


def matches(header) -> bool:
    cols = [norm(h) for h in header]
    dated = "date" in cols or "start date" in cols
    return dated and "spend" in cols and any(c.endswith("day total sales") for c in cols)


def to_canonical(frame: pd.DataFrame, ctx: SpendContext) -> pd.DataFrame:
    header = list(frame.columns)
    date_col = find(header, "Date", "Start Date")
    frame = drop_empty_rows(frame, date_col, ctx)
    end = find(header, "End Date")
    days = ctx.days(frame, date_col, end) if end else pd.Series(1.0, index=frame.index)
    sales = find_prefix(header, "7 Day Total Sales", "14 Day Total Sales", "1 Day Total Sales")
    orders = find_prefix(header, "7 Day Total Orders", "14 Day Total Orders", "1 Day Total Orders")
    if sales:
        ctx.summary.note(f"Conversion value is Amazon's `{sales.strip()}`: sales within its attribution window.")
    currency_col = find(header, "Currency")
    ctx.spend_columns["*"] = find(header, "Spend")
    return canonical(
        frame, date=ctx.dates(frame, date_col), days=days, channel=ctx.channel or DEFAULT_CHANNEL,
        campaign=text(frame, find(header, "Campaign Name")), spend=ctx.numbers(frame, find(header, "Spend")),
        currency=text(frame, currency_col) if currency_col else ctx.currency,
        impressions=ctx.numbers(frame, find(header, "Impressions")), clicks=ctx.numbers(frame, find(header, "Clicks")),
        conversions=ctx.numbers(frame, orders), conversion_value=ctx.numbers(frame, sales), source=ctx.source)


__all__: list[str] = []
