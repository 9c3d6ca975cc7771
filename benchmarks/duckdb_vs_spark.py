"""Benchmark: the sales-performance computations on DuckDB vs a local Spark session, same code, same file.

For each generated order-line Parquet file (``benchmarks/generate_orders.py`` writes 1M and 10M lines to
``data/generated/``; GENERATED data, not real sales) and each engine, one subprocess runs what the
sales-performance report computes, through the package, with ``engine=`` the only difference:

- ``start``: the engine (DuckDB: nothing to start; Spark: the JVM and the session, ``workbench.spark``);
- ``load``: ``wb.load_orders(path, engine=...)`` and its load summary (one scan of the file);
- ``kpis``: ``wb.sales.kpis_by_period(orders, period="month")``;
- ``cohorts``: ``wb.sales.cohort_retention(orders)``;
- ``rfm``: ``wb.customers.rfm_segment_summary(wb.customers.rfm_query(orders))`` (scores for every customer in
  the engine, ten rows back).

Wall time per step, and **peak resident memory of the whole process tree** (the Python process plus, for
Spark, the JVM it starts), sampled every 20 ms with psutil; the largest RSS of the Python process alone
(``getrusage``) is printed too. The parent checks that both engines agree (counts exactly, money to a relative
1e-9) and prints one table. Nothing here runs in the test suite.

Run: ``.venv/bin/python benchmarks/duckdb_vs_spark.py`` (``--sizes 1M`` for a quick run; ``--engines duckdb``
for one engine). Spark settings come from ``workbench.spark`` (``local[2]``, 2 GB driver memory; env
``WORKBENCH_SPARK_DRIVER_MEMORY``, ``WORKBENCH_SPARK_SHUFFLE_PARTITIONS`` to change them).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SIZES = {"1M": 1_000_000, "10M": 10_000_000}
STEPS = ("start", "load", "kpis", "cohorts", "rfm")


# ------------------------------------------------------------------------------------------------------------
# memory of the process tree
# ------------------------------------------------------------------------------------------------------------

class TreeMemory:
    """Samples the resident memory of this process and all its children (the JVM) in a background thread."""

    def __init__(self, interval: float = 0.02) -> None:
        import psutil

        self._proc = psutil.Process()
        self._interval = interval
        self._stop = threading.Event()
        self.peak = self.current()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def current(self) -> int:
        import psutil

        total = 0
        for p in [self._proc, *self._proc.children(recursive=True)]:
            try:
                total += p.memory_info().rss
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
        return total

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self.peak = max(self.peak, self.current())

    def reset(self) -> None:
        self.peak = self.current()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.current())


# ------------------------------------------------------------------------------------------------------------
# one engine, in its own process
# ------------------------------------------------------------------------------------------------------------

def worker(engine_name: str, path: Path, out: Path) -> None:
    mem = TreeMemory()
    timings: dict[str, dict[str, float]] = {}

    def step(name: str, fn):
        mem.reset()
        t0 = time.perf_counter()
        value = fn()
        timings[name] = {"seconds": time.perf_counter() - t0, "peak_tree_mb": mem.peak / 2**20}
        print(f"  {engine_name:<6} {name:<8} {timings[name]['seconds']:7.1f} s", file=sys.stderr, flush=True)
        return value

    import workbench as wb
    from workbench import engine as eng

    def start():
        if engine_name == "spark":
            from workbench.spark import spark_backend
            return spark_backend()
        return eng.default_backend()

    con = step("start", start)
    orders = step("load", lambda: _load(wb, path, con))
    kpis = step("kpis", lambda: wb.sales.kpis_by_period(orders, period="month"))
    cohorts = step("cohorts", lambda: wb.sales.cohort_retention(orders))
    segments = step("rfm", lambda: wb.customers.rfm_segment_summary(wb.customers.rfm_query(orders)))
    mem.stop()
    kpis.to_pickle(out / "kpis.pkl")
    cohorts.to_pickle(out / "cohorts.pkl")
    segments.to_pickle(out / "segments.pkl")
    (out / "timings.json").write_text(json.dumps({
        "steps": timings, "total_seconds": sum(t["seconds"] for t in timings.values()),
        "peak_tree_mb": max(t["peak_tree_mb"] for t in timings.values()),
        "peak_python_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "lines": int(orders.summary.lines_kept),
    }))


def _load(wb, path: Path, con):
    orders = wb.load_orders(path, engine=con)
    orders.summary.resolve()
    return orders


# ------------------------------------------------------------------------------------------------------------
# the parent: run both engines, check they agree, print the table
# ------------------------------------------------------------------------------------------------------------

def data_file(label: str) -> Path:
    path = ROOT / "data" / "generated" / f"orders_{label}.parquet"
    if not path.exists():
        print(f"writing {path.relative_to(ROOT)} (generated) ...", flush=True)
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate_orders.py"), "--sizes", label],
                       check=True, cwd=ROOT)
    return path


def run_engine(engine_name: str, path: Path, out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, __file__, "--worker", engine_name, str(path), str(out)], check=True, cwd=ROOT)
    return json.loads((out / "timings.json").read_text())


def disagreements(a: Path, b: Path) -> list[str]:
    """Where two engines' results differ (counts exactly, floats to a relative 1e-9 / absolute 1e-6)."""
    found = []
    for name in ("kpis", "cohorts", "segments"):
        x, y = pd.read_pickle(a / f"{name}.pkl"), pd.read_pickle(b / f"{name}.pkl")
        if list(x.columns) != list(y.columns) or len(x) != len(y):
            found.append(f"{name}: shape {x.shape} vs {y.shape}")
            continue
        for col in x.columns:
            if pd.api.types.is_float_dtype(y[col]):
                ok = np.allclose(x[col].to_numpy(float), y[col].to_numpy(float), rtol=1e-9, atol=1e-6, equal_nan=True)
            else:
                ok = x[col].astype(str).tolist() == y[col].astype(str).tolist()
            if not ok:
                found.append(f"{name}.{col}")
    return found


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="+", default=["10M"], choices=list(SIZES))
    ap.add_argument("--engines", nargs="+", default=["duckdb", "spark"], choices=["duckdb", "spark"])
    ap.add_argument("--worker", nargs=3, metavar=("ENGINE", "PATH", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(args.worker[0], Path(args.worker[1]), Path(args.worker[2]))
        return
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}; data: GENERATED order lines")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label in args.sizes:
            path = data_file(label)
            results = {e: run_engine(e, path, Path(tmp) / label / e) for e in args.engines}
            if len(args.engines) == 2:
                diff = disagreements(*(Path(tmp) / label / e for e in args.engines))
                print(f"{label}: engines agree on KPIs, cohorts and RFM segments" if not diff
                      else f"{label}: ENGINES DISAGREE on {diff}")
            for e, r in results.items():
                rows.append((label, e, r))
    print()
    head = f"{'lines':<6} {'engine':<7}" + "".join(f"{s:>10}" for s in STEPS) + f"{'total s':>10}" \
        + f"{'peak MB':>10}{'python MB':>10}"
    print("Wall time per step (seconds) and peak resident memory (MB; whole process tree incl. the JVM)")
    print(head)
    print("-" * len(head))
    for label, e, r in rows:
        print(f"{label:<6} {e:<7}" + "".join(f"{r['steps'][s]['seconds']:>10.1f}" for s in STEPS)
              + f"{r['total_seconds']:>10.1f}{r['peak_tree_mb']:>10.0f}{r['peak_python_mb']:>10.0f}")
    print()
    print("Peak memory per step (MB, process tree):")
    for label, e, r in rows:
        print(f"{label:<6} {e:<7}" + "".join(f"{r['steps'][s]['peak_tree_mb']:>10.0f}" for s in STEPS))


if __name__ == "__main__":
    main()
