"""Customer lifetime value: BG/NBD and Gamma-Gamma fitted by maximum likelihood, checked on a holdout period.

The steps, each a small function:

1. :func:`clv_summary` turns order lines into one row per customer (in Ibis, so it runs on any Ibis engine;
   only the per-customer table comes back to pandas): ``frequency`` x (repeat transactions), ``recency`` t_x
   (weeks from the first purchase to the last), ``T`` (weeks from the first purchase to the end of the
   calibration period), ``monetary`` (mean value of the repeat transactions), and what each customer did in
   the holdout period.
2. :class:`BetaGeoModel` (purchases, Fader, Hardie & Lee 2005) and :class:`GammaGammaModel` (spend per
   transaction, Fader & Hardie 2013) are fitted on it by maximum likelihood (see their modules for the
   formulas, and for why the likelihoods are written here rather than taken from PyMC-Marketing or
   lifetimes).
3. :func:`customer_value` gives each customer's P(alive), expected purchases and discounted CLV over a
   horizon; :func:`value_by_group` rolls them up by RFM segment or persona.

:func:`lifetime_value` runs steps 1-3 on the whole history for a report; the check of the method on a
holdout period is :func:`workbench.analyses.customers.holdout.holdout_validation`. Both need at least
``MIN_HISTORY_WEEKS`` (8) weeks of history and 2 repeat customers, and say so with
:class:`~workbench.errors.NotEnoughData` otherwise.

How transactions are counted (the CDNOW literature's conventions, needed to reproduce its estimates)
---------------------------------------------------------------------------------------------------
- A transaction is a **customer-day**: several orders by one customer on one day count as one transaction
  whose value is the sum of the day's sale lines. The first day is the customer's first purchase; ``x``
  counts the later days (repeat transactions).
- Time is in **weeks**, measured in days / 7 from the first purchase day: ``t_x`` = (last purchase day -
  first day) / 7, ``T`` = (calibration end - first day) / 7, with the calibration end day included in the
  calibration period. On CDNOW (calibration 1997-01-01..1997-09-30) a customer who first bought on 1997-01-01
  has T = 272 / 7 = 38.86 weeks, as in Hardie's data set. The calibration end may be any day the data covers
  (first to last day of any order line, returns and guest orders included), also a quiet day after the last
  purchase: customers were observed on it.
- ``monetary`` is the mean value of the **repeat** transactions only (first purchase excluded), as the
  Gamma-Gamma note prescribes; it is missing for customers without a repeat transaction.
- Only ``sale`` lines count (when the table has ``line_type``); returns are not netted out of transaction
  values, so spend and CLV are gross of returns. Lines without a customer id are left out.

What the CLV is
---------------
Residual value over a horizon: the margin on the purchases a customer is expected to make in the next
``horizon_weeks`` weeks after the end of their history, discounted to today:
``CLV = margin x E[spend per purchase] x sum_k (E[Y(k)] - E[Y(k-1)]) / (1 + d)^k`` over weeks k = 1..horizon,
with ``d = (1 + annual discount rate)^(1/52) - 1`` (purchases of week k discounted at its end). Past purchases
are not included. Margin and discount rate are assumptions the report states.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import ibis
import numpy as np
import pandas as pd

from workbench.analyses.customers.bgnbd import BetaGeoModel
from workbench.analyses.customers.gamma_gamma import GammaGammaModel
from workbench.analyses.customers.personas import Personas
from workbench.engine import as_table, source_name, to_pandas
from workbench.errors import DataError, NotEnoughData

__all__ = [
    "BetaGeoModel", "GammaGammaModel", "clv_summary", "choose_calibration_end", "customer_value",
    "value_by_group", "lifetime_value", "LifetimeValue", "value_concentration", "MIN_HISTORY_WEEKS",
]

WEEK_DAYS = 7.0
MIN_HISTORY_WEEKS = 8  # shorter histories cannot show how often customers come back


# --------------------------------------------------------------------------- input helpers

def _check_columns(table: ibis.Table, columns: dict[str, str], source: str) -> None:
    for role, name in columns.items():
        if name not in table.columns:
            raise DataError(f"{role} column `{name}` not found", source=source, column=name,
                            fix=f"pass {role}='<column>' naming it; columns present: {list(table.columns)}")


def _to_date(value: Any, name: str) -> dt.date | None:
    if value is None:
        return None
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise DataError(f"`{name}` is not a date", source=name, example=repr(value),
                        fix="give a date like '1997-09-30'") from exc
    if pd.isna(ts):
        return None
    return ts.date()


def _daily(orders: Any, *, customer: str, date: str, amount: str) -> tuple[ibis.Table, ibis.Table, str]:
    """Sale lines -> one row per (customer, day): ``customer``, ``day``, ``value``; and the days the data covers.

    The second table has one row: ``data_start`` and ``data_end``, the first and last day of any order line
    (returns, guest orders and non-product lines included): the period the data covers.
    """
    source = source_name(orders)
    t = as_table(orders)
    _check_columns(t, {"customer": customer, "date": date, "amount": amount}, source)
    any_day = t[date] if t[date].type().is_date() else t[date].date()
    covered = t.aggregate(data_start=any_day.min(), data_end=any_day.max())
    if "line_type" in t.columns:
        t = t.filter(t.line_type == "sale")
    t = t.filter(t[customer].notnull())
    day = t[date] if t[date].type().is_date() else t[date].date()
    daily = t.group_by([t[customer].name("customer"), day.name("day")]).aggregate(value=t[amount].sum())
    return daily, covered, source


class _Span(NamedTuple):
    first_purchase: dt.date   # first day with a sale to a customer with an id
    last_purchase: dt.date
    start: dt.date            # first day of any order line: the period the data covers
    end: dt.date


def _span(daily: ibis.Table, covered: ibis.Table, source: str) -> _Span:
    b = to_pandas(daily.aggregate(first=daily.day.min(), last=daily.day.max(), n=daily.count()).cross_join(covered))
    if int(b.n.iloc[0]) == 0:
        raise NotEnoughData("no sale line has a customer id", source=source, column="customer_id",
                            fix="Lifetime value needs customer ids; check the export has a customer column "
                                "(Shopify: Email; Online Retail: CustomerID)")
    day = {c: pd.Timestamp(b[c].iloc[0]).date() for c in ("first", "last", "data_start", "data_end")}
    return _Span(day["first"], day["last"], min(day["data_start"], day["first"]), max(day["data_end"], day["last"]))


def _check_history(span: _Span, as_of: dt.date, *, what: str, fix: str) -> None:
    days = (as_of - span.first_purchase).days
    if days < MIN_HISTORY_WEEKS * 7:
        cover = (f"a single day ({as_of})" if days == 0 else
                 f"only {days} day{'s' if days != 1 else ''} ({span.first_purchase} to {as_of})")
        raise NotEnoughData(f"The orders cover {cover}: {what}", fix=fix)


def choose_calibration_end(start: dt.date | str, end: dt.date | str) -> dt.date:
    """The calibration end used when a report does not give one.

    The holdout period is the later half of the observed period, at most 52 weeks:
    ``calibration_end = end - min(floor(days / 2), 364) days`` where ``days`` = end - start. On CDNOW
    (1997-01-01..1998-06-30) this gives 1997-09-30, the split of the literature (39 + 39 weeks).
    """
    start, end = pd.Timestamp(start).date(), pd.Timestamp(end).date()
    days = (end - start).days
    holdout = min(days - days // 2, 364)
    return end - dt.timedelta(days=holdout)


# --------------------------------------------------------------------------- summary
def clv_summary(orders: Any, *, calibration_end: str | dt.date | None = None,
                holdout_end: str | dt.date | None = None, customer: str = "customer_id",
                date: str = "order_date", amount: str = "revenue") -> pd.DataFrame:
    """One row per customer: the repeat-purchase summary the BG/NBD and Gamma-Gamma models are fitted on.

    Parameters
    ----------
    orders : DataFrame, Ibis table or ``load_orders()`` result
        Order lines (``workbench.data.schema``); only ``sale`` lines with a customer id are used.
    calibration_end : date, optional
        Last day of the calibration period (included). Default: the last day the data covers (no holdout).
    holdout_end : date, optional
        Last day of the holdout period (included). Default: the last day the data covers.
    customer, date, amount : str
        Column names.

    Returns
    -------
    DataFrame indexed by ``customer_id`` (customers whose first purchase is on or before
    ``calibration_end``), with ``first_purchase``, ``last_purchase`` (dates in the calibration period),
    ``frequency`` (x, repeat transactions), ``recency`` (t_x, weeks), ``T`` (weeks), ``monetary`` (mean
    repeat-transaction value; NaN when x = 0), ``first_value``, ``revenue`` (calibration-period spend),
    ``holdout_frequency`` and ``holdout_revenue`` (transactions and spend in the holdout period). The
    frame's ``attrs`` hold ``calibration_end``, ``holdout_end``, ``holdout_weeks`` and ``data_start`` /
    ``data_end`` (the days the data covers). Conventions: see the
    module docstring (customer-days, weeks, repeat transactions only).

    Raises
    ------
    DataError
        A named column is missing, or the dates are outside the data: ``calibration_end`` must lie between
        the first purchase and the last day the data covers (a quiet last day without purchases included).
    NotEnoughData
        No sale line has a customer id.
    """
    daily, covered, source = _daily(orders, customer=customer, date=date, amount=amount)
    return _summary(daily, _span(daily, covered, source), source, calibration_end=calibration_end,
                    holdout_end=holdout_end, customer=customer, date=date)


def _summary(daily: ibis.Table, span: _Span, source: str, *, calibration_end: Any, holdout_end: Any,
             customer: str, date: str) -> pd.DataFrame:
    """:func:`clv_summary` from the customer-day table and the span already computed (one query instead of
    three when a caller has them: :func:`lifetime_value`, :func:`~.holdout.holdout_validation`)."""
    start, end = span.start, span.end
    cal_end = _to_date(calibration_end, "calibration_end") or end
    hold_end = _to_date(holdout_end, "holdout_end") or end
    if not span.first_purchase <= cal_end <= end:
        raise DataError(f"calibration_end {cal_end} is outside the order dates ({span.first_purchase} to {end})",
                        source=source, column=date, fix="choose a date inside the data, or None for the last day")
    if hold_end < cal_end:
        raise DataError(f"holdout_end {hold_end} is before calibration_end {cal_end}", source=source,
                        column=date, fix="give a holdout end after the calibration end, or None")
    if hold_end > end:
        raise DataError(f"holdout_end {hold_end} is after the last day of the orders ({end})", source=source,
                        column=date, fix="give a date inside the data, or None for the last day")
    cal = daily.filter(daily.day <= cal_end)
    per_customer = cal.group_by("customer").aggregate(
        transactions=cal.count(), first_purchase=cal.day.min(), last_purchase=cal.day.max(),
        revenue=cal.value.sum(), first_value=cal.value.argmin(cal.day))
    hold = daily.filter((daily.day > cal_end) & (daily.day <= hold_end))
    hold_agg = hold.group_by(hold.customer.name("hold_customer")).aggregate(
        holdout_frequency=hold.count(), holdout_revenue=hold.value.sum())
    joined = per_customer.left_join(hold_agg, per_customer.customer == hold_agg.hold_customer)
    joined = joined.select("customer", "transactions", "first_purchase", "last_purchase", "revenue",
                           "first_value", "holdout_frequency", "holdout_revenue").order_by("customer")
    df = to_pandas(joined)
    first = pd.to_datetime(df.first_purchase)
    last = pd.to_datetime(df.last_purchase)
    out = pd.DataFrame({
        "first_purchase": first.dt.date.to_numpy(),
        "last_purchase": last.dt.date.to_numpy(),
        "frequency": df.transactions.to_numpy(dtype="int64") - 1,
        "recency": ((last - first).dt.days / WEEK_DAYS).to_numpy(),
        "T": ((pd.Timestamp(cal_end) - first).dt.days / WEEK_DAYS).to_numpy(),
        "first_value": df.first_value.to_numpy(dtype=float),
        "revenue": df.revenue.to_numpy(dtype=float),
        "holdout_frequency": df.holdout_frequency.fillna(0).to_numpy(dtype="int64"),
        "holdout_revenue": df.holdout_revenue.fillna(0.0).to_numpy(dtype=float),
    }, index=pd.Index(df.customer.to_numpy(), name=customer))
    repeat_value = out.revenue - out.first_value
    out.insert(4, "monetary", np.where(out.frequency > 0, repeat_value / out.frequency.clip(lower=1), np.nan))
    out.attrs.update(calibration_end=cal_end, holdout_end=hold_end, data_start=start, data_end=end,
                     holdout_weeks=(hold_end - cal_end).days / WEEK_DAYS, time_unit="weeks")
    return out


# --------------------------------------------------------------------------- value
def customer_value(summary: pd.DataFrame, *, bgnbd: BetaGeoModel, gamma_gamma: GammaGammaModel,
                   horizon_weeks: int = 52, discount_rate: float = 0.15, margin: float = 0.30) -> pd.DataFrame:
    """P(alive), expected purchases, expected spend and discounted CLV per customer over a horizon.

    Parameters
    ----------
    summary : DataFrame
        From :func:`clv_summary` (the models' fit period ends at its ``calibration_end``).
    bgnbd, gamma_gamma : fitted models
    horizon_weeks : int
        How far ahead the value is counted (52 = the next year).
    discount_rate : float
        Annual discount rate (0.15 = 15% a year), applied weekly as ``(1 + rate)^(1/52) - 1``.
    margin : float
        Gross margin as a share of revenue (0.30 = 30%): CLV is profit, not revenue.

    Returns
    -------
    DataFrame indexed like ``summary`` with ``frequency``, ``recency``, ``T``, ``monetary``, ``revenue``
    (spend so far), ``p_alive``, ``expected_purchases`` (over the horizon), ``expected_spend_per_purchase``,
    ``expected_revenue`` (undiscounted), ``clv`` (discounted margin, see module docstring).
    """
    if horizon_weeks < 1:
        raise DataError("horizon_weeks must be at least 1", source="customer_value", example=horizon_weeks,
                        fix="give the horizon in whole weeks, e.g. 52")
    if not 0 < margin <= 1:
        raise DataError("margin must be a share of revenue in (0, 1]", source="customer_value", example=margin,
                        fix="give e.g. 0.30 for a 30% gross margin (1.0 values revenue, not profit)")
    if not 0 <= discount_rate < 1:
        raise DataError("discount_rate must be an annual rate in [0, 1)", source="customer_value",
                        example=discount_rate, fix="give e.g. 0.15 for 15% a year")
    keys = summary[["frequency", "recency", "T"]].to_numpy(dtype=float)
    unique, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    weeks = np.arange(0, horizon_weeks + 1, dtype=float)
    cum = bgnbd.conditional_expected_purchases(weeks[:, None], frequency=unique[:, 0], recency=unique[:, 1],
                                               T=unique[:, 2])
    weekly = np.diff(cum, axis=0)
    discount = (1 + discount_rate) ** (-weeks[1:] / 52.0)
    det = (weekly * discount[:, None]).sum(axis=0)[inverse]
    purchases = cum[-1][inverse]
    spend = gamma_gamma.conditional_expected_value(summary)
    out = summary[["frequency", "recency", "T", "monetary", "revenue"]].copy()
    out["p_alive"] = bgnbd.probability_alive(summary)
    out["expected_purchases"] = purchases
    out["expected_spend_per_purchase"] = spend
    out["expected_revenue"] = purchases * spend
    out["clv"] = margin * spend * det
    out.attrs.update(summary.attrs, horizon_weeks=horizon_weeks, discount_rate=discount_rate, margin=margin)
    return out


def value_by_group(values: pd.DataFrame | LifetimeValue, groups: pd.Series | pd.DataFrame | Personas, *,
                   by: str | None = None, customer: str = "customer_id") -> pd.DataFrame:
    """Roll customer values up by a grouping (RFM segment, persona): who carries today's and future value.

    Two inputs joined on the customer id, the values and the group of each customer, so both are positional
    (like ``pandas.merge``).

    Parameters
    ----------
    values : DataFrame or LifetimeValue
        From :func:`customer_value` (indexed by customer), or the :func:`lifetime_value` result (its values).
    groups : Series, DataFrame or Personas
        Group of each customer, indexed by customer id; a DataFrame with the column ``by`` and the customer
        id in its index or in the column ``customer`` (e.g. ``wb.customers.rfm(orders)``); or fitted
        :class:`Personas` (grouped by persona).
    by : str, optional
        Column of ``groups`` to use; also the name of the group column in the result.
    customer : str
        Customer-id column of a ``groups`` frame that is not indexed by customer.

    Returns
    -------
    DataFrame, one row per group sorted by total CLV: ``customers``, ``share_customers``, ``revenue`` (to
    date), ``share_revenue``, ``expected_purchases``, ``clv``, ``share_clv``, ``clv_per_customer``,
    ``p_alive`` (mean), ``repeat_customers`` (customers with a repeat purchase, ``frequency`` > 0) and
    ``p_alive_repeat`` (their mean P(alive); NaN in a group without one). BG/NBD sets P(alive) to 1 for a
    customer who bought once, so ``p_alive`` of a group of one-time buyers is 100% however long ago they bought;
    ``p_alive_repeat`` is the figure to show. Without a ``frequency`` column both are NaN (who bought again is not
    known). Customers without a group are shown as "(no group)". ``attrs`` are those of the values (horizon,
    margin, discount rate) and ``group`` (the name of the group column).
    """
    if isinstance(values, LifetimeValue):
        values = values.values
    if isinstance(groups, Personas):
        groups = groups.labels_
    if isinstance(groups, pd.DataFrame):
        if by is None or by not in groups.columns:
            raise DataError(f"group column `{by}` not found", source="value_by_group", column=by,
                            fix=f"pass by=<one of {list(groups.columns)}>")
        if customer in groups.columns:
            groups = groups.set_index(customer)
        groups = groups[by]
    name = by or groups.name or "group"
    groups = groups.set_axis(groups.index.astype(str))
    labels = groups.reindex(values.index.astype(str)).astype("object")
    labels = labels.where(labels.notna(), "(no group)")
    frame = values.assign(**{name: labels.to_numpy()})
    # BG/NBD gives every one-time buyer P(alive) = 1 (nothing shows they left): a group mean that includes them
    # says "100% still active" of lapsed one-time buyers, so the repeat buyers' mean is kept apart
    if "frequency" in frame:
        repeat = frame["frequency"] > 0
        frame = frame.assign(_repeat=repeat.astype("float64"), _p_repeat=frame["p_alive"].where(repeat))
    else:  # who bought again is not known: both left empty rather than guessed
        frame = frame.assign(_repeat=float("nan"), _p_repeat=float("nan"))
    out = frame.groupby(name, observed=True).agg(
        customers=("clv", "size"), revenue=("revenue", "sum"), expected_purchases=("expected_purchases", "sum"),
        clv=("clv", "sum"), p_alive=("p_alive", "mean"), repeat_customers=("_repeat", lambda s: s.sum(min_count=1)),
        p_alive_repeat=("_p_repeat", "mean"))
    out.insert(1, "share_customers", out.customers / out.customers.sum())
    out.insert(3, "share_revenue", out.revenue / out.revenue.sum())
    out["share_clv"] = out.clv / out.clv.sum()
    out["clv_per_customer"] = out.clv / out.customers
    out = out.sort_values("clv", ascending=False).reset_index()
    out = out[[name, "customers", "share_customers", "revenue", "share_revenue", "expected_purchases", "clv",
               "share_clv", "clv_per_customer", "p_alive", "repeat_customers", "p_alive_repeat"]]
    out.attrs.update(values.attrs, group=name)
    return out


# --------------------------------------------------------------------------- the report's one call
@dataclass
class LifetimeValue:
    """Everything the lifetime-value section of a report shows.

    ``summary``: the repeat-purchase summary of the whole history up to ``as_of``; ``bgnbd`` / ``gamma_gamma``:
    the models fitted on it; ``values``: one row per customer (see :func:`customer_value`); ``assumptions``:
    ``as_of``, ``data_start``, ``data_end``, ``horizon_weeks``, ``discount_rate``, ``margin``.
    """
    summary: pd.DataFrame
    bgnbd: BetaGeoModel
    gamma_gamma: GammaGammaModel
    values: pd.DataFrame
    assumptions: dict[str, Any] = field(default_factory=dict)

    @property
    def mean_clv(self) -> float:
        return float(self.values.clv.mean())

    @property
    def total_clv(self) -> float:
        return float(self.values.clv.sum())


def lifetime_value(orders: Any, *, as_of: str | dt.date | None = None, horizon_weeks: int = 52,
                   discount_rate: float = 0.15, margin: float = 0.30, customer: str = "customer_id",
                   date: str = "order_date", amount: str = "revenue") -> LifetimeValue:
    """Fit the BG/NBD + Gamma-Gamma models on the whole history and value every customer over a horizon.

    The summary of the history up to ``as_of`` (None: the last day the data covers), both models fitted on it,
    and every customer valued over the next ``horizon_weeks`` (:func:`customer_value`). The check of the
    method on a holdout period is :func:`~workbench.analyses.customers.holdout.holdout_validation`.

    Parameters are those of :func:`clv_summary` and :func:`customer_value`.

    Raises
    ------
    NotEnoughData
        Less than ``MIN_HISTORY_WEEKS`` weeks of history, fewer than 2 repeat customers, or no customer ids.
    """
    daily, covered, source = _daily(orders, customer=customer, date=date, amount=amount)
    span = _span(daily, covered, source)
    as_of_date = _to_date(as_of, "as_of") or span.end
    _check_history(span, as_of_date, what="too short to learn how often customers come back",
                   fix=f"Customer value needs at least {MIN_HISTORY_WEEKS} weeks of history, ideally a year or more")
    summary = _summary(daily, span, source, calibration_end=as_of_date, holdout_end=None, customer=customer,
                       date=date)
    bgnbd = BetaGeoModel().fit(summary)
    gamma_gamma = GammaGammaModel().fit(summary)
    values = customer_value(summary, bgnbd=bgnbd, gamma_gamma=gamma_gamma, horizon_weeks=horizon_weeks,
                            discount_rate=discount_rate, margin=margin)
    assumptions = {"as_of": as_of_date, "data_start": span.start, "data_end": span.end,
                   "horizon_weeks": horizon_weeks, "discount_rate": discount_rate, "margin": margin}
    return LifetimeValue(summary=summary, bgnbd=bgnbd, gamma_gamma=gamma_gamma, values=values,
                         assumptions=assumptions)


# --------------------------------------------------------------------------- concentration
def value_concentration(values: pd.DataFrame, *, top: float = 0.10, column: str = "clv") -> float:
    """Share of the total ``column`` held by the top ``top`` share of customers (0.10 = the best 10%)."""
    v = np.sort(values[column].to_numpy(dtype=float))[::-1]
    k = max(1, int(round(top * len(v))))
    total = v.sum()
    return float(v[:k].sum() / total) if total > 0 else float("nan")
