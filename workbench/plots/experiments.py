"""Charts for funnels and experiment readouts.

Each takes a result from ``workbench.experiments`` (or the assignment table), keyword-only options and
``ax=None``, draws on that Axes and returns it; none calls ``plt.show``. ``note`` writes a small source line
under the chart (the report passes "Data: GENERATED sample ..." for the generated data).
"""
from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, PercentFormatter

from workbench.present import fmt
from workbench.present.style import PALETTE

__all__ = ["funnel_bars", "funnel_segment_dropoff", "ab_lift_forest", "ab_revenue_distribution", "ab_power_curve"]

_STEP_LABELS = {"view_item": "Viewed\nitem", "add_to_cart": "Added\nto cart", "begin_checkout": "Began\ncheckout",
                "add_shipping_info": "Shipping\ninfo", "add_payment_info": "Payment\ninfo", "purchase": "Purchased"}
_GOOD, _BAD, _NEUTRAL = PALETTE[2], PALETTE[3], "#8a8a8a"


def _label(step: str) -> str:
    return _STEP_LABELS.get(step, step.replace("_", " ").capitalize())


def _note(ax: Axes, note: str | None) -> None:
    """Small source line above the title, at the right ("GENERATED data: ..."), so a copied chart keeps its
    provenance."""
    if note:
        ax.annotate(note, xy=(1.0, 1.0), xycoords="axes fraction", xytext=(0, 24), textcoords="offset points",
                    ha="right", va="bottom", fontsize=8, color="#666666", style="italic", annotation_clip=False)


def _placeholder(ax: Axes, title: str, message: str) -> Axes:
    ax.set_axis_off()
    ax.set_title(title)
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, fontsize=11, color="#555555")
    return ax


def _rows(funnel_table: pd.DataFrame, counting: str, segment: str | None = None) -> pd.DataFrame:
    f = funnel_table[funnel_table["counting"] == counting]
    if segment is not None:
        f = f[f["segment"] == segment]
    if f.empty:
        raise ValueError(f"no funnel rows for counting={counting!r}, segment={segment!r}; the table has countings "
                         f"{sorted(funnel_table['counting'].unique())} and segments "
                         f"{list(funnel_table['segment'].unique())}")
    return f.sort_values("step_number")


def funnel_bars(funnel_table: pd.DataFrame | None, *, counting: str = "strict", segment: str = "All users",
                note: str | None = None, title: str | None = None, ax: Axes | None = None) -> Axes:
    """Classic funnel: users at each step, with the share of first-step users and the drop-off between steps.

    ``funnel_table`` None (no event log) draws a note instead of bars.
    """
    ax = ax or plt.gca()
    if funnel_table is None:
        return _placeholder(ax, title or "Checkout funnel", "No event log given: no funnel to show.")
    f = _rows(funnel_table, counting, segment)
    x = np.arange(len(f))
    users = f["users"].to_numpy(dtype=float)
    ax.bar(x, users, color=PALETTE[0], width=0.62)
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
    ax.set_title(title or f"Checkout funnel: {fmt.pct(f['overall_conversion'].iloc[-1], 1)} of item viewers "
                          f"purchased ({segment.lower() if segment != 'All users' else 'all users'})")
    ax.grid(axis="x", visible=False)
    _note(ax, note)
    return ax


def funnel_segment_dropoff(funnel_table: pd.DataFrame | None, *, counting: str = "strict",
                           segment_name: str | None = "segment", note: str | None = None, title: str | None = None,
                           ax: Axes | None = None) -> Axes:
    """Share of users lost at each step transition, one bar per segment, labelled with the drop-off.

    ``funnel_table`` None (no event log) draws a note instead of bars.
    """
    if funnel_table is None:
        return _placeholder(ax or plt.gca(), title or "Where shoppers drop out", "No event log given: no funnel.")
    segment_name = segment_name or "segment"
    f = funnel_table[(funnel_table["counting"] == counting) & (funnel_table["step_number"] > 1)]
    if f.empty:
        raise ValueError(f"no funnel rows for counting={counting!r}")
    segs = list(dict.fromkeys(f["segment"]))
    steps = f.sort_values("step_number")["step"].unique()
    prev = {s: p for p, s in zip(
        funnel_table.sort_values("step_number")["step"].unique()[:-1],
        funnel_table.sort_values("step_number")["step"].unique()[1:])}
    ax = ax or plt.gca()
    width = 0.8 / len(segs)
    x = np.arange(len(steps))
    colors = [_NEUTRAL] + PALETTE[: len(segs) - 1] if segs[0] == "All users" else PALETTE[: len(segs)]
    for j, seg in enumerate(segs):
        vals = f[f["segment"] == seg].set_index("step").reindex(steps)["drop_off"].to_numpy(dtype=float)
        pos = x - 0.4 + width * (j + 0.5)
        ax.bar(pos, vals, width=width * 0.95, color=colors[j], label=seg)
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
    ax.set_title(title or f"Where shoppers drop out, by {segment_name}")
    ax.grid(axis="x", visible=False)
    _note(ax, note)
    return ax


def ab_lift_forest(metrics: pd.DataFrame, *, alpha: float = 0.05, truth: Mapping[tuple[str, str], float] | None = None,
                   note: str | None = None, title: str | None = None, ax: Axes | None = None) -> Axes:
    """Relative lift of each metric (and variant) with its interval; green/red when significant after Holm.

    ``truth`` maps (metric, variant) to a known true lift (generated data), drawn as a black cross.
    """
    m = metrics.reset_index(drop=True)
    ax = ax or plt.gca()
    y = np.arange(len(m))[::-1]
    several = m["variant"].nunique() > 1
    for yi, (_, r) in zip(y, m.iterrows()):
        color = _NEUTRAL if not r["significant"] else (_GOOD if r["diff"] > 0 else _BAD)
        ax.plot([r["lift_low"], r["lift_high"]], [yi, yi], color=color, lw=2.5, solid_capstyle="round")
        ax.plot(r["lift"], yi, "o", color=color, ms=8)
        ax.annotate(f"{fmt.pct(r['lift'], 1, signed=True)}  [{fmt.pct(r['lift_low'], 1, signed=True)}, "
                    f"{fmt.pct(r['lift_high'], 1, signed=True)}]   Holm p {r['p_holm']:.3f}",
                    xy=(1.01, yi), xycoords=("axes fraction", "data"), va="center", fontsize=9)
        if truth and (r["metric"], r["variant"]) in truth:
            ax.plot(truth[(r["metric"], r["variant"])], yi, "x", color="black", ms=9, mew=2)
    ax.axvline(0, color="black", lw=1)
    labels = [f"{r['label']}" + (f" ({r['variant']})" if several else "")
              + (" [primary]" if r.get("role") == "primary" else "") for _, r in m.iterrows()]
    ax.set_yticks(y, labels)
    ax.set_ylim(-0.7, len(m) - 0.3)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel(f"Relative change vs control, with {fmt.pct(1 - alpha, 0)} confidence interval")
    handles = [Line2D([], [], color=_GOOD, marker="o", lw=2.5, label="significantly better"),
               Line2D([], [], color=_BAD, marker="o", lw=2.5, label="significantly worse"),
               Line2D([], [], color=_NEUTRAL, marker="o", lw=2.5, label="not significant")]
    if truth:
        handles.append(Line2D([], [], color="black", marker="x", lw=0, mew=2, label="true effect (generated data)"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncols=len(handles), fontsize=8.5)
    ax.set_title(title or "Treatment vs control: change in each metric")
    ax.grid(axis="y", visible=False)
    _note(ax, note)
    return ax


def ab_revenue_distribution(assignments: pd.DataFrame, *, variant: str = "variant", revenue: str = "revenue",
                            control: str | None = None, cap: float | None = None, currency: str = "USD",
                            note: str | None = None, title: str | None = None, ax: Axes | None = None) -> Axes:
    """Revenue per buyer by variant (buyers only, log scale), with the cap line when revenue is capped."""
    buyers = assignments[assignments[revenue] > 0]
    if buyers.empty:
        raise ValueError("no user has revenue > 0: nothing to draw")
    ax = ax or plt.gca()
    order = sorted(buyers[variant].astype(str).unique(), key=lambda v: (v != control, v))
    vals = buyers[revenue].to_numpy(dtype=float)
    bins = np.logspace(np.log10(vals.min()), np.log10(vals.max()), 40)
    for i, v in enumerate(order):
        x = buyers.loc[buyers[variant].astype(str) == v, revenue].to_numpy(dtype=float)
        ax.hist(x, bins=bins, histtype="step", lw=2, color=PALETTE[i % len(PALETTE)], density=True,
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
    ax.set_title(title or "Revenue per buyer, by variant (buyers only)")
    _note(ax, note)
    return ax


def ab_power_curve(curve: pd.DataFrame, *, power: float = 0.8, days_run: float | None = None,
                   note: str | None = None, title: str | None = None, ax: Axes | None = None) -> Axes:
    """Chance of detecting each true lift by test length (from ``planning.power_curve``).

    An empty curve (daily traffic unknown) draws a note instead.
    """
    ax = ax or plt.gca()
    if curve is None or curve.empty:
        return _placeholder(ax, title or "How long the next test must run",
                            "Daily traffic unknown: give daily_traffic to plan the test length.")
    for i, (lift, g) in enumerate(curve.groupby("relative_lift")):
        ax.plot(g["days"], g["power"], color=PALETTE[i % len(PALETTE)], lw=2,
                label=f"true lift {fmt.pct(lift, 0, signed=True)}")
        reach = g[g["power"] >= power]
        if not reach.empty:
            d = reach["days"].iloc[0]
            ax.plot(d, reach["power"].iloc[0], "o", color=PALETTE[i % len(PALETTE)])
            ax.annotate(f"{d} d", xy=(d, reach["power"].iloc[0]), xytext=(4, -12), textcoords="offset points",
                        fontsize=8.5, color=PALETTE[i % len(PALETTE)])
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
    ax.set_title(title or "How long the next test must run to detect a given conversion lift")
    _note(ax, note)
    return ax
