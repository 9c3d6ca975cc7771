"""Response curves and the budget planner: where the next dollar should go, under the fitted marketing mix model.

- :func:`response_curves`: for each channel, the expected weekly revenue at each average weekly spend (today's
  weekly pattern kept, see :meth:`MarketingMixModel.response`), with today's spend and the range of spend the model
  has seen.
- :func:`plan_budget`: the split of a budget over the next ``weeks`` weeks that maximises the predicted revenue
  (``objective="revenue"``: the whole budget is spent) or the predicted contribution (``"contribution"``:
  margin x revenue - spend, and spending less than the budget is allowed when the last dollar would not pay back),
  with each channel between ``bounds`` times today's spend, against today's split. Channels the model cannot tell
  apart keep today's spend. Planned spend outside the range of spend the model has seen is flagged: there the
  curve is extrapolated, not measured.
- :func:`budget_scenarios`: the same plan for a few budgets (today's, -20% ... +20%), so "what would another 10%
  bring" is answered by the best split of the bigger budget, not by today's average ROAS.

The optimiser is SciPy's SLSQP (sequential quadratic programming, exact gradients from the Hill slope) started
from today's split, an even split and a greedy split (each small slice of budget to the channel whose next dollar
earns most); the best of the three is kept. Curves with an S shape can have several local optima, hence the starts;
the tests check the result against a brute-force grid on a small case.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from workbench.errors import DataError

__all__ = ["response_curves", "ResponseCurves", "plan_budget", "BudgetPlan", "budget_scenarios", "spend_range",
           "OBJECTIVES"]

OBJECTIVES = ("revenue", "contribution")


def spend_range(weeks, *, window: int = 13) -> pd.DataFrame:
    """Per channel, the lowest and highest average weekly spend over any ``window`` consecutive weeks seen.

    Returns a frame indexed by channel with ``seen_low`` and ``seen_high`` (currency per week).
    """
    w = max(1, min(window, len(weeks.spend)))
    rolling = weeks.spend.rolling(w).mean().dropna()
    return pd.DataFrame({"seen_low": rolling.min(), "seen_high": rolling.max()})


@dataclass
class ResponseCurves:
    """``curves``: long frame (``channel``, ``spend`` per week, ``revenue`` per week, ``roas``, ``mroas``);
    ``marks``: per channel ``today_spend``, ``today_revenue``, ``seen_low``, ``seen_high``, ``identified``,
    ``reason``; ``origin``: of the data."""

    curves: pd.DataFrame
    marks: pd.DataFrame
    origin: str = "real"
    currency: str | None = None


def response_curves(model, *, points: int = 61, up_to: float = 2.5, window: int = 13) -> ResponseCurves:
    """Expected weekly revenue of each channel from no spend to ``up_to`` times the larger of today's spend and the
    highest ``window``-week average seen.

    Parameters
    ----------
    model : MarketingMixModel
        Fitted.
    points : int
        Spend levels per channel.
    up_to : float
        How far the curve runs, as a multiple of the larger of today's and the highest seen spend.
    window : int
        Weeks over which "seen" spend is averaged (see :func:`spend_range`).
    """
    ch = model.channels_
    seen = spend_range(model.weeks_, window=window)
    rows = []
    for name in ch.index:
        top = max(ch.loc[name, "today_spend"], seen.loc[name, "seen_high"]) * up_to
        grid = np.linspace(0.0, top, points)
        revenue = model.response(name, grid)
        mroas = model.marginal_roas(name, grid)
        with np.errstate(divide="ignore", invalid="ignore"):
            roas = np.where(grid > 0, revenue / grid, np.nan)
        rows.append(pd.DataFrame({"channel": name, "spend": grid, "revenue": revenue, "roas": roas, "mroas": mroas}))
    marks = ch[["today_spend", "today_revenue", "identified", "reason"]].join(seen)
    return ResponseCurves(curves=pd.concat(rows, ignore_index=True), marks=marks, origin=model.weeks_.origin,
                          currency=model.weeks_.currency)


@dataclass
class BudgetPlan:
    """A planned split of a budget over the next ``weeks`` weeks, against today's split.

    ``table``: one row per channel with ``today_spend`` and ``planned_spend`` (over the horizon), ``change``
    (planned / today - 1), ``today_revenue`` and ``planned_revenue`` (predicted, over the horizon), ``mroas_today``
    and ``mroas_planned`` (revenue from the next unit of spend), ``planned_per_week``, ``seen_low`` /
    ``seen_high`` (weekly), ``outside_range`` ("above", "below" or None), ``identified`` and ``fixed`` (kept at
    today's spend because the model cannot tell the channel apart). ``totals``: budget, spend and revenue today and
    planned, the revenue gained, and the contribution (margin x revenue - spend) when a margin is given.
    """

    table: pd.DataFrame
    totals: dict
    weeks: int
    change: float
    bounds: tuple[float, float]
    objective: str
    margin: float | None
    origin: str = "real"
    currency: str | None = None
    notes: list[str] = field(default_factory=list)


def _split(model, names: list[str], budget: float, lo: np.ndarray, hi: np.ndarray, objective: str,
           margin: float) -> np.ndarray:
    """Weekly spend per channel maximising the objective with sum == budget (revenue) or <= budget (contribution)."""
    if hi.sum() - lo.sum() <= 1e-9 * max(budget, 1.0):
        return lo.copy()
    weight = margin if objective == "contribution" else 1.0
    cost = 1.0 if objective == "contribution" else 0.0

    def value(s):
        return -sum(weight * float(model.response(n, s[i])) - cost * s[i] for i, n in enumerate(names))

    def grad(s):
        return -np.array([weight * float(model.marginal_roas(n, s[i])) - cost for i, n in enumerate(names)])

    if objective == "revenue":
        constraints = [{"type": "eq", "fun": lambda s: s.sum() - budget, "jac": lambda s: np.ones_like(s)}]
    else:
        constraints = [{"type": "ineq", "fun": lambda s: budget - s.sum(), "jac": lambda s: -np.ones_like(s)}]
    starts = [_clip_to(lo, hi, np.clip(model.channels_.loc[names, "today_spend"].to_numpy(float), lo, hi), budget),
              _clip_to(lo, hi, (lo + hi) / 2, budget),
              _greedy(model, names, budget, lo, hi, weight, cost)]
    best, best_value = None, np.inf
    scale = max(budget, 1.0)
    for x0 in starts:
        res = minimize(lambda z: value(z * scale) / scale, x0 / scale, jac=lambda z: grad(z * scale), method="SLSQP",
                       bounds=list(zip(lo / scale, hi / scale)),
                       constraints=[{**c, "fun": (lambda f: lambda z: f(z * scale) / scale)(c["fun"]),
                                     "jac": (lambda j: lambda z: j(z * scale))(c["jac"])} for c in constraints],
                       options={"ftol": 1e-12, "maxiter": 500})
        s = np.clip(res.x * scale, lo, hi)
        for candidate in (s, x0):
            feasible = (abs(candidate.sum() - budget) <= 1e-6 * scale if objective == "revenue"
                        else candidate.sum() <= budget * (1 + 1e-9))
            v = value(candidate)
            if feasible and v < best_value:
                best, best_value = candidate, v
    return best


def _clip_to(lo: np.ndarray, hi: np.ndarray, x: np.ndarray, budget: float) -> np.ndarray:
    """``x`` moved inside the bounds and rescaled (within them) so it adds up to ``budget``."""
    x = np.clip(x, lo, hi)
    for _ in range(50):
        gap = budget - x.sum()
        if abs(gap) <= 1e-9 * max(budget, 1.0):
            break
        room = (hi - x) if gap > 0 else (x - lo)
        if room.sum() <= 0:
            break
        x = np.clip(x + gap * room / room.sum(), lo, hi)
    return x


def _greedy(model, names, budget, lo, hi, weight, cost, steps: int = 400) -> np.ndarray:
    """Each slice of the budget above the lower bounds to the channel whose next unit earns most."""
    s = lo.copy()
    step = max(budget - lo.sum(), 0.0) / steps
    for _ in range(steps):
        room = hi - s > 1e-12
        if not room.any() or step <= 0:
            break
        gain = np.array([weight * float(model.marginal_roas(n, s[i] + step / 2)) - cost if room[i] else -np.inf
                         for i, n in enumerate(names)])
        if cost and gain.max() <= 0:
            break
        i = int(np.argmax(gain))
        s[i] = min(hi[i], s[i] + step)
    return _clip_to(lo, hi, s, min(budget, max(s.sum(), lo.sum())) if cost else budget)


def plan_budget(model, *, budget: float | None = None, change: float = 0.0, weeks: int = 13,
                bounds: tuple[float, float] | list[float] = (0.5, 2.0), objective: str = "revenue",
                margin: float | None = None, window: int | None = None) -> BudgetPlan:
    """The split of a budget over the next ``weeks`` weeks that the model expects to earn most, against today's.

    Parameters
    ----------
    model : MarketingMixModel
        Fitted.
    budget : float, optional
        Total spend over the ``weeks`` weeks. None: today's spend rate (the model's reference weeks) times
        ``weeks``, changed by ``change``.
    change : float
        Change of today's budget when ``budget`` is None (0.1 = 10% more).
    weeks : int
        The planning horizon in weeks (13 = a quarter).
    bounds : (low, high)
        Each channel's planned spend between ``low`` and ``high`` times its spend today.
    objective : {"revenue", "contribution"}
        Maximise predicted revenue (spending the whole budget) or contribution (margin x revenue - spend; may
        leave budget unspent). ``"contribution"`` needs ``margin``.
    margin : float, optional
        Contribution margin as a share of revenue, for the contribution figures and objective.
    window : int, optional
        Weeks over which "seen" spend is averaged for the range check (default: ``weeks``).

    Returns
    -------
    BudgetPlan

    Raises
    ------
    DataError
        Bounds that do not allow the budget, an unknown objective, or a contribution objective without a margin.
    """
    if objective not in OBJECTIVES:
        raise DataError(f"objective={objective!r} is not one of {list(OBJECTIVES)}", source="plan_budget",
                        example=objective, fix="Use 'revenue' or 'contribution'")
    if objective == "contribution" and not margin:
        raise DataError("the contribution objective needs a margin", source="plan_budget", column="margin",
                        fix="Pass margin= (e.g. 0.3 for a 30% contribution margin)")
    low, high = (float(b) for b in bounds)
    if not 0 <= low <= 1 <= high:
        raise DataError(f"bounds={list(bounds)} must be [low, high] with low <= 1 <= high", source="plan_budget",
                        example=list(bounds), fix="e.g. bounds=[0.5, 2.0]: each channel between half and twice "
                                                  "today's spend")
    ch = model.channels_
    names = list(ch.index)
    today = ch["today_spend"].to_numpy(float)
    identified = ch["identified"].to_numpy(bool)
    lo = np.where(identified, today * low, today)
    hi = np.where(identified, today * high, today)
    per_week = (budget / weeks) if budget is not None else today.sum() * (1 + change)
    notes = []
    if not identified.all():
        notes.append("Kept at today's spend because the model cannot tell them apart: "
                     + ", ".join(n for n, ok in zip(names, identified) if not ok) + ".")
    if per_week < lo.sum() - 1e-9 or (objective == "revenue" and per_week > hi.sum() + 1e-9):
        need = "lower the low bound" if per_week < lo.sum() else "raise the high bound"
        raise DataError(f"a budget of {per_week * weeks:,.0f} over {weeks} weeks is outside what the bounds allow "
                        f"({lo.sum() * weeks:,.0f} to {hi.sum() * weeks:,.0f})", source="plan_budget",
                        column="bounds", example=list(bounds),
                        fix=f"Change the budget or {need} (bounds are multiples of each channel's spend today)")
    planned = _split(model, names, per_week, lo, hi, objective, margin or 0.0)
    rev_today = np.array([float(model.response(n, today[i])) if today[i] > 0 else 0.0 for i, n in enumerate(names)])
    rev_plan = np.array([float(model.response(n, planned[i])) if planned[i] > 0 else 0.0
                         for i, n in enumerate(names)])
    m_today = np.array([float(model.marginal_roas(n, today[i])) if today[i] > 0 else np.nan
                        for i, n in enumerate(names)])
    m_plan = np.array([float(model.marginal_roas(n, planned[i])) if planned[i] > 0 else np.nan
                       for i, n in enumerate(names)])
    seen = spend_range(model.weeks_, window=window or weeks).reindex(names)
    outside = np.where(planned > seen["seen_high"].to_numpy() * (1 + 1e-6), "above",
                       np.where(planned < seen["seen_low"].to_numpy() * (1 - 1e-6), "below", None))
    table = pd.DataFrame({
        "today_spend": today * weeks, "planned_spend": planned * weeks,
        "change": np.divide(planned, today, out=np.full(len(names), np.nan), where=today > 0) - 1,
        "today_revenue": rev_today * weeks, "planned_revenue": rev_plan * weeks,
        "mroas_today": m_today, "mroas_planned": m_plan, "planned_per_week": planned,
        "seen_low": seen["seen_low"].to_numpy(), "seen_high": seen["seen_high"].to_numpy(),
        "outside_range": outside, "identified": identified, "fixed": ~identified,
    }, index=pd.Index(names, name="channel"))
    totals = {"budget": per_week * weeks, "today_spend": today.sum() * weeks, "planned_spend": planned.sum() * weeks,
              "today_revenue": rev_today.sum() * weeks, "planned_revenue": rev_plan.sum() * weeks}
    totals["revenue_gain"] = totals["planned_revenue"] - totals["today_revenue"]
    totals["today_split_revenue"] = _scaled_today(model, names, today, per_week) * weeks
    if margin:
        totals["today_contribution"] = margin * totals["today_revenue"] - totals["today_spend"]
        totals["planned_contribution"] = margin * totals["planned_revenue"] - totals["planned_spend"]
    return BudgetPlan(table=table, totals=totals, weeks=weeks, change=float(change if budget is None else
                                                                            per_week / today.sum() - 1),
                      bounds=(low, high), objective=objective, margin=margin, origin=model.weeks_.origin,
                      currency=model.weeks_.currency, notes=notes)


def _scaled_today(model, names, today, per_week) -> float:
    """Predicted weekly revenue of the budget split in today's proportions."""
    if today.sum() <= 0:
        return 0.0
    scaled = today * per_week / today.sum()
    return float(sum(float(model.response(n, scaled[i])) if scaled[i] > 0 else 0.0 for i, n in enumerate(names)))


def budget_scenarios(model, *, changes=(-0.2, -0.1, 0.0, 0.1, 0.2), weeks: int = 13,
                     bounds: tuple[float, float] | list[float] = (0.5, 2.0), margin: float | None = None) -> pd.DataFrame:
    """The best split of several budgets (today's changed by each of ``changes``) and what each would bring.

    Returns one row per change with ``change``, ``budget``, ``revenue`` (best split), ``revenue_today_split``
    (today's proportions scaled to the budget), ``revenue_vs_today`` (best split minus today's budget at today's
    split), ``extra_revenue_per_extra_spend`` (the return of the budget change itself, best split against today),
    and ``contribution`` when ``margin`` is given. Changes the bounds do not allow are left out.
    """
    base = plan_budget(model, change=0.0, weeks=weeks, bounds=bounds, margin=margin)
    rows = []
    for c in changes:
        try:
            plan = base if c == 0 else plan_budget(model, change=c, weeks=weeks, bounds=bounds, margin=margin)
        except DataError:
            continue
        t = plan.totals
        extra = t["planned_spend"] - base.totals["today_spend"]
        row = {"change": float(c), "budget": t["budget"], "revenue": t["planned_revenue"],
               "revenue_today_split": t["today_split_revenue"],
               "revenue_vs_today": t["planned_revenue"] - base.totals["today_revenue"],
               "extra_revenue_per_extra_spend": ((t["planned_revenue"] - base.totals["planned_revenue"]) / extra
                                                 if abs(extra) > 1e-6 * max(base.totals["budget"], 1.0) else np.nan)}
        if margin:
            row["contribution"] = t["planned_contribution"]
        rows.append(row)
    out = pd.DataFrame(rows)
    out.attrs.update(weeks=weeks, origin=model.weeks_.origin)
    return out
