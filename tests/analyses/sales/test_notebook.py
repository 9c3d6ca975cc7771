"""The sales-performance report: conventions, a run on its defaults (CDNOW) and a run on an Online Retail export.

The headline numbers recorded by the report are checked against values computed here directly from the files
with pandas (not through the package).
"""
from __future__ import annotations

import json
import re

import nbformat
import numpy as np
import pandas as pd
import pytest

from workbench import config, provenance

NOTEBOOK = config.NOTEBOOKS_DIR / "sales-performance.ipynb"


def test_committed_without_outputs_and_with_conventions():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "workbench"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# Sales performance")
    assert "remove" in nb.cells[1].metadata.get("tags", []) and "wb.report_setup()" in nb.cells[1].source
    params = nb.cells[2]
    assert "parameters" in params.metadata.get("tags", [])
    names = [line.split("=")[0].split(":")[0].strip() for line in params.source.splitlines()]
    assert {"orders_path", "format", "period", "period_end", "currency", "top_n"} <= set(names)
    assert all("  # " in line for line in params.source.splitlines())
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None
            assert not re.search(r"^\s*(def|class|for|while)\b", cell.source, re.M), cell.source[:80]


def _run(tmp_path, monkeypatch, **parameters) -> tuple[dict, nbformat.NotebookNode]:
    import papermill as pm

    run_dir = tmp_path / "run"
    run_dir.mkdir()
    monkeypatch.setenv(provenance.RUN_DIR_ENV, str(run_dir))
    pm.execute_notebook(str(NOTEBOOK), str(run_dir / "out.ipynb"), parameters=parameters,
                        kernel_name=config.KERNEL_NAME, cwd=str(config.PROJECT_ROOT), progress_bar=False)
    metrics = {}
    for line in (run_dir / provenance.METRICS_FILE).read_text().splitlines():
        m = json.loads(line)
        metrics[m["name"]] = m["value"]
    out = nbformat.read(run_dir / "out.ipynb", as_version=4)
    errors = [o for c in out.cells for o in c.get("outputs", []) if o.output_type == "error"]
    stderr = [o.text for c in out.cells for o in c.get("outputs", []) if o.output_type == "stream" and o.name == "stderr"]
    assert not errors and not stderr, (errors, stderr)  # no tracebacks, no warnings in the report
    return metrics, out


def _markdown(out: nbformat.NotebookNode) -> str:
    """The report's prose (wb.md escapes $ as \\$ so it is not read as math; undone here)."""
    return "\n".join(o["data"]["text/markdown"] for c in out.cells for o in c.get("outputs", [])
                     if "text/markdown" in o.get("data", {})).replace("\\$", "$")


@pytest.mark.slow
def test_report_on_cdnow_defaults(tmp_path, monkeypatch):
    metrics, out = _run(tmp_path, monkeypatch)
    raw = pd.read_csv(config.SHIPPED["cdnow_transactions"], parse_dates=["order_date"])
    june98, may98, june97 = (raw[raw["order_date"].dt.strftime("%Y-%m") == m] for m in ("1998-06", "1998-05", "1997-06"))
    assert metrics["period"] == "Jun 1998"                          # data end 30 Jun 1998: June is complete
    assert metrics["net_revenue"] == pytest.approx(june98["amount"].sum(), abs=0.005)
    assert metrics["orders"] == len(june98)                         # one line = one order in CDNOW
    assert metrics["customers"] == june98["customer_id"].nunique()
    assert metrics["new_customers"] == 0                            # everyone was acquired in Q1 1997
    assert metrics["net_revenue_change_vs_previous"] == pytest.approx(june98["amount"].sum() / may98["amount"].sum() - 1)
    assert metrics["net_revenue_change_vs_last_year"] == pytest.approx(june98["amount"].sum() / june97["amount"].sum() - 1)
    assert metrics["average_order_value"] == pytest.approx(june98["amount"].mean(), abs=0.005)
    repeaters = (june98.groupby("customer_id").size() >= 2).mean()
    assert metrics["repeat_purchase_rate"] == pytest.approx(repeaters)
    assert metrics["return_rate"] is None                           # CDNOW has no returns
    text = _markdown(out)
    assert "**Jun 1998**: net revenue **$76,109**" in text
    assert "no product or category detail" in text
    assert sum("image/png" in o.get("data", {}) for c in out.cells for o in c.get("outputs", [])) >= 9


def _online_retail_export(path, rng) -> pd.DataFrame:
    """A small export in the UCI Online Retail layout: 14 months, guests, cancellations, postage lines."""
    rows = []
    products = [("85123A", "WHITE HANGING HEART T-LIGHT HOLDER", 2.55), ("71053", "WHITE METAL LANTERN", 3.39),
                ("84406B", "CREAM CUPID HEARTS COAT HANGER", 2.75), ("22752", "SET 7 BABUSHKA NESTING BOXES", 7.65),
                ("21730", "GLASS STAR FROSTED T-LIGHT HOLDER", 4.25)]
    days = pd.date_range("2010-12-01", "2012-01-31", freq="D")
    invoice = 536365
    for day in days:
        for _ in range(int(rng.integers(0, 3))):
            customer = "" if rng.random() < 0.15 else f"{int(rng.integers(12346, 12400))}.0"
            for code, name, price in [products[i] for i in rng.choice(5, int(rng.integers(1, 4)), replace=False)]:
                rows.append((str(invoice), code, name, int(rng.integers(1, 13)), day + pd.Timedelta(hours=10),
                             price, customer, "United Kingdom"))
            if rng.random() < 0.2:
                rows.append((str(invoice), "POST", "POSTAGE", 1, day + pd.Timedelta(hours=10), 18.0, customer,
                             "United Kingdom"))
            if rng.random() < 0.1 and customer:
                code, name, price = products[int(rng.integers(0, 5))]
                rows.append((f"C{invoice}", code, name, -1, day + pd.Timedelta(hours=15), price, customer,
                             "United Kingdom"))
            invoice += 1
    df = pd.DataFrame(rows, columns=["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice",
                                     "CustomerID", "Country"])
    df.assign(InvoiceDate=df["InvoiceDate"].dt.strftime("%Y-%m-%d %H:%M:%S")).to_csv(path, index=False)
    return df


@pytest.mark.slow
def test_report_runs_unchanged_on_an_online_retail_export(tmp_path, monkeypatch):
    df = _online_retail_export(tmp_path / "Online Retail.csv", np.random.default_rng(7))
    metrics, out = _run(tmp_path, monkeypatch, orders_path=str(tmp_path / "Online Retail.csv"), currency="GBP",
                        top_n=3)
    jan = df[(df["InvoiceDate"].dt.strftime("%Y-%m") == "2012-01") & (df["StockCode"] != "POST")]
    sales = jan[~jan["InvoiceNo"].str.startswith("C")]
    assert metrics["period"] == "Jan 2012"
    assert metrics["net_revenue"] == pytest.approx((jan["Quantity"] * jan["UnitPrice"]).sum(), abs=0.005)
    assert metrics["orders"] == sales["InvoiceNo"].nunique()
    assert metrics["customers"] == sales.loc[sales["CustomerID"] != "", "CustomerID"].nunique()
    returned = -(jan["Quantity"] * jan["UnitPrice"])[jan["InvoiceNo"].str.startswith("C")].sum()
    assert metrics["return_rate"] == pytest.approx(returned / (sales["Quantity"] * sales["UnitPrice"]).sum())
    text = _markdown(out)
    assert "The top 3 products by net revenue in Jan 2012 brought" in text
    assert "£" in text and "no category detail" in text
