"""Which channels a marketing mix model can tell apart, and why not the others.

A model fitted on observational data learns a channel's effect from how revenue moves when that channel's spend
moves *and the others do not*. It cannot, whatever the method (Robyn, Meridian and PyMC-Marketing say the same),
when:

- the channel was **active in too few weeks** (``few_active_weeks``: fewer than ``active_weeks`` weeks with spend);
- its weekly spend **hardly varies** (``little_variation``: coefficient of variation below ``variation``; a constant
  spend looks exactly like a higher baseline);
- its spend **moves together with another channel's** (``correlated``: correlation of weekly spend at least
  ``correlation``; both are flagged, since the model can only split their joint effect arbitrarily);
- its media column **follows the trend, season and controls** (``follows_base``: R2 of the channel's transformed
  spend on the base terms at least ``base_r2``; the season and the channel then explain the same weeks).

Such a channel keeps its place in the model (leaving it out would hand its effect to the others), but the report
says it cannot be told apart instead of printing a number, and the planner leaves its budget as it is.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["channel_checks", "REASONS"]

REASONS = ("few_active_weeks", "little_variation", "correlated", "follows_base")


def channel_checks(weeks, *, media: pd.DataFrame, base: np.ndarray, correlation: float = 0.85,
                   variation: float = 0.15, active_weeks: int = 8, base_r2: float = 0.90) -> pd.DataFrame:
    """One row per channel: the checks' figures, ``identified`` and the first ``reason`` that failed (or None).

    Parameters
    ----------
    weeks : MarketingWeeks
        The weekly data (raw spend per channel).
    media : DataFrame
        The channels' transformed spend (adstock and saturation at the chosen settings), weeks x channels.
    base : ndarray
        The base design (intercept, trend, season, controls), weeks x columns.
    correlation, variation, active_weeks, base_r2 : float, float, int, float
        The limits (see module docstring).

    Returns
    -------
    DataFrame indexed by channel with ``active_weeks``, ``variation``, ``correlated_with``, ``correlation``,
    ``base_r2``, ``identified`` and ``reason`` (one of :data:`REASONS`, or None).
    """
    spend = weeks.spend
    corr = spend.corr().abs() if spend.shape[1] > 1 else pd.DataFrame(np.nan, spend.columns, spend.columns)
    rows = []
    for ch in spend.columns:
        x = spend[ch].to_numpy(dtype=float)
        active = int((x > 0).sum())
        cv = float(x.std() / x.mean()) if x.mean() > 0 else 0.0
        others = corr[ch].drop(ch).dropna()
        partner = others.idxmax() if len(others) else None
        r = float(others.max()) if len(others) else float("nan")
        m = media[ch].to_numpy(dtype=float)
        coef, *_ = np.linalg.lstsq(base, m, rcond=None)
        resid = m - base @ coef
        total = np.sum((m - m.mean()) ** 2)
        r2 = float(1 - np.sum(resid ** 2) / total) if total > 0 else 1.0
        if active < active_weeks:
            reason = "few_active_weeks"
        elif cv < variation:
            reason = "little_variation"
        elif partner is not None and r >= correlation:
            reason = "correlated"
        elif r2 >= base_r2:
            reason = "follows_base"
        else:
            reason = None
        rows.append({"channel": ch, "active_weeks": active, "variation": cv, "correlated_with": partner,
                     "correlation": r, "base_r2": r2, "identified": reason is None, "reason": reason})
    return pd.DataFrame(rows).set_index("channel")
