"""Charts for salary benchmarking: pay ranges by area, industry or occupation; bands; experience curves.

The range chart is the workhorse (a map-free "dot and range" plot): per row, a thin line from the 10th to the
90th percentile, a thick bar over the middle half (25th-75th) and a dot at the median, sorted as given.
Top-coded percentiles (known only to be at least $239,200) end in an arrow and a "≥" label instead of a
point, so they are never read as exact; rows BLS did not publish say "not published". The report's views of it
(:func:`plot_occupation_pay`, :func:`plot_area_pay`, :func:`plot_area_ranking`, :func:`plot_industry_pay`) take an
analysis result and title themselves from it.
"""
from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter

from workbench.present import fmt
from workbench.present.style import PALETTE
from workbench.reports.common import generated_suffix
from workbench.sections import skippable_chart

__all__ = ["plot_pay_ranges", "plot_occupation_pay", "plot_area_pay", "plot_area_ranking", "plot_industry_pay",
           "plot_pay_bands", "plot_experience_curve"]

_PCTS = ("p10", "p25", "p50", "p75", "p90")
_BAR, _LINE, _DOT, _REF, _OFFER = PALETTE[0], "#9aa7b4", "#0b2f52", PALETTE[7], PALETTE[1]


def _t(text: str) -> str:
    """Escape dollar signs so matplotlib does not read "$90,260 - $123,020" as mathtext."""
    return str(text).replace("$", r"\$")


def _money_axis(ax, basis: str, axis: str = "x") -> None:
    f = FuncFormatter(lambda v, _: _t(fmt.compact(v, currency="USD") if basis == "annual" else fmt.money(v)))
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_formatter(f)


def _val(row: pd.Series, basis: str, stat: str) -> tuple[float, bool]:
    v = row.get(f"{basis}_{stat}")
    top = row.get(f"{stat}_topcoded", False)
    top = bool(top) if top is not None and not pd.isna(top) else False
    return (np.nan if v is None or pd.isna(v) else float(v)), top


def _where(area: object) -> str:
    return "nationally" if str(area).strip().lower() == "national" else f"in {area}"


def _draw_rows(ax, frame: pd.DataFrame, y: np.ndarray, *, basis: str, label_values: bool,
               highlight: Sequence[bool] | None = None, **kwargs) -> float:
    """Draw the range rows; return the largest x drawn (for the label margin)."""
    xmax = 0.0
    marks = list(highlight) if highlight is not None else [False] * len(frame)
    for yi, (_, row), mark in zip(y, frame.iterrows(), marks):
        if row.get("_group") == "gap":
            continue
        vals = {s: _val(row, basis, s) for s in _PCTS}
        if all(np.isnan(v) for v, _ in vals.values()):
            ax.text(0.01, yi, "  not published", transform=ax.get_yaxis_transform(), va="center", ha="left",
                    color=_REF, fontsize=9, style="italic")
            continue
        p10, t10 = vals["p10"]
        p25, t25 = vals["p25"]
        p50, t50 = vals["p50"]
        p75, t75 = vals["p75"]
        p90, t90 = vals["p90"]
        ax.plot([p10, p90], [yi, yi], color=_LINE, lw=1.6, solid_capstyle="butt", zorder=1)
        ax.plot([p25, p75], [yi, yi], **{"color": _OFFER if mark else _BAR, "lw": 7, "solid_capstyle": "butt",
                                          "alpha": 0.85, "zorder": 2, **kwargs})
        top_from = next((v for s in _PCTS for v, t in [vals[s]] if t), None)
        if top_from is not None:  # top-coded: an arrow says "at least", not "equal to"
            ax.annotate("", xy=(top_from * 1.06, yi), xytext=(top_from, yi),
                        arrowprops=dict(arrowstyle="->", color=_DOT, lw=1.4), zorder=4)
        if not t50 and not np.isnan(p50):
            ax.plot([p50], [yi], "o", color=_DOT, ms=6.5, mec="white", mew=1.2, zorder=3)
        far = np.nanmax([p90, p75, p50]) * (1.06 if top_from is not None else 1.0)
        xmax = max(xmax, far)
        if label_values:
            text = (f"median ≥{fmt.compact(top_from, currency='USD')} (top-coded)" if t50 else
                    f"median {fmt.compact(p50, currency='USD') if basis == 'annual' else fmt.money(p50, decimals=2)}")
            ax.text(far, yi, "  " + _t(text), va="center", ha="left", fontsize=8.5, color=_DOT)
    return xmax


def plot_pay_ranges(frame: pd.DataFrame, *, label: str = "area_name", basis: str = "annual",
                    reference: float | None = None, reference_label: str = "National median",
                    offer: float | None = None, highlight: str | Sequence[str] | None = None, title: str | None = None,
                    xlabel: str | None = None, label_values: bool = True, ax=None, **kwargs):
    """Dot-and-range chart of published pay distributions, one row per line of ``frame``, top to bottom.

    Parameters
    ----------
    frame : DataFrame
        Rows with ``<basis>_p10`` ... ``<basis>_p90`` and ``p10_topcoded`` ... flags (a
        ``market_distribution``, ``location_comparison`` or ``industry_comparison`` result).
    label : str
        Column with the row labels.
    basis : {"annual", "hourly"}
        The wage columns drawn.
    reference : float, optional
        A vertical reference line (e.g. the national median), labelled ``reference_label``.
    offer : float, optional
        An offer to mark with a dashed line.
    highlight : str or list of str, optional
        Row label(s) to pick out (orange bar, bold label), e.g. the area the bands are set for.
    title, xlabel : str, optional
        Default: no title; the x label says what line, bar and dot mean.
    label_values : bool
        Write each row's median at its right end.
    ax : matplotlib Axes, optional
    **kwargs
        Passed to the ``ax.plot`` call that draws each row's 25th-75th percentile bar.

    Returns
    -------
    The Axes.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(9.0, max(2.2, 0.42 * len(frame) + 1.3)))
    y = np.arange(len(frame))[::-1]
    picked = set([highlight] if isinstance(highlight, str) else highlight or [])
    marks = [str(v) in picked for v in frame[label]]
    xmax = _draw_rows(ax, frame, y, basis=basis, label_values=label_values, highlight=marks, **kwargs)
    ax.set_yticks(y)
    ax.set_yticklabels([_t(textwrap.fill(str(v), 48)) for v in frame[label]])
    for tick, mark in zip(ax.get_yticklabels(), marks):
        if mark:
            tick.set_fontweight("bold")
    if reference is not None and not pd.isna(reference):
        ax.axvline(float(reference), color=_REF, lw=1.2, ls=":", zorder=0,
                   label=_t(f"{reference_label} {fmt.compact(reference, currency='USD')}"))
    if offer is not None and not pd.isna(offer):
        ax.axvline(float(offer), color=_OFFER, lw=1.6, ls="--", zorder=0,
                   label=_t(f"Offer {fmt.compact(offer, currency='USD')}"))
        xmax = max(xmax, float(offer))
    if ax.get_legend_handles_labels()[0]:  # an empty strip below the last row holds the legend
        ax.set_ylim(-1.3, len(frame) - 0.4)
        ax.legend(loc="lower right", fontsize=8.5, frameon=True, framealpha=0.9, ncol=2)
    ax.set_xlim(left=0, right=max(xmax * 1.18, 1))
    _money_axis(ax, basis)
    unit = "per year" if basis == "annual" else "per hour"
    ax.set_xlabel(_t(xlabel) if xlabel else f"Wage, USD {unit}: line = 10th-90th percentile, bar = 25th-75th, dot = median")
    ax.set_ylabel("")
    ax.grid(axis="y", visible=False)
    if title:
        ax.set_title(_t(title))
    return ax


def plot_occupation_pay(occupations: pd.DataFrame, *, offer: float | None = None, basis: str = "annual",
                        title: str | None = None, ax=None, **kwargs):
    """The candidate occupations side by side in one area (``wb.salaries.occupations_in_area``), offer marked.

    ``**kwargs`` go to the bars (see :func:`plot_pay_ranges`). Default title: "What employers pay the candidate
    occupations in <area>".
    """
    area = occupations["area_name"].iloc[0] if len(occupations) else ""
    return plot_pay_ranges(occupations, label="occupation_name", basis=basis, offer=offer, ax=ax,
                           title=title or f"What employers pay the candidate occupations {_where(area)}", **kwargs)


def _national_median(frame: pd.DataFrame, basis: str) -> float | None:
    if "national_median" in frame:
        values = frame["national_median"].dropna()
        return float(values.iloc[0]) if len(values) else None
    nat = frame[frame["area_code"] == "0000000"]
    if len(nat) and pd.notna(nat[f"{basis}_p50"].iloc[0]) and not bool(nat["p50_topcoded"].iloc[0]):
        return float(nat[f"{basis}_p50"].iloc[0])
    return None


def plot_area_pay(locations: pd.DataFrame, *, offer: float | None = None, highlight: str | None = None,
                  basis: str = "annual", title: str | None = None, ax=None, **kwargs):
    """The chosen areas against the nation (``wb.salaries.location_comparison(..., areas=...)``).

    The national median is drawn as a reference line, the offer as a dashed line; ``highlight`` names the
    area the bands are set for. Default title: "<occupation>: the chosen areas against the nation".
    """
    occupation = locations["occupation_name"].iloc[0] if len(locations) else ""
    return plot_pay_ranges(locations, label="area_name", basis=basis, reference=_national_median(locations, basis),
                           offer=offer, highlight=highlight, ax=ax,
                           title=title or f"{occupation}: the chosen areas against the nation", **kwargs)


_AREA_KINDS = {"metro": "metro areas", "state": "states and territories", "nonmetro": "nonmetropolitan areas"}


def plot_area_ranking(ranking, *, highlight: str | None = None, title: str | None = None, ax=None, **kwargs):
    """Highest- and lowest-paying areas in one dot-and-range chart, split by a line, national median marked.

    ``ranking`` is a ``wb.salaries.area_ranking`` result; ``highlight`` names an area to pick out (e.g. the
    area the bands are set for) when it is in either list. Default title: "<occupation>: highest- and
    lowest-paying metro areas (at least <n> jobs)". ``**kwargs`` go to the bars.
    """
    highest, lowest = ranking.highest, ranking.lowest
    parts = [highest.assign(_group="highest")]
    if lowest is not None and len(lowest):
        gap = pd.DataFrame({"area_name": [""], "_group": ["gap"]})
        parts += [gap, lowest.iloc[::-1].assign(_group="lowest")]
    frame = pd.concat(parts, ignore_index=True)
    if title is None:
        kind = _AREA_KINDS.get(ranking.area_type, "areas")
        jobs = f" (at least {fmt.num(ranking.min_employment)} jobs)" if ranking.min_employment else ""
        title = f"{ranking.occupation_name}: highest- and lowest-paying {kind}{jobs}"
    national = None if pd.isna(ranking.national_median) else ranking.national_median
    ax = plot_pay_ranges(frame, label="area_name", basis=ranking.basis, reference=national, title=title,
                         highlight=highlight, ax=ax, **kwargs)
    if lowest is not None and len(lowest):
        y_gap = len(frame) - 1 - int(np.flatnonzero(frame["_group"].to_numpy() == "gap")[0])
        ax.axhline(y_gap, color=_REF, lw=0.8)
        ax.text(0.005, y_gap + 0.12, f"▲ {len(highest)} highest-paying", transform=ax.get_yaxis_transform(),
                ha="left", va="bottom", fontsize=8.5, color=_REF)
        ax.text(0.005, y_gap - 0.12, f"▼ {len(lowest)} lowest-paying", transform=ax.get_yaxis_transform(),
                ha="left", va="top", fontsize=8.5, color=_REF)
    return ax


def plot_industry_pay(industries: pd.DataFrame, *, basis: str = "annual", title: str | None = None, ax=None,
                      **kwargs):
    """National pay by industry (``wb.salaries.industry_comparison``), the all-industries median marked.

    Default title: "<occupation>: pay in the industries closest to e-commerce (national)" for the default
    industry list, "<occupation>: national pay by industry" for a chosen one. ``**kwargs`` go to the bars.
    """
    base = industries[industries["industry_code"] == "000000"]
    reference = None
    if len(base) and bool(base["rankable"].iloc[0]):
        reference = float(base[f"{basis}_p50"].iloc[0])
    if title is None:
        occupation = industries["occupation_name"].iloc[0] if len(industries) else ""
        chosen = bool({"Chosen", "Industry"} & set(industries["group"].astype(str)))
        title = (f"{occupation}: national pay by industry" if chosen else
                 f"{occupation}: pay in the industries closest to e-commerce (national)")
    return plot_pay_ranges(industries, label="industry_label", basis=basis, reference=reference,
                           reference_label="All industries median", title=title, ax=ax, **kwargs)


def _band_label(b: pd.Series, basis: str) -> str:
    money = (lambda x: fmt.money(x, decimals=2 if basis == "hourly" else 0))
    if b["low_is_lower_bound"]:
        return f"at least {money(b['low'])}"
    if b["high_is_lower_bound"]:
        return f"{money(b['low'])} to at least {money(b['high'])}"
    return f"{money(b['low'])} - {money(b['high'])}"


def plot_pay_bands(bands: pd.DataFrame, *, offer: float | None = None, role=None, title: str | None = None,
                   ax=None, **kwargs):
    """Pay bands by level as horizontal bars (low to high), with the offer marked.

    ``bands`` is a ``wb.salaries.pay_bands`` result; bands that depend on a top-coded percentile end in an
    arrow. ``role`` (a ``wb.salaries.resolve_role`` result) names the job in the default title, "Base-pay bands
    for <role> in <area> (<occupation>)". ``**kwargs`` go to ``ax.barh``.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(9.0, 0.55 * len(bands) + 1.6))
    basis = str(bands["basis"].iloc[0]) if "basis" in bands and len(bands) else "annual"
    y = np.arange(len(bands))[::-1]
    xmax = 0.0
    for yi, (_, b), color in zip(y, bands.iterrows(), PALETTE):
        ax.barh(yi, b["high"] - b["low"], left=b["low"], **{"height": 0.55, "color": color, "alpha": 0.85, **kwargs})
        if b["high_is_lower_bound"]:
            ax.annotate("", xy=(b["high"] * 1.06, yi), xytext=(b["high"], yi),
                        arrowprops=dict(arrowstyle="->", color=_DOT, lw=1.4))
        ax.text(b["high"] * (1.07 if b["high_is_lower_bound"] else 1.0), yi, "  " + _t(_band_label(b, basis)),
                va="center", ha="left", fontsize=9)
        xmax = max(xmax, b["high"])
    ax.set_yticks(y)
    ax.set_yticklabels([f"{b['level']}\n(p{b['from_percentile']:g}-p{b['to_percentile']:g})"
                        for _, b in bands.iterrows()])
    if offer is not None and not pd.isna(offer):
        ax.axvline(float(offer), color=_OFFER, lw=1.6, ls="--", label=_t(f"Offer {fmt.compact(offer, currency='USD')}"))
        xmax = max(xmax, float(offer))
        ax.legend(loc="upper right", fontsize=8.5, frameon=True, framealpha=0.9)
    ax.set_xlim(left=0, right=xmax * 1.45)
    _money_axis(ax, basis)
    ax.set_xlabel(f"Base pay, USD {'per year' if basis == 'annual' else 'per hour'}")
    ax.grid(axis="y", visible=False)
    if title is None and len(bands):
        first = bands.iloc[0]
        where = _where(first.get("area_name", "National"))
        occupation = f"{first.get('occupation_code', '')} {first.get('occupation_name', '')}".strip()
        title = (f"Base-pay bands for {role.title} {where} ({role.label()})" if role is not None
                 else f"Base-pay bands for {occupation} {where}")
    if title:
        ax.set_title(_t(title))
    return ax


@skippable_chart
def plot_experience_curve(curve, *, market: Sequence[float] | None = None, title: str | None = None, ax=None,
                          **kwargs):
    """Own pay against years of experience with the fitted 25th / 50th / 75th percentile lines.

    ``curve`` is a fitted ``wb.salaries.ExperienceCurve``, or the salary report's own-data summary
    (``wb.salaries.own_data_summary``: its curve, its market percentiles and a title naming the file and the
    role); a ``Skipped`` section or None draws a panel that says why there is no chart. ``market`` marks market
    percentiles (e.g. OEWS 25th, median, 75th) as horizontal lines. ``**kwargs`` go to the scatter of people.
    """
    if curve is not None and not hasattr(curve, "curve_") and hasattr(curve, "curve"):  # the own-data summary
        own = curve
        if title is None:
            label = (generated_suffix(True, what="example payroll") if own.generated
                     else f" ({Path(own.source).name})")
            title = f"Own pay against experience{label}: titles mapped to {own.role_label}"
        return plot_experience_curve(own.curve, market=own.market if market is None else market, title=title,
                                     ax=ax, **kwargs)
    if ax is None:
        _, ax = plt.subplots(figsize=(9.0, 1.0) if curve is None else None)
    if curve is None:
        ax.text(0.5, 0.5, "No own pay data given (set the report parameter own_data to a CSV file)",
                ha="center", va="center", transform=ax.transAxes, color=_REF)
        ax.set_axis_off()
        return ax
    data = curve.data_
    ax.scatter(data.iloc[:, 0], data.iloc[:, 1], **{"s": 22, "color": PALETTE[0], "alpha": 0.55, "label": "People",
                                                     "zorder": 2, **kwargs})
    top = float(np.nanmax(data.iloc[:, 0])) if len(data) else 1.0
    c = curve.predict(np.linspace(0, max(top, 1.0), 121))  # a smooth line; curve_ is the yearly table
    qcols = [col for col in c.columns if col != "years_experience"]
    if len(qcols) >= 3:
        ax.fill_between(c["years_experience"], c[qcols[0]], c[qcols[-1]], color=PALETTE[1], alpha=0.15, lw=0)
    for col in qcols:
        mid = col == qcols[len(qcols) // 2]
        ax.plot(c["years_experience"], c[col], color=PALETTE[1], lw=2.4 if mid else 1.3, ls="-" if mid else "--",
                label=f"{int(col[1:])}th percentile" if col != "p50" else "Median")
    if market is not None:
        for v, name in zip(market, ("Market 25th", "Market median", "Market 75th")):
            ax.axhline(v, color=_REF, lw=0.9, ls=":")
            ax.text(1.0, v, f" {name}", transform=ax.get_yaxis_transform(), fontsize=8, color=_REF, va="center")
    _money_axis(ax, "annual", axis="y")
    ax.set_xlabel("Years of experience")
    ax.set_ylabel("Base pay, USD per year")
    ax.legend(loc="upper left")
    if title:
        ax.set_title(_t(title))
    return ax
