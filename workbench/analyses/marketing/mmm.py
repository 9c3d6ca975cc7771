"""Marketing mix model: how much weekly revenue each channel's spend brings, with intervals, fitted on weekly data.

The model (the structure of Robyn, Meridian and PyMC-Marketing, estimated here by constrained least squares)::

    revenue_t = base_t + sum over channels c of  beta_c * hill(adstock(spend_c)_t; alpha_c, k_c) + error_t
    base_t    = intercept + trend * t + sum_h (a_h sin + b_h cos)(2 pi h t / 52.18) + sum_j g_j control_j,t

- **Adstock** (carry-over) and **Hill saturation** (diminishing returns) as in :mod:`.transforms`; ``k_c`` is
  ``gamma_c`` times the channel's largest adstocked spend (Robyn's scale), so ``gamma`` is comparable across
  channels.
- **Coefficients of the channels are constrained to be non-negative** (spend cannot lower revenue); the base terms
  (trend, season, controls such as competitor sales, events or a newsletter) are free. The fit is exact and fast:
  the base columns are projected out (Frisch-Waugh-Lovell) and the channel coefficients solved by non-negative least
  squares (``scipy.optimize.nnls``, Lawson-Hanson), then the base coefficients by ordinary least squares.
- **Hyperparameters are chosen by time-ordered cross-validation, never on the fit itself.** The last
  ``folds`` blocks of ``fold_weeks`` weeks are forecast, each by a model fitted on the weeks before it only
  (rolling origin). The adstock decay, Hill shape and half-saturation point of each channel are searched on a grid
  by coordinate descent (one channel at a time, all its grid points, until no channel changes), scored by the mean
  absolute percentage error (MAPE) on the blocks of all folds but the last. The **last block is never used to
  choose anything**: its error is the held-out MAPE the report shows.
- **Intervals** come from a moving-block bootstrap of the weekly residuals (blocks of ``block_weeks`` weeks keep
  their autocorrelation): ``n_bootstrap`` revenue series are rebuilt from the fit plus resampled residual blocks and
  refitted with the chosen hyperparameters. The intervals cover the estimation noise of the coefficients, not the
  choice of hyperparameters, and not what an observational model cannot know (see below).
- **ROAS** of a channel = its modelled contribution over the analysed weeks / its spend over them (Robyn's
  ``roi_total``). **Marginal ROAS** = revenue from one more unit of spend at today's level (the average weekly
  spend of the last ``reference_weeks`` weeks), with the channel's weekly pattern kept: the slope of its response
  curve there. Budget decisions follow marginal ROAS, not average ROAS.

What such a model cannot say, and how the report says it: it is fitted on observational data, so a channel whose
spend moves with another channel's, or with the season, or hardly moves at all, cannot be told apart from them.
:func:`workbench.analyses.marketing.identify.channel_checks` flags such channels; the report then says the channel
cannot be told apart instead of printing its ROAS, and the planner leaves its budget as it is. Lift tests
(switching a channel off in some regions or weeks) are the way to measure those channels.

Why written here with scipy rather than taken from a library: PyMC-Marketing (Bayesian, the most complete) pulls in
PyMC, PyTensor and a C compiler, about 790 MB, and takes about a minute per fit; Google's Meridian brings
TensorFlow and TensorFlow Probability; Robyn is R (its Python port ``robynpy`` needs rpy2 and nevergrad); Google's
LightweightMMM is archived. A scheduled report must run in seconds on two cores with the libraries the package
already has; constrained least squares with cross-validated hyperparameters and a bootstrap does that in about a
second for four years of weekly data, and every step is checked in the tests against data simulated from known
adstock, saturation and ROAS.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import nnls

from workbench.analyses.marketing.identify import channel_checks
from workbench.analyses.marketing.transforms import geometric_adstock, hill_saturation, hill_slope
from workbench.analyses.marketing.weekly import MarketingWeeks, require_weeks
from workbench.errors import DataError

__all__ = ["MarketingMixModel", "THETAS", "ALPHAS", "GAMMAS"]

THETAS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)   # weekly decay (Robyn: TV 0.3-0.8, digital 0-0.3)
ALPHAS = (1.0, 1.5, 2.0, 3.0)                             # Hill shape (Robyn: 0.5-3; below 1 see _grid note)
GAMMAS = (0.3, 0.45, 0.6, 0.8, 1.0)                       # half-saturation point / largest adstocked spend
# Shapes with alpha < 1 (steepest at the first dollar) turn a channel into an on/off switch whose effect trades
# freely with the intercept; on simulated data they made the chosen ROAS swing by +-50%, so the grid starts at 1.
SEASON_WEEKS = 365.25 / 7


@dataclass(frozen=True)
class _Fold:
    train_end: int      # rows [0, train_end) fit
    test_end: int       # rows [train_end, test_end) are forecast
    held_out: bool      # the last fold: never used to choose hyperparameters


class MarketingMixModel:
    """Adstock + Hill marketing mix model fitted by constrained least squares (see the module docstring).

    Parameters
    ----------
    thetas, alphas, gammas : sequences of float
        The grid searched for each channel's adstock decay, Hill shape and relative half-saturation point.
    harmonics : int
        Pairs of yearly Fourier terms for the season (used with at least 78 weeks; 0 = no season).
    trend : bool
        A linear trend in the base.
    folds, fold_weeks : int
        Rolling-origin cross-validation: the last ``folds`` blocks of ``fold_weeks`` weeks; the last block is the
        held-out check, the others choose the hyperparameters.
    reference_weeks : int
        "Today": marginal ROAS, response curves and the planner start from the average weekly spend of the last
        ``reference_weeks`` weeks (and their weekly pattern).
    n_bootstrap, block_weeks, level : int, int, float
        Moving-block bootstrap of the residuals: replications, block length, interval coverage (0.9 = 90%).
    min_weeks : int
        Fewer complete weeks raise :class:`~workbench.errors.NotEnoughData`.
    correlation_limit, variation_limit, min_active_weeks, base_limit : float, float, int, float
        When a channel cannot be told apart (see :func:`~workbench.analyses.marketing.identify.channel_checks`).
    seed : int
        Seed of the bootstrap.

    Attributes (after ``fit``)
    --------------------------
    channels_ : DataFrame
        One row per channel: ``spend``, ``share_of_spend``, ``contribution`` (+ ``_lower``/``_upper``),
        ``share_of_effect``, ``roas`` (+ bounds), ``today_spend`` (per week), ``today_revenue`` (per week),
        ``mroas`` (+ bounds), ``theta``, ``alpha``, ``gamma``, ``k``, ``coef`` and the identification checks
        (``identified``, ``reason``, ...).
    decomposition_ : DataFrame
        Weekly ``actual``, ``fitted``, ``baseline`` (intercept + trend), ``season``, ``controls`` and one column per
        channel; the parts add up to ``fitted``.
    folds_ : DataFrame
        The cross-validation: weeks fitted, weeks forecast, MAPE, and whether the fold chose settings or is the
        held-out check.
    r2_, mape_, holdout_mape_, cv_mape_ : float
        In-sample R2 and MAPE, MAPE of the held-out last block, mean MAPE of the folds that chose the settings.
    bootstrap_ : DataFrame
        One row per bootstrap replication: contribution, ROAS and marginal ROAS per channel.
    weeks_ : MarketingWeeks
        The data fitted.
    """

    def __init__(self, *, thetas=THETAS, alphas=ALPHAS, gammas=GAMMAS, harmonics: int = 2, trend: bool = True,
                 folds: int = 6, fold_weeks: int = 13, reference_weeks: int = 52, n_bootstrap: int = 200,
                 block_weeks: int = 8, level: float = 0.90, min_weeks: int = 52, correlation_limit: float = 0.85,
                 variation_limit: float = 0.15, min_active_weeks: int = 8, base_limit: float = 0.90,
                 max_sweeps: int = 4, seed: int = 20261128) -> None:
        if not 0 < level < 1:
            raise DataError(f"level={level} is not a coverage between 0 and 1", source="MarketingMixModel",
                            example=level, fix="Pass e.g. level=0.9 for 90% intervals")
        self.thetas, self.alphas, self.gammas = tuple(thetas), tuple(alphas), tuple(gammas)
        self.harmonics, self.trend = harmonics, trend
        self.folds, self.fold_weeks, self.reference_weeks = folds, fold_weeks, reference_weeks
        self.n_bootstrap, self.block_weeks, self.level = n_bootstrap, block_weeks, level
        self.min_weeks, self.max_sweeps, self.seed = min_weeks, max_sweeps, seed
        self.limits = {"correlation": correlation_limit, "variation": variation_limit,
                       "active_weeks": min_active_weeks, "base_r2": base_limit}
        self.channels_: pd.DataFrame | None = None

    # ------------------------------------------------------------------ design
    def _base(self, weeks: MarketingWeeks) -> tuple[np.ndarray, list[str], list[str]]:
        """Base design (intercept, trend, season, standardised controls), column names and their parts."""
        n = len(weeks)
        t = np.arange(n, dtype=float)
        cols, names, parts = [np.ones(n)], ["intercept"], ["baseline"]
        if self.trend:
            cols.append(t / max(n - 1, 1))
            names.append("trend")
            parts.append("baseline")
        harmonics = self.harmonics if n >= 78 else 0
        self.harmonics_used_ = harmonics
        for h in range(1, harmonics + 1):
            angle = 2 * np.pi * h * t / SEASON_WEEKS
            cols += [np.sin(angle), np.cos(angle)]
            names += [f"season sin {h}", f"season cos {h}"]
            parts += ["season", "season"]
        for c in weeks.controls.columns:
            v = weeks.controls[c].to_numpy(dtype=float)
            sd = v.std()
            cols.append((v - v.mean()) / sd if sd > 0 else v)
            names.append(str(c))
            parts.append("controls")
        return np.column_stack(cols), names, parts

    def _candidates(self, x: np.ndarray) -> tuple[np.ndarray, list[tuple[float, float, float, float]]]:
        """Every grid point's media column for one channel's spend, and its (theta, alpha, gamma, k)."""
        columns, params = [], []
        for theta in self.thetas:
            a = geometric_adstock(x, theta=theta)
            top = a.max()
            for alpha, gamma in itertools.product(self.alphas, self.gammas):
                k = gamma * top if top > 0 else 1.0
                columns.append(hill_saturation(a, alpha=alpha, k=k))
                params.append((theta, alpha, gamma, k))
        return np.column_stack(columns), params

    def _folds(self, n: int) -> list[_Fold]:
        folds = min(self.folds, max(1, (n - 39) // self.fold_weeks))
        out = []
        for f in range(folds, 0, -1):
            end = n - (f - 1) * self.fold_weeks
            out.append(_Fold(train_end=end - self.fold_weeks, test_end=end, held_out=f == 1))
        return out

    # ------------------------------------------------------------------ fitting
    @staticmethod
    def _orth(B: np.ndarray) -> np.ndarray:
        u, s, _ = np.linalg.svd(B, full_matrices=False)
        return u[:, s > s.max() * 1e-10] if s.size else u

    def _grid_index(self, theta: float, alpha: float, gamma: float) -> int:
        """Position of the grid point nearest to (theta, alpha, gamma) in a channel's candidate columns."""
        i = int(np.argmin(np.abs(np.array(self.thetas) - theta)))
        j = int(np.argmin(np.abs(np.array(self.alphas) - alpha)))
        k = int(np.argmin(np.abs(np.array(self.gammas) - gamma)))
        return (i * len(self.alphas) + j) * len(self.gammas) + k

    def _starts(self) -> list[tuple[float, float, float]]:
        """Starting points of the search: short carry-over and nearly linear, medium, long and S-shaped."""
        return [(0.3, 1.5, 0.6), (0.1, 1.0, 1.0), (0.7, 2.0, 0.45)]

    def _prepare(self, y: np.ndarray, B: np.ndarray, folds: list[_Fold]) -> list[dict]:
        """Per fold, what scoring needs: the base's orthonormal basis on the fitted weeks, the revenue with the base
        projected out, and the hat map from fitted to forecast weeks (forecast = H y + (M_test - H M_fit) beta)."""
        out = []
        for f in folds:
            te, e = f.train_end, f.test_end
            Q = self._orth(B[:te])
            H = B[te:e] @ np.linalg.pinv(B[:te])
            out.append({"te": te, "e": e, "Q": Q, "H": H, "yp": y[:te] - Q @ (Q.T @ y[:te]),
                        "base": H @ y[:te], "actual": y[te:e]})
        return out

    @staticmethod
    def _project(cands, prep: list[dict]) -> list[list[dict]]:
        """Per channel and fold, the candidate columns with the base projected out (fitted weeks) and their
        forecast map (forecast weeks): computed once, since only the other channels' columns change in the search."""
        out = []
        for cand, _ in cands:
            per_fold = []
            for p in prep:
                te, e, Q = p["te"], p["e"], p["Q"]
                Cp = cand[:te] - Q @ (Q.T @ cand[:te])
                per_fold.append({"Cp": Cp, "diag": np.einsum("ij,ij->j", Cp, Cp),
                                 "G": cand[te:e] - p["H"] @ cand[:te]})
            out.append(per_fold)
        return out

    @staticmethod
    def _score_column(M: np.ndarray, c: int, projected: list[dict], prep: list[dict]) -> np.ndarray:
        """Mean forecast MAPE over the folds for every candidate column of channel ``c`` (others as in ``M``).

        For each fold the non-negative least-squares channel coefficients of all candidates are solved at once
        from their normal equations (:func:`_batched_nnls`); the forecast is ``H y + (M_test - H M_fit) beta``.
        """
        C = M.shape[1]
        others = [i for i in range(C) if i != c]
        total = 0.0
        for p, cp in zip(prep, projected):
            te, e, Q = p["te"], p["e"], p["Q"]
            Cp, diag = cp["Cp"], cp["diag"]
            K = Cp.shape[1]
            Mo = M[:te, others]
            Mop = Mo - Q @ (Q.T @ Mo)
            A, cross = Mop.T @ Mop, Mop.T @ Cp
            Z = np.empty((K, C, C))
            Z[:, :C - 1, :C - 1], Z[:, :C - 1, C - 1], Z[:, C - 1, :C - 1], Z[:, C - 1, C - 1] = A, cross.T, \
                cross.T, diag
            Z += np.eye(C)[None] * (1e-10 * (np.trace(A) + diag.mean()) + 1e-12)
            r = np.empty((K, C))
            r[:, :C - 1], r[:, C - 1] = Mop.T @ p["yp"], Cp.T @ p["yp"]
            beta = _batched_nnls(Z, r)
            for j in np.flatnonzero(np.isnan(beta).any(axis=1)):
                beta[j], _ = nnls(np.column_stack([Mop, Cp[:, j]]), p["yp"])
            G_o = M[te:e, others] - p["H"] @ Mo
            pred = p["base"][None, :] + beta[:, :C - 1] @ G_o.T + beta[:, C - 1:] * cp["G"].T
            actual = p["actual"]
            nz = actual != 0
            total = total + (np.abs(pred[:, nz] - actual[nz]) / np.abs(actual[nz])).mean(axis=1)
        return total / len(prep)

    def _descend(self, cands, picks, prep, projected) -> tuple[float, list[int], np.ndarray]:
        """Coordinate descent over the grid: each channel in turn takes its best grid point, until none moves."""
        n_ch = len(cands)
        M = np.column_stack([cands[c][0][:, picks[c]] for c in range(n_ch)])
        best = None
        for _ in range(self.max_sweeps):
            moved = False
            for c in range(n_ch):
                scores = self._score_column(M, c, projected[c], prep)
                j = int(np.argmin(scores))
                if best is None or scores[j] < best - 1e-12:
                    moved = moved or j != picks[c]
                    best, picks[c] = float(scores[j]), j
                    M[:, c] = cands[c][0][:, j]
            if not moved:
                break
        return best, picks, M

    def fit(self, weeks: MarketingWeeks) -> MarketingMixModel:
        """Choose each channel's adstock and saturation by cross-validation, fit, bootstrap; returns ``self``.

        Raises
        ------
        NotEnoughData
            Fewer than ``min_weeks`` complete weeks.
        DataError
            No channel with spend, or revenue that is not positive.
        """
        require_weeks(weeks, self.min_weeks, what="The marketing mix model")
        if not weeks.channels:
            raise DataError("no channel has any spend in these weeks", source="MarketingMixModel.fit",
                            fix="Check the spend files and their dates")
        y = weeks.revenue.to_numpy(dtype=float)
        X = weeks.spend.to_numpy(dtype=float)
        n, n_ch = X.shape
        B, self.base_names_, self.base_parts_ = self._base(weeks)
        cands = [self._candidates(X[:, c]) for c in range(n_ch)]
        folds = self._folds(n)
        selection = [f for f in folds if not f.held_out] or folds
        prep = self._prepare(y, B, selection)
        projected = self._project(cands, prep)
        best, chosen, M = None, None, None
        for start in self._starts():
            picks = [self._grid_index(*start) for _ in range(n_ch)]
            score, picks, media = self._descend(cands, picks, prep, projected)
            if best is None or score < best:
                best, chosen, M = score, picks, media
        self.cv_mape_ = best
        self._finish(weeks, y, X, B, cands, chosen, folds, prep, projected)
        return self

    def _solve(self, y: np.ndarray, B: np.ndarray, M: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        Q = self._orth(B)
        beta, _ = nnls(M - Q @ (Q.T @ M), y - Q @ (Q.T @ y))
        b = np.linalg.lstsq(B, y - M @ beta, rcond=None)[0]
        return b, beta

    def _finish(self, weeks, y, X, B, cands, chosen, folds, prep, projected) -> None:
        """Final fit on every week, the held-out check, decomposition, curves' inputs and the bootstrap."""
        n, n_ch = X.shape
        names = weeks.channels
        params = [cands[c][1][chosen[c]] for c in range(n_ch)]
        M = np.column_stack([cands[c][0][:, chosen[c]] for c in range(n_ch)])
        b, beta = self._solve(y, B, M)
        fitted = B @ b + M @ beta
        self.r2_ = float(1 - np.sum((y - fitted) ** 2) / np.sum((y - y.mean()) ** 2))
        self.mape_ = _mape(y, fitted)
        rows = []
        for i, f in enumerate(folds):
            fb, fbeta = self._solve(y[:f.train_end], B[:f.train_end], M[:f.train_end])
            pred = B[f.train_end:f.test_end] @ fb + M[f.train_end:f.test_end] @ fbeta
            rows.append({"fold": i + 1, "weeks_fitted": f.train_end,
                         "first_week": weeks.weeks[f.train_end], "last_week": weeks.weeks[f.test_end - 1],
                         "weeks_forecast": f.test_end - f.train_end, "mape": _mape(y[f.train_end:f.test_end], pred),
                         "role": "held-out check" if f.held_out else "chooses the settings"})
        self.folds_ = pd.DataFrame(rows)
        held = self.folds_[self.folds_.role == "held-out check"]
        self.holdout_mape_ = float(held.mape.iloc[0]) if len(held) else float("nan")
        parts = pd.DataFrame(index=weeks.weeks)
        parts["actual"], parts["fitted"] = y, fitted
        for part in ("baseline", "season", "controls"):
            idx = [i for i, p in enumerate(self.base_parts_) if p == part]
            parts[part] = B[:, idx] @ b[idx] if idx else 0.0
        for c, name in enumerate(names):
            parts[name] = M[:, c] * beta[c]
        self.decomposition_ = parts
        self.base_coef_ = pd.Series(b, index=self.base_names_)
        # today: the reference window (the whole history for a channel that did not spend in it)
        ref = slice(max(0, n - self.reference_weeks), n)
        self.reference_ = (weeks.weeks[ref.start], weeks.weeks[-1], n - ref.start)
        self._use = [ref if X[ref, c].sum() > 0 else slice(0, n) for c in range(n_ch)]
        self._adstock, self._pattern, self._params = {}, {}, {}
        today_rev = []
        for c, name in enumerate(names):
            theta, alpha, gamma, k = params[c]
            a = geometric_adstock(X[:, c], theta=theta)[self._use[c]]
            self._adstock[name], self._pattern[name] = a, X[self._use[c], c]
            self._params[name] = (theta, alpha, gamma, k, float(beta[c]))
            today_rev.append(float(beta[c] * hill_saturation(a, alpha=alpha, k=k).mean()))
        slopes = [self._slopes(X[:, c], self._use[c]) for c in range(n_ch)]
        colsums = [cands[c][0].sum(axis=0) for c in range(n_ch)]
        spend = X.sum(axis=0)
        contribution = beta * np.array([colsums[c][chosen[c]] for c in range(n_ch)])
        mroas = beta * np.array([slopes[c][chosen[c]] for c in range(n_ch)])
        boot = self._bootstrap(y, fitted, B, cands, chosen, prep, projected, colsums, slopes, spend, names)
        lo, hi = (1 - self.level) / 2, 1 - (1 - self.level) / 2
        table = pd.DataFrame({
            "spend": spend, "share_of_spend": spend / spend.sum(),
            "contribution": contribution,
            "contribution_lower": boot["contribution"].quantile(lo).to_numpy(),
            "contribution_upper": boot["contribution"].quantile(hi).to_numpy(),
            "share_of_effect": contribution / contribution.sum() if contribution.sum() > 0 else np.nan,
            "roas": np.divide(contribution, spend, out=np.full(n_ch, np.nan), where=spend > 0),
            "roas_lower": boot["roas"].quantile(lo).to_numpy(), "roas_upper": boot["roas"].quantile(hi).to_numpy(),
            "today_spend": X[ref].mean(axis=0), "today_revenue": today_rev,
            "mroas": mroas,
            "mroas_lower": boot["mroas"].quantile(lo).to_numpy(), "mroas_upper": boot["mroas"].quantile(hi).to_numpy(),
            "theta": [p[0] for p in params], "alpha": [p[1] for p in params], "gamma": [p[2] for p in params],
            "k": [p[3] for p in params], "coef": beta,
        }, index=pd.Index(names, name="channel"))
        checks = channel_checks(weeks, media=pd.DataFrame(M, index=weeks.weeks, columns=names), base=B,
                                **self.limits)
        self.channels_ = table.join(checks)
        self.weeks_ = weeks

    def _slopes(self, x: np.ndarray, use: slice) -> np.ndarray:
        """For every grid point: revenue per extra unit of weekly spend at today's level, per unit of coefficient."""
        mean_x = x[use].mean()
        out = []
        for theta in self.thetas:
            a = geometric_adstock(x, theta=theta)
            top, ar = a.max(), a[use]
            for alpha, gamma in itertools.product(self.alphas, self.gammas):
                k = gamma * top if top > 0 else 1.0
                out.append(float(np.mean(ar * hill_slope(ar, alpha=alpha, k=k)) / mean_x) if mean_x > 0 else 0.0)
        return np.array(out)

    def _bootstrap(self, y, fitted, B, cands, chosen, prep, projected, colsums, slopes, spend,
                   names) -> dict[str, pd.DataFrame]:
        """Moving-block bootstrap of the residuals; each replication chooses the settings again (one sweep of the
        search from the chosen ones, on the same folds) before refitting, so the intervals include that choice."""
        n, n_ch = len(y), len(cands)
        resid = y - fitted
        L = max(1, min(self.block_weeks, n // 4))
        rng = np.random.default_rng(self.seed)
        Q = self._orth(B)
        blocks = int(np.ceil(n / L))
        draws = np.empty((self.n_bootstrap, n_ch))
        picks_all = np.empty((self.n_bootstrap, n_ch), dtype=int)
        for r in range(self.n_bootstrap):
            starts = rng.integers(0, n - L + 1, blocks)
            e = np.concatenate([resid[s:s + L] for s in starts])[:n]
            ystar = fitted + (e - e.mean())
            boot_prep = [{**p, "yp": ystar[:p["te"]] - p["Q"] @ (p["Q"].T @ ystar[:p["te"]]),
                          "base": p["H"] @ ystar[:p["te"]], "actual": ystar[p["te"]:p["e"]]} for p in prep]
            saved, self.max_sweeps = self.max_sweeps, 1
            try:
                _, picks, M = self._descend(cands, list(chosen), boot_prep, projected)
            finally:
                self.max_sweeps = saved
            draws[r], _ = nnls(M - Q @ (Q.T @ M), ystar - Q @ (Q.T @ ystar))
            picks_all[r] = picks
        unit = np.array([[colsums[c][picks_all[r, c]] for c in range(n_ch)] for r in range(self.n_bootstrap)])
        slope = np.array([[slopes[c][picks_all[r, c]] for c in range(n_ch)] for r in range(self.n_bootstrap)])
        contribution = pd.DataFrame(draws * unit, columns=names)
        roas = pd.DataFrame(np.divide(draws * unit, spend, out=np.full_like(draws, np.nan), where=spend > 0),
                            columns=names)
        mroas = pd.DataFrame(draws * slope, columns=names)
        self.bootstrap_ = pd.concat({"contribution": contribution, "roas": roas, "mroas": mroas}, axis=1)
        return {"contribution": contribution, "roas": roas, "mroas": mroas}

    # ------------------------------------------------------------------ response
    def _check_channel(self, channel: str) -> None:
        if self.channels_ is None:
            raise RuntimeError("MarketingMixModel is not fitted: call fit() first")
        if channel not in self._params:
            raise DataError(f"channel {channel!r} is not in the model", source="MarketingMixModel",
                            example=channel, fix=f"Pick one of {list(self._params)}")

    def response(self, channel: str, spend_per_week) -> np.ndarray:
        """Expected revenue per week from ``channel`` at an average weekly spend, today's weekly pattern kept.

        The channel's spend of the reference weeks is scaled so its average is ``spend_per_week`` (adstock is
        linear, so its carry-over scales too); the result is the mean weekly contribution over those weeks.
        """
        self._check_channel(channel)
        theta, alpha, gamma, k, beta = self._params[channel]
        pattern, a = self._pattern[channel], self._adstock[channel]
        scale = np.atleast_1d(np.asarray(spend_per_week, dtype=float)) / pattern.mean()
        out = beta * hill_saturation(np.outer(scale, a), alpha=alpha, k=k).mean(axis=1)
        return out if np.ndim(spend_per_week) else out[0]

    def marginal_roas(self, channel: str, spend_per_week) -> np.ndarray:
        """Revenue from one more unit of weekly spend at ``spend_per_week``: the slope of :meth:`response`."""
        self._check_channel(channel)
        theta, alpha, gamma, k, beta = self._params[channel]
        pattern, a = self._pattern[channel], self._adstock[channel]
        mean_x = pattern.mean()
        scale = np.atleast_1d(np.asarray(spend_per_week, dtype=float)) / mean_x
        slope = (a[None, :] * hill_slope(np.outer(scale, a), alpha=alpha, k=k)).mean(axis=1) / mean_x
        out = beta * slope
        return out if np.ndim(spend_per_week) else out[0]

    def __repr__(self) -> str:
        if self.channels_ is None:
            return "<MarketingMixModel: not fitted>"
        return (f"<MarketingMixModel: fitted on {len(self.weeks_)} weeks, {len(self.channels_)} channels, "
                f"R2 {self.r2_:.2f}, held-out MAPE {self.holdout_mape_:.1%}>")


def _batched_nnls(Z: np.ndarray, r: np.ndarray) -> np.ndarray:
    """Non-negative least squares for many small problems at once, from their normal equations ``Z beta = r``.

    Channels with a negative solution are dropped (all at once) and the rest solved again, until none is negative;
    a solution then passes the Karush-Kuhn-Tucker check (no dropped channel would improve the fit if it came
    back), which makes it the exact NNLS solution. Problems that fail the check come back as NaN, for an exact
    ``scipy.optimize.nnls`` by the caller (rare: a few in a thousand on the tests' data).
    """
    K, C = r.shape
    active = np.ones((K, C), dtype=bool)
    eye = np.eye(C, dtype=bool)[None]
    beta = np.zeros((K, C))
    for _ in range(C + 1):
        both = active[:, :, None] & active[:, None, :]
        Zm = np.where(both, Z, 0.0) + np.where(eye & ~active[:, :, None], 1.0, 0.0)
        beta = np.linalg.solve(Zm, np.where(active, r, 0.0)[..., None])[..., 0]
        negative = active & (beta < 0)
        if not negative.any():
            break
        active &= ~negative
    beta = np.where(active, beta, 0.0)
    gradient = r - np.einsum("kij,kj->ki", Z, beta)
    scale = np.abs(r).max(axis=1, keepdims=True) + 1e-300
    violated = (~active & (gradient > 1e-9 * scale)).any(axis=1) | (beta < 0).any(axis=1)
    beta[violated] = np.nan
    return beta


def _mape(actual: np.ndarray, predicted: np.ndarray) -> float:
    actual, predicted = np.asarray(actual, float), np.asarray(predicted, float)
    nz = actual != 0
    return float(np.mean(np.abs(actual[nz] - predicted[nz]) / np.abs(actual[nz]))) if nz.any() else float("nan")
