"""The check of the lifetime-value method on a holdout period: fit on the first part of the history, predict the rest.

1. :func:`holdout_validation` splits the history at a calibration end (by default
   :func:`~workbench.analyses.customers.clv.choose_calibration_end`: the later half held out, at most a year),
   fits the BG/NBD model on the calibration period only and compares its predictions with the holdout.
2. :func:`holdout_check` compares predicted with actual holdout purchases, overall and by calibration
   frequency (the "conditional expectations" check of Fader, Hardie & Lee 2005);
   :func:`repeat_purchase_tracking` gives the week-by-week cumulative repeat purchases, actual against the
   model (the paper's tracking chart).

Transactions and time are counted as in :mod:`workbench.analyses.customers.clv` (customer-days, weeks).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from workbench.analyses.customers.bgnbd import BetaGeoModel
from workbench.analyses.customers.clv import (MIN_HISTORY_WEEKS, WEEK_DAYS, _check_history, _daily, _span,
                                              _summary, _to_date, choose_calibration_end)
from workbench.engine import to_pandas
from workbench.errors import NotEnoughData

__all__ = ["holdout_check", "HoldoutCheck", "repeat_purchase_tracking", "holdout_validation", "HoldoutValidation"]


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


def holdout_check(summary: pd.DataFrame, *, model: BetaGeoModel, max_frequency: int = 7) -> HoldoutCheck:
    """Compare the model's expected holdout purchases with what customers actually did.

    Parameters
    ----------
    summary : DataFrame
        From :func:`clv_summary` with a holdout period (``attrs['holdout_weeks'] > 0``).
    model : BetaGeoModel
        Fitted on the calibration period of ``summary``.
    max_frequency : int
        Calibration frequencies from this value up are pooled into one row ("7+").

    Returns
    -------
    HoldoutCheck

    Raises
    ------
    NotEnoughData
        The summary has no holdout period (its calibration ends on the last day of the data).
    """
    weeks = float(summary.attrs.get("holdout_weeks", 0.0))
    if weeks <= 0:
        raise NotEnoughData(
            f"No days follow the calibration period (to {summary.attrs.get('calibration_end')}): nothing is left "
            f"to check the model on", fix="Give a calibration_end before the last order day, or None to hold out "
                                          "the later half of the history")
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


def repeat_purchase_tracking(orders: Any, *, model: BetaGeoModel, summary: pd.DataFrame,
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
    daily, _, _ = _daily(orders, customer=customer, date=date, amount=amount)
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


@dataclass
class HoldoutValidation:
    """The lifetime-value method checked on a holdout period.

    ``calibration``: the summary split at ``calibration_end`` (what each customer did before and after);
    ``model``: the BG/NBD model fitted on the calibration period only; ``check``: its predictions against
    the holdout (:class:`HoldoutCheck`); ``tracking``: weekly repeat purchases, actual vs the model;
    ``assumptions``: ``calibration_end``, ``holdout_end``, ``holdout_weeks``, ``data_start``, ``data_end``.
    """
    calibration: pd.DataFrame
    model: BetaGeoModel
    check: HoldoutCheck
    tracking: pd.DataFrame
    assumptions: dict[str, Any] = field(default_factory=dict)


def holdout_validation(orders: Any, *, calibration_end: str | dt.date | None = None,
                       as_of: str | dt.date | None = None, max_frequency: int = 7, customer: str = "customer_id",
                       date: str = "order_date", amount: str = "revenue") -> HoldoutValidation:
    """Fit the BG/NBD model on the history up to ``calibration_end`` and check it on the days after.

    Parameters
    ----------
    orders : DataFrame, Ibis table or ``load_orders()`` result
        Order lines (``workbench.data.schema``).
    calibration_end : date, optional
        Last day the model learns from; None: :func:`choose_calibration_end` (the later half of the history
        held out, at most 52 weeks). Any day the data covers, a quiet day after the last purchase included.
    as_of : date, optional
        End of the holdout period; None: the last day the data covers.
    max_frequency : int
        Calibration frequencies from this value up are pooled into one row of the check ("7+").
    customer, date, amount : str
        Column names.

    Raises
    ------
    NotEnoughData
        Less than ``MIN_HISTORY_WEEKS`` weeks of history, fewer than 2 repeat customers in the calibration
        period, or no days after ``calibration_end``.
    """
    kw = {"customer": customer, "date": date, "amount": amount}
    daily, covered, source = _daily(orders, **kw)
    span = _span(daily, covered, source)
    as_of_date = _to_date(as_of, "as_of") or span.end
    _check_history(span, as_of_date, what="too short to fit the model on one part and check it on the rest",
                   fix=f"A holdout check needs at least {MIN_HISTORY_WEEKS} weeks of history, ideally two years")
    cal_end = _to_date(calibration_end, "calibration_end") or choose_calibration_end(span.first_purchase, as_of_date)
    calibration = _summary(daily, span, source, calibration_end=cal_end, holdout_end=as_of_date, customer=customer,
                           date=date)
    model = BetaGeoModel().fit(calibration)
    check = holdout_check(calibration, model=model, max_frequency=max_frequency)
    tracking = repeat_purchase_tracking(orders, model=model, summary=calibration, **kw)
    assumptions = {"calibration_end": cal_end, "holdout_end": as_of_date, "holdout_weeks": check.weeks,
                   "data_start": span.start, "data_end": span.end}
    return HoldoutValidation(calibration=calibration, model=model, check=check, tracking=tracking,
                             assumptions=assumptions)
