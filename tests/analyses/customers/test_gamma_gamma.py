"""Gamma-Gamma: the published CDNOW estimates, Hardie's spreadsheet values and a numerical integration.

References
----------
- Fader, P. S. and Hardie, B. G. S. (2013), "The Gamma-Gamma Model of Monetary Value", brucehardie.com/notes/025:
  fitted on the 946 customers of the 1/10 CDNOW sample with at least one repeat transaction in the calibration
  period (weeks 1-39), on the mean value of their repeat transactions: p = 6.25, q = 3.74, gamma = 15.44.
- The note's spreadsheet: expected mean transaction value of the first ten sample customers 24.65, 18.91,
  35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17 (as quoted by the lifetimes test suite,
  CamDavidsonPilon/lifetimes tests/test_estimation.py).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

from workbench.analyses.customers.gamma_gamma import GammaGammaModel
from workbench.errors import DataError, NotEnoughData


class TestPublished:
    def test_mle_reproduces_fader_hardie_2013(self, sample_gamma_gamma):
        g = sample_gamma_gamma
        assert g.n_customers_ == 946
        assert g.params_["p"] == pytest.approx(6.25, abs=0.005)
        assert g.params_["q"] == pytest.approx(3.74, abs=0.005)
        assert g.params_["gamma"] == pytest.approx(15.44, abs=0.005)
        assert all(0 < g.se_[k] < g.params_[k] for k in ("p", "q", "gamma"))

    def test_expected_spend_matches_the_spreadsheet(self, sample_gamma_gamma, sample_summary, cdnow_sample_ids):
        first_ten = cdnow_sample_ids.sort_values("sample_id").customer_id.head(10)
        got = sample_gamma_gamma.conditional_expected_value(sample_summary.loc[first_ten])
        expected = [24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17]
        np.testing.assert_allclose(got, expected, atol=0.006)

    def test_customers_without_repeat_get_the_population_mean(self, sample_gamma_gamma):
        p, q, gamma = sample_gamma_gamma.params_.values()
        assert sample_gamma_gamma.population_mean_ == pytest.approx(p * gamma / (q - 1))
        got = sample_gamma_gamma.conditional_expected_value(frequency=[0, 0], monetary=[np.nan, 0.0])
        np.testing.assert_allclose(got, p * gamma / (q - 1))

    def test_shrinkage_by_hand(self):
        """x = 4 repeat purchases averaging 50 with p = 2, q = 3, gamma = 40: (2 * (40 + 200)) / (8 + 2) = 48."""
        model = GammaGammaModel.from_params(p=2, q=3, gamma=40)
        assert model.conditional_expected_value(frequency=4, monetary=50.0)[0] == pytest.approx(48.0)

    def test_frequency_spend_correlation_is_small_on_cdnow(self, sample_gamma_gamma):
        # the note reports a weak correlation (0.11) between frequency and mean spend for these customers
        assert sample_gamma_gamma.frequency_spend_correlation_ == pytest.approx(0.11, abs=0.01)


class TestLikelihoodAgainstIntegration:
    @pytest.mark.parametrize("params", [(6.25, 3.74, 15.44), (2.0, 5.0, 100.0)])
    def test_density_of_the_mean_by_quadrature(self, params):
        """The mean of x Gamma(p, nu) values is Gamma(p x, rate x nu); integrate nu over Gamma(q, rate gamma)."""
        p, q, gamma = params
        model = GammaGammaModel()
        for x, m in [(1, 12.5), (3, 40.0), (10, 22.0)]:
            mix = stats.gamma(q, scale=1 / gamma)

            def integrand(nu, x=x, m=m):
                return stats.gamma.pdf(m, p * x, scale=1 / (x * nu)) * mix.pdf(nu)

            numeric = integrate.quad(integrand, 0, np.inf, limit=200, epsrel=1e-10)[0]
            closed = model.log_likelihood(frequency=x, monetary=m, params=params)[0]
            assert closed == pytest.approx(np.log(numeric), rel=1e-7), (x, m)


class TestErrors:
    def test_missing_mean_for_repeat_customers(self):
        df = pd.DataFrame({"frequency": [2, 1], "monetary": [np.nan, 10.0]})
        with pytest.raises(DataError, match=r"GammaGammaModel.fit: column `monetary`: repeat customers without a "
                                            r"mean repeat-transaction value \(1 row; first: row 0: frequency=2\)"):
            GammaGammaModel().fit(df)

    def test_non_positive_means_are_left_out_and_counted(self, rng):
        df = pd.DataFrame({"frequency": rng.integers(1, 6, 300), "monetary": rng.gamma(4, 10, 300)})
        df.loc[:4, "monetary"] = [0.0, -5.0, 0.0, 0.0, 0.0]
        model = GammaGammaModel().fit(df)
        assert model.n_excluded_ == 5 and model.n_customers_ == 295

    def test_too_few(self):
        with pytest.raises(NotEnoughData, match=r"^Too few repeat customers with a positive mean repeat value \(1\)"):
            GammaGammaModel().fit(pd.DataFrame({"frequency": [0, 3], "monetary": [np.nan, 20.0]}))

    def test_infinite_mean_when_q_at_most_one(self):
        with pytest.raises(DataError, match=r"q = 0.800 <= 1, so its mean spend is infinite.*extreme values"):
            GammaGammaModel.from_params(p=2, q=0.8, gamma=10).conditional_expected_value(frequency=1, monetary=5.0)

    def test_repr(self, sample_gamma_gamma):
        # the third decimal of gamma is within the optimiser's tolerance (its standard error is 4.2)
        assert re.fullmatch(r"<GammaGammaModel: fitted with 946 repeat customers, p: 6\.250, q: 3\.744, "
                            r"gamma: 15\.44\d>", repr(sample_gamma_gamma))
        assert repr(GammaGammaModel()) == "<GammaGammaModel: not fitted>"
