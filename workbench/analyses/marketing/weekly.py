"""The weekly table a marketing mix model is fitted on: revenue, spend per channel and controls, week by week.

Revenue comes from the shop's order lines when they are given (net revenue per week, the same figure as the sales
report's), otherwise from the revenue column of a weekly marketing-mix file (Robyn's layout). Spend is added up per
channel and week; a week without spend rows is a week of zero spend. Only weeks that both the spend and the revenue
cover completely are kept: a partial first or last week would look like a collapse in revenue.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from workbench.analyses.marketing import _borrowed
from workbench.errors import DataError, NotEnoughData
from workbench.sections import is_skipped

__all__ = ["weekly_data", "MarketingWeeks"]


@dataclass
class MarketingWeeks:
    """Weekly revenue, spend per channel and controls over the same complete weeks.

    ``revenue``: Series indexed by the week's first day; ``spend``: weeks x channels (currency per week);
    ``controls``: weeks x control columns (may have no columns); ``revenue_source``: where revenue came from;
    ``origin`` / ``origin_note``: "real", "generated" or "simulated" and the sentence reports show;
    ``notes``: what was decided (weeks left out, channels without spend).
    """

    revenue: pd.Series
    spend: pd.DataFrame
    controls: pd.DataFrame
    revenue_source: str
    origin: str = "real"
    origin_note: str = ""
    currency: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def channels(self) -> list[str]:
        return list(self.spend.columns)

    @property
    def weeks(self) -> pd.DatetimeIndex:
        return pd.DatetimeIndex(self.revenue.index)

    def __len__(self) -> int:
        return len(self.revenue)

    def __repr__(self) -> str:
        return (f"<MarketingWeeks {len(self)} weeks {self.weeks[0]:%Y-%m-%d} to {self.weeks[-1]:%Y-%m-%d}, "
                f"channels {self.channels}, revenue from {self.revenue_source}>")


def weekly_data(spend: Any, *, orders: Any = None) -> MarketingWeeks:
    """Weekly revenue, spend per channel and controls, over the complete weeks both sources cover.

    Parameters
    ----------
    spend : Spend
        From :func:`workbench.load_spend`.
    orders : OrderLines, DataFrame or Ibis table, optional
        The shop's order lines; their net revenue per week is what the model explains. Without them (or given a
        ``Skipped``), the weekly revenue column of the spend file is used.

    Returns
    -------
    MarketingWeeks

    Raises
    ------
    DataError
        Neither orders nor a revenue column; no week covered by both.
    """
    frame = spend.frame
    anchor = int(frame["date"].dt.day_of_week.mode().iloc[0]) if spend.grain == "week" else 0
    notes: list[str] = []
    if orders is not None and not is_skipped(orders):
        daily = _borrowed.daily_revenue(orders)
        daily.index = pd.DatetimeIndex(daily.index)
        week_start = daily.index - pd.to_timedelta((daily.index.day_of_week - anchor) % 7, unit="D")
        counts = daily.groupby(week_start).size()
        revenue = daily.groupby(week_start).sum()
        revenue = revenue[counts == 7]
        source = "orders"
    elif spend.revenue is not None:
        revenue = spend.revenue.astype(float)
        source = "the revenue column of the spend file"
    else:
        # a report on ad exports alone still shows the spend; the sections that need revenue say this
        raise NotEnoughData("there is no revenue to explain", source="weekly_data", column="revenue",
                            fix="Give the shop's orders (orders_source), or a weekly marketing-mix table with a "
                                "revenue column (Robyn's layout: `DATE`, `revenue`, a `<channel>_S` column per "
                                "channel)")
    if spend.grain == "day":
        days = frame["date"]
        wk = days - pd.to_timedelta((days.dt.day_of_week - anchor) % 7, unit="D")
        first_day, last_day = days.min(), days.max()
        weekly = frame.assign(week=wk).pivot_table(index="week", columns="channel", values="spend", aggfunc="sum",
                                                   fill_value=0.0)
        full = (weekly.index >= first_day) & (weekly.index + pd.Timedelta(days=6) <= last_day)
        weekly = weekly[full]
    else:
        weekly = frame.pivot_table(index="date", columns="channel", values="spend", aggfunc="sum", fill_value=0.0)
    weekly.index = pd.DatetimeIndex(weekly.index, name="week")
    all_weeks = pd.date_range(weekly.index.min(), weekly.index.max(), freq="7D", name="week") if len(weekly) else \
        weekly.index
    weekly = weekly.reindex(all_weeks, fill_value=0.0)
    common = weekly.index.intersection(pd.DatetimeIndex(revenue.index))
    if len(common) == 0:
        def span(index) -> str:
            return f"{index.min():%Y-%m-%d} to {index.max():%Y-%m-%d}" if len(index) else "no complete week"

        raise NotEnoughData("the spend and the revenue cover no complete week together", source="weekly_data",
                            rows=0, example=f"spend: {span(weekly.index)}; revenue: {span(pd.DatetimeIndex(revenue.index))}",
                            fix="Give spend and orders for the same period, at least a whole week (Monday to Sunday)")
    dropped = (len(weekly) - len(common), len(revenue) - len(common))
    if any(dropped):
        notes.append(f"{len(common)} complete weeks have both spend and revenue "
                     f"({common.min():%d %b %Y} to {(common.max() + pd.Timedelta(days=6)):%d %b %Y}); weeks with "
                     "only one of them are left out.")
    weekly = weekly.loc[common]
    order = weekly.sum().sort_values(ascending=False)
    empty = [str(c) for c in order.index if order[c] <= 0]
    if empty:
        notes.append(f"No spend in these weeks for {', '.join(empty)}: left out of the model.")
    weekly = weekly[[c for c in order.index if order[c] > 0]]
    weekly.columns = [str(c) for c in weekly.columns]
    weekly.columns.name = "channel"
    controls = pd.DataFrame(index=common)
    if spend.controls is not None:
        controls = spend.controls.reindex(common).fillna(0.0)
        constant = [c for c in controls if controls[c].nunique() <= 1]
        if constant:
            notes.append(f"Controls without any change in these weeks left out: {', '.join(constant)}.")
        controls = controls.drop(columns=constant)
    controls.index.name = "week"
    out = revenue.loc[common].astype(float)
    out.index.name = "week"
    out.name = "revenue"
    return MarketingWeeks(revenue=out, spend=weekly.astype(float), controls=controls.astype(float),
                          revenue_source=source, origin=spend.origin, origin_note=spend.origin_note,
                          currency=spend.currency, notes=notes)


def require_weeks(weeks: MarketingWeeks, minimum: int, *, what: str) -> None:
    """NotEnoughData when the weekly table is shorter than ``minimum`` weeks."""
    if len(weeks) < minimum:
        raise NotEnoughData(f"{what} needs at least {minimum} complete weeks of spend and revenue (a year, so the "
                            f"season can be told from the effect of spend); these data have {len(weeks)}",
                            source="weekly data", rows=len(weeks),
                            fix="Export a longer history of spend and orders")


