"""Benchmark: OEWS loaders and the salary analyses, wall time and memory, each step in a fresh process.

Steps:

1. ``load_oews()``: the whole shipped extract (370,172 rows, 36 columns) into pandas with nullable dtypes;
2. ``load_oews(occupations=...)``: one role's occupations only (filters pushed into the Parquet reader);
3. ``read_bls_oews(fixture)``: the 392-line BLS flat-file fixture;
4. ``read_bls_oews(full)``: a full-size BLS release. The 331,509,758-byte ``oe.data.0.Current`` is rebuilt
   from the extract with ``write_bls_oews`` (byte for byte BLS's file: its sha256 is checked and printed),
   into ``data/generated/oews_flatfiles_full/`` (git-ignored) unless it is already there;
5. ``read_bls_oews(full, occupations=...)``: the same release, one role only;
6. the report's analyses on the loaded extract: role, distribution, bands, offer, metros, states, industries.

Each step prints wall seconds and the peak resident memory (RSS) of its process. Speed is measured here,
never asserted in tests. Run: ``.venv/bin/python benchmarks/oews_loaders.py`` (``--skip-full`` to leave
out steps 4-5, which need ~1.5 GB of disk and several seconds).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FULL = ROOT / "data" / "generated" / "oews_flatfiles_full"
BLS_SHA256 = "09879508d69f51149842368c8953f13974338728329375481d485ee696d3370b"
CODES = ["11-2021", "11-2022", "11-1021", "13-1199"]

CHILD = r"""
import json, resource, sys, time, warnings
t0 = time.perf_counter()
import workbench as wb
from workbench.data.oews import load_oews
from workbench.data.bls_flatfiles import read_bls_oews
t_import = time.perf_counter() - t0
step, arg = sys.argv[1], sys.argv[2]
codes = %(codes)r
t0 = time.perf_counter()
if step == "load_full":
    df = load_oews()
elif step == "load_role":
    df = load_oews(occupations=codes)
elif step == "flat":
    df = read_bls_oews(arg)
elif step == "flat_role":
    df = read_bls_oews(arg, occupations=codes)
elif step == "analyses":
    oews = load_oews()
    t0 = time.perf_counter()
    S = wb.salaries
    job = S.resolve_role(oews, role="e-commerce manager")
    dist = S.market_distribution(oews, occupations=job.codes, areas=["Seattle-Tacoma-Bellevue, WA"])
    focus = S.focus_row(dist)
    bands = S.pay_bands(focus)
    pos = S.offer_position(focus, offer=150000)
    metros = S.location_comparison(oews, occupation=job.soc, area_type="metro")
    top = S.area_ranking(metros, n=15, min_employment=250)
    states = S.location_comparison(oews, occupation=job.soc, area_type="state")
    ind = S.industry_comparison(oews, occupation=job.soc)
    df = metros
seconds = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"rows": len(df), "seconds": seconds, "import_s": t_import, "peak_mb": peak}))
""" % {"codes": CODES}


def run(step: str, arg: str = "") -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, step, arg], capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def ensure_full() -> str:
    data = FULL / "oe.data.0.Current"
    if not data.exists():
        code = ("from workbench.data.oews import load_oews; from workbench.data.bls_flatfiles import write_bls_oews; "
                f"write_bls_oews(load_oews(), folder={str(FULL)!r})")
        subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    h = hashlib.sha256()
    with open(data, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    same = h.hexdigest() == BLS_SHA256
    print(f"full flat file: {data.stat().st_size:,} bytes, sha256 equal to BLS's oe.data.0.Current: {same}")
    return str(FULL)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--skip-full", action="store_true", help="leave out the full-size flat-file steps")
    args = ap.parse_args()
    steps = [("load_oews(): whole extract", "load_full", ""),
             ("load_oews(occupations=4 codes)", "load_role", ""),
             ("read_bls_oews(fixture, 392 lines)", "flat", str(ROOT / "data/raw/oews/bls_flatfile_sample"))]
    if not args.skip_full:
        full = ensure_full()
        steps += [("read_bls_oews(full release, 6.0M lines)", "flat", full),
                  ("read_bls_oews(full release, 4 codes)", "flat_role", full)]
    steps.append(("report analyses on the loaded extract", "analyses", ""))
    print(f"{'step':<44} {'rows':>9} {'seconds':>8} {'peak MB':>8}")
    for label, step, arg in steps:
        r = run(step, arg)
        print(f"{label:<44} {r['rows']:>9,} {r['seconds']:>8.2f} {r['peak_mb']:>8.0f}")
    print("(seconds exclude `import workbench`; peak MB is the whole process, imports included)")


if __name__ == "__main__":
    main()
