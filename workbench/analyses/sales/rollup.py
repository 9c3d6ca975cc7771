"""The order lines rolled up once for the sales figures: KPIs, cohorts and RFM read the rollup, not the lines.

Every sales figure counts distinct orders (per period, per customer and period, per customer) and needs each
customer's first purchase. Computed from the lines by each analysis, those distinct counts and joins ran over the
whole line table once per figure (at 10M lines two thirds of the report's time went there; a full scan takes half a
second). :func:`order_rollup` reads the lines once and keeps, in the engine, what every figure needs:

- two **customer x month** tables, cached (guests are the null customer of each month): the orders' (one query
  from the lines: the sale lines grouped by order inline, then by customer and the month of the order's first
  line: ``orders``, ``sales``, ``units``, first and last sale time, and how many orders span customers or days)
  and the other lines' (returns and non-product lines: net revenue, returns, return lines, first and last line
  time). The one-row-per-order table is not cached: at 100M lines (53.5M orders) writing it took 20-25 s under a
  3 GB DuckDB ceiling, and the monthly figures need only the customer x month table. Kept as one table (the
  order rows and the other lines unioned under one aggregate), the query ran out of memory under a tight DuckDB
  ceiling;
- :attr:`OrderRollup.table`: the lines rolled up to one row per **order** for its sale lines (customer, time of
  the first and last sale line, sales, units) and one row per **customer and day** for all other lines (returns
  and non-product lines: net revenue, returns, return lines). A lazy expression, not cached: only what needs a
  finer grain than the month reads it (weekly or daily figures, RFM as of a day that ends no month), computed
  again each time;
- :meth:`OrderRollup.customer_periods`: the customer x period table, one row per identified customer and period
  (orders, net revenue, sales, first and last sale time): by month the two tables added up (not cached), by
  quarter the months added up, by week or day from :attr:`OrderRollup.table` (both cached);
- :attr:`OrderRollup.customers`: one row per identified customer, the months added up: first and last sale time,
  orders, net revenue, sales (RFM reads it; KPIs and cohorts join it for each customer's first purchase);
- :meth:`OrderRollup.period_totals` (one row per period, in pandas; by month or quarter two small queries over
  the two tables) and :meth:`OrderRollup.cohort_periods` (one row per first-purchase period and period: customers,
  orders, repeat customers, revenue), small results computed once per period and kept, so with monthly periods
  the KPIs and the cohorts read the same one. The first and last line time come with the rollup.

**Exactness.** An order normally has one customer and its sale lines one day: then it sits in one customer's row
of one month (and of one week, one quarter), and adding rows up counts it exactly. Where the data hold an order
that does not (sale lines with two customer ids, or with and without one, without an order id, or on two days;
the customer x month table counts them), the rollup drops the month tables and holds one row per customer, order
and day instead, and every order count is a distinct count of order ids, as the analyses counted from the lines:
the same numbers, computed more slowly (that table is then cached). :attr:`OrderRollup.distinct_orders` says
which.

The cached tables are temporary tables on DuckDB and on warehouses (``ibis.Table.cache``), cached DataFrames on
Spark, released when the rollup is garbage-collected; only the small per-period results and one row of dates come
back to pandas. Measured at 100M generated lines (53.5M orders, 21.6M customers, 48.1M customer-months): see the
README's benchmarks. Hand-written because no library rolls order lines up for these figures.
"""
from __future__ import annotations

from typing import Any

import ibis
import pandas as pd

from workbench import engine
from workbench.analyses.periods import check_period, period_bounds, period_start
from workbench.data.lines import order_lines
from workbench.data.schema import RETURN, SALE
from workbench.errors import DataError

__all__ = ["OrderRollup", "order_rollup"]

# the period of the customer x period tables made with the rollup (quarters are added up from them)
BASE_PERIOD = "month"
# the rolled-up table's columns, in order (the two parts of the union must agree)
_COLUMNS = ("customer_id", "order_id", "sale", "at", "last_at", "sale_at", "sale_last_at", "orders", "revenue",
            "sales", "returns", "return_lines", "units")


class OrderRollup:
    """Order lines rolled up once for the sales figures (see the module docstring); made by :func:`order_rollup`.

    Attributes
    ----------
    table : ibis.Table
        One row per order (``sale`` true: its sale lines) or per customer and day (``sale`` false: returns and
        non-product lines), columns ``customer_id``, ``order_id`` (only where ``distinct_orders``), ``sale``,
        ``at`` / ``last_at`` (first and last line time), ``sale_at`` / ``sale_last_at`` (the same on sale rows,
        null on the others), ``orders`` (1 on an order's row), ``revenue`` (net), ``sales``, ``returns``
        (positive), ``return_lines``, ``units``. A lazy expression over the lines (not cached) unless
        ``distinct_orders``.
    distinct_orders : bool
        True when some order spans customers or days: rows are then per (customer, order, day) and orders are
        counted as distinct order ids (``orders`` is 0).
    has_units : bool
        Whether ``units`` were rolled up (a ``quantity`` column was given).
    source : str
        How error messages name the order lines (the file they came from).
    """

    def __init__(self, table: ibis.Table, *, distinct_orders: bool, has_units: bool, source: str) -> None:
        self.table = table
        self.distinct_orders = distinct_orders
        self.has_units = has_units
        self.source = source
        # the customer x month tables (guests as the null customer) where no order spans customers or days: the
        # orders' (`orders`, `sales`, `units`, `first_at`, `last_at`) and the other lines' (`revenue`, `returns`,
        # `return_lines`, `at`, `last_line_at`), both cached
        self._sale_months: ibis.Table | None = None
        self._other_months: ibis.Table | None = None
        self._customers: ibis.Table | None = None
        self._dates: tuple[pd.Timestamp, pd.Timestamp] | None = None
        self._totals: dict[str, pd.DataFrame] = {}
        self._periods: dict[str, ibis.Table] = {}
        self._cohorts: dict[str, ibis.Table] = {}

    def __repr__(self) -> str:
        grain = "customer, order and day" if self.distinct_orders else "order"
        return f"<OrderRollup of {self.source}: one row per {grain} (sale lines), per customer and day (others)>"

    def order_count(self, t: ibis.Table) -> ibis.Value:
        """Orders among the rows of ``t`` (a selection of :attr:`table`): the rows' ``orders``, or the distinct
        order ids of its sale rows where an order can span rows."""
        return t.order_id.nunique(where=t.sale) if self.distinct_orders else t.orders.sum()

    @property
    def first_date(self) -> pd.Timestamp:
        """The first line's time (NaT without lines)."""
        return self._span()[0]

    @property
    def last_date(self) -> pd.Timestamp:
        """The last line's time (NaT without lines)."""
        return self._span()[1]

    def _span(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        if self._dates is None:
            t = self.table
            row = engine.to_pandas(t.aggregate(_first=t.at.min(), _last=t.last_at.max())).iloc[0]
            self._dates = (pd.Timestamp(row["_first"]), pd.Timestamp(row["_last"]))
        return self._dates

    # -- customers ----------------------------------------------------------------------------------------

    def customer_periods(self, period: str) -> ibis.Table:
        """The customer x period table: one row per identified customer and period with lines, columns
        ``customer_id``, ``_period`` (its start), ``orders``, ``revenue`` (net), ``sales``, ``first_at`` /
        ``last_at`` (first and last sale time; null in a period with returns only). Cached in the engine: the
        cohort cells and the customers are read from it (a query that also joined the customers' first
        purchases while aggregating ran out of memory under a tight DuckDB memory limit at 100M lines). By month
        (made with the rollup) it is not cached: the figures read the two cached customer x month tables it adds
        up (:meth:`_month_rows`) instead."""
        check_period(period)
        if period not in self._periods and self._sale_months is not None and period in (BASE_PERIOD, "quarter"):
            k = self._month_rows()  # each order sits in one month: add the months up
            if period != BASE_PERIOD:
                k = k.mutate(_period=period_start(k._period, period=period))
            cp = k.group_by(["customer_id", "_period"]).aggregate(
                orders=k.orders.sum(), revenue=k.revenue.sum(), sales=k.sales.sum(), first_at=k.first_at.min(),
                last_at=k.last_at.max())
            self._periods[period] = cp if period == BASE_PERIOD else engine.cache(cp)
        if period not in self._periods:
            k = self.table.filter(self.table.customer_id.notnull())
            k = k.mutate(_period=period_start(k.at, period=period))
            self._periods[period] = engine.cache(k.group_by(["customer_id", "_period"]).aggregate(
                orders=self.order_count(k), revenue=k.revenue.sum(), sales=k.sales.sum(), first_at=k.sale_at.min(),
                last_at=k.sale_last_at.max()))
        return self._periods[period]

    def _month_rows(self) -> ibis.Table:
        """The identified customers' rows of the two customer x month tables, one after the other: a customer and
        month with orders and other lines has two rows (the other lines' with ``orders`` 0). Sums, minimums and
        counts of rows with orders over them equal those over :meth:`customer_periods` by month."""
        s, o = self._sale_months, self._other_months
        s = s.filter(s.customer_id.notnull())
        o = o.filter(o.customer_id.notnull())
        ts = s.first_at.type()
        s = s.select("customer_id", "_period", orders=s.orders.cast("int64"), revenue=s.sales.cast("float64"),
                     sales=s.sales.cast("float64"), first_at=s.first_at, last_at=s.last_at)
        o = o.select("customer_id", "_period", orders=ibis.literal(0, type="int64"),
                     revenue=o.revenue.cast("float64"), sales=ibis.literal(0.0, type="float64"),
                     first_at=ibis.null().cast(ts), last_at=ibis.null().cast(ts))
        return ibis.union(s, o, distinct=False)

    @property
    def customers(self) -> ibis.Table:
        """One row per identified customer over the whole history (cached in the engine): ``first_at`` /
        ``last_at`` (first and last sale time; null for a customer with returns only), ``orders``, ``revenue``
        (net, every line), ``sales``."""
        if self._customers is None:
            if self._sale_months is not None:  # each order sits in one month: add the months up
                self._customers = engine.cache(self._per_customer_from(self._month_rows()))
            elif self._periods and not self.distinct_orders:  # each order sits in one period: add them up
                self._customers = engine.cache(self._per_customer_from(next(iter(self._periods.values()))))
            else:  # from the orders (an order spanning periods counts once)
                self._customers = engine.cache(self._per_customer(self.table))
        return self._customers

    def customer_totals(self, *, through: Any = None) -> ibis.Table:
        """:attr:`customers` from the lines dated on or before the day ``through`` (``None``: all of them)."""
        if through is None:
            return self.customers
        day = pd.Timestamp(through).normalize()
        last = self.last_date
        if pd.notna(last) and day >= last.normalize():
            return self.customers
        end = day + pd.Timedelta(days=1)
        if not self.distinct_orders:  # a customer x period table whose periods end that day: add them up
            if self._sale_months is not None and period_bounds(end, period=BASE_PERIOD)[0] == end:
                k = self._month_rows()
                return engine.cache(self._per_customer_from(k.filter(k._period < engine.timestamp(end))))
            for period, cp in self._periods.items():
                if period_bounds(end, period=period)[0] == end:
                    return engine.cache(self._per_customer_from(cp.filter(cp._period < engine.timestamp(end))))
        t = self.table
        return engine.cache(self._per_customer(t.filter(t.at < engine.timestamp(end))))

    def _per_customer(self, t: ibis.Table) -> ibis.Table:
        k = t.filter(t.customer_id.notnull())
        return k.group_by("customer_id").aggregate(
            first_at=k.sale_at.min(), last_at=k.sale_last_at.max(), orders=self.order_count(k),
            revenue=k.revenue.sum(), sales=k.sales.sum())

    @staticmethod
    def _per_customer_from(cp: ibis.Table) -> ibis.Table:
        return cp.group_by("customer_id").aggregate(
            first_at=cp.first_at.min(), last_at=cp.last_at.max(), orders=cp.orders.sum(), revenue=cp.revenue.sum(),
            sales=cp.sales.sum())

    def cohort_periods(self, period: str) -> ibis.Table:
        """Identified customers by the period of their first purchase (``_first``) and the period (``_period``):
        ``customers`` (with an order in the period), ``orders`` (each customer's orders, summed),
        ``repeat_customers`` (2+ orders in the period), ``single_order_customers`` (exactly one), ``revenue`` and
        ``sales`` (every line of those customers, returns included). One row per pair that has lines (at most
        periods x periods / 2): the customer x period table joined to each customer's first purchase, computed
        once per period and cached in the engine.

        The row where ``_first == _period`` holds the period's new customers; by month, the rows are the cohort
        table's cells."""
        check_period(period)
        if period not in self._cohorts:
            # by month, the rows of the two customer x month tables: each customer and month's orders sit in one
            cp = self._month_rows() if self._sale_months is not None and period == BASE_PERIOD \
                else self.customer_periods(period)
            c = self.customers
            first = c.filter(c.first_at.notnull())
            first = first.select("customer_id", _first=period_start(first.first_at, period=period))
            j = cp.join(first, "customer_id")
            self._cohorts[period] = engine.cache(j.group_by(["_first", "_period"]).aggregate(
                customers=j.count(where=j.orders > 0), orders=j.orders.sum(),
                repeat_customers=j.count(where=j.orders >= 2), single_order_customers=j.count(where=j.orders == 1),
                revenue=j.revenue.sum(), sales=j.sales.sum()))
        return self._cohorts[period]

    # -- periods ------------------------------------------------------------------------------------------

    def period_totals(self, period: str) -> pd.DataFrame:
        """One row per period with lines (``_period`` = its start): ``revenue``, ``gross_sales``, ``returns``,
        ``return_lines``, ``orders``, ``units``, ``guest_revenue``, ``guest_sales``, ``_first_day``,
        ``_last_day`` (first and last line time). Computed once per period."""
        check_period(period)
        if period not in self._totals and self._sale_months is not None and period in (BASE_PERIOD, "quarter"):
            self._totals[period] = self._period_totals_from_months(period)
        if period not in self._totals:
            t = self.table.mutate(_period=period_start(self.table.at, period=period))
            guest = t.customer_id.isnull()
            self._totals[period] = engine.to_pandas(t.group_by("_period").aggregate(
                revenue=t.revenue.sum(), gross_sales=t.sales.sum(where=t.sale), returns=t.returns.sum(),
                return_lines=t.return_lines.sum(), orders=self.order_count(t),
                units=t.units.sum(where=t.sale), guest_revenue=t.revenue.sum(where=guest),
                guest_sales=t.sales.sum(where=guest & t.sale), _first_day=t.at.min(), _last_day=t.last_at.max()))
        return self._totals[period]

    def _period_totals_from_months(self, period: str) -> pd.DataFrame:
        """:meth:`period_totals` from the two customer x month tables (month or quarter): two small queries."""
        s = self._sale_months.mutate(_period=period_start(self._sale_months._period, period=period))
        o = self._other_months.mutate(_period=period_start(self._other_months._period, period=period))
        a = engine.to_pandas(s.group_by("_period").aggregate(
            orders=s.orders.sum(), gross_sales=s.sales.sum(), units=s.units.sum(),
            guest_sales=s.sales.sum(where=s.customer_id.isnull()), _first_s=s.first_at.min(),
            _last_s=s.last_at.max()))
        b = engine.to_pandas(o.group_by("_period").aggregate(
            _other=o.revenue.sum(), returns=o.returns.sum(), return_lines=o.return_lines.sum(),
            _guest_other=o.revenue.sum(where=o.customer_id.isnull()), _first_o=o.at.min(),
            _last_o=o.last_line_at.max()))
        for f in (a, b):
            f["_period"] = pd.to_datetime(f["_period"])
        df = a.merge(b, on="_period", how="outer")
        money = ["gross_sales", "guest_sales", "_other", "_guest_other", "returns"]
        df[money] = df[money].astype("float64")
        df["revenue"] = df["gross_sales"].fillna(0.0) + df["_other"].fillna(0.0)
        guest = df[["guest_sales", "_guest_other"]]
        df["guest_revenue"] = guest.sum(axis=1).where(guest.notna().any(axis=1))
        df["_first_day"] = df[["_first_s", "_first_o"]].min(axis=1)
        df["_last_day"] = df[["_last_s", "_last_o"]].max(axis=1)
        return df[["_period", "revenue", "gross_sales", "returns", "return_lines", "orders", "units", "guest_revenue",
                   "guest_sales", "_first_day", "_last_day"]].reset_index(drop=True)


def order_rollup(
    orders: Any, *, customer: str = "customer_id", date: str = "order_date", order: str = "order_id",
    revenue: str = "revenue", quantity: str | None = "quantity", line_type: str | None = "line_type",
) -> OrderRollup:
    """Roll the order lines up once for the sales figures (KPIs, cohorts, RFM), in the engine.

    Pass the result to :func:`~workbench.analyses.sales.kpis.kpis_by_period`,
    :func:`~workbench.analyses.sales.cohorts.cohort_retention` and :func:`~workbench.analyses.customers.rfm.rfm_query`
    in place of the lines: each reads the rollup instead of scanning, deduplicating and joining the lines again.
    The numbers are the same; each of those functions still accepts the lines and then rolls them up itself.

    Parameters
    ----------
    orders : DataFrame, ibis.Table, OrderLines or OrderRollup
        Canonical order lines, the whole history (a rollup is returned as it is).
    customer, date, order, revenue, quantity, line_type : str
        Column names, when they differ from the canonical ones. ``quantity=None``: no units (what cohorts and RFM
        need); ``line_type=None``: every line is a sale.

    Returns
    -------
    OrderRollup
    """
    if isinstance(orders, OrderRollup):
        return orders
    need = ["order_id", "customer_id", "order_date", "revenue", "line_type"] + (["quantity"] if quantity else [])
    t = order_lines(orders, need=need, columns={"customer_id": customer, "order_date": date, "order_id": order,
                                                "revenue": revenue, "quantity": quantity, "line_type": line_type})
    if not quantity:
        t = t.mutate(quantity=ibis.literal(0, type="int64"))
    source = engine.source_name(orders)
    is_sale = (t.line_type == SALE).fill_null(False)
    # sale lines: one row per order, with whether the order is one customer's (or a guest's) on one day
    s = t.filter(is_sale)
    o = s.group_by("order_id").aggregate(
        customer_id=s.customer_id.min(), _other=s.customer_id.max(), _known=s.customer_id.count(), _lines=s.count(),
        at=s.order_date.min(), last_at=s.order_date.max(), sales=s.revenue.sum(), units=s.quantity.sum())
    spans = (o.order_id.isnull() | (o.customer_id != o._other).fill_null(False)
             | ((o._known > 0) & (o._known < o._lines)) | (o.at.date() != o.last_at.date()))
    # the customer x month tables, cached: the orders' straight from the lines (the order rows stay inline, not
    # cached: writing 53.5M order rows at 100M lines took 20-25 s) and the other lines'.
    # Guests are the null customer of each month; `_spans` counts the orders that span customers or days.
    # (an int from a boolean by ifelse: PostgreSQL casts no boolean to bigint)
    o = o.select("customer_id", "at", "last_at", "sales", "units", _spans=ibis.ifelse(spans, 1, 0).cast("int64"),
                 _period=period_start(o.at, period=BASE_PERIOD))
    sale_months = engine.cache(o.group_by(["customer_id", "_period"]).aggregate(
        orders=o.count(), sales=o.sales.sum(), units=o.units.sum(), first_at=o.at.min(), last_at=o.last_at.max(),
        _spans=o._spans.sum()))
    n = t.filter(~is_sale)
    n = n.mutate(_period=period_start(n.order_date, period=BASE_PERIOD),
                 _ret=(n.line_type == RETURN).fill_null(False))
    other_months = engine.cache(n.group_by(["customer_id", "_period"]).aggregate(
        revenue=n.revenue.sum(), returns=(-n.revenue).sum(where=n._ret), return_lines=n.count(where=n._ret),
        at=n.order_date.min(), last_line_at=n.order_date.max()))
    a = engine.to_pandas(sale_months.aggregate(_spans=sale_months._spans.sum(), _first=sale_months.first_at.min(),
                                               _last=sale_months.last_at.max())).iloc[0]
    b = engine.to_pandas(other_months.aggregate(_first=other_months.at.min(),
                                                _last=other_months.last_line_at.max())).iloc[0]
    dates = (pd.Series([a["_first"], b["_first"]], dtype="datetime64[us]").min(),
             pd.Series([a["_last"], b["_last"]], dtype="datetime64[us]").max())
    distinct = bool(pd.notna(a["_spans"]) and a["_spans"] > 0)
    if distinct:
        # some order spans customers or days: one row per (customer, order, day), orders counted as distinct ids
        del sale_months, other_months
        s = s.mutate(_day=s.order_date.date())
        sales_rows = s.group_by(["customer_id", "order_id", "_day"]).aggregate(
            at=s.order_date.min(), last_at=s.order_date.max(), sales=s.revenue.sum(), units=s.quantity.sum())
        order_id = sales_rows.order_id
    else:
        sales_rows = o
        order_id = ibis.null().cast("string")
    sales_rows = sales_rows.select(
        customer_id=sales_rows.customer_id, order_id=order_id, sale=ibis.literal(True), at=sales_rows.at,
        last_at=sales_rows.last_at, sale_at=sales_rows.at, sale_last_at=sales_rows.last_at,
        orders=ibis.literal(0 if distinct else 1, type="int64"), revenue=sales_rows.sales.cast("float64"),
        sales=sales_rows.sales.cast("float64"), returns=ibis.null().cast("float64"),
        return_lines=ibis.literal(0, type="int64"), units=sales_rows.units.cast("int64"))
    # every other line (returns, non-product lines): one row per customer and day; no order counts here
    n = t.filter(~is_sale)
    n = n.mutate(_day=n.order_date.date())
    is_return = (n.line_type == RETURN).fill_null(False)
    other_rows = n.group_by(["customer_id", "_day"]).aggregate(
        at=n.order_date.min(), last_at=n.order_date.max(), revenue=n.revenue.sum(),
        returns=(-n.revenue).sum(where=is_return), return_lines=n.count(where=is_return))
    other_rows = other_rows.select(
        customer_id=other_rows.customer_id, order_id=ibis.null().cast("string"), sale=ibis.literal(False),
        at=other_rows.at, last_at=other_rows.last_at, sale_at=ibis.null().cast(other_rows.at.type()),
        sale_last_at=ibis.null().cast(other_rows.at.type()), orders=ibis.literal(0, type="int64"),
        revenue=other_rows.revenue.cast("float64"),
        sales=ibis.literal(0.0, type="float64"), returns=other_rows.returns.cast("float64"),
        return_lines=other_rows.return_lines.cast("int64"), units=ibis.literal(0, type="int64"))
    if distinct:  # the exact path: both parts cached, as before the customer x month tables
        sales_rows = engine.cache(sales_rows)
        other_rows = engine.cache(other_rows)
    # a cached table comes back in the backend's own types (Spark: int32 counts, decimal(1,1) for a 0.0
    # literal), so both parts are cast to one schema before the union
    types = {"orders": "int64", "revenue": "float64", "sales": "float64", "returns": "float64",
             "return_lines": "int64", "units": "int64"}
    sales_rows, other_rows = (part.mutate(**{c: part[c].cast(ty) for c, ty in types.items()})
                              for part in (sales_rows, other_rows))
    table = ibis.union(sales_rows, other_rows, distinct=False).select(*_COLUMNS)
    rollup = OrderRollup(table, distinct_orders=distinct, has_units=bool(quantity), source=source)
    rollup._dates = (pd.Timestamp(dates[0]), pd.Timestamp(dates[1]))
    if not distinct:
        rollup._sale_months, rollup._other_months = sale_months, other_months
    return rollup


def rollup_of(orders: Any, *, needs_units: bool = False, **columns: Any) -> OrderRollup:
    """``orders`` as a rollup: a rollup as it is (checked for units when ``needs_units``), lines rolled up."""
    if isinstance(orders, OrderRollup):
        if needs_units and not orders.has_units:
            raise DataError("the order rollup was made without units (quantity=None)", source=orders.source,
                            column="quantity", fix="Make it with wb.sales.order_rollup(orders) (quantity given).")
        return orders
    if not needs_units:
        columns["quantity"] = None
    return order_rollup(orders, **columns)
