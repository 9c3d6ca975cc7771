"""The market-research report end to end on an export in another layout than the shipped CDNOW file.

The catalog's end-to-end test runs the report on its defaults (CDNOW); this one runs it, with no change but the
parameters, on a UCI Online Retail-style CSV written from GENERATED order lines (one year, a store that keeps
acquiring customers, categories and countries): the report must work on a user's own export.
"""
from __future__ import annotations

import json

import pandas as pd
import pytest

from workbench.data.synthetic.orders import generate_orders
from workbench.runner.execute import run_notebook


def _online_retail_export(path) -> None:
    g = generate_orders(40_000, start="2010-12-01", end="2011-12-09", seed=5)
    invoice = g.order_id.str.replace("G", "", regex=False)
    out = pd.DataFrame({
        "InvoiceNo": invoice.where(g.line_type != "return", "C" + invoice),
        "StockCode": g.sku, "Description": g.product_name, "Quantity": g.quantity,
        "InvoiceDate": g.order_date.dt.strftime("%m/%d/%Y %H:%M"), "UnitPrice": g.unit_price.round(2),
        "CustomerID": g.customer_id.str.replace("C", "", regex=False), "Country": g.country,
    })
    out.to_csv(path, index=False)


@pytest.mark.slow
def test_runs_unchanged_on_an_online_retail_export(tmp_path):
    export = tmp_path / "online_retail_generated.csv"
    _online_retail_export(export)
    result = run_notebook("market-research", parameters={"orders_path": str(export), "currency": "GBP"},
                          reports_dir=tmp_path / "reports", force=True, update_index=False)
    assert result.status == "succeeded", result
    run_dir = next((tmp_path / "reports" / "market-research").iterdir())
    metrics = {m["name"]: m for m in json.loads((run_dir / "metrics.json").read_text())["metrics"]}
    assert metrics["customers"]["value"] > 1000
    assert 2 <= metrics["personas"]["value"] <= 6
    assert metrics["mean_clv"]["unit"] == "GBP" and metrics["mean_clv"]["value"] > 0
    assert -0.5 < metrics["holdout_error"]["value"] < 0.5
    html = (run_dir / "market-research.html").read_text(encoding="utf-8")
    assert "£" in html and "format: online-retail" in html          # read as the Online Retail layout
