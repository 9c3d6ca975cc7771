"""The buyers-only bootstrap: its exact moments, agreement with scipy.stats.bootstrap, and its seed."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from workbench.analyses.experiments.bootstrap import _boot_means, bootstrap_mean_diff


class TestBootstrap:
    def test_buyers_only_resampling_has_the_exact_bootstrap_moments(self, rng):
        x = np.where(rng.random(5_000) < 0.03, rng.lognormal(4, 0.8, 5_000), 0.0)
        means = _boot_means(x, 20_000, np.random.default_rng(1))
        # the bootstrap distribution of a mean has expectation mean(x) and sd sqrt(var0(x) / n)
        sd = math.sqrt(x.var(ddof=0) / x.size)
        assert means.mean() == pytest.approx(x.mean(), abs=4 * sd / math.sqrt(20_000))
        assert means.std() == pytest.approx(sd, rel=0.03)

    @pytest.mark.parametrize("zero_share", [0.97, 0.0])
    def test_agrees_with_scipy_bootstrap(self, rng, zero_share):
        n = 3_000
        c = np.where(rng.random(n) < zero_share, 0.0, rng.lognormal(4, 0.8, n))
        t = np.where(rng.random(n) < zero_share, 0.0, rng.lognormal(4.1, 0.8, n))
        ours = bootstrap_mean_diff(c, t, n_resamples=5_000, seed=3)
        ref = stats.bootstrap((c, t), lambda a, b, axis=-1: b.mean(axis=axis) - a.mean(axis=axis),
                              n_resamples=5_000, method="percentile", vectorized=True, batch=500,
                              rng=np.random.default_rng(4)).confidence_interval
        width = ref.high - ref.low
        assert ours["diff_low"] == pytest.approx(ref.low, abs=0.05 * width)
        assert ours["diff_high"] == pytest.approx(ref.high, abs=0.05 * width)

    def test_seeded(self):
        x = np.array([0, 0, 1, 5, 0, 3.0])
        assert bootstrap_mean_diff(x, x + 1, seed=5) == bootstrap_mean_diff(x, x + 1, seed=5)
