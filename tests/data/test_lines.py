"""Order lines as analyses read them: column mapping, the columns an analysis needs and their kinds."""
from __future__ import annotations

import warnings

import ibis
import pandas as pd
import pytest

from workbench import engine
from workbench.data.lines import order_lines
from workbench.errors import DataError


@pytest.fixture
def lines() -> pd.DataFrame:
    return pd.DataFrame({
        "order_id": ["a", "a", "b"],
        "customer_id": [1, 1, 2],
        "order_date": pd.to_datetime(["2024-01-03", "2024-01-03", "2024-02-29"]).astype("datetime64[us]"),
        "revenue": [10.0, 5.0, 7.5],
        "quantity": [1, 2, 1],
        "line_type": ["sale", "sale", "sale"],
    })


def _memtable(df: pd.DataFrame) -> ibis.Table:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*infer_string.*")
        return ibis.memtable(df)


class Holder:
    """Stands in for OrderLines: anything with an Ibis ``.table`` and a ``.source``."""

    def __init__(self, table, source="shop/orders.csv"):
        self.table, self.source = table, source


class TestOrderLines:
    def test_selects_renames_and_casts_ids_to_text(self, lines):
        t = order_lines(lines.rename(columns={"customer_id": "Email"}),
                        need=("customer_id", "revenue"), columns={"customer_id": "Email"})
        df = engine.to_pandas(t)
        assert list(df.columns) == ["customer_id", "revenue"]
        assert df["customer_id"].tolist() == ["1", "1", "2"]

    def test_line_type_none_makes_every_line_a_sale(self, lines):
        t = order_lines(lines.drop(columns="line_type"), need=("line_type",), columns={"line_type": None})
        assert engine.to_pandas(t)["line_type"].tolist() == ["sale"] * 3

    def test_missing_columns_are_named_with_the_source_and_the_fix(self, lines):
        with pytest.raises(DataError, match=r"^shop/orders\.csv: column `Email`: 2 needed columns not found "
                                            r"\(`Email`, `order_id`\)\. Load the file with wb\.load_orders\(path\).*"
                                            r"customer='<your column>'. Columns present: \['customer_id'"):
            order_lines(Holder(_memtable(lines.drop(columns="order_id"))), need=("customer_id", "order_id"),
                               columns={"customer_id": "Email"})

    def test_only_line_type_can_be_switched_off(self, lines):
        with pytest.raises(DataError, match=r"column `revenue`: column `revenue` cannot be switched off"):
            order_lines(lines, need=("revenue",), columns={"revenue": None})

    @pytest.mark.parametrize("column, value, kind", [
        ("order_date", "03/01/2024", "dates or timestamps"),
        ("revenue", "12,50", "numbers"),
        ("quantity", "two", "numbers"),
    ])
    def test_wrong_kinds_show_the_first_value(self, lines, column, value, kind):
        bad = lines.assign(**{column: [value] * 3})
        with pytest.raises(DataError, match=rf"column `{column}`: values are string, not {kind} "
                                            rf"\(first: '{value}'\)\."):
            order_lines(bad, need=(column,))
