"""Benchmark: the whole catalog (`make reports`): wall time, CPU time and each job's duration.

Runs ``workbench run --all --force --jobs 2`` (what `make reports` runs, every job forced) ``--repeat`` times
(default 2) into one temporary reports folder (so the second run, like a second `make reports`, starts the
longest jobs first by the first run's durations), and prints per run the wall time, the CPU time of the whole
process tree (the runner, its workers, their kernels, as the kernel reports them when it ends) plus the CPU
time of Spark's JVM (it outlives its kernel, so nothing reaps it into the tree: sampled with psutil every 0.2 s,
the last sample counted), the load average before and after (other work on the machine makes the wall time
longer: compare CPU times then), the machine's speed just before the run (:func:`machine_speed`: a virtual
machine's CPU varies between runs), and then each job's duration as its manifest records it. Nothing is asserted.

Usage: ``.venv/bin/python benchmarks/reports.py [--jobs 2] [--repeat 2] [--catalog catalog.yaml]``.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_once(reports: Path, jobs: int, catalog: str | None) -> dict:
    seen = {mf.parent for mf in reports.glob("*/*/manifest.json")}
    cmd = [str(Path(sys.executable).with_name("workbench")), "run", "--all", "--force", "--jobs", str(jobs),
           "--reports-dir", str(reports)]
    if catalog:
        cmd += ["--catalog", catalog]
    speed = machine_speed()
    load_before = os.getloadavg()[0]
    cpu0, t0 = _cpu_children(), time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    jvm: dict[int, float] = {}
    sampler = threading.Thread(target=_sample_jvms, args=(proc, jvm), daemon=True)
    sampler.start()
    stdout, _ = proc.communicate()
    sampler.join()
    wall, cpu = time.perf_counter() - t0, _cpu_children() - cpu0
    durations = {}
    for mf in reports.glob("*/*/manifest.json"):
        if mf.parent in seen:
            continue
        m = json.loads(mf.read_text(encoding="utf-8"))
        durations[m["job"]] = (m["duration_s"], m["status"])
    return {"wall": wall, "cpu": cpu, "jvm": sum(jvm.values()), "load": (load_before, os.getloadavg()[0]),
            "speed": speed,
            "rc": proc.returncode, "summary": [line for line in stdout.splitlines() if " jobs: " in line],
            "jobs": durations}


def machine_speed() -> float:
    """CPU seconds of a fixed pure-Python loop (single core): the same code's timings move with this figure.

    On a shared or virtual machine the CPU delivered to the same work varies from run to run (on the 2-core
    development machine by up to 40% within minutes), so each catalog run prints it before it starts."""
    t = time.process_time()
    total = 0
    for i in range(5_000_000):
        total += i * i
    return time.process_time() - t


def _sample_jvms(proc: subprocess.Popen, seen: dict[int, float]) -> None:
    """CPU seconds of every ``java`` process under ``proc``, by pid, sampled until ``proc`` ends."""
    import psutil

    root = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            children = root.children(recursive=True)
        except psutil.Error:
            break
        for child in children:
            try:
                if child.name() == "java":
                    t = child.cpu_times()
                    seen[child.pid] = t.user + t.system
            except psutil.Error:
                pass
        time.sleep(0.2)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--catalog")
    args = ap.parse_args(argv)
    reports = Path(tempfile.mkdtemp(prefix="workbench-bench-reports-"))
    try:
        runs = [run_once(reports, args.jobs, args.catalog) for _ in range(args.repeat)]
    finally:
        shutil.rmtree(reports, ignore_errors=True)
    print(f"workbench run --all --force --jobs {args.jobs} on {os.cpu_count()} cores")
    print(f"{'run':>4} {'wall s':>8} {'CPU s':>8} {'JVM CPU s':>10} {'speed s':>8} {'load before/after':>18}  summary")
    for i, r in enumerate(runs, 1):
        print(f"{i:>4} {r['wall']:8.1f} {r['cpu']:8.1f} {r['jvm']:10.1f} {r['speed']:8.2f} {r['load'][0]:8.2f} /"
              f"{r['load'][1]:6.2f}   {'; '.join(r['summary']) or 'exit ' + str(r['rc'])}")
    print("(speed s: CPU seconds of a fixed Python loop just before the run; lower is a faster machine at that moment)")
    jobs = sorted({j for r in runs for j in r["jobs"]}, key=lambda j: -max(r["jobs"].get(j, (0,))[0] for r in runs))
    print(f"\n{'job':<56}" + "".join(f" run {i} s" for i in range(1, len(runs) + 1)))
    for job in jobs:
        cells = []
        for r in runs:
            seconds, status = r["jobs"].get(job, (float("nan"), "missing"))
            cells.append(f"{seconds:8.1f}" + ("" if status == "succeeded" else f" ({status})"))
        print(f"{job:<56}" + "".join(cells))
    print(f"{'sum of job durations':<56}" + "".join(f"{sum(s for s, _ in r['jobs'].values()):8.1f}" for r in runs))
    return 0 if all(r["rc"] == 0 for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
