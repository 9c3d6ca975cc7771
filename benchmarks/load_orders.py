"""Benchmark: how long and how much memory `load_orders` needs on large GENERATED Parquet files.

For each file (``data/generated/orders_1M.parquet``, ``orders_10M.parquet``; written by
``benchmarks/generate_orders.py`` when missing) a fresh Python process measures, one step after another:

1. ``import``: ``import workbench`` plus the engine stack (ibis, duckdb) that any analysis needs anyway;
2. ``load_orders``: from the call until an analysis can start (the table is mapped lazily through Ibis on
   DuckDB; the file is fingerprinted (sha256) for the run manifest, which is included in this time);
3. ``summary``: the first look at the load summary (its lazy counts run as one DuckDB query each);
4. ``first aggregation``: monthly net revenue, orders and active customers, brought back to pandas;
5. for comparison, ``pandas.read_parquet`` of the whole file in a separate process (what an eager loader
   would cost).

Each step prints wall time and the process's resident memory (RSS) after the step and its peak so far. The
data are generated (seeded), not real sales. Speed is measured here, never asserted in tests.

Run: ``.venv/bin/python benchmarks/load_orders.py`` (``--sizes 1M`` for a quick run).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate_orders import SIZES, path_for  # noqa: E402

CHILD_LAZY = r"""
import json, resource, sys, time, warnings
import psutil
warnings.filterwarnings("ignore", message=".*infer_string.*")
proc = psutil.Process()
out = []
def step(name, t0):
    out.append({"step": name, "seconds": time.perf_counter() - t0, "rss_mb": proc.memory_info().rss / 2**20,
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})
t0 = time.perf_counter()
import ibis, duckdb
import workbench as wb
from workbench.engine import default_backend, to_pandas
default_backend()
step("import workbench + ibis/duckdb", t0)
t0 = time.perf_counter()
orders = wb.load_orders(sys.argv[1])
step("load_orders (lazy, incl. sha256)", t0)
t0 = time.perf_counter()
orders.summary.resolve()
step("summary counts (first access)", t0)
t0 = time.perf_counter()
t = orders.table
month = t.order_date.truncate("M").name("month")
monthly = to_pandas(t.group_by(month).aggregate(revenue=t.revenue.sum(), orders=t.order_id.nunique(),
                                                customers=t.customer_id.nunique()).order_by("month"))
step(f"first aggregation ({len(monthly)} months)", t0)
out.append({"lines": int(orders.summary.lines_kept), "revenue": float(monthly.revenue.sum())})
print(json.dumps(out))
"""

CHILD_PANDAS = r"""
import json, resource, sys, time
import psutil
import pandas as pd
t0 = time.perf_counter()
df = pd.read_parquet(sys.argv[1])
print(json.dumps([{"step": "pandas.read_parquet (eager, all columns)", "seconds": time.perf_counter() - t0,
                   "rss_mb": psutil.Process().memory_info().rss / 2**20,
                   "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}]))
"""


def run(code: str, path: Path) -> list[dict]:
    res = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, cwd=ROOT)
    if res.returncode:
        raise SystemExit(res.stderr)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    ap.add_argument("--no-pandas", action="store_true", help="skip the eager pandas comparison")
    args = ap.parse_args(argv)
    for label in args.sizes:
        path = path_for(label)
        if not path.exists():
            from generate_orders import main as generate
            generate(["--sizes", label])
        print(f"\n{path.relative_to(ROOT)}: {SIZES[label]:,} generated lines, {path.stat().st_size / 1e6:.0f} MB")
        rows = run(CHILD_LAZY, path)
        check = rows.pop()
        if not args.no_pandas:
            rows += run(CHILD_PANDAS, path)
        print(f"  {'step':<44} {'seconds':>8} {'RSS MB':>8} {'peak MB':>8}")
        for r in rows:
            print(f"  {r['step']:<44} {r['seconds']:>8.3f} {r['rss_mb']:>8.0f} {r['peak_mb']:>8.0f}")
        print(f"  check: {check['lines']:,} lines kept, net revenue {check['revenue']:,.2f}")


if __name__ == "__main__":
    main()
