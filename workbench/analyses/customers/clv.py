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
3. :func:`holdout_check` compares predicted with actual holdout purchases, overall and by calibration
   frequency (the "conditional expectations" check of the paper); :func:`repeat_purchase_tracking` gives the
   week-by-week cumulative repeat purchases, actual against the model.
4. :func:`customer_value` gives each customer's P(alive), expected purchases and discounted CLV over a
   horizon; :func:`value_by_group` rolls them up by RFM segment or persona.

:func:`lifetime_value` runs all of it for a report.

How transactions are counted (the CDNOW literature's conventions, needed to reproduce its estimates)
---------------------------------------------------------------------------------------------------
- A transaction is a **customer-day**: several orders by one customer on one day count as one transaction
  whose value is the sum of the day's sale lines. The first day is the customer's first purchase; ``x``
  counts the later days (repeat transactions).
- Time is in **weeks**, measured in days / 7 from the first purchase day: ``t_x`` = (last purchase day -
  first day) / 7, ``T`` = (calibration end - first day) / 7, with the calibration end day included in the
  calibration period. On CDNOW (calibration 1997-01-01..1997-09-30) a customer who first bought on 1997-01-01
  has T = 272 / 7 = 38.86 weeks, as in Hardie's data set.
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
from typing import Any

import ibis
import numpy as np
import pandas as pd

from workbench.analyses.customers.bgnbd import BetaGeoModel
from workbench.analyses.customers.gamma_gamma import GammaGammaModel
from workbench.engine import as_table, source_name, to_pandas
from workbench.errors import DataError
from workbench.present import fmt

__all__ = [
    "BetaGeoModel", "GammaGammaModel", "clv_summary", "choose_calibration_end", "holdout_check",
    "HoldoutCheck", "repeat_purchase_tracking", "customer_value", "value_by_group", "lifetime_value",
    "LifetimeValue", "value_concentration", "lifetime_value_sentences", "holdout_sentence", "value_sentence",
    "column_label",
]

WEEK_DAYS = 7.0


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


def _daily(orders: Any, *, customer: str, date: str, amount: str) -> tuple[ibis.Table, str]:
    """Sale lines -> one row per (customer, day): ``customer``, ``day``, ``value``."""
    source = source_name(orders)
    t = as_table(orders)
    _check_columns(t, {"customer": customer, "date": date, "amount": amount}, source)
    if "line_type" in t.columns:
        t = t.filter(t.line_type == "sale")
    t = t.filter(t[customer].notnull())
    day = t[date] if t[date].type().is_date() else t[date].date()
    daily = t.group_by([t[customer].name("customer"), day.name("day")]).aggregate(value=t[amount].sum())
    return daily, source


def _bounds(daily: ibis.Table, source: str) -> tuple[dt.date, dt.date]:
    b = to_pandas(daily.aggregate(start=daily.day.min(), end=daily.day.max(), n=daily.count()))
    if int(b.n.iloc[0]) == 0:
        raise DataError("no sale lines with a customer id", source=source, column="customer_id", rows=0,
                        fix="lifetime value needs customer ids; check the export has a customer column "
                            "(Shopify: Email; Online Retail: CustomerID)")
    return pd.Timestamp(b.start.iloc[0]).date(), pd.Timestamp(b.end.iloc[0]).date()


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
        Last day of the calibration period (included). Default: the last order day (no holdout).
    holdout_end : date, optional
        Last day of the holdout period (included). Default: the last order day.
    customer, date, amount : str
        Column names.

    Returns
    -------
    DataFrame indexed by ``customer_id`` (customers whose first purchase is on or before
    ``calibration_end``), with ``first_purchase``, ``last_purchase`` (dates in the calibration period),
    ``frequency`` (x, repeat transactions), ``recency`` (t_x, weeks), ``T`` (weeks), ``monetary`` (mean
    repeat-transaction value; NaN when x = 0), ``first_value``, ``revenue`` (calibration-period spend),
    ``holdout_frequency`` and ``holdout_revenue`` (transactions and spend in the holdout period). The
    frame's ``attrs`` hold ``calibration_end``, ``holdout_end`` and ``holdout_weeks``. Conventions: see the
    module docstring (customer-days, weeks, repeat transactions only).

    Raises
    ------
    DataError
        A named column is missing, there are no sale lines with a customer id, or the dates are outside
        the data.
    """
    daily, source = _daily(orders, customer=customer, date=date, amount=amount)
    start, end = _bounds(daily, source)
    cal_end = _to_date(calibration_end, "calibration_end") or end
    hold_end = _to_date(holdout_end, "holdout_end") or end
    if not start <= cal_end <= end:
        raise DataError(f"calibration_end {cal_end} is outside the order dates ({start} to {end})",
                        source=source, column=date, fix="choose a date inside the data, or None for the last day")
    if hold_end < cal_end:
        raise DataError(f"holdout_end {hold_end} is before calibration_end {cal_end}", source=source,
                        column=date, fix="give a holdout end after the calibration end, or None")
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


# --------------------------------------------------------------------------- holdout
@dataclass
class HoldoutCheck:
    """Predicted against actual repeat purchases in the holdout period.

    ``table``: by calibration frequency (0, 1, ..., ``max_frequency``+): customers, mean actual and mean
    predicted holdout transactions per customer. ``actual`` / ``predicted``: totals over all customers;
    ``error``: (predicted - actual) / actual; ``mae``: mean absolute error per customer;
    ``weeks``: length of the holdout period.
    """
    table: pd.DataFrame
    actual: float
    predicted: float
    error: float
    mae: float
    weeks: float
    customers: int


def holdout_check(model: BetaGeoModel, summary: pd.DataFrame, *, max_frequency: int = 7) -> HoldoutCheck:
    """Compare the model's expected holdout purchases with what customers actually did.

    Parameters
    ----------
    model : BetaGeoModel
        Fitted on the calibration period of ``summary``.
    summary : DataFrame
        From :func:`clv_summary` with a holdout period (``attrs['holdout_weeks'] > 0``).
    max_frequency : int
        Calibration frequencies from this value up are pooled into one row ("7+").

    Returns
    -------
    HoldoutCheck
    """
    weeks = float(summary.attrs.get("holdout_weeks", 0.0))
    if weeks <= 0:
        raise DataError("the summary has no holdout period", source="holdout_check", column="holdout_frequency",
                        fix="build it with clv_summary(orders, calibration_end=...) before the last order day")
    predicted = model.conditional_expected_purchases(weeks, summary)
    actual = summary.holdout_frequency.to_numpy(dtype=float)
    bucket = np.minimum(summary.frequency.to_numpy(), max_frequency)
    frame = pd.DataFrame({"bucket": bucket, "actual": actual, "predicted": predicted})
    table = frame.groupby("bucket").agg(customers=("actual", "size"), actual=("actual", "mean"),
                                        predicted=("predicted", "mean")).reset_index()
    table.insert(0, "calibration_purchases",
                 [f"{b}+" if b == max_frequency else str(b) for b in table.bucket])
    table = table.drop(columns="bucket")
    total_actual, total_predicted = float(actual.sum()), float(predicted.sum())
    return HoldoutCheck(table=table, actual=total_actual, predicted=total_predicted,
                        error=(total_predicted - total_actual) / total_actual if total_actual else float("nan"),
                        mae=float(np.abs(predicted - actual).mean()), weeks=weeks, customers=int(len(summary)))


def repeat_purchase_tracking(orders: Any, model: BetaGeoModel, summary: pd.DataFrame, *,
                             customer: str = "customer_id", date: str = "order_date",
                             amount: str = "revenue") -> pd.DataFrame:
    """Week by week: actual and expected repeat transactions of the customers in ``summary``.

    The classic tracking chart of the BG/NBD paper. Week 1 starts on the first day of the data; the
    expected cumulative repeat transactions at the end of week k are ``sum_i E[X(age_i)]`` with ``age_i``
    the customer's weeks since their first purchase (the calibration fit extrapolated into the holdout).

    Returns
    -------
    DataFrame with ``week``, ``week_start`` (date), ``actual``, ``expected`` (repeat transactions in the
    week), ``actual_cumulative``, ``expected_cumulative``, ``period`` ("calibration"/"holdout").
    """
    daily, _ = _daily(orders, customer=customer, date=date, amount=amount)
    start = summary.attrs["data_start"]
    cal_end, hold_end = summary.attrs["calibration_end"], summary.attrs["holdout_end"]
    first = daily.group_by("customer").aggregate(first=daily.day.min())
    first = first.filter(first["first"] <= cal_end)
    rep = daily.join(first, "customer")
    rep = rep.filter((rep.day > rep["first"]) & (rep.day <= hold_end))
    by_day = to_pandas(rep.group_by("day").aggregate(n=rep.count()))
    offsets = (pd.to_datetime(by_day.day) - pd.Timestamp(start)).dt.days.to_numpy()
    n_weeks = int(np.ceil(((hold_end - start).days + 1) / WEEK_DAYS))
    actual = np.bincount(offsets // 7, weights=by_day.n.to_numpy(dtype=float), minlength=n_weeks)[:n_weeks]
    first_offsets = (pd.to_datetime(pd.Series(summary.first_purchase)) - pd.Timestamp(start)).dt.days
    cohorts = first_offsets.value_counts()
    week_end = np.arange(1, n_weeks + 1) * 7 - 1                       # last day offset of each week
    ages = (week_end[:, None] - cohorts.index.to_numpy()[None, :]) / WEEK_DAYS
    expected_cum = (model.expected_purchases(np.clip(ages, 0, None)) * cohorts.to_numpy()[None, :]).sum(axis=1)
    week_start = [start + dt.timedelta(days=7 * k) for k in range(n_weeks)]
    cal_weeks = (cal_end - start).days // 7 + 1
    return pd.DataFrame({
        "week": np.arange(1, n_weeks + 1), "week_start": week_start,
        "actual": actual, "expected": np.diff(expected_cum, prepend=0.0),
        "actual_cumulative": actual.cumsum(), "expected_cumulative": expected_cum,
        "period": np.where(np.arange(1, n_weeks + 1) <= cal_weeks, "calibration", "holdout"),
    })


# --------------------------------------------------------------------------- value
def customer_value(summary: pd.DataFrame, bgnbd: BetaGeoModel, gamma_gamma: GammaGammaModel, *,
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


def value_by_group(values: pd.DataFrame, groups: pd.Series | pd.DataFrame, *, by: str | None = None,
                   customer: str = "customer_id") -> pd.DataFrame:
    """Roll customer values up by a grouping (RFM segment, persona): who carries today's and future value.

    Parameters
    ----------
    values : DataFrame
        From :func:`customer_value` (indexed by customer).
    groups : Series or DataFrame
        Group of each customer, indexed by customer id; or a DataFrame with the column ``by`` and the
        customer id in its index or in the column ``customer`` (e.g. ``wb.customers.rfm(orders)``).
    by : str, optional
        Column of ``groups`` to use; also the name of the group column in the result.
    customer : str
        Customer-id column of a ``groups`` frame that is not indexed by customer.

    Returns
    -------
    DataFrame, one row per group sorted by total CLV: ``customers``, ``share_customers``, ``revenue`` (to
    date), ``share_revenue``, ``expected_purchases``, ``clv``, ``share_clv``, ``clv_per_customer``,
    ``p_alive`` (mean). Customers without a group are shown as "(no group)".
    """
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
    out = frame.groupby(name, observed=True).agg(
        customers=("clv", "size"), revenue=("revenue", "sum"), expected_purchases=("expected_purchases", "sum"),
        clv=("clv", "sum"), p_alive=("p_alive", "mean"))
    out.insert(1, "share_customers", out.customers / out.customers.sum())
    out.insert(3, "share_revenue", out.revenue / out.revenue.sum())
    out["share_clv"] = out.clv / out.clv.sum()
    out["clv_per_customer"] = out.clv / out.customers
    out = out.sort_values("clv", ascending=False).reset_index()
    return out[[name, "customers", "share_customers", "revenue", "share_revenue", "expected_purchases", "clv",
                "share_clv", "clv_per_customer", "p_alive"]]


# --------------------------------------------------------------------------- the report's one call
@dataclass
class LifetimeValue:
    """Everything the lifetime-value section of a report shows.

    ``calibration``: summary of the calibration/holdout split; ``validation_model``: BG/NBD fitted on the
    calibration period; ``holdout``: its check on the holdout period; ``tracking``: weekly repeat purchases,
    actual vs expected; ``bgnbd`` / ``gamma_gamma``: the models refitted on the whole history up to
    ``as_of``, which the values use; ``values``: one row per customer (see :func:`customer_value`);
    ``assumptions``: horizon, discount rate, margin, dates.
    """
    calibration: pd.DataFrame
    validation_model: BetaGeoModel
    holdout: HoldoutCheck
    tracking: pd.DataFrame
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


def lifetime_value(orders: Any, *, calibration_end: str | dt.date | None = None,
                   as_of: str | dt.date | None = None, horizon_weeks: int = 52, discount_rate: float = 0.15,
                   margin: float = 0.30, customer: str = "customer_id", date: str = "order_date",
                   amount: str = "revenue") -> LifetimeValue:
    """Fit, check and apply the BG/NBD + Gamma-Gamma models: the lifetime-value section of a report.

    1. Split the history at ``calibration_end`` (None: :func:`choose_calibration_end`), fit BG/NBD on the
       calibration period and check it on the holdout period (:func:`holdout_check`,
       :func:`repeat_purchase_tracking`).
    2. Refit both models on the whole history up to ``as_of`` (None: the last order day) and value every
       customer over the next ``horizon_weeks`` (:func:`customer_value`).

    Parameters are those of :func:`clv_summary` and :func:`customer_value`.
    """
    daily, source = _daily(orders, customer=customer, date=date, amount=amount)
    start, end = _bounds(daily, source)
    as_of_date = _to_date(as_of, "as_of") or end
    if (end - start).days < 8 * 7:
        raise DataError(f"the orders cover only {(end - start).days} days ({start} to {end})", source=source,
                        column=date, fix="lifetime value needs at least 8 weeks of history, ideally a year or more")
    cal_end = _to_date(calibration_end, "calibration_end") or choose_calibration_end(start, as_of_date)
    kw = {"customer": customer, "date": date, "amount": amount}
    calibration = clv_summary(orders, calibration_end=cal_end, holdout_end=as_of_date, **kw)
    validation_model = BetaGeoModel().fit(calibration)
    check = holdout_check(validation_model, calibration)
    tracking = repeat_purchase_tracking(orders, validation_model, calibration, **kw)
    summary = clv_summary(orders, calibration_end=as_of_date, **kw)
    bgnbd = BetaGeoModel().fit(summary)
    gamma_gamma = GammaGammaModel().fit(summary)
    values = customer_value(summary, bgnbd, gamma_gamma, horizon_weeks=horizon_weeks,
                            discount_rate=discount_rate, margin=margin)
    assumptions = {"calibration_end": cal_end, "holdout_end": as_of_date, "as_of": as_of_date,
                   "data_start": start, "data_end": end, "holdout_weeks": check.weeks,
                   "horizon_weeks": horizon_weeks, "discount_rate": discount_rate, "margin": margin}
    return LifetimeValue(calibration=calibration, validation_model=validation_model, holdout=check,
                         tracking=tracking, summary=summary, bgnbd=bgnbd, gamma_gamma=gamma_gamma, values=values,
                         assumptions=assumptions)


# --------------------------------------------------------------------------- sentences for reports
def value_concentration(values: pd.DataFrame, *, top: float = 0.10, column: str = "clv") -> float:
    """Share of the total ``column`` held by the top ``top`` share of customers (0.10 = the best 10%)."""
    v = np.sort(values[column].to_numpy(dtype=float))[::-1]
    k = max(1, int(round(top * len(v))))
    total = v.sum()
    return float(v[:k].sum() / total) if total > 0 else float("nan")


def holdout_sentence(lv: LifetimeValue) -> str:
    """The holdout check in words: what the model predicted and what customers did."""
    a, check = lv.assumptions, lv.holdout
    direction = "fewer" if check.predicted < check.actual else "more"
    return (f"Fitted on the purchases up to {a['calibration_end']:%Y-%m-%d}, the model predicted "
            f"{fmt.num(check.predicted)} repeat purchases by these {fmt.num(check.customers)} customers in the "
            f"following {fmt.num(check.weeks)} weeks; they made {fmt.num(check.actual)}, so the model predicted "
            f"{fmt.pct(abs(check.error))} {direction} than happened (mean absolute error "
            f"{fmt.num(check.mae, 2)} purchases per customer).")


def lifetime_value_sentences(lv: LifetimeValue, *, currency: str = "USD", holdout: bool = True) -> str:
    """What a customer is worth and the assumptions, then (``holdout=True``) the holdout check, as Markdown."""
    a, v = lv.assumptions, lv.values
    repeat = v[v.frequency > 0]
    alive = float((repeat.p_alive >= 0.5).mean()) if len(repeat) else float("nan")
    return (f"Over the next {fmt.num(a['horizon_weeks'])} weeks a customer is worth "
            f"**{fmt.money(lv.mean_clv, currency, 2)}** on average in margin ({fmt.pct(a['margin'], 0)} of "
            f"revenue, discounted at {fmt.pct(a['discount_rate'], 0)} a year), "
            f"{fmt.money(lv.total_clv, currency)} for all {fmt.num(len(v))} customers: on average "
            f"{fmt.num(v.expected_purchases.mean(), 2)} purchases of "
            f"{fmt.money(v.expected_spend_per_purchase.mean(), currency, 2)} each. The best 10% of customers "
            f"hold {fmt.pct(value_concentration(v), 0)} of that value. Of the customers who came back at least "
            f"once, {fmt.pct(alive, 0)} are more likely than not still active (the model cannot tell for one-time "
            f"buyers, whom it counts as active but expects to buy little)." + (f" {holdout_sentence(lv)}" if holdout else ""))


def value_sentence(table: pd.DataFrame, *, group: str, currency: str = "USD") -> str:
    """Which group carries the future value, from a :func:`value_by_group` table."""
    top = table.sort_values("clv", ascending=False).iloc[0]
    return (f"**{top[group]}** ({fmt.pct(top.share_customers, 0)} of customers) hold "
            f"{fmt.pct(top.share_clv, 0)} of the expected future value and brought {fmt.pct(top.share_revenue, 0)} "
            f"of revenue to date; each is worth {fmt.money(top.clv_per_customer, currency, 2)} on average.")


_LABELS = {
    "customers": "Customers", "share_customers": "Share of customers", "revenue": "Revenue to date",
    "share_revenue": "Share of revenue", "expected_purchases": "Expected purchases", "clv": "Expected value (CLV)",
    "share_clv": "Share of future value", "clv_per_customer": "Value per customer", "p_alive": "P(alive), mean",
    "orders_per_customer": "Orders per customer", "repeat_share": "Came back", "aov": "Spend per order",
    "units_per_order": "Items per order", "recency_days": "Days since last order", "tenure_days": "Days as customer",
    "top_category": "Top category", "top_country": "Top country", "persona": "Persona", "segment": "RFM segment",
    "calibration_purchases": "Repeat purchases, calibration", "actual": "Actual, per customer",
    "predicted": "Predicted, per customer", "frequency": "Repeat purchases", "recency": "Last purchase (week)",
    "T": "Weeks observed", "monetary": "Mean repeat spend", "expected_spend_per_purchase": "Expected spend per purchase",
    "expected_revenue": "Expected revenue", "parameter": "Parameter", "estimate": "Estimate",
    "std_error": "Standard error", "meaning": "Meaning", "forecast": "Forecast", "lower": "Lower bound",
    "upper": "Upper bound", "period": "Period", "customer_id": "Customer",
}


def column_label(name: Any) -> str:
    """Readable header for the columns of the market-research tables (personas, segments, CLV, forecast), for
    ``Styler.format_index(column_label, axis="columns")``; unknown names are returned unchanged."""
    return _LABELS.get(str(name), str(name))
