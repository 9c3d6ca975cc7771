"""Contribution per order line: costs from the product costs, the margin for lines without a cost (counted, never
costed at zero), shipping per order."""
from __future__ import annotations

import pandas as pd
import pytest

import workbench as wb
from workbench.analyses import marketing as mk
from workbench.engine import to_pandas
from workbench.errors import DataError

ORDERS = "tests/fixtures/orders/shopify_orders_export.csv"   # 10 lines, net revenue 80.80, 5 orders


def test_without_costs_every_line_is_margin_times_revenue_and_shipping_is_per_order():
    lines = mk.contribution_lines(wb.load_orders(ORDERS), margin=0.4, shipping_cost=5.0)
    c = lines.counts
    assert (c["lines"], c["orders"], c["lines_without_cost"]) == (10, 5, 10)
    assert c["revenue"] == pytest.approx(80.80)
    assert c["contribution"] == pytest.approx(0.4 * 80.80 - 5 * 5.0)          # 32.32 - 25.00
    assert not lines.costs_given and lines.share_without_cost == pytest.approx(1.0)


def test_costs_by_sku_and_the_lines_without_a_cost():
    costs = pd.DataFrame({"sku": ["TEE-ORG-M"], "unit_cost": [4.0]})
    lines = mk.contribution_lines(wb.load_orders(ORDERS), costs=costs, margin=0.4)
    frame = to_pandas(lines.table).set_index(["order_id", "sku"])
    # order #1001: 2 tees sold for 45.00 at 4.00 each -> 37.00; #1004: 3 tees sold and returned -> +63 and -63
    assert frame.loc[("#1001", "TEE-ORG-M"), "contribution"] == pytest.approx(37.0)
    assert sorted(frame.loc[("#1004", "TEE-ORG-M"), "contribution"].tolist()) == [-63.0, 63.0]
    c = lines.counts
    assert c["lines_without_cost"] == 7 and c["revenue_without_cost"] == pytest.approx(35.80)
    assert c["contribution"] == pytest.approx(37.0 + 0.4 * 35.80)
    assert lines.contribution_margin == pytest.approx((37.0 + 0.4 * 35.80) / 80.80)


def test_loaded_costs_file():
    lines = mk.contribution_lines(wb.load_orders(ORDERS), costs=wb.load_product_costs(
        "tests/fixtures/marketing/sku_costs.csv"), margin=0.5)
    frame = to_pandas(lines.table)
    mug = frame[frame.sku == "MUG-L"].iloc[0]
    assert mug["costed"] and mug["cost"] == pytest.approx(3.25)


def test_bad_assumptions_are_refused():
    orders = wb.load_orders(ORDERS)
    with pytest.raises(DataError, match=r"contribution_lines: column `margin`: margin=1\.5 is not a share of revenue"):
        mk.contribution_lines(orders, margin=1.5)
    with pytest.raises(DataError, match=r"contribution_lines: column `shipping_cost`: shipping_cost is negative"):
        mk.contribution_lines(orders, shipping_cost=-1.0)
