"""The GENERATED order-line generator: seeded, canonical, and shaped like a shop (checked on its own output
against the assumptions its docstring states; the figures are properties we designed in, not real-world facts)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from workbench.data.schema import ORDERS
from workbench.data.synthetic.orders import (ORDERS_SAMPLE_LABEL, generate_orders, iter_order_batches,
                                             write_orders_parquet)


@pytest.fixture(scope="module")
def lines() -> pd.DataFrame:
    return generate_orders(60_000, seed=11)


def test_seeded(lines):
    again = generate_orders(60_000, seed=11)
    pd.testing.assert_frame_equal(lines, again)
    other = generate_orders(60_000, seed=12)
    assert not other["revenue"].equals(lines["revenue"])


def test_canonical_and_exact_size(lines):
    assert len(lines) == 60_000
    assert [c.name for c in ORDERS] == list(lines.columns)
    for c in ORDERS:
        assert str(lines[c.name].dtype) == c.dtype or (c.dtype == "string" and lines[c.name].dtype == "string")
    assert lines.attrs["generated"] == ORDERS_SAMPLE_LABEL
    assert set(lines["line_type"]) == {"sale", "return"}


def test_money_is_consistent(lines):
    sales = lines[lines.line_type == "sale"]
    assert np.allclose(sales.revenue, (sales.quantity * sales.unit_price - sales.discount).round(2), atol=0.006)
    rets = lines[lines.line_type == "return"]
    assert (rets.revenue < 0).all() and (rets.quantity < 0).all() and (rets.tax == 0).all()
    # tax and shipping only on an order's first sale line
    later = sales.duplicated("order_id")
    assert (sales.loc[later, ["tax", "shipping"]] == 0).all().all()


def test_shop_shape(lines):
    sales = lines[lines.line_type == "sale"]
    assert 0.030 < (lines.line_type == "return").mean() < 0.045          # 4% of sale lines returned
    assert 0.010 < sales.customer_id.isna().mean() < 0.035               # ~2% guest orders
    per_order = sales.groupby("order_id").size().mean()
    assert 1.6 < per_order < 2.0                                          # 1 + Poisson(0.8)
    orders = sales.dropna(subset=["customer_id"]).groupby("customer_id")["order_id"].nunique()
    assert 0.3 < (orders == 1).mean() < 0.7                              # many one-time buyers
    assert orders.max() >= 10                                            # and a few heavy buyers
    rev = sales.groupby("customer_id")["revenue"].sum().sort_values(ascending=False)
    assert rev.head(len(rev) // 10).sum() / rev.sum() > 0.3              # top 10% bring > 30% of revenue
    sku_share = sales["sku"].value_counts(normalize=True)
    assert sku_share.head(24).sum() > 0.2                                # top 1% of skus > 20% of lines
    by_month = sales.groupby(sales.order_date.dt.month)["order_id"].nunique()
    assert by_month[12] > 1.2 * by_month[[2, 3, 4, 5, 6]].mean()         # December peak
    assert lines.order_date.min() >= pd.Timestamp("2022-01-01")
    assert lines.order_date.max() <= pd.Timestamp("2024-12-31 23:59:59")


def test_batches_continue_ids(tmp_path):
    batches = list(iter_order_batches(9_000, seed=5, batch_lines=3_000))
    sizes = [b.num_rows for b in batches]
    assert sum(sizes) == 9_000 and max(sizes) <= 3_000 and min(sizes[:3]) >= 2_850
    ids = [set(b.column("order_id").to_pylist()) for b in batches]
    customers = [set(b.column("customer_id").drop_null().to_pylist()) for b in batches]
    for i in range(len(batches) - 1):  # whole customers per batch, ids never reused
        assert not (ids[i] & ids[i + 1]) and not (customers[i] & customers[i + 1])


def test_parquet_in_chunks(tmp_path):
    path = write_orders_parquet(tmp_path / "g.parquet", n_lines=7_000, seed=5, batch_lines=2_500,
                                row_group_lines=2_500)
    meta = pq.ParquetFile(path).metadata
    assert meta.num_rows == 7_000 and meta.num_row_groups >= 3
    assert pq.read_schema(path).metadata[b"workbench.generated"].decode() == ORDERS_SAMPLE_LABEL
    assert not (tmp_path / "g.parquet.partial").exists()
