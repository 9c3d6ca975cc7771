"""What a run read and what it found: input fingerprints and headline metrics.

Loaders call :func:`register_input` for every file they read; notebooks call :func:`record` for
every headline number. Both keep an in-memory list (for interactive use in JupyterLab) and, when the
report runner has set ``WORKBENCH_RUN_DIR`` for the kernel, append one JSON line per call to
``inputs.jsonl`` / ``metrics.jsonl`` in that folder. The runner reads those files back with
:func:`read_run_records` to write the manifest, ``metrics.json`` and the HTML header.

A small recorder of our own instead of scrapbook: scrapbook's last release (2021) fails to import on a
fresh environment and calls ``DataFrame.append``, which pandas removed.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from workbench.errors import WorkbenchError

RUN_DIR_ENV = "WORKBENCH_RUN_DIR"
INPUTS_FILE = "inputs.jsonl"
METRICS_FILE = "metrics.jsonl"
METRIC_KINDS = ("money", "percent", "change", "count", "number", "text", "ratio", "percentile")
GOOD_DIRECTIONS = ("up", "down", None)

_inputs: dict[str, dict] = {}
_metrics: dict[str, dict] = {}
_hash_cache: dict[tuple[str, int, int], str] = {}


@dataclass(frozen=True)
class InputFile:
    path: str
    sha256: str
    bytes: int
    role: str | None = None


def sha256_file(path: str | os.PathLike) -> str:
    """sha256 of a file's bytes, cached per (path, size, mtime) within the process."""
    p = Path(path)
    st = p.stat()
    key = (str(p.resolve()), st.st_size, st.st_mtime_ns)
    if key not in _hash_cache:
        h = hashlib.sha256()
        with open(p, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        _hash_cache[key] = h.hexdigest()
    return _hash_cache[key]


def register_input(path: str | os.PathLike, *, role: str | None = None) -> InputFile:
    """Note that the current run read ``path`` (a file, or every file below a folder).

    Returns the fingerprint of the file (for a folder, of its first file; all are registered).
    """
    p = Path(path).resolve()
    files = sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p]
    out = None
    for f in files:
        entry = InputFile(path=str(f), sha256=sha256_file(f), bytes=f.stat().st_size, role=role)
        out = out or entry
        if _inputs.get(entry.path, {}).get("sha256") == entry.sha256:
            continue
        _inputs[entry.path] = entry.__dict__.copy()
        _append(INPUTS_FILE, entry.__dict__)
    return out


def record(name: str, value: Any, *, label: str | None = None, kind: str | None = None,
           unit: str | None = None, good: str | None = None, se: float | None = None,
           n: int | None = None, card: bool = True, key: bool = False) -> Any:
    """Record a headline number of the report, e.g. ``wb.record("median_annual_wage", 166790)``.

    Parameters
    ----------
    name : str
        Identifier, snake_case; recording the same name again replaces the value.
    value : number, str, bool or None
        JSON-able scalar (numpy scalars are converted). NaN is stored as null.
    label : str, optional
        How the report header names it ("Median annual wage"); defaults to the name.
    kind : {"money", "percent", "change", "count", "number", "ratio", "percentile", "text"}, optional
        How to format it: percent values are fractions (0.053 -> 5.3%); change is a signed percent
        (0.072 -> +7.2%), for growth, lift and error.
    unit : str, optional
        Currency code for money (default USD) or a unit word for numbers ("weeks").
    good : {"up", "down"}, optional
        Which direction of change is good news (revenue: up; return rate: down); None = neither.
    se : float, optional
        The value's standard error, when the report can compute it (a mean: sd / sqrt(n); a model estimate:
        its standard error). With it the runner says whether a change against the previous run is larger
        than sampling noise (``workbench.runner.compare``); without it the change is "not tested".
    n : int, optional
        For a proportion (a value between 0 and 1, e.g. a conversion or return rate): how many units it is
        a share of (its denominator: sessions, orders, customers). Enough for the noise test of a rate.
    card : bool
        Whether the report header shows it as a card (default). ``False`` for a figure kept for tracking
        between runs (a model's parameters): recorded, compared and alertable like any other, shown in the
        header's "more figures" list instead of a card.
    key : bool
        One of the report's key figures: the few the index page shows for the job, with their trend (in the
        order recorded; at most four). A report that marks none gets its first numeric headline figures there.

    Returns
    -------
    The value, so a cell can record and display in one line.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise WorkbenchError(f"record(): metric name {name!r} must be an identifier like 'median_wage'")
    if kind is not None and kind not in METRIC_KINDS:
        raise WorkbenchError(f"record(): kind {kind!r} for {name!r} is not one of {list(METRIC_KINDS)}")
    if good not in GOOD_DIRECTIONS:
        raise WorkbenchError(f"record(): good={good!r} for {name!r} is not one of {list(GOOD_DIRECTIONS)}")
    if not isinstance(card, bool):
        raise WorkbenchError(f"record(): card={card!r} for {name!r} must be True or False (False: tracked, not a "
                             "header card)")
    if not isinstance(key, bool) or (key and not card):
        raise WorkbenchError(f"record(): key={key!r} for {name!r} must be True or False, and a key figure must be a "
                             "header card (card=True)")
    stored = _jsonable(value, name)
    entry = {"name": name, "value": stored, "label": label or name.replace("_", " ").capitalize(),
             "kind": kind, "unit": unit, "good": good}
    if se is not None:
        entry["se"] = _sampling_error(se, name)
    if n is not None:
        entry["n"] = _denominator(n, stored, name)
    if not card:
        entry["card"] = False
    if key:
        entry["key"] = True
    _metrics[name] = entry
    _append(METRICS_FILE, entry)
    return value


def recorded_metrics() -> dict[str, Any]:
    """Metrics recorded in this process so far, name -> value."""
    return {k: v["value"] for k, v in _metrics.items()}


def registered_inputs() -> list[InputFile]:
    """Files registered in this process so far."""
    return [InputFile(**v) for v in _inputs.values()]


def reset() -> None:
    """Forget what this process has recorded (tests, and a fresh interactive session)."""
    _inputs.clear()
    _metrics.clear()


def read_run_records(run_dir: str | os.PathLike) -> tuple[list[dict], list[dict]]:
    """Read back (inputs, metrics) that a kernel wrote into ``run_dir``; last value per name wins."""
    run_dir = Path(run_dir)
    inputs: dict[str, dict] = {}
    metrics: dict[str, dict] = {}
    for fname, target, key in ((INPUTS_FILE, inputs, "path"), (METRICS_FILE, metrics, "name")):
        f = run_dir / fname
        if f.exists():
            for line in f.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    item = json.loads(line)
                    target[item[key]] = item
    return list(inputs.values()), list(metrics.values())


def _append(fname: str, entry: dict) -> None:
    run_dir = os.environ.get(RUN_DIR_ENV)
    if not run_dir:
        return
    with open(Path(run_dir) / fname, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry) + "\n")


def _finite(x: Any) -> float | None:
    if hasattr(x, "item") and callable(x.item):
        x = x.item()
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        return None
    return x


def _sampling_error(se: Any, name: str) -> float:
    x = _finite(se)
    if x is None or x < 0:
        raise WorkbenchError(f"record(): se={se!r} for {name!r} must be a standard error: a finite number >= 0")
    return float(x)


def _denominator(n: Any, value: Any, name: str) -> int | float:
    x = _finite(n)
    if x is None or x <= 0:
        raise WorkbenchError(f"record(): n={n!r} for {name!r} must be the proportion's denominator: a count > 0")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and not 0 <= value <= 1:
        raise WorkbenchError(f"record(): n= is the denominator of a proportion, but {name!r} = {value!r} is not "
                             "between 0 and 1; give se= (its standard error) for other metrics")
    return int(x) if float(x).is_integer() else x


def _jsonable(value: Any, name: str) -> Any:
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if hasattr(value, "item") and callable(value.item):  # numpy / pandas scalars
        value = value.item()
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise WorkbenchError(
        f"record(): value for {name!r} must be a number, text, bool or None, not {type(value).__name__}; "
        "record one number per metric")
