"""Checkout funnel from event logs: how many users reach each step, where they drop out, and how long it takes.

Two ways of counting, both reported and always labelled:

- **strict** (ordered, GA4's "closed funnel"): a user counts at step *k* only if they did step 1, then step 2 at
  or after it, ..., then step *k* at or after step *k-1*. Each step takes the **earliest** qualifying event after
  the previous step's time, which counts every user who completed the steps in order at least once.
  Events with the same timestamp count as in order.
- **loose** (unordered): a user counts at step *k* if they did step *k* at any time. Loose counts can exceed
  the previous step (users who add to cart from a product list never "view an item"); the gap between loose and
  strict counts is the size of out-of-order journeys.

Conversion: ``step_conversion`` = users at step *k* / users at step *k-1*; ``overall_conversion`` = users at step
*k* / users at step 1; ``drop_off`` = 1 - step_conversion. Time between steps is the median, over users counted
at step *k* under strict counting, of (time of step *k* - time of step *k-1*) on their ordered path; it is not
defined for loose counting.

The work runs in Ibis (DuckDB by default, any Ibis backend for large logs): the per-user path is built with
joins and aggregations, and only one row per segment and step comes back to pandas. Written here because no
maintained Python library computes ordered funnels over an event table (GA4 and Amplitude do it in their UIs).
"""
from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import ibis
import numpy as np
import pandas as pd

from workbench.engine import as_table, to_pandas
from workbench.errors import DataError

__all__ = ["GA4_STEPS", "ALL_USERS", "checkout_funnel", "funnel_biggest_drop", "funnel_order_gaps", "funnel_summary"]

GA4_STEPS: tuple[str, ...] = (
    "view_item", "add_to_cart", "begin_checkout", "add_shipping_info", "add_payment_info", "purchase")
ALL_USERS = "All users"
NOT_SET = "(not set)"


def _table(events: Any) -> ibis.Table:
    with warnings.catch_warnings():  # ibis 12 + pandas 3: `future.infer_string` deprecation on memtable
        warnings.filterwarnings("ignore", message=".*infer_string.*")
        return as_table(events)


def checkout_funnel(
    events: Any, *, steps: Sequence[str] = GA4_STEPS, user: str = "user_id", time: str = "event_time",
    event: str = "event_name", segment: str | None = None, counting: str = "both",
    if_segment_missing: str = "error",
) -> pd.DataFrame | None:
    """Users reaching each checkout step, step and overall conversion, drop-off and median time between steps.

    Parameters
    ----------
    events : DataFrame, Ibis table or None
        Event log, one row per event (``workbench.data.events.EVENTS``). None (a readout from an assignment
        table only) returns None, which the report's funnel text and charts show as "no event log".
    steps : sequence of str
        Event names of the funnel steps, in order (default: GA4 ecommerce steps ``view_item`` ...
        ``purchase``). Map your own names here or with ``load_events(event_names=...)``.
    user : str
        Counting unit: ``"user_id"`` (users) or ``"session_id"`` (sessions).
    time, event : str
        Timestamp and event-name columns.
    segment : str, optional
        Column to break the funnel down by (device, channel, variant). A unit belongs to the segment value on
        its first event; missing values show as "(not set)". An "All users" block is always included.
    counting : {"both", "strict", "loose"}
        Which counting to return (see module docstring).
    if_segment_missing : {"error", "skip"}
        What to do when ``segment`` is not a column: raise, or show "All users" only with a note in
        ``attrs["notes"]`` (report notebooks, whose default segment a user's export may lack).

    Returns
    -------
    DataFrame, one row per (counting, segment, step): ``counting``, ``segment``, ``step_number``, ``step``,
    ``users``, ``step_conversion``, ``overall_conversion``, ``drop_off``, ``dropped`` (units lost since the
    previous step) and ``median_seconds_from_previous`` (strict only).

    Raises
    ------
    DataError
        A named column is missing, fewer than two steps, or no unit reached the first step.
    """
    if events is None:
        return None
    if counting not in ("both", "strict", "loose"):
        raise DataError(f"counting must be 'both', 'strict' or 'loose', not {counting!r}", source="checkout_funnel()",
                        fix="Pick one of the three")
    steps = list(steps)
    if len(steps) < 2:
        raise DataError("a funnel needs at least two steps", source="checkout_funnel()", column="steps",
                        example=repr(steps), fix="Pass steps=[first_event, ..., last_event]")
    if len(set(steps)) != len(steps):
        raise DataError("funnel steps repeat an event name", source="checkout_funnel()", column="steps",
                        example=repr(steps),
                        fix="Give each step once; rename events with load_events(event_names=...)")
    t = _table(events)
    notes = []
    if segment and segment not in t.columns and if_segment_missing == "skip":
        notes.append(f"The event log has no column {segment!r}: the funnel is shown for all users only.")
        segment = None
    needed = [user, time, event] + ([segment] if segment else [])
    missing = [c for c in needed if c not in t.columns]
    if missing:
        raise DataError(f"event log has no column {missing[0]!r}; columns present: {list(t.columns)[:20]}",
                        source="checkout_funnel()", column=missing[0], rows=None,
                        fix="Name the columns with user=, time=, event= and segment=")
    absent = _absent_steps(t, steps, event=event)
    if absent == steps:
        raise DataError(f"none of the funnel steps occur in the event log (looked for {steps})",
                        source="checkout_funnel()", column=event,
                        fix="Check the step names or map your event names with load_events(event_names=...)")

    seg_of = _segments(t, user=user, time=time, segment=segment)
    out = []
    if counting in ("both", "strict"):
        out.append(_strict(t, seg_of, steps, user=user, time=time, event=event))
    if counting in ("both", "loose"):
        out.append(_loose(t, seg_of, steps, user=user, event=event))
    res = pd.concat(out, ignore_index=True)
    if res.loc[res["step_number"] == 1, "users"].max() == 0:
        raise DataError(f"no {user} reached the first step {steps[0]!r}", source="checkout_funnel()", column=event,
                        fix="Check the first step's event name")
    if absent:
        notes.append(f"{len(absent)} funnel step(s) never occur in the event log: {absent}.")
    res.attrs["absent_steps"] = absent
    res.attrs["notes"] = notes
    res.attrs["segment"] = segment
    return res


def _absent_steps(t: ibis.Table, steps: list[str], *, event: str) -> list[str]:
    present = to_pandas(t.filter(t[event].isin(steps)).select(event).distinct())[event].tolist()
    return [s for s in steps if s not in present]


def _segments(t: ibis.Table, *, user: str, time: str, segment: str | None) -> ibis.Table:
    if segment is None:
        return t.group_by(user).aggregate(_seg=ibis.literal(ALL_USERS))
    seg = t[segment].cast("string")
    return t.group_by(user).aggregate(_seg=seg.argmin(t[time])).mutate(
        _seg=lambda r: r._seg.fill_null(NOT_SET))


def _strict(t: ibis.Table, seg_of: ibis.Table, steps: list[str], *, user: str, time: str, event: str) -> pd.DataFrame:
    first = t.filter(t[event] == steps[0]).group_by(user).aggregate(_t0=t[time].min())
    path = seg_of.left_join(first, seg_of[user] == first[user]).select(seg_of[user], seg_of._seg, first._t0)
    prev = first
    for k, step in enumerate(steps[1:], start=1):
        ev = t.filter(t[event] == step).select(_u=t[user], _tt=t[time])
        nxt = (ev.join(prev, ev._u == prev[user])
               .filter(lambda r, k=k: r._tt >= r[f"_t{k - 1}"])
               .group_by(_u=lambda r: r._u).aggregate(**{f"_t{k}": lambda r: r._tt.min()})
               .rename({user: "_u"}))
        path = path.left_join(nxt, path[user] == nxt[user]).select(path, nxt[f"_t{k}"])
        prev = nxt
    with warnings.catch_warnings():  # ibis 12 calls duckdb 2's deprecated fetch_arrow_table() when caching
        warnings.filterwarnings("ignore", message=".*fetch_arrow_table.*", category=DeprecationWarning)
        path = path.cache()  # one row per unit, computed once for the segment and the total aggregation
    aggs: dict[str, Any] = {}
    for k in range(len(steps)):
        aggs[f"n{k}"] = path[f"_t{k}"].count()
        if k:
            aggs[f"m{k}"] = path[f"_t{k}"].delta(path[f"_t{k - 1}"], unit="millisecond").median()
    by_seg = to_pandas(path.group_by("_seg").aggregate(**aggs))
    total = to_pandas(path.aggregate(**aggs)).assign(_seg=ALL_USERS)
    wide = pd.concat([total, by_seg[by_seg["_seg"] != ALL_USERS]], ignore_index=True)
    return _long(wide, steps, counting="strict")


def _loose(t: ibis.Table, seg_of: ibis.Table, steps: list[str], *, user: str, event: str) -> pd.DataFrame:
    flags = t.filter(t[event].isin(steps)).group_by(user).aggregate(
        **{f"_h{k}": (t[event] == s).any() for k, s in enumerate(steps)})
    joined = seg_of.left_join(flags, seg_of[user] == flags[user]).select(
        seg_of._seg, *[flags[f"_h{k}"] for k in range(len(steps))])
    aggs = {f"n{k}": joined[f"_h{k}"].fill_null(False).cast("int64").sum() for k in range(len(steps))}
    by_seg = to_pandas(joined.group_by("_seg").aggregate(**aggs))
    total = by_seg[[f"n{k}" for k in range(len(steps))]].sum().to_frame().T.assign(_seg=ALL_USERS)  # counts add up
    wide = pd.concat([total, by_seg[by_seg["_seg"] != ALL_USERS]], ignore_index=True)
    return _long(wide, steps, counting="loose")


def _long(wide: pd.DataFrame, steps: list[str], *, counting: str) -> pd.DataFrame:
    rows = []
    order = [ALL_USERS] + sorted(s for s in wide["_seg"].tolist() if s != ALL_USERS)
    wide = wide.set_index("_seg").loc[order]
    for seg, r in wide.iterrows():
        n = [int(r[f"n{k}"] or 0) for k in range(len(steps))]
        for k, step in enumerate(steps):
            prev = n[k - 1] if k else np.nan
            conv = n[k] / prev if k and prev > 0 else (np.nan if k else 1.0)
            med = r.get(f"m{k}") if k and counting == "strict" else np.nan
            rows.append({
                "counting": counting, "segment": seg, "step_number": k + 1, "step": step, "users": n[k],
                "step_conversion": conv, "overall_conversion": n[k] / n[0] if n[0] else np.nan,
                "drop_off": 1 - conv if k else np.nan, "dropped": prev - n[k] if k else np.nan,
                "median_seconds_from_previous": float(med) / 1000 if med is not None and pd.notna(med) else np.nan,
            })
    return pd.DataFrame(rows)


def funnel_biggest_drop(funnel: pd.DataFrame | None, *, counting: str = "strict",
                        segment: str = ALL_USERS) -> dict:
    """The step transition that loses the largest share of users, for the report's headline.

    Returns a dict with ``from_step``, ``to_step``, ``drop_off`` (share lost), ``dropped`` (users lost),
    ``overall_conversion`` (last step / first step) and ``users_first`` / ``users_last``; missing values
    (None / NaN) when there is no funnel.
    """
    if funnel is None:
        return {"from_step": None, "to_step": None, "drop_off": np.nan, "dropped": None,
                "overall_conversion": np.nan, "users_first": None, "users_last": None}
    f = funnel[(funnel["counting"] == counting) & (funnel["segment"] == segment)]
    if f.empty:
        raise DataError(f"no rows for counting={counting!r}, segment={segment!r} in the funnel table",
                        source="funnel_biggest_drop()",
                        fix="Use a counting and segment that checkout_funnel() returned")
    f = f.sort_values("step_number")
    steps = f[f["step_number"] > 1]
    worst = steps.loc[steps["drop_off"].idxmax()]
    prev_step = f.loc[f["step_number"] == worst["step_number"] - 1, "step"].iloc[0]
    return {"from_step": prev_step, "to_step": worst["step"], "drop_off": float(worst["drop_off"]),
            "dropped": int(worst["dropped"]), "overall_conversion": float(f["overall_conversion"].iloc[-1]),
            "users_first": int(f["users"].iloc[0]), "users_last": int(f["users"].iloc[-1])}


def funnel_order_gaps(funnel: pd.DataFrame, *, segment: str = ALL_USERS) -> pd.DataFrame:
    """Per step, users counted loosely but not strictly: journeys that skipped or reordered earlier steps."""
    f = funnel[funnel["segment"] == segment]
    wide = f.pivot_table(index=["step_number", "step"], columns="counting", values="users").reset_index()
    if not {"strict", "loose"} <= set(wide.columns):
        raise DataError("the funnel table needs both strict and loose counting", source="funnel_order_gaps()",
                        fix="Call checkout_funnel(..., counting='both')")
    wide["out_of_order"] = wide["loose"] - wide["strict"]
    wide["share_out_of_order"] = wide["out_of_order"] / wide["loose"].where(wide["loose"] > 0)
    wide.columns.name = None
    return wide[["step_number", "step", "strict", "loose", "out_of_order", "share_out_of_order"]]


def funnel_summary(funnel: pd.DataFrame | None, *, counting: str = "strict") -> dict[str, Any] | None:
    """What a report says about a funnel: the biggest drop, the slowest step, the segment range, the order gaps.

    Returns
    -------
    dict with the keys of :func:`funnel_biggest_drop` plus ``first_step`` / ``last_step``, ``counting``,
    ``slowest_step`` and ``slowest_seconds`` (median time from the previous step; None without times),
    ``segment_low`` / ``segment_high`` (segments with the lowest and highest end-to-end conversion) and
    ``segment_low_conversion`` / ``segment_high_conversion`` (None with fewer than two segments), and
    ``gap_step`` / ``gap_users`` / ``gap_share`` (the step where loose counting finds the most users beyond strict
    counting; None when the funnel has one counting or no gap). None for no funnel.
    """
    if funnel is None or len(funnel) == 0:
        return None
    out: dict[str, Any] = dict(funnel_biggest_drop(funnel, counting=counting))
    f = funnel[(funnel["counting"] == counting) & (funnel["segment"] == ALL_USERS)].sort_values("step_number")
    out.update(counting=counting, first_step=f["step"].iloc[0], last_step=f["step"].iloc[-1], slowest_step=None,
               slowest_seconds=None, segment_low=None, segment_high=None, segment_low_conversion=None,
               segment_high_conversion=None, gap_step=None, gap_users=None, gap_share=None)
    times = f["median_seconds_from_previous"]
    if times.notna().any():
        slow = f.loc[times.idxmax()]
        out.update(slowest_step=slow["step"], slowest_seconds=float(slow["median_seconds_from_previous"]))
    segs = funnel[(funnel["counting"] == counting) & (funnel["segment"] != ALL_USERS)]
    if not segs.empty:
        last = segs[segs["step_number"] == segs["step_number"].max()].set_index("segment")["overall_conversion"]
        last = last.dropna()
        if len(last) > 1:
            out.update(segment_low=last.idxmin(), segment_high=last.idxmax(),
                       segment_low_conversion=float(last.min()), segment_high_conversion=float(last.max()))
    if {"strict", "loose"} <= set(funnel["counting"]):
        gaps = funnel_order_gaps(funnel)
        worst = gaps.loc[gaps["out_of_order"].idxmax()]
        if worst["out_of_order"] > 0:
            out.update(gap_step=worst["step"], gap_users=int(worst["out_of_order"]),
                       gap_share=float(worst["share_out_of_order"]))
    return out
