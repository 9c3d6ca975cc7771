"""Charts for the competitor analysis: shares, prices by brand, elasticity heatmap, what-if, price index.

Each function takes the result of an analysis (``wb.competitors.*``), keyword-only options and ``ax=None`` (a
new figure sized for the chart when not given), passes ``**kwargs`` to the matplotlib call that draws the
marks, and returns the Axes. Words shared with the report (how a price change and the index reference are
said, the generated-data label) come from :mod:`workbench.reports.competitors`.
"""
from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import TwoSlopeNorm
from matplotlib.ticker import PercentFormatter

from workbench.reports.common import generated_suffix
from workbench.reports.competitors import change_md, reference_md

__all__ = ["plot_choice_shares", "plot_brand_prices", "plot_elasticities", "plot_what_if", "plot_price_index",
           "plot_price_index_trend"]

_BLUE, _ORANGE, _GREY, _GREEN, _RED = "#1f5a96", "#e0822b", "#9a9a9a", "#3a9a5b", "#c23b3b"


def _axes(ax: plt.Axes | None, size: tuple[float, float]) -> plt.Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def _of(category: str | None) -> str:
    return f" ({category})" if category else ""


def plot_choice_shares(shares: pd.DataFrame, *, column: str = "share", category: str | None = None,
                       title: str | None = None, ax: plt.Axes | None = None, **kwargs: Any) -> plt.Axes:
    """Horizontal bars of each brand's share of purchase occasions (``wb.competitors.choice_shares``).

    ``column`` is a fraction of occasions per brand; ``category`` names the panel in the title.
    """
    s = shares[column].sort_values()
    ax = _axes(ax, (8.0, 0.55 * len(s) + 1.4))
    ax.barh(s.index.astype(str), s.to_numpy(), **{"color": _BLUE, **kwargs})
    for y, v in enumerate(s.to_numpy()):
        ax.text(v, y, f" {v:.1%}", va="center", fontsize=10)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlim(0, max(s.max() * 1.18, 0.05))
    ax.set_xlabel("Share of purchase occasions (% of occasions in which the brand was bought)")
    ax.set_ylabel("")
    ax.set_title(title or f"Share of purchase occasions by brand{_of(category)}")
    ax.grid(axis="y", visible=False)
    return ax


def plot_brand_prices(panel: Any, *, column: str = "price", price_unit: str | None = None,
                      title: str | None = None, ax: plt.Axes | None = None, **kwargs: Any) -> plt.Axes:
    """Box plot of each brand's shelf price across purchase occasions (from a ChoicePanel or its long table).

    The axis label says when the price unit is not documented; the title names the panel when it has a name.
    """
    table = getattr(panel, "table", panel)
    order = list(getattr(panel, "alternatives", None) or pd.unique(table["alternative"]))
    unit = price_unit or getattr(panel, "price_unit", None)
    ax = _axes(ax, (8.0, 0.6 * len(order) + 1.5))
    data = table[["alternative", column]].assign(alternative=table["alternative"].astype(str))
    groups = [data.loc[data["alternative"] == a, column].to_numpy() for a in order]
    style = {"widths": 0.6, "patch_artist": True,
             "boxprops": {"facecolor": "#9fbfdf", "edgecolor": "#333333"},
             "medianprops": {"color": "#1f5a96", "lw": 2},
             "flierprops": {"markersize": 2, "markeredgecolor": "#666666"}}
    ax.boxplot(groups, orientation="horizontal", positions=range(len(order)), **{**style, **kwargs})
    ax.set_yticks(range(len(order)), order)
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    med = data.groupby("alternative")[column].median()
    for y, a in enumerate(order):
        ax.text(med[a], y - 0.42, f"median {med[a]:g}", ha="center", va="bottom", fontsize=9, color="#333333")
    ax.set_xlabel(f"Shelf price on the purchase occasion ({unit})" if unit
                  else "Shelf price on the purchase occasion (unit not documented at the source)")
    ax.set_ylabel("")
    ax.set_title(title or f"Shelf prices by brand across purchase occasions{_of(getattr(panel, 'name', None))}")
    return ax


def plot_elasticities(matrix: pd.DataFrame, *, category: str | None = None, title: str | None = None,
                      ax: plt.Axes | None = None, **kwargs: Any) -> plt.Axes:
    """Annotated heatmap of the price-elasticity matrix (``wb.competitors.elasticity_matrix``).

    Rows: the brand whose share responds; columns: the brand whose price rises 1%. Blue = share falls
    (own-price effects), red = share rises (competitors' price rises help); colour centred at 0.
    """
    m = matrix.astype("float64")
    n = len(m)
    ax = _axes(ax, (1.5 * n + 3.2, 1.0 * n + 1.8))
    lim = float(np.nanmax(np.abs(m.to_numpy()))) or 1.0
    norm = TwoSlopeNorm(vcenter=0.0, vmin=-lim, vmax=lim)
    im = ax.imshow(m.to_numpy(), **{"cmap": "RdBu_r", "norm": norm, "aspect": "auto", **kwargs})
    for i in range(n):
        for j in range(m.shape[1]):
            v = m.iat[i, j]
            ax.text(j, i, f"{v:+.2f}", ha="center", va="center", fontsize=11,
                    color="white" if abs(v) > 0.6 * lim else "#222222", fontweight="bold" if i == j else "normal")
    ax.set_xticks(range(m.shape[1]), [str(c) for c in m.columns], rotation=20, ha="right")
    ax.set_yticks(range(n), [str(r) for r in m.index])
    ax.set_xlabel("Brand whose price rises by 1%")
    ax.set_ylabel("Brand whose share responds")
    ax.grid(False)
    cbar = ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.03)
    cbar.set_label("% change in share for a 1% price rise")
    ax.set_title(title or f"Price elasticities of choice shares{_of(category)}")
    return ax


def plot_what_if(scenario: pd.DataFrame, *, brand: str | None = None, change: float | None = None,
                 title: str | None = None, ax: plt.Axes | None = None, **kwargs: Any) -> plt.Axes:
    """Predicted share of each brand now and after a price change (``wb.competitors.what_if``), with the change
    in percentage points written next to each pair; ``brand`` and ``change`` (a fraction) name the change in
    the title. ``**kwargs`` go to the bars of the shares after the change."""
    r = scenario
    y = np.arange(len(r))
    ax = _axes(ax, (8.5, 0.8 * len(r) + 1.5))
    h = 0.38
    ax.barh(y + h / 2, r["share_now"], height=h, color=_GREY, label="Now (model, current prices)")
    ax.barh(y - h / 2, r["share_after"], height=h, **{"color": _BLUE, "label": "After the price change", **kwargs})
    top = float(max(r["share_now"].max(), r["share_after"].max()))
    for i, (_, row) in enumerate(r.iterrows()):
        pp = row["change"] * 100
        ax.text(max(row["share_now"], row["share_after"]) + top * 0.02, i, f"{pp:+.1f} pp", va="center",
                fontsize=10, color=_GREEN if pp > 0.05 else _RED if pp < -0.05 else "#333333")
    ax.set_yticks(y, [str(i) for i in r.index])
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlim(0, top * 1.25)
    ax.set_xlabel("Predicted share of purchase occasions")
    ax.legend(loc="lower right")
    ax.grid(axis="y", visible=False)
    default = (f"Predicted shares if {brand} {change_md(change)}" if brand and change is not None
               else "What-if: predicted shares before and after the price change")
    ax.set_title(title or default)
    return ax


def plot_price_index(index: pd.DataFrame, *, column: str = "price_index", label: str = "sku",
                     reference: str = "mean", generated: bool = False, title: str | None = None,
                     ax: plt.Axes | None = None, **kwargs: Any) -> plt.Axes:
    """Our price index per sku (``wb.competitors.price_index``) as horizontal bars around the 100 line.

    Bars start at 100: left (green) = we are cheaper than the reference, right (orange) = more expensive.
    ``label``: the column naming the bars (default the sku); ``reference`` as given to ``price_index`` (for the
    axis label); ``generated`` marks the title as generated data.
    """
    s = index[column].dropna().sort_values()
    names = index.loc[s.index, label].astype(str) if label != "sku" and label in index.columns else s.index.astype(str)
    ax = _axes(ax, (8.5, 0.24 * len(s) + 1.6))
    colors = np.where(s.to_numpy() < 100, _GREEN, _ORANGE)
    ax.barh(names, s.to_numpy() - 100, left=100, **{"color": colors, **kwargs})
    ax.axvline(100, color="#222222", lw=1.2)
    ax.text(100, len(s) - 0.3, " 100 = same price", va="bottom", fontsize=9)
    ax.set_xlabel(f"Price index = 100 x our price / {reference_md(reference).removeprefix('the ')} "
                  "(below 100 = we are cheaper)")
    ax.set_ylabel("")
    ax.tick_params(axis="y", labelsize=8)
    ax.grid(axis="y", visible=False)
    ax.set_ylim(-0.7, len(s) + 0.5)
    ax.set_title(title or f"Our price index by product{generated_suffix(generated)}")
    return ax


def plot_price_index_trend(trend: pd.DataFrame, *, column: str = "price_index", reference: str = "mean",
                           generated: bool = False, title: str | None = None, ax: plt.Axes | None = None,
                           **kwargs: Any) -> plt.Axes:
    """The overall price index over time (``wb.competitors.price_index_trend``) with the 100 line.

    ``column`` is the unweighted index; the revenue-weighted one (``<column>_weighted``) is drawn beside it
    when the trend has it. ``**kwargs`` go to both lines.
    """
    weighted = f"{column}_weighted"
    drawn = [c for c in (column, weighted) if c in trend.columns]
    ax = _axes(ax, (9.0, 4.2))
    ax.plot(trend.index, trend[column], **{"color": _BLUE, "lw": 2,
                                           "label": "Unweighted (every product counts the same)", **kwargs})
    if weighted in trend.columns:
        ax.plot(trend.index, trend[weighted], **{"color": _ORANGE, "lw": 2,
                                                 "label": "Revenue-weighted (our best sellers count more)", **kwargs})
    ax.axhline(100, color="#222222", lw=1.2, ls="--")
    lo = min(float(trend[drawn].min().min()), 99.0)
    hi = max(float(trend[drawn].max().max()), 101.0)
    pad = (hi - lo) * 0.15
    ax.set_ylim(lo - pad, hi + pad)
    ax.text(trend.index[0], 100, "100 = same price ", va="bottom", fontsize=9)
    ax.set_ylabel(f"Price index vs {reference_md(reference).removeprefix('the ')}\n(below 100 = cheaper)")
    ax.set_xlabel("Date")
    ax.legend(loc="best")
    ax.set_title(title or f"Our overall price index over time{generated_suffix(generated)}")
    ax.figure.autofmt_xdate()
    return ax
