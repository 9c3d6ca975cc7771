"""Google Ads campaign report, as downloaded from the Google Ads interface (Reports > Campaigns > Download).

The download starts with the report's title and its date range above the header and ends with "Total: ..." rows;
numbers carry thousands separators, "--" means nothing (zero), and ``Cost`` is in the account currency, named in
``Currency code``. With a time segment the first column is ``Day`` (one row per campaign and day) or ``Week``
(one row per campaign and week, dated by its first day).

Columns read: Day or Week, Campaign, Cost, Currency code, Impr. (or Impressions), Clicks, Conversions,
Conv. value. Conversions and their value are Google's own attribution (its conversion window and model).
"""
from __future__ import annotations

import pandas as pd

from workbench.data.spend_formats._base import (SpendContext, canonical, drop_empty_rows, drop_total_rows, find,
                                                norm, text)

NAME = "google-ads"
TITLE = "Google Ads campaign report"
DEFAULT_CHANNEL = "Google Ads"
REQUIRED = ("Campaign", "Cost")


def matches(header) -> bool:
    cols = {norm(h) for h in header}
    return {"campaign", "cost"} <= cols and bool({"day", "week"} & cols)


def to_canonical(frame: pd.DataFrame, ctx: SpendContext) -> pd.DataFrame:
    header = list(frame.columns)
    day, week = find(header, "Day"), find(header, "Week")
    date_col = day or week
    frame = drop_total_rows(frame, date_col, ctx)
    frame = drop_empty_rows(frame, date_col, ctx)
    campaign = text(frame, find(header, "Campaign"))
    total = campaign.str.match(r"(?i)^total\b", na=False)  # "Total: Search campaigns" rows with an empty day
    if total.any():
        ctx.summary.add("total_rows", int(total.sum()), "dropped",
                        "summary rows ('Total: ...'): left out, their amounts are the sum of the rows above")
        frame, campaign = frame[~total], campaign[~total]
    currency_col = find(header, "Currency code", "Currency")
    ctx.spend_columns["*"] = find(header, "Cost")
    return canonical(
        frame, date=ctx.dates(frame, date_col),
        days=pd.Series(1.0 if day else 7.0, index=frame.index),
        channel=ctx.channel or DEFAULT_CHANNEL, campaign=campaign,
        spend=ctx.numbers(frame, find(header, "Cost"), zero_marks=True),
        currency=text(frame, currency_col) if currency_col else ctx.currency,
        impressions=ctx.numbers(frame, find(header, "Impr.", "Impressions"), zero_marks=True),
        clicks=ctx.numbers(frame, find(header, "Clicks"), zero_marks=True),
        conversions=ctx.numbers(frame, find(header, "Conversions"), zero_marks=True),
        conversion_value=ctx.numbers(frame, find(header, "Conv. value", "Conversion value", "Total conv. value"),
                                     zero_marks=True),
        source=ctx.source)


__all__: list[str] = []
