"""Benchmark: store KPIs, RFM and cohorts through the package (Ibis on DuckDB) vs plain vectorised pandas.

For each generated order-line Parquet file (1M and 10M lines by default) and each analysis (KPIs, RFM, cohorts,
and ``all`` three in one process as a report runs them) the script runs one subprocess per side, so each side's
peak resident memory is its own:

- **package**: ``wb.load_orders(path)`` (lazy: DuckDB reads the Parquet file inside each query), then
  ``wb.sales.kpis_by_period`` (monthly), ``wb.customers.rfm`` and ``wb.sales.cohort_retention``;
- **pandas**: ``pd.read_parquet`` of the needed columns, then the same numbers with straightforward vectorised
  pandas (groupby / map / nunique; no Python loops over lines): the functions ``pandas_*`` below.

Each side writes its results to a temporary folder; the parent checks that both agree (counts and scores
exactly; money to a relative 1e-9 or 0.5 cent absolute, because floating sums differ in the last bits between
engines and summation orders) and prints wall time, CPU time and peak memory (VmHWM) per process.

The data are **generated** by ``benchmarks/generate_orders.py`` (``workbench.data.synthetic.orders``: seeded,
every canonical column, returns, guest orders), written once to ``data/generated/orders_{1M,10M}.parquet``
(``--generate`` forces a rewrite).

Run: ``.venv/bin/python benchmarks/analyses.py`` (``--sizes 1M`` for a quick run, ``--analyses kpis rfm`` to pick). Nothing here is timed in
the test suite; ``tests/analyses/sales/test_reference.py`` checks the pandas functions against the package on
real and generated data, so the benchmark compares equal things.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
GENERATED = ROOT / "data" / "generated"
SIZES = {"1M": 1_000_000, "10M": 10_000_000}
COLUMNS = ["order_id", "customer_id", "order_date", "revenue", "quantity", "line_type"]


# ------------------------------------------------------------------------------------------------------------
# generated data: the data engineer's generator (benchmarks/generate_orders.py) writes the files once
# ------------------------------------------------------------------------------------------------------------

def data_file(label: str, *, force: bool = False) -> Path:
    path = GENERATED / f"orders_{label}.parquet"
    if force or not path.exists():
        cmd = [sys.executable, str(ROOT / "benchmarks" / "generate_orders.py"), "--sizes", label]
        subprocess.run(cmd + (["--force"] if force else []), check=True, cwd=ROOT)
    return path


# ------------------------------------------------------------------------------------------------------------
# the pandas side: the same numbers, straightforward vectorised pandas
# ------------------------------------------------------------------------------------------------------------

def pandas_kpis(df: pd.DataFrame) -> pd.DataFrame:
    """Monthly base KPIs (the sums and counts behind every ratio), indexed by month start."""
    p = df["order_date"].dt.to_period("M").dt.start_time
    sale = df["line_type"] == "sale"
    known_sale = sale & df["customer_id"].notna()
    first = df.loc[known_sale].groupby("customer_id")["order_date"].min().dt.to_period("M").dt.start_time
    fp = df["customer_id"].map(first)
    is_new = df["customer_id"].notna() & (fp == p)
    out = pd.DataFrame({
        "revenue": df["revenue"].groupby(p).sum(),
        "gross_sales": df["revenue"].where(sale, 0.0).groupby(p).sum(),
        "returns": -df["revenue"].where(df["line_type"] == "return", 0.0).groupby(p).sum(),
        "orders": df.loc[sale, "order_id"].groupby(p[sale]).nunique(),
        "units": df["quantity"].where(sale, 0).groupby(p).sum(),
        "new_customer_revenue": df["revenue"].where(is_new, 0.0).groupby(p).sum(),
        "guest_revenue": df["revenue"].where(df["customer_id"].isna(), 0.0).groupby(p).sum(),
    })
    cp = (df.loc[known_sale, ["customer_id", "order_id"]].assign(p=p[known_sale])
          .groupby(["p", "customer_id"])["order_id"].nunique().rename("n").reset_index())
    cp["new"] = cp["customer_id"].map(first) == cp["p"]
    g = cp.groupby("p")
    out["customers"] = g.size()
    out["new_customers"] = g["new"].sum()
    out["repeat_customers"] = (cp["n"] >= 2).groupby(cp["p"]).sum()
    out["multi_order_customers"] = (~cp["new"] | (cp["n"] >= 2)).groupby(cp["p"]).sum()
    out.index.name = "period_start"
    return out.fillna(0)


def _score(values: pd.Series, higher_is_better: bool = True) -> pd.Series:
    worse = (values if higher_is_better else -values).rank(method="min").astype("int64") - 1
    return 1 + (5 * worse) // len(values)


def pandas_rfm(df: pd.DataFrame) -> pd.DataFrame:
    """RFM per customer as of the last order date: recency_days, frequency, monetary and the three scores."""
    as_of = df["order_date"].max().normalize()
    known = df[df["customer_id"].notna()]
    sales = known[known["line_type"] == "sale"]
    g = sales.groupby("customer_id")
    out = pd.DataFrame({"last": g["order_date"].max(), "frequency": g["order_id"].nunique()})
    out["monetary"] = known.groupby("customer_id")["revenue"].sum().reindex(out.index)
    out["recency_days"] = (as_of - out.pop("last").dt.normalize()).dt.days
    out["r_score"] = _score(out["recency_days"], higher_is_better=False)
    out["f_score"] = _score(out["frequency"])
    out["m_score"] = _score(out["monetary"].round(2))
    return out.sort_index()


def pandas_rfm_distribution(df: pd.DataFrame) -> pd.DataFrame:
    """Customers and their total monetary value per (r, f, m) score triple: the numbers behind the segment summary."""
    r = pandas_rfm(df)
    return (r.groupby(["r_score", "f_score", "m_score"])
            .agg(customers=("monetary", "size"), monetary=("monetary", "sum")).sort_index())


def pandas_cohorts(df: pd.DataFrame) -> pd.DataFrame:
    """Per (cohort month, months since acquisition): cohort size, active customers, orders, net revenue."""
    known = df[df["customer_id"].notna()]
    sale = known["line_type"] == "sale"
    first = known.loc[sale].groupby("customer_id")["order_date"].min()
    cm = first.dt.year * 12 + first.dt.month
    line_c = known["customer_id"].map(cm)
    age = known["order_date"].dt.year * 12 + known["order_date"].dt.month - line_c
    keep = line_c.notna() & (age >= 0)
    k = known.loc[keep].assign(c=line_c[keep].astype("int64"), age=age[keep].astype("int64"))
    ks = k[k["line_type"] == "sale"]
    out = pd.DataFrame({
        "active_customers": ks.groupby(["c", "age"])["customer_id"].nunique(),
        "orders": ks.groupby(["c", "age"])["order_id"].nunique(),
        "revenue": k.groupby(["c", "age"])["revenue"].sum(),
    }).fillna(0)
    out = out.join(cm.value_counts().rename("cohort_size"), on="c")
    out = out.reset_index()
    out["cohort"] = pd.to_datetime({"year": (out["c"] - 1) // 12, "month": (out["c"] - 1) % 12 + 1, "day": 1})
    return out.drop(columns="c").set_index(["cohort", "age"]).sort_index()


# ------------------------------------------------------------------------------------------------------------
# workers (one process per side) and the comparison
# ------------------------------------------------------------------------------------------------------------

def _peak_mb() -> float:
    """Peak resident memory of this process (VmHWM). Not ru_maxrss: Linux carries the parent's high-water mark
    across fork+exec into it, so a child would report at least the parent's size."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _Timer:
    """Wall-clock and process CPU seconds (all threads) of each step."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    def __call__(self, step: str, fn, *args, **kwargs):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn(*args, **kwargs)
        self.wall[step], self.cpu[step] = time.perf_counter() - t0, time.process_time() - c0
        return out


ANALYSES = ("kpis", "rfm", "rfm_segments", "cohorts")
REPORT = ("kpis", "rfm_segments", "cohorts")   # what the sales-performance report computes ("all")


def worker(side: str, analysis: str, path: Path, out: Path) -> dict:
    """Load the file and run one analysis (or ``all`` three) on one side; write the results to ``out``."""
    timer = _Timer()
    steps = REPORT if analysis == "all" else (analysis,)
    if side == "package":
        import workbench as wb
        from workbench import engine
        wb.sales, wb.customers  # noqa: B018  (imports, outside the timings)
        base = _peak_mb()
        orders = timer("load", wb.load_orders, path)
        def rfm_segments():
            # what the report needs: scores and segments stay in the engine; back come the segment summary
            # (ten rows) and the score distribution (at most 125 rows), which checks every customer's scores
            t = wb.customers.rfm_query(orders)
            wb.customers.rfm_segment_summary(t)
            dist = t.group_by(["r_score", "f_score", "m_score"]).aggregate(customers=t.count(),
                                                                          monetary=t.monetary.sum())
            return engine.to_pandas(dist)

        run = {"kpis": lambda: wb.sales.kpis_by_period(orders, period="month"),
               "rfm": lambda: wb.customers.rfm(orders),
               "rfm_segments": rfm_segments,
               "cohorts": lambda: wb.sales.cohort_retention(orders, complete_months_only=False)}
        shape = {"kpis": lambda r: r.set_index("period_start"),
                 "rfm": lambda r: r.set_index("customer_id")[["recency_days", "frequency", "monetary", "r_score",
                                                              "f_score", "m_score"]],
                 "rfm_segments": lambda r: r.set_index(["r_score", "f_score", "m_score"]).sort_index(),
                 "cohorts": lambda r: r.set_index(["cohort", "age"])[["cohort_size", "active_customers", "orders",
                                                                      "revenue"]]}
    else:
        import pyarrow  # noqa: F401
        base = _peak_mb()
        df = timer("load", pd.read_parquet, path, columns=COLUMNS)
        run = {"kpis": lambda: pandas_kpis(df), "rfm": lambda: pandas_rfm(df),
               "rfm_segments": lambda: pandas_rfm_distribution(df), "cohorts": lambda: pandas_cohorts(df)}
        shape = {k: (lambda r: r) for k in ANALYSES}
    for step in steps:
        result = timer(step, run[step])
        shape[step](result).to_parquet(out / f"{step}.parquet")
        del result
    return {"side": side, "analysis": analysis, "wall": timer.wall, "cpu": timer.cpu, "peak_mb": _peak_mb(),
            "base_mb": base}


MONEY = {"revenue", "gross_sales", "returns", "new_customer_revenue", "guest_revenue", "monetary"}


def compare(a: Path, b: Path, names: tuple[str, ...] = ANALYSES) -> list[str]:
    """Differences between the package's and pandas' results (empty list = they agree)."""
    problems = []
    for name in names:
        x, y = pd.read_parquet(a / f"{name}.parquet"), pd.read_parquet(b / f"{name}.parquet")
        extra = x.index.difference(y.index)
        if name == "cohorts" and len(extra):
            # the package lists every (cohort, month) cell; pandas only cells with lines: the rest must be zero
            quiet = x.loc[extra, ["active_customers", "orders", "revenue"]]
            if (quiet != 0).any().any():
                problems.append(f"cohorts: {len(extra)} cells only in the package's table, not all zero")
            x = x.drop(index=extra)
        if len(x) != len(y) or not x.index.equals(y.sort_index().index.intersection(x.index)) \
                or len(y.index.difference(x.index)):
            problems.append(f"{name}: rows differ ({len(x)} vs {len(y)})")
            continue
        y = y.reindex(x.index)
        for col in y.columns:
            u, v = x[col].to_numpy(dtype="float64"), y[col].to_numpy(dtype="float64")
            if col in MONEY:
                ok = np.isclose(u, v, rtol=1e-9, atol=0.005)
            else:
                ok = u == v
            if not ok.all():
                i = int(np.flatnonzero(~ok)[0])
                problems.append(f"{name}.{col}: {int((~ok).sum()):,} differ (first at {x.index[i]}: {u[i]} vs {v[i]})")
    return problems


def _side(side: str, analysis: str, path: Path, out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run([sys.executable, __file__, "--worker", side, "--analysis", analysis, "--path", str(path),
                           "--out", str(out)], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode:
        raise SystemExit(f"{side} worker ({analysis}) failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run(sizes: list[str], force: bool, analyses: list[str]) -> None:
    rows = []
    for label in sizes:
        path = data_file(label, force=force)
        for analysis in analyses:
            with tempfile.TemporaryDirectory() as tmp:
                pk = _side("package", analysis, path, Path(tmp) / "package")
                pd_ = _side("pandas", analysis, path, Path(tmp) / "pandas")
                names = REPORT if analysis == "all" else (analysis,)
                problems = compare(Path(tmp) / "package", Path(tmp) / "pandas", names)
            rows.append((label, analysis, pk, pd_, problems))
            print(f"{label} {analysis}: package {pk['wall']['load'] + sum(pk['wall'][n] for n in names):.1f} s, "
                  f"{pk['peak_mb']:.0f} MB; pandas {pd_['wall']['load'] + sum(pd_['wall'][n] for n in names):.1f} s, "
                  f"{pd_['peak_mb']:.0f} MB; results " + ("agree" if not problems else "DIFFER: " + "; ".join(problems)),
                  flush=True)
    load1, load5, _ = os.getloadavg()
    print(f"\n{'lines':>5} {'analysis':<12} | {'wall s':>7} {'pandas':>7} {'faster':>7} | {'CPU s':>6} {'pandas':>7} | "
          f"{'peak MB':>8} {'pandas':>7} {'share':>6} | agree")
    for label, analysis, pk, pd_, problems in rows:
        names = REPORT if analysis == "all" else (analysis,)
        w = [r["wall"]["load"] + sum(r["wall"][n] for n in names) for r in (pk, pd_)]
        c = [r["cpu"]["load"] + sum(r["cpu"][n] for n in names) for r in (pk, pd_)]
        m = [pk["peak_mb"], pd_["peak_mb"]]
        print(f"{label:>5} {analysis:<12} | {w[0]:>7.1f} {w[1]:>7.1f} {w[1] / w[0]:>6.1f}x | {c[0]:>6.1f} {c[1]:>7.1f} | "
              f"{m[0]:>8.0f} {m[1]:>7.0f} {m[0] / m[1]:>6.2f} | {'yes' if not problems else 'NO'}")
    print(f"\nOne process per side and analysis, each loading the file then running the analysis ('all' = the three "
          f"(kpis, rfm_segments, cohorts) in one process, as the sales-performance report does; rfm = the per-customer table collected to pandas, rfm_segments = scores and segments computed in the engine, only the segment summary and the score distribution brought back). Wall and CPU seconds include the load: lazy for the package (DuckDB "
          f"reads the Parquet file inside each query), pd.read_parquet of the six needed columns for pandas. CPU = "
          f"process CPU seconds over all threads (DuckDB uses both cores, pandas one). Peak MB = the process's "
          f"maximum resident memory (VmHWM), imports included (about {rows[0][2]['base_mb']:.0f} MB for the package, "
          f"{rows[0][3]['base_mb']:.0f} MB for pandas); share = package / pandas, target 1/3 or less. Targets at "
          f"10M lines: at least 2x faster. The machine has 2 cores shared with other work: load average "
          f"{load1:.1f} / {load5:.1f} (1 / 5 min) at the end of the run.")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    ap.add_argument("--analyses", nargs="+", default=[*ANALYSES, "all"], choices=[*ANALYSES, "all"])
    ap.add_argument("--generate", action="store_true", help="rewrite the generated Parquet files")
    ap.add_argument("--analysis", choices=[*ANALYSES, "all"], help=argparse.SUPPRESS)
    ap.add_argument("--worker", choices=["package", "pandas"], help=argparse.SUPPRESS)
    ap.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.analysis, args.path, args.out)))
        return
    os.environ.setdefault("PYTHONWARNINGS", "ignore::DeprecationWarning")
    run(args.sizes, args.generate, args.analyses)


if __name__ == "__main__":
    main()
