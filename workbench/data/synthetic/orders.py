"""GENERATED order lines for benchmarks and tests (seeded; labelled as generated; never shipped as real data).

The workbench ships real order data (CDNOW) as its default; this generator exists only to measure the engine on
tens of millions of lines and to give tests a realistic shop with every canonical column filled. Reports that use
it must say "generated" next to it (:data:`ORDERS_SAMPLE_LABEL`).

How the lines are generated (all figures are assumptions chosen to look plausible, not estimates of anything):

- **Customers** arrive over the period with a growing rate (twice as many new customers at the end as at the
  start). Each has a purchase rate ``lambda ~ Gamma(0.9, 3.2)`` orders per year (heterogeneous: most buy
  rarely, a few often) and a churn probability ``p ~ Beta(1.2, 3.5)`` of leaving after each repeat purchase,
  the "buy till you die" story of the BG/NBD model (Fader, Hardie & Lee 2005). The first order falls on the
  arrival day; later orders follow a Poisson process thinned by **seasonality**: a December peak (x1.6 at
  its height), a summer dip and busier weekends.
- **Orders** have ``1 + Poisson(0.8)`` lines; **products** are 2,400 skus in 12 categories with Zipf-like
  popularity (sku of rank r drawn with weight ``r^-1.05``), log-normal list prices per category and
  quantities ``1 + Geometric`` (mostly 1). 18% of orders use a coupon of 10, 15 or 20% off (``discount``);
  revenue = quantity x unit price - discount, rounded to cents.
- **Returns**: 4% of sale lines come back 7-45 days later as ``return`` lines (negative revenue and quantity,
  status refunded). **Guests**: 2% of orders have no customer id. Tax (8% of the order's revenue) and shipping
  (4.95 under 50) sit on each order's first line; channel, country and region are drawn from fixed weights;
  currency USD.

Lines come in customer batches (bounded memory): :func:`iter_order_batches` yields ``pyarrow`` tables;
:func:`write_orders_parquet` streams them to a Parquet file (10M lines use a few hundred MB at most);
:func:`generate_orders` returns a small pandas frame with the canonical dtypes. The same seed gives the same
lines. Written by hand because no maintained library simulates canonical e-commerce order lines with
customer heterogeneity and churn (Faker and SDV produce rows, not purchase processes).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

__all__ = ["generate_orders", "write_orders_parquet", "iter_order_batches", "ORDERS_SAMPLE_LABEL"]

ORDERS_SAMPLE_LABEL = "generated order lines (synthetic, not real sales)"

CATEGORIES = ("Apparel", "Shoes", "Bags", "Home", "Kitchen", "Beauty", "Toys", "Books", "Garden", "Sports",
              "Electronics", "Stationery")
_CAT_PRICE = np.array([35, 70, 55, 40, 30, 22, 25, 15, 28, 45, 120, 8], dtype=float)  # median list price
CHANNELS = (("web", 0.62), ("mobile_app", 0.28), ("marketplace", 0.10))
COUNTRIES = (("US", 0.72, ("CA", "NY", "TX", "FL", "WA", "IL")), ("CA", 0.12, ("ON", "QC", "BC")),
             ("GB", 0.10, ("ENG", "SCT", "WLS")), ("AU", 0.06, ("NSW", "VIC", "QLD")))
N_SKUS = 2_400
_DAY_US = 86_400_000_000


def _catalogue(seed: int) -> dict[str, np.ndarray]:
    """The product catalogue: sku, name, category, list price, popularity weight (fixed per seed)."""
    rng = np.random.default_rng([seed, 1])
    cat = rng.integers(0, len(CATEGORIES), N_SKUS)
    price = np.round(np.exp(np.log(_CAT_PRICE[cat]) + rng.normal(0, 0.45, N_SKUS)), 0) - 0.01
    price = np.maximum(price, 1.99)
    weight = 1.0 / np.arange(1, N_SKUS + 1) ** 1.05
    weight = weight[rng.permutation(N_SKUS)]  # popularity not tied to sku number
    sku = np.array([f"SKU-{i:05d}" for i in range(N_SKUS)], dtype=object)
    name = np.array([f"{CATEGORIES[c]} item {i:05d}" for i, c in enumerate(cat)], dtype=object)
    return {"sku": sku, "name": name, "category": cat, "price": price, "p": weight / weight.sum()}


def _season(t_days: np.ndarray, start: np.datetime64) -> np.ndarray:
    """Relative order intensity on day t (max 1.0 for thinning): December peak, summer dip, weekends."""
    dates = start + t_days.astype("timedelta64[D]")
    doy = (dates - dates.astype("datetime64[Y]")).astype(int)
    dow = (dates.astype("datetime64[D]").view("int64") - 4) % 7  # 0 = Monday
    yearly = 1.0 + 0.35 * np.cos(2 * np.pi * (doy - 350) / 365.25) - 0.12 * np.cos(2 * np.pi * (doy - 200) / 182.6)
    weekly = np.where(dow >= 5, 1.15, 0.95)
    return yearly * weekly / (1.47 * 1.15)


def _simulate_customers(rng: np.random.Generator, n: int, span: float, start: np.datetime64,
                        ) -> tuple[np.ndarray, np.ndarray]:
    """(customer index, order time in days) of every order of ``n`` new customers, unsorted."""
    u = rng.random(n)
    arrive = span * (np.sqrt(1 + 3 * u) - 1)  # density grows linearly 1 -> 2 over the period
    lam = rng.gamma(0.9, 3.2, n) / 365.25 / 1.0  # orders per day
    churn = rng.beta(1.2, 3.5, n)
    cust = [np.arange(n)]
    times = [arrive]
    idx = np.arange(n)
    t = arrive.copy()
    rate = lam.copy()
    for _ in range(400):  # rounds of the thinned Poisson process; active customers only
        if idx.size == 0:
            break
        t = t + rng.exponential(1.0, idx.size) / np.maximum(rate, 1e-9)
        alive = t < span
        idx, t, rate = idx[alive], t[alive], rate[alive]
        accept = rng.random(idx.size) < _season(t, start)
        if accept.any():
            cust.append(idx[accept])
            times.append(t[accept])
        leave = accept & (rng.random(idx.size) < churn[idx])
        idx, t, rate = idx[~leave], t[~leave], rate[~leave]
    return np.concatenate(cust), np.concatenate(times)


def iter_order_batches(n_lines: int, *, seed: int = 20261128, start: str = "2022-01-01", end: str = "2024-12-31",
                       batch_lines: int = 1_000_000) -> Iterator["pyarrow.Table"]:  # noqa: F821
    """Yield pyarrow tables of canonical order lines, about ``batch_lines`` each, ``n_lines`` in total.

    Each batch holds whole customers (ids continue across batches), sorted by date within the batch.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    t0 = np.datetime64(start, "D")
    span = float((np.datetime64(end, "D") - t0).astype(int) + 1)
    cat = _catalogue(seed)
    cat_names = pa.array(CATEGORIES, pa.string())
    ss = np.random.SeedSequence(seed)
    written = 0
    next_customer = 0
    next_order = 0
    lines_per_customer = 4.0  # first guess (about 4.5 with the defaults), corrected from each batch
    while written < n_lines:
        rng = np.random.default_rng(ss.spawn(1)[0])
        want = min(batch_lines, n_lines - written)
        n_cust = max(10, int(1.25 * want / lines_per_customer))  # a little more than needed; trimmed below
        c_idx, o_time = _simulate_customers(rng, n_cust, span, t0)
        # guests: 2% extra orders without a customer
        n_guest = rng.binomial(len(c_idx), 0.02)
        c_idx = np.concatenate([c_idx, np.full(n_guest, -1)])
        o_time = np.concatenate([o_time, rng.uniform(0, span, n_guest)])
        order = np.argsort(o_time, kind="stable")
        c_idx, o_time = c_idx[order], o_time[order]
        n_orders = len(c_idx)
        n_per = 1 + rng.poisson(0.8, n_orders)
        line_order = np.repeat(np.arange(n_orders), n_per)
        first = np.r_[True, line_order[1:] != line_order[:-1]]
        n = len(line_order)
        sku_i = rng.choice(N_SKUS, n, p=cat["p"])
        qty = 1 + rng.geometric(0.75, n) - 1
        price = cat["price"][sku_i]
        gross = qty * price
        coupon = np.where(rng.random(n_orders) < 0.18, rng.choice([0.10, 0.15, 0.20], n_orders), 0.0)[line_order]
        discount = np.round(gross * coupon, 2)
        revenue = np.round(gross - discount, 2)
        order_rev = np.bincount(line_order, weights=revenue, minlength=n_orders)
        tax = np.where(first, np.round(0.08 * order_rev[line_order], 2), 0.0)
        shipping = np.where(first & (order_rev[line_order] < 50), 4.95, 0.0)
        seconds = rng.integers(7 * 3600, 23 * 3600, n_orders)  # time of day, 07:00-23:00
        ts = (t0.astype("datetime64[us]").astype("int64")
              + (np.floor(o_time) * _DAY_US).astype("int64") + seconds * 1_000_000)[line_order]
        ch_p = np.array([w for _, w in CHANNELS])
        channel = rng.choice(len(CHANNELS), n_orders, p=ch_p)[line_order]
        co_p = np.array([w for _, w, _ in COUNTRIES])
        country = rng.choice(len(COUNTRIES), n_orders, p=co_p)
        region_flat = [r for _, _, regs in COUNTRIES for r in regs]
        offsets = np.cumsum([0] + [len(regs) for _, _, regs in COUNTRIES])[:-1]
        sizes = np.array([len(regs) for _, _, regs in COUNTRIES])
        region = (offsets[country] + rng.integers(0, 1 << 30, n_orders) % sizes[country])[line_order]
        country = country[line_order]
        cust_line = c_idx[line_order]
        # returns: 4% of sale lines, 7-45 days later, whole quantity
        ret = np.flatnonzero(rng.random(n) < 0.04)
        ret_ts = ts[ret] + rng.integers(7, 46, len(ret)) * _DAY_US
        inside = ret_ts < t0.astype("datetime64[us]").astype("int64") + int(span) * _DAY_US
        ret, ret_ts = ret[inside], ret_ts[inside]
        all_i = np.concatenate([np.arange(n), ret])
        is_ret = np.r_[np.zeros(n, bool), np.ones(len(ret), bool)]
        sign = np.where(is_ret, -1, 1)
        # keep whole customers (guest orders count as their own customers) up to the batch size; the final
        # batch tops up with the first lines of one more customer so the total is exact
        owner = cust_line[all_i].astype("float64")
        guest_key = rng.uniform(0, n_cust, n_orders) + 0.5  # guests spread among the customers
        owner = np.where(owner >= 0, owner, guest_key[line_order[all_i]])
        _, owner = np.unique(owner, return_inverse=True)
        counts = np.bincount(owner)
        fit = int(np.searchsorted(np.cumsum(counts), want, side="right"))
        keep = owner < fit
        if want == n_lines - written:
            short = want - int(keep.sum())
            extra = np.flatnonzero(owner == fit)[:short]
            keep[extra] = True
        date = np.concatenate([ts, ret_ts])
        sel = np.flatnonzero(keep)
        sel = sel[np.argsort(date[sel], kind="stable")]  # returns interleaved by date
        all_i, is_ret, sign, date = all_i[sel], is_ret[sel], sign[sel], date[sel]
        m = len(all_i)
        if m == 0:
            continue
        order_no = next_order + line_order[all_i]
        cust_no = np.where(cust_line[all_i] >= 0, next_customer + cust_line[all_i], -1)
        order_id = pc.binary_join_element_wise("G", pc.cast(pa.array(order_no + 1_000_000), pa.string()), "")
        cust_str = pc.binary_join_element_wise("C", pc.cast(pa.array(cust_no + 1), pa.string()), "")
        cust_str = pc.if_else(pa.array(cust_no < 0), pa.scalar(None, pa.string()), cust_str)
        table = pa.table({
            "order_id": order_id,
            "customer_id": cust_str,
            "order_date": pa.array(date.astype("datetime64[us]")),
            "revenue": pa.array(revenue[all_i] * sign),
            "quantity": pa.array((qty[all_i] * sign).astype("int64")),
            "line_type": pa.DictionaryArray.from_arrays(pa.array(is_ret.astype("int8")),
                                                        pa.array(["sale", "return"])),
            "sku": pa.DictionaryArray.from_arrays(pa.array(sku_i[all_i].astype("int32")),
                                                  pa.array(cat["sku"].tolist())),
            "product_name": pa.DictionaryArray.from_arrays(pa.array(sku_i[all_i].astype("int32")),
                                                           pa.array(cat["name"].tolist())),
            "category": pa.DictionaryArray.from_arrays(pa.array(cat["category"][sku_i[all_i]].astype("int32")),
                                                       cat_names),
            "unit_price": pa.array(price[all_i]),
            "discount": pa.array(discount[all_i] * sign),
            "tax": pa.array(np.where(is_ret, 0.0, tax[all_i])),
            "shipping": pa.array(np.where(is_ret, 0.0, shipping[all_i])),
            "currency": pa.DictionaryArray.from_arrays(pa.array(np.zeros(m, "int8")), pa.array(["USD"])),
            "country": pa.DictionaryArray.from_arrays(pa.array(country[all_i].astype("int8")),
                                                      pa.array([c for c, _, _ in COUNTRIES])),
            "region": pa.DictionaryArray.from_arrays(pa.array(region[all_i].astype("int8")), pa.array(region_flat)),
            "channel": pa.DictionaryArray.from_arrays(pa.array(channel[all_i].astype("int8")),
                                                      pa.array([c for c, _ in CHANNELS])),
            "status": pa.DictionaryArray.from_arrays(pa.array(is_ret.astype("int8")),
                                                     pa.array(["completed", "refunded"])),
        })
        written += m
        next_customer += n_cust
        next_order += n_orders
        lines_per_customer = 0.5 * lines_per_customer + 0.5 * (n + len(ret)) / n_cust
        yield table


def generate_orders(n_lines: int = 10_000, *, seed: int = 20261128, start: str = "2022-01-01",
                    end: str = "2024-12-31") -> pd.DataFrame:
    """A GENERATED pandas frame of ``n_lines`` canonical order lines (every canonical column filled).

    For tests and examples; label anything shown from it as generated (:data:`ORDERS_SAMPLE_LABEL`).
    Large volumes: :func:`write_orders_parquet`.
    """
    import pyarrow as pa

    from workbench.data.schema import ORDERS

    table = pa.concat_tables(list(iter_order_batches(n_lines, seed=seed, start=start, end=end)))
    frame = table.to_pandas()
    for col in ORDERS:
        frame[col.name] = frame[col.name].astype(col.dtype) if col.dtype != "string" else \
            frame[col.name].astype("string")
    frame.attrs["generated"] = ORDERS_SAMPLE_LABEL
    return frame


def write_orders_parquet(path: str | os.PathLike, *, n_lines: int, seed: int = 20261128,
                         start: str = "2022-01-01", end: str = "2024-12-31", batch_lines: int = 1_000_000,
                         row_group_lines: int = 1_000_000) -> Path:
    """Stream ``n_lines`` GENERATED canonical order lines to a Parquet file, one batch at a time.

    Memory stays bounded by the batch (about 1M lines) whatever ``n_lines`` is. The file's metadata says
    it is generated (key ``workbench.generated``). Put it under ``data/generated/`` (git-ignored).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".partial")
    writer = None
    try:
        for batch in iter_order_batches(n_lines, seed=seed, start=start, end=end, batch_lines=batch_lines):
            if writer is None:
                meta = {b"workbench.generated": ORDERS_SAMPLE_LABEL.encode(),
                        b"workbench.generator": f"workbench.data.synthetic.orders seed={seed}".encode()}
                schema = batch.schema.with_metadata(meta)
                writer = pq.ParquetWriter(tmp, schema, compression="zstd")
            writer.write_table(batch.cast(writer.schema), row_group_size=row_group_lines)
    finally:
        if writer is not None:
            writer.close()
    os.replace(tmp, path)
    return path
