"""The sales-performance report end to end: its defaults (CDNOW), an Online Retail export, and every thin export
a new shop brings (tests/fixtures/orders/thin/), where each section the data cannot fill says why and the rest runs.

The headline numbers recorded by the report are checked against values computed here directly from the files
with pandas (not through the package). The conventions every notebook shares are checked in
tests/test_notebooks_clean.py.
"""
from __future__ import annotations

import json

import nbformat
import numpy as np
import pandas as pd
import pytest

from workbench import config, provenance
from workbench.reports import sales as S

NOTEBOOK = config.NOTEBOOKS_DIR / "sales-performance.ipynb"
THIN = config.PROJECT_ROOT / "tests" / "fixtures" / "orders" / "thin"


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
    assert list(metrics) == list(S.HEADLINES)
    text = _markdown(out)
    assert "**Jun 1998**: net revenue **$76,109**" in text
    assert "no product or category detail" in text
    last_first_order = raw.groupby("customer_id")["order_date"].min().max()
    assert f"{last_first_order:%b %Y}" == "Mar 1997"                 # 15 months before Jun 1998
    assert ("No customer placed a first order in Jun 1998; the last did in Mar 1997, 15 months earlier: either "
            "acquisition has stopped, or the data covers only customers acquired up to then.") in text
    # the bridge: whole-dollar totals and steps that add up to the shown change; 1,488 -> 1,506 customers
    assert ("Net revenue rose by **$5,119** (+7.2%) from May 1998 ($70,990) to Jun 1998 ($76,109). Through its "
            "drivers: more customers ordered (+$884)") in text
    assert (may98["customer_id"].nunique(), june98["customer_id"].nunique()) == (1_488, 1_506)
    html = " ".join(o["data"].get("text/html", "") for c in out.cells for o in c.get("outputs", []) if "data" in o)
    assert "Net revenue through customers, orders per customer and order value" in html
    assert "not computed for this data" not in text
    assert sum("image/png" in o.get("data", {}) for c in out.cells for o in c.get("outputs", [])) >= 11


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
    dec = df[(df["InvoiceDate"].dt.strftime("%Y-%m") == "2011-12") & (df["StockCode"] != "POST")]
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
    # guests and cancellations: the bridge has their steps, and ends at January's net revenue
    before, after = ((m["Quantity"] * m["UnitPrice"]).sum() for m in (dec, jan))
    shown = round(after) - round(before)                            # whole pounds: the totals are over £1,000
    assert f"Net revenue {'rose' if shown > 0 else 'fell'} by **£{abs(shown):,.0f}**" in text
    assert "guest sales" in text and "returns" in text


# fixture -> sections that say why they are missing (and the words), and sentences of the sections that run
THIN_CASES = {
    "one_order": {
        "skipped": {"Revenue bridge": "there is no Feb 2024 to compare Mar 2024 with",
                    "Acquisition cohorts": "no calendar month is complete yet",
                    "Customer segments (RFM)": "only 1 identified customer ordered up to the reported date"},
        "shown": ["**Mar 2024** (the data does not cover the whole period): net revenue **$25**",
                  "The top product by net revenue in Mar 2024"]},
    "one_customer": {
        "skipped": {"Customer segments (RFM)": "only 1 identified customer ordered up to the reported date"},
        "shown": ["Net revenue fell by **$51.00** (-60.0%) from Jan 2024 ($85.00) to Feb 2024 ($34.00)",
                  "1 monthly cohort (Jan 2024), 1 customer in all."]},
    "one_week": {
        "skipped": {"Revenue bridge": "there is no Feb 2024 to compare Mar 2024 with",
                    "Acquisition cohorts": "no calendar month is complete yet"},
        "shown": ["As of 10 Mar 2024,"]},
    "shopify_4_days": {
        "skipped": {"Revenue bridge": "there is no Feb 2024 to compare Mar 2024 with",
                    "Acquisition cohorts": "no calendar month is complete yet: the orders run from 04 Mar 2024 to "
                                           "07 Mar 2024, and cohorts compare whole months"},
        "shown": ["As of 07 Mar 2024,", "5 customers ordered: 5 new and 0 returning"]},
    "twelve_orders_five_customers": {
        "skipped": {"Revenue bridge": "there is no Feb 2024 to compare Mar 2024 with",
                    "Acquisition cohorts": "no calendar month is complete yet"},
        "shown": ["As of 21 Mar 2024,", "12 orders at an average order value"]},
    "month_no_returns": {
        "skipped": {"Revenue bridge": "there is no Feb 2024 to compare Mar 2024 with"},
        "shown": ["**Mar 2024**: net revenue", "The data has no return or refund lines",
                  "1 monthly cohort (Mar 2024), 20 customers in all. No cohort is old enough yet",
                  "As of 31 Mar 2024,"]},
}


def test_every_thin_fixture_has_a_case():
    assert sorted(p.stem for p in THIN.glob("*.csv")) == sorted(THIN_CASES)


@pytest.mark.slow
@pytest.mark.parametrize("fixture", sorted(THIN_CASES))
def test_report_runs_on_thin_exports_and_says_what_it_left_out(tmp_path, monkeypatch, fixture):
    metrics, out = _run(tmp_path, monkeypatch, orders_path=str(THIN / f"{fixture}.csv"))
    assert list(metrics) == list(S.HEADLINES)                       # every headline, missing ones as null
    text = _markdown(out)
    case = THIN_CASES[fixture]
    for section, why in case["skipped"].items():
        assert f"*{section}: not computed for this data.* " in text, section
        assert why in text or why[0].upper() + why[1:] in text, why   # after a full stop it starts a sentence
    for section in {"Revenue bridge", "Acquisition cohorts", "Customer segments (RFM)"} - set(case["skipped"]):
        assert f"*{section}: not computed" not in text, section
    for words in case["shown"]:
        assert words in text, words
    assert "at a glance" in text and "no line has a customer id" not in text
