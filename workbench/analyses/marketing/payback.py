"""Payback: how many months until a cohort's contribution per customer covers what it cost to acquire them.

For each monthly acquisition cohort (customers whose first sale falls in the month; the package's cohort table,
:func:`workbench.analyses.sales.cohorts.cohort_retention`, computed on contribution instead of revenue):

- **CAC of the cohort** = the marketing spend of its month / the cohort's size (blended: every channel's spend,
  since orders seldom say which ad won a customer);
- **cumulative contribution per customer** at age k = the cohort's contribution in months 0..k / its size;
- **payback month** = the first age k (0 = the month of the first order) at which the cumulative contribution per
  customer reaches the CAC; missing when it has not yet, with the months observed so far.

Over all cohorts the curve is the size-weighted mean of the cohorts that reached each age, set against the blended
CAC of all of them. Only complete months that the spend covers are used.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.analyses.marketing import _borrowed
from workbench.analyses.marketing.contribution import ContributionLines
from workbench.analyses.marketing.inputs import require_orders
from workbench.errors import NotEnoughData
from workbench.sections import is_skipped

__all__ = ["payback", "Payback"]


@dataclass
class Payback:
    """``cohorts``: one row per cohort with ``customers``, ``spend``, ``cac``, ``payback_month`` (NaN when not yet),
    ``months_observed`` and ``contribution_to_date`` (per customer); ``curves``: long frame of ``cohort``, ``age``,
    ``cumulative_contribution`` (per customer) and ``cac``; ``overall``: per age the size-weighted cumulative
    contribution per customer and the cohorts behind it; ``totals``: blended CAC, overall payback month (NaN when
    not reached), customers, cohorts."""

    cohorts: pd.DataFrame
    curves: pd.DataFrame
    overall: pd.DataFrame
    totals: dict
    currency: str | None = None
    origin: str = "real"


def payback(lines: ContributionLines, *, spend) -> Payback:
    """Months until each monthly cohort's cumulative contribution per customer covers its acquisition cost.

    Parameters
    ----------
    lines : ContributionLines
        From :func:`~workbench.analyses.marketing.contribution.contribution_lines` (the whole order history).
    spend : Spend
        The marketing spend; a cohort month without complete spend coverage is left out.

    Raises
    ------
    NotEnoughData
        No orders, or no cohort month that the spend covers.
    """
    require_orders(lines)
    cohorts = _borrowed.cohorts(lines.table, value="contribution")
    months = cohorts["cohort"].drop_duplicates()
    month_end = months + pd.offsets.MonthEnd(0)
    covered = months[(months >= spend.start) & (month_end <= spend.end)]
    if covered.empty:
        raise NotEnoughData("no acquisition month is covered by the spend data from its first to its last day",
                            source="spend", rows=0, fix="Export spend for the months the orders cover")
    cohorts = cohorts[cohorts["cohort"].isin(covered)]
    f = spend.frame
    month_spend = f.groupby(f["date"].dt.to_period("M").dt.start_time)["spend"].sum()
    sizes = cohorts.drop_duplicates("cohort").set_index("cohort")["cohort_size"]
    cac = month_spend.reindex(sizes.index).fillna(0.0) / sizes
    curves = cohorts[["cohort", "age", "cumulative_revenue_per_customer"]].rename(
        columns={"cumulative_revenue_per_customer": "cumulative_contribution"})
    curves = curves.merge(cac.rename("cac"), left_on="cohort", right_index=True)
    rows = []
    for cohort, g in curves.groupby("cohort", sort=True):
        reached = g[g["cumulative_contribution"] >= g["cac"]]
        rows.append({"cohort": cohort, "customers": int(sizes[cohort]), "spend": float(month_spend.get(cohort, 0.0)),
                     "cac": float(cac[cohort]),
                     "payback_month": float(reached["age"].min()) if len(reached) else np.nan,
                     "months_observed": int(g["age"].max()) + 1,
                     "contribution_to_date": float(g["cumulative_contribution"].iloc[-1])})
    table = pd.DataFrame(rows)
    weighted = cohorts.assign(w=cohorts["cumulative_revenue"]).groupby("age").agg(
        cohorts=("cohort", "nunique"), customers=("cohort_size", "sum"), total=("w", "sum"))
    weighted["cumulative_contribution"] = weighted["total"] / weighted["customers"]
    overall = weighted.drop(columns="total").reset_index()
    blended = float(table["spend"].sum() / table["customers"].sum()) if table["customers"].sum() else float("nan")
    hit = overall[overall["cumulative_contribution"] >= blended]
    totals = {"cac": blended, "payback_month": float(hit["age"].min()) if len(hit) else float("nan"),
              "months_observed": int(overall["age"].max()) + 1, "customers": int(table["customers"].sum()),
              "cohorts": len(table), "paid_back_cohorts": int(table["payback_month"].notna().sum())}
    return Payback(cohorts=table, curves=curves.reset_index(drop=True), overall=overall, totals=totals,
                   currency=spend.currency, origin=spend.origin)
