"""Run every benchmark script in turn and print their tables (`make benchmark`).

Each script runs in its own process (they measure their own peak memory) and prints its own table; nothing is
asserted. Scripts that need the generated 1M/10M-line Parquet files write them to data/generated/ on first use.
Pass script names to run a subset: ``python benchmarks/run_all.py analyses load_orders``.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["generate_orders", "load_orders", "analyses", "duckdb_vs_spark", "market_research", "competitors", "experiments",
         "oews_loaders", "marketing", "reports"]


def main(argv: list[str]) -> int:
    names = argv or [n for n in ORDER if (HERE / f"{n}.py").exists()]
    failed = []
    for name in names:
        script = HERE / f"{name}.py"
        print(f"\n=== benchmarks/{name}.py ===", flush=True)
        t0 = time.perf_counter()
        rc = subprocess.call([sys.executable, str(script)], cwd=HERE.parent)
        print(f"--- {name}: exit {rc}, {time.perf_counter() - t0:.1f} s", flush=True)
        if rc:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
