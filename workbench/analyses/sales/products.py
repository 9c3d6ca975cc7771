"""Top products and categories of a period, with the previous period's figures alongside.

Products are named by ``product_name`` (falling back to ``sku`` when the export has no names); categories by
``category`` (product type or vendor, as the loader maps it). Revenue is net (sales minus returns processed in
the period, before tax and shipping), like every revenue figure of the workbench; a product's share is of the
whole period's net revenue. Units and orders count sale lines.

Many exports have no product detail (CDNOW records only amounts and quantities): then :func:`top_products`
returns an empty frame whose ``attrs["column"]`` is None, and the report says so instead of showing a ranking.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from workbench import engine
from workbench.data.lines import order_lines
from workbench.data.schema import SALE
from workbench.analyses.periods import OFFSETS, check_period, last_complete_period, period_bounds, period_name
from workbench.errors import DataError

__all__ = ["PRODUCT_DIMENSIONS", "product_dimensions", "top_products"]

# what a ranking can be by -> the canonical columns that can name it, in order of preference
PRODUCT_DIMENSIONS: dict[str, tuple[str, ...]] = {"product": ("product_name", "sku"), "category": ("category",)}


def product_dimensions(orders: Any) -> dict[str, str]:
    """Which rankings the data supports: ``{"product": "product_name", "category": "category"}`` (only those
    with a column that has at least one value)."""
    t = engine.as_table(orders)
    candidates = [c for cols in PRODUCT_DIMENSIONS.values() for c in cols if c in t.columns]
    if not candidates:
        return {}
    filled = engine.to_pandas(t.aggregate(**{c: t[c].count() for c in candidates})).iloc[0]
    out = {}
    for dim, cols in PRODUCT_DIMENSIONS.items():
        usable = [c for c in cols if c in candidates and filled[c] > 0]
        if usable:
            out[dim] = usable[0]
    return out


def top_products(
    orders: Any, *, by: str = "product", n: int = 10, period: str = "month", period_end: Any = None,
) -> pd.DataFrame:
    """The ``n`` products (or categories) with the most net revenue in a period, against the previous period.

    Parameters
    ----------
    orders : DataFrame, ibis.Table or OrderLines
        Canonical order lines.
    by : {"product", "category"}
        Rank products (``product_name``, else ``sku``) or categories.
    n : int
        How many to list.
    period : {"day", "week", "month", "quarter"}
        Reporting period.
    period_end : date-like, optional
        Any day of the period to report; ``None`` = the last complete period (as in ``kpi_comparison``).

    Returns
    -------
    DataFrame
        Columns ``rank``, ``name``, ``revenue``, ``revenue_share`` (of the period's net revenue), ``units``,
        ``orders``, ``previous_revenue``, ``change_pct``; ``attrs`` holds ``dimension`` (``by``), ``column``
        (the column ranked, None when the data has no such detail: the frame is then empty),
        ``candidates`` (the columns that could name it), ``period_label`` and ``previous_label``.
    """
    if by not in PRODUCT_DIMENSIONS:
        raise DataError(f"by={by!r} is not one of {list(PRODUCT_DIMENSIONS)}", source="top_products",
                        fix="Rank by 'product' or 'category'.")
    if n < 1:
        raise DataError(f"n={n!r} must be at least 1", source="top_products", fix="Ask for 10, say.")
    check_period(period)
    dims = product_dimensions(orders)
    columns = ["rank", "name", "revenue", "revenue_share", "units", "orders", "previous_revenue", "change_pct"]
    if by not in dims:
        out = pd.DataFrame(columns=columns)
        out.attrs.update(dimension=by, column=None, candidates=list(PRODUCT_DIMENSIONS[by]))
        return out
    col = dims[by]
    t = order_lines(orders, need=("order_id", "order_date", "revenue", "quantity", "line_type", col))
    last = pd.Timestamp(engine.to_pandas(t.order_date.max()))
    start = last_complete_period(last, period=period) if period_end is None else period_bounds(period_end, period=period)[0]
    prev = start - OFFSETS[period]
    end_excl = start + OFFSETS[period]
    lo, cut, hi = (engine.timestamp(x) for x in (prev, start, end_excl))
    w = t.filter((t.order_date >= lo) & (t.order_date < hi))
    cur = w.order_date >= cut
    is_sale = w.line_type == SALE
    named = w.mutate(_name=w[col].fill_null("(not set)"))
    agg = named.group_by("_name").aggregate(
        revenue=named.revenue.sum(where=cur),
        units=named.quantity.sum(where=cur & is_sale),
        orders=named.order_id.nunique(where=cur & is_sale),
        previous_revenue=named.revenue.sum(where=~cur),
    )
    total = w.revenue.sum(where=cur)
    ranked = agg.filter(agg.revenue.notnull()).order_by([agg.revenue.desc(), agg._name]).limit(n)
    df = engine.to_pandas(ranked)
    period_total = engine.to_pandas(total)
    out = pd.DataFrame({
        "rank": range(1, len(df) + 1),
        "name": df["_name"].astype(str).to_numpy(),
        "revenue": df["revenue"].astype("float64").to_numpy(),
    })
    out["revenue_share"] = out["revenue"] / period_total if period_total else float("nan")
    out["units"] = df["units"].fillna(0).astype("int64").to_numpy()
    out["orders"] = df["orders"].fillna(0).astype("int64").to_numpy()
    out["previous_revenue"] = df["previous_revenue"].astype("float64").to_numpy()
    out["change_pct"] = out["revenue"] / out["previous_revenue"].where(out["previous_revenue"] > 0) - 1
    out.attrs.update(dimension=by, column=col, candidates=list(PRODUCT_DIMENSIONS[by]),
                     period_label=period_name(start, period=period), previous_label=period_name(prev, period=period))
    return out

