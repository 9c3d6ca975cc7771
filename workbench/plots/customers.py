"""Charts for buyer personas, segments and lifetime value.

Each ``plot_<what>`` takes the result of an analysis (``wb.customers.*``: fitted ``Personas``, a
``value_by_group`` roll-up, ``holdout_validation``, ``lifetime_value``), keyword-only options and ``ax=None`` (a
new figure sized for the chart when not given), passes ``**kwargs`` to the matplotlib call that draws the marks,
and returns the Axes; none calls ``plt.show``. Given a ``Skipped`` section, each draws a panel with the reason.
"""
from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter, PercentFormatter

from workbench.present import fmt
from workbench.sections import skippable_chart

__all__ = ["plot_persona_selection", "plot_persona_profiles", "plot_value_shares", "plot_value_by_group",
           "plot_holdout_check", "plot_repeat_purchases", "plot_value_concentration"]

_BLUE, _ORANGE, _GREEN, _GREY, _RED = "#1f5a96", "#e0822b", "#3a9a5b", "#9a9a9a", "#c23b3b"

_SHARE_LABELS = {"share_customers": "Share of customers", "share_revenue": "Share of revenue to date",
                 "share_clv": "Share of expected future value (CLV)"}
_GROUP_WORDS = {"segment": "RFM segment"}


def _axes(ax: plt.Axes | None, size: tuple[float, float]) -> plt.Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def _group(table: pd.DataFrame, group: str | None) -> str:
    """The group column of a ``value_by_group`` roll-up: as given, else as the roll-up names it."""
    return group or table.attrs.get("group") or str(table.columns[0])


@skippable_chart
def plot_persona_selection(personas, *, title: str | None = None, ax: plt.Axes | None = None,
                           **kwargs) -> plt.Axes:
    """Silhouette score for each number of personas tried, the chosen one marked.

    ``personas``: fitted ``Personas`` (its ``selection_``) or the selection frame itself (``k``, ``silhouette``,
    ``chosen``). ``**kwargs`` go to the line.
    """
    selection = getattr(personas, "selection_", personas)
    ax = _axes(ax, (8.0, 4.2))
    ax.plot(selection.k, selection.silhouette, **{"marker": "o", "color": _BLUE, "lw": 2, **kwargs})
    chosen = selection[selection.chosen]
    ax.scatter(chosen.k, chosen.silhouette, s=180, facecolors="none", edgecolors=_ORANGE, linewidths=2.5,
               zorder=3, label="chosen")
    for row in chosen.itertuples():
        ax.annotate(f"chosen: {row.k} personas", (row.k, row.silhouette), xytext=(8, 10),
                    textcoords="offset points", color=_ORANGE, fontweight="bold")
    ax.set_xticks(selection.k)
    # the axis starts at 0 so that small differences between k look as small as they are
    low, high = float(np.nanmin(selection.silhouette)), float(np.nanmax(selection.silhouette))
    ax.set_ylim(min(0.0, low - 0.05), max(0.5, high * 1.3))
    ax.set_xlabel("Number of personas (clusters)")
    ax.set_ylabel("Silhouette score (higher = groups better separated)")
    ax.set_title(title or "How many personas does the data support?")
    return ax


@skippable_chart
def plot_persona_profiles(personas, *, currency: str = "USD", group: str = "persona", title: str | None = None,
                          ax: plt.Axes | None = None, **kwargs) -> plt.Axes:
    """Persona profiles as a table of numbers coloured by how each persona compares with the others.

    ``personas``: fitted ``Personas`` (its ``profiles_``) or a profiles frame. Columns: customers, share of
    revenue, orders per customer, spend per order, items per order, days since the last order (median).
    Colour: each column scaled from the lowest (light) to the highest (dark) persona. ``**kwargs`` go to
    ``imshow``.
    """
    profiles = getattr(personas, "profiles_", personas)
    spec = [("customers", "Customers", lambda v: fmt.num(v)),
            ("share_revenue", "Share of\nrevenue", lambda v: fmt.pct(v, 0)),
            ("orders_per_customer", "Orders per\ncustomer", lambda v: fmt.num(v, 1)),
            ("aov", "Spend per\norder", lambda v: fmt.money(v, currency)),
            ("units_per_order", "Items per\norder", lambda v: fmt.num(v, 1)),
            ("recency_days", "Days since\nlast order", lambda v: fmt.num(v))]
    spec = [s for s in spec if s[0] in profiles.columns]
    values = profiles[[s[0] for s in spec]].to_numpy(dtype=float)
    span = values.max(axis=0) - values.min(axis=0)
    scaled = np.divide(values - values.min(axis=0), span, out=np.full_like(values, 0.5), where=span > 0)
    ax = _axes(ax, (10.0, 0.62 * len(profiles) + 1.8))
    ax.imshow(scaled, **{"cmap": "Blues", "vmin": -0.15, "vmax": 1.25, "aspect": "auto", **kwargs})
    for i in range(values.shape[0]):
        for j, (_, _, f) in enumerate(spec):
            ax.text(j, i, f(values[i, j]), ha="center", va="center", fontsize=10,
                    color="white" if scaled[i, j] > 0.6 else "#222222")
    ax.set_xticks(range(len(spec)), [s[1] for s in spec])
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(profiles)), profiles[group].astype(str))
    ax.grid(False)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    ax.set_title(title or "Persona profiles (darker = higher than the other personas)", pad=34)
    return ax


@skippable_chart
def plot_value_shares(table: pd.DataFrame, *, group: str | None = None,
                      columns: Sequence[str] = ("share_customers", "share_revenue", "share_clv"),
                      title: str | None = None, ax: plt.Axes | None = None, **kwargs) -> plt.Axes:
    """Side-by-side shares of customers, revenue and future value per group (persona or RFM segment).

    ``table``: a ``value_by_group`` roll-up; ``group``: its group column (default: the one it was grouped by);
    ``columns``: the shares to draw (those missing from ``table`` are skipped). A group whose revenue or value
    bar is longer than its customer bar is worth more than its headcount. ``**kwargs`` go to ``barh``.
    """
    group = _group(table, group)
    shares = [s for s in columns if s in table.columns]
    data = table.set_index(group)[shares]
    n, m = len(data), len(shares)
    ax = _axes(ax, (9.0, 0.55 * n * max(1, m / 2) + 1.6))
    height = 0.8 / m
    colors = [_GREY, _BLUE, _ORANGE]
    y = np.arange(n)
    for j, col in enumerate(shares):
        pos = y - 0.4 + height * (j + 0.5)
        ax.barh(pos, data[col].to_numpy(), **{"height": height, "color": colors[j % 3],
                                               "label": _SHARE_LABELS.get(col, col), **kwargs})
        for yy, v in zip(pos, data[col].to_numpy()):
            ax.text(v, yy, f" {v:.0%}", va="center", fontsize=8.5)
    ax.set_yticks(y, data.index.astype(str))
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlim(0, float(np.nanmax(data.to_numpy())) * 1.15 + 0.01)
    ax.set_xlabel("Share of the total (%)")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right")
    ax.set_title(title or f"Who carries the business: share of customers, revenue and future value by "
                          f"{_GROUP_WORDS.get(group, group)}")
    return ax


@skippable_chart
def plot_holdout_check(holdout, *, title: str | None = None, ax: plt.Axes | None = None, **kwargs) -> plt.Axes:
    """Holdout check: mean actual vs predicted holdout purchases by calibration purchases.

    ``holdout``: the ``holdout_validation`` result (or its ``HoldoutCheck``). The points should follow each
    other: the model has not seen the holdout period. ``**kwargs`` go to both lines.
    """
    check = getattr(holdout, "check", holdout)
    table, weeks = check.table, check.weeks
    ax = _axes(ax, (8.5, 4.6))
    x = np.arange(len(table))
    ax.plot(x, table.actual, **{"marker": "o", "lw": 2.2, "color": _BLUE, "label": "Actual", **kwargs})
    ax.plot(x, table.predicted, **{"marker": "s", "lw": 2.2, "ls": "--", "color": _ORANGE,
                                   "label": "Predicted by the model", **kwargs})
    ax.set_xticks(x, table.calibration_purchases)
    period = f" ({fmt.num(weeks)} weeks)" if weeks else ""
    ax.set_xlabel("Repeat purchases in the calibration period")
    ax.set_ylabel(f"Purchases per customer in holdout{period}")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left")
    ax.set_title(title or "Holdout check: predicted vs actual purchases, by past buying")
    return ax


@skippable_chart
def plot_repeat_purchases(holdout, *, cumulative: bool = True, title: str | None = None,
                          ax: plt.Axes | None = None, **kwargs) -> plt.Axes:
    """Week-by-week repeat purchases, actual vs the model, with the end of the calibration period marked.

    ``holdout``: the ``holdout_validation`` result (or its ``tracking`` frame). ``**kwargs`` go to both lines.
    """
    tracking = getattr(holdout, "tracking", holdout)
    ax = _axes(ax, (9.5, 4.6))
    actual = tracking.actual_cumulative if cumulative else tracking.actual
    expected = tracking.expected_cumulative if cumulative else tracking.expected
    dates = pd.to_datetime(tracking.week_start)
    ax.plot(dates, actual, **{"color": _BLUE, "lw": 2.2, "label": "Actual", **kwargs})
    ax.plot(dates, expected, **{"color": _ORANGE, "lw": 2.2, "ls": "--",
                                "label": "Model (fitted on the calibration period)", **kwargs})
    holdout = tracking[tracking.period == "holdout"]
    if len(holdout):
        start = pd.Timestamp(holdout.week_start.iloc[0])
        ax.axvline(start, color=_GREY, lw=1.2, ls=":")
        ax.text(start, ax.get_ylim()[1] * 0.97, "  holdout period →", va="top", color="#555555")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.compact(v)))
    ax.set_xlabel("Week")
    ax.set_ylabel("Repeat purchases" + (", cumulative" if cumulative else " per week"))
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left" if cumulative else "upper right")
    ax.set_title(title or ("Repeat purchases: actual vs model, " + ("cumulative" if cumulative else "weekly")))
    return ax


@skippable_chart
def plot_value_concentration(lifetime_value, *, column: str = "clv", marks: Sequence[float] = (0.1, 0.2),
                             title: str | None = None, ax: plt.Axes | None = None, **kwargs) -> plt.Axes:
    """Share of total expected value held by the most valuable customers (a concentration / Lorenz curve).

    ``lifetime_value``: the ``lifetime_value`` result (its ``values``) or a frame with ``column`` per customer.
    ``**kwargs`` go to the curve.
    """
    values = lifetime_value if isinstance(lifetime_value, pd.DataFrame) else lifetime_value.values
    v = np.sort(values[column].to_numpy(dtype=float))[::-1]
    total = v.sum()
    share_value = np.concatenate([[0.0], np.cumsum(v) / total]) if total > 0 else np.zeros(len(v) + 1)
    share_customers = np.linspace(0, 1, len(v) + 1)
    ax = _axes(ax, (7.5, 5.0))
    ax.plot(share_customers, share_value, **{"color": _BLUE, "lw": 2.4, "label": "Customers ranked by expected value",
                                             **kwargs})
    ax.plot([0, 1], [0, 1], color=_GREY, ls="--", lw=1, label="If every customer were worth the same")
    for mark in marks:
        k = int(round(mark * len(v)))
        ax.scatter([share_customers[k]], [share_value[k]], color=_ORANGE, zorder=3)
        ax.annotate(f"top {mark:.0%} of customers:\n{share_value[k]:.0%} of the value", (share_customers[k],
                    share_value[k]), xytext=(14, -30), textcoords="offset points", fontsize=9.5,
                    arrowprops={"arrowstyle": "-", "color": "#777777"})
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("Share of customers, most valuable first (%)")
    ax.set_ylabel("Share of total expected value (%)")
    ax.legend(loc="lower right")
    ax.set_title(title or "How concentrated is future value?")
    return ax


@skippable_chart
def plot_value_by_group(table: pd.DataFrame, *, column: str = "clv_per_customer", group: str | None = None,
                        currency: str = "USD", title: str | None = None, ax: plt.Axes | None = None,
                        **kwargs) -> plt.Axes:
    """Expected value per customer by group (a ``value_by_group`` roll-up), highest first. ``**kwargs`` go to
    ``barh``."""
    group = _group(table, group)
    data = table.sort_values(column, ascending=True)
    ax = _axes(ax, (8.5, 0.5 * len(data) + 1.5))
    ax.barh(data[group].astype(str), data[column].to_numpy(), **{"color": _ORANGE, **kwargs})
    for y, v in enumerate(data[column].to_numpy()):
        ax.text(v, y, " " + fmt.money(v, currency, 2 if abs(v) < 100 else 0), va="center", fontsize=9.5)
    ax.set_xlim(0, float(data[column].max()) * 1.18 + 1e-9)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.money(v, currency)))
    ax.set_xlabel(f"Expected value per customer ({currency}, discounted margin)")
    ax.grid(axis="y", visible=False)
    ax.set_title(title or f"What a customer is worth, by {_GROUP_WORDS.get(group, group)}")
    return ax
