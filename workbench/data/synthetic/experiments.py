"""A GENERATED A/B test with known true effects: per-user assignments and a GA4-style event log.

No public real A/B test data ships with the workbench, so the experiment report runs on this sample by default
and says "generated" wherever it appears. Everything is drawn from one seeded ``numpy`` generator, so a seed
gives the same sample on every machine.

The model (defaults in brackets):

- users are split at random between ``control`` and the treatments (equal shares);
- device mobile / desktop / tablet (60 / 35 / 5 %), multiplying the purchase probability by 0.8 / 1.3 / 1.0
  (normalised so the population average is unchanged), channel organic / paid / email / direct;
- a user-level buying propensity ``w ~ Gamma(0.25, scale 4)`` (mean 1) and a user-level spend level, which also
  drive the 12-week **pre-period** revenue ``pre_revenue`` (the CUPED covariate; it explains only a few percent
  of the test-period variance, as pre-period revenue typically does for a rare purchase);
- purchase probability ``control_rate x device x w x (1 + lift)``: the **true** conversion rate is exactly
  ``control_rate`` [3.0 %] in control and ``control_rate x (1 + lift)`` in a treatment [+8 % relative]
  (probabilities are capped at 1, which touches about 2 users in 100,000 and moves the true rates by < 1e-6);
- a buyer places ``1 + Poisson(0.15)`` orders, each worth a lognormal amount with mean ``order_value_mean``
  [85] and log-sd 0.8 (log-sd 0.5 of it a per-user spend level): the true AOV is ``order_value_mean`` in every arm,
  the true revenue per visitor is ``rate x 1.15 x order_value_mean``;
- events: ``session_start``, then the GA4 checkout steps (view_item ... purchase) with exponential gaps; buyers
  pass every step, other users stop at a device-dependent step. 4 % of users who add to cart never viewed an item
  page (added from a list) and 2 % of payment-step users gave payment before shipping, so strict (ordered) and
  loose funnel counts differ as they do on real sites;
- a small share of users [0.1 %] return in a second session under another variant (double assignment), so the
  trust checks have something to find.

``truth`` holds the population values the readout should recover.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["ExperimentSample", "experiment_sample", "experiment_events_to_ga4", "true_lifts"]

_STEPS = ("view_item", "add_to_cart", "begin_checkout", "add_shipping_info", "add_payment_info", "purchase")
_DEVICES = ("mobile", "desktop", "tablet")
_DEVICE_SHARE = (0.60, 0.35, 0.05)
_DEVICE_MULT = np.array([0.8, 1.3, 1.0]) / float(np.dot(_DEVICE_SHARE, [0.8, 1.3, 1.0]))
_CHANNELS = ("organic", "paid", "email", "direct")
_CHANNEL_SHARE = (0.40, 0.30, 0.10, 0.20)
# users who do not buy: chance to go on to the next step (view_item, add_to_cart, ..., add_payment_info), by device
_CONTINUE = {
    "mobile": (0.68, 0.12, 0.30, 0.55, 0.50),
    "desktop": (0.74, 0.16, 0.45, 0.60, 0.55),
    "tablet": (0.70, 0.14, 0.38, 0.58, 0.52),
}
_GAP_MEAN_S = (20.0, 90.0, 120.0, 60.0, 45.0, 30.0)  # mean seconds before each step (session start -> view_item, ...)


@dataclass
class ExperimentSample:
    """A generated experiment: ``assignments`` (one row per user and variant seen), ``events`` and ``truth``."""

    assignments: pd.DataFrame
    events: pd.DataFrame
    truth: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return (f"<ExperimentSample (GENERATED): {self.truth.get('n_users', 0):,} users, {len(self.events):,} "
                f"events, variants {self.truth.get('variants')}>")


def experiment_sample(
    n_users: int = 200_000, *, seed: int = 7, control_rate: float = 0.03, lifts: dict[str, float] | None = None,
    control: str = "control", split: list[float] | None = None, days: int = 14, start: str = "2026-10-05",
    order_value_mean: float = 85.0, order_value_sigma: float = 0.8, extra_order_rate: float = 0.15,
    double_assigned_share: float = 0.001, with_events: bool = True,
) -> ExperimentSample:
    """Generate an A/B test with known true effects (GENERATED data, see the module docstring).

    Parameters
    ----------
    n_users : int
        Users randomised over the test.
    seed : int
        Seed of the random generator; the same seed gives the same sample.
    control_rate : float
        True purchase conversion rate of control (0.03 = 3 %).
    lifts : dict, optional
        True relative conversion lift per treatment variant; default ``{"treatment": 0.08}``.
    control : str
        Name of the control variant.
    split : list of float, optional
        True traffic shares (control first, then ``lifts`` order); default equal. A split different from the
        planned one produces a sample ratio mismatch.
    days : int
        Test length; users arrive uniformly over the days.
    start : str
        First day of the test.
    order_value_mean, order_value_sigma : float
        Mean and log-sd of one order's value (lognormal).
    extra_order_rate : float
        Buyers place ``1 + Poisson(extra_order_rate)`` orders.
    double_assigned_share : float
        Share of users who come back under a second variant.
    with_events : bool
        Also build the event log (skip it for fast repeated draws, e.g. coverage tests).

    Returns
    -------
    ExperimentSample
        ``assignments``: user_id, variant, converted, revenue, orders, first_exposure, device, channel,
        pre_revenue (a user seen in two variants has two rows). ``events``: the canonical events table.
        ``truth``: true conversion rates, revenue per visitor and AOV per variant, relative lifts, split.
    """
    lifts = {"treatment": 0.08} if lifts is None else dict(lifts)
    variants = [control, *lifts]
    rel = np.array([0.0, *lifts.values()])
    shares = np.full(len(variants), 1 / len(variants)) if split is None else np.asarray(split, float) / sum(split)
    rng = np.random.default_rng(seed)
    n = int(n_users)

    arm = rng.choice(len(variants), size=n, p=shares)
    dev = rng.choice(3, size=n, p=_DEVICE_SHARE)
    chan = rng.choice(len(_CHANNELS), size=n, p=_CHANNEL_SHARE)
    w = rng.gamma(0.25, 4.0, size=n)                              # buying propensity, mean 1
    spend = rng.normal(0.0, 0.5, size=n)                          # user spend level (log scale)
    s_e = float(np.sqrt(max(order_value_sigma ** 2 - 0.25, 1e-6)))
    mu = np.log(order_value_mean) - order_value_sigma ** 2 / 2

    p = np.clip(control_rate * _DEVICE_MULT[dev] * w * (1 + rel[arm]), 0, 1)
    converted = rng.random(n) < p
    orders = np.where(converted, 1 + rng.poisson(extra_order_rate, size=n), 0)
    # order values: one lognormal per order, summed per user
    n_ord = int(orders.sum())
    owner = np.repeat(np.arange(n), orders)
    values = np.exp(mu + spend[owner] + rng.normal(0.0, s_e, size=n_ord))
    revenue = np.bincount(owner, weights=values, minlength=n)
    # pre-period (the 12 weeks before the test, 6 x its length): same propensity and spend level, no treatment
    pre_orders = rng.poisson(6.0 * control_rate * _DEVICE_MULT[dev] * w)
    pre_owner = np.repeat(np.arange(n), pre_orders)
    pre_values = np.exp(mu + spend[pre_owner] + rng.normal(0.0, s_e, size=int(pre_orders.sum())))
    pre_revenue = np.bincount(pre_owner, weights=pre_values, minlength=n)

    t0 = pd.Timestamp(start).to_datetime64().astype("datetime64[us]")
    first_us = (rng.random(n) * days * 86_400e6).astype("int64")
    ids = np.char.add("u", np.char.zfill(np.arange(1, n + 1).astype(str), 7))
    assignments = pd.DataFrame({
        "user_id": ids, "variant": np.array(variants, dtype=object)[arm], "converted": converted.astype("int64"),
        "revenue": revenue, "orders": orders.astype("int64"), "first_exposure": t0 + first_us.astype("timedelta64[us]"),
        "device": np.array(_DEVICES, dtype=object)[dev], "channel": np.array(_CHANNELS, dtype=object)[chan],
        "pre_revenue": pre_revenue,
    })
    # double assignment: a few users come back under another variant
    n_double = int(round(double_assigned_share * n))
    double = rng.choice(n, size=n_double, replace=False) if n_double else np.array([], dtype=int)
    other_arm = (arm[double] + rng.integers(1, len(variants), size=n_double)) % len(variants)
    second_us = first_us[double] + (rng.random(n_double) * 3 * 86_400e6).astype("int64") + 3_600_000_000
    if n_double:
        extra = assignments.iloc[double].copy()
        extra["variant"] = np.array(variants, dtype=object)[other_arm]
        extra[["converted", "orders"]] = 0
        extra["revenue"] = 0.0
        extra["first_exposure"] = t0 + second_us.astype("timedelta64[us]")
        assignments = pd.concat([assignments, extra], ignore_index=True)
    for c in ("user_id", "variant", "device", "channel"):
        assignments[c] = assignments[c].astype("string")

    rate = control_rate * (1 + rel)
    truth: dict[str, Any] = {
        "generated": True, "seed": seed, "n_users": n, "days": days, "control": control, "variants": variants,
        "split": [float(s) for s in shares],
        "conversion": {v: float(r) for v, r in zip(variants, rate)},
        "conversion_diff": {v: float(rate[i] - rate[0]) for i, v in enumerate(variants) if i},
        "relative_lift": {v: float(rel[i]) for i, v in enumerate(variants) if i},
        "revenue_per_visitor": {v: float(r * (1 + extra_order_rate) * order_value_mean)
                                for v, r in zip(variants, rate)},
        "revenue_per_visitor_diff": {v: float((rate[i] - rate[0]) * (1 + extra_order_rate) * order_value_mean)
                                     for i, v in enumerate(variants) if i},
        "aov": {v: float(order_value_mean) for v in variants},
        "aov_diff": {v: 0.0 for v in variants[1:]},
        "double_assigned_users": n_double,
    }
    events = _events(rng, ids, arm, dev, chan, converted, orders, values, owner, first_us, t0, variants,
                     double, other_arm, second_us, days) if with_events else pd.DataFrame()
    return ExperimentSample(assignments, events, truth)


def _events(rng, ids, arm, dev, chan, converted, orders, values, owner, first_us, t0, variants, double, other_arm,
            second_us, days) -> pd.DataFrame:
    n = len(ids)
    frames = []

    def add(users, times_us, name, session, revenue=None, txn=None, arm_of=None):
        frames.append(pd.DataFrame({
            "u": users, "t": times_us, "event_name": name, "s": session,
            "arm": arm[users] if arm_of is None else arm_of,
            "revenue": np.nan if revenue is None else revenue, "transaction_id": txn,
        }))

    users = np.arange(n)
    add(users, first_us, "session_start", np.ones(n, dtype=int))
    # furthest checkout step reached in the first session: buyers reach all 6, others stop by device
    cont = np.array([_CONTINUE[d] for d in _DEVICES])[dev]               # (n, 5)
    go_on = rng.random((n, 5)) < cont
    reached = np.cumprod(go_on, axis=1).sum(axis=1)                   # 0..5 steps for non-buyers
    reached = np.where(converted, 6, reached)
    gaps = rng.exponential(np.array(_GAP_MEAN_S) * 1e6, size=(n, 6)).astype("int64") + 1_000_000
    times = first_us[:, None] + np.cumsum(gaps, axis=1)
    skip_view = (reached >= 2) & (rng.random(n) < 0.04)              # added to cart from a product list
    pay_first = (reached >= 5) & (rng.random(n) < 0.02)              # express pay: payment before shipping
    times[pay_first, 3], times[pay_first, 4] = times[pay_first, 4].copy(), times[pay_first, 3].copy()
    for k, step in enumerate(_STEPS[:-1]):
        who = (reached > k) & ~(skip_view if k == 0 else np.zeros(n, bool))
        add(users[who], times[who, k], step, np.ones(int(who.sum()), dtype=int))
    # purchases: the first order ends the checkout, further orders come in later sessions
    order_rank = np.arange(len(owner)) - np.repeat(np.cumsum(orders) - orders, orders)
    first = order_rank == 0
    later_us = first_us[owner] + (rng.random(len(owner)) * days * 86_400e6).astype("int64") + 3_600_000_000
    t_buy = np.where(first, times[owner, 5], later_us)
    session = np.where(first, 1, order_rank + 1)
    txn = np.char.add("T", np.char.zfill(np.arange(1, len(owner) + 1).astype(str), 7))
    later = ~first
    add(owner[later], later_us[later] - 5_000_000, "session_start", session[later])
    add(owner, t_buy, "purchase", session, revenue=values, txn=txn)
    # double-assigned users: a later session under the other variant
    if len(double):
        add(double, second_us, "session_start", np.full(len(double), 99), arm_of=other_arm)
        add(double, second_us + 15_000_000, "view_item", np.full(len(double), 99), arm_of=other_arm)

    ev = pd.concat(frames, ignore_index=True)
    out = pd.DataFrame({
        "user_id": pd.array(ids[ev["u"].to_numpy()], dtype="string"),
        "session_id": pd.array(np.char.add(np.char.add(ids[ev["u"].to_numpy()], ":"),
                                           ev["s"].to_numpy().astype(str)), dtype="string"),
        "event_time": t0 + ev["t"].to_numpy().astype("timedelta64[us]"),
        "event_name": pd.array(ev["event_name"].to_numpy(), dtype="string"),
        "variant": pd.array(np.array(variants, dtype=object)[ev["arm"].to_numpy()], dtype="string"),
        "device": pd.array(np.array(_DEVICES, dtype=object)[dev[ev["u"].to_numpy()]], dtype="string"),
        "channel": pd.array(np.array(_CHANNELS, dtype=object)[chan[ev["u"].to_numpy()]], dtype="string"),
        "revenue": ev["revenue"].to_numpy(dtype="float64"),
        "transaction_id": pd.array(ev["transaction_id"].to_numpy(), dtype="string"),
    })
    return out.sort_values(["user_id", "event_time"], kind="stable").reset_index(drop=True)


def experiment_events_to_ga4(events: pd.DataFrame) -> pd.DataFrame:
    """Write a canonical event log in the flattened GA4 BigQuery layout (see ``workbench.data.events``).

    ``event_timestamp`` in microseconds UTC, ``event_date`` as YYYYMMDD, ``user_pseudo_id``, ``ga_session_id``
    (the part after ``:`` of ``session_id``), ``device_category``, ``traffic_source_medium``,
    ``ecommerce_purchase_revenue``, ``ecommerce_transaction_id`` and ``variant``. Used to test the GA4 reader and
    to show users the layout it expects.
    """
    ts = events["event_time"].astype("datetime64[us]")
    out = pd.DataFrame({
        "event_date": ts.dt.strftime("%Y%m%d"),
        "event_timestamp": ts.astype("int64"),
        "event_name": events["event_name"],
        "user_pseudo_id": events["user_id"],
    })
    if "session_id" in events:
        out["ga_session_id"] = events["session_id"].str.split(":").str[-1]
    for canon, flat in (("device", "device_category"), ("channel", "traffic_source_medium"),
                        ("revenue", "ecommerce_purchase_revenue"), ("transaction_id", "ecommerce_transaction_id"),
                        ("variant", "variant")):
        if canon in events:
            out[flat] = events[canon]
    return out


def true_lifts(truth: Mapping[str, Any] | None) -> dict[tuple[str, str], float]:
    """(metric, variant) -> true relative lift built into a generated sample (empty for real data).

    Conversion: the sample's relative lift; revenue per visitor and average order value: the ratio of their true
    values to control's, minus 1. A readout's intervals should cover these (``tests/analyses/experiments``).
    """
    if not truth:
        return {}
    out: dict[tuple[str, str], float] = {}
    ctrl = truth["control"]
    for v, lift in truth.get("relative_lift", {}).items():
        out[("conversion", v)] = float(lift)
        rpv = truth.get("revenue_per_visitor", {})
        if v in rpv:
            out[("revenue_per_visitor", v)] = rpv[v] / rpv[ctrl] - 1
        aov = truth.get("aov", {})
        if v in aov:
            out[("aov", v)] = aov[v] / aov[ctrl] - 1
    return out
