"""Sentences the sales-performance report builds from its results (so the notebook stays free of logic)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from workbench import config

__all__ = ["data_note", "is_generated_source", "products_note", "segment_display", "SEGMENT_COLUMNS"]


def is_generated_source(orders: Any) -> bool:
    """True when the orders come from the workbench's generated data (``data/generated/``, or a file whose name
    says generated/synthetic): reports must then say "generated" next to every figure."""
    source = str(getattr(orders, "source", "") or "")
    if not source:
        return False
    path = Path(source)
    try:
        path.resolve().relative_to(config.GENERATED_DIR.resolve())
        return True
    except ValueError:
        pass
    name = path.name.lower()
    return "generated" in name or "synthetic" in name


def data_note(orders: Any, kpis: pd.DataFrame) -> str:
    """One paragraph (Markdown) on what the report reads: file, layout, lines, dates, and whether it is
    generated data. ``kpis`` is the ``kpis_by_period`` result (its attrs carry the date range)."""
    from workbench.present import fmt

    source = getattr(orders, "source", None) or "a table passed in"
    layout = getattr(orders, "format", None)
    first, last = pd.Timestamp(kpis.attrs["first_date"]), pd.Timestamp(kpis.attrs["last_date"])
    lines = int(kpis["orders"].sum())
    text = (f"Data: `{Path(str(source)).name}`{f' ({layout} layout)' if layout else ''}, orders from "
            f"{first:%d %b %Y} to {last:%d %b %Y} ({fmt.num(lines)} orders). Revenue is net sales: after "
            f"discounts and returns, before tax and shipping.")
    if is_generated_source(orders):
        text = ("**Generated data**: these order lines are synthetic (made by the workbench for testing and "
                "benchmarks), not a real store's sales. " + text)
    return text


def products_note(products: pd.DataFrame, categories: pd.DataFrame) -> str:
    """The sentence above the product and category charts: their notes, or one sentence when the data has
    neither (``products`` and ``categories`` are ``top_products`` results by product and by category)."""
    have = [t for t in (products, categories) if t.attrs.get("column")]
    if not have:
        return ("The data has no product or category detail (no product name, SKU or category column with "
                "values), so there is no product ranking. Exports from Shopify, WooCommerce or Online Retail "
                "carry it; CDNOW records only amounts and quantities.")
    return " ".join(t.attrs["note"] for t in (products, categories))


SEGMENT_COLUMNS = {"segment": "Segment", "customers": "Customers", "customer_share": "Share of customers",
                   "revenue": "Net revenue", "revenue_share": "Share of net revenue", "aov": "Average order value",
                   "median_recency_days": "Median days since last order", "mean_frequency": "Average orders"}


def segment_display(segments: pd.DataFrame) -> pd.DataFrame:
    """The RFM segment summary (``wb.customers.rfm_segment_summary``) with the columns a manager reads, named in
    words (see :data:`SEGMENT_COLUMNS`), for ``wb.table``."""
    return segments[list(SEGMENT_COLUMNS)].rename(columns=SEGMENT_COLUMNS)
