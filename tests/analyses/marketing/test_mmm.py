"""The marketing mix model on data simulated from known adstock, saturation and ROAS: it recovers each channel's
ROAS and ranks the channels, its parts add up, and its settings are chosen without the held-out weeks."""
from __future__ import annotations

import numpy as np
import pytest

from workbench.analyses.marketing import MarketingMixModel
from workbench.errors import NotEnoughData

from .conftest import simulate

# Stated tolerance: on four simulated years (2% weekly noise, three channels) the estimated ROAS of every channel is
# within 35% of the truth in each of the first five seeds, the mean absolute error is below 15%, and the channels
# come out in the true order. (Measured on seeds 1-20: mean absolute error 6% for the largest channel and 11-14% for
# the smaller ones; the order right in 20 of 20.)
TOLERANCE, MEAN_TOLERANCE = 0.35, 0.15


def test_recovers_roas_and_ranks_channels():
    errors = []
    for seed in range(1, 6):
        weeks, truth = simulate(seed)
        model = MarketingMixModel(n_bootstrap=1).fit(weeks)
        est = model.channels_["roas"]
        errors += [est[ch] / roas - 1 for ch, roas in truth.items()]
        assert list(est.sort_values().index) == sorted(truth, key=truth.get), f"seed {seed}: {est.to_dict()}"
    errors = np.abs(errors)
    assert errors.max() < TOLERANCE, errors
    assert errors.mean() < MEAN_TOLERANCE, errors


def test_parts_add_up_and_roas_is_contribution_over_spend(fitted):
    d = fitted.decomposition_
    channels = list(fitted.channels_.index)
    parts = d[["baseline", "season", "controls"] + channels].sum(axis=1)
    assert np.allclose(parts, d["fitted"])
    ch = fitted.channels_
    assert np.allclose(d[channels].sum().to_numpy(), ch["contribution"].to_numpy())
    assert np.allclose(ch["roas"], ch["contribution"] / ch["spend"])
    assert (ch["coef"] >= 0).all()
    assert 0.9 < fitted.r2_ <= 1


def test_intervals_hold_the_estimate_and_follow_the_level(fitted):
    ch = fitted.channels_
    for col in ("roas", "mroas", "contribution"):
        assert (ch[f"{col}_lower"] <= ch[col] + 1e-9).all() and (ch[col] <= ch[f"{col}_upper"] + 1e-9).all()
    assert len(fitted.bootstrap_) == 40
    lo, hi = fitted.bootstrap_["roas"].quantile([0.05, 0.95]).to_numpy()
    assert np.allclose(lo, ch["roas_lower"]) and np.allclose(hi, ch["roas_upper"])


def test_response_curve_and_marginal_roas_agree(fitted):
    ch = fitted.channels_
    for name, r in ch.iterrows():
        s = r["today_spend"]
        assert fitted.response(name, s) == pytest.approx(r["today_revenue"], rel=1e-9)
        assert fitted.marginal_roas(name, s) == pytest.approx(r["mroas"], rel=1e-9)
        h = s * 1e-4
        slope = (fitted.response(name, s + h) - fitted.response(name, s - h)) / (2 * h)
        assert fitted.marginal_roas(name, s) == pytest.approx(slope, rel=1e-5)
        assert fitted.response(name, 0.0) == 0.0


def test_settings_are_chosen_without_the_held_out_weeks():
    weeks, _ = simulate(2)
    first = MarketingMixModel(n_bootstrap=1).fit(weeks)
    changed = weeks.revenue.copy()
    changed.iloc[-13:] *= 1.5          # the held-out block: never used to choose anything
    weeks.revenue = changed
    second = MarketingMixModel(n_bootstrap=1).fit(weeks)
    cols = ["theta", "alpha", "gamma"]
    assert first.channels_[cols].equals(second.channels_[cols])
    assert second.holdout_mape_ > first.holdout_mape_ + 0.2          # the check sees the change
    roles = second.folds_.role.tolist()
    assert roles[-1] == "held-out check" and set(roles[:-1]) == {"chooses the settings"}


def test_too_few_weeks():
    weeks, _ = simulate(1, n=40)
    with pytest.raises(NotEnoughData, match=r"The marketing mix model needs at least 52 complete weeks of spend and "
                                            r"revenue .*these data have 40 \(40 rows\)\. Export a longer history"):
        MarketingMixModel().fit(weeks)


def test_repr():
    assert repr(MarketingMixModel()) == "<MarketingMixModel: not fitted>"


def test_a_channel_without_effect_gets_zero_not_a_negative_coefficient():
    weeks, truth = simulate(3)
    rng = np.random.default_rng(9)
    weeks.spend = weeks.spend.assign(Radio=np.where(rng.random(len(weeks)) < 0.6, rng.gamma(2, 3000, len(weeks)), 0.0))
    model = MarketingMixModel(n_bootstrap=1).fit(weeks)
    assert model.channels_.loc["Radio", "coef"] >= 0
    assert model.channels_.loc["Radio", "roas"] < 0.3     # true ROAS 0 (the other channels bring 1.2 to 3)
