"""Benchmark: store KPIs, RFM and cohorts through the package, in hand-written DuckDB SQL, and in plain pandas.

For each generated order-line Parquet file (1M and 10M lines by default; ``--sizes 100M`` for ten id-distinct copies
of the 10M file) and each figure (KPIs, RFM, cohorts, and ``all`` three in one process as the sales report runs
them) the script runs one subprocess per side, so each side's peak resident memory is its own:

- **package**: ``wb.load_orders(path)`` (lazy: DuckDB reads the Parquet file inside each query), then the
  package's functions: for ``all``, as the report does, ``wb.sales.order_rollup`` once (the one pass over the
  lines) and ``kpis_by_period`` (monthly), ``rfm_segment_summary(rfm_query(...))`` and ``cohort_retention`` on
  it; for a single figure, the function on the order lines (it rolls them up itself);
- **sql**: the same figures in plain hand-written DuckDB SQL, one query per figure as an analyst writes it
  (:data:`SQL`): the floor the package's Ibis layer is measured against;
- **pandas**: ``pd.read_parquet`` of the needed columns, then straightforward vectorised pandas (groupby / map /
  nunique; no Python loops over lines): the functions ``pandas_*`` below. Not run at 100M lines (the frame alone
  would not fit a laptop).

Each side writes its results to a temporary folder; the parent checks that every side agrees with the package
(counts and scores exactly; money to a relative 1e-9 or 0.5 cent absolute, because floating sums differ in the last
bits between engines and summation orders) and prints wall time, CPU time and peak memory per figure: the process's
resident memory sampled every 10 ms with psutil during the step (``peak MB``), and the process's high-water mark
(VmHWM) for the whole run. DuckDB's memory ceiling: the package's own default (``workbench.engine.duckdb_settings``:
half the machine's memory) and DuckDB's default (80%) for the SQL side, unless ``--memory 3GB`` sets both.

The data are **generated** by ``benchmarks/generate_orders.py`` (``workbench.data.synthetic.orders``: seeded,
every canonical column, returns, guest orders), written once to ``data/generated/orders_{1M,10M,100M}.parquet``
(``--generate`` forces a rewrite). The machine may be shared: the load average is printed; run twice.

Run: ``.venv/bin/python benchmarks/analyses.py`` (``--sizes 1M`` for a quick run, ``--sizes 10M 100M --analyses all
--sides package sql`` for the report's figures at scale, ``--analyses kpis rfm`` to pick). Nothing here is timed
in the test suite; ``tests/analyses/sales/test_reference.py`` checks the pandas functions against the package on
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
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
GENERATED = ROOT / "data" / "generated"
SIZES = {"1M": 1_000_000, "10M": 10_000_000, "100M": 100_000_000}
DEFAULT_SIZES = ["1M", "10M"]
PANDAS_MAX_LINES = 10_000_000   # beyond this the pandas side is not run (the frame alone needs ~1 GB per 4M lines)
SIDES = ("package", "sql", "pandas")
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
# the hand-written SQL side: plain DuckDB SQL, one query per figure, as an analyst would write it
# ------------------------------------------------------------------------------------------------------------

SQL = {
    # monthly base KPIs (the sums and counts behind every ratio), as pandas_kpis
    "kpis": """
        WITH lines AS (
            SELECT order_id, customer_id, order_date, revenue, quantity, line_type,
                   date_trunc('month', order_date) AS period
            FROM {lines}
        ), first_sale AS (
            SELECT customer_id, date_trunc('month', min(order_date)) AS first_period
            FROM lines WHERE line_type = 'sale' AND customer_id IS NOT NULL
            GROUP BY customer_id
        ), totals AS (
            SELECT period,
                   sum(revenue) AS revenue,
                   sum(revenue) FILTER (WHERE line_type = 'sale') AS gross_sales,
                   -sum(revenue) FILTER (WHERE line_type = 'return') AS "returns",
                   count(DISTINCT order_id) FILTER (WHERE line_type = 'sale') AS orders,
                   sum(quantity) FILTER (WHERE line_type = 'sale') AS units,
                   sum(revenue) FILTER (WHERE first_period = period) AS new_customer_revenue,
                   sum(revenue) FILTER (WHERE customer_id IS NULL) AS guest_revenue
            FROM lines LEFT JOIN first_sale USING (customer_id)
            GROUP BY period
        ), customer_period AS (
            SELECT period, customer_id, count(DISTINCT order_id) AS n
            FROM lines WHERE line_type = 'sale' AND customer_id IS NOT NULL
            GROUP BY period, customer_id
        ), customers AS (
            SELECT period, count(*) AS customers,
                   count(*) FILTER (WHERE first_period = period) AS new_customers,
                   count(*) FILTER (WHERE n >= 2) AS repeat_customers,
                   count(*) FILTER (WHERE first_period < period OR n >= 2) AS multi_order_customers
            FROM customer_period JOIN first_sale USING (customer_id)
            GROUP BY period
        )
        SELECT period AS period_start, * EXCLUDE (period)
        FROM totals LEFT JOIN customers USING (period) ORDER BY period
    """,
    # RFM values and quintile scores per customer as of the last order date (kept as a table for the two uses)
    "rfm_scores": """
        CREATE OR REPLACE TEMP TABLE rfm AS
        WITH known AS (
            SELECT customer_id, order_id, order_date, revenue, line_type FROM {lines} WHERE customer_id IS NOT NULL
        ), per_customer AS (
            SELECT customer_id,
                   max(order_date) FILTER (WHERE line_type = 'sale') AS last_order,
                   count(DISTINCT order_id) FILTER (WHERE line_type = 'sale') AS frequency,
                   sum(revenue) AS monetary
            FROM known GROUP BY customer_id
        ), valued AS (
            SELECT customer_id, frequency, monetary,
                   date_diff('day', last_order::DATE, (SELECT max(order_date)::DATE FROM {lines})) AS recency_days
            FROM per_customer WHERE frequency > 0
        )
        SELECT *,
               1 + 5 * (rank() OVER (ORDER BY recency_days DESC) - 1) // count(*) OVER () AS r_score,
               1 + 5 * (rank() OVER (ORDER BY frequency) - 1) // count(*) OVER () AS f_score,
               1 + 5 * (rank() OVER (ORDER BY floor(monetary * 100 + 0.5)) - 1) // count(*) OVER () AS m_score
        FROM valued
    """,
    "rfm": """
        SELECT customer_id, recency_days, frequency, monetary, r_score, f_score, m_score FROM rfm ORDER BY customer_id
    """,
    # what the report shows: one row per segment (the 125 score triples mapped by the package's rule table)
    "rfm_segments": """
        WITH grid (r_score, f_score, m_score, segment, segment_exact) AS (VALUES {grid})
        SELECT segment, count(*) AS customers, sum(monetary) AS revenue, sum(frequency) AS orders,
               median(recency_days) AS median_recency_days, avg(frequency) AS mean_frequency,
               avg(monetary) AS mean_monetary, count(*) FILTER (WHERE NOT segment_exact) AS placed_by_nearness
        FROM rfm JOIN grid USING (r_score, f_score, m_score) GROUP BY segment
    """,
    "rfm_distribution": """
        SELECT r_score, f_score, m_score, count(*) AS customers, sum(monetary) AS monetary
        FROM rfm GROUP BY ALL ORDER BY ALL
    """,
    # monthly acquisition cohorts: cohort size, active customers, orders and net revenue per month since acquisition
    "cohorts": """
        WITH known AS (
            SELECT customer_id, order_id, revenue, line_type, year(order_date) * 12 + month(order_date) AS m
            FROM {lines} WHERE customer_id IS NOT NULL
        ), first_month AS (
            SELECT customer_id, min(m) AS c FROM known WHERE line_type = 'sale' GROUP BY customer_id
        ), customer_month AS (
            SELECT customer_id, m, count(DISTINCT order_id) FILTER (WHERE line_type = 'sale') AS n,
                   sum(revenue) AS revenue
            FROM known GROUP BY customer_id, m
        ), cells AS (
            SELECT c, m - c AS age, count(*) FILTER (WHERE n > 0) AS active_customers, sum(n) AS orders,
                   sum(revenue) AS revenue
            FROM customer_month JOIN first_month USING (customer_id) WHERE m >= c GROUP BY c, m
        ), sizes AS (
            SELECT c, count(*) AS cohort_size FROM first_month GROUP BY c
        )
        SELECT make_date(((c - 1) // 12)::INT, ((c - 1) % 12 + 1)::INT, 1) AS cohort, age, cohort_size,
               active_customers, orders, revenue
        FROM cells JOIN sizes USING (c) ORDER BY cohort, age
    """,
}


def sql_figures(con, path: Path, grid: str):
    """The hand-written side's functions, one per figure, on a DuckDB connection ``con``."""
    lines = f"read_parquet('{path}')"

    def query(name: str) -> pd.DataFrame:
        return con.execute(SQL[name].format(lines=lines, grid=grid)).df()

    def kpis() -> pd.DataFrame:
        out = query("kpis").set_index("period_start")
        out.index = pd.to_datetime(out.index)
        return out.fillna(0)

    def scores() -> None:
        con.execute(SQL["rfm_scores"].format(lines=lines))

    def rfm() -> pd.DataFrame:
        scores()
        return query("rfm").set_index("customer_id")

    def rfm_segments() -> pd.DataFrame:
        scores()
        query("rfm_segments")  # the report's table (ten rows)
        return query("rfm_distribution").set_index(["r_score", "f_score", "m_score"])

    def cohorts() -> pd.DataFrame:
        out = query("cohorts")
        out["cohort"] = pd.to_datetime(out["cohort"])
        return out.set_index(["cohort", "age"])

    return {"kpis": kpis, "rfm": rfm, "rfm_segments": rfm_segments, "cohorts": cohorts}


def _segment_grid() -> str:
    from workbench.analyses.customers.rfm import rfm_segment_grid

    g = rfm_segment_grid()
    return ", ".join(f"({r.r_score}, {r.f_score}, {r.m_score}, '{r.segment.replace(chr(39), chr(39) * 2)}', "
                     f"{str(bool(r.segment_exact)).upper()})" for r in g.itertuples())


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


class _Meter:
    """Wall-clock seconds, process CPU seconds (all threads) and peak resident memory (psutil, sampled every
    10 ms) of each step."""

    def __init__(self) -> None:
        import psutil

        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.peak: dict[str, float] = {}
        self._proc, self._now = psutil.Process(), 0
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while True:
            self._now = max(self._now, self._proc.memory_info().rss)
            time.sleep(0.01)

    def __call__(self, step: str, fn, *args, **kwargs):
        self._now = self._proc.memory_info().rss
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn(*args, **kwargs)
        self.wall[step], self.cpu[step] = time.perf_counter() - t0, time.process_time() - c0
        self.peak[step] = max(self._now, self._proc.memory_info().rss) / 2**20
        return out


ANALYSES = ("kpis", "rfm", "rfm_segments", "cohorts")
REPORT = ("kpis", "rfm_segments", "cohorts")   # what the sales-performance report computes ("all")


def worker(side: str, analysis: str, path: Path, out: Path, memory: str | None) -> dict:
    """Load the file and run one figure (or ``all`` three) on one side; write the results to ``out``."""
    meter = _Meter()
    names = REPORT if analysis == "all" else (analysis,)
    steps: list[str] = []
    if side == "package":
        import workbench as wb
        from workbench import engine
        wb.sales, wb.customers, engine.default_backend()  # noqa: B018  (imports and the engine, outside the timings)
        base = _peak_mb()
        orders = meter("load", wb.load_orders, path)
        source = orders
        if analysis == "all":  # as the report: one pass over the lines, every figure from it
            source = meter("rollup", wb.sales.order_rollup, orders)
            steps.append("rollup")

        def rfm_segments():
            # what the report needs: scores and segments stay in the engine; back come the segment summary
            # (ten rows) and the score distribution (at most 125 rows), which checks every customer's scores
            t = wb.customers.rfm_query(source)
            wb.customers.rfm_segment_summary(t)
            dist = t.group_by(["r_score", "f_score", "m_score"]).aggregate(customers=t.count(),
                                                                          monetary=t.monetary.sum())
            return engine.to_pandas(dist)

        run = {"kpis": lambda: wb.sales.kpis_by_period(source, period="month"),
               "rfm": lambda: wb.customers.rfm(source),
               "rfm_segments": rfm_segments,
               "cohorts": lambda: wb.sales.cohort_retention(source, complete_months_only=False)}
        shape = {"kpis": lambda r: r.set_index("period_start"),
                 "rfm": lambda r: r.set_index("customer_id")[["recency_days", "frequency", "monetary", "r_score",
                                                              "f_score", "m_score"]],
                 "rfm_segments": lambda r: r.set_index(["r_score", "f_score", "m_score"]).sort_index(),
                 "cohorts": lambda r: r.set_index(["cohort", "age"])[["cohort_size", "active_customers", "orders",
                                                                      "revenue"]]}
    elif side == "sql":
        import duckdb

        grid = _segment_grid()
        temp = tempfile.mkdtemp(prefix="bench-sql-duckdb-")
        config = {"temp_directory": temp, **({"memory_limit": memory} if memory else {})}
        base = _peak_mb()
        con = meter("load", duckdb.connect, config=config)
        run = sql_figures(con, path, grid)
        shape = {k: (lambda r: r) for k in ANALYSES}
    else:
        import pyarrow  # noqa: F401
        base = _peak_mb()
        df = meter("load", pd.read_parquet, path, columns=COLUMNS)
        run = {"kpis": lambda: pandas_kpis(df), "rfm": lambda: pandas_rfm(df),
               "rfm_segments": lambda: pandas_rfm_distribution(df), "cohorts": lambda: pandas_cohorts(df)}
        shape = {k: (lambda r: r) for k in ANALYSES}
    for name in names:
        result = meter(name, run[name])
        shape[name](result).to_parquet(out / f"{name}.parquet")
        del result
    steps = ["load", *steps, *names]
    return {"side": side, "analysis": analysis, "steps": steps, "wall": meter.wall, "cpu": meter.cpu,
            "peak_mb": meter.peak, "hwm_mb": _peak_mb(), "base_mb": base}


MONEY = {"revenue", "gross_sales", "returns", "new_customer_revenue", "guest_revenue", "monetary"}


def compare(a: Path, b: Path, names: tuple[str, ...] = ANALYSES) -> list[str]:
    """Differences between the package's results (``a``) and another side's (empty list = they agree)."""
    problems = []
    for name in names:
        x, y = pd.read_parquet(a / f"{name}.parquet"), pd.read_parquet(b / f"{name}.parquet")
        extra = x.index.difference(y.index)
        if name == "cohorts" and len(extra):
            # the package lists every (cohort, month) cell; the others only cells with lines: the rest must be zero
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


def _side(side: str, analysis: str, path: Path, out: Path, memory: str | None) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, **({"WORKBENCH_DUCKDB_MEMORY": memory} if memory else {}))
    cmd = [sys.executable, __file__, "--worker", side, "--analysis", analysis, "--path", str(path), "--out", str(out)]
    proc = subprocess.run(cmd + (["--memory", memory] if memory else []), capture_output=True, text=True, cwd=ROOT,
                          env=env)
    if proc.returncode:
        raise SystemExit(f"{side} worker ({analysis}) failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _total(r: dict, key: str) -> float:
    return sum(r[key][s] for s in r["steps"])


def run(sizes: list[str], force: bool, analyses: list[str], sides: list[str], memory: str | None) -> None:
    rows = []
    for label in sizes:
        path = data_file(label, force=force)
        here = [s for s in sides if s != "pandas" or SIZES[label] <= PANDAS_MAX_LINES]
        if len(here) < len(sides):
            print(f"{label}: pandas side not run (above {PANDAS_MAX_LINES:,} lines the frame alone would not fit a "
                  f"laptop)", flush=True)
        for analysis in analyses:
            names = REPORT if analysis == "all" else (analysis,)
            with tempfile.TemporaryDirectory() as tmp:
                result = {s: _side(s, analysis, path, Path(tmp) / s, memory) for s in here}
                problems = {s: compare(Path(tmp) / "package", Path(tmp) / s, names)
                            for s in here if s != "package" and "package" in here}
            rows.append((label, analysis, result, problems))
            print(f"{label} {analysis}: " + "; ".join(
                f"{s} {_total(r, 'wall'):.1f} s, {max(r['peak_mb'].values()):,.0f} MB" for s, r in result.items())
                + "; " + ("results agree" if not any(problems.values()) else
                          "DIFFER: " + "; ".join(f"{s}: {p}" for s, ps in problems.items() for p in ps)), flush=True)
    load1, load5, _ = os.getloadavg()
    print(f"\n{'lines':>5} {'figure':<12} {'side':<8} | {'wall s':>7} {'CPU s':>7} {'peak MB':>8} | "
          f"{'vs sql':>7} | steps (wall s / peak MB)")
    for label, analysis, result, problems in rows:
        sql = result.get("sql")
        for side, r in result.items():
            w = _total(r, "wall")
            vs = f"{w / _total(sql, 'wall'):>6.2f}x" if sql else f"{'':>7}"
            agree = "" if side == "package" else (" agree" if not problems.get(side) else " DIFFER")
            steps = ", ".join(f"{s} {r['wall'][s]:.1f}/{r['peak_mb'][s]:,.0f}" for s in r["steps"])
            print(f"{label:>5} {analysis:<12} {side:<8} | {w:>7.1f} {_total(r, 'cpu'):>7.1f} "
                  f"{max(r['peak_mb'].values()):>8,.0f} | {vs} | {steps}{agree}")
    print(f"\nOne process per side and figure ('all' = the report's three figures, kpis, rfm_segments and cohorts, "
          f"in one process; for the package that is one order rollup and the three figures read from it). "
          f"rfm = the per-customer table collected to pandas; rfm_segments = the segment summary and the score "
          f"distribution. Wall and CPU seconds include the load: lazy for the package and SQL (DuckDB reads the "
          f"Parquet file inside each query), pd.read_parquet of the six needed columns for pandas. CPU = process "
          f"CPU seconds over all threads (DuckDB uses every core, pandas one). Peak MB = the largest resident "
          f"memory sampled during the step (psutil, imports included: about {rows[0][2]['package']['base_mb']:.0f} "
          f"MB for the package before loading); 'vs sql' = wall time / the hand-written SQL's. DuckDB memory "
          f"ceiling: {memory or 'the package default (half the memory) and DuckDB default (80%) for SQL'}. "
          f"Targets: 10M lines at most 1.2x the SQL; 100M lines the report's figures in 60 s and 4 GB. Load "
          f"average {load1:.1f} / {load5:.1f} (1 / 5 min) at the end of the run: the machine may be shared.")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="+", default=DEFAULT_SIZES, choices=list(SIZES))
    ap.add_argument("--analyses", nargs="+", default=[*ANALYSES, "all"], choices=[*ANALYSES, "all"])
    ap.add_argument("--sides", nargs="+", default=list(SIDES), choices=list(SIDES))
    ap.add_argument("--memory", help="DuckDB memory ceiling for the package and the SQL side, e.g. 3GB")
    ap.add_argument("--generate", action="store_true", help="rewrite the generated Parquet files")
    ap.add_argument("--analysis", choices=[*ANALYSES, "all"], help=argparse.SUPPRESS)
    ap.add_argument("--worker", choices=list(SIDES), help=argparse.SUPPRESS)
    ap.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.analysis, args.path, args.out, args.memory)))
        return
    os.environ.setdefault("PYTHONWARNINGS", "ignore::DeprecationWarning")
    if "package" not in args.sides:
        ap.error("--sides must include package (the other sides are checked against it)")
    run(args.sizes, args.generate, args.analyses, args.sides, args.memory)


if __name__ == "__main__":
    main()
