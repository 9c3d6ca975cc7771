"""Benchmark: the competitor analysis on the shipped brand-choice panels and on generated price-monitoring data.

Prints one table: wall time of loading each shipped panel, fitting the conditional logit with statsmodels'
ConditionalLogit (Newton, numerical Hessian: what the report uses), the same likelihood maximised by a
vectorised numpy/scipy implementation (the test suite's independent check; shows what a hand-written fit
would save), the elasticity matrix and one what-if; then the price index, trend and seller scorecard on GENERATED
price-monitoring samples of growing size. Nothing here is asserted; run with ``.venv/bin/python
benchmarks/competitors.py`` (``--quick`` skips tuna and the largest sample).
"""
from __future__ import annotations

import argparse
import time

import numpy as np
from scipy import optimize

import workbench as wb
from workbench.data import generate_price_monitoring


def _timed(fn, *args, **kwargs):
    t = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t


def _scipy_fit(panel, reference):
    t = panel.table
    alts, J, N = panel.alternatives, len(panel.alternatives), t.occasion_id.nunique()
    cols = [t.price.to_numpy().reshape(N, J)]
    cols += [t[p].to_numpy(dtype=float).reshape(N, J) for p in panel.promotions]
    cols += [np.tile((np.array(alts) == a).astype(float), (N, 1)) for a in alts if a != reference]
    X = np.stack(cols, axis=2)
    y = t.chosen.to_numpy().reshape(N, J).argmax(axis=1)

    def negll(b):
        v = X @ b
        v -= v.max(axis=1, keepdims=True)
        lp = v - np.log(np.exp(v).sum(axis=1, keepdims=True))
        P = np.exp(lp)
        return -lp[np.arange(N), y].sum(), -(X[np.arange(N), y] - np.einsum("nj,njk->nk", P, X)).sum(axis=0)

    return optimize.minimize(negll, np.zeros(X.shape[2]), jac=True, method="BFGS", options={"gtol": 1e-9})


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    print(f"{'panel':8} {'occasions':>9} {'load s':>7} {'statsmodels fit s':>17} {'scipy fit s':>11} "
          f"{'max |diff|':>10} {'elasticities s':>14} {'what-if s':>9}")
    for name in ["yogurt", "catsup", "cracker"] + ([] if args.quick else ["tuna"]):
        panel, t_load = _timed(wb.load_choice_panel, name)
        model, t_fit = _timed(wb.competitors.ChoiceLogit().fit, panel)
        res, t_scipy = _timed(_scipy_fit, panel, model.reference_)
        diff = float(np.max(np.abs(res.x - model.params_.to_numpy())))
        _, t_el = _timed(wb.competitors.elasticity_matrix, model)
        _, t_wi = _timed(wb.competitors.what_if, model, pct={model.alternatives_[0]: -0.1})
        print(f"{name:8} {panel.n_occasions:>9,} {t_load:>7.2f} {t_fit:>17.2f} {t_scipy:>11.2f} {diff:>10.1e} "
              f"{t_el:>14.3f} {t_wi:>9.3f}")
    print()
    print(f"{'GENERATED price rows':>20} {'skus':>6} {'days':>5} {'load s':>7} {'index s':>8} {'trend s':>8} "
          f"{'scorecard s':>11}")
    sizes = [(40, 56), (400, 90)] + ([] if args.quick else [(2000, 90)])
    for n_skus, days in sizes:
        frame = generate_price_monitoring(n_skus=n_skus, days=days)
        data, t_load = _timed(wb.load_price_monitoring, frame)
        _, t_idx = _timed(wb.competitors.price_index, data)
        _, t_tr = _timed(wb.competitors.price_index_trend, data)
        _, t_sc = _timed(wb.competitors.seller_scorecard, data)
        print(f"{len(frame):>20,} {n_skus:>6} {days:>5} {t_load:>7.2f} {t_idx:>8.2f} {t_tr:>8.2f} {t_sc:>11.2f}")


if __name__ == "__main__":
    main()
