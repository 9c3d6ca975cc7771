"""The line policies are defined once (workbench/data/orders/policies.py) and give the same lines and the same
load summary whether the lines are parsed here (a DataFrame) or read lazily through DuckDB (Parquet)."""
from __future__ import annotations

import pandas as pd
import pytest

from workbench.data import load_orders
from workbench.data.orders.policies import POLICIES

T = pd.Timestamp


@pytest.fixture
def lines() -> pd.DataFrame:
    """Ten lines worked by hand: 2 returns (-20, -5), 2 non-product (+4.50 postage, -1 fee), 2 without a
    customer, 1 sale of 0, 1 sale below 0, 1 line in GBP, 1 without a currency, 1 cancelled order (2 lines)."""
    return pd.DataFrame({
        "order_id": ["1", "1", "2", "3", "3", "4", "5", "6", "7", "7"],
        "customer_id": ["a", "a", None, "b", "b", "c", None, "d", "e", "e"],
        "order_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-02", "2024-01-03", "2024-01-09",
                                      "2024-01-04", "2024-01-05", "2024-01-06", "2024-01-07", "2024-01-08"]),
        "revenue": [30.0, 4.5, 12.0, 20.0, -20.0, 0.0, -1.0, 15.0, 8.0, -5.0],
        "quantity": [1, 1, 2, 1, -1, 1, 1, 1, 1, -1],
        "line_type": ["sale", "non_product", "sale", "sale", "return", "sale", "non_product", "sale", "sale",
                      "return"],
        "currency": ["EUR", "EUR", "EUR", "EUR", "EUR", None, "EUR", "GBP", "EUR", "EUR"],
        "status": ["completed", "completed", "completed", "refunded", "refunded", "completed", "completed",
                   "completed", "cancelled", "cancelled"],
    })


def items(loaded) -> list[tuple]:
    s = loaded.summary.resolve()
    return [(i.key, int(i.lines), i.treatment, None if i.revenue is None else round(float(i.revenue), 6),
             i.sentence()) for i in s.items]


def both(frame: pd.DataFrame, tmp_path, **options):
    path = tmp_path / "lines.parquet"
    frame.to_parquet(path, index=False)
    return load_orders(frame, **options), load_orders(path, **options)


OPTIONS = [
    dict(currency="EUR"),
    dict(currency="EUR", returns="drop"),
    dict(currency="EUR", non_product="keep"),
    dict(currency="EUR", cancelled="drop", returns="drop", non_product="keep"),
    dict(currency="GBP"),
]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()))
def test_eager_and_lazy_agree(lines, tmp_path, options):
    eager, lazy = both(lines, tmp_path, **options)
    assert not eager.lazy and lazy.lazy
    assert items(eager) == items(lazy)
    assert (eager.summary.lines_read, eager.summary.lines_kept) == \
        (lazy.summary.resolve().lines_read, lazy.summary.lines_kept)
    got = lazy.to_pandas().sort_values(["order_id", "order_date", "revenue"]).reset_index(drop=True)
    want = eager.to_pandas().sort_values(["order_id", "order_date", "revenue"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want)


def test_counts_by_hand(lines, tmp_path):
    """currency='EUR': the GBP line is left out first; the policies then count among the other nine."""
    for loaded in both(lines, tmp_path, currency="EUR"):
        s = loaded.summary.resolve()
        got = {i.key: (int(i.lines), i.treatment, i.revenue) for i in s.items}
        assert got == {
            "other_currency": (1, "dropped", 15.0),
            "currency_filled": (1, "changed", None),
            # the sales of the refunded order 3 (20) and the cancelled order 7 (8): said, as the status words
            # are taken as written (this file has their return lines too)
            "status_cancelled_or_refunded": (2, "kept", 28.0),
            "returns": (2, "kept", -25.0),
            "non_product": (2, "dropped", 3.5),
            "no_customer": (1, "kept", 12.0),       # the fee without a customer was dropped before
            "zero_revenue": (1, "kept", None),
        }
        assert (s.lines_read, s.lines_kept) == (10, 7)
        assert "1 line in another currency than EUR: left out" in s.to_markdown()
        assert "1 line without a currency: taken to be EUR" in s.to_markdown()
        assert set(loaded.to_pandas()["currency"]) == {"EUR"}


def test_cancelled_drop_leaves_out_orders_with_status_cancelled(lines, tmp_path):
    for loaded in both(lines, tmp_path, currency="EUR", cancelled="drop"):
        s = loaded.summary.resolve()
        assert (s["cancelled_orders"].lines, s["cancelled_orders"].revenue) == (2, 3.0)
        assert "7" not in set(loaded.to_pandas()["order_id"])
        assert "2 lines of orders with status cancelled: left out (cancelled='drop')" in s.to_markdown()
        assert (s["status_cancelled_or_refunded"].lines, s["status_cancelled_or_refunded"].revenue) == (1, 20.0)
        assert ("1 sale line of orders with status refunded: kept as sales, so revenue counts them unless the file "
                "also has the return lines that reverse them") in s.to_markdown()


def test_derived_quantity_and_line_types_are_said_the_same_way(tmp_path):
    frame = pd.DataFrame({"order_id": ["1", "2", "3"], "customer_id": ["a", "b", "c"],
                          "order_date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03"]),
                          "revenue": [5.0, -5.0, 7.0]})
    eager, lazy = both(frame, tmp_path)
    assert items(eager) == items(lazy) == [
        ("quantity_assumed", 3, "changed", None, "3 lines without a quantity column: quantity set to 1 per line"),
        ("returns_from_sign", 1, "note", None,
         "1 line with negative revenue or quantity: typed as returns (no line_type column)"),
        ("returns", 1, "kept", -5.0, "1 line of returns, refunds and cancellations: kept as negative revenue, so "
                                     "revenue is net of returns (returns='drop' to leave them out) (revenue -5.00)"),
    ]


def test_every_policy_has_a_sentence_for_each_choice():
    keys = [p.key for p in POLICIES]
    assert len(keys) == len(set(keys))
    for policy in POLICIES:
        assert policy.treatments and all(t.text and t.treatment in ("kept", "dropped", "changed", "note")
                                         for t in policy.treatments.values())


def test_no_policy_leaves_a_line_out(lines, tmp_path):
    """Nothing dropped (no currency or status column, non-product lines kept): every line is kept, both ways."""
    frame = lines.drop(columns=["currency", "status"])
    for loaded in both(frame, tmp_path, non_product="keep"):
        s = loaded.summary.resolve()
        assert (s.lines_read, s.lines_kept) == (10, 10) and len(loaded.to_pandas()) == 10


def test_a_shop_layout_that_reverses_cancellations_gets_no_status_note():
    # Shopify's and WooCommerce's layouts turn cancellations and refunds into return lines themselves
    for name in ("shopify_orders_export.csv", "woocommerce_order_export.csv"):
        s = load_orders(f"tests/fixtures/orders/{name}").summary.resolve()
        assert "cancelled_orders" in s and "status_cancelled_or_refunded" not in s, name
