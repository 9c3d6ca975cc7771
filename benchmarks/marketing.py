"""Speed and memory of the marketing report: the marketing mix model on the shipped Robyn data and on five years of
daily spend for ten channels, and the whole report as the catalog runs it.

Cases (each in its own process, so its peak memory is its own; nothing is asserted):

- ``robyn``: Meta's Robyn demo data as shipped (SIMULATED by its authors: 208 weeks, 5 channels, 4 controls).
- ``daily10``: a GENERATED shop (seeded, not real data): five years of daily spend for ten channels (one spend row
  per channel and day, 18,260 rows, loaded through ``wb.load_spend``) and daily revenue (one order line per day).
  The model is weekly, as the issue asks: the days add up to 260 complete weeks x 10 channels.
- ``report``: ``workbench run marketing-performance`` for both catalog runs (the defaults, and the GENERATED shop
  with its orders, costs and three spend exports): wall time, CPU time and the peak memory of the whole process
  tree (CLI + kernel). CPU time is what the run costs whatever else the machine is doing; on a busy machine the
  wall time is larger.

Peak memory is sampled with psutil every 20 ms (resident set size of the process, or of the process tree for the
report). Usage: ``python benchmarks/marketing.py [robyn] [daily10] [report]``.
"""
from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

ROOT = Path(__file__).resolve().parents[1]
CASES = ("robyn", "daily10", "report")
CHANNELS = {  # name: (mean daily spend, share of days with spend, daily adstock decay, true ROAS)
    "Search": (900, 1.0, 0.3, 2.5), "Shopping": (700, 1.0, 0.3, 3.0), "Meta": (800, 0.9, 0.6, 1.8),
    "TikTok": (300, 0.6, 0.6, 1.2), "YouTube": (400, 0.5, 0.8, 1.5), "TV": (1500, 0.35, 0.9, 1.4),
    "Radio": (300, 0.4, 0.8, 0.8), "Display": (250, 0.8, 0.5, 0.6), "Affiliate": (200, 1.0, 0.2, 2.0),
    "Pinterest": (150, 0.7, 0.5, 1.0)}
GENERATED_SHOP = {
    "spend_sources": '["tests/fixtures/marketing/generated_shop/google_ads_campaigns_generated.csv", '
                     '"tests/fixtures/marketing/generated_shop/meta_ads_daily_generated.csv", '
                     '"tests/fixtures/marketing/generated_shop/tiktok_ads_generated.csv"]',
    "orders_source": "tests/fixtures/marketing/generated_shop/orders_generated.csv.gz",
    "costs_source": "tests/fixtures/marketing/generated_shop/products_export_generated.csv",
    "margin": "0.5", "shipping_cost": "6.0"}


class PeakMemory:
    """Largest resident set size (MB) of a process, or of it and its children, sampled every ``every`` seconds."""

    def __init__(self, pid: int | None = None, *, tree: bool = False, every: float = 0.02) -> None:
        self.process, self.tree, self.every = psutil.Process(pid), tree, every
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _rss(self) -> float:
        procs = [self.process]
        if self.tree:
            try:
                procs += self.process.children(recursive=True)
            except psutil.Error:          # the process (or a child) ended while being listed
                pass
        total = 0
        for p in procs:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
        return total / 2 ** 20

    def _watch(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            self._stop.wait(self.every)

    def __enter__(self) -> PeakMemory:
        self.start = self._rss()
        self.peak = self.start
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())


def generated_daily_shop(*, years: int = 5, seed: int = 20261207) -> tuple[pd.DataFrame, pd.DataFrame]:
    """GENERATED: daily spend rows (date, channel, spend) for the ten channels and one order line per day whose
    revenue is a base with trend and yearly season plus each channel's adstocked, saturating effect and 5% noise."""
    from workbench.analyses.marketing import geometric_adstock, hill_saturation

    rng = np.random.default_rng(seed)
    days = pd.date_range("2021-01-04", periods=years * 365 + years // 4, freq="D")
    n = len(days)
    t = np.arange(n)
    revenue = 20_000 + 4 * t + 3_000 * np.sin(2 * np.pi * t / 365.25) + 1_500 * (days.day_of_week >= 5)
    rows = []
    for name, (mean, active, theta, roas) in CHANNELS.items():
        on = np.repeat(rng.random(n // 7 + 1) < active, 7)[:n]          # campaigns run in whole weeks (flighting)
        level = np.repeat(rng.gamma(3.0, mean / 3.0 / active, n // 7 + 1), 7)[:n]
        x = np.where(on, level * rng.gamma(20.0, 1 / 20.0, n), 0.0)
        a = geometric_adstock(x, theta=theta)
        s = hill_saturation(a, alpha=1.5, k=0.6 * a.max())
        revenue = revenue + roas * x.sum() / s.sum() * s
        rows.append(pd.DataFrame({"date": days, "channel": name, "spend": x.round(2)}))
    revenue = revenue * (1 + 0.05 * rng.standard_normal(n))
    orders = pd.DataFrame({"order_id": [f"G{i}" for i in range(n)], "customer_id": [f"C{i}" for i in range(n)],
                           "order_date": days, "revenue": revenue.round(2)})
    return pd.concat(rows, ignore_index=True), orders


def measure(case: str) -> None:
    import warnings

    import workbench as wb

    warnings.filterwarnings("ignore", category=FutureWarning)  # a benchmark prints tables, not library notices
    rows = []

    def step(label: str, fn):
        with PeakMemory() as mem:
            t0, c0 = time.perf_counter(), time.process_time()
            out = fn()
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        rows.append((label, wall, cpu, mem.peak - mem.start, mem.peak))
        return out

    if case == "robyn":
        title = "robyn: Meta's Robyn demo data, SIMULATED by its authors (shipped)"
        spend = step("load_spend('robyn')", lambda: wb.load_spend("robyn"))
        weeks = step("weekly_data", lambda: wb.marketing.weekly_data(spend))
    else:
        title = "daily10: GENERATED shop, 5 years of daily spend for 10 channels"
        frame, orders = generated_daily_shop()
        spend = step(f"load_spend ({len(frame):,} daily rows)", lambda: wb.load_spend(frame, currency="USD"))
        weeks = step("weekly_data (daily -> weekly)", lambda: wb.marketing.weekly_data(spend, orders=orders))
    model = step("MarketingMixModel().fit", lambda: wb.marketing.MarketingMixModel().fit(weeks))
    step("response_curves", lambda: wb.marketing.response_curves(model))
    step("plan_budget", lambda: wb.marketing.plan_budget(model))
    step("budget_scenarios (5 budgets)", lambda: wb.marketing.budget_scenarios(model))
    print(f"\n{title}\n{len(weeks)} weeks x {len(weeks.channels)} channels, {weeks.controls.shape[1]} controls; "
          f"R2 {model.r2_:.3f}, held-out MAPE {model.holdout_mape_:.1%}; "
          f"{len(model.thetas) * len(model.alphas) * len(model.gammas)} settings per channel, "
          f"{model.n_bootstrap} bootstrap replications")
    print(f"{'step':36} {'wall s':>8} {'cpu s':>8} {'peak +MB':>9} {'peak MB':>8}")
    for label, wall, cpu, dmem, mem in rows:
        print(f"{label:36} {wall:8.2f} {cpu:8.2f} {dmem:9.0f} {mem:8.0f}")


def run_report() -> None:
    exe = Path(sys.executable).with_name("workbench")
    runs = {"robyn-simulated (defaults)": {}, "generated-shop (catalog parameters)": GENERATED_SHOP}
    print("\nreport: workbench run marketing-performance (target: under 60 s on 2 cores)")
    print(f"{'run':38} {'wall s':>8} {'cpu s':>8} {'peak MB (CLI + kernel)':>24}")
    with tempfile.TemporaryDirectory() as reports:
        for name, params in runs.items():
            cmd = [str(exe), "run", "marketing-performance", "--force", "--reports-dir", reports,
                   "--name", name.split()[0]]
            for k, v in params.items():
                cmd += ["-p", k, v]
            t0, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
            proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            with PeakMemory(proc.pid, tree=True) as mem:
                out, _ = proc.communicate()
            wall, after = time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)   # CLI + kernel
            status = "" if proc.returncode == 0 else f"  FAILED: {out.strip().splitlines()[-1]}"
            print(f"{name:38} {wall:8.1f} {cpu:8.1f} {mem.peak:24.0f}{status}")


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[1].startswith("--one="):
        measure(argv[1][len("--one="):])
        return 0
    names = argv[1:] or list(CASES)
    unknown = [n for n in names if n not in CASES]
    if unknown:
        print(f"unknown case(s) {unknown}; choose from {list(CASES)}")
        return 2
    print(f"{psutil.cpu_count()} cores; load average {', '.join(f'{x:.1f}' for x in psutil.getloadavg())}")
    for name in names:
        if name == "report":
            run_report()
        else:
            subprocess.call([sys.executable, __file__, f"--one={name}"], cwd=ROOT)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
