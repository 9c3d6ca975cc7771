"""The marketing-performance report end to end: on its defaults (Robyn's SIMULATED data, no orders), on the
GENERATED shop whose spend exports and orders belong together (CAC checked against pandas on the files), and on
every thin Shopify export (the sections the data cannot fill say why; the report runs)."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from workbench import config, provenance

pytestmark = pytest.mark.slow

NOTEBOOK = config.NOTEBOOKS_DIR / "marketing-performance.ipynb"
SHOP = Path("tests/fixtures/marketing/generated_shop")
THIN = sorted((config.PROJECT_ROOT / "tests/fixtures/orders/thin").glob("*.csv"))


def _run(tmp_path, monkeypatch, **parameters) -> tuple[dict, str]:
    import papermill as pm

    run_dir = tmp_path / "run"
    run_dir.mkdir()
    monkeypatch.setenv(provenance.RUN_DIR_ENV, str(run_dir))
    pm.execute_notebook(str(NOTEBOOK), str(run_dir / "out.ipynb"), parameters=parameters,
                        kernel_name=config.KERNEL_NAME, cwd=str(config.PROJECT_ROOT), progress_bar=False)
    metrics = {m["name"]: m["value"] for m in map(json.loads, (run_dir / provenance.METRICS_FILE).read_text().splitlines())}
    out = nbformat.read(run_dir / "out.ipynb", as_version=4)
    errors = [o for c in out.cells for o in c.get("outputs", []) if o.output_type == "error"]
    stderr = [o.text for c in out.cells for o in c.get("outputs", []) if o.output_type == "stream" and o.name == "stderr"]
    assert not errors and not stderr, (errors, stderr)
    text = "\n".join(o["data"].get("text/markdown", "") for c in out.cells for o in c.get("outputs", [])
                     if "data" in o).replace("\\$", "$")
    return metrics, text


def test_defaults_on_the_simulated_robyn_data(tmp_path, monkeypatch):
    metrics, text = _run(tmp_path, monkeypatch)
    assert metrics["data_origin"] == "SIMULATED (Robyn demo data)"
    robyn = pd.read_csv(config.SHIPPED["robyn"])
    assert metrics["total_spend"] == pytest.approx(robyn.filter(like="_S").to_numpy().sum(), abs=0.01)
    assert metrics["mer"] == pytest.approx(robyn.revenue.sum() / robyn.filter(like="_S").to_numpy().sum())
    assert metrics["best_channel"] in {"TV", "OOH", "Print", "Facebook", "Search"}
    assert metrics["mmm_r2"] > 0.85 and metrics["mmm_holdout_mape"] < 0.15
    assert "blended_cac" not in metrics and "payback_months" not in metrics
    assert "These data are SIMULATED by their authors" in text
    assert "No orders were given: new customers, acquisition cost (CAC), lifetime value and payback" in text


def _spend_by_month() -> pd.Series:
    """The GENERATED shop's spend per month, read with pandas from the three exports (not through the package)."""
    google = pd.read_csv(SHOP / "google_ads_campaigns_generated.csv", skiprows=3)
    google = google[~google["Day"].str.startswith("Total")]
    cost = pd.to_numeric(google["Cost"].str.replace(",", "").replace("--", "0"))
    meta = pd.read_csv(SHOP / "meta_ads_daily_generated.csv", skiprows=1)
    tiktok = pd.read_csv(SHOP / "tiktok_ads_generated.csv", skiprows=1)
    days = pd.concat([pd.Series(cost.to_numpy(), index=pd.to_datetime(google["Day"])),
                      pd.Series(meta["Amount spent (USD)"].to_numpy(), index=pd.to_datetime(meta["Reporting starts"])),
                      pd.Series(tiktok["spend"].to_numpy(), index=pd.to_datetime(tiktok["date"]))])
    return days.groupby(days.index.to_period("M")).sum()


def test_generated_shop_has_cac_ltv_and_payback(tmp_path, monkeypatch):
    metrics, text = _run(tmp_path, monkeypatch, spend_sources=[str(SHOP / f) for f in (
        "google_ads_campaigns_generated.csv", "meta_ads_daily_generated.csv", "tiktok_ads_generated.csv")],
        orders_source=str(SHOP / "orders_generated.csv.gz"),
        costs_source=str(SHOP / "products_export_generated.csv"), margin=0.5, shipping_cost=6.0)
    assert metrics["data_origin"] == "GENERATED sample"
    with gzip.open(SHOP / "orders_generated.csv.gz", "rt") as fh:
        orders = pd.read_csv(fh, parse_dates=["order_date"])
    first = orders[orders.line_type == "sale"].groupby("customer_id")["order_date"].min().dt.to_period("M")
    months = pd.period_range("2024-01", "2025-11", freq="M")          # spend covers 1 Jan 2024 to 28 Dec 2025
    new = int(first.isin(months).sum())
    spend = _spend_by_month().loc[months].sum()
    assert metrics["new_customers"] == new
    assert metrics["blended_cac"] == pytest.approx(spend / new, abs=0.01)
    assert metrics["ltv"] > 0 and metrics["ltv_to_cac"] == pytest.approx(metrics["ltv"] / (spend / new), rel=1e-3)
    assert 0 <= metrics["payback_months"] <= 23
    assert "These data are a GENERATED sample, not real data" in text
    assert "By the channel of their first order: Google Ads" in text


@pytest.mark.parametrize("export", THIN, ids=lambda p: p.stem)
def test_runs_on_every_thin_export(tmp_path, monkeypatch, export):
    metrics, text = _run(tmp_path, monkeypatch, spend_sources=["tests/fixtures/marketing/thin_shop_spend.csv"],
                         orders_source=str(export))
    assert metrics["total_spend"] > 0
    assert "mmm_r2" not in metrics                                    # a few weeks cannot fit a mix model
    assert "not computed" in text


def test_three_days_of_spend_run_and_say_what_they_cannot_show(tmp_path, monkeypatch):
    # a new account's first export: three days, shorter than any week or month the report groups by
    spend = tmp_path / "spend.csv"
    spend.write_text("date,channel,spend\n2026-11-03,Meta Ads,20\n2026-11-04,Meta Ads,22\n2026-11-05,Meta Ads,18\n"
                     "2026-11-03,Google Ads,12.5\n2026-11-04,Google Ads,10\n")
    orders = tmp_path / "orders.csv"
    orders.write_text("order_id,customer_id,order_date,revenue\n1,a,2026-11-03,45.5\n2,b,2026-11-04,19.99\n"
                      "3,a,2026-11-05,22\n")
    metrics, text = _run(tmp_path, monkeypatch, spend_sources=[str(spend)], orders_source=str(orders))
    assert metrics["total_spend"] == pytest.approx(82.5)
    assert ("No complete month of spend yet (the spend runs from 03 Nov 2026 to 05 Nov 2026): the table by month "
            "needs one. Use a shorter period (period='week') or a longer export.") in text


def test_spend_without_revenue_shows_the_spend_and_says_what_needs_revenue(tmp_path, monkeypatch):
    # an ad account's export before the shop's orders are at hand: the spend sections, and the reason for the rest
    metrics, text = _run(tmp_path, monkeypatch, spend_sources=["tests/fixtures/marketing/google_ads_campaign_report.csv"])
    assert metrics["total_spend"] > 0 and "mer" not in metrics and "mmm_r2" not in metrics
    assert "Google Ads took the most (100%)" in text
    assert ("there is no revenue to explain. Give the shop's orders (orders_source), or a weekly marketing-mix table "
            "with a revenue column (Robyn's layout: `DATE`, `revenue`, a `<channel>_S` column per channel)") in text
