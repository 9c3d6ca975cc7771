"""Speed of the market-research analyses: CDNOW (real) and the generated 1M / 10M-line Parquet files.

Prints wall time, CPU time and peak RSS growth per step; nothing is asserted. Each size runs in its own process
so peak memory is its own. Usage: python benchmarks/market_research.py [cdnow] [1M] [10M]
"""
from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = {"cdnow": "cdnow", "1M": ROOT / "data/generated/orders_1M.parquet",
           "10M": ROOT / "data/generated/orders_10M.parquet"}


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(name: str) -> None:
    import workbench as wb

    rows = []

    def step(label, fn):
        t0, c0, m0 = time.perf_counter(), time.process_time(), _rss_mb()
        out = fn()
        rows.append((label, time.perf_counter() - t0, time.process_time() - c0, _rss_mb() - m0, _rss_mb()))
        return out

    orders = step("load_orders", lambda: wb.load_orders(SOURCES[name]))
    summary = step("clv_summary (Ibis)", lambda: wb.customers.clv_summary(orders))
    step("BG/NBD fit", lambda: wb.customers.BetaGeoModel().fit(summary))
    step("Gamma-Gamma fit", lambda: wb.customers.GammaGammaModel().fit(summary))
    lv = step("lifetime_value (all steps)", lambda: wb.customers.lifetime_value(orders))
    step("holdout_validation (all steps)", lambda: wb.customers.holdout_validation(orders))
    feats = step("persona_features (Ibis)", lambda: wb.customers.persona_features(orders))
    step("Personas k=3..6 .fit", lambda: wb.customers.Personas(k_min=3, k_max=6).fit(feats))
    series = step("demand_series week (Ibis)", lambda: wb.demand.demand_series(orders, freq="week"))
    step("decompose", lambda: wb.demand.decompose(series))
    step("DemandForecast .fit", lambda: wb.demand.DemandForecast(start=wb.demand.acquisition_end(orders)).fit(series))
    print(f"\n{name}: {len(summary):,} customers, {int(summary.frequency.gt(0).sum()):,} repeat customers, "
          f"{len(series)} weeks; mean CLV {lv.mean_clv:.2f}")
    print(f"{'step':32} {'wall s':>8} {'cpu s':>8} {'peak +MB':>9} {'peak MB':>8}")
    for label, wall, cpu, dmem, mem in rows:
        print(f"{label:32} {wall:8.2f} {cpu:8.2f} {dmem:9.0f} {mem:8.0f}")


def main(argv: list[str]) -> int:
    names = argv[1:] or ["cdnow", "1M"]
    if len(argv) == 2 and argv[1].startswith("--one="):
        measure(argv[1][len("--one="):])
        return 0
    for name in names:
        if name != "cdnow" and not Path(SOURCES[name]).exists():
            print(f"{name}: {SOURCES[name]} missing (benchmarks/generate_orders.py writes it)")
            continue
        subprocess.call([sys.executable, __file__, f"--one={name}"], cwd=ROOT)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
