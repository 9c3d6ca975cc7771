"""The order-line policies of ``load_orders``, each defined once and applied to both kinds of order lines.

A policy names the lines it concerns, what happens to them for each value of its ``load_orders`` option, and
the sentence the load summary prints after their count (:data:`POLICIES`). The same definitions are applied

- to a **pandas frame** (a file parsed here: CSV, Excel, a known export layout): :func:`apply_to_frame`
  counts at once and filters the frame;
- to an **Ibis table** (Parquet, DuckDB, Spark, a warehouse): :func:`apply_to_table` filters the table
  lazily and computes every count in one aggregate query, run when the summary is first read.

A policy's lines are one expression over the columns, written with the operators pandas Series and Ibis
columns share (``==``, ``<``, ``&``, ``~``, ``isnull``, ``notnull``), so the eager and the lazy path cannot
drift apart. The policies follow Shopify's sales reports (see ``workbench.data.orders``): returns kept as
negative revenue, cancelled orders reversed, non-product lines left out, lines without a customer kept.

Currencies are checked first (:func:`check_currencies_frame`, :func:`check_currencies_table`): several
currencies without ``currency=`` stop the load; otherwise the policies leave out the lines in another currency
and fill the missing codes.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable, Mapping, Sequence

import ibis
import numpy as np
import pandas as pd

from workbench.data.formats._base import plural
from workbench.data.summary import CHANGED, DROPPED, KEPT, NOTE, LoadSummary
from workbench.errors import DataError


@dataclass(frozen=True)
class LoadOptions:
    """The policy options of ``load_orders`` (and the currency the lines end up in, once decided)."""

    currency: str | None = None
    returns: str = "keep"
    non_product: str = "drop"
    cancelled: str = "reverse"
    dayfirst: bool | None = None
    decimal: str = "auto"
    fill_currency: str | None = None   # the code written on lines without one: currency=, or the file's only one
    # what the mapping derived for a source that lacked it ("quantity", "line_type"), and "status" for status
    # words taken as written by the generic mapping (a shop layout turns cancellations and refunds into lines)
    derived: tuple[str, ...] = ()


@dataclass(frozen=True)
class Treatment:
    """What happens to a policy's lines: ``kept``, ``dropped``, ``changed`` or ``note``, and the summary's
    sentence after the count (``{currency}`` and ``{fill_currency}`` are filled from the options)."""

    treatment: str
    text: str


@dataclass(frozen=True)
class LinePolicy:
    """One policy. ``lines(t, options)`` selects its lines from a pandas frame or an Ibis table ``t``;
    ``treatments`` maps the value of ``choice(options)`` to a :class:`Treatment`; ``needs`` lists the
    columns it reads (skipped without them) and ``when`` whether it applies at all. ``fill`` (changed lines
    only): the column set to ``fill_currency`` on the selected lines."""

    key: str
    lines: Callable[[Any, LoadOptions], Any]
    treatments: Mapping[Any, Treatment]
    choice: Callable[[LoadOptions], Any] = lambda o: None
    needs: tuple[str, ...] = ()
    when: Callable[[LoadOptions], bool] = lambda o: True
    revenue: bool = True
    fill: str | None = None

    def treatment(self, options: LoadOptions) -> Treatment:
        return self.treatments[self.choice(options)]


_RETURNS = "lines of returns, refunds and cancellations"
_NON_PRODUCT = "lines not for products (postage, fees, adjustments)"

POLICIES: tuple[LinePolicy, ...] = (
    # what the mapping derived for a source without quantity or line types (counted over every line read)
    LinePolicy("quantity_assumed", lambda t, o: t["quantity"] == 1,
               {None: Treatment(CHANGED, "lines without a quantity column: quantity set to 1 per line")},
               when=lambda o: "quantity" in o.derived, revenue=False),
    LinePolicy("returns_from_sign", lambda t, o: t["line_type"] == "return",
               {None: Treatment(NOTE, "lines with negative revenue or quantity: typed as returns (no line_type "
                                      "column)")},
               when=lambda o: "line_type" in o.derived, revenue=False),
    # the policies proper
    LinePolicy("other_currency", lambda t, o: t["currency"].notnull() & (t["currency"] != o.currency),
               {None: Treatment(DROPPED, "lines in another currency than {currency}: left out")},
               needs=("currency",), when=lambda o: o.currency is not None),
    LinePolicy("currency_filled", lambda t, o: t["currency"].isnull(),
               {"given": Treatment(CHANGED, "lines without a currency: taken to be {currency}"),
                "only": Treatment(CHANGED, "lines without a currency: taken to be {fill_currency}, the only "
                                           "currency the file names")},
               choice=lambda o: "given" if o.currency is not None else "only", needs=("currency",),
               when=lambda o: o.fill_currency is not None, revenue=False, fill="currency"),
    LinePolicy("cancelled_orders", lambda t, o: t["status"] == "cancelled",
               {None: Treatment(DROPPED, "lines of orders with status cancelled: left out (cancelled='drop')")},
               needs=("status",), when=lambda o: o.cancelled == "drop"),
    LinePolicy("status_cancelled_or_refunded",
               lambda t, o: ((t["status"] == "cancelled") | (t["status"] == "refunded")) & (t["line_type"] == "sale"),
               {"reverse": Treatment(KEPT, "sale lines of orders with status cancelled or refunded: kept as "
                                           "sales, so revenue counts them unless the file also has the return "
                                           "lines that reverse them (cancelled='drop' leaves cancelled orders "
                                           "out)"),
                "drop": Treatment(KEPT, "sale lines of orders with status refunded: kept as sales, so revenue "
                                        "counts them unless the file also has the return lines that reverse "
                                        "them")},
               choice=lambda o: o.cancelled, needs=("status",), when=lambda o: "status" in o.derived),
    LinePolicy("returns", lambda t, o: t["line_type"] == "return",
               {"keep": Treatment(KEPT, f"{_RETURNS}: kept as negative revenue, so revenue is net of returns "
                                        "(returns='drop' to leave them out)"),
                "drop": Treatment(DROPPED, f"{_RETURNS}: left out (returns='drop'; revenue is gross sales)")},
               choice=lambda o: o.returns),
    LinePolicy("non_product", lambda t, o: t["line_type"] == "non_product",
               {"drop": Treatment(DROPPED, f"{_NON_PRODUCT}: left out of the table (non_product='keep' to keep "
                                           "them)"),
                "keep": Treatment(KEPT, f"{_NON_PRODUCT}: kept (non_product='keep'); revenue includes them")},
               choice=lambda o: o.non_product),
    LinePolicy("no_customer", lambda t, o: t["customer_id"].isnull(),
               {None: Treatment(KEPT, "lines without a customer id: kept for revenue, left out of customer "
                                      "metrics")}),
    LinePolicy("zero_revenue", lambda t, o: (t["revenue"] == 0) & (t["line_type"] == "sale"),
               {None: Treatment(KEPT, "sale lines with revenue 0: kept as sales of revenue 0")}, revenue=False),
    LinePolicy("negative_sale", lambda t, o: (t["revenue"] < 0) & (t["line_type"] == "sale"),
               {None: Treatment(NOTE, "sale lines with negative revenue (discount larger than the price?): kept "
                                      "as they are")}, revenue=False),
)


def _apply(lines: "_Lines", options: LoadOptions, summary: LoadSummary) -> None:
    """Every policy in order: count its lines among those still kept, then drop or fill them."""
    for policy in POLICIES:
        if not policy.when(options) or any(c not in lines.columns for c in policy.needs):
            continue
        how = policy.treatment(options)
        selected = lines.mask(policy.lines(lines.data, options))
        summary.add(policy.key, lines.count(selected), how.treatment,
                    how.text.format(currency=options.currency, fill_currency=options.fill_currency),
                    revenue=lines.revenue(selected) if policy.revenue else None)
        if how.treatment == DROPPED:
            lines.drop(selected)
        elif policy.fill is not None:
            lines.fill(selected, policy.fill, options.fill_currency)


class _Lines:
    columns: list[str]
    data: Any


class _FrameLines(_Lines):
    """pandas: counts now, filter at the end."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.data = frame
        self.columns = list(frame.columns)
        self.keep = pd.Series(True, index=frame.index)
        self.fills: list[tuple[pd.Series, str, Any]] = []

    def mask(self, selected: pd.Series) -> pd.Series:
        return selected.fillna(False).astype(bool)

    def count(self, selected: pd.Series) -> int:
        return int((self.keep & selected).sum())

    def revenue(self, selected: pd.Series) -> float:
        return float(self.data["revenue"][self.keep & selected].sum())

    def drop(self, selected: pd.Series) -> None:
        self.keep &= ~selected

    def fill(self, selected: pd.Series, column: str, value: Any) -> None:
        self.fills.append((selected, column, value))

    def result(self) -> pd.DataFrame:
        out = self.data
        for selected, column, value in self.fills:
            out = out.assign(**{column: out[column].mask(selected, value)})
        return out[self.keep.to_numpy()].reset_index(drop=True)


class _TableLines(_Lines):
    """Ibis: the filter is an expression; the counts are columns of one aggregate query run on first access."""

    def __init__(self, table: ibis.Table) -> None:
        self.data = table
        self.columns = list(table.columns)
        self.keep = ibis.literal(True)
        self.dropped = False
        self.aggregates: dict[str, Any] = {}
        self.fills: list[tuple[Any, str, Any]] = []
        self._values: dict[str, Any] = {}

    def mask(self, selected):
        return selected.fill_null(False)

    def _lazy(self, expr) -> Callable[[], Any]:
        key = f"v{len(self.aggregates)}"
        self.aggregates[key] = expr

        def get():
            if not self._values:
                from workbench.engine import to_pandas
                row = to_pandas(self.data.aggregate(**self.aggregates)).iloc[0]
                self._values.update({k: 0 if pd.isna(v) else v.item() if hasattr(v, "item") else v
                                     for k, v in row.items()})
            return self._values[key]
        return get

    def count(self, selected):
        return self._lazy((self.keep & selected).sum())

    def revenue(self, selected):
        return self._lazy(self.data["revenue"].sum(where=self.keep & selected))

    def drop(self, selected) -> None:
        self.keep = self.keep & ~selected
        self.dropped = True

    def kept(self):
        """Lines kept: every line when no policy left any out (``keep`` is then the literal true, no column)."""
        return self.keep.sum() if self.dropped else self.data.count()

    def fill(self, selected, column: str, value: Any) -> None:
        self.fills.append((selected, column, value))

    def result(self) -> ibis.Table:
        out = self.data.filter(self.keep) if self.dropped else self.data
        for selected, column, value in self.fills:
            out = out.mutate(**{column: ibis.ifelse(selected, ibis.literal(value), out[column])})
        return out


def apply_to_frame(frame: pd.DataFrame, options: LoadOptions, summary: LoadSummary) -> pd.DataFrame:
    """The policies applied to canonical lines in a pandas frame; counts added to ``summary`` now."""
    lines = _FrameLines(frame.reset_index(drop=True))
    _apply(lines, options, summary)
    return lines.result()


def apply_to_table(table: ibis.Table, options: LoadOptions, summary: LoadSummary, *,
                   lines_read: int | None) -> ibis.Table:
    """The policies applied lazily to canonical lines in an Ibis table; the summary's counts (and
    ``lines_kept``, and ``lines_read`` when not known) come from one query run when first read."""
    lines = _TableLines(table)
    _apply(lines, options, summary)
    summary.lines_kept = lines._lazy(lines.kept())
    if lines_read is None:
        summary.lines_read = lines._lazy(table.count())
    return lines.result()


def apply_to_table_now(table: ibis.Table, options: LoadOptions, summary: LoadSummary, *,
                       checks: Mapping[str, Any], hidden: Sequence[str] = ()) -> tuple[ibis.Table, dict[str, Any]]:
    """The policies applied lazily to an Ibis table as :func:`apply_to_table` does, but the summary's counts
    computed now, in the same query as ``checks`` (aggregates over ``table``: a file read by an engine is
    checked and counted in one scan). Returns the filtered table without the ``hidden`` helper columns, and the
    value of each check."""
    lines = _TableLines(table)
    _apply(lines, options, summary)
    summary.lines_kept = lines._lazy(lines.kept())
    summary.lines_read = lines._lazy(table.count())
    getters = {name: lines._lazy(expr) for name, expr in checks.items()}
    found = {name: get() for name, get in getters.items()}   # the first one runs the one query
    out = lines.result()
    return (out.drop(*hidden) if hidden else out), found


# ----------------------------------------------------------------------------------------------------------
# currencies: decided before the policies (several currencies without currency= stop the load)
# ----------------------------------------------------------------------------------------------------------

def check_currencies_frame(frame: pd.DataFrame, options: LoadOptions, *, source: str,
                           column: str = "currency", summary: LoadSummary) -> tuple[pd.DataFrame, LoadOptions]:
    """Normalise the currency codes of parsed lines and decide the one currency; refuse several without
    ``currency=`` (naming each with its line count and the first line in another one)."""
    if "currency" not in frame:
        if options.currency is not None:
            summary.note(f"Amounts taken to be in {options.currency} (currency=; the data names none).")
            frame = frame.assign(currency=options.currency)
        return frame, options
    cur = frame["currency"].astype("string").str.strip().str.upper()
    codes = cur.dropna().unique().tolist()
    if options.currency is None and len(codes) > 1:
        counts = cur.value_counts()
        other = (cur != counts.index[0]).fillna(False)
        raise DataError(f"amounts are in {len(codes)} currencies: "
                        + ", ".join(f"{c} ({plural(int(n), 'line')})" for c, n in counts.items()),
                        source=source, column=column, rows=int(other.sum()),
                        example=f"row {_first(other) + 1}: {cur[other].iloc[0]!r}",
                        fix=f"Pass currency='{counts.index[0]}' to keep the lines in one currency (the others "
                            "are left out and counted), or convert the amounts before loading")
    if options.currency is not None:
        other = cur.notna() & (cur != options.currency)
        if other.all():
            raise DataError(f"no line is in {options.currency}", source=source, column="currency",
                            rows=int(other.sum()), example=f"row 1: {cur.iloc[0]!r}",
                            fix=f"Pass one of the file's currencies: {codes}")
    fill = options.currency or (codes[0] if len(codes) == 1 else None)
    return frame.assign(currency=cur), replace(options, fill_currency=fill)


def check_currencies_table(table: ibis.Table, options: LoadOptions, *, source: str, summary: LoadSummary,
                           single: Callable[[], str | None] | None = None) -> tuple[ibis.Table, LoadOptions]:
    """The same for lazy lines: ``single`` may read the one code from file statistics, else one small query
    lists the codes (only when ``currency=`` is not given)."""
    if "currency" not in table.columns:
        if options.currency is not None:
            summary.note(f"Amounts taken to be in {options.currency} (currency=; the data names none).")
            table = table.mutate(currency=ibis.literal(options.currency))
        return table, options
    table = table.mutate(currency=table.currency.strip().upper())
    if options.currency is not None:
        return table, replace(options, fill_currency=options.currency)
    one = single() if single is not None else None
    codes = [one] if one else _distinct_currencies(table)
    if len(codes) > 1:
        raise DataError(f"amounts are in {len(codes)} currencies: {codes}", source=source, column="currency",
                        example=codes[1],
                        fix=f"Pass currency='{codes[0]}' to keep the lines in one currency (the others are left "
                            "out and counted), or convert the amounts before loading")
    return table, replace(options, fill_currency=codes[0] if codes else None)


def _distinct_currencies(table: ibis.Table, limit: int = 10) -> list[str]:
    from workbench.engine import to_pandas
    counts = to_pandas(table.currency.value_counts().order_by(ibis.desc("currency_count")).limit(limit))
    return [c for c in counts["currency"].tolist() if isinstance(c, str)]


def _first(mask: pd.Series) -> int:
    return int(np.flatnonzero(mask.to_numpy())[0])
