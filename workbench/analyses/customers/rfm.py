"""RFM: recency, frequency and monetary value per customer, quintile scores 1-5 and named segments.

Definitions (as of a date, using the order lines dated on or before it):

- **recency_days**: days from the customer's last order to the as-of date (0 = ordered that day);
- **frequency**: distinct orders (sale lines);
- **monetary**: **total** net revenue (sales net of discounts, minus returns, before tax and shipping), as the
  R package ``rfm`` uses (``amount = sum(revenue)``); ``avg_order_value`` is given alongside.

**Scores** are quintiles 1-5 over the customers of the table, 5 = best (most recent, most orders, most
revenue). Ties are never split: a customer's score is 1 + floor(5 x the share of customers with a strictly
worse value), so equal values always share a score, and a score can be skipped when one value holds more
than a fifth of the customers (half of the CDNOW customers ordered once: they all get F = 1 and the next
frequency gets F = 3). pandas' ``qcut`` on ranks splits ties arbitrarily, which gives identical customers
different scores; the R package ``rfm`` uses quantile breaks, which also keep ties together but with a
``+1`` on each break that only makes sense for whole numbers. The score equals
``1 + floor(scipy.stats.percentileofscore(values, x, kind="strict") / 20)``, the independent reference the
tests use. Monetary values are scored on whole cents, so which customers tie does not depend on the last bits
of a floating-point sum (these differ between engines and summation orders).

**Segments** follow the ``rfm`` 0.2.x rules (score ranges R / F / M, see :data:`RFM_SEGMENTS`). The rules
overlap (39 of the 125 score triples match two or more rules) and leave gaps (36 triples match none), so the
assignment is one explicit rule, applied in this order:

1. a customer belongs to the segment whose score box is **nearest** to their (R, F, M) triple, distance =
   score steps outside the box summed over R, F and M (0 inside the box);
2. among equally near boxes, the one that needs the smaller step on **recency** wins (recency is the
   strongest of the three signals of who will buy again: R3 F2 M5 is Loyal, not At risk);
3. then the **smaller box** (the more specific rule: New before Potential loyalist, Can't lose them before
   At risk, Champions before Loyal, Need attention before Potential loyalist);
4. then the segment listed first in :data:`RFM_SEGMENTS`.

The R package resolves overlaps by the order of its rule list (the first rule that matches wins, in
``rfm_segment``) and puts uncovered triples in "Others"; here no customer is left in a catch-all.

Every triple therefore has exactly one segment; ``segment_exact`` says whether the triple is inside the
segment's own box (True) or was placed by nearness (False), and :func:`rfm_segment_grid` lists all 125
triples. PyMC-Marketing scores by quartiles and uses other names; this module follows ``rfm``.

Everything runs in the engine as one Ibis expression, :func:`rfm_query`: per-customer values (lines -> orders
-> customers), scores as window ranks (``rank()``, the minimum rank of a tie, over all customers) and the
segment as a join with the 125-row rule grid, so on Spark or a warehouse nothing per customer has to come back:
``rfm_segment_summary(rfm_query(orders))`` brings back ten rows. :func:`rfm` is the same table collected to
pandas (one row per customer: about 24,000 for CDNOW, about a million for a 10M-line store) for drill-downs and
the customer models; :func:`rfm_scores` scores a per-customer frame that is already in pandas, with the same
rule. Monetary values are compared at whole cents as ``floor(100 x monetary + 0.5)``, which every engine
computes bit for bit alike (IEEE arithmetic); pandas' and SQL ``round`` differ at exact half cents.

Quintile scores rank customers against each other, so a segment summary needs at least as many customers as
score classes (5): with fewer, :func:`rfm_segment_summary` raises :class:`~workbench.errors.NotEnoughData` (one
customer who ordered today would otherwise be scored 1 on recency and called "Lost"). What each segment means
and what to do about it is written in the report (``workbench.reports.sales``); this module returns numbers.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ibis
import numpy as np
import pandas as pd

from workbench import engine
from workbench.analyses.sales.rollup import rollup_of
from workbench.errors import DataError, NotEnoughData

__all__ = ["RFM_SEGMENTS", "RfmSegment", "rfm", "rfm_query", "rfm_scores", "quintile_score", "rfm_segment_of",
           "rfm_segment_grid", "rfm_segment_summary"]


@dataclass(frozen=True)
class RfmSegment:
    """A named RFM segment: score ranges (inclusive) for R, F and M."""
    name: str
    r: tuple[int, int]
    f: tuple[int, int]
    m: tuple[int, int]

    @property
    def size(self) -> int:
        """Number of score triples inside the box."""
        return (self.r[1] - self.r[0] + 1) * (self.f[1] - self.f[0] + 1) * (self.m[1] - self.m[0] + 1)

    def distance(self, r: int, f: int, m: int) -> int:
        """Score steps from (r, f, m) to the box, summed over the three scores (0 inside)."""
        return sum(max(lo - x, 0, x - hi) for x, (lo, hi) in ((r, self.r), (f, self.f), (m, self.m)))


# The rfm 0.2.x rules (R package `rfm`, vignette "RFM analysis"), in the package's order.
RFM_SEGMENTS: tuple[RfmSegment, ...] = (
    RfmSegment("Champions", (4, 5), (4, 5), (4, 5)),
    RfmSegment("Loyal", (2, 5), (3, 5), (3, 5)),
    RfmSegment("Potential loyalist", (3, 5), (1, 3), (1, 3)),
    RfmSegment("New", (4, 5), (1, 1), (1, 1)),
    RfmSegment("Promising", (3, 4), (1, 1), (1, 1)),
    RfmSegment("Need attention", (2, 3), (2, 3), (2, 3)),
    RfmSegment("About to sleep", (2, 3), (1, 2), (1, 2)),
    RfmSegment("At risk", (1, 2), (2, 5), (2, 5)),
    RfmSegment("Can't lose them", (1, 1), (4, 5), (4, 5)),
    RfmSegment("Lost", (1, 2), (1, 2), (1, 2)),
)
_ORDER = {s.name: i for i, s in enumerate(RFM_SEGMENTS)}


def quintile_score(values: Any, *, bins: int = 5, higher_is_better: bool = True) -> pd.Series:
    """Score values 1..``bins`` by quantile rank, ties kept together.

    ``score = 1 + floor(bins x (number of values strictly worse) / n)``: the lowest value scores 1, a value
    better than at least 80% of all values scores 5 (with ``bins=5``). With ``higher_is_better=False``
    (recency in days) smaller values are better.

    >>> quintile_score([10, 20, 30, 40, 50]).tolist()
    [1, 2, 3, 4, 5]
    >>> quintile_score([1, 1, 1, 2, 5]).tolist()
    [1, 1, 1, 4, 5]
    """
    s = pd.Series(values, dtype="float64") if not isinstance(values, pd.Series) else values.astype("float64")
    if s.isna().any():
        raise DataError("cannot score missing values", source="quintile_score", rows=int(s.isna().sum()),
                        example=f"position {int(np.flatnonzero(s.isna().to_numpy())[0])}",
                        fix="Drop or fill the missing values first.")
    n = len(s)
    if n == 0:
        return pd.Series([], dtype="int64", index=s.index)
    worse = (s if higher_is_better else -s).rank(method="min").astype("int64") - 1
    return (1 + (bins * worse) // n).astype("int64")


def rfm_scores(customers: pd.DataFrame, *, bins: int = 5) -> pd.DataFrame:
    """Add ``r_score``, ``f_score``, ``m_score``, ``rfm_score`` ('545'), ``segment`` and ``segment_exact``.

    ``customers`` has one row per customer with ``recency_days``, ``frequency`` and ``monetary`` (as
    :func:`rfm` returns). Scores are taken over the customers of this table. Returns a new frame.
    """
    missing = [c for c in ("recency_days", "frequency", "monetary") if c not in customers.columns]
    if missing:
        raise DataError(f"columns {missing} not found", source="rfm_scores", column=missing[0],
                        fix="Pass the per-customer table from wb.customers.rfm(orders).")
    out = customers.copy()
    out["r_score"] = quintile_score(out["recency_days"], bins=bins, higher_is_better=False)
    out["f_score"] = quintile_score(out["frequency"], bins=bins)
    # scored on whole cents, so ties cannot depend on an engine's floating-point summation order
    out["m_score"] = quintile_score(_cents(out["monetary"]), bins=bins)
    out["rfm_score"] = (out["r_score"].astype(str) + out["f_score"].astype(str) + out["m_score"].astype(str))
    if bins == 5:
        grid = rfm_segment_grid().set_index(["r_score", "f_score", "m_score"])
        key = pd.MultiIndex.from_frame(out[["r_score", "f_score", "m_score"]])
        out["segment"] = pd.Categorical(grid["segment"].reindex(key).to_numpy(),
                                        categories=[s.name for s in RFM_SEGMENTS])
        out["segment_exact"] = grid["segment_exact"].reindex(key).to_numpy().astype(bool)
    return out


def _cents(monetary: Any) -> Any:
    """Whole cents, half a cent rounded up: ``floor(100 x value + 0.5)`` (a pandas Series or an Ibis column)."""
    if isinstance(monetary, ibis.Value):
        return (monetary * 100 + 0.5).floor()
    return np.floor(monetary.astype("float64") * 100 + 0.5)


def rfm_segment_of(*, r: int, f: int, m: int) -> tuple[str, bool]:
    """The segment of one score triple and whether the triple is inside that segment's own box.

    >>> rfm_segment_of(r=3, f=2, m=5)
    ('Loyal', False)
    """
    if not all(isinstance(x, (int, np.integer)) and 1 <= x <= 5 for x in (r, f, m)):
        raise DataError("RFM scores must be whole numbers from 1 to 5", source="rfm_segment_of",
                        example=repr((r, f, m)), fix="Score with wb.customers.rfm_scores first.")
    def rank(s: RfmSegment) -> tuple[int, int, int, int]:
        recency_gap = max(s.r[0] - r, 0, r - s.r[1])
        return s.distance(r, f, m), recency_gap, s.size, _ORDER[s.name]

    best = min(RFM_SEGMENTS, key=rank)
    return best.name, best.distance(r, f, m) == 0


def rfm_segment_grid() -> pd.DataFrame:
    """All 125 score triples with their segment, whether the triple is inside the segment's box, and how
    many rules cover it (0 = placed by nearness, 2+ = overlapping rules resolved by specificity)."""
    rows = []
    for r in range(1, 6):
        for f in range(1, 6):
            for m in range(1, 6):
                name, exact = rfm_segment_of(r=r, f=f, m=m)
                covering = sum(s.distance(r, f, m) == 0 for s in RFM_SEGMENTS)
                rows.append((r, f, m, name, exact, covering))
    return pd.DataFrame(rows, columns=["r_score", "f_score", "m_score", "segment", "segment_exact",
                                       "rules_covering"])


def rfm_query(
    orders: Any, *, as_of: Any = None, bins: int = 5, customer: str = "customer_id", date: str = "order_date",
    order: str = "order_id", revenue: str = "revenue", line_type: str | None = "line_type",
) -> ibis.Table:
    """RFM values, scores and segment per customer as an Ibis table expression: a query that stays in the engine.

    The same columns as :func:`rfm` (without its row order and the categorical dtype): pass it to
    :func:`rfm_segment_summary` to bring back one row per segment, or filter it (``t.segment == "At risk"``)
    before collecting. On Spark or a warehouse this is the way to score millions of customers. Parameters as in
    :func:`rfm`; ``as_of=None`` costs one small query (the last order date).
    """
    return _rfm_expr(orders, as_of=as_of, bins=bins, customer=customer, date=date, order=order, revenue=revenue,
                     line_type=line_type)[0]


def _rfm_expr(orders: Any, *, as_of: Any, bins: int, customer: str, date: str, order: str, revenue: str,
              line_type: str | None) -> tuple[ibis.Table, pd.Timestamp]:
    rollup = rollup_of(orders, customer=customer, date=date, order=order, revenue=revenue, line_type=line_type)
    if as_of is None:
        as_of = rollup.last_date.normalize()
        if pd.isna(as_of):
            raise DataError("there are no order lines", source=rollup.source, rows=0,
                            fix="Check the file and any filter applied before this call.")
    else:
        try:
            as_of = pd.Timestamp(as_of).normalize()
        except (TypeError, ValueError) as exc:
            raise DataError("as_of is not a date", source="as_of", example=repr(as_of),
                            fix="Give a date like '1998-06-30', or None for the last order date.") from exc
    # per customer up to as_of, from the rollup (lines -> orders -> customers, done once)
    c = rollup.customer_totals(through=as_of)
    c = c.filter(c.orders > 0)
    c = c.select(
        "customer_id", first_order_date=c.first_at, last_order_date=c.last_at,
        recency_days=ibis.literal(as_of.date(), type="date").delta(c.last_at.date(), unit="day").cast("int64"),
        frequency=c.orders.cast("int64"), monetary=c.revenue.cast("float64"),
        avg_order_value=c.sales.cast("float64") / c.orders,
    )
    # score = 1 + floor(bins x customers with a strictly worse value / customers), from each value's count
    c = c.mutate(_cents=_cents(c.monetary))
    for name, key, higher in (("r_score", "recency_days", False), ("f_score", "frequency", True),
                              ("m_score", "_cents", True)):
        scores = _score_of_value(c, key, name, bins=bins, higher_is_better=higher)
        c = c.join(scores, c[key] == scores[f"_{name}"]).drop(f"_{name}")
    c = c.drop("_cents")
    c = c.mutate(rfm_score=c.r_score.cast("string") + c.f_score.cast("string") + c.m_score.cast("string"))
    cols = ["customer_id", "first_order_date", "last_order_date", "recency_days", "frequency", "monetary",
            "avg_order_value", "r_score", "f_score", "m_score", "rfm_score"]
    if bins == 5:
        grid = rfm_segment_grid()[["r_score", "f_score", "m_score", "segment", "segment_exact"]]
        c = c.left_join(engine.as_table(grid.astype({k: "int64" for k in ("r_score", "f_score", "m_score")})),
                        ["r_score", "f_score", "m_score"])
        cols += ["segment", "segment_exact"]
    return c.select(cols), as_of


def _score_of_value(c: ibis.Table, key: str, name: str, *, bins: int, higher_is_better: bool) -> ibis.Table:
    """The score of every distinct value of ``c[key]``: 1 + floor(bins x customers with a strictly worse value / all
    customers), the rank computed on the value counts (a few thousand rows) instead of on every customer."""
    h = c.group_by(c[key].name("_v")).aggregate(_n=c.count())
    worse = h._n.sum().over(ibis.cumulative_window(order_by=h._v if higher_is_better else ibis.desc(h._v))) - h._n
    total = h._n.sum().over(ibis.window())
    return h.select(**{f"_{name}": h._v, name: (1 + (bins * worse) // total).cast("int64")})


def rfm(
    orders: Any, *, as_of: Any = None, bins: int = 5, customer: str = "customer_id", date: str = "order_date",
    order: str = "order_id", revenue: str = "revenue", line_type: str | None = "line_type",
) -> pd.DataFrame:
    """Recency, frequency, monetary value, scores and segment: one row per customer, as of a date.

    Parameters
    ----------
    orders : DataFrame, ibis.Table or OrderLines
        Canonical order lines.
    as_of : date-like, optional
        The day the analysis looks from; lines dated after it are ignored. ``None`` = the last order date in
        the data.
    bins : int
        Number of score classes (5 = quintiles). Segments are assigned only for 5.
    customer, date, order, revenue, line_type : str
        Column names when they differ from the canonical ones (``line_type=None``: every line is a sale).

    Returns
    -------
    DataFrame
        ``customer_id``, ``first_order_date``, ``last_order_date``, ``recency_days``, ``frequency``,
        ``monetary`` (total net revenue), ``avg_order_value`` (sales revenue / orders), ``r_score``,
        ``f_score``, ``m_score``, ``rfm_score``, ``segment``, ``segment_exact``; one row per customer with at
        least one order up to ``as_of``, ordered by customer id; ``attrs["as_of"]`` holds the date used (ISO
        text). This is :func:`rfm_query` collected: on Spark or a warehouse with more customers than
        ``workbench.engine.collect_limit`` allows, use ``rfm_segment_summary(rfm_query(orders))`` instead.

    Raises
    ------
    DataError
        If ``as_of`` is not a date or lies before the first order, or no line has a customer id.
    """
    table, as_of = _rfm_expr(orders, as_of=as_of, bins=bins, customer=customer, date=date, order=order,
                             revenue=revenue, line_type=line_type)
    df = engine.to_pandas(table.order_by("customer_id"))
    if df.empty:
        raise DataError(f"no customer has an order on or before {as_of:%Y-%m-%d}",
                        source=engine.source_name(orders), column=customer,
                        fix="Check that the customer column is filled and as_of is inside the data's dates.")
    for col in ("first_order_date", "last_order_date"):
        df[col] = pd.to_datetime(df[col]).astype("datetime64[us]")
    for col in ("recency_days", "frequency", "r_score", "f_score", "m_score"):
        df[col] = df[col].astype("int64")
    for col in ("monetary", "avg_order_value"):
        df[col] = df[col].astype("float64")
    df["rfm_score"] = df["rfm_score"].astype(str)
    if bins == 5:
        df["segment"] = pd.Categorical(df["segment"], categories=[s.name for s in RFM_SEGMENTS])
        df["segment_exact"] = df["segment_exact"].astype(bool)
    df.attrs["as_of"] = as_of.date().isoformat()  # JSON-able, so the frame can be written to Parquet
    return df


def rfm_segment_summary(customers: pd.DataFrame | ibis.Table, *, min_customers: int = 5) -> pd.DataFrame:
    """One row per segment (all ten, in rule order, empty ones included): size, revenue and behaviour.

    ``customers`` is :func:`rfm` (a pandas frame) or :func:`rfm_query` (an Ibis table, aggregated in the engine:
    only the ten rows come back). With fewer than ``min_customers`` customers (default 5, one per score
    class) the quintile scores do not mean anything and :class:`~workbench.errors.NotEnoughData` is raised.

    Columns ``segment``, ``customers``, ``customer_share``, ``revenue`` (sum of monetary), ``revenue_share``,
    ``orders`` (sum of frequency), ``aov`` (revenue / orders), ``revenue_per_customer``,
    ``median_recency_days``, ``mean_frequency``, ``mean_monetary``, ``placed_by_nearness`` (customers whose
    score triple is outside the segment's own rule box).
    """
    if "segment" not in customers.columns:
        raise DataError("the table has no `segment` column", source="rfm_segment_summary", column="segment",
                        fix="Pass the result of wb.customers.rfm(orders) (with the default bins=5).")
    names = [s.name for s in RFM_SEGMENTS]
    if isinstance(customers, ibis.Table):
        t = customers
        agg = engine.to_pandas(t.group_by("segment").aggregate(
            customers=t.count(), revenue=t.monetary.sum(), orders=t.frequency.sum(),
            median_recency_days=t.recency_days.median(), mean_frequency=t.frequency.mean(),
            mean_monetary=t.monetary.mean(), placed_by_nearness=t.count(where=~t.segment_exact),
        )).set_index("segment").reindex(pd.Index(names, name="segment"))
        out = agg.fillna({"customers": 0, "revenue": 0.0, "orders": 0, "placed_by_nearness": 0})
        out = out.astype({"customers": "int64", "revenue": "float64", "orders": "int64",
                          "median_recency_days": "float64", "mean_frequency": "float64",
                          "mean_monetary": "float64", "placed_by_nearness": "int64"})
        out.index = pd.CategoricalIndex(out.index, categories=names, name="segment")
    else:
        seg = pd.Categorical(customers["segment"], categories=names)
        g = customers.assign(segment=seg).groupby("segment", observed=False)
        out = pd.DataFrame({
            "customers": g.size(),
            "revenue": g["monetary"].sum(),
            "orders": g["frequency"].sum(),
            "median_recency_days": g["recency_days"].median(),
            "mean_frequency": g["frequency"].mean(),
            "mean_monetary": g["monetary"].mean(),
            "placed_by_nearness": g["segment_exact"].apply(lambda s: int((~s.astype(bool)).sum())),
        })
    n = int(out["customers"].sum())
    if n < min_customers:
        raise NotEnoughData(
            f"only {n} identified customer{'' if n == 1 else 's'} ordered up to the reported date; RFM scores rank "
            f"customers in fifths against each other, which needs at least {min_customers} customers",
            fix="Segments appear once more customers have ordered")
    out["customer_share"] = out["customers"] / n
    total = out["revenue"].sum()
    out["revenue_share"] = out["revenue"] / total if total else np.nan
    out["aov"] = out["revenue"] / out["orders"].where(out["orders"] != 0)
    out["revenue_per_customer"] = out["revenue"] / out["customers"].where(out["customers"] != 0)
    out = out.reset_index()
    out["segment"] = out["segment"].astype(str)
    return out[["segment", "customers", "customer_share", "revenue", "revenue_share", "orders", "aov",
                "revenue_per_customer", "median_recency_days", "mean_frequency", "mean_monetary",
                "placed_by_nearness"]]
