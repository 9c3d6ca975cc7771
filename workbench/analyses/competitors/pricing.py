"""Where our prices sit against each competitor: price index, position, price moves, promotions, stock-outs.

Input is the canonical price table of :func:`workbench.load_price_monitoring` (one row per sku, seller and
observation; our store is one of the sellers).

Conventions (stated in every report that uses them)
---------------------------------------------------
- **Price index** of a sku = 100 x our price / reference price. **Below 100 = we are cheaper.** (Some tools
  invert the ratio; this one does not.)
- **Reference** (``reference=``): ``"mean"`` of the competitors' prices, ``"min"`` (the lowest competitor) or
  the name of one competitor.
- **Which competitor prices count**: only prices observed, above 0, and **in stock**. An out-of-stock
  competitor's price is not a price a shopper can pay, so it is left out of the reference; a competitor
  that shows no price (or does not list the sku) is left out too. When no competitor price is left, the
  sku has no index (counted, never silently dropped). Our own price counts whether or not we are in stock
  (it is the price we show); a sku without our price has no index.
- **Snapshot**: the latest observation of each sku and seller on or before ``as_of`` (default: the last
  date in the data), ignoring observations older than ``max_age_days``.
- **Overall index**: the unweighted mean of the sku indices (Prisync's portfolio index), and the
  revenue-weighted mean ``sum(w_i * index_i) / sum(w_i)`` with ``w_i`` our revenue of sku *i* (Pricemind's
  convention).
- **Position** with a relative ``tolerance`` (0.01 = prices within 1% count as equal), against the lowest
  (``lo``) and highest (``hi``) counted competitor price, rules applied in this order: *cheapest*: our price
  below ``lo`` by more than the tolerance; *most expensive*: above ``hi`` by more than the tolerance;
  *in line*: within the tolerance of both ``lo`` and ``hi`` (everyone charges about the same); *tied
  cheapest*: within the tolerance of ``lo``; *tied most expensive*: within the tolerance of ``hi``; *in line*:
  everything else (between the competitors).

Written with pandas group-bys: the tables are small (skus x sellers x days), no library computes these
retail conventions.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from workbench.errors import DataError

__all__ = ["POSITIONS", "price_snapshot", "price_index", "overall_price_index", "price_index_trend",
           "price_changes", "promotion_intensity", "stockout_share", "seller_scorecard", "position_counts"]

POSITIONS = ("cheapest", "tied cheapest", "in line", "tied most expensive", "most expensive")


def _table(data: Any) -> tuple[pd.DataFrame, str, list[str]]:
    table = getattr(data, "table", data)
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"expected a PriceMonitoring (wb.load_price_monitoring) or its table, got {type(data).__name__}")
    need = ["sku", "seller", "is_own", "date", "price", "in_stock"]
    missing = [c for c in need if c not in table.columns]
    if missing:
        raise DataError(f"columns {missing} not found in the price table", source="prices", column=missing[0],
                        fix="Load the export with wb.load_price_monitoring()")
    own = table.loc[table["is_own"], "seller"]
    if own.empty:
        raise DataError("no row of our own store in the price table", source="prices", column="is_own",
                        fix="Load the export with wb.load_price_monitoring(own_seller=...)")
    own_name = str(own.iloc[0])
    competitors = getattr(data, "competitors", None) or list(pd.unique(table.loc[~table["is_own"], "seller"]))
    return table, own_name, list(competitors)


def _daily(table: pd.DataFrame) -> pd.DataFrame:
    """One row per sku, seller and calendar day: the day's last observation."""
    t = table.assign(day=table["date"].dt.normalize())
    return t.sort_values(["sku", "seller", "date"], kind="stable").groupby(["sku", "seller", "day"], sort=False,
                                                                           as_index=False).tail(1)


def price_snapshot(data: Any, *, as_of: str | pd.Timestamp | None = None, max_age_days: int = 7) -> pd.DataFrame:
    """The latest observation of every sku and seller on or before ``as_of`` (not older than ``max_age_days``).

    Returns
    -------
    DataFrame with one row per sku and seller: the price-table columns plus ``age_days`` (days between the
    observation and ``as_of``).
    """
    table, _, _ = _table(data)
    end = table["date"].max() if as_of is None else pd.Timestamp(as_of)
    end_day = end.normalize()
    t = table[table["date"] <= end_day + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)]
    t = t.sort_values(["sku", "seller", "date"], kind="stable").groupby(["sku", "seller"], as_index=False).tail(1)
    t = t.assign(age_days=(end_day - t["date"].dt.normalize()).dt.days)
    return t[t["age_days"] <= max_age_days].reset_index(drop=True)


def _index_rows(obs: pd.DataFrame, keys: list[str], own: str, competitors: list[str], reference: str,
                tolerance: float) -> pd.DataFrame:
    """Per key: our price, the counted competitor prices, reference, index and position."""
    if reference not in ("mean", "min", "lowest"):
        named = next((c for c in competitors if str(c).strip().lower() == str(reference).strip().lower()), None)
        if named is None:
            raise DataError(f"reference {reference!r} is neither 'mean', 'min' nor a competitor", source="reference",
                            example=reference, fix=f"Use 'mean', 'min' or one of the competitors: {competitors}")
        reference = named
    if not 0 <= tolerance < 1:
        raise DataError(f"tolerance={tolerance} must be a fraction between 0 and 1", source="tolerance",
                        fix="E.g. 0.01 for 1%")
    ownrows = obs[obs["is_own"]].set_index(keys)
    comp = obs[~obs["is_own"]]
    counted = comp["price"].notna() & (comp["price"] > 0) & comp["in_stock"].astype(bool)
    c_ok = comp[counted]
    g_all = comp.groupby(keys)
    g = c_ok.groupby(keys)
    base = ownrows.index.unique() if len(keys) > 1 else pd.Index(ownrows.index.unique(), name=keys[0])
    out = pd.DataFrame(index=base)
    out["own_price"] = ownrows["price"].groupby(level=keys).last()
    out["own_in_stock"] = ownrows["in_stock"].groupby(level=keys).last()
    out["competitors_counted"] = g.size().reindex(out.index, fill_value=0).astype("int64")
    out["competitors_out_of_stock"] = (~comp["in_stock"].astype(bool)).groupby([comp[k] for k in keys]).sum() \
        .reindex(out.index, fill_value=0).astype("int64")
    no_price = comp["price"].isna() & comp["in_stock"].astype(bool)
    out["competitors_no_price"] = no_price.groupby([comp[k] for k in keys]).sum().reindex(out.index, fill_value=0) \
        .astype("int64")
    listed = g_all.size().reindex(out.index, fill_value=0)
    out["competitors_not_listed"] = (len(competitors) - listed).astype("int64")
    out["lowest_competitor_price"] = g["price"].min().reindex(out.index)
    out["highest_competitor_price"] = g["price"].max().reindex(out.index)
    out["mean_competitor_price"] = g["price"].mean().reindex(out.index)
    lo_rows = c_ok.merge(out["lowest_competitor_price"].rename("lo").reset_index(), on=keys)
    lo_rows = lo_rows[np.isclose(lo_rows["price"], lo_rows["lo"], rtol=0, atol=1e-9)]
    out["cheapest_competitor"] = lo_rows.groupby(keys)["seller"].agg(
        lambda s: ", ".join(sorted(map(str, s)))).reindex(out.index)
    if reference == "mean":
        ref = out["mean_competitor_price"]
    elif reference in ("min", "lowest"):
        ref = out["lowest_competitor_price"]
    else:
        ref = c_ok[c_ok["seller"] == reference].groupby(keys)["price"].last().reindex(out.index)
    out["reference_price"] = ref
    out["price_index"] = 100 * out["own_price"] / out["reference_price"]
    own_p, lo, hi = out["own_price"], out["lowest_competitor_price"], out["highest_competitor_price"]
    near_lo = (own_p - lo).abs() <= tolerance * lo
    near_hi = (own_p - hi).abs() <= tolerance * hi
    pos = np.select([own_p.isna() | lo.isna(), (own_p < lo) & ~near_lo, (own_p > hi) & ~near_hi, near_lo & near_hi,
                     near_lo, near_hi], [None, "cheapest", "most expensive", "in line", "tied cheapest",
                                         "tied most expensive"], default="in line")
    out["position"] = pd.Series(pos, index=out.index).astype("string")
    status = np.select([own_p.isna(), out["reference_price"].isna()], ["no own price", "no competitor price"],
                       default="ok")
    out["status"] = pd.Series(status, index=out.index).astype("string")
    return out


def price_index(data: Any, *, reference: str = "mean", tolerance: float = 0.01,
                as_of: str | pd.Timestamp | None = None, max_age_days: int = 7) -> pd.DataFrame:
    """Our price index and position per sku at a snapshot (see the module docstring for the conventions).

    Parameters
    ----------
    data : PriceMonitoring or DataFrame
    reference : str
        ``"mean"`` (mean of counted competitor prices), ``"min"`` (lowest counted competitor price) or a
        competitor's name.
    tolerance : float
        Relative difference below which two prices count as equal for the position (0.01 = 1%).
    as_of, max_age_days
        The snapshot (default: the last date; observations up to 7 days old).

    Returns
    -------
    DataFrame indexed by ``sku``: ``own_price``, ``own_in_stock``, ``competitors_counted``,
    ``competitors_out_of_stock``, ``competitors_no_price``, ``competitors_not_listed``,
    ``lowest_competitor_price``, ``highest_competitor_price``, ``mean_competitor_price``,
    ``cheapest_competitor`` (all names at the lowest price, comma-separated when tied), ``reference_price``,
    ``price_index`` (100 = same price; below 100 = we are cheaper), ``position`` (one of :data:`POSITIONS`),
    ``status`` (``ok``, ``no own price``, ``no competitor price``), plus ``weight`` when the data has a
    weight column.
    """
    table, own, competitors = _table(data)
    snap = price_snapshot(table, as_of=as_of, max_age_days=max_age_days)
    out = _index_rows(snap, ["sku"], own, competitors, reference, tolerance)
    wcol = getattr(data, "weight_column", None)
    if wcol and wcol in table.columns:
        out["weight"] = table.groupby("sku")[wcol].first().reindex(out.index).astype("float64")
    return out


def _weights_for(index: pd.DataFrame, weights: Any) -> pd.Series | None:
    if weights is None:
        return index["weight"] if "weight" in index.columns else None
    if isinstance(weights, str):
        if weights not in index.columns:
            raise DataError(f"weight column `{weights}` not in the index table", source="weights", column=weights,
                            fix="Load the export with weight_column=, or pass weights as a mapping sku -> revenue")
        return index[weights].astype("float64")
    w = pd.Series(weights, dtype="float64")
    w.index = w.index.astype(str)
    return w.reindex(index.index.astype(str)).set_axis(index.index)


def overall_price_index(index: pd.DataFrame, *, weights: Any = None) -> pd.DataFrame:
    """The portfolio price index: unweighted and revenue-weighted means of the sku indices.

    Parameters
    ----------
    index : DataFrame
        From :func:`price_index`.
    weights : str, mapping or Series, optional
        Revenue per sku: a column of ``index`` or a mapping sku -> revenue. Default: the ``weight`` column
        :func:`price_index` adds when the data has a weight column; without weights only the unweighted
        index is returned.

    Returns
    -------
    DataFrame indexed by ``method`` (``unweighted``, ``revenue-weighted``): ``price_index``,
    ``skus_used`` (skus with an index), ``skus_without_index`` and, for the weighted row, ``weight_share``
    (share of the total weight carried by the skus used).

    Raises
    ------
    DataError
        Weights missing for skus that have an index, or negative, or all zero.
    """
    ok = index["price_index"].notna()
    rows = {"unweighted": {"price_index": index.loc[ok, "price_index"].mean(), "skus_used": int(ok.sum()),
                           "skus_without_index": int((~ok).sum()), "weight_share": np.nan}}
    w = _weights_for(index, weights)
    if w is not None:
        miss = w.isna() & ok
        if miss.any():
            raise DataError("no weight for some skus", source="weights", rows=int(miss.sum()),
                            example=f"sku {miss[miss].index[0]}",
                            fix="Give a revenue for every sku (0 for skus without sales)")
        if (w < 0).any():
            raise DataError("weights below 0", source="weights", rows=int((w < 0).sum()),
                            example=f"sku {w[w < 0].index[0]}", fix="Use revenue (0 or more)")
        used = w[ok]
        if used.sum() <= 0:
            raise DataError("the weights of the skus with an index add up to 0", source="weights",
                            rows=int(ok.sum()), fix="Use each sku's revenue as its weight")
        rows["revenue-weighted"] = {"price_index": float(np.sum(used * index.loc[ok, "price_index"]) / used.sum()),
                                    "skus_used": int(ok.sum()), "skus_without_index": int((~ok).sum()),
                                    "weight_share": float(used.sum() / w.fillna(0).sum())}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "method"
    return out


def position_counts(index: pd.DataFrame) -> pd.DataFrame:
    """How many skus sit in each position (cheapest ... most expensive), with the share of skus compared."""
    pos = index["position"].dropna()
    counts = pos.value_counts().reindex(list(POSITIONS), fill_value=0)
    out = pd.DataFrame({"skus": counts.astype("int64"), "share": counts / max(len(pos), 1)})
    out.index.name = "position"
    return out


def price_index_trend(data: Any, *, reference: str = "mean", weights: Any = None,
                      freq: str = "D") -> pd.DataFrame:
    """The overall price index day by day (or week by week) from each day's observations.

    Each day uses that day's last observation of every sku and seller (no carrying forward); the sku
    indices follow the same rules as :func:`price_index`. With ``freq="W"`` the daily values are averaged
    per week.

    Returns
    -------
    DataFrame indexed by ``date``: ``price_index`` (unweighted), ``price_index_weighted`` (when weights are
    known), ``skus_used``.
    """
    table, own, competitors = _table(data)
    daily = _daily(table)
    rows = _index_rows(daily, ["day", "sku"], own, competitors, reference, 0.0).reset_index()
    wcol = getattr(data, "weight_column", None)
    w = None
    if weights is not None:
        w = pd.Series(weights, dtype="float64")
        w.index = w.index.astype(str)
    elif wcol and wcol in table.columns:
        w = table.groupby("sku")[wcol].first().astype("float64")
    ok = rows[rows["price_index"].notna()].copy()
    out = ok.groupby("day").agg(price_index=("price_index", "mean"), skus_used=("sku", "nunique"))
    if w is not None:
        ok["w"] = ok["sku"].astype(str).map(w)
        ok = ok[ok["w"].notna()]
        ok["wi"] = ok["w"] * ok["price_index"]
        s = ok.groupby("day")[["wi", "w"]].sum()
        out["price_index_weighted"] = s["wi"] / s["w"]
    out.index.name = "date"
    if freq != "D":
        out = out.resample(freq).mean()
    return out


def price_changes(data: Any) -> pd.DataFrame:
    """How often and how much each seller (competitors and us) changes prices.

    A change is a day whose price differs from the seller's previous observed price for the same sku
    (days without a price are skipped; the first observation is no change). Promotion prices count:
    a price that goes on promotion and back is two changes.

    Returns
    -------
    DataFrame indexed by ``seller``: ``skus``, ``sku_days`` (days with a price), ``changes``,
    ``change_rate`` (changes per sku-day with a price), ``days_between_changes`` (1 / change_rate),
    ``share_increases``, ``median_abs_change`` (relative size, fraction), ``mean_increase``,
    ``mean_decrease`` (relative, fractions), ``is_own``.
    """
    table, own, competitors = _table(data)
    d = _daily(table)
    d = d[d["price"].notna()].sort_values(["seller", "sku", "day"])
    prev = d.groupby(["seller", "sku"])["price"].shift()
    rel = d["price"] / prev - 1
    changed = prev.notna() & ~np.isclose(d["price"], prev.fillna(-1), rtol=0, atol=1e-9)
    d = d.assign(rel=rel.where(changed), changed=changed, comparable=prev.notna())
    g = d.groupby("seller", sort=False)
    out = pd.DataFrame({"skus": g["sku"].nunique(), "sku_days": g.size(), "changes": g["changed"].sum()})
    comparable = g["comparable"].sum()
    out["change_rate"] = out["changes"] / comparable.where(comparable > 0)
    out["days_between_changes"] = 1 / out["change_rate"].where(out["change_rate"] > 0)
    ch = d[d["changed"]]
    gc = ch.groupby("seller", sort=False)["rel"]
    out["share_increases"] = gc.apply(lambda s: (s > 0).mean())
    out["median_abs_change"] = gc.apply(lambda s: s.abs().median())
    out["mean_increase"] = gc.apply(lambda s: s[s > 0].mean())
    out["mean_decrease"] = gc.apply(lambda s: s[s < 0].mean())
    out["is_own"] = out.index == own
    out.index.name = "seller"
    return _seller_order(out, own, competitors)


def promotion_intensity(data: Any) -> pd.DataFrame:
    """How much each seller promotes: share of sku-days on promotion and the usual discount.

    Uses the ``on_promo`` flag (or, where the export had none, price below list price) on days the sku was
    in stock with a price. Discount depth = 1 - price / list price on promotion days with a list price.

    Returns
    -------
    DataFrame indexed by ``seller``: ``sku_days``, ``promo_share`` (fraction of sku-days on promotion),
    ``skus_promoted`` (skus with at least one promotion day), ``mean_discount`` (fraction), ``is_own``.
    Empty promotion columns (missing) when the export says nothing about promotions.
    """
    table, own, competitors = _table(data)
    d = _daily(table)
    d = d[d["price"].notna() & d["in_stock"].astype(bool)]
    promo = d["on_promo"].astype("float64") if "on_promo" in d.columns else pd.Series(np.nan, index=d.index)
    disc = 1 - d["price"] / d["list_price"].astype("float64") if "list_price" in d.columns else np.nan
    d = d.assign(promo=promo, disc=pd.Series(disc, index=d.index).where(promo == 1))
    g = d.groupby("seller", sort=False)
    out = pd.DataFrame({"sku_days": g.size(), "promo_share": g["promo"].mean(),
                        "skus_promoted": d[d["promo"] == 1].groupby("seller")["sku"].nunique(),
                        "mean_discount": g["disc"].mean()})
    out["skus_promoted"] = out["skus_promoted"].fillna(0).astype("int64")
    out["is_own"] = out.index == own
    out.index.name = "seller"
    return _seller_order(out, own, competitors)


def stockout_share(data: Any) -> pd.DataFrame:
    """How often each seller is out of stock: share of sku-days out of stock and skus ever out of stock.

    Returns
    -------
    DataFrame indexed by ``seller``: ``sku_days``, ``stockout_share`` (fraction of observed sku-days),
    ``skus_out_of_stock`` (skus with at least one such day), ``skus``, ``is_own``.
    """
    table, own, competitors = _table(data)
    d = _daily(table)
    oos = ~d["in_stock"].astype(bool)
    g = d.assign(oos=oos).groupby("seller", sort=False)
    out = pd.DataFrame({"sku_days": g.size(), "stockout_share": g["oos"].mean(),
                        "skus_out_of_stock": d[oos].groupby("seller")["sku"].nunique(),
                        "skus": g["sku"].nunique()})
    out["skus_out_of_stock"] = out["skus_out_of_stock"].fillna(0).astype("int64")
    out["is_own"] = out.index == own
    out.index.name = "seller"
    return _seller_order(out, own, competitors)


def seller_scorecard(data: Any, *, max_age_days: int = 7) -> pd.DataFrame:
    """One row per seller (ours first): price moves, promotions and stock-outs side by side, plus our index
    against each competitor.

    ``index_vs_seller`` is the unweighted mean over skus of 100 x our price / that seller's counted price
    at the latest snapshot (below 100 = we are cheaper than that seller).
    """
    table, own, competitors = _table(data)
    ch = price_changes(data)[["change_rate", "days_between_changes", "median_abs_change"]]
    pr = promotion_intensity(data)[["promo_share", "mean_discount"]]
    so = stockout_share(data)[["stockout_share", "skus"]]
    out = so.join(ch).join(pr)
    vs = {}
    for c in competitors:
        idx = price_index(data, reference=c, max_age_days=max_age_days)
        vs[c] = idx["price_index"].mean()
    out["index_vs_seller"] = pd.Series(vs)
    return _seller_order(out, own, competitors)


def _seller_order(frame: pd.DataFrame, own: str, competitors: list[str]) -> pd.DataFrame:
    order = [s for s in [own, *competitors] if s in frame.index]
    return frame.reindex(order)
