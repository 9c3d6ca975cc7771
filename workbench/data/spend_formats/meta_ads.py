"""Meta Ads Manager export (Facebook and Instagram ads) with a daily breakdown.

Ads Manager > Reports > Export table data (CSV or Excel). Each row is one campaign (or ad set or ad) for the
period between ``Reporting starts`` and ``Reporting ends``: with Breakdown > By time > Day both are the same day
(some exports add a ``Day`` column); without a time breakdown a row covers the whole reporting range, which this
loader refuses (the spend of a month cannot be placed in its days). ``Amount spent (USD)`` names its currency in
the header (or a ``Currency`` column does). Results columns depend on the campaign objective: ``Purchases`` and
``Purchases conversion value`` (or ``Website purchases ...``) are read as Meta's own conversions and their value.

Columns read: Reporting starts, Reporting ends, Day, Campaign name (else Ad set name, else Ad name),
Amount spent (CUR), Currency, Impressions, Link clicks, Purchases, Purchases conversion value.
"""
from __future__ import annotations

import pandas as pd

from workbench.data.formats._base import currency_in_header
from workbench.data.spend_formats._base import (SpendContext, canonical, drop_empty_rows, find,
                                                find_prefix, norm, text)

NAME = "meta-ads"
TITLE = "Meta Ads Manager export"
DEFAULT_CHANNEL = "Meta Ads"
REQUIRED = ("Reporting starts", "Amount spent")


def matches(header) -> bool:
    cols = [norm(h) for h in header]
    return "reporting starts" in cols and any(c.startswith("amount spent") for c in cols)


def to_canonical(frame: pd.DataFrame, ctx: SpendContext) -> pd.DataFrame:
    header = list(frame.columns)
    starts, ends, day = find(header, "Reporting starts"), find(header, "Reporting ends"), find(header, "Day")
    frame = drop_empty_rows(frame, starts, ctx)
    if day is not None:
        date, days = ctx.dates(frame, day), pd.Series(1.0, index=frame.index)
    else:
        date, days = ctx.dates(frame, starts), ctx.days(frame, starts, ends)
    spent = find_prefix(header, "Amount spent")
    currency_col = find(header, "Currency")
    currency = text(frame, currency_col) if currency_col else (currency_in_header(spent) or ctx.currency)
    name = find(header, "Campaign name") or find(header, "Ad set name") or find(header, "Ad name")
    ctx.spend_columns["*"] = spent
    return canonical(
        frame, date=date, days=days, channel=ctx.channel or DEFAULT_CHANNEL, campaign=text(frame, name),
        spend=ctx.numbers(frame, spent), currency=currency,
        impressions=ctx.numbers(frame, find(header, "Impressions")),
        clicks=ctx.numbers(frame, find(header, "Link clicks", "Clicks (all)")),
        conversions=ctx.numbers(frame, find(header, "Purchases", "Website purchases")),
        conversion_value=ctx.numbers(frame, find(header, "Purchases conversion value",
                                                 "Website purchases conversion value")),
        source=ctx.source)


__all__: list[str] = []
