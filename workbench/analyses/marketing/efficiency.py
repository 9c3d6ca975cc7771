"""Spend efficiency: what was spent where, what the platforms claim it brought, and what it cost to win a customer.

Definitions (see also ``/work/shared/FIELD-NOTES.md``, "Marketing measurement conventions"):

- **Platform ROAS** = the conversion value a platform attributes to its own ads / their spend. Each platform uses
  its own attribution window and counts view-throughs, so the platforms together usually claim more revenue than
  the shop took: read it as the platform's view, not as incremental revenue.
- **MER** (marketing efficiency ratio, "blended ROAS") = all revenue / all marketing spend in the period: no
  attribution, no double counting, but also no split by channel.
- **New customers**: customers whose first sale in the orders falls in the period (their whole history in the data
  decides; the first months of an export count customers who bought before it as new).
- **Blended CAC** = all marketing spend in the period / new customers in it.
- **CAC by first-order channel**: where the orders carry a channel or source (the canonical ``channel`` column),
  a channel's spend / the new customers whose first order came through it. Order channels are matched to spend
  channels by name, ignoring case, spaces and the word "ads" ("Google Ads" = "google"); new customers from
  channels without spend (direct, organic) have no CAC.
- **Lifetime value of a new customer** (for LTV:CAC): the contribution of the first purchase plus the discounted
  contribution the market-research models (BG/NBD and Gamma-Gamma) expect from the repeat purchases of a newly
  acquired customer over the next ``horizon_weeks``. **LTV:CAC** uses contribution, not revenue (3:1 is the usual
  rule of thumb).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from workbench.analyses.marketing import _borrowed
from workbench.analyses.marketing.contribution import ContributionLines
from workbench.analyses.periods import check_period
from workbench.data.schema import SALE
from workbench.engine import to_pandas
from workbench.analyses.marketing.inputs import require_orders
from workbench.errors import NotEnoughData
from workbench.sections import is_skipped

__all__ = ["spend_by_channel", "spend_by_period", "acquisition_costs", "Acquisition", "new_customer_value",
           "NewCustomerValue", "ltv_to_cac", "channel_key"]

_SYNONYMS = {"facebook": "meta", "instagram": "meta", "fb": "meta", "adwords": "google", "googleads": "google",
             "bing": "microsoft", "amazonads": "amazon"}


def channel_key(name: Any) -> str:
    """How channel names are compared: ``"Google Ads"``, ``"google"`` and ``"google_ads"`` are the same channel."""
    words = re.sub(r"[^a-z0-9]+", " ", str(name).lower()).split()
    words = [w for w in words if w not in ("ads", "ad", "paid", "cpc")] or words
    key = "".join(words)
    return _SYNONYMS.get(key, key)


def _periods(dates: pd.Series, period: str) -> pd.Series:
    if period == "week":
        return dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")
    return dates.dt.to_period({"month": "M", "quarter": "Q", "year": "Y"}[period]).dt.start_time


def spend_by_channel(spend, *, by: str = "channel") -> pd.DataFrame:
    """Spend and what the platforms report, per channel (or per channel and campaign with ``by="campaign"``).

    Returns one row per channel (and campaign) with ``spend``, ``share_of_spend``, ``impressions``, ``clicks``,
    ``conversions`` and ``conversion_value`` (platform-reported, missing where the source has none),
    ``platform_roas`` (conversion value / spend), ``cpc`` (spend / clicks), ``cpm`` (spend per 1,000 impressions),
    largest spend first.
    """
    keys = ["channel"] if by == "channel" else ["channel", "campaign"]
    f = spend.frame.copy()
    if by != "channel":
        f["campaign"] = f["campaign"].fillna("(no campaign)")
    sums = ["spend", "impressions", "clicks", "conversions", "conversion_value"]
    out = f.groupby(keys, sort=False)[sums].sum(min_count=1).reset_index()
    out["share_of_spend"] = out["spend"] / out["spend"].sum()
    out["platform_roas"] = out["conversion_value"] / out["spend"].where(out["spend"] > 0)
    out["cpc"] = out["spend"] / out["clicks"].where(out["clicks"] > 0)
    out["cpm"] = 1000 * out["spend"] / out["impressions"].where(out["impressions"] > 0)
    return out.sort_values("spend", ascending=False, ignore_index=True)


def spend_by_period(spend, *, revenue: Any = None, period: str = "month") -> pd.DataFrame:
    """Spend per channel and period, total spend, platform-reported conversion value and, with revenue, MER.

    Parameters
    ----------
    spend : Spend
    revenue : Series or MarketingWeeks, optional
        Revenue per day or week (or the weekly data holding it), added up per period for MER; None or a skipped
        section: no MER.
    period : {"week", "month", "quarter", "year"}
        Weekly rows are placed in the period of their first day.

    Returns
    -------
    DataFrame indexed by ``period`` with one column per channel, ``spend`` (all channels), ``conversion_value``,
    ``platform_roas``, and ``revenue`` and ``mer`` when revenue is given. Only periods the spend covers from their
    first to their last day are kept (and only those with revenue, when it is given): a half-covered first or last
    month would look like a collapse. None may be left (a first export shorter than a period): the frame is then
    empty, and ``attrs`` still carry ``period`` and the spend's ``start`` and ``end`` for the reports to say so.
    """
    if period != "week":
        check_period(period)
    f = spend.frame.assign(period=_periods(spend.frame["date"], period))
    f = f[(f["period"] >= spend.start) & (f["period"].map(lambda p: _period_end(p, period)) <= spend.end)]
    wide = f.pivot_table(index="period", columns="channel", values="spend", aggfunc="sum", fill_value=0.0)
    wide = wide[[c for c in spend.channels if c in wide.columns]]
    out = wide.copy()
    out["spend"] = wide.sum(axis=1)
    value = f.groupby("period")["conversion_value"].sum(min_count=1)
    out["conversion_value"] = value.reindex(out.index)
    out["platform_roas"] = out["conversion_value"] / out["spend"].where(out["spend"] > 0)
    if hasattr(revenue, "revenue") and not isinstance(revenue, pd.Series):
        revenue = revenue.revenue
    if revenue is not None and not is_skipped(revenue):
        r = revenue.copy()
        r.index = pd.DatetimeIndex(r.index)
        per = r.groupby(_periods(pd.Series(r.index, index=r.index), period)).sum()
        out = out.join(per.rename("revenue"), how="inner")
        out["mer"] = out["revenue"] / out["spend"].where(out["spend"] > 0)
    out.index.name = "period"
    out.columns.name = None
    out.attrs["channels"] = [c for c in wide.columns]
    out.attrs["period"] = period
    out.attrs["start"], out.attrs["end"] = spend.start, spend.end
    return out


@dataclass
class Acquisition:
    """New customers and what they cost.

    ``by_period``: ``spend``, ``new_customers``, ``cac`` per period; ``by_channel``: per first-order channel
    ``new_customers``, ``share_of_new``, ``spend`` (of the matching spend channel), ``cac`` (None when the orders
    carry no channel: then ``channel_note`` says why); ``totals``: spend, new customers and blended CAC over the
    periods both spend and orders cover; ``period``: the period length.
    """

    by_period: pd.DataFrame
    by_channel: pd.DataFrame | None
    totals: dict
    period: str
    channel_note: str | None = None
    currency: str | None = None
    origin: str = "real"


def _first_orders(orders: Any) -> pd.DataFrame:
    """One row per customer: the day of their first sale and the channel of that sale (when the orders have one)."""
    from workbench.data.lines import order_lines
    from workbench.engine import as_table

    raw = as_table(orders)
    has_channel = "channel" in raw.columns
    t = order_lines(orders, need=("customer_id", "order_date", "line_type", *(("channel",) if has_channel else ())))
    sales = t.filter((t.line_type == SALE) & t.customer_id.notnull())
    aggs = {"first_date": sales.order_date.min()}
    if has_channel:
        aggs["first_channel"] = sales.channel.cast("string").argmin(sales.order_date)
    out = to_pandas(sales.group_by("customer_id").aggregate(**aggs))
    out["first_date"] = pd.to_datetime(out["first_date"]).dt.normalize()
    return out


def acquisition_costs(spend, *, orders: Any, period: str = "month") -> Acquisition:
    """New customers per period and channel, and what they cost (blended CAC, CAC by first-order channel).

    Parameters
    ----------
    spend : Spend
    orders : OrderLines, DataFrame or Ibis table
        The shop's order lines, the whole history (a customer is new in the period of their first sale).
    period : {"week", "month", "quarter"}
        Only periods that the spend and the orders both cover completely are used.

    Raises
    ------
    NotEnoughData
        No orders, no identified customer, or no complete period covered by both.
    """
    require_orders(orders)
    if period != "week":
        check_period(period)
    first = _first_orders(orders)
    if first.empty:
        raise NotEnoughData("no order line has a customer id, so no customer can be counted as new",
                            source="orders", column="customer_id",
                            fix="Load an export with customer ids or e-mails")
    from workbench.data.lines import order_lines

    t = order_lines(orders, need=("order_date",))
    span = to_pandas(t.aggregate(first=t.order_date.min(), last=t.order_date.max())).iloc[0]
    start = max(pd.Timestamp(span["first"]).normalize(), spend.start)
    end = min(pd.Timestamp(span["last"]).normalize(), spend.end)
    f = spend.frame.assign(period=_periods(spend.frame["date"], period))
    first["period"] = _periods(first["first_date"], period)
    periods = pd.DatetimeIndex(sorted(set(f["period"]) | set(first["period"])))
    ends = pd.DatetimeIndex([_period_end(p, period) for p in periods])
    complete = periods[(periods >= start) & (ends <= end)]
    if len(complete) == 0:
        raise NotEnoughData(f"the spend and the orders cover no complete {period} together "
                            f"({start:%d %b %Y} to {end:%d %b %Y})", source="orders", rows=0,
                            fix=f"Export spend and orders over the same whole {period}s")
    spend_p = f.groupby("period")["spend"].sum().reindex(complete, fill_value=0.0)
    new_p = first.groupby("period").size().reindex(complete, fill_value=0)
    by_period = pd.DataFrame({"spend": spend_p, "new_customers": new_p.astype("int64")})
    by_period["cac"] = by_period["spend"] / by_period["new_customers"].where(by_period["new_customers"] > 0)
    by_period.index.name = "period"
    totals = {"spend": float(by_period["spend"].sum()), "new_customers": int(by_period["new_customers"].sum()),
              "first_period": complete[0], "last_period": complete[-1], "periods": len(complete)}
    totals["cac"] = totals["spend"] / totals["new_customers"] if totals["new_customers"] else float("nan")
    by_channel, note = None, None
    if "first_channel" in first.columns and first["first_channel"].notna().any():
        new = first[first["period"].isin(complete)].copy()
        new["first_channel"] = new["first_channel"].fillna("(none)")
        new["key"] = new["first_channel"].map(channel_key)
        ch_spend = f[f["period"].isin(complete)].groupby("channel")["spend"].sum()
        spend_by_key = {channel_key(c): (c, v) for c, v in ch_spend.items()}
        rows = []
        for key, g in new.groupby("key", sort=False):
            match = spend_by_key.pop(key, None)
            rows.append({"channel": match[0] if match else str(g["first_channel"].iloc[0]),
                         "order_channel": ", ".join(sorted(g["first_channel"].unique())),
                         "new_customers": int(len(g)), "spend": match[1] if match else np.nan})
        for key, (c, v) in spend_by_key.items():
            rows.append({"channel": c, "order_channel": None, "new_customers": 0, "spend": v})
        by_channel = pd.DataFrame(rows)
        by_channel["share_of_new"] = by_channel["new_customers"] / max(1, by_channel["new_customers"].sum())
        by_channel["cac"] = by_channel["spend"] / by_channel["new_customers"].where(by_channel["new_customers"] > 0)
        by_channel = by_channel.sort_values(["spend", "new_customers"], ascending=False, na_position="last",
                                            ignore_index=True)
    else:
        note = ("the orders carry no channel or source, so new customers cannot be assigned to channels: only the "
                "blended CAC is shown")
    return Acquisition(by_period=by_period, by_channel=by_channel, totals=totals, period=period, channel_note=note,
                       currency=spend.currency, origin=spend.origin)


def _period_end(start: pd.Timestamp, period: str) -> pd.Timestamp:
    if period == "week":
        return start + pd.Timedelta(days=6)
    offset = {"month": pd.offsets.MonthEnd(0), "quarter": pd.offsets.QuarterEnd(0), "year": pd.offsets.YearEnd(0)}
    return start + offset[period]


@dataclass
class NewCustomerValue:
    """What a newly acquired customer is worth, in contribution (see the module docstring).

    ``ltv`` = ``first_purchase`` + ``repeat_value``; ``repeat_purchases``: expected repeat purchases over the
    horizon; ``value_per_purchase``: the Gamma-Gamma mean spend per purchase; ``margin``: the contribution margin
    applied to repeat purchases; ``customers``: customers the models were fitted on.
    """

    ltv: float
    first_purchase: float
    repeat_value: float
    repeat_purchases: float
    value_per_purchase: float
    margin: float
    horizon_weeks: int
    discount_rate: float
    customers: int


def new_customer_value(lines: ContributionLines, *, orders: Any, horizon_weeks: int = 52,
                       discount_rate: float = 0.15) -> NewCustomerValue:
    """Lifetime value (contribution) of a newly acquired customer over ``horizon_weeks``, from the market-research
    models fitted on ``orders``.

    ``first_purchase`` = mean contribution of the customers' first purchase day (from ``lines``); the repeat part =
    contribution margin x Gamma-Gamma mean spend per purchase x the discounted weekly increments of the BG/NBD
    expected repeat purchases of a new customer, ``E[X(t)]``.
    """
    require_orders(orders)
    require_orders(lines)
    margin = lines.contribution_margin
    lv = _borrowed.lifetime_models(orders, margin=min(max(margin, 1e-6), 1.0))
    t = lines.table
    sales = t.filter(t.customer_id.notnull())
    day = sales.order_date.date()
    first_day = sales.group_by("customer_id").aggregate(_first=day.min())
    joined = sales.join(first_day, "customer_id")
    joined = joined.filter(joined.order_date.date() == joined._first)
    per_customer = joined.group_by("customer_id").aggregate(value=joined.contribution.sum())
    first = float(to_pandas(per_customer.value.mean()))
    weeks = np.arange(0, horizon_weeks + 1, dtype=float)
    cum = lv.bgnbd.expected_purchases(weeks)
    weekly = np.diff(cum)
    discount = (1 + discount_rate) ** (-weeks[1:] / 52.0)
    per_purchase = float(lv.gamma_gamma.population_mean_)
    repeat = float(margin * per_purchase * np.sum(weekly * discount))
    return NewCustomerValue(ltv=first + repeat, first_purchase=first, repeat_value=repeat,
                            repeat_purchases=float(cum[-1]), value_per_purchase=per_purchase, margin=margin,
                            horizon_weeks=horizon_weeks, discount_rate=discount_rate,
                            customers=int(lv.bgnbd.n_customers_ or 0))


def ltv_to_cac(value: NewCustomerValue, *, acquisition: Acquisition) -> float:
    """Lifetime value (contribution) of a new customer / blended CAC."""
    cac = acquisition.totals["cac"]
    return float(value.ltv / cac) if cac and np.isfinite(cac) and cac > 0 else float("nan")
