"""Every path the workbench uses, in one place.

Paths given by a user (a parameter, a loader argument) go through :func:`resolve_path`, so the same
notebook parameter works from the project root (papermill, the CLI, cron) and from ``notebooks/``
(JupyterLab starts kernels in the notebook's folder).
"""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"                  # shipped real data: immutable, checksummed
GENERATED_DIR = DATA_DIR / "generated"      # generated data (benchmarks, samples); git-ignored where large
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = Path(os.environ.get("WORKBENCH_REPORTS_DIR", PROJECT_ROOT / "reports"))
CATALOG_PATH = PROJECT_ROOT / "catalog.yaml"
KERNEL_NAME = "workbench"                   # the project's Jupyter kernel, registered by `make setup`

# The shipped data sets, by name (see data/README.md for provenance and checksums).
SHIPPED = {
    "cdnow": RAW_DIR / "cdnow" / "CDNOW_master.txt",
    "cdnow_transactions": RAW_DIR / "cdnow" / "cdnow_transactions.csv",
    "cdnow_sample_ids": RAW_DIR / "cdnow" / "cdnow_sample_customer_ids.csv",
    "oews": RAW_DIR / "oews" / "oews_may2025.parquet",
    "oews_flatfiles": RAW_DIR / "oews" / "bls_flatfile_sample",
    "yogurt": RAW_DIR / "brand_choice" / "yogurt.csv",
    "catsup": RAW_DIR / "brand_choice" / "catsup.csv",
    "cracker": RAW_DIR / "brand_choice" / "cracker.csv",
    "tuna": RAW_DIR / "brand_choice" / "tuna.csv",
    "oj": RAW_DIR / "brand_choice" / "oj.csv",
    "robyn": RAW_DIR / "robyn" / "dt_simulated_weekly.csv",
}


def resolve_path(path: str | os.PathLike) -> Path:
    """Return ``path`` as an absolute path.

    A relative path is taken from the current directory when it exists there, otherwise from the
    project root (so ``data/raw/...`` works from ``notebooks/`` too). A name of a shipped data set
    (``"cdnow"``, ``"yogurt"``, ...) resolves to its file. A path that exists nowhere is returned
    relative to the current directory, for the caller's error message.
    """
    text = os.fspath(path)
    if text in SHIPPED:
        return SHIPPED[text]
    p = Path(text).expanduser()
    if p.is_absolute() or p.exists():
        return p.resolve()
    candidate = PROJECT_ROOT / p
    if candidate.exists():
        return candidate
    return p.resolve()
