"""BG/NBD: the published CDNOW estimates, Hardie's spreadsheet, R BTYD, numerical integration and simulation.

References
----------
- Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005), "'Counting Your Customers' the Easy Way: An Alternative
  to the Pareto/NBD Model", Marketing Science 24(2), 275-284: on the 1/10 CDNOW sample (2,357 customers,
  calibration weeks 1-39 = 1997-01-01..1997-09-30) the maximum-likelihood estimates are r = 0.243,
  alpha = 4.414, a = 0.793, b = 2.426 with log-likelihood -9582.4.
- Hardie's Excel implementation of the model ("Implementing the BG/NBD Model for Customer Base Analysis in
  Excel", brucehardie.com/notes/004): E[X(t)] at t = 0.1429, 1, 3, 31.8571, 32, 78 weeks is 0.0078, 0.0532,
  0.1506, 1.0405, 1.0437, 1.8576, and E[Y(39) | x = 2, t_x = 30.43, T = 38.86] = 1.226 (values as quoted by
  the lifetimes test suite, CamDavidsonPilon/lifetimes tests/test_estimation.py).
- R package BTYD (bgnbd.pmf), with the published parameters: P(X(2) = 10) = 1.07869e-07, P(X(39) = 0) =
  0.5737864 and P(X(30) = n) for n = 11..20 (quoted by the same lifetimes tests).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, special, stats

from workbench.analyses.customers import clv
from workbench.analyses.customers.bgnbd import BetaGeoModel
from workbench.errors import DataError, NotEnoughData

PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}


# ---------------------------------------------------------------------------------------------- summary
class TestSummaryConventions:
    def test_sample_size_and_repeaters(self, sample_summary):
        assert len(sample_summary) == 2357
        assert int((sample_summary.frequency > 0).sum()) == 946          # the Gamma-Gamma note's 946
        assert sample_summary.attrs["holdout_weeks"] == 39.0

    def test_first_customer_matches_hardies_data_set(self, sample_summary, cdnow_sample_ids):
        """Sample customer 1 (master id 4) is x = 2, t_x = 30.43, T = 38.86 in Hardie's BG/NBD spreadsheet."""
        first = cdnow_sample_ids.sort_values("sample_id").customer_id.iloc[0]
        row = sample_summary.loc[first]
        assert row.frequency == 2
        assert row.recency == pytest.approx(30.43, abs=0.005)
        assert row["T"] == pytest.approx(38.86, abs=0.005)

    def test_same_day_orders_are_one_transaction(self):
        lines = pd.DataFrame({
            "order_id": ["a", "b", "c", "d", "e", "f"],
            "customer_id": ["1", "1", "1", "1", "2", "2"],
            "order_date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-15", "2024-01-15",
                                          "2024-01-08", "2024-02-05"]),
            "revenue": [10.0, 5.0, 20.0, 4.0, 7.0, 99.0],
        })
        s = clv.clv_summary(lines, calibration_end="2024-01-29")
        # customer 1: days Jan 1 (15.00) and Jan 15 (24.00) -> x = 1, t_x = 2 weeks, T = 4 weeks
        assert s.loc["1", ["frequency", "recency", "T", "monetary", "first_value", "revenue"]].tolist() == \
            [1, 2.0, 4.0, 24.0, 15.0, 39.0]
        # customer 2: one day in calibration, one in the holdout (Feb 5)
        assert s.loc["2", ["frequency", "recency", "T"]].tolist() == [0, 0.0, 3.0]
        assert np.isnan(s.loc["2", "monetary"])
        assert s.loc["2", ["holdout_frequency", "holdout_revenue"]].tolist() == [1, 99.0]
        assert s.attrs["holdout_weeks"] == 1.0

    def test_returns_and_guests_left_out(self):
        lines = pd.DataFrame({
            "order_id": ["a", "r", "g", "b"], "customer_id": ["1", "1", None, "1"],
            "order_date": pd.to_datetime(["2024-01-01", "2024-01-03", "2024-01-04", "2024-01-08"]),
            "revenue": [10.0, -10.0, 50.0, 30.0], "line_type": ["sale", "return", "sale", "sale"],
        })
        s = clv.clv_summary(lines)
        assert list(s.index) == ["1"]
        assert s.loc["1", ["frequency", "monetary"]].tolist() == [1, 30.0]

    def test_ibis_summary_equals_a_pandas_reference(self, cdnow_sample, sample_summary):
        """A second, plain-pandas implementation of the same conventions on the CDNOW sample."""
        d = cdnow_sample.assign(day=cdnow_sample.order_date.dt.normalize())
        daily = d.groupby(["customer_id", "day"], as_index=False).revenue.sum()
        cal = daily[daily.day <= "1997-09-30"].sort_values(["customer_id", "day"])
        g = cal.groupby("customer_id")
        ref = pd.DataFrame({
            "frequency": g.size() - 1,
            "recency": (g.day.max() - g.day.min()).dt.days / 7,
            "T": (pd.Timestamp("1997-09-30") - g.day.min()).dt.days / 7,
            "monetary": g.revenue.apply(lambda v: v.iloc[1:].mean() if len(v) > 1 else np.nan),
            "holdout_frequency": daily[daily.day > "1997-09-30"].groupby("customer_id").size(),
        })
        ref["holdout_frequency"] = ref.holdout_frequency.fillna(0)
        got = sample_summary.loc[ref.index, ref.columns]
        pd.testing.assert_frame_equal(got.astype(float), ref.astype(float), check_names=False, atol=1e-9)


class TestSummaryErrors:
    def test_missing_column(self, cdnow_sample):
        with pytest.raises(DataError, match=r"amount column `amount` not found.*pass amount="):
            clv.clv_summary(cdnow_sample, amount="amount")

    def test_calibration_end_outside_the_data(self, cdnow_sample):
        with pytest.raises(DataError, match=r"calibration_end 2001-01-01 is outside the order dates "
                                            r"\(1997-01-01 to 1998-06-30\)"):
            clv.clv_summary(cdnow_sample, calibration_end="2001-01-01")

    def test_not_a_date(self, cdnow_sample):
        with pytest.raises(DataError, match=r"`calibration_end` is not a date.*'soon'"):
            clv.clv_summary(cdnow_sample, calibration_end="soon")

    def test_no_customer_ids(self):
        lines = pd.DataFrame({"order_id": ["a"], "customer_id": [None], "order_date": pd.to_datetime(["2024-01-01"]),
                              "revenue": [1.0]}).astype({"customer_id": "string"})
        with pytest.raises(NotEnoughData, match=r"column `customer_id`: no sale line has a customer id\. Lifetime "
                                                r"value needs customer ids.*customer column"):
            clv.clv_summary(lines)


# ---------------------------------------------------------------------------------------------- the fit
class TestPublishedEstimates:
    def test_mle_reproduces_fader_hardie_lee_2005(self, sample_bgnbd):
        for name, value in PUBLISHED.items():
            assert sample_bgnbd.params_[name] == pytest.approx(value, abs=0.0006), name
        assert sample_bgnbd.log_likelihood_ == pytest.approx(-9582.4, abs=0.05)
        assert sample_bgnbd.n_customers_ == 2357

    def test_standard_errors_agree_with_the_log_scale_hessian(self, sample_bgnbd, sample_summary):
        """SEs from the natural-scale Hessian vs a hand-rolled central-difference Hessian on log-parameters
        mapped back with the delta method (se(theta) = theta * se(log theta))."""
        theta = np.log([sample_bgnbd.params_[k] for k in ("r", "alpha", "a", "b")])

        def nll(th):
            return -sample_bgnbd.log_likelihood(sample_summary, params=np.exp(th)).sum()

        h, k = 1e-4, len(theta)
        hess = np.empty((k, k))
        for i in range(k):
            for j in range(k):
                ei, ej = np.eye(k)[i] * h, np.eye(k)[j] * h
                hess[i, j] = (nll(theta + ei + ej) - nll(theta + ei - ej) - nll(theta - ei + ej)
                              + nll(theta - ei - ej)) / (4 * h * h)
        se_log = np.sqrt(np.diag(np.linalg.inv(hess)))
        delta = np.exp(theta) * se_log
        got = np.array([sample_bgnbd.se_[k] for k in ("r", "alpha", "a", "b")])
        np.testing.assert_allclose(got, delta, rtol=0.02)
        assert (got > 0).all() and (got < np.exp(theta)).all()

    def test_repr(self, sample_bgnbd):
        assert repr(sample_bgnbd) == ("<BetaGeoModel: fitted with 2,357 customers, r: 0.243, alpha: 4.414, "
                                      "a: 0.793, b: 2.426, log-likelihood -9582.4>")
        assert repr(BetaGeoModel()) == "<BetaGeoModel: not fitted>"


def _likelihood_by_integration(params, x, t_x, T):
    """L(x, t_x, T) = E over lambda ~ Gamma(r, alpha), p ~ Beta(a, b) of the individual-level likelihood
    (1-p)^x lambda^x e^(-lambda T) + [x > 0] p (1-p)^(x-1) lambda^x e^(-lambda t_x), by quadrature."""
    r, alpha, a, b = params
    lam = stats.gamma(r, scale=1 / alpha)
    pd_ = stats.beta(a, b)

    def e_lam(t):
        return integrate.quad(lambda v: v ** x * np.exp(-v * t) * lam.pdf(v), 0, np.inf, limit=200)[0]

    def e_p(f):
        return integrate.quad(lambda p: f(p) * pd_.pdf(p), 0, 1, limit=200)[0]

    total = e_p(lambda p: (1 - p) ** x) * e_lam(T)
    if x > 0:
        total += e_p(lambda p: p * (1 - p) ** (x - 1)) * e_lam(t_x)
    return total


class TestLikelihoodAgainstIntegration:
    @pytest.mark.parametrize("params", [(0.243, 4.414, 0.793, 2.426), (1.5, 10.0, 2.0, 5.0), (0.5, 1.0, 0.3, 0.9)])
    def test_closed_form_equals_quadrature(self, params):
        cases = [(0, 0.0, 38.86), (2, 30.43, 38.86), (1, 1.0, 10.0), (7, 35.0, 36.0), (15, 20.5, 39.0)]
        model = BetaGeoModel()
        x, t_x, T = (np.array(c, dtype=float) for c in zip(*cases))
        closed = model.log_likelihood(frequency=x, recency=t_x, T=T, params=params)
        numeric = np.log([_likelihood_by_integration(params, *c) for c in cases])
        np.testing.assert_allclose(closed, numeric, rtol=1e-6)


# ---------------------------------------------------------------------------------------------- predictions
class TestPredictions:
    def test_expected_purchases_match_hardies_spreadsheet(self, sample_bgnbd):
        times = [0.1429, 1.0, 3.00, 31.8571, 32.00, 78.00]
        expected = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576]
        np.testing.assert_allclose(sample_bgnbd.expected_purchases(times), expected, atol=5e-4)

    def test_conditional_expectation_matches_hardies_spreadsheet(self, sample_bgnbd):
        got = sample_bgnbd.conditional_expected_purchases(39, frequency=2, recency=30.43, T=38.86)
        assert got[0] == pytest.approx(1.226, abs=5e-4)

    def test_probability_of_purchases_matches_r_btyd(self):
        model = BetaGeoModel.from_params(**PUBLISHED)
        assert model.probability_of_purchases(10, 2)[0] == pytest.approx(1.07869e-07, rel=1e-4)
        assert model.probability_of_purchases(0, 39)[0] == pytest.approx(0.5737864, abs=1e-6)
        expected = [0.0019995214, 0.0015170236, 0.0011633150, 0.0009003148, 0.0007023638,
                    0.0005517902, 0.0004361913, 0.0003467171, 0.0002769613, 0.0002222260]
        np.testing.assert_allclose(model.probability_of_purchases(range(11, 21), 30), expected, rtol=1e-5)

    def test_pmf_sums_to_one_and_its_mean_is_the_expectation(self):
        model = BetaGeoModel.from_params(**PUBLISHED)
        n = np.arange(0, 400)
        pmf = model.probability_of_purchases(n, 39)
        assert pmf.sum() == pytest.approx(1.0, abs=1e-8)
        assert (n * pmf).sum() == pytest.approx(model.expected_purchases(39), rel=1e-6)

    def test_expected_purchases_against_simulation(self, rng):
        """Simulate the BG/NBD story: X(t) = min(N(t), J), N ~ Poisson(lambda t), J ~ Geometric(p)."""
        model = BetaGeoModel.from_params(**PUBLISHED)
        n = 400_000
        lam = rng.gamma(PUBLISHED["r"], 1 / PUBLISHED["alpha"], n)
        p = rng.beta(PUBLISHED["a"], PUBLISHED["b"], n)
        for t in (10.0, 39.0, 78.0):
            x = np.minimum(rng.poisson(lam * t), rng.geometric(p))
            se = x.std() / np.sqrt(n)
            assert abs(x.mean() - model.expected_purchases(t)) < 4 * se, t

    @pytest.mark.parametrize("x, t_x, T", [(2, 30.43, 38.86), (0, 0.0, 30.0), (6, 10.0, 38.0)])
    def test_conditional_expectation_and_p_alive_by_integration(self, x, t_x, T):
        """E[Y(t) | x, t_x, T] and P(alive) as posterior expectations over (lambda, p), by 2-D Gauss quadrature
        (generalised Gauss-Laguerre in lambda, Gauss-Jacobi in p, 200 nodes each), from the story:
        E[Y(t) | lambda, p, alive] = (1 - exp(-lambda p t)) / p (Fader, Hardie & Lee 2005)."""
        model = BetaGeoModel.from_params(**PUBLISHED)
        r, alpha, a, b = PUBLISHED.values()
        t, n = 39.0, 200

        def lam_nodes(scale):   # int lambda^(r-1+x) e^(-scale lambda) F(lambda) = scale^-(r+x) sum w F(u/scale)
            u, w = special.roots_genlaguerre(n, r - 1 + x)
            return u / scale, w * scale ** -(r + x)

        s_, wp = special.roots_jacobi(n, b - 1, a - 1)  # int p^(a-1) (1-p)^(b-1) G(p) dp on p = (1+s)/2
        p, wp = (1 + s_) / 2, wp * 2.0 ** -(a + b - 1)
        lam_a, wl_a = lam_nodes(alpha + T)
        alive = wl_a.sum() * (wp * (1 - p) ** x).sum()
        dead = 0.0
        if x > 0:
            lam_d, wl_d = lam_nodes(alpha + t_x)
            dead = wl_d.sum() * (wp * p * (1 - p) ** (x - 1)).sum()
        grid = (1 - np.exp(-lam_a[:, None] * p[None, :] * t)) / p[None, :]
        future = wl_a @ grid @ (wp * (1 - p) ** x)
        assert model.probability_alive(frequency=x, recency=t_x, T=T)[0] == pytest.approx(alive / (alive + dead),
                                                                                         rel=1e-6)
        assert model.conditional_expected_purchases(t, frequency=x, recency=t_x, T=T)[0] == \
            pytest.approx(future / (alive + dead), rel=1e-6)

    def test_heavy_buyers_stay_finite(self):
        model = BetaGeoModel.from_params(**PUBLISHED)
        out = model.conditional_expected_purchases(52, frequency=[150, 300], recency=[77.0, 77.5], T=[77.9, 77.9])
        assert np.isfinite(out).all() and (out > 50).all()

    def test_probability_alive_is_one_without_repeat(self, sample_bgnbd):
        assert sample_bgnbd.probability_alive(frequency=0, recency=0, T=30)[0] == 1.0


class TestFitErrors:
    def test_recency_after_T(self):
        df = pd.DataFrame({"frequency": [1, 2, 3], "recency": [5.0, 12.0, 3.0], "T": [10.0, 10.0, 10.0]})
        with pytest.raises(DataError, match=r"BetaGeoModel.fit: column `recency`: recency \(time of the last "
                                            r"purchase\) is later than T .*\(1 row; first: row 1: frequency=2, "
                                            r"recency=12, T=10\)"):
            BetaGeoModel().fit(df)

    def test_fractional_frequency(self):
        df = pd.DataFrame({"frequency": [1.5, 2.0], "recency": [5.0, 6.0], "T": [10.0, 10.0]})
        with pytest.raises(DataError, match=r"frequency must be a whole number.*row 0: frequency=1.5"):
            BetaGeoModel().fit(df)

    def test_missing_column(self):
        df = pd.DataFrame({"x": [1], "recency": [1.0], "T": [2.0]})
        with pytest.raises(DataError, match=r"columns \['frequency'\] not found.*columns present: \['x'"):
            BetaGeoModel().fit(df)

    def test_too_few_repeat_buyers(self):
        df = pd.DataFrame({"frequency": [0, 0, 1], "recency": [0.0, 0.0, 2.0], "T": [5.0, 6.0, 7.0]})
        with pytest.raises(NotEnoughData, match=r"^Only 1 customer bought again after their first purchase day: too "
                                                r"few repeat customers.*needs at least 2\).*longer history"):
            BetaGeoModel().fit(df)

    def test_unfitted_model(self):
        with pytest.raises(RuntimeError, match="not fitted"):
            BetaGeoModel().expected_purchases(1.0)


def test_summaries_list_estimates_and_standard_errors():
    from workbench.analyses.customers.gamma_gamma import GammaGammaModel

    bg = BetaGeoModel.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)
    table = bg.summary_
    assert table["parameter"].tolist() == ["r", "alpha", "a", "b"]
    assert table["estimate"].tolist() == [0.243, 4.414, 0.793, 2.426]
    assert table["std_error"].isna().all()  # from_params: no fit, so no standard errors
    gg = GammaGammaModel.from_params(p=6.25, q=3.74, gamma=15.44)
    gg.se_ = {"p": 0.1, "q": 0.2, "gamma": 0.3}
    assert gg.summary_.set_index("parameter")["std_error"].to_dict() == {"p": 0.1, "q": 0.2, "gamma": 0.3}
    assert list(gg.summary_.columns) == ["parameter", "estimate", "std_error"]        # words live in the report
    with pytest.raises(RuntimeError, match="not fitted"):
        BetaGeoModel().summary_
