"""Contribution per order line: revenue minus what the goods cost and what shipping the order costs the shop.

``contribution = revenue - cost of goods - shipping cost``, line by line (as an Ibis expression over the order
lines, so it runs where the orders live):

- **cost of goods** = quantity x the sku's unit cost from the product costs (:func:`workbench.load_product_costs`);
  returns carry negative quantities, so the goods coming back reduce the cost. A line whose sku has no cost (or
  that has no sku) is **counted and said**, never costed at zero: its cost is estimated from the ``margin``
  parameter, ``(1 - margin) x revenue``, and the report gives the number of such lines and their share of revenue.
  Without any costs file every line is costed that way, and the report says contribution is margin x revenue.
- **shipping cost**: ``shipping_cost`` per order (what the carrier charges the shop; order exports do not hold
  it), spread evenly over the order's sale lines; 0 = not known, not deducted (said).
- Non-product lines (fees, adjustments, when kept by the loader) cost nothing: their revenue is all contribution.

Contribution is before marketing: acquisition cost is what it has to pay back (see :mod:`.payback`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ibis
import pandas as pd

from workbench.data.costs import ProductCosts
from workbench.data.lines import order_lines
from workbench.data.schema import NON_PRODUCT, SALE
from workbench.engine import as_table, to_pandas
from workbench.analyses.marketing.inputs import require_orders
from workbench.errors import DataError

__all__ = ["contribution_lines", "ContributionLines"]

_NEED = ("order_id", "customer_id", "order_date", "revenue", "quantity", "line_type")


@dataclass
class ContributionLines:
    """Order lines with ``cost``, ``contribution`` and ``costed`` (the sku had a cost), and how they were costed.

    ``table``: an Ibis table (every column an analysis of cohorts needs, plus ``channel`` and ``sku`` when the
    orders have them); ``counts``: lines, revenue, cost, contribution, and the lines and revenue without a cost;
    ``costs_given``: whether a costs file was given; ``margin`` and ``shipping_cost``: the assumptions used.
    """

    table: ibis.Table
    counts: dict
    costs_given: bool
    margin: float
    shipping_cost: float
    source: str = "orders"

    @property
    def contribution_margin(self) -> float:
        """Contribution / revenue over all lines."""
        rev = self.counts["revenue"]
        return float(self.counts["contribution"] / rev) if rev else float("nan")

    @property
    def share_without_cost(self) -> float:
        """Share of revenue on lines whose cost was estimated from the margin."""
        rev = self.counts["revenue"]
        return float(self.counts["revenue_without_cost"] / rev) if rev else float("nan")

    def __repr__(self) -> str:
        return (f"<ContributionLines {self.counts['lines']:,} lines, contribution margin "
                f"{self.contribution_margin:.1%}, {self.counts['lines_without_cost']:,} lines without a cost>")


def contribution_lines(orders: Any, *, costs: ProductCosts | pd.DataFrame | None = None, margin: float = 0.30,
                       shipping_cost: float = 0.0) -> ContributionLines:
    """Cost and contribution of every order line (see the module docstring for the rules).

    Parameters
    ----------
    orders : OrderLines, DataFrame or Ibis table
        Canonical order lines (``sku`` needed to use costs; ``channel`` is carried along when present).
    costs : ProductCosts or DataFrame, optional
        Unit cost per sku (a frame needs ``sku`` and ``unit_cost``). None or an empty ProductCosts: every line is
        costed from ``margin``.
    margin : float
        Gross margin as a share of revenue, used for lines without a cost (0.30 = goods cost 70% of revenue).
    shipping_cost : float
        What shipping one order costs the shop, in the orders' currency (0 = not known, not deducted).

    Returns
    -------
    ContributionLines
    """
    require_orders(orders)
    if not 0 < margin <= 1:
        raise DataError(f"margin={margin} is not a share of revenue in (0, 1]", source="contribution_lines",
                        column="margin", example=margin, fix="Pass e.g. margin=0.3 for a 30% gross margin")
    if shipping_cost < 0:
        raise DataError("shipping_cost is negative", source="contribution_lines", column="shipping_cost",
                        example=shipping_cost, fix="Pass what shipping one order costs the shop, 0 or more")
    raw = as_table(orders)
    extra = [c for c in ("sku", "channel") if c in raw.columns]
    t = order_lines(orders, need=(*_NEED, *extra))
    if extra:
        t = t.mutate(**{c: t[c].cast("string") for c in extra})
    frame = costs.frame if isinstance(costs, ProductCosts) else costs
    given = frame is not None and len(frame) > 0
    if given and "sku" not in t.columns:
        raise DataError("the orders have no sku column, so product costs cannot be matched", source="orders",
                        column="sku", fix="Load an export with the line items' sku (Shopify: Lineitem sku), or "
                                          "leave the costs out and use the margin parameter")
    if given:
        ct = as_table(pd.DataFrame({"_sku": frame["sku"].astype(str), "_unit_cost": frame["unit_cost"]}))
        t = t.left_join(ct, t.sku == ct._sku).drop("_sku")
        unit = t._unit_cost
    else:
        unit = ibis.null().cast("float64")
        t = t.mutate(_unit_cost=unit)
    costed = t._unit_cost.notnull()
    goods = ibis.cases((t.line_type == NON_PRODUCT, 0.0), (costed, t.quantity.cast("float64") * t._unit_cost),
                       else_=(1 - margin) * t.revenue)
    sale = t.line_type == SALE
    lines_in_order = sale.cast("int64").sum().over(ibis.window(group_by=t.order_id))
    ship = ibis.cases((sale & (lines_in_order > 0), shipping_cost / lines_in_order.cast("float64")), else_=0.0)
    t = t.mutate(cost=goods + ship, costed=costed | (t.line_type == NON_PRODUCT))
    t = t.mutate(contribution=t.revenue - t.cost).drop("_unit_cost")
    agg = to_pandas(t.aggregate(
        lines=t.count(), revenue=t.revenue.sum(), cost=t.cost.sum(), contribution=t.contribution.sum(),
        lines_without_cost=(~t.costed).cast("int64").sum(),
        revenue_without_cost=t.revenue.sum(where=~t.costed),
        orders=t.order_id.nunique(where=t.line_type == SALE))).iloc[0]
    counts = {k: (0.0 if pd.isna(v) else float(v)) for k, v in agg.items()}
    for k in ("lines", "lines_without_cost", "orders"):
        counts[k] = int(counts[k])
    return ContributionLines(table=t, counts=counts, costs_given=given, margin=margin, shipping_cost=shipping_cost,
                             source=getattr(orders, "source", "orders"))
