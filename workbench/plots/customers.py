"""Charts for buyer personas, segments and lifetime value.

Each function takes the result of an analysis (``wb.customers.*``), keyword-only options and ``ax=None`` (a
new figure sized for the chart when not given), and returns the Axes; none calls ``plt.show``.
"""
from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter, PercentFormatter

from workbench.present import fmt

__all__ = ["persona_k_plot", "persona_profile_heatmap", "value_share_bars", "clv_holdout_plot",
           "clv_tracking_plot", "clv_concentration_plot", "clv_by_group_bars"]

_BLUE, _ORANGE, _GREEN, _GREY, _RED = "#1f5a96", "#e0822b", "#3a9a5b", "#9a9a9a", "#c23b3b"

_SHARE_LABELS = {"share_customers": "Share of customers", "share_revenue": "Share of revenue to date",
                 "share_clv": "Share of expected future value (CLV)"}


def _axes(ax: plt.Axes | None, size: tuple[float, float]) -> plt.Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def persona_k_plot(selection: pd.DataFrame, *, title: str | None = None, ax: plt.Axes | None = None) -> plt.Axes:
    """Silhouette score for each number of personas tried, the chosen one marked (``Personas.selection``)."""
    ax = _axes(ax, (8.0, 4.2))
    ax.plot(selection.k, selection.silhouette, marker="o", color=_BLUE, lw=2)
    chosen = selection[selection.chosen]
    ax.scatter(chosen.k, chosen.silhouette, s=180, facecolors="none", edgecolors=_ORANGE, linewidths=2.5,
               zorder=3, label="chosen")
    for row in chosen.itertuples():
        ax.annotate(f"chosen: {row.k} personas", (row.k, row.silhouette), xytext=(8, 10),
                    textcoords="offset points", color=_ORANGE, fontweight="bold")
    ax.set_xticks(selection.k)
    # the axis starts at 0 so that small differences between k look as small as they are
    ax.set_ylim(min(0.0, float(selection.silhouette.min()) - 0.05), max(0.5, float(selection.silhouette.max()) * 1.3))
    ax.set_xlabel("Number of personas (clusters)")
    ax.set_ylabel("Silhouette score (higher = groups better separated)")
    ax.set_title(title or "How many personas does the data support?")
    return ax


def persona_profile_heatmap(profiles: pd.DataFrame, *, currency: str = "USD", group: str = "persona",
                            title: str | None = None, ax: plt.Axes | None = None) -> plt.Axes:
    """Persona profiles as a table of numbers coloured by how each persona compares with the others.

    Columns: customers, share of revenue, orders per customer, spend per order, items per order, days since
    the last order (median). Colour: each column scaled from the lowest (light) to the highest (dark) persona.
    """
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
    ax.imshow(scaled, cmap="Blues", vmin=-0.15, vmax=1.25, aspect="auto")
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


def value_share_bars(table: pd.DataFrame, *, group: str = "persona",
                     shares: Sequence[str] = ("share_customers", "share_revenue", "share_clv"),
                     title: str | None = None, ax: plt.Axes | None = None) -> plt.Axes:
    """Side-by-side shares of customers, revenue and future value per group (persona or RFM segment).

    A group whose revenue or value bar is longer than its customer bar is worth more than its headcount.
    Shares missing from ``table`` are skipped.
    """
    shares = [s for s in shares if s in table.columns]
    data = table.set_index(group)[shares]
    n, m = len(data), len(shares)
    ax = _axes(ax, (9.0, 0.55 * n * max(1, m / 2) + 1.6))
    height = 0.8 / m
    colors = [_GREY, _BLUE, _ORANGE]
    y = np.arange(n)
    for j, col in enumerate(shares):
        pos = y - 0.4 + height * (j + 0.5)
        ax.barh(pos, data[col].to_numpy(), height=height, color=colors[j % 3], label=_SHARE_LABELS.get(col, col))
        for yy, v in zip(pos, data[col].to_numpy()):
            ax.text(v, yy, f" {v:.0%}", va="center", fontsize=8.5)
    ax.set_yticks(y, data.index.astype(str))
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlim(0, float(np.nanmax(data.to_numpy())) * 1.15 + 0.01)
    ax.set_xlabel("Share of the total (%)")
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right")
    ax.set_title(title or f"Who carries the business: share of customers, revenue and future value by {group}")
    return ax


def clv_holdout_plot(table: pd.DataFrame, *, weeks: float | None = None, title: str | None = None,
                     ax: plt.Axes | None = None) -> plt.Axes:
    """Holdout check: mean actual vs predicted holdout purchases by calibration purchases (``HoldoutCheck.table``).

    The points should follow each other: the model has not seen the holdout period.
    """
    ax = _axes(ax, (8.5, 4.6))
    x = np.arange(len(table))
    ax.plot(x, table.actual, marker="o", lw=2.2, color=_BLUE, label="Actual")
    ax.plot(x, table.predicted, marker="s", lw=2.2, ls="--", color=_ORANGE, label="Predicted by the model")
    ax.set_xticks(x, table.calibration_purchases)
    period = f" ({fmt.num(weeks)} weeks)" if weeks else ""
    ax.set_xlabel("Repeat purchases in the calibration period")
    ax.set_ylabel(f"Purchases per customer in holdout{period}")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left")
    ax.set_title(title or "Holdout check: predicted vs actual purchases, by past buying")
    return ax


def clv_tracking_plot(tracking: pd.DataFrame, *, cumulative: bool = True, title: str | None = None,
                      ax: plt.Axes | None = None) -> plt.Axes:
    """Week-by-week repeat purchases, actual vs the model, with the end of the calibration period marked."""
    ax = _axes(ax, (9.5, 4.6))
    actual = tracking.actual_cumulative if cumulative else tracking.actual
    expected = tracking.expected_cumulative if cumulative else tracking.expected
    dates = pd.to_datetime(tracking.week_start)
    ax.plot(dates, actual, color=_BLUE, lw=2.2, label="Actual")
    ax.plot(dates, expected, color=_ORANGE, lw=2.2, ls="--", label="Model (fitted on the calibration period)")
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


def clv_concentration_plot(values: pd.DataFrame, *, column: str = "clv", marks: Sequence[float] = (0.1, 0.2),
                           title: str | None = None, ax: plt.Axes | None = None) -> plt.Axes:
    """Share of total expected value held by the most valuable customers (a concentration / Lorenz curve)."""
    v = np.sort(values[column].to_numpy(dtype=float))[::-1]
    total = v.sum()
    share_value = np.concatenate([[0.0], np.cumsum(v) / total]) if total > 0 else np.zeros(len(v) + 1)
    share_customers = np.linspace(0, 1, len(v) + 1)
    ax = _axes(ax, (7.5, 5.0))
    ax.plot(share_customers, share_value, color=_BLUE, lw=2.4, label="Customers ranked by expected value")
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


def clv_by_group_bars(table: pd.DataFrame, *, group: str = "persona", column: str = "clv_per_customer",
                      currency: str = "USD", title: str | None = None, ax: plt.Axes | None = None) -> plt.Axes:
    """Expected value per customer by group (``value_by_group``), highest first."""
    data = table.sort_values(column, ascending=True)
    ax = _axes(ax, (8.5, 0.5 * len(data) + 1.5))
    ax.barh(data[group].astype(str), data[column].to_numpy(), color=_ORANGE)
    for y, v in enumerate(data[column].to_numpy()):
        ax.text(v, y, " " + fmt.money(v, currency, 2 if abs(v) < 100 else 0), va="center", fontsize=9.5)
    ax.set_xlim(0, float(data[column].max()) * 1.18 + 1e-9)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.money(v, currency)))
    ax.set_xlabel(f"Expected value per customer ({currency}, discounted margin)")
    ax.grid(axis="y", visible=False)
    ax.set_title(title or f"What a customer is worth, by {group}")
    return ax
