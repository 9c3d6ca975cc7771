"""The report's sentences: data note (generated data labelled), product notes, the segment table's headers."""
from __future__ import annotations

import pandas as pd

import workbench as wb
from workbench import config
from workbench.analyses.sales import report as S


class _Loaded:
    def __init__(self, source: str, format: str = "canonical") -> None:
        self.source, self.format = source, format


def test_data_note_names_the_file_dates_and_revenue_convention(store):
    kpis = wb.sales.kpis_by_period(store)
    text = S.data_note(_Loaded("/shop/exports/orders_export_1.csv", "shopify"), kpis)
    assert text == ("Data: `orders_export_1.csv` (shopify layout), orders from 15 Jan 2023 to 20 Feb 2024 (8 orders). "
                    "Revenue is net sales: after discounts and returns, before tax and shipping.")


def test_generated_data_is_labelled(store):
    kpis = wb.sales.kpis_by_period(store)
    generated = _Loaded(str(config.GENERATED_DIR / "orders_1M.parquet"))
    assert S.is_generated_source(generated) and S.is_generated_source(_Loaded("/tmp/synthetic_shop.csv"))
    assert not S.is_generated_source(_Loaded(str(config.SHIPPED["cdnow"]))) and not S.is_generated_source(store)
    assert S.data_note(generated, kpis).startswith("**Generated data**: these order lines are synthetic")


def test_products_note(store, store_with_products):
    none = S.products_note(wb.sales.top_products(store), wb.sales.top_products(store, by="category"))
    assert none.startswith("The data has no product or category detail")
    both = S.products_note(wb.sales.top_products(store_with_products, n=1),
                           wb.sales.top_products(store_with_products, by="category", n=1))
    assert both == ("The top product by net revenue in Jan 2024 brought 62.9% of the period's net revenue. "
                    "The top category by net revenue in Jan 2024 brought 97.1% of the period's net revenue.")


def test_segment_display_headers():
    summary = pd.DataFrame({c: [1] for c in ["segment", "customers", "customer_share", "revenue", "revenue_share",
                                             "orders", "aov", "median_recency_days", "mean_frequency", "extra"]})
    shown = S.segment_display(summary)
    assert list(shown.columns) == ["Segment", "Customers", "Share of customers", "Net revenue", "Share of net revenue",
                                   "Average order value", "Median days since last order", "Average orders"]
