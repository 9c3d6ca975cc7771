"""The budget planner against a brute-force grid, its bounds and objectives, the range check and the scenarios."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from workbench.analyses.marketing import budget_scenarios, plan_budget, response_curves, spend_range
from workbench.errors import DataError


def _brute_force(model, budget_week, lo, hi, steps=120):
    names = list(model.channels_.index)
    grids = [np.linspace(lo[i], hi[i], steps + 1) for i in range(len(names) - 1)]
    best, best_split = -np.inf, None
    curves = {n: {} for n in names}
    for combo in itertools.product(*grids):
        last = budget_week - sum(combo)
        if not lo[-1] - 1e-9 <= last <= hi[-1] + 1e-9:
            continue
        split = (*combo, last)
        value = 0.0
        for n, s in zip(names, split):
            key = round(s, 6)
            if key not in curves[n]:
                curves[n][key] = float(model.response(n, s))
            value += curves[n][key]
        if value > best:
            best, best_split = value, split
    return best, best_split


def test_planner_matches_a_brute_force_grid(fitted):
    plan = plan_budget(fitted, change=0.1, bounds=(0.5, 2.0))
    today = fitted.channels_["today_spend"].to_numpy()
    budget_week = today.sum() * 1.1
    best, split = _brute_force(fitted, budget_week, today * 0.5, today * 2.0)
    planned_week = plan.totals["planned_revenue"] / plan.weeks
    assert planned_week >= best - 1e-6 * best                    # at least as good as the best grid point
    assert planned_week <= best * 1.002                          # and the grid, 120 steps a channel, gets close
    assert plan.table["planned_per_week"].to_numpy() == pytest.approx(np.array(split), rel=0.03, abs=today.sum() / 100)
    assert plan.totals["planned_spend"] == pytest.approx(budget_week * 13)


def test_todays_split_and_totals(fitted):
    plan = plan_budget(fitted, weeks=13)
    t, ch = plan.table, fitted.channels_
    assert t["today_spend"].to_numpy() == pytest.approx(ch["today_spend"].to_numpy() * 13)
    assert t["today_revenue"].to_numpy() == pytest.approx(ch["today_revenue"].to_numpy() * 13)
    assert plan.totals["revenue_gain"] >= -1e-6
    assert ((t["planned_spend"] >= t["today_spend"] * 0.5 - 1e-6) & (t["planned_spend"] <= t["today_spend"] * 2 + 1e-6)).all()


def test_given_budget(fitted):
    plan = plan_budget(fitted, budget=300_000, weeks=10)
    assert plan.totals["planned_spend"] == pytest.approx(300_000)
    assert plan.table["planned_per_week"].sum() == pytest.approx(30_000)


def test_contribution_objective_leaves_budget_unspent_when_the_last_dollar_does_not_pay(fitted):
    plan = plan_budget(fitted, change=0.0, objective="contribution", margin=0.4)
    t = plan.table
    assert plan.totals["planned_spend"] < plan.totals["budget"] - 1.0
    inside = t[(t["planned_spend"] > t["today_spend"] * 0.5 + 1.0) & (t["planned_spend"] < t["today_spend"] * 2 - 1.0)]
    assert len(inside) >= 1
    # where the bounds do not bind, the last dollar earns exactly its cost: margin x marginal ROAS = 1
    assert (0.4 * inside["mroas_planned"]).to_numpy() == pytest.approx(np.ones(len(inside)), rel=0.01)
    at_low = t[t["planned_spend"] <= t["today_spend"] * 0.5 + 1.0]
    assert (0.4 * at_low["mroas_planned"] < 1).all()
    assert plan.totals["planned_contribution"] >= plan.totals["today_contribution"] - 1e-6


def test_bounds_that_do_not_allow_the_budget(fitted):
    with pytest.raises(DataError, match=r"plan_budget: column `bounds`: a budget of .* over 13 weeks is outside what "
                                        r"the bounds allow \(.*\) \(first: \[0\.9, 1\.1\]\)\. Change the budget or raise "
                                        r"the high bound"):
        plan_budget(fitted, change=0.5, bounds=(0.9, 1.1))
    with pytest.raises(DataError, match=r"the contribution objective needs a margin"):
        plan_budget(fitted, objective="contribution")


def test_spend_outside_the_range_seen_is_flagged(fitted):
    plan = plan_budget(fitted, change=0.0, bounds=(0.5, 5.0))
    seen = spend_range(fitted.weeks_, window=13)
    t = plan.table
    above = t["planned_per_week"] > seen["seen_high"]
    assert (t.loc[above, "outside_range"] == "above").all()
    assert t.loc[~above & (t["planned_per_week"] >= seen["seen_low"]), "outside_range"].isna().all()


def test_seen_range_is_the_min_and_max_13_week_average():
    import pandas as pd

    from workbench.analyses.marketing.weekly import MarketingWeeks

    idx = pd.date_range("2024-01-01", periods=26, freq="7D")
    spend = pd.DataFrame({"A": [0.0] * 13 + [13.0] * 13}, index=idx)
    weeks = MarketingWeeks(revenue=pd.Series(1.0, index=idx), spend=spend, controls=pd.DataFrame(index=idx),
                           revenue_source="test")
    r = spend_range(weeks, window=13)
    assert (r.loc["A", "seen_low"], r.loc["A", "seen_high"]) == (0.0, 13.0)


def test_scenarios(fitted):
    sc = budget_scenarios(fitted, changes=(-0.1, 0.0, 0.1))
    assert sc["change"].tolist() == [-0.1, 0.0, 0.1]
    assert sc["revenue"].is_monotonic_increasing
    assert np.isnan(sc.loc[1, "extra_revenue_per_extra_spend"])
    assert (sc["revenue"] >= sc["revenue_today_split"] - 1e-6).all()
    per_dollar = (sc.loc[2, "revenue"] - sc.loc[1, "revenue"]) / (sc.loc[2, "budget"] - sc.loc[1, "budget"])
    assert sc.loc[2, "extra_revenue_per_extra_spend"] == pytest.approx(per_dollar)


def test_response_curves_mark_today(fitted):
    curves = response_curves(fitted, points=11)
    assert len(curves.curves) == 11 * 3
    first = curves.curves.groupby("channel").first()
    assert (first["spend"] == 0).all() and (first["revenue"] == 0).all()
    assert curves.marks["today_spend"].to_numpy() == pytest.approx(fitted.channels_["today_spend"].to_numpy())
