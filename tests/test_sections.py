"""Sections that thin data cannot fill: the reason is carried to the sentence, table and chart in its place."""
from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from workbench.errors import DataError, NotEnoughData
from workbench.sections import Skipped, attempt, skippable, skippable_chart


def personas(customers: int, *, k: int = 3) -> str:
    if customers < 2 * k:
        raise NotEnoughData(f"{customers} customers are too few for {k} personas", source="orders.csv",
                            fix="Personas need at least 2 customers per persona")
    return f"{k} personas"


def test_attempt_returns_the_result_or_the_reason():
    assert attempt(personas, 12, k=3) == "3 personas"
    skipped = attempt(personas, 5, k=3, section="Buyer personas")
    assert isinstance(skipped, Skipped) and not skipped
    assert skipped.reason == ("orders.csv: 5 customers are too few for 3 personas. "
                              "Personas need at least 2 customers per persona.")
    assert skipped._repr_markdown_().startswith("*Buyer personas: not computed for this data.* orders.csv: 5")


def test_a_reason_reads_as_a_sentence_after_the_full_stop():
    # a plain first word is capitalised; a name (a file, a function, a series) is kept as written
    assert Skipped("no orders were given: pass them").sentence == "No orders were given: pass them"
    assert Skipped("orders.csv: 5 customers").sentence == "orders.csv: 5 customers"
    assert Skipped("tuna: the panel records no promotions").sentence == "tuna: the panel records no promotions"
    assert Skipped("load_pay_survey(path=None): no data").sentence == "load_pay_survey(path=None): no data"
    assert Skipped("no calendar month", "Cohorts").text() == "*Cohorts: not computed for this data.* No calendar month"


def test_other_errors_still_fail():
    with pytest.raises(DataError, match="bad"):
        attempt(lambda: (_ for _ in ()).throw(DataError("bad")))


def test_a_section_built_on_a_skipped_one_is_skipped_for_the_same_reason():
    first = Skipped("no complete month", "Cohorts")
    later = attempt(len, first, section="Retention")
    assert later == Skipped("no complete month", "Retention")


def test_report_functions_and_charts_show_the_reason():
    @skippable
    def headline_md(result, *, currency="USD"):
        return f"{result} in {currency}"

    @skippable_chart
    def plot_result(result, *, title=None, ax=None, **kwargs):
        raise AssertionError("not called for a skipped section")

    skipped = Skipped("too few customers", "Personas")
    assert headline_md("3 personas") == "3 personas in USD"
    assert headline_md(skipped) is skipped
    ax = plot_result(skipped)
    assert ax.get_title(loc="left") == "Personas"
    assert "Not drawn for this data: too few customers" in ax.texts[0].get_text()
    plt.close("all")
