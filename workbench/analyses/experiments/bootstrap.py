"""Percentile bootstrap intervals for a difference and a ratio of two means (a check for skewed revenue).

Each arm is resampled with replacement at its own size (independent samples), from one seeded
``numpy.random.default_rng``. Written by hand because the readout needs it on 100,000+ users per arm, where
``scipy.stats.bootstrap`` draws every user: this module draws only the buyers. Resampling n users of whom m bought
is the same as drawing Binomial(n, m/n) buyers and then that many values from the buyers, so 2,000 resamples of
100,000 users cost 2,000 x 3,000 draws instead of 200 million. The tests check the intervals against
``scipy.stats.bootstrap`` and the exact moments of the bootstrap distribution.
"""
from __future__ import annotations

import numpy as np

__all__ = ["bootstrap_mean_diff"]


def _boot_means(x: np.ndarray, n_resamples: int, rng: np.random.Generator, batch: int = 5_000_000) -> np.ndarray:
    """Means of ``n_resamples`` bootstrap resamples of x, drawing only the non-zero values (exact, see module)."""
    n = x.size
    nz = x[x != 0]
    m = nz.size
    if m == 0:
        return np.zeros(n_resamples)
    k = rng.binomial(n, m / n, size=n_resamples) if m < n else np.full(n_resamples, n)
    sums = np.empty(n_resamples)
    start = 0
    while start < n_resamples:  # batches keep memory flat: at most `batch` draws at a time
        stop = start + 1
        while stop < n_resamples and k[start:stop + 1].sum() <= batch:
            stop += 1
        kk = k[start:stop]
        draws = nz[rng.integers(0, m, size=int(kk.sum()))]
        sums[start:stop] = np.bincount(np.repeat(np.arange(kk.size), kk), weights=draws, minlength=kk.size)
        start = stop
    return sums / n


def bootstrap_mean_diff(
    control: np.ndarray, treatment: np.ndarray, *, n_resamples: int = 2000, confidence: float = 0.95, seed: int = 0,
) -> dict[str, float]:
    """Percentile bootstrap interval for mean(treatment) - mean(control) and mean(treatment) / mean(control) - 1.

    Each arm is resampled with replacement at its own size (independent samples), ``n_resamples`` times, from
    ``numpy.random.default_rng(seed)``; the interval is the (1 - confidence) / 2 and (1 + confidence) / 2
    quantiles of the resampled statistic. Only non-zero values are drawn (exactly equivalent, see module).

    Returns
    -------
    dict with ``diff_low``, ``diff_high``, ``lift_low``, ``lift_high``.
    """
    rng = np.random.default_rng(seed)
    mc = _boot_means(np.asarray(control, dtype=float), n_resamples, rng)
    mt = _boot_means(np.asarray(treatment, dtype=float), n_resamples, rng)
    q = [(1 - confidence) / 2, (1 + confidence) / 2]
    d = np.quantile(mt - mc, q)
    with np.errstate(divide="ignore", invalid="ignore"):
        lift = mt / mc - 1
    lift = lift[np.isfinite(lift)]
    lq = np.quantile(lift, q) if lift.size else [np.nan, np.nan]
    return {"diff_low": float(d[0]), "diff_high": float(d[1]), "lift_low": float(lq[0]), "lift_high": float(lq[1])}
