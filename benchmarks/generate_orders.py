"""Write GENERATED order-line Parquet files for benchmarks: 1M, 10M (and on request 100M) canonical lines under data/generated/.

The lines come from ``workbench.data.synthetic.orders`` (seeded; heterogeneous customers with churn,
seasonality, skewed sku popularity, returns, guest orders; see that module). They are generated data, not real
sales: the files carry ``workbench.generated`` in their Parquet metadata and live in the git-ignored
``data/generated/`` folder. Memory stays bounded: lines are written one batch (about 1M lines) at a time.

The 100M-line file (``--sizes 100M``, not written by default: about 1.6 GB) is ten copies of the 10M file, each
with its own customer and order ids (suffixes ``-0`` ... ``-9``; guest lines stay without a customer), so it
is ten stores' worth of the same history: every count is ten times the 10M file's, dates are unchanged.

Run: ``.venv/bin/python benchmarks/generate_orders.py`` (``--sizes 1M`` for the small file only, ``--force`` to
rewrite existing files). Prints the time, the file size and the peak memory of each file written.
"""
from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path

from workbench.config import GENERATED_DIR
from workbench.data.synthetic.orders import write_orders_parquet

SIZES = {"1M": 1_000_000, "10M": 10_000_000}
# larger files made of copies of a smaller one (label -> (source label, copies)); written only when asked for
COPIES = {"100M": ("10M", 10)}
LINES = {**SIZES, **{k: SIZES[src] * n for k, (src, n) in COPIES.items()}}


def path_for(label: str) -> Path:
    return GENERATED_DIR / f"orders_{label}.parquet"


def write_copies_parquet(source: Path, path: Path, *, copies: int) -> Path:
    """``copies`` copies of the lines of ``source``, ids made distinct per copy, streamed one row group at a time."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    reader = pq.ParquetFile(source)
    schema = reader.schema_arrow
    meta = dict(schema.metadata or {})
    meta[b"workbench.generator"] = (meta.get(b"workbench.generator", b"") + f"; {copies} copies of {source.name} with ids suffixed "
                                    f"-0..-{copies - 1}".encode())
    tmp = path.with_suffix(path.suffix + ".partial")
    with pq.ParquetWriter(tmp, schema.with_metadata(meta), compression="zstd") as writer:
        for k in range(copies):
            suffix = pa.scalar(f"-{k}")
            for i in range(reader.num_row_groups):
                batch = reader.read_row_group(i)
                for col in ("order_id", "customer_id"):
                    j = batch.schema.get_field_index(col)
                    batch = batch.set_column(j, col, pc.binary_join_element_wise(batch[col], suffix, ""))
                writer.write_table(batch, row_group_size=batch.num_rows)
    os.replace(tmp, path)
    return path


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(LINES))
    ap.add_argument("--seed", type=int, default=20261128)
    ap.add_argument("--force", action="store_true", help="rewrite files that exist")
    args = ap.parse_args(argv)
    print(f"{'file':<40} {'lines':>12} {'MB':>8} {'seconds':>8} {'peak RSS MB':>12}")
    for label in args.sizes:
        path = path_for(label)
        if path.exists() and not args.force:
            print(f"{str(path.relative_to(GENERATED_DIR.parents[1])):<40} {LINES[label]:>12,} "
                  f"{path.stat().st_size / 1e6:>8.1f} {'exists':>8} {'':>12}")
            continue
        t0 = time.perf_counter()
        if label in COPIES:
            source, copies = COPIES[label]
            if not path_for(source).exists():
                main(["--sizes", source, "--seed", str(args.seed)])
            write_copies_parquet(path_for(source), path, copies=copies)
        else:
            write_orders_parquet(path, n_lines=SIZES[label], seed=args.seed)
        dt = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{str(path.relative_to(GENERATED_DIR.parents[1])):<40} {LINES[label]:>12,} "
              f"{path.stat().st_size / 1e6:>8.1f} {dt:>8.1f} {peak:>12.0f}")


if __name__ == "__main__":
    main()
