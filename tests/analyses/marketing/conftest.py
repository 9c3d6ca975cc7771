"""Weekly data simulated from known adstock, saturation and ROAS, for checking the marketing mix model."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.analyses.marketing import MarketingMixModel, geometric_adstock, hill_saturation
from workbench.analyses.marketing.weekly import MarketingWeeks

# channel -> (weekly adstock decay, Hill shape, half-saturation / largest adstocked spend, true ROAS)
TRUTH = {"TV": (0.5, 2.0, 0.5, 3.0), "Search": (0.1, 1.0, 0.6, 2.0), "Social": (0.3, 1.0, 0.4, 1.2)}
MEAN_SPEND = {"TV": 12_000, "Search": 8_000, "Social": 10_000}
ACTIVE = {"TV": 0.5, "Search": 0.9, "Social": 0.7}   # share of weeks with spend


def simulate(seed: int, *, n: int = 208, noise: float = 0.02, spend: pd.DataFrame | None = None,
             truth: dict | None = None) -> tuple[MarketingWeeks, dict[str, float]]:
    """Weekly revenue = trend + season + each channel's beta * hill(adstock(spend)) + 2% noise; beta is set so
    each channel's ROAS over the weeks (contribution / spend) is exactly its true ROAS. Returns the data and the
    true ROAS per channel."""
    truth = truth or TRUTH
    rng = np.random.default_rng(seed)
    weeks = pd.date_range("2021-01-04", periods=n, freq="7D", name="week")
    if spend is None:
        spend = pd.DataFrame({ch: np.where(rng.random(n) < ACTIVE[ch], rng.gamma(2.0, m / 2.0 / ACTIVE[ch], n), 0.0)
                              for ch, m in MEAN_SPEND.items() if ch in truth}, index=weeks)
    t = np.arange(n)
    revenue = 100_000 + 100 * t + 12_000 * np.sin(2 * np.pi * t / 52.18)
    roas = {}
    for ch, (theta, alpha, gamma, target) in truth.items():
        a = geometric_adstock(spend[ch].to_numpy(), theta=theta)
        s = hill_saturation(a, alpha=alpha, k=gamma * a.max())
        beta = target * spend[ch].sum() / s.sum()
        revenue = revenue + beta * s
        roas[ch] = target
    revenue = revenue * (1 + noise * rng.standard_normal(n))
    data = MarketingWeeks(revenue=pd.Series(revenue, index=weeks, name="revenue"), spend=spend,
                          controls=pd.DataFrame(index=weeks), revenue_source="simulated", origin="generated",
                          origin_note="a GENERATED sample", currency="USD")
    return data, roas


@pytest.fixture(scope="session")
def simulated():
    return simulate(1)


@pytest.fixture(scope="session")
def fitted(simulated):
    weeks, _ = simulated
    return MarketingMixModel(n_bootstrap=40).fit(weeks)
