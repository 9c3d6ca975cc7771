"""Charts for the sales-performance report: KPI trends, new vs returning, cohorts, RFM segments, top products.

Each function takes the result table of the matching analysis (``wb.sales.kpis_by_period``,
``wb.sales.cohort_table``, ``wb.customers.rfm_segment_summary``, ``wb.sales.top_products``), keyword-only
options and ``ax=None``, draws on that Axes (a new figure when none is given) and returns it; none calls
``plt.show``. Titles say what is shown, axes carry units, money is labelled with the currency.
"""
from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from workbench.analyses.sales.kpis import METRIC_DEFINITIONS
from workbench.present import fmt
from workbench.present.style import PALETTE

__all__ = ["kpi_trend_chart", "new_vs_returning_chart", "cohort_heatmap", "cohort_revenue_chart",
           "rfm_segment_chart", "top_products_chart"]

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


def kpi_trend_chart(kpis: pd.DataFrame, *, metric: str = "revenue", highlight: Any = None, currency: str = "USD",
                    title: str | None = None, ax: Axes | None = None) -> Axes:
    """One KPI per period, with the same period a year earlier as a dashed line.

    Parameters
    ----------
    kpis : DataFrame
        ``wb.sales.kpis_by_period`` result.
    metric : str
        A column of it named in ``wb.sales.METRIC_DEFINITIONS`` (``"revenue"``, ``"orders"``, ``"aov"``, ...).
    highlight : date-like, optional
        Start (or any day) of the period the report is about; it is marked and its value written on the chart.
    currency : str
        For money labels.

    Periods the data covers only in part are drawn with hollow markers and named in the legend.
    """
    ax = _axes(ax)
    d = METRIC_DEFINITIONS[metric]
    period = kpis.attrs.get("period", "month")
    x = np.arange(len(kpis))
    y = kpis[metric].to_numpy(dtype="float64")
    labels = kpis["label"].tolist()
    back = _YEAR_BACK.get(period, 12) if period != "day" else 364
    if len(kpis) > back:
        ly = np.concatenate([np.full(back, np.nan), y[:-back]])
        ax.plot(x, ly, ls="--", color=GREY, lw=1.6, label="Same period a year earlier")
    ax.plot(x, y, color=BLUE, lw=2.2, marker="o", ms=4 if len(x) < 60 else 0, label=d["label"])
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
            ax.annotate(fmt.value(y[i], d["kind"], currency), (i, y[i]), xytext=(0, 10), textcoords="offset points",
                        ha="center", fontweight="bold", color="#333333")
    ax.yaxis.set_major_formatter(_value_formatter(d["kind"], currency))
    ax.set_ylabel(f"{d['label']} ({_unit(d['kind'], currency)})")
    ax.set_xlabel(period.capitalize())
    _period_ticks(ax, x, labels)
    if d["kind"] in ("money", "count") and np.nanmin(np.append(y, 0)) >= 0:
        ax.set_ylim(bottom=0)
    ax.set_title(title or f"{d['label']} by {period}")
    ax.legend(loc="best", fontsize=9)
    return ax


def new_vs_returning_chart(kpis: pd.DataFrame, *, value: str = "customers", currency: str = "USD",
                           title: str | None = None, ax: Axes | None = None) -> Axes:
    """Stacked bars per period: new and returning customers (``value="customers"``) or their net revenue
    (``value="revenue"``, with revenue of lines without a customer id on top when there is any)."""
    if value not in ("customers", "revenue"):
        raise ValueError(f"value={value!r}: use 'customers' or 'revenue'")
    ax = _axes(ax)
    x = np.arange(len(kpis))
    if value == "customers":
        parts = [("returning_customers", "Returning customers", BLUE), ("new_customers", "New customers", ORANGE)]
    else:
        parts = [("returning_customer_revenue", "Returning customers", BLUE),
                 ("new_customer_revenue", "New customers", ORANGE)]
        if kpis["guest_revenue"].abs().sum() > 0:
            parts.append(("guest_revenue", "No customer id (guest)", GREY))
    bottom = np.zeros(len(kpis))
    for col, label, colour in parts:
        v = kpis[col].to_numpy(dtype="float64")
        ax.bar(x, v, bottom=bottom, color=colour, label=label, width=0.8)
        bottom += v
    kind = "count" if value == "customers" else "money"
    ax.yaxis.set_major_formatter(_value_formatter(kind, currency))
    ax.set_ylabel("Customers who ordered" if value == "customers" else f"Net revenue ({currency})")
    period = kpis.attrs.get("period", "month")
    ax.set_xlabel(period.capitalize())
    _period_ticks(ax, x, kpis["label"].tolist())
    ax.set_title(title or ("New and returning customers by " if value == "customers"
                           else "Net revenue from new and returning customers by ") + period)
    ax.legend(loc="best", fontsize=9)
    return ax


def cohort_heatmap(cohorts: pd.DataFrame, *, value: str = "retention", max_cohorts: int = 24,
                   max_age: int | None = 24, currency: str = "USD", title: str | None = None,
                   ax: Axes | None = None) -> Axes:
    """Cohort x months-since-first-order heatmap of ``value`` (retention by default), newest cohorts last.

    Rows are labelled with the cohort month and its size; cells show the value when the grid is small
    enough to read. For retention the colour scale ignores month 0 (always 100%), so later months stay
    distinguishable. Shows the ``max_cohorts`` most recent cohorts and ages up to ``max_age``.
    """
    import seaborn as sns

    m = cohorts.pivot(index="cohort", columns="age", values=value)
    sizes = cohorts.drop_duplicates("cohort").set_index("cohort")["cohort_size"]
    m = m.iloc[-max_cohorts:]
    if max_age is not None:
        m = m.loc[:, [c for c in m.columns if c <= max_age]]
    rows, cols = m.shape
    ax = _axes(ax, (min(16.0, 3.0 + 0.55 * cols), min(12.0, 1.6 + 0.42 * rows)))
    kind = METRIC_DEFINITIONS.get(value, {}).get("kind", "number")
    later = m.loc[:, [c for c in m.columns if c >= 1]]
    vmax = np.nanmax(later.to_numpy()) if later.size and np.isfinite(later.to_numpy()).any() else None
    annot = rows * cols <= 500
    if kind == "percent":
        labels = m.map(lambda v: "" if pd.isna(v) else f"{v * 100:.0f}%" if v >= 0.1 or v == 0 else f"{v * 100:.1f}%")
    elif kind == "money":
        labels = m.map(lambda v: "" if pd.isna(v) else fmt.compact(v, currency=currency))
    else:
        labels = m.map(lambda v: "" if pd.isna(v) else fmt.compact(v))
    sns.heatmap(m, ax=ax, cmap="Blues", vmin=0, vmax=vmax if kind == "percent" else None, annot=labels if annot else False,
                fmt="", annot_kws={"fontsize": 8 if cols > 12 else 9}, linewidths=0.5, linecolor="white",
                cbar_kws={"format": PercentFormatter(1.0, decimals=0) if kind == "percent"
                          else _value_formatter(kind, currency), "shrink": 0.8})
    ax.grid(False)
    ax.set_yticks(np.arange(rows) + 0.5)
    ax.set_yticklabels([f"{c:%b %Y} ({fmt.num(sizes[c])})" for c in m.index], rotation=0)
    ax.set_ylabel("Cohort: month of first order (customers)")
    ax.set_xlabel("Months since first order")
    name = METRIC_DEFINITIONS.get(value, {}).get("label", value)
    ax.set_title(title or f"{name}: share of each cohort ordering in later months" if value == "retention"
                 else title or f"{name} by cohort and months since first order")
    return ax


def cohort_revenue_chart(cohorts: pd.DataFrame, *, max_cohorts: int = 12, currency: str = "USD",
                         title: str | None = None, ax: Axes | None = None) -> Axes:
    """Cumulative net revenue per acquired customer by months since first order: one line per cohort (the
    ``max_cohorts`` most recent) and the size-weighted average of all cohorts in bold."""
    ax = _axes(ax)
    recent = sorted(cohorts["cohort"].unique())[-max_cohorts:]
    colours = plt.get_cmap("viridis")(np.linspace(0.1, 0.85, len(recent)))
    for colour, c in zip(colours, recent):
        d = cohorts[cohorts["cohort"] == c]
        ax.plot(d["age"], d["cumulative_revenue_per_customer"], color=colour, lw=1.2, alpha=0.8,
                label=f"{pd.Timestamp(c):%b %Y}")
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


def rfm_segment_chart(summary: pd.DataFrame, *, title: str | None = None, ax: Axes | None = None) -> Axes:
    """Each RFM segment's share of customers next to its share of net revenue (``rfm_segment_summary``)."""
    ax = _axes(ax, (9.0, 5.2))
    s = summary.iloc[::-1]
    y = np.arange(len(s))
    h = 0.38
    ax.barh(y + h / 2, s["customer_share"], height=h, color=GREY, label="Share of customers")
    ax.barh(y - h / 2, s["revenue_share"], height=h, color=BLUE, label="Share of net revenue")
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


def top_products_chart(top: pd.DataFrame, *, currency: str = "USD", title: str | None = None,
                       ax: Axes | None = None) -> Axes:
    """Horizontal bars of the period's net revenue per product or category (``wb.sales.top_products``), with
    the previous period as a marker. An empty table (data without product detail) draws its note instead."""
    dim = top.attrs.get("dimension", "product")
    plural = "categories" if dim == "category" else "products"
    if top.empty:  # a one-line placeholder: the report's text says why
        ax = _axes(ax, (9.0, 0.5))
        ax.axis("off")
        ax.text(0.0, 0.5, f"Top {plural}: no {dim} detail in this data.", ha="left", va="center", fontsize=11,
                color="#555555", transform=ax.transAxes)
        return ax
    ax = _axes(ax, (9.0, max(2.5, 0.45 * len(top) + 1.4)))
    s = top.iloc[::-1]
    y = np.arange(len(s))
    ax.barh(y, s["revenue"], color=BLUE, height=0.65, label=top.attrs.get("period_label", "This period"))
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
