"""A GENERATED price-monitoring sample (seeded; labelled as generated wherever it is shown; never real data).

The competitor report needs a price-tracking export to show its price-positioning section when the user has
none; no public price-monitoring data set ships with the workbench. This module builds one in the layout
such tools export: one row per product (sku), seller and day with the shelf price, the regular (list)
price, a promotion flag and availability. Our own store is one of the sellers.

How it is generated (all figures are assumptions chosen to look plausible, not estimates of anything):

- ``n_skus`` products in five categories, regular prices log-normal around 40 (currency units), ending in .99;
- four competitors with different habits: *Competitor A* a price leader (about 4% below the market, frequent
  small changes), *Competitor B* premium (about 6% above, rare changes, frequent promotions),
  *Competitor C* a marketplace seller (volatile, often out of stock, lists 85% of the skus),
  *Competitor D* a specialist listing 60% of the skus; our store sits about 1% above the market;
- regular prices change on a random day with a seller-specific daily probability, to a new price drawn
  around the seller's usual level (a few percent either side);
- promotions start at random and run for a week at 10-30% off the regular price (``on_promo`` = 1);
- stock-outs start at random and last a few days; some sellers show no price while out of stock;
- about 2% of the scrapes fail (no row that day).

``own_revenue_28d`` is a generated figure of our store's revenue per sku over the last 28 days, the weight of
the revenue-weighted price index.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["generate_price_monitoring", "PRICE_SAMPLE_LABEL"]

PRICE_SAMPLE_LABEL = "generated price-monitoring sample (not real data)"

_CATEGORIES = ("Headphones", "Kitchen", "Toys", "Garden", "Beauty")
# name: (price level vs market, daily change probability, typical change size, promo start prob, promo depth,
#        stock-out start prob, mean stock-out days, share of skus listed, shows price when out of stock)
_SELLERS = {
    "Competitor A": (0.96, 0.06, 0.03, 0.010, (0.10, 0.15), 0.010, 2, 1.00, True),
    "Competitor B": (1.06, 0.01, 0.05, 0.030, (0.15, 0.30), 0.005, 3, 1.00, True),
    "Competitor C": (1.00, 0.10, 0.08, 0.015, (0.10, 0.25), 0.040, 5, 0.85, False),
    "Competitor D": (1.02, 0.03, 0.04, 0.010, (0.10, 0.20), 0.015, 3, 0.60, True),
}
_OWN = (1.01, 0.02, 0.04, 0.015, (0.10, 0.20), 0.008, 2, 1.00, True)


def _psych(x: np.ndarray) -> np.ndarray:
    """Round to a .99 ending (at least 0.99)."""
    return np.maximum(np.floor(x) + 0.99, 0.99)


def generate_price_monitoring(*, n_skus: int = 40, days: int = 56, seed: int = 20261128,
                              own_seller: str = "Our store", start: str = "2026-09-01",
                              failure_rate: float = 0.02) -> pd.DataFrame:
    """A GENERATED price-tracking export: one row per sku, seller and day (see the module docstring).

    Parameters
    ----------
    n_skus, days : int
        Products and days covered.
    seed : int
        Random seed; the same seed gives the same sample.
    own_seller : str
        The name our store has among the sellers.
    start : str
        First day (ISO date).
    failure_rate : float
        Share of sku-seller-days with no row (a failed scrape).

    Returns
    -------
    DataFrame with columns ``sku``, ``product_name``, ``category``, ``seller``, ``date``, ``price``,
    ``list_price``, ``on_promo`` (0/1), ``in_stock`` (bool), ``own_revenue_28d``. ``price`` is missing on
    out-of-stock days for sellers that hide it. ``attrs["generated"]`` is True.
    """
    rng = np.random.default_rng(seed)
    skus = [f"SKU-{i:04d}" for i in range(1, n_skus + 1)]
    category = rng.choice(_CATEGORIES, size=n_skus)
    market = np.exp(rng.normal(np.log(40), 0.7, size=n_skus)).clip(5, 400)
    dates = pd.date_range(start, periods=days, freq="D")
    sellers = {own_seller: _OWN, **_SELLERS}
    frames = []
    for seller, (level, p_change, size, p_promo, depth, p_out, out_days, listed, show_oos) in sellers.items():
        carries = rng.random(n_skus) < listed if seller != own_seller else np.ones(n_skus, bool)
        for i in np.flatnonzero(carries):
            regular = np.empty(days)
            r = market[i] * level * np.exp(rng.normal(0, 0.03))
            promo = np.zeros(days, bool)
            depths = np.zeros(days)
            stock = np.ones(days, bool)
            promo_left = out_left = 0
            depth_now = 0.0
            for d in range(days):
                if rng.random() < p_change:  # a new regular price around the seller's usual level
                    r = market[i] * level * np.exp(rng.normal(0, size))
                regular[d] = r
                if promo_left == 0 and rng.random() < p_promo:
                    promo_left, depth_now = 7, rng.uniform(*depth)
                if promo_left > 0:
                    promo[d] = True
                    depths[d] = depth_now
                    promo_left -= 1
                if out_left == 0 and rng.random() < p_out:
                    out_left = int(rng.poisson(out_days)) + 1
                if out_left > 0:
                    stock[d] = False
                    out_left -= 1
            list_price = _psych(regular)
            promo_price = np.where(promo, _psych(regular * (1 - depths)), list_price)
            price = np.where(~stock & (not show_oos), np.nan, promo_price)
            frames.append(pd.DataFrame({"sku": skus[i], "seller": seller, "date": dates, "price": price,
                                        "list_price": list_price, "on_promo": promo.astype("int8"),
                                        "in_stock": stock}))
    out = pd.concat(frames, ignore_index=True)
    keep = rng.random(len(out)) >= failure_rate
    out = out[keep | (out["seller"] == own_seller)].reset_index(drop=True)
    names = {s: f"{c} item {s[-3:]}" for s, c in zip(skus, category)}
    out.insert(1, "product_name", out["sku"].map(names))
    out.insert(2, "category", out["sku"].map(dict(zip(skus, category))))
    revenue = np.round(np.exp(rng.normal(np.log(3000), 1.0, size=n_skus)), 2)
    out["own_revenue_28d"] = out["sku"].map(dict(zip(skus, revenue)))
    out.attrs["generated"] = True
    return out
