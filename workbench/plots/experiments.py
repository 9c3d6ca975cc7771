"""Charts for funnels and experiment readouts.

Each takes a result from ``workbench.experiments`` (a funnel frame, a readout, a plan) or the assignment table,
keyword-only options and ``ax=None``, draws on that Axes and returns it; ``**kwargs`` go to the matplotlib call
that draws the marks; none calls ``plt.show``. ``generated=True`` adds "(GENERATED sample)" to the title
(``workbench.reports.common.generated_suffix``), so a chart copied out of the report keeps its provenance.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, PercentFormatter

from workbench.present import fmt
from workbench.present.style import PALETTE
from workbench.reports.common import generated_suffix
from workbench.sections import Skipped, skippable_chart, skipped_panel

__all__ = ["plot_funnel", "plot_funnel_dropoff", "plot_lift_forest", "plot_revenue_distribution", "plot_power_curve"]

_STEP_LABELS = {"view_item": "Viewed\nitem", "add_to_cart": "Added\nto cart", "begin_checkout": "Began\ncheckout",
                "add_shipping_info": "Shipping\ninfo", "add_payment_info": "Payment\ninfo", "purchase": "Purchased"}
_GOOD, _BAD, _NEUTRAL = PALETTE[2], PALETTE[3], "#8a8a8a"
_ALL_USERS = "All users"


def _label(step: str) -> str:
    return _STEP_LABELS.get(step, step.replace("_", " ").capitalize())


def _level(alpha: float) -> str:
    """Confidence level of (1 - alpha) intervals: 0.05 -> "95%", 0.1 -> "90%", 0.025 -> "97.5%"."""
    return f"{round((1 - alpha) * 100, 6):g}%"


def _title(ax: Axes, title: str, generated: bool) -> None:
    ax.set_title(title + generated_suffix(generated))


def _placeholder(ax: Axes | None, title: str, message: str, generated: bool) -> Axes:
    """The panel every chart not drawn shows (:func:`~workbench.sections.skipped_panel`), not an empty figure."""
    return skipped_panel(Skipped(message, title + generated_suffix(generated)), ax=ax)


def _rows(funnel: pd.DataFrame, counting: str, segment: str | None = None) -> pd.DataFrame:
    f = funnel[funnel["counting"] == counting]
    if segment is not None:
        f = f[f["segment"] == segment]
    if f.empty:
        raise ValueError(f"no funnel rows for counting={counting!r}, segment={segment!r}; the table has countings "
                         f"{sorted(funnel['counting'].unique())} and segments {list(funnel['segment'].unique())}")
    return f.sort_values("step_number")


@skippable_chart
def plot_funnel(funnel: pd.DataFrame | None, *, counting: str = "strict", segment: str = _ALL_USERS,
                generated: bool = False, title: str | None = None, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Classic funnel: users at each step, with the share of first-step users and the drop-off between steps.

    ``funnel`` None (no event log) draws a note instead of bars. ``**kwargs`` go to ``ax.bar``.
    """
    if funnel is None:
        return _placeholder(ax, title or "Checkout funnel", "No event log given: no funnel to show.", generated)
    ax = ax or plt.gca()
    f = _rows(funnel, counting, segment)
    x = np.arange(len(f))
    users = f["users"].to_numpy(dtype=float)
    ax.bar(x, users, **{"color": PALETTE[0], "width": 0.62, **kwargs})
    top = users.max()
    for i, (n, share) in enumerate(zip(users, f["overall_conversion"])):
        ax.text(i, n + top * 0.015, f"{fmt.compact(n)}\n{fmt.pct(share, 1)}", ha="center", va="bottom", fontsize=9)
    for i in range(1, len(f)):
        drop = f["drop_off"].iloc[i]
        ax.annotate(f"-{fmt.pct(drop, 0)}", xy=(i - 0.5, max(users[i - 1], users[i]) * 0.5 + top * 0.12),
                    ha="center", va="center", fontsize=9, color=_BAD, fontweight="bold")
    ax.set_xticks(x, [_label(s) for s in f["step"]])
    ax.set_ylim(0, top * 1.22)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.compact(v)))
    ax.set_ylabel("Users reaching the step")
    ax.set_xlabel(f"Checkout step ({counting} counting; red: share lost from the previous step)")
    who = "all users" if segment == _ALL_USERS else segment
    _title(ax, title or f"Checkout funnel, {who}: {fmt.pct(f['overall_conversion'].iloc[-1], 1)} of item viewers "
                        "purchased", generated)
    ax.grid(axis="x", visible=False)
    return ax


@skippable_chart
def plot_funnel_dropoff(funnel: pd.DataFrame | None, *, counting: str = "strict", generated: bool = False,
                        title: str | None = None, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Share of users lost at each step transition, one bar per segment, labelled with the drop-off.

    The segments are those :func:`checkout_funnel` broke the funnel down by (its ``attrs["segment"]``); by
    variant, the chart asks where the change acted. ``funnel`` None (no event log) draws a note instead of bars.
    ``**kwargs`` go to ``ax.bar``.
    """
    if funnel is None:
        return _placeholder(ax, title or "Where shoppers drop out", "No event log given: no funnel.", generated)
    ax = ax or plt.gca()
    segment_name = funnel.attrs.get("segment") or "segment"
    f = funnel[(funnel["counting"] == counting) & (funnel["step_number"] > 1)]
    if f.empty:
        raise ValueError(f"no funnel rows for counting={counting!r}")
    segs = list(dict.fromkeys(f["segment"]))
    steps = f.sort_values("step_number")["step"].unique()
    order = funnel.sort_values("step_number")["step"].unique()
    prev = {s: p for p, s in zip(order[:-1], order[1:])}
    width = 0.8 / len(segs)
    x = np.arange(len(steps))
    colors = [_NEUTRAL] + PALETTE[: len(segs) - 1] if segs[0] == _ALL_USERS else PALETTE[: len(segs)]
    for j, seg in enumerate(segs):
        vals = f[f["segment"] == seg].set_index("step").reindex(steps)["drop_off"].to_numpy(dtype=float)
        pos = x - 0.4 + width * (j + 0.5)
        ax.bar(pos, vals, **{"width": width * 0.95, "color": colors[j], "label": seg, **kwargs})
        for p, v in zip(pos, vals):
            if np.isfinite(v):
                ax.text(p, v + 0.01, f"{v * 100:.0f}%", ha="center", va="bottom", fontsize=7.5)
    ax.set_xticks(x, [f"{_label(prev[s]).replace(chr(10), ' ')}\n-> {_label(s).replace(chr(10), ' ')}" for s in steps],
                  fontsize=8.5)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylim(0, min(1.08, float(np.nanmax(f["drop_off"])) + 0.12))
    ax.set_ylabel("Users lost at this step (%)")
    ax.set_xlabel(f"Step transition ({counting} counting)")
    ax.legend(title=segment_name, ncols=min(len(segs), 5), loc="upper right", fontsize=8.5)
    default = f"Where shoppers drop out, by {segment_name}"
    if segment_name == "variant":
        default += ": where did the change act?"
    _title(ax, title or default, generated)
    ax.grid(axis="x", visible=False)
    return ax


@skippable_chart
def plot_lift_forest(readout: Any, *, truth: Mapping[tuple[str, str], float] | None = None, generated: bool = False,
                     title: str | None = None, ax: Axes | None = None, **kwargs: Any) -> Axes:
    """Relative lift of each metric (and variant) with its interval; green/red when significant after Holm.

    ``readout`` is an :func:`ab_readout` result (its ``metrics`` and ``alpha`` are drawn). ``truth`` maps
    (metric, variant) to a known true lift (generated data), drawn as a black cross. ``**kwargs`` go to the
    ``ax.plot`` call that draws each interval.
    """
    from workbench.reports.experiments import METRIC_LABELS  # the report's names for the metrics

    m = readout.metrics.reset_index(drop=True)
    ax = ax or plt.gca()
    y = np.arange(len(m))[::-1]
    several = m["variant"].nunique() > 1
    for yi, (_, r) in zip(y, m.iterrows()):
        color = _NEUTRAL if not r["significant"] else (_GOOD if r["diff"] > 0 else _BAD)
        ax.plot([r["lift_low"], r["lift_high"]], [yi, yi], **{"color": color, "lw": 2.5,
                                                              "solid_capstyle": "round", **kwargs})
        ax.plot(r["lift"], yi, "o", color=color, ms=8)
        ax.annotate(f"{fmt.pct(r['lift'], 1, signed=True)}  [{fmt.pct(r['lift_low'], 1, signed=True)}, "
                    f"{fmt.pct(r['lift_high'], 1, signed=True)}]   Holm p {r['p_holm']:.3f}",
                    xy=(1.01, yi), xycoords=("axes fraction", "data"), va="center", fontsize=9)
        if truth and (r["metric"], r["variant"]) in truth:
            ax.plot(truth[(r["metric"], r["variant"])], yi, "x", color="black", ms=9, mew=2)
    ax.axvline(0, color="black", lw=1)
    labels = [METRIC_LABELS.get(r["metric"], r["metric"]) + (f" ({r['variant']})" if several else "")
              + (" [primary]" if r.get("role") == "primary" else "") for _, r in m.iterrows()]
    ax.set_yticks(y, labels)
    ax.set_ylim(-0.7, len(m) - 0.3)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel(f"Relative change vs control, with {_level(readout.alpha)} confidence interval")
    handles = [Line2D([], [], color=_GOOD, marker="o", lw=2.5, label="significantly better"),
               Line2D([], [], color=_BAD, marker="o", lw=2.5, label="significantly worse"),
               Line2D([], [], color=_NEUTRAL, marker="o", lw=2.5, label="not significant")]
    if truth:
        handles.append(Line2D([], [], color="black", marker="x", lw=0, mew=2, label="true effect (generated data)"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncols=len(handles), fontsize=8.5)
    _title(ax, title or "Treatment vs control: change in each metric", generated)
    ax.grid(axis="y", visible=False)
    return ax


@skippable_chart
def plot_revenue_distribution(assignments: pd.DataFrame, *, column: str = "revenue", variant: str = "variant",
                              control: str | None = None, cap: float | None = None, currency: str = "USD",
                              generated: bool = False, title: str | None = None, ax: Axes | None = None,
                              **kwargs: Any) -> Axes:
    """Revenue per buyer by variant (buyers only, log scale), with the cap line when revenue is capped.

    ``column`` is the per-user revenue column drawn; ``**kwargs`` go to ``ax.hist``.
    """
    buyers = assignments[assignments[column] > 0]
    if buyers.empty:
        raise ValueError(f"no user has {column} > 0: nothing to draw")
    ax = ax or plt.gca()
    order = sorted(buyers[variant].astype(str).unique(), key=lambda v: (v != control, v))
    vals = buyers[column].to_numpy(dtype=float)
    bins = np.logspace(np.log10(vals.min()), np.log10(vals.max()), 40)
    for i, v in enumerate(order):
        x = buyers.loc[buyers[variant].astype(str) == v, column].to_numpy(dtype=float)
        ax.hist(x, **{"bins": bins, "histtype": "step", "lw": 2, "color": PALETTE[i % len(PALETTE)],
                      "density": True, **kwargs},
                label=f"{v}: {fmt.num(x.size)} buyers, median {fmt.money(np.median(x), currency, 2)}")
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt.compact(v, currency=currency)))
    if cap is not None and np.isfinite(cap):
        ax.axvline(cap, color=_BAD, ls="--", lw=1.5)
        ax.annotate(f"cap {fmt.money(cap, currency, 0)}", xy=(cap, 0.95), xycoords=("data", "axes fraction"),
                    ha="right", va="top", color=_BAD, fontsize=9, xytext=(-4, 0), textcoords="offset points")
    ax.set_xlabel(f"Revenue per buyer during the test ({currency}, log scale)")
    ax.set_ylabel("Share of buyers (density)")
    ax.set_yticks([])
    ax.set_ylim(0, ax.get_ylim()[1] * 1.25)
    ax.legend(loc="upper left", fontsize=9)
    _title(ax, title or "Revenue per buyer, by variant (buyers only)", generated)
    return ax


@skippable_chart
def plot_power_curve(plan: Any, *, generated: bool = False, title: str | None = None, ax: Axes | None = None,
                     **kwargs: Any) -> Axes:
    """Chance of detecting each true conversion lift by test length, for the next test.

    ``plan`` is a :func:`plan_next_test` result: its ``curve``, its ``power`` (dotted line) and the length of this
    test (dashed line). A plan without daily traffic draws a note instead. ``**kwargs`` go to the ``ax.plot``
    call that draws each curve.
    """
    curve, power, days_run = plan.curve, plan.power, plan.days_observed
    if curve is None or curve.empty:
        return _placeholder(ax, title or "How long the next test must run",
                            "Daily traffic unknown: give daily_traffic to plan the test length.", generated)
    ax = ax or plt.gca()
    for i, (lift, g) in enumerate(curve.groupby("relative_lift")):
        color = PALETTE[i % len(PALETTE)]
        ax.plot(g["days"], g["power"], **{"color": color, "lw": 2, **kwargs},
                label=f"true lift {fmt.pct(lift, 0, signed=True)}")
        reach = g[g["power"] >= power]
        if not reach.empty:
            d = reach["days"].iloc[0]
            ax.plot(d, reach["power"].iloc[0], "o", color=color)
            ax.annotate(f"{d} d", xy=(d, reach["power"].iloc[0]), xytext=(4, -12), textcoords="offset points",
                        fontsize=8.5, color=color)
    ax.axhline(power, color="black", lw=1, ls=":")
    ax.annotate(f"{fmt.pct(power, 0)} power", xy=(curve["days"].max() * 0.99, power), xytext=(0, -4),
                textcoords="offset points", ha="right", va="top", fontsize=9)
    if days_run:
        ax.axvline(days_run, color=_NEUTRAL, ls="--", lw=1.2)
        ax.annotate(f"this test: {days_run:.0f} days", xy=(days_run, 0.03), xytext=(4, 0), textcoords="offset points",
                    fontsize=9, color="#555555")
    ax.set_ylim(0, 1.02)
    ax.set_xlim(0, curve["days"].max())
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    alpha = curve.attrs.get("alpha_per_comparison")
    level = f"; two-sided test at alpha {alpha:.3g}" if alpha else ""
    ax.set_xlabel(f"Test length (days, at the daily traffic used for planning{level})")
    ax.set_ylabel("Chance to detect the lift")
    ax.legend(loc="lower right", fontsize=9)
    _title(ax, title or "How long the next test must run to detect a given conversion lift", generated)
    return ax
