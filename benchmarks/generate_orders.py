"""Write GENERATED order-line Parquet files for benchmarks: 1M and 10M canonical lines under data/generated/.

The lines come from ``workbench.data.synthetic.orders`` (seeded; heterogeneous customers with churn,
seasonality, skewed sku popularity, returns, guest orders; see that module). They are generated data, not real
sales: the files carry ``workbench.generated`` in their Parquet metadata and live in the git-ignored
``data/generated/`` folder. Memory stays bounded: lines are written one batch (about 1M lines) at a time.

Run: ``.venv/bin/python benchmarks/generate_orders.py`` (``--sizes 1M`` for the small file only, ``--force`` to
rewrite existing files). Prints the time, the file size and the peak memory of each file written.
"""
from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from workbench.config import GENERATED_DIR
from workbench.data.synthetic.orders import write_orders_parquet

SIZES = {"1M": 1_000_000, "10M": 10_000_000}


def path_for(label: str) -> Path:
    return GENERATED_DIR / f"orders_{label}.parquet"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    ap.add_argument("--seed", type=int, default=20261128)
    ap.add_argument("--force", action="store_true", help="rewrite files that exist")
    args = ap.parse_args(argv)
    print(f"{'file':<40} {'lines':>12} {'MB':>8} {'seconds':>8} {'peak RSS MB':>12}")
    for label in args.sizes:
        path = path_for(label)
        if path.exists() and not args.force:
            print(f"{str(path.relative_to(GENERATED_DIR.parents[1])):<40} {SIZES[label]:>12,} "
                  f"{path.stat().st_size / 1e6:>8.1f} {'exists':>8} {'':>12}")
            continue
        t0 = time.perf_counter()
        write_orders_parquet(path, n_lines=SIZES[label], seed=args.seed)
        dt = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{str(path.relative_to(GENERATED_DIR.parents[1])):<40} {SIZES[label]:>12,} "
              f"{path.stat().st_size / 1e6:>8.1f} {dt:>8.1f} {peak:>12.0f}")


if __name__ == "__main__":
    main()
