"""Charts for the sales-performance report: KPI trends, the revenue bridge, new vs returning, cohorts, RFM
segments, top products.

Each ``plot_<what>`` takes the result of the matching analysis (``wb.sales.kpis_by_period``,
``wb.sales.revenue_bridge``, ``wb.sales.cohort_retention``, ``wb.customers.rfm_segment_summary``,
``wb.sales.top_products``), keyword-only options, ``column=`` for the column to draw, ``ax=None`` and
``**kwargs`` (passed to the matplotlib call that draws the marks); it draws on that Axes (a new figure when none
is given) and returns it; none calls ``plt.show``. Titles say what is shown, axes carry units, money is labelled
with the currency. Labels come from the report (``workbench.reports.sales``); a section thin data could not
fill arrives as a ``Skipped`` and is drawn as its reason.
"""
from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from workbench.present import fmt
from workbench.present.style import PALETTE
from workbench.reports.sales import BRIDGE_STEPS, DEFINITIONS
from workbench.reports.sales import _shown as _bridge_as_shown  # the table's rounding, so both show the same amounts
from workbench.sections import skippable_chart

__all__ = ["plot_kpi_trend", "plot_revenue_bridge", "plot_new_vs_returning", "plot_cohort_heatmap",
           "plot_cohort_revenue", "plot_rfm_segments", "plot_top_products"]

BLUE, ORANGE, GREEN, RED, GREY = PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[3], "#9e9e9e"
_YEAR_BACK = {"day": 364, "week": 52, "month": 12, "quarter": 4}  # periods in a year (days: 52 weeks)


def _axes(ax: Axes | None, size: tuple[float, float] = (9.0, 4.6)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def _value_formatter(kind: str, currency: str) -> FuncFormatter:
    if kind == "money":
        return FuncFormatter(lambda x, _: fmt.compact(x, currency=currency))
    if kind == "percent":
        return FuncFormatter(lambda x, _: fmt.pct(x, 0))
    if kind == "ratio":
        return FuncFormatter(lambda x, _: fmt.num(x, 1))
    return FuncFormatter(lambda x, _: fmt.compact(x))


def _unit(kind: str, currency: str) -> str:
    return {"money": currency, "percent": "%", "ratio": "per order"}.get(kind, "count")


def _period_ticks(ax: Axes, x: np.ndarray, labels: list[str], max_ticks: int = 14) -> None:
    """Label at most ``max_ticks`` periods, always including the last one (the period the report is about)."""
    step = max(1, int(np.ceil(len(labels) / max_ticks)))
    idx = np.arange(len(labels))[::-1][::step][::-1]
    ax.set_xticks(x[idx])
    slanted = len(idx) > 6
    ax.set_xticklabels([labels[i] for i in idx], rotation=40 if slanted else 0, ha="right" if slanted else "center",
                       rotation_mode="anchor" if slanted else "default")


def plot_kpi_trend(kpis: pd.DataFrame, *, column: str = "revenue", highlight: Any = None, currency: str = "USD",
                   title: str | None = None, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """One KPI per period, with the same period a year earlier as a dashed line.

    Parameters
    ----------
    kpis : DataFrame
        ``wb.sales.kpis_by_period`` result.
    column : str
        The metric to draw, a column of ``kpis`` (``"revenue"``, ``"orders"``, ``"aov"``, ...; see
        ``wb.sales.METRICS``).
    highlight : date-like, optional
        Start (or any day) of the period the report is about; it is marked and its value written on the chart.
    currency : str
        For money labels.
    **kwargs
        Passed to ``ax.plot`` for the metric's line (``color=``, ``lw=``, ...).

    Periods the data covers only in part are drawn with hollow markers and named in the legend.
    """
    if column not in DEFINITIONS or column not in kpis.columns:
        raise ValueError(f"column={column!r} is not a metric of kpis_by_period; pick one of "
                         f"{[c for c in DEFINITIONS if c in kpis.columns]}")
    ax = _axes(ax)
    d = DEFINITIONS[column]
    period = kpis.attrs.get("period", "month")
    x = np.arange(len(kpis))
    y = kpis[column].to_numpy(dtype="float64")
    labels = kpis["label"].tolist()
    back = _YEAR_BACK.get(period, 12) if period != "day" else 364
    if len(kpis) > back:
        ly = np.concatenate([np.full(back, np.nan), y[:-back]])
        ax.plot(x, ly, ls="--", color=GREY, lw=1.6, label="Same period a year earlier")
    line = {"color": BLUE, "lw": 2.2, "marker": "o", "ms": 4 if len(x) < 60 else 0, "label": d.label} | kwargs
    ax.plot(x, y, **line)
    partial = ~kpis["complete"].to_numpy(dtype=bool)
    if partial.any():
        ax.plot(x[partial], y[partial], ls="none", marker="o", ms=8, mfc="white", mec=BLUE, mew=1.8,
                label="Partial period (data do not cover all of it)")
    if highlight is not None:
        hl = pd.Timestamp(highlight)
        hit = np.flatnonzero((kpis["period_start"] <= hl).to_numpy() & (kpis["period_end"] >= hl.normalize()).to_numpy())
        if len(hit):
            i = int(hit[0])
            ax.axvspan(i - 0.4, i + 0.4, color=ORANGE, alpha=0.18, lw=0)
            ax.annotate(fmt.value(y[i], d.kind, currency), (i, y[i]), xytext=(0, 10), textcoords="offset points",
                        ha="center", fontweight="bold", color="#333333")
    ax.yaxis.set_major_formatter(_value_formatter(d.kind, currency))
    ax.set_ylabel(f"{d.label} ({_unit(d.kind, currency)})")
    ax.set_xlabel(period.capitalize())
    _period_ticks(ax, x, labels)
    if d.kind in ("money", "count") and np.nanmin(np.append(y, 0)) >= 0:
        ax.set_ylim(bottom=0)
    if len(x) < 3:  # one or two periods: leave room around them instead of filling the width with the highlight
        ax.set_xlim(-1.0, len(x))
    ax.set_title(title or f"{d.label} by {period}")
    ax.legend(loc="best", fontsize=9)
    return ax


_BRIDGE_TITLES = {"drivers": "through customers, orders per customer and order value",
                  "customer_type": "through new and returning customers"}


@skippable_chart
def plot_revenue_bridge(bridge: Any, *, currency: str = "USD", title: str | None = None, ax: Axes | None = None,
                        **kwargs: Any) -> Axes:
    """Waterfall from one period's net revenue to the next (``wb.sales.revenue_bridge``): the first and last
    bars are the two totals, each step between them floats from where the last one ended, green when it added
    revenue and red when it took revenue away, with its amount written on it.

    When the steps are small against the totals, the value axis starts above zero (said under the chart) so the
    steps can be read. ``**kwargs`` go to ``ax.bar`` (``width=``, ``alpha=``, ...).
    """
    import textwrap

    from matplotlib.patches import Patch

    contributions = bridge.steps["contribution"].to_numpy(dtype="float64")
    n = len(contributions)
    levels = bridge.start + np.concatenate([[0.0], np.cumsum(contributions)])
    levels[-1] = bridge.end  # the steps sum to the change; draw the total as recorded
    ax = _axes(ax, (max(7.5, 1.25 * (n + 2) + 2.0), 4.8))
    x = np.arange(n + 2)
    bar = {"width": 0.62} | kwargs
    ax.bar(x[0], bridge.start, **({"color": GREY} | bar))
    ax.bar(x[-1], bridge.end, **({"color": BLUE} | bar))
    colours = [GREEN if c >= 0 else RED for c in contributions]
    ax.bar(x[1:-1], np.abs(contributions), bottom=np.minimum(levels[:-1], levels[1:]), **({"color": colours} | bar))
    half = bar["width"] / 2
    shown = _bridge_as_shown(bridge)  # amounts as the report's table rounds them: the steps add up to the change

    def money(x: float) -> str:
        return fmt.compact(x, currency=currency) if abs(x) >= 10_000_000 else fmt.money(x, currency, shown.decimals)

    for i in range(n + 1):  # connectors: where one bar ends the next begins
        ax.plot([x[i] + half, x[i + 1] - half], [levels[i], levels[i]], color="#777777", lw=0.8, ls=":")
    top = max(levels.max(), bridge.start, bridge.end)
    low = min(levels.min(), bridge.start, bridge.end)
    span = top - low
    pad = (span if span > 0 else abs(top) or 1.0) * 0.06
    for xi, amount, hi_ in zip(x[1:-1], shown.steps, np.maximum(levels[:-1], levels[1:])):
        ax.text(xi, hi_ + pad * 0.3, ("+" if amount > 0 else "") + money(amount), ha="center", va="bottom",
                fontsize=9, color=GREEN if amount > 0 else RED if amount < 0 else GREY, fontweight="bold")
    for xi, total in ((x[0], shown.start), (x[-1], shown.end)):
        ax.text(xi, max(total, 0) + pad * 0.3, money(total), ha="center", va="bottom", fontsize=9, color="#333333",
                fontweight="bold")
    labels = [f"Net revenue, {bridge.start_label}",
              *[BRIDGE_STEPS.get(k, (k, ""))[0] for k in bridge.steps.index], f"Net revenue, {bridge.end_label}"]
    ax.set_xticks(x)
    ax.set_xticklabels(["\n".join(textwrap.wrap(t, 14)) for t in labels], fontsize=9)
    ax.yaxis.set_major_formatter(_value_formatter("money", currency))
    ax.set_ylabel(f"Net revenue ({currency})")
    if low > 0 and span < 0.4 * top:  # small steps on big totals: start the axis above zero, and say so
        bottom = max(0.0, low - 1.5 * span - pad)
        ax.set_ylim(bottom, top + 3 * pad)
        ax.set_xlabel(f"The value axis starts at {fmt.compact(bottom, currency=currency)}, not at zero, so the "
                      "steps can be read.", fontsize=9, color="#555555")
    else:
        ax.set_ylim(min(0.0, low - pad), top + 3 * pad)
    ax.grid(axis="x", visible=False)
    handles = [Patch(color=GREEN, label="Added to net revenue")] if (contributions >= 0).any() else []
    handles += [Patch(color=RED, label="Took revenue away")] if (contributions < 0).any() else []
    if handles:
        ax.legend(handles=handles, loc="upper left", fontsize=9)
    ax.set_title(title or f"What moved net revenue from {bridge.start_label} to {bridge.end_label}\n"
                          f"{_BRIDGE_TITLES.get(bridge.by, bridge.by)}")
    return ax


def plot_new_vs_returning(kpis: pd.DataFrame, *, column: str = "customers", currency: str = "USD",
                          title: str | None = None, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Stacked bars per period: new and returning customers (``column="customers"``) or their net revenue
    (``column="revenue"``, with revenue of lines without a customer id on top when there is any).
    ``**kwargs`` go to ``ax.bar`` (``width=``, ``alpha=``, ...)."""
    if column not in ("customers", "revenue"):
        raise ValueError(f"column={column!r}: use 'customers' or 'revenue'")
    ax = _axes(ax)
    x = np.arange(len(kpis))
    if column == "customers":
        parts = [("returning_customers", "Returning customers", BLUE), ("new_customers", "New customers", ORANGE)]
    else:
        parts = [("returning_customer_revenue", "Returning customers", BLUE),
                 ("new_customer_revenue", "New customers", ORANGE)]
        if kpis["guest_revenue"].abs().sum() > 0:
            parts.append(("guest_revenue", "No customer id (guest)", GREY))
    bottom = np.zeros(len(kpis))
    for col, label, colour in parts:
        v = kpis[col].to_numpy(dtype="float64")
        ax.bar(x, v, bottom=bottom, **({"color": colour, "label": label, "width": 0.8} | kwargs))
        bottom += v
    kind = "count" if column == "customers" else "money"
    ax.yaxis.set_major_formatter(_value_formatter(kind, currency))
    ax.set_ylabel("Customers who ordered" if column == "customers" else f"Net revenue ({currency})")
    period = kpis.attrs.get("period", "month")
    ax.set_xlabel(period.capitalize())
    _period_ticks(ax, x, kpis["label"].tolist())
    ax.set_title(title or ("New and returning customers by " if column == "customers"
                           else "Net revenue from new and returning customers by ") + period)
    ax.legend(loc="best", fontsize=9)
    return ax


@skippable_chart
def plot_cohort_heatmap(cohorts: pd.DataFrame, *, column: str = "retention", max_cohorts: int = 24,
                        max_age: int | None = 24, currency: str = "USD", title: str | None = None,
                        ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Cohort x months-since-first-order heatmap of ``column`` (retention by default), newest cohorts last.

    Rows are labelled with the cohort month and its size; cells show the value when the grid is small
    enough to read. For retention the colour scale ignores month 0 (always 100%), so later months stay
    distinguishable. Shows the ``max_cohorts`` most recent cohorts and ages up to ``max_age``.
    ``**kwargs`` go to ``seaborn.heatmap`` (``cmap=``, ...).
    """
    import seaborn as sns

    m = cohorts.pivot(index="cohort", columns="age", values=column)
    sizes = cohorts.drop_duplicates("cohort").set_index("cohort")["cohort_size"]
    m = m.iloc[-max_cohorts:]
    if max_age is not None:
        m = m.loc[:, [c for c in m.columns if c <= max_age]]
    rows, cols = m.shape
    ax = _axes(ax, (min(16.0, 3.0 + 0.55 * cols), min(12.0, 1.6 + 0.42 * rows)))
    d = DEFINITIONS.get(column)
    kind = d.kind if d else "number"
    later = m.loc[:, [c for c in m.columns if c >= 1]]
    vmax = np.nanmax(later.to_numpy()) if later.size and np.isfinite(later.to_numpy()).any() else None
    annot = rows * cols <= 500
    if kind == "percent":
        labels = m.map(lambda v: "" if pd.isna(v) else f"{v * 100:.0f}%" if v >= 0.1 or v == 0 else f"{v * 100:.1f}%")
    elif kind == "money":
        labels = m.map(lambda v: "" if pd.isna(v) else fmt.compact(v, currency=currency))
    else:
        labels = m.map(lambda v: "" if pd.isna(v) else fmt.compact(v))
    options = {"cmap": "Blues", "vmin": 0, "vmax": vmax if kind == "percent" else None,
               "annot": labels if annot else False, "fmt": "", "annot_kws": {"fontsize": 8 if cols > 12 else 9},
               "linewidths": 0.5, "linecolor": "white",
               "cbar_kws": {"format": PercentFormatter(1.0, decimals=0) if kind == "percent"
                            else _value_formatter(kind, currency), "shrink": 0.8}}
    sns.heatmap(m, ax=ax, **(options | kwargs))
    ax.grid(False)
    ax.set_yticks(np.arange(rows) + 0.5)
    ax.set_yticklabels([f"{c:%b %Y} ({fmt.num(sizes[c])})" for c in m.index], rotation=0)
    ax.set_ylabel("Cohort: month of first order (customers)")
    ax.set_xlabel("Months since first order")
    name = d.label if d else column
    ax.set_title(title or (f"{name}: share of each cohort ordering in later months" if column == "retention"
                           else f"{name} by cohort and months since first order"))
    return ax


@skippable_chart
def plot_cohort_revenue(cohorts: pd.DataFrame, *, max_cohorts: int = 12, currency: str = "USD",
                        title: str | None = None, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Cumulative net revenue per acquired customer by months since first order: one line per cohort (the
    ``max_cohorts`` most recent) and the size-weighted average of all cohorts in bold. ``**kwargs`` go to
    ``ax.plot`` for the cohort lines."""
    ax = _axes(ax)
    recent = sorted(cohorts["cohort"].unique())[-max_cohorts:]
    colours = plt.get_cmap("viridis")(np.linspace(0.1, 0.85, len(recent)))
    for colour, c in zip(colours, recent):
        d = cohorts[cohorts["cohort"] == c]
        ax.plot(d["age"], d["cumulative_revenue_per_customer"],
                **({"color": colour, "lw": 1.2, "alpha": 0.8, "label": f"{pd.Timestamp(c):%b %Y}"} | kwargs))
    g = cohorts.groupby("age")
    avg = g["cumulative_revenue"].sum() / g["cohort_size"].sum()
    ax.plot(avg.index, avg.to_numpy(), color="black", lw=2.6, label="All cohorts (weighted)")
    ax.yaxis.set_major_formatter(_value_formatter("money", currency))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(bottom=0)
    ax.set_xlabel("Months since first order")
    ax.set_ylabel(f"Cumulative net revenue per customer ({currency})")
    ax.set_title(title or "What an acquired customer has brought in, by months since first order")
    ax.legend(loc="upper left", fontsize=8, ncol=2 if len(recent) > 6 else 1)
    return ax


@skippable_chart
def plot_rfm_segments(summary: pd.DataFrame, *, title: str | None = None, ax: Axes | None = None,
                      **kwargs: Any) -> Axes:
    """Each RFM segment's share of customers next to its share of net revenue (``rfm_segment_summary``).
    ``**kwargs`` go to both ``ax.barh`` calls (``height=``, ``alpha=``, ...)."""
    ax = _axes(ax, (9.0, 5.2))
    s = summary.iloc[::-1]
    y = np.arange(len(s))
    h = 0.38
    ax.barh(y + h / 2, s["customer_share"], **({"height": h, "color": GREY, "label": "Share of customers"} | kwargs))
    ax.barh(y - h / 2, s["revenue_share"], **({"height": h, "color": BLUE, "label": "Share of net revenue"} | kwargs))
    for yi, cs, rs in zip(y, s["customer_share"], s["revenue_share"]):
        ax.text(cs, yi + h / 2, f" {fmt.pct(cs, 0)}", va="center", fontsize=8, color="#555555")
        ax.text(rs, yi - h / 2, f" {fmt.pct(rs, 0)}", va="center", fontsize=8, color=BLUE)
    ax.set_yticks(y)
    ax.set_yticklabels([f"{name} ({fmt.num(n)})" for name, n in zip(s["segment"], s["customers"])])
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    top = np.nanmax(np.r_[s["customer_share"].to_numpy(dtype=float), s["revenue_share"].to_numpy(dtype=float), 0.1])
    ax.set_xlim(0, top * 1.18)
    ax.set_xlabel("Share of all customers / of all net revenue (%)")
    ax.set_ylabel("RFM segment (customers)")
    ax.set_title(title or "RFM segments: who the customers are and who brings the revenue")
    ax.legend(loc="lower right", fontsize=9)
    return ax


def plot_top_products(top: pd.DataFrame, *, currency: str = "USD", title: str | None = None,
                      ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Horizontal bars of the period's net revenue per product or category (``wb.sales.top_products``), with
    the previous period as a marker. An empty table (data without product detail) draws a one-line note instead.
    ``**kwargs`` go to ``ax.barh``."""
    dim = top.attrs.get("dimension", "product")
    plural = "categories" if dim == "category" else "products"
    if top.empty:  # a one-line placeholder: the report's text says why
        ax = _axes(ax, (9.0, 0.5))
        ax.axis("off")
        why = (f"no sales in {top.attrs.get('period_label', 'the period')}" if top.attrs.get("column")
               else f"no {dim} detail in this data")
        ax.text(0.0, 0.5, f"Top {plural}: {why}.", ha="left", va="center", fontsize=11,
                color="#555555", transform=ax.transAxes)
        return ax
    ax = _axes(ax, (9.0, max(2.5, 0.45 * len(top) + 1.4)))
    s = top.iloc[::-1]
    y = np.arange(len(s))
    ax.barh(y, s["revenue"], **({"color": BLUE, "height": 0.65, "label": top.attrs.get("period_label", "This period")}
                                | kwargs))
    prev = s["previous_revenue"].to_numpy(dtype="float64")
    ax.plot(prev, y, ls="none", marker="D", color=ORANGE, ms=6, label=top.attrs.get("previous_label", "Previous period"))
    for yi, v, share in zip(y, s["revenue"], s["revenue_share"]):
        ax.text(v, yi, f"  {fmt.compact(v, currency=currency)} ({fmt.pct(share)})", va="center", fontsize=8)
    names = [n if len(n) <= 38 else n[:36] + "…" for n in s["name"].astype(str)]
    ax.set_yticks(y)
    ax.set_yticklabels(names)
    ax.xaxis.set_major_formatter(_value_formatter("money", currency))
    right = np.nanmax(np.r_[s["revenue"].to_numpy(dtype=float), prev, 0])
    ax.set_xlim(0, right * 1.3 if right > 0 else 1)
    ax.set_xlabel(f"Net revenue ({currency})")
    ax.set_title(title or f"Top {plural} by net revenue, {top.attrs.get('period_label', '')}".rstrip(", "))
    ax.legend(loc="lower right", fontsize=9)
    return ax
