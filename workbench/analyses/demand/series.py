"""Demand series: revenue, orders, customers and units per day, week or month, aggregated in Ibis."""
from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import numpy as np
import pandas as pd

from workbench.engine import as_table, source_name, to_pandas
from workbench.errors import DataError

__all__ = ["demand_series", "acquisition_end", "DEMAND_FREQUENCIES"]

# frequency -> (Ibis truncation unit, pandas period alias for filling gaps, seasonal period of a year or week)
DEMAND_FREQUENCIES: dict[str, tuple[str, str, int]] = {
    "day": ("D", "D", 7),        # a weekly pattern
    "week": ("W", "W-MON", 52),  # weeks start on Monday (ISO 8601), as DuckDB's and Spark's date_trunc do
    "month": ("M", "MS", 12),
}



def demand_series(orders: Any, *, freq: str = "week", date: str = "order_date", amount: str = "revenue",
                  order: str = "order_id", customer: str = "customer_id", quantity: str = "quantity") -> pd.DataFrame:
    """Revenue, orders, customers and units per period, with every period present and partial ones flagged.

    Parameters
    ----------
    orders : DataFrame, Ibis table or ``load_orders()`` result
        Order lines (``workbench.data.schema``).
    freq : {"day", "week", "month"}
        Period length; weeks start on Monday.
    date, amount, order, customer, quantity : str
        Column names; ``customer`` and ``quantity`` are optional (left out when absent).

    Returns
    -------
    DataFrame indexed by ``period`` (first day of the period) with ``revenue`` (net of returns, sum of all
    kept lines), ``orders`` (distinct orders with a sale line), ``customers`` (distinct customers with a sale
    line), ``units`` (on sale lines) and ``complete`` (False for the first and last period when the data
    start after the period's first day or end before its last day; forecasts leave those out). Periods
    without orders are present with zeros.

    Raises
    ------
    DataError
        An unknown ``freq``, a missing column, or no order lines.
    """
    if freq not in DEMAND_FREQUENCIES:
        raise DataError(f"freq={freq!r} is not one of {list(DEMAND_FREQUENCIES)}", source="demand_series",
                        example=freq, fix="use 'week' (default), 'month' or 'day'")
    unit, alias, _ = DEMAND_FREQUENCIES[freq]
    source = source_name(orders)
    t = as_table(orders)
    for role, name in {"date": date, "amount": amount, "order": order}.items():
        if name not in t.columns:
            raise DataError(f"{role} column `{name}` not found", source=source, column=name,
                            fix=f"pass {role}='<column>'; columns present: {list(t.columns)}")
    if "line_type" in t.columns:
        t = t.filter(t.line_type != "non_product")
        is_sale = t.line_type == "sale"
    else:
        is_sale = ibis.literal(True)
    ts = t[date].cast("timestamp") if t[date].type().is_date() else t[date]
    t = t.mutate(_period=ts.truncate(unit), _sale=is_sale, _day=ts.date())
    aggs = {"revenue": t[amount].sum(), "orders": t[order].nunique(where=t._sale)}
    if customer in t.columns:
        aggs["customers"] = t[customer].nunique(where=t._sale & t[customer].notnull())
    if quantity in t.columns:
        aggs["units"] = t[quantity].sum(where=t._sale)
    per = to_pandas(t.group_by("_period").aggregate(**aggs).order_by("_period"))
    span = to_pandas(t.aggregate(first=t._day.min(), last=t._day.max()))
    if per.empty or pd.isna(span["first"].iloc[0]):
        raise DataError("no order lines", source=source, column=date, rows=0, fix="check the orders file")
    per["_period"] = pd.to_datetime(per["_period"])
    index = pd.date_range(per["_period"].min(), per["_period"].max(), freq=alias, name="period", unit="us")
    if freq == "week" and len(index) and index[0] != per["_period"].min():  # keep Monday alignment
        index = pd.date_range(per["_period"].min(), per["_period"].max(), freq="7D", name="period", unit="us")
    out = per.set_index("_period").reindex(index).fillna(0)
    for col in ("orders", "customers", "units"):
        if col in out.columns:
            out[col] = out[col].astype("int64")
    out["revenue"] = out["revenue"].astype(float)
    first_day, last_day = pd.Timestamp(span["first"].iloc[0]), pd.Timestamp(span["last"].iloc[0])
    ends = _period_ends(out.index, freq)
    out["complete"] = (out.index >= first_day) & (ends <= last_day)
    out.attrs.update(freq=freq, seasonal_period=DEMAND_FREQUENCIES[freq][2], first_day=first_day.date(),
                     last_day=last_day.date())
    return out


def _period_ends(index: pd.DatetimeIndex, freq: str) -> np.ndarray:
    if freq == "day":
        return index
    if freq == "week":
        return index + pd.Timedelta(days=6)
    return index + pd.offsets.MonthEnd(0)


def acquisition_end(orders: Any, *, date: str = "order_date", customer: str = "customer_id") -> dt.date | None:
    """Last day a new customer was acquired, when the data are a closed cohort; otherwise None.

    Some data sets follow one group of customers acquired in a window (CDNOW: everyone who first bought in
    the first quarter of 1997) and then only their repeat purchases. Demand then has two regimes, the
    acquisition burst and the cohort's repeat buying, and a forecast should be fitted on the second only.
    The rule: if no customer made a first purchase in the later half of the history, the data are treated
    as a closed cohort and the day of the last first purchase is returned. A store that keeps acquiring
    customers gets None.
    """
    source = source_name(orders)
    t = as_table(orders)
    for role, name in {"date": date, "customer": customer}.items():
        if name not in t.columns:
            raise DataError(f"{role} column `{name}` not found", source=source, column=name,
                            fix=f"pass {role}='<column>'; columns present: {list(t.columns)}")
    if "line_type" in t.columns:
        t = t.filter(t.line_type == "sale")
    t = t.filter(t[customer].notnull())
    day = t[date] if t[date].type().is_date() else t[date].date()
    firsts = t.group_by(t[customer].name("c")).aggregate(first=day.min())
    b = to_pandas(firsts.aggregate(last_first=firsts["first"].max()).cross_join(
        t.aggregate(start=day.min(), end=day.max())))
    if b.empty or pd.isna(b.start.iloc[0]):
        return None
    start, end, last_first = (pd.Timestamp(b[c].iloc[0]) for c in ("start", "end", "last_first"))
    midpoint = start + (end - start) / 2
    return last_first.date() if last_first < midpoint else None
