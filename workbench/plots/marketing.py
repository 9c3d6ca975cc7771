"""Charts for the marketing report: spend and return over time, what each channel brings, response curves, the
budget plan, the next quarter, acquisition cost and payback.

Each function takes the result of an analysis (``wb.marketing.*``), keyword-only options and ``ax=None`` (a new
figure when not given), passes ``**kwargs`` to the matplotlib call that draws the marks, and returns the Axes
(:func:`plot_response_curves` draws one panel per channel and returns the array of Axes). Titles say when the
data are simulated or generated (:func:`workbench.reports.marketing.origin_suffix`).
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter

from workbench.present import fmt
from workbench.present.style import PALETTE
from workbench.reports.marketing import origin_suffix
from workbench.sections import Skipped, skippable_chart, skipped_panel

__all__ = ["plot_spend_trend", "plot_model_fit", "plot_channel_roas", "plot_decomposition", "plot_response_curves",
           "plot_budget_plan", "plot_quarter_plan", "plot_cac_trend", "plot_payback_curves"]

_GREY, _DARK = "#9a9a9a", "#333333"


def _axes(ax, size):
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def _money_axis(axis, currency: str | None) -> None:
    axis.set_major_formatter(FuncFormatter(lambda v, _: fmt.compact(v, currency=currency)))


def _colors(names) -> dict:
    return {n: PALETTE[i % len(PALETTE)] for i, n in enumerate(names)}


def _origin_of(result) -> str:
    weeks = getattr(result, "weeks_", None)
    return getattr(result, "origin", None) or (weeks.origin if weeks is not None else "real")


@skippable_chart
def plot_spend_trend(periods: pd.DataFrame, *, column: str = "mer", currency: str = "USD", origin: str = "real",
                     title: str | None = None, ax=None, **kwargs):
    """Spend per channel per period (stacked bars) and, on the right axis, ``column`` (MER by default) as a line;
    a one-line panel when no period is complete."""
    if periods.empty:
        unit = periods.attrs.get("period", "period")
        return skipped_panel(Skipped(f"No complete {unit} of spend yet.", "Marketing spend by channel"), ax=ax,
                             title=title)
    ax = _axes(ax, (10, 4.8))
    channels = periods.attrs.get("channels") or [c for c in periods.columns if c not in
                                                 ("spend", "conversion_value", "platform_roas", "revenue", "mer")]
    colors = _colors(channels)
    x = np.arange(len(periods))
    bottom = np.zeros(len(periods))
    for ch in channels:
        values = periods[ch].to_numpy(float)
        ax.bar(x, values, bottom=bottom, label=ch, **{"color": colors[ch], "width": 0.8, **kwargs})
        bottom += values
    unit = periods.attrs.get("period", "period")
    step = max(1, len(periods) // 12)
    ax.set_xticks(x[::step])
    ax.set_xticklabels([f"{p:%b %Y}" if unit in ("month", "quarter") else f"{p:%d %b %y}"
                        for p in periods.index[::step]], rotation=45, ha="right")
    _money_axis(ax.yaxis, currency)
    ax.set_ylabel(f"Spend per {unit} ({currency})")
    ax.set_xlabel("")
    handles, labels = ax.get_legend_handles_labels()
    if column in periods and periods[column].notna().any():
        right = ax.twinx()
        line, = right.plot(x, periods[column].to_numpy(float), color=_DARK, lw=2.2, marker="o", ms=3.5,
                           label="MER (revenue / spend)" if column == "mer" else column)
        right.set_ylabel("MER: revenue per unit of spend" if column == "mer" else column)
        right.set_ylim(bottom=0)
        right.grid(False)
        handles.append(line)
        labels.append(line.get_label())
    ax.legend(handles, labels, loc="upper left", ncol=min(4, len(labels)), fontsize=9)
    ax.set_title(title or f"Marketing spend by channel and what came back (MER){origin_suffix(origin)}")
    return ax


@skippable_chart
def plot_model_fit(mmm, *, title: str | None = None, ax=None, **kwargs):
    """Weekly revenue against the model's fit; the held-out weeks (forecast without being seen) are shaded."""
    ax = _axes(ax, (10, 4.4))
    d = mmm.decomposition_
    currency = mmm.weeks_.currency
    ax.plot(d.index, d["actual"], color=_GREY, lw=1.4, label="Actual revenue")
    ax.plot(d.index, d["fitted"], label="Model", **{"color": PALETTE[0], "lw": 2.0, **kwargs})
    held = mmm.folds_[mmm.folds_.role == "held-out check"]
    if len(held):
        start, end = held.first_week.iloc[0], held.last_week.iloc[0] + pd.Timedelta(days=6)
        ax.axvspan(start, end, color=PALETTE[1], alpha=0.15,
                   label=f"Held-out weeks (error {fmt.pct(mmm.holdout_mape_)})")
    _money_axis(ax.yaxis, currency)
    ax.set_ylabel(f"Revenue per week ({currency or 'currency'})")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", fontsize=9)
    ax.set_title(title or f"How well the model follows weekly revenue (R² {mmm.r2_:.2f}){origin_suffix(_origin_of(mmm))}")
    return ax


@skippable_chart
def plot_channel_roas(mmm, *, column: str = "mroas", title: str | None = None, ax=None, **kwargs):
    """Per channel, the return per dollar (``"mroas"``: of the next dollar; ``"roas"``: on average) with its
    interval; a channel the model cannot tell apart is named with the reason instead of a bar."""
    ch = mmm.channels_.sort_values(column)
    ax = _axes(ax, (9.5, 0.6 * len(ch) + 1.8))
    y = np.arange(len(ch))
    ok = ch["identified"].to_numpy(bool)
    values = np.where(ok, ch[column].to_numpy(float), 0.0)
    lower = np.where(ok, ch[f"{column}_lower"].to_numpy(float), 0.0)
    upper = np.where(ok, ch[f"{column}_upper"].to_numpy(float), 0.0)
    ax.barh(y[ok], values[ok], **{"color": PALETTE[0], "height": 0.55, **kwargs})
    ax.errorbar(values[ok], y[ok], xerr=[values[ok] - lower[ok], upper[ok] - values[ok]], fmt="none",
                ecolor=_DARK, capsize=4, lw=1.2)
    for i, (name, row) in enumerate(ch.iterrows()):
        if not ok[i]:
            ax.text(0.02, i, "cannot be told apart (see below)", va="center", color="#777777", fontsize=9,
                    transform=ax.get_yaxis_transform())
        else:
            ax.text(upper[i], i, f"  {values[i]:.2f}", va="center", fontsize=9)
    ax.axvline(1.0, color="#c23b3b", lw=1, ls="--", label="1: the dollar comes back as revenue (before costs)")
    ax.legend(loc="lower right", fontsize=8.5)
    ax.set_yticks(y)
    ax.set_yticklabels(ch.index)
    ax.set_xlim(left=0, right=max(1.5, float(np.nanmax(upper)) * 1.15 if ok.any() else 2))
    what = "Revenue from the next dollar" if column == "mroas" else "Revenue per dollar spent (ROAS)"
    ax.set_xlabel(f"{what}, with its {fmt.pct(mmm.level, 0)} interval")
    ax.set_title(title or f"{what}, by channel{origin_suffix(_origin_of(mmm))}")
    return ax


@skippable_chart
def plot_decomposition(mmm, *, title: str | None = None, ax=None, **kwargs):
    """Weekly revenue the model puts down to each channel (stacked); the baseline (trend, season, controls), the
    larger part of revenue, is left out of the stack and named in the title with its share."""
    ax = _axes(ax, (10, 4.6))
    d = mmm.decomposition_
    channels = list(mmm.channels_.index)
    labels = [c if mmm.channels_.loc[c, "identified"] else f"{c} (cannot be told apart)" for c in channels]
    colors = [PALETTE[i % len(PALETTE)] for i in range(len(channels))]
    ax.stackplot(d.index, *[np.clip(d[c].to_numpy(float), 0, None) for c in channels], labels=labels,
                 **{"colors": colors, "alpha": 0.9, **kwargs})
    media = d[channels].sum().sum()
    share = media / d["fitted"].sum() if d["fitted"].sum() else float("nan")
    _money_axis(ax.yaxis, mmm.weeks_.currency)
    ax.set_ylabel(f"Revenue per week from paid media ({mmm.weeks_.currency or 'currency'})")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", fontsize=8.5, ncol=min(5, len(channels)))
    ax.set_title(title or f"Revenue the model puts down to each channel, week by week{origin_suffix(_origin_of(mmm))}"
                          f"\npaid media: {fmt.pct(share, 0)} of revenue; the rest is baseline, season and controls")
    return ax


@skippable_chart
def plot_response_curves(curves, *, plan=None, title: str | None = None, ax=None, **kwargs):
    """One panel per channel: expected weekly revenue against average weekly spend, today's spend (dot), the
    planned spend (cross) and the range of spend seen (shaded). Returns the array of Axes."""
    names = list(curves.marks.index)
    n = len(names)
    cols = min(3, n)
    rows = int(np.ceil(n / cols))
    if ax is None:
        fig, axes = plt.subplots(rows, cols, figsize=(4.1 * cols, 3.3 * rows + 0.6), squeeze=False)
    else:
        axes = np.atleast_2d(np.asarray(ax, dtype=object))
        fig = axes.flat[0].figure
    currency = curves.currency
    for i, a in enumerate(axes.flat):
        if i >= n:
            a.set_axis_off()
            continue
        name = names[i]
        c = curves.curves[curves.curves.channel == name]
        m = curves.marks.loc[name]
        a.axvspan(m["seen_low"], m["seen_high"], color="#e8eef6", label="Spend seen")
        a.plot(c["spend"], c["revenue"], **{"color": PALETTE[0] if m["identified"] else _GREY, "lw": 2, **kwargs})
        a.plot([m["today_spend"]], [m["today_revenue"]], "o", color=_DARK, ms=7, label="Today")
        if plan is not None and not hasattr(plan, "reason") and name in plan.table.index:
            s = plan.table.loc[name, "planned_per_week"]
            a.plot([s], [plan.table.loc[name, "planned_revenue"] / plan.weeks], "X", color=PALETTE[1], ms=9,
                   label="Planned")
        _money_axis(a.xaxis, currency)
        _money_axis(a.yaxis, currency)
        a.set_ylim(bottom=0)
        a.set_title(name + ("" if m["identified"] else " (cannot be told apart)"), fontsize=11)
        a.set_xlabel(f"Spend per week ({currency or 'currency'})", fontsize=9)
        if i % cols == 0:
            a.set_ylabel("Revenue per week", fontsize=9)
        a.tick_params(labelsize=8)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(labels), fontsize=9, frameon=False)
    fig.suptitle(title or f"Response curves: what each channel brings at each weekly spend{origin_suffix(curves.origin)}",
                 x=0.01, ha="left", fontsize=13, fontweight="bold")
    fig.tight_layout(rect=(0, 0.06, 1, 0.95))
    return axes


@skippable_chart
def plot_budget_plan(plan, *, column: str = "planned_spend", title: str | None = None, ax=None, **kwargs):
    """Spend per channel over the horizon: today's rate against the plan (``column``)."""
    t = plan.table
    ax = _axes(ax, (9.5, 0.7 * len(t) + 1.8))
    y = np.arange(len(t))
    ax.barh(y + 0.2, t["today_spend"], height=0.38, color=_GREY, label="At today's rate")
    ax.barh(y - 0.2, t[column], label="Planned", **{"height": 0.38, "color": PALETTE[1], **kwargs})
    for i, (name, r) in enumerate(t.iterrows()):
        note = (" (kept: cannot be told apart)" if r["fixed"] else
                f" ({r['outside_range']} the spend seen)" if isinstance(r["outside_range"], str) else "")
        ax.text(r[column], i - 0.2, f"  {fmt.pct(r['change'], 0, signed=True)}{note}", va="center", fontsize=9)
    ax.set_yticks(y)
    ax.set_yticklabels(t.index)
    ax.invert_yaxis()
    _money_axis(ax.xaxis, plan.currency)
    ax.set_xlabel(f"Spend over the next {plan.weeks} weeks ({plan.currency or 'currency'})")
    ax.set_xlim(right=max(t["today_spend"].max(), t[column].max()) * 1.35)
    ax.legend(loc="lower right", fontsize=9)
    ax.set_title(title or f"Budget plan: where the planner would move the money{origin_suffix(plan.origin)}")
    return ax


@skippable_chart
def plot_quarter_plan(quarter, *, column: str = "planned", title: str | None = None, ax=None, **kwargs):
    """The last year of weekly revenue, the forecast at today's split with its interval, and with the plan."""
    ax = _axes(ax, (10, 4.4))
    w = quarter.weeks
    if quarter.history is not None:
        ax.plot(quarter.history.index, quarter.history.to_numpy(), color=_GREY, lw=1.3, label="Revenue so far")
    ax.fill_between(w.index, w["lower"], w["upper"], color=PALETTE[0], alpha=0.15,
                    label=f"{fmt.pct(quarter.level, 0)} prediction interval")
    ax.plot(w.index, w["forecast"], color=PALETTE[0], lw=1.8, ls="--", label="Forecast, today's split")
    ax.plot(w.index, w[column], label="With the planned split", **{"color": PALETTE[1], "lw": 2.2, **kwargs})
    _money_axis(ax.yaxis, quarter.currency)
    ax.set_ylabel(f"Revenue per week ({quarter.currency or 'currency'})")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", fontsize=9)
    ax.set_title(title or f"Next {quarter.totals['weeks']} weeks: forecast revenue with today's and the planned "
                          f"split{origin_suffix(quarter.origin)}")
    return ax


@skippable_chart
def plot_cac_trend(acquisition, *, column: str = "cac", title: str | None = None, ax=None, **kwargs):
    """New customers per period (bars) and blended CAC (line, right axis)."""
    ax = _axes(ax, (10, 4.4))
    d = acquisition.by_period
    x = np.arange(len(d))
    ax.bar(x, d["new_customers"], color="#c9d6e8", label="New customers", width=0.8)
    ax.set_ylabel(f"New customers per {acquisition.period}")
    step = max(1, len(d) // 12)
    ax.set_xticks(x[::step])
    ax.set_xticklabels([f"{p:%b %Y}" for p in d.index[::step]], rotation=45, ha="right")
    right = ax.twinx()
    right.plot(x, d[column], label="Blended CAC", **{"color": PALETTE[1], "lw": 2.2, "marker": "o", "ms": 3.5, **kwargs})
    _money_axis(right.yaxis, acquisition.currency)
    right.set_ylabel(f"CAC ({acquisition.currency or 'currency'} per new customer)")
    right.set_ylim(bottom=0)
    right.grid(False)
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = right.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="upper left", fontsize=9)
    ax.set_title(title or f"New customers and what each cost (all spend / new customers)"
                          f"{origin_suffix(acquisition.origin)}")
    return ax


@skippable_chart
def plot_payback_curves(payback, *, column: str = "cumulative_contribution", title: str | None = None, ax=None,
                        **kwargs):
    """Cumulative contribution per customer by month since the first order: each cohort (thin), all cohorts
    (thick), against the blended CAC (dashed); the month where the thick line crosses it is the payback."""
    ax = _axes(ax, (10, 4.6))
    for _, g in payback.curves.groupby("cohort"):
        ax.plot(g["age"], g[column], color="#c9d6e8", lw=0.9)
    o = payback.overall
    ax.plot(o["age"], o[column], label="All cohorts (weighted by size)", **{"color": PALETTE[0], "lw": 2.6, **kwargs})
    cac = payback.totals["cac"]
    ax.axhline(cac, color="#c23b3b", ls="--", lw=1.3, label=f"Blended CAC {fmt.money(cac, payback.currency or 'USD')}")
    m = payback.totals["payback_month"]
    if np.isfinite(m):
        ax.axvline(m, color="#c23b3b", lw=0.8, alpha=0.6)
        ax.text(m, ax.get_ylim()[1] * 0.05, f" paid back in month {int(m)}", color="#c23b3b", fontsize=9)
    _money_axis(ax.yaxis, payback.currency)
    ax.set_xlabel("Months since the first order (0 = the month of the first order)")
    ax.set_ylabel(f"Contribution per customer, cumulative ({payback.currency or 'currency'})")
    ax.set_ylim(bottom=0)
    ax.legend(loc="lower right", fontsize=9)
    ax.set_title(title or f"Payback: contribution per acquired customer against what acquiring them cost"
                          f"{origin_suffix(payback.origin)}")
    return ax
