"""The shipped data are the files documented in data/README.md, byte for byte."""
from __future__ import annotations

import re

import pytest

from workbench.config import DATA_DIR, RAW_DIR
from workbench.provenance import sha256_file

README_ROW = re.compile(r"^\| `(raw/[^`]+)` \| ([\d,]+) \| ([\d,]+) \| `([0-9a-f]{64})` \|$")


def _readme_table():
    rows = [README_ROW.match(line) for line in (DATA_DIR / "README.md").read_text().splitlines()]
    return {m[1]: (int(m[2].replace(",", "")), int(m[3].replace(",", "")), m[4]) for m in rows if m}


def _sha256sums():
    out = {}
    for line in (RAW_DIR / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        out[f"raw/{name}"] = digest
    return out


README = _readme_table()


def test_readme_lists_every_shipped_data_file():
    shipped = {f"raw/{p.relative_to(RAW_DIR)}" for p in RAW_DIR.rglob("*")
               if p.is_file() and p.name not in {"README.md", "SHA256SUMS", "build.py"}}
    assert shipped == set(README)
    assert len(README) == 19


@pytest.mark.parametrize("name", sorted(README))
def test_checksum_size_and_rows(name):
    size, rows, digest = README[name]
    path = DATA_DIR / name
    assert path.stat().st_size == size
    assert sha256_file(path) == digest
    assert _sha256sums()[name] == digest
    if path.suffix != ".parquet":
        with open(path, "rb") as fh:
            assert sum(1 for _ in fh) - 1 == rows


def test_oews_parquet_row_count():
    import pyarrow.parquet as pq

    assert pq.ParquetFile(RAW_DIR / "oews" / "oews_may2025.parquet").metadata.num_rows == 370_172


def test_packager_readme_unchanged():
    assert sha256_file(RAW_DIR / "README.md") == _sha256sums()["raw/README.md"]
