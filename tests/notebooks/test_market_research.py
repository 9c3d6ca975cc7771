"""The market-research report end to end on an export in another layout than the shipped CDNOW file, and on the
thin exports a new shop has.

The catalog's end-to-end test runs the report on its defaults (CDNOW); this one runs it, with no change but the
parameters, on a UCI Online Retail-style CSV written from GENERATED order lines (one year, a store that keeps
acquiring customers, categories and countries): the report must work on a user's own export. Then on every file
of ``tests/fixtures/orders/thin/``: the run succeeds, the sections thin data cannot fill say why in the report,
and the rest is there.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tests.runner.html_checks import check_report, parse
from workbench import config
from workbench.data.synthetic.orders import generate_orders
from workbench.runner.execute import run_notebook

THIN = config.PROJECT_ROOT / "tests" / "fixtures" / "orders" / "thin"


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
    assert "not computed for this data" not in parse(html).plain_text.lower()
    assert check_report(run_dir / "market-research.html") == []


# What each thin export leaves out, in the words the report uses (the reasons come from the analyses).
LEFT_OUT = {
    "one_order.csv": ["1 customer is too few to group into buyer personas",
                      "The orders cover a single day (2024-03-05): too short to learn how often customers come back",
                      "No complete week of orders: a trend needs at least 6"],
    "one_customer.csv": ["1 customer is too few to group into buyer personas",
                         "Only 1 customer bought again after their first purchase day: too few repeat customers",
                         "The forecast is left out: Only 11 complete weeks of orders since 2024-01-04"],
    "one_week.csv": ["7 customers are too few to group into buyer personas",
                     "The orders cover only 6 days (2024-03-04 to 2024-03-10)",
                     "Only 1 complete week of orders: a trend needs at least 6. Use a shorter period "
                     "(demand_freq='day')"],
    "shopify_4_days.csv": ["5 customers are too few to group into buyer personas",
                           "The orders cover only 3 days (2024-03-04 to 2024-03-07)",
                           "No complete week of orders"],
    "twelve_orders_five_customers.csv": ["5 customers are too few to group into buyer personas",
                                         "Personas need at least 20 customers (10 per persona)",
                                         "too short to fit the model on one part and check it on the rest",
                                         "Only 2 complete weeks of orders: a trend needs at least 6"],
    "month_no_returns.csv": ["With 20 customers, only 2 personas were tried instead of 3-6, so that each has at "
                             "least 10 customers",
                             "The orders cover only 30 days (2024-03-01 to 2024-03-31)",
                             "Only 4 complete weeks of orders: a trend needs at least 6"],
}


def test_every_thin_fixture_is_covered():
    assert sorted(LEFT_OUT) == sorted(p.name for p in THIN.glob("*.csv"))


@pytest.mark.slow
@pytest.mark.parametrize("export", sorted(LEFT_OUT))
def test_runs_on_a_thin_export_and_says_what_it_left_out(export, tmp_path):
    result = run_notebook("market-research", parameters={"orders_path": str(THIN / export)},
                          reports_dir=tmp_path / "reports", force=True, update_index=False)
    assert result.status == "succeeded", result
    run_dir = next((tmp_path / "reports" / "market-research").iterdir())
    html_path = Path(run_dir / "market-research.html")
    assert check_report(html_path) == []                              # no error or warning output either
    text = parse(html_path.read_text(encoding="utf-8")).plain_text
    for words in LEFT_OUT[export]:
        assert words in text, f"{export}: the report does not say {words!r}"
    assert "The data" in text and "lines read from" in text           # the rest of the report is there
    metrics = {m["name"]: m["value"] for m in json.loads((run_dir / "metrics.json").read_text())["metrics"]}
    assert metrics["customers"] >= 1 and "mean_clv" not in metrics  # what could not be computed is not recorded
