"""Charts for the competitor analysis: shares, prices by brand, elasticity heatmap, what-if, price index.

Each function takes the result of an analysis (``wb.competitors.*``), keyword-only options and ``ax=None``
(a new figure sized for the chart when not given), and returns the Axes.
"""
from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import TwoSlopeNorm
from matplotlib.ticker import PercentFormatter

__all__ = ["choice_share_bars", "brand_price_boxes", "elasticity_heatmap", "what_if_bars", "price_index_bars",
           "price_index_trend_chart"]

_BLUE, _ORANGE, _GREY, _GREEN, _RED = "#1f5a96", "#e0822b", "#9a9a9a", "#3a9a5b", "#c23b3b"


def _axes(ax: plt.Axes | None, size: tuple[float, float]) -> plt.Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def choice_share_bars(shares: pd.DataFrame, *, title: str | None = None, ax: plt.Axes | None = None) -> plt.Axes:
    """Horizontal bars of each brand's share of purchase occasions (``wb.competitors.choice_shares``)."""
    s = shares["share"].sort_values()
    ax = _axes(ax, (8.0, 0.55 * len(s) + 1.4))
    ax.barh(s.index.astype(str), s.to_numpy(), color=_BLUE)
    for y, v in enumerate(s.to_numpy()):
        ax.text(v, y, f" {v:.1%}", va="center", fontsize=10)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlim(0, max(s.max() * 1.18, 0.05))
    ax.set_xlabel("Share of purchase occasions (% of occasions in which the brand was bought)")
    ax.set_ylabel("")
    ax.set_title(title or "Who wins the purchase: share of occasions by brand")
    ax.grid(axis="y", visible=False)
    return ax


def brand_price_boxes(panel: Any, *, price_unit: str | None = None, title: str | None = None,
                      ax: plt.Axes | None = None) -> plt.Axes:
    """Box plot of each brand's shelf price across purchase occasions (from a ChoicePanel or its long table).

    The axis label says when the price unit is not documented.
    """
    table = getattr(panel, "table", panel)
    order = list(getattr(panel, "alternatives", None) or pd.unique(table["alternative"]))
    unit = price_unit or getattr(panel, "price_unit", None)
    ax = _axes(ax, (8.0, 0.6 * len(order) + 1.5))
    data = table[["alternative", "price"]].assign(alternative=table["alternative"].astype(str))
    groups = [data.loc[data["alternative"] == a, "price"].to_numpy() for a in order]
    ax.boxplot(groups, orientation="horizontal", positions=range(len(order)), widths=0.6, patch_artist=True,
               boxprops={"facecolor": "#9fbfdf", "edgecolor": "#333333"}, medianprops={"color": "#1f5a96", "lw": 2},
               flierprops={"markersize": 2, "markeredgecolor": "#666666"})
    ax.set_yticks(range(len(order)), order)
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    med = data.groupby("alternative")["price"].median()
    for y, a in enumerate(order):
        ax.text(med[a], y - 0.42, f"median {med[a]:g}", ha="center", va="bottom", fontsize=9, color="#333333")
    ax.set_xlabel(f"Shelf price on the purchase occasion ({unit})" if unit
                  else "Shelf price on the purchase occasion (unit not documented at the source)")
    ax.set_ylabel("")
    ax.set_title(title or "Prices by brand across purchase occasions")
    return ax


def elasticity_heatmap(matrix: pd.DataFrame, *, title: str | None = None, ax: plt.Axes | None = None) -> plt.Axes:
    """Annotated heatmap of the price-elasticity matrix (``wb.competitors.elasticity_matrix``).

    Rows: the brand whose share responds; columns: the brand whose price rises 1%. Blue = share falls
    (own-price effects), red = share rises (competitors' price rises help); colour centred at 0.
    """
    m = matrix.astype("float64")
    n = len(m)
    ax = _axes(ax, (1.5 * n + 3.2, 1.0 * n + 1.8))
    lim = float(np.nanmax(np.abs(m.to_numpy()))) or 1.0
    norm = TwoSlopeNorm(vcenter=0.0, vmin=-lim, vmax=lim)
    im = ax.imshow(m.to_numpy(), cmap="RdBu_r", norm=norm, aspect="auto")
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
    ax.set_title(title or "Price elasticities: own (diagonal) and cross")
    return ax


def what_if_bars(result: pd.DataFrame, *, title: str | None = None, ax: plt.Axes | None = None) -> plt.Axes:
    """Predicted share of each brand now and after a price change (``wb.competitors.what_if``), with the change
    in percentage points written next to each pair."""
    r = result
    y = np.arange(len(r))
    ax = _axes(ax, (8.5, 0.8 * len(r) + 1.5))
    h = 0.38
    ax.barh(y + h / 2, r["share_now"], height=h, color=_GREY, label="Now (model, current prices)")
    ax.barh(y - h / 2, r["share_after"], height=h, color=_BLUE, label="After the price change")
    top = float(max(r["share_now"].max(), r["share_after"].max()))
    for i, (a, row) in enumerate(r.iterrows()):
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
    ax.set_title(title or "What-if: predicted shares before and after the price change")
    return ax


def price_index_bars(index: pd.DataFrame, *, label: str = "sku", title: str | None = None,
                     reference_label: str = "competitors' mean price", ax: plt.Axes | None = None) -> plt.Axes:
    """Our price index per sku (``wb.competitors.price_index``) as horizontal bars around the 100 line.

    Bars start at 100: left (green) = we are cheaper than the reference, right (orange) = more expensive.
    """
    s = index["price_index"].dropna().sort_values()
    if label != "sku" and label in index.columns:
        names = index.loc[s.index, label].astype(str)
    else:
        names = s.index.astype(str)
    ax = _axes(ax, (8.5, 0.24 * len(s) + 1.6))
    colors = np.where(s.to_numpy() < 100, _GREEN, _ORANGE)
    ax.barh(names, s.to_numpy() - 100, left=100, color=colors)
    ax.axvline(100, color="#222222", lw=1.2)
    ax.text(100, len(s) - 0.3, " 100 = same price", va="bottom", fontsize=9)
    ax.set_xlabel(f"Price index = 100 x our price / {reference_label} (below 100 = we are cheaper)")
    ax.set_ylabel("")
    ax.tick_params(axis="y", labelsize=8)
    ax.grid(axis="y", visible=False)
    ax.set_ylim(-0.7, len(s) + 0.5)
    ax.set_title(title or "Our price index by product")
    return ax


def price_index_trend_chart(trend: pd.DataFrame, *, title: str | None = None,
                            reference_label: str = "competitors' mean price", ax: plt.Axes | None = None) -> plt.Axes:
    """The overall price index over time (``wb.competitors.price_index_trend``) with the 100 line."""
    ax = _axes(ax, (9.0, 4.2))
    ax.plot(trend.index, trend["price_index"], color=_BLUE, lw=2, label="Unweighted (every product counts the same)")
    if "price_index_weighted" in trend.columns:
        ax.plot(trend.index, trend["price_index_weighted"], color=_ORANGE, lw=2,
                label="Revenue-weighted (our best sellers count more)")
    ax.axhline(100, color="#222222", lw=1.2, ls="--")
    lo = min(float(trend[[c for c in trend.columns if c.startswith("price_index")]].min().min()), 99.0)
    hi = max(float(trend[[c for c in trend.columns if c.startswith("price_index")]].max().max()), 101.0)
    pad = (hi - lo) * 0.15
    ax.set_ylim(lo - pad, hi + pad)
    ax.text(trend.index[0], 100, "100 = same price ", va="bottom", fontsize=9)
    ax.set_ylabel("Price index (below 100 = cheaper)")
    ax.set_xlabel("Date")
    ax.legend(loc="best")
    ax.set_title(title or f"Our overall price index against the {reference_label}, over time")
    ax.figure.autofmt_xdate()
    return ax
