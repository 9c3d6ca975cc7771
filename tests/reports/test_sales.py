"""The sales report's words: headline and data sentences, the Monday page, the revenue bridge's sentence and table,
cohort, segment and product sentences, the glossary, and the headline metrics it records (on the hand-worked
store of tests/analyses/sales/conftest.py)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import workbench as wb
from tests.analyses.sales.conftest import make_store
from workbench import config, provenance
from workbench.analyses.customers import rfm as _rfm_module  # noqa: F401  (the module, for RFM_SEGMENTS)
from workbench.analyses.sales import bridge as B
from workbench.analyses.sales import cohorts as C
from workbench.analyses.sales import kpis as K
from workbench.analyses.sales import products as P
from workbench.present.narrative import Markdown
from workbench.reports import sales as S
from workbench.sections import Skipped


@pytest.fixture
def store():
    return make_store()


@pytest.fixture
def store_with_products():
    return make_store(with_products=True)


@pytest.fixture
def comparison(store):
    return K.kpi_comparison(store)


class _Loaded:
    def __init__(self, source: str, format: str = "canonical") -> None:
        self.source, self.format = source, format


def _cells(styler) -> pd.DataFrame:
    """The displayed strings of a Styler, under the displayed column labels."""
    styler._compute()
    shown = styler.data.copy().astype(object)
    for (i, j), f in styler._display_funcs.items():
        shown.iat[i, j] = f(styler.data.iat[i, j])
    return shown


def test_every_metric_has_words():
    assert set(K.METRICS) | set(C.COHORT_METRICS) <= set(S.DEFINITIONS)
    assert {step for steps in B.BRIDGES.values() for step in steps} == set(S.BRIDGE_STEPS)
    assert [s.name for s in wb.customers.RFM_SEGMENTS] == list(S.SEGMENT_GUIDE)


class TestHeadline:
    def test_numbers_come_from_the_comparison(self, comparison):
        text = S.headline_md(comparison, currency="EUR")
        assert isinstance(text, Markdown)
        assert text.startswith("## Jan 2024 at a glance\n\n**Jan 2024**: net revenue **€175**, **+75.0%** against "
                               "Dec 2023 and **+118.8%** against Jan 2023.")
        assert "4 orders (**+300.0%** against Dec 2023) at an average order value of €50.00" in text
        assert "2 customers ordered: 1 new and 1 returning" in text
        assert "Return rate 12.5% of sales revenue (+12.5 pp against Dec 2023)." in text

    def test_a_first_period_has_nothing_to_compare_with(self, store):
        text = S.headline_md(K.kpi_comparison(store, period_end="2023-01-31"))
        assert ("**Jan 2023** (the data does not cover the whole period): net revenue **$80**. The orders start on "
                "15 Jan 2023, so there is no earlier month to compare with.") in text
        assert "1 order at an average order value of $80.00; 1.00 units per order." in text
        assert "1 customer ordered: 1 new and 0 returning" in text

    def test_a_period_without_new_customers_says_since_when(self, store):
        text = S.headline_md(K.kpi_comparison(store, period="week", period_end="2024-01-17"))
        assert ("1 customer ordered: 0 new and 1 returning; returning customers brought $60 (75.0% of net revenue). "
                "No customer placed a first order in the week of 15 Jan 2024; the last did in the week of 8 Jan "
                "2024.\n") in text
        day = S.headline_md(K.kpi_comparison(store, period="day", period_end="2024-01-20"))     # B's second order
        assert "No customer placed a first order on 20 Jan 2024; the last did on 10 Jan 2024, 10 days earlier" in day
        # B orders again in June; the last first order was C's, in February: four months earlier
        june = pd.concat([store, pd.DataFrame({"order_id": ["o8"], "customer_id": pd.array(["B"], dtype="string"),
                                               "order_date": pd.to_datetime(["2024-06-30"]).astype("datetime64[us]"),
                                               "revenue": [30.0], "quantity": [1], "line_type": ["sale"]})])
        text = S.headline_md(K.kpi_comparison(june, period_end="2024-06-30"))
        assert ("No customer placed a first order in Jun 2024; the last did in Feb 2024, 4 months earlier: either "
                "acquisition has stopped, or the data covers only customers acquired up to then.") in text
        assert "No customer placed" not in S.headline_md(K.kpi_comparison(store))          # B was new in January
        assert "No customer placed" not in S.headline_md(K.kpi_comparison(store, period_end="2023-11-30"))  # no order

    def test_no_returns(self, store):
        text = S.headline_md(K.kpi_comparison(store[store["line_type"] == "sale"]))
        assert text.endswith("The data has no return or refund lines, so no return rate is shown.")


class TestKpiTable:
    def test_formatted_values_arrows_and_colours(self, comparison):
        styler = S.kpi_table(comparison)
        page = styler.data.set_index("Metric")
        assert list(page.columns) == ["Jan 2024", "vs Dec 2023", "vs Jan 2023"]
        assert page.loc["Net revenue", "Jan 2024"] == "$175.00"
        assert page.loc["Net revenue", "vs Dec 2023"] == "▲ +75.0% (was $100.00)"
        assert page.loc["Repeat purchase rate (within the period)", "vs Dec 2023"] == "▲ +50.0 pp (was 0.0%)"
        assert page.loc["New customers", "vs Dec 2023"] == "= no change (was 1)"
        assert page.loc["Return rate", "vs Dec 2023"] == "▲ +12.5 pp (was 0.0%)"
        html = styler.to_html()
        assert "color: #c62828" in html and "color: #2e7d32" in html            # return rate up = red
        assert "Month Jan 2024 (01 Jan 2024 to 31 Jan 2024) against the previous month and a year earlier" in html

    def test_no_return_rate_row_without_returns_and_a_partial_period(self, store):
        c = K.kpi_comparison(store[store["line_type"] == "sale"], period_end="2024-02-10")
        page = S.kpi_table(c).data
        assert "Return rate" not in set(page["Metric"])
        assert list(page.columns)[1] == "Feb 2024 (partial)"


class TestBridge:
    def test_table_steps_add_up_to_the_shown_change(self, comparison):
        shown = S.bridge_table(B.revenue_bridge(comparison)).data
        assert list(shown.columns) == ["Step", "Dec 2023", "Jan 2024", "Change in net revenue"]
        assert shown.to_dict(orient="list") == {
            "Step": ["Customers who ordered", "Orders per customer", "Average order value",
                     "Guest sales (no customer id)", "Returns", "Net revenue"],
            "Dec 2023": ["1", "1.00", "$100.00", "$0.00", "$0.00", "$100.00"],
            "Jan 2024": ["2", "1.50", "$60.00", "$20.00", "$25.00", "$175.00"],
            "Change in net revenue": ["+$94.34", "+$55.19", "-$69.53", "+$20.00", "-$25.00", "+$75.00"],
        }

    def test_rounding_keeps_the_sum(self):
        # 1.4 + 1.4 + 1.2 = 4.0 shown in whole units: 1 + 1 + 1 would be 3; the largest remainders get the unit
        assert S._rounded_to_sum(np.array([1.4, 1.4, 1.2]), 4.0, 0).tolist() == [2.0, 1.0, 1.0]
        assert S._rounded_to_sum(np.array([0.5, -0.5]), 0.0, 0).sum() == 0.0
        assert S._rounded_to_sum(np.array([2.6, 2.6]), 6.0, 0).tolist() == [3.0, 3.0]

    def test_sentence(self, comparison):
        text = S.bridge_md(B.revenue_bridge(comparison),
                           customer_types=B.revenue_bridge(comparison, by="customer_type"))
        assert text == ("Net revenue rose by **$75.00** (+75.0%) from Dec 2023 ($100.00) to Jan 2024 ($175.00). "
                        "Through its drivers: more customers ordered (+$94.34), each ordered more often (+$55.19), "
                        "orders were smaller on average (-$69.53), guest sales rose (+$20.00) and returns rose "
                        "(-$25.00). By customer type: returning customers bought more (+$80.00), guest sales rose "
                        "(+$20.00) and returns rose (-$25.00).")

    def test_a_skipped_bridge_says_why(self, store):
        c = K.kpi_comparison(store, period_end="2023-12-31")             # November had no orders
        drivers = wb.attempt(B.revenue_bridge, c, section="Revenue bridge")
        text = S.bridge_md(drivers, customer_types=B.revenue_bridge(c, by="customer_type"))
        assert text.startswith("Net revenue rose by **$100.00** from Nov 2023 ($0.00) to Dec 2023 ($100.00). "
                               "By customer type: new customers bought more (+$100.00).")
        assert text.endswith("*Not split for this data:* no identified customer ordered in Nov 2023, so the change "
                             "cannot be split into customers, orders per customer and order value.")
        assert S.bridge_table(drivers) is None                            # the sentence above says why
        both = S.bridge_md(Skipped("no Dec 2022"), customer_types=Skipped("no Dec 2022"))
        assert isinstance(both, Skipped) and both.reason == "no Dec 2022"


def test_data_note_names_the_file_dates_and_revenue_convention(store):
    kpis = K.kpis_by_period(store)
    text = S.data_md(_Loaded("/shop/exports/orders_export_1.csv", "shopify"), kpis=kpis)
    assert text == ("Data: `orders_export_1.csv` (shopify layout), orders from 15 Jan 2023 to 20 Feb 2024 (8 orders). "
                    "Revenue is net sales: after discounts and returns, before tax and shipping.")


def test_generated_data_is_labelled(store, tmp_path, monkeypatch):
    kpis = K.kpis_by_period(store)
    generated = _Loaded(str(config.GENERATED_DIR / "orders_1M.parquet"))
    assert S.data_md(generated, kpis=kpis).startswith("**Generated data**: these order lines are synthetic")
    monkeypatch.setenv(provenance.RUN_DIR_ENV, str(tmp_path))
    S.record_headlines(K.kpi_comparison(store), cohorts=C.cohort_retention(store), orders=generated)
    _, metrics = provenance.read_run_records(tmp_path)
    assert {m["name"]: m["label"] for m in metrics}["net_revenue"] == "Net revenue, Jan 2024 (GENERATED data)"


class TestRecordHeadlines:
    def test_names_kinds_values_and_directions(self, store, comparison, tmp_path, monkeypatch):
        monkeypatch.setenv(provenance.RUN_DIR_ENV, str(tmp_path))
        out = S.record_headlines(comparison, cohorts=C.cohort_retention(store), currency="EUR")
        assert out == {
            "period": "Jan 2024", "net_revenue": 175.0, "net_revenue_change_vs_previous": pytest.approx(0.75),
            "net_revenue_change_vs_last_year": pytest.approx(175 / 80 - 1), "orders": 4, "average_order_value": 50.0,
            "customers": 2, "new_customers": 1, "repeat_purchase_rate": 0.5, "returning_customer_rate": 1.0,
            "return_rate": 0.125, "month_1_retention": 0.5,
        }
        _, metrics = provenance.read_run_records(tmp_path)
        by_name = {m["name"]: m for m in metrics}
        assert list(by_name) == list(S.HEADLINES)
        assert by_name["net_revenue"] == {"name": "net_revenue", "value": 175.0, "label": "Net revenue, Jan 2024",
                                          "kind": "money", "unit": "EUR", "good": "up", "key": True}
        assert by_name["net_revenue_change_vs_previous"]["label"] == "Net revenue change vs Dec 2023"
        assert by_name["net_revenue_change_vs_last_year"]["label"] == "Net revenue change vs Jan 2023"
        assert by_name["return_rate"]["good"] == "down" and by_name["period"]["good"] is None
        assert by_name["orders"]["kind"] == "count" and by_name["orders"]["unit"] is None

    def test_a_skipped_cohort_section_records_retention_as_missing(self, comparison):
        out = S.record_headlines(comparison, cohorts=Skipped("no calendar month is complete yet"))
        assert out["month_1_retention"] is None and provenance.recorded_metrics()["month_1_retention"] is None


class TestCohortsAndSegments:
    def test_cohort_sentence(self, store):
        text = S.cohorts_md(C.cohort_retention(store), ages=(1, 12))
        assert text.startswith("3 monthly cohorts (Jan 2023 to Jan 2024), 3 customers in all.")
        assert "50.0% ordered again in month 1; 0.0% ordered again in month 12" in text
        assert "By month 12 an acquired customer had brought in $80.00" in text

    def test_one_young_cohort(self, store):
        text = S.cohorts_md(C.cohort_retention(store[store["order_date"] >= pd.Timestamp("2024-02-01")],
                                               complete_months_only=False))
        assert text == ("1 monthly cohort (Feb 2024), 2 customers in all. No cohort is old enough yet to show "
                        "retention after its first month.")

    def test_skipped_sections_pass_their_reason_through(self):
        skipped = Skipped("no calendar month is complete yet", section="Acquisition cohorts")
        assert S.cohorts_md(skipped) is skipped and S.segments_md(skipped) is skipped
        assert S.segments_table(skipped) is None
        assert skipped._repr_markdown_() == ("*Acquisition cohorts: not computed for this data.* No calendar month "
                                             "is complete yet")

    def test_segment_sentence(self, store):
        summary = wb.customers.rfm_segment_summary(wb.customers.rfm(store), min_customers=1)
        text = S.segments_md(summary, as_of="2024-02-20")
        assert text == ("As of 20 Feb 2024, **At risk** bring the most net revenue: 37.3% of it from 25.0% of the "
                        "customers (1). 1 customer who used to buy often or spend well has not ordered for a long "
                        "time (At risk, Can't lose them: 37.3% of net revenue so far). 0 of 4 customers have a score "
                        "combination no rule covers and were placed in the nearest segment.")

    def test_segment_table_headers_and_formats(self, store):
        summary = wb.customers.rfm_segment_summary(wb.customers.rfm(store), min_customers=1)
        shown = _cells(S.segments_table(summary))
        assert list(shown.columns) == ["Segment", "Customers", "Share of customers", "Net revenue",
                                       "Share of net revenue", "Average order value", "Median days since last order",
                                       "Average orders"]
        at_risk = shown.set_index("Segment").loc["At risk"]
        assert at_risk.tolist() == ["1", "25.0%", "$155", "37.3%", "$77.50", "46", "2.0"]


class TestProducts:
    def test_no_detail(self, store):
        none = S.products_md(P.top_products(store), categories=P.top_products(store, by="category"))
        assert none.startswith("The data has no product or category detail")

    def test_rankings(self, store_with_products):
        both = S.products_md(P.top_products(store_with_products, n=1),
                             categories=P.top_products(store_with_products, by="category", n=1))
        assert both == ("The top product by net revenue in Jan 2024 brought 62.9% of the period's net revenue. "
                        "The top category by net revenue in Jan 2024 brought 97.1% of the period's net revenue.")
        three = S.products_md(P.top_products(store_with_products), categories=P.top_products(store_with_products,
                                                                                            by="category"))
        assert three.startswith("The top 3 products by net revenue in Jan 2024 brought 100.0% of the period's net "
                                "revenue.")

    def test_one_ranking_without_detail(self, store_with_products):
        products = P.top_products(store_with_products.drop(columns="category"), n=1)
        categories = P.top_products(store_with_products.drop(columns="category"), by="category")
        assert S.products_md(products, categories=categories).endswith(
            "The data has no category detail (no `category` column with values), so there is no category ranking. "
            "Exports from Shopify, WooCommerce or Online Retail carry it; CDNOW records only amounts and quantities.")


class TestGlossary:
    def test_every_definition_is_rendered(self):
        g = S.glossary_table().data
        assert len(g) == len(S.DEFINITIONS) and list(g.columns) == ["Metric", "Definition", "Formula"]
        aov = g.set_index("Metric").loc["Average order value"]
        assert "excluding tax, shipping and returns" in aov["Definition"] and aov["Formula"] == "sales revenue / orders"
        assert "LMDI" in g.set_index("Metric").loc["Revenue bridge", "Definition"]
        assert len(S.rfm_glossary_table().data) == len(S.RFM_DEFINITIONS)

    def test_segment_rules_match_the_rfm_package(self):
        rules = S.segment_rules_table().data.set_index("Segment")
        assert rules.loc["Champions", ["R", "F", "M"]].tolist() == ["4-5", "4-5", "4-5"]
        assert rules.loc["New", ["R", "F", "M"]].tolist() == ["4-5", "1", "1"]
        assert rules.loc["Can't lose them", ["R", "F", "M"]].tolist() == ["1", "4-5", "4-5"]
        assert rules.loc["Lost", "Who they are"].startswith("Last order long ago")
        assert len(rules) == 10
