"""A GENERATED shop whose advertising spend and orders belong together (seeded; labelled generated; not real data).

The marketing report needs orders *and* spend from the same shop to show acquisition cost, lifetime value and
payback; no public data set has both. This generator makes one, with known effects, so the report (and its tests)
can show what those sections look like. Everything below is an assumption chosen to look plausible:

- **Spend**: three paid channels over ``weeks`` weeks, daily, by campaign: Google Ads (two search campaigns),
  Meta Ads (prospecting and retargeting) and TikTok Ads (one campaign, switched on and off in flights). Budgets
  change every few weeks (so the channels move apart, which a mix model needs), with day-to-day noise.
- **New customers** arrive each day from organic sources (about ``organic_per_day``, with a December peak) and
  from each paid channel: ``per_channel_scale x hill(adstock(spend))`` customers a day (geometric adstock, Hill
  saturation; the true parameters are in :data:`TRUE_EFFECTS`). Their first order carries the channel in
  ``channel``; later orders come through "Email" or "Direct".
- **Repeat buying**: each customer buys again at a rate drawn from a gamma distribution and stops after each
  purchase with a probability drawn from a beta distribution (the BG/NBD story).
- **Orders**: 1 + Poisson(0.5) lines from a catalogue of 48 products with prices and unit costs (gross margin
  about 55%); 5% of lines are returned 5-30 days later; shipping charged 4.95 under 50.
- **Platform reports** claim more than they brought: conversions = first orders from the channel x 1.35 plus
  view-through claims, as platforms do.

:func:`generate_marketing_shop` returns frames; ``tests/fixtures/marketing/generated_shop/make_generated_shop.py``
writes them in the platforms' export layouts (every file says GENERATED in its first line or name).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["generate_marketing_shop", "MARKETING_SAMPLE_LABEL", "TRUE_EFFECTS"]

MARKETING_SAMPLE_LABEL = "GENERATED sample shop (synthetic orders and ad spend, not real data)"

# channel -> (daily adstock decay, Hill shape, half-saturation as a share of the largest adstocked spend,
#             new customers a day at full saturation)
TRUE_EFFECTS = {"Google Ads": (0.55, 1.2, 0.55, 8.0), "Meta Ads": (0.70, 1.5, 0.50, 7.0),
                "TikTok Ads": (0.40, 1.0, 0.70, 3.0)}
_CAMPAIGNS = {"Google Ads": (("Search - Brand", 0.35), ("Search - Generic", 0.65)),
              "Meta Ads": (("Prospecting - Broad", 0.7), ("Retargeting - 30d", 0.3)),
              "TikTok Ads": (("Spark Ads - Creators", 1.0),)}
_DAILY_BUDGET = {"Google Ads": 210.0, "Meta Ads": 180.0, "TikTok Ads": 80.0}
_CATEGORIES = ("Tea", "Coffee", "Mugs", "Brewing", "Gift sets", "Snacks")


def _catalogue(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for i in range(48):
        cat = _CATEGORIES[i % len(_CATEGORIES)]
        price = float(np.round(np.exp(rng.normal(np.log(24), 0.45)), 0) - 0.01)
        cost = float(np.round(price * rng.uniform(0.35, 0.55), 2))
        rows.append({"sku": f"GS-{i + 1:03d}", "product_name": f"{cat} no. {i + 1}", "category": cat, "price": price,
                     "unit_cost": cost})
    return pd.DataFrame(rows)


def _spend(rng: np.random.Generator, days: pd.DatetimeIndex) -> pd.DataFrame:
    n = len(days)
    out = {}
    for ch, budget in _DAILY_BUDGET.items():
        level = np.empty(n)
        i = 0
        while i < n:  # budget steps every 2-6 weeks
            length = int(rng.integers(14, 43))
            level[i:i + length] = budget * rng.choice([0.4, 0.7, 1.0, 1.3, 1.7, 2.2])
            i += length
        if ch == "TikTok Ads":  # flights: on for 3-6 weeks, off for 2-5
            on = np.zeros(n, bool)
            i = int(rng.integers(0, 21))
            while i < n:
                length = int(rng.integers(21, 43))
                on[i:i + length] = True
                i += length + int(rng.integers(14, 36))
            level = level * on
        dow = days.day_of_week.to_numpy()
        weekly = np.where(dow >= 5, 0.85, 1.05)
        out[ch] = np.round(level * weekly * rng.lognormal(0, 0.15, n), 2)
    return pd.DataFrame(out, index=days)


def generate_marketing_shop(*, seed: int = 20260412, start: str = "2024-01-01", weeks: int = 104,
                            organic_per_day: float = 4.0) -> dict[str, pd.DataFrame]:
    """A GENERATED shop: ``orders`` (canonical order lines with ``channel``), ``spend`` (daily rows by channel and
    campaign with platform-reported conversions), ``products`` (sku, name, price, unit cost) and ``truth`` (the true
    new customers a day from each channel). The same seed gives the same shop."""
    rng = np.random.default_rng(seed)
    days = pd.date_range(start, periods=weeks * 7, freq="D")
    n = len(days)
    spend = _spend(rng, days)
    catalogue = _catalogue(rng)
    doy = days.dayofyear.to_numpy()
    season = 1 + 0.35 * np.exp(-((doy - 340) % 365) / 25.0) * (((doy - 340) % 365) < 30) + \
        0.12 * np.cos(2 * np.pi * (doy - 20) / 365.25)
    expected = {"organic": organic_per_day * season * np.where(days.day_of_week >= 5, 1.1, 0.97)}
    for ch, (theta, alpha, gamma, top) in TRUE_EFFECTS.items():
        x = spend[ch].to_numpy()
        a = np.empty(n)
        carry = 0.0
        for t in range(n):
            carry = x[t] + theta * carry
            a[t] = carry
        k = gamma * a.max()
        expected[ch] = top * (a ** alpha / (a ** alpha + k ** alpha)) * season
    truth = pd.DataFrame(expected, index=days)
    arrivals = {src: rng.poisson(lam) for src, lam in expected.items()}
    cust_day, cust_src = [], []
    for src, counts in arrivals.items():
        cust_day.append(np.repeat(np.arange(n), counts))
        cust_src.append(np.repeat(np.array([src if src != "organic" else "Organic search"], dtype=object),
                                  counts.sum()))
    cust_day = np.concatenate(cust_day)
    cust_src = np.concatenate(cust_src)
    organic = cust_src == "Organic search"
    cust_src[organic] = rng.choice(np.array(["Organic search", "Direct", "Referral"], dtype=object), organic.sum(),
                                   p=[0.5, 0.35, 0.15])
    order = np.argsort(cust_day, kind="stable")
    cust_day, cust_src = cust_day[order], cust_src[order]
    n_cust = len(cust_day)
    rate = rng.gamma(0.8, 1 / 90.0, n_cust)            # repeat purchases a day while active (mean ~ 1 every 110 days)
    churn = rng.beta(1.3, 3.0, n_cust)
    o_cust, o_day, o_channel = [np.arange(n_cust)], [cust_day], [cust_src]
    t = cust_day.astype(float)
    idx = np.arange(n_cust)
    r = rate.copy()
    for _ in range(60):
        t = t + rng.exponential(1.0, idx.size) / np.maximum(r, 1e-9)
        alive = t < n
        idx, t, r = idx[alive], t[alive], r[alive]
        if idx.size == 0:
            break
        o_cust.append(idx)
        o_day.append(np.floor(t).astype(int))
        o_channel.append(rng.choice(np.array(["Email", "Direct"], dtype=object), idx.size, p=[0.6, 0.4]))
        stay = rng.random(idx.size) >= churn[idx]
        idx, t, r = idx[stay], t[stay], r[stay]
    o_cust, o_day, o_channel = np.concatenate(o_cust), np.concatenate(o_day), np.concatenate(o_channel)
    sort = np.lexsort((o_cust, o_day))
    o_cust, o_day, o_channel = o_cust[sort], o_day[sort], o_channel[sort]
    n_orders = len(o_cust)
    per = 1 + rng.poisson(0.5, n_orders)
    line_order = np.repeat(np.arange(n_orders), per)
    weights = 1.0 / np.arange(1, len(catalogue) + 1) ** 0.8
    prod = rng.choice(len(catalogue), len(line_order), p=weights / weights.sum())
    qty = 1 + (rng.random(len(line_order)) < 0.15).astype(int)
    price = catalogue["price"].to_numpy()[prod]
    revenue = np.round(qty * price, 2)
    first_line = np.r_[True, line_order[1:] != line_order[:-1]]
    order_rev = np.bincount(line_order, weights=revenue)
    seconds = rng.integers(7 * 3600, 23 * 3600, n_orders)
    stamp = days[o_day[line_order]] + pd.to_timedelta(seconds[line_order], unit="s")
    lines = pd.DataFrame({
        "order_id": [f"#{10001 + i}" for i in line_order], "customer_id": [f"c{c + 1:05d}@example.com" for c in
                                                                          o_cust[line_order]],
        "order_date": stamp, "revenue": revenue, "quantity": qty, "line_type": "sale",
        "sku": catalogue["sku"].to_numpy()[prod], "product_name": catalogue["product_name"].to_numpy()[prod],
        "shipping": np.where(first_line & (order_rev[line_order] < 50), 4.95, 0.0), "currency": "USD",
        "channel": o_channel[line_order]})
    back = rng.random(len(lines)) < 0.05
    returns = lines[back].copy()
    returns["order_date"] = returns["order_date"] + pd.to_timedelta(rng.integers(5, 31, back.sum()), unit="D")
    returns = returns[returns["order_date"] < days[-1] + pd.Timedelta(days=1)]
    returns["revenue"], returns["quantity"] = -returns["revenue"], -returns["quantity"]
    returns["line_type"], returns["shipping"] = "return", 0.0
    orders = pd.concat([lines, returns], ignore_index=True).sort_values("order_date", kind="stable",
                                                                        ignore_index=True)
    orders["order_date"] = orders["order_date"].astype("datetime64[us]")
    rows = []
    for ch, parts in _CAMPAIGNS.items():
        won = np.bincount(cust_day[cust_src == ch], minlength=n).astype(float)
        for name, share in parts:
            s = np.round(spend[ch].to_numpy() * share, 2)
            active = s > 0
            impressions = np.round(s / rng.uniform(0.006, 0.012, n)).astype(int) * active
            clicks = np.round(impressions * rng.uniform(0.008, 0.02, n)).astype(int)
            claimed = rng.poisson(won * share * 1.35 + active * 0.8 * share)
            rows.append(pd.DataFrame({"date": days, "channel": ch, "campaign": name, "spend": s,
                                      "impressions": impressions, "clicks": clicks, "conversions": claimed,
                                      "conversion_value": np.round(claimed * rng.normal(48, 6, n).clip(20), 2)}))
    spend_rows = pd.concat(rows, ignore_index=True)
    frames = {"orders": orders, "spend": spend_rows, "products": catalogue, "truth": truth}
    for f in frames.values():
        f.attrs["generated"] = MARKETING_SAMPLE_LABEL
    return frames
