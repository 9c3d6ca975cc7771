"""Benchmark: how long and how much memory `load_orders` needs on large GENERATED Parquet and CSV files.

Parquet (``data/generated/orders_1M.parquet``, ``orders_10M.parquet``; written by ``benchmarks/generate_orders.py``
when missing): a fresh Python process measures, one step after another:

1. ``import``: ``import workbench`` plus the engine stack (ibis, duckdb) that any analysis needs anyway;
2. ``load_orders``: from the call until an analysis can start (the table is mapped lazily through Ibis on
   DuckDB; the file is fingerprinted (sha256) for the run manifest, which is included in this time);
3. ``summary``: the first look at the load summary (its lazy counts run as one DuckDB query each);
4. ``first aggregation``: monthly net revenue, orders and active customers, brought back to pandas;
5. for comparison, ``pandas.read_parquet`` of the whole file in a separate process (what an eager loader
   would cost).

CSV (``data/generated/orders_2M.csv``: 2M GENERATED canonical lines with the columns order_id, customer_id,
order_date, revenue, quantity, line_type, sku, unit_price, discount, tax, shipping, about 157 MB; written once
from ``workbench.data.synthetic.orders`` when missing): each in a fresh process,

1. ``load_orders``: DuckDB parses the file with what the careful reader detects on its first MiB and one
   query checks every line and counts the load summary (incl. the sha256 fingerprint);
2. then a count and revenue sum over the loaded lines, and the first aggregation (as above);
3. the careful reader alone (every value held and checked in Python: the loader before DuckDB parsed CSVs),
   unless ``--no-careful``;
4. for comparison, DuckDB alone: ``read_csv`` counting the lines and summing revenue, and reading every column.

Each step prints wall time, CPU time (user + system of the process: steadier than wall time on a shared
machine) and the process's peak resident memory during the step (Linux VmHWM, reset before each step), also as
the increase over the process before the step (after its imports and the steps before). The data are generated
(seeded), not real sales. Speed is measured here, never asserted in tests.

Run: ``.venv/bin/python benchmarks/load_orders.py`` (``--kinds csv`` for the CSV part only, ``--sizes 1M`` for
the small Parquet file only).
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

# CSV: every child measures wall and CPU time, peak RSS and the RSS before the step (after its imports)
_MEASURE = r"""
import json, resource, sys, time, warnings
import psutil
warnings.filterwarnings("ignore", message=".*infer_string.*")
proc = psutil.Process()
out = []
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
def peak_mb():
    # the process's own high-water mark (ru_maxrss would include the parent's: Linux keeps it across exec)
    with open("/proc/self/status") as fh:
        return next(int(ln.split()[1]) for ln in fh if ln.startswith("VmHWM:")) / 1024
def reset_peak():
    try:   # Linux >= 4.0: the high-water mark restarts from the current RSS, so each step has its own peak
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass
class Step:
    def __init__(self, name):
        self.name = name
    def __enter__(self):
        reset_peak()
        self.base, self.t0, self.c0 = proc.memory_info().rss / 2**20, time.perf_counter(), cpu()
    def __exit__(self, *exc):
        out.append({"step": self.name, "seconds": time.perf_counter() - self.t0, "cpu": cpu() - self.c0,
                    "peak_mb": peak_mb(), "base_mb": self.base})
"""

CHILD_CSV = _MEASURE + r"""
import workbench as wb
from workbench.engine import default_backend, to_pandas
import workbench.data.orders.csvfast as csvfast
default_backend().con.execute("SET enable_progress_bar = false")
careful = sys.argv[2] == "careful"
if careful:   # the careful reader alone: what load_orders did before DuckDB parsed CSV exports
    def refuse(*args, **kwargs):
        raise csvfast.NotForEngine("benchmark: careful reader only.")
    csvfast._head = refuse
with Step("load_orders, careful reader only" if careful else "load_orders (DuckDB parses, one checking query)"):
    orders = wb.load_orders(sys.argv[1])
    orders.summary.resolve()
t = orders.table
with Step("then count + revenue sum"):
    check = to_pandas(t.aggregate(n=t.count(), revenue=t.revenue.sum()))
with Step("then first aggregation (monthly)"):
    month = t.order_date.truncate("M").name("month")
    to_pandas(t.group_by(month).aggregate(revenue=t.revenue.sum(), orders=t.order_id.nunique(),
                                          customers=t.customer_id.nunique()))
out.append({"lines": int(check.n.iloc[0]), "revenue": float(check.revenue.iloc[0]),
            "way": next((n.split(":")[0][:40] for n in orders.summary.notes if n.startswith("Read by")), "")})
print(json.dumps(out))
"""

CHILD_DUCKDB = _MEASURE + r"""
import duckdb
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
path = sys.argv[1].replace("'", "''")
with Step("DuckDB read_csv: count + revenue sum"):
    n, revenue = con.execute(f"SELECT count(*), sum(revenue) FROM read_csv('{path}')").fetchone()
cols = [d[0] for d in con.execute(f"SELECT * FROM read_csv('{path}') LIMIT 0").description]
with Step("DuckDB read_csv: every column read"):
    con.execute(f"SELECT count(*), " + ", ".join(f'count("{c}")' for c in cols) + f" FROM read_csv('{path}')")
out.append({"lines": int(n), "revenue": float(revenue)})
print(json.dumps(out))
"""

CSV_COLUMNS = ("order_id", "customer_id", "order_date", "revenue", "quantity", "line_type", "sku", "unit_price",
               "discount", "tax", "shipping")
CSV_LINES = 2_000_000


def csv_path(lines: int = CSV_LINES) -> Path:
    from workbench.config import GENERATED_DIR
    return GENERATED_DIR / f"orders_{lines // 1_000_000}M.csv"


def write_csv(path: Path, lines: int = CSV_LINES, seed: int = 20261128) -> Path:
    """The GENERATED canonical CSV export, written once (batch by batch through DuckDB)."""
    import duckdb

    from workbench.data.synthetic.orders import iter_order_batches

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".csv.partial")
    con = duckdb.connect()
    for i, batch in enumerate(iter_order_batches(lines, seed=seed)):
        con.register("batch", batch.select(list(CSV_COLUMNS)))
        con.execute(("CREATE TABLE t AS " if i == 0 else "INSERT INTO t ") +
                    "SELECT * REPLACE (CAST(line_type AS VARCHAR) AS line_type, CAST(sku AS VARCHAR) AS sku) "
                    "FROM batch")
        con.unregister("batch")
    con.execute(f"COPY t TO '{tmp}' (HEADER, DELIMITER ',', TIMESTAMPFORMAT '%Y-%m-%d %H:%M:%S')")
    tmp.replace(path)
    return path


def run(code: str, *args: str) -> list[dict]:
    res = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, cwd=ROOT)
    if res.returncode:
        raise SystemExit(res.stderr)
    return json.loads(res.stdout.strip().splitlines()[-1])


def bench_parquet(sizes: list[str], pandas: bool) -> None:
    for label in sizes:
        path = path_for(label)
        if not path.exists():
            from generate_orders import main as generate
            generate(["--sizes", label])
        print(f"\n{path.relative_to(ROOT)}: {SIZES[label]:,} generated lines, {path.stat().st_size / 1e6:.0f} MB")
        rows = run(CHILD_LAZY, path)
        check = rows.pop()
        if pandas:
            rows += run(CHILD_PANDAS, path)
        print(f"  {'step':<44} {'seconds':>8} {'RSS MB':>8} {'peak MB':>8}")
        for r in rows:
            print(f"  {r['step']:<44} {r['seconds']:>8.3f} {r['rss_mb']:>8.0f} {r['peak_mb']:>8.0f}")
        print(f"  check: {check['lines']:,} lines kept, net revenue {check['revenue']:,.2f}")


def bench_csv(careful: bool) -> None:
    path = csv_path()
    if not path.exists():
        print(f"writing {path.relative_to(ROOT)} (once) ...", flush=True)
        write_csv(path)
    print(f"\n{path.relative_to(ROOT)}: {CSV_LINES:,} generated canonical lines, {path.stat().st_size / 1e6:.0f} MB")
    fast = run(CHILD_CSV, path, "fast")
    duck = run(CHILD_DUCKDB, path)
    slow = run(CHILD_CSV, path, "careful") if careful else []
    checks = [fast.pop(), duck.pop()] + ([slow.pop()] if slow else [])
    rows = fast + slow + duck
    print(f"  {'step':<48} {'seconds':>8} {'CPU s':>7} {'peak MB':>8} {'+MB':>6}")
    for r in rows:
        print(f"  {r['step']:<48} {r['seconds']:>8.2f} {r['cpu']:>7.2f} {r['peak_mb']:>8.0f} "
              f"{r['peak_mb'] - r['base_mb']:>6.0f}")
    load, ref = fast[0], duck[0]
    grew = (load["peak_mb"] - load["base_mb"]) / max(1.0, ref["peak_mb"] - ref["base_mb"])
    print(f"  load_orders / DuckDB count+sum: time x{load['seconds'] / ref['seconds']:.1f} (CPU "
          f"x{load['cpu'] / ref['cpu']:.1f}), memory increase x{grew:.1f} (peak RSS "
          f"x{load['peak_mb'] / ref['peak_mb']:.1f})")
    if slow:
        print(f"  careful reader / load_orders: time x{slow[0]['seconds'] / load['seconds']:.1f}")
    for c in checks:
        way = f" ({c['way']})" if c.get("way") else ""
        print(f"  check: {c['lines']:,} lines, revenue {c['revenue']:,.2f}{way}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kinds", nargs="+", default=["parquet", "csv"], choices=["parquet", "csv"])
    ap.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES), help="Parquet sizes")
    ap.add_argument("--no-pandas", action="store_true", help="skip the eager pandas comparison (Parquet)")
    ap.add_argument("--no-careful", action="store_true", help="skip the careful reader alone (CSV, slow)")
    args = ap.parse_args(argv)
    if "parquet" in args.kinds:
        bench_parquet(args.sizes, pandas=not args.no_pandas)
    if "csv" in args.kinds:
        bench_csv(careful=not args.no_careful)


if __name__ == "__main__":
    main()
