"""The catalog of scheduled report jobs: ``catalog.yaml`` at the project root.

Format::

    defaults:                                # optional, for every job
      timeout: 1h                            # time limit of a run (default 1 h for `run --all`)
      alerts: [failed]                       # alert rules every job gets
    jobs:
      - notebook: sales-performance          # a report name from notebooks/, or a path to an .ipynb
        alerts:                              # optional, for every run of this notebook
          - {metric: net_revenue, change_pct: 20}
        runs:
          - name: default                    # job = sales-performance/default
          - name: q4-1997
            parameters:                      # override the notebook's defaults (JSON scalars or lists)
              period_end: "1997-12-31"
            timeout: 900                     # seconds, or "15m", "2h"
            requires: [java, pyspark]        # commands on PATH or importable Python modules

Rules, checked before any kernel starts: ``jobs`` is a list; each entry has ``notebook`` and a non-empty
``runs`` list, and optionally ``description``, ``timeout``, ``requires`` and ``alerts``; each run has a
``name`` (lower-case letters, digits, ``-``, ``_``), unique within its notebook, and optionally
``parameters`` (a mapping), ``description``, ``timeout``, ``requires`` and ``alerts``. A run's ``timeout``
replaces its entry's, which replaces ``defaults.timeout``; ``requires`` and ``alerts`` add up. Alert rules
are described in :mod:`workbench.runner.alerts`.

A mistake in the file's structure stops everything (:class:`CatalogError`, naming the file, the entry, the
job and the fix); a problem with one job (its notebook is missing, a parameter is unknown or has the wrong
type) is reported as that job's failure and the other jobs still run. A job whose ``requires`` are not all
present (:func:`missing_requirements`) is skipped, with the reason in the summary and the index.
"""
from __future__ import annotations

import importlib.util
import math
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench import config
from workbench.errors import WorkbenchError
from workbench.runner.alerts import AlertRule, parse_rules

__all__ = ["CatalogError", "CatalogJob", "load_catalog", "missing_requirements", "parse_timeout",
           "DEFAULT_TIMEOUT_S"]

RUN_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
REQUIREMENT = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.+-]*$")
TOP_KEYS = {"jobs", "defaults"}
DEFAULT_KEYS = {"timeout", "alerts"}
ENTRY_KEYS = {"notebook", "runs", "description", "timeout", "requires", "alerts"}
RUN_KEYS = {"name", "parameters", "description", "timeout", "requires", "alerts"}
DEFAULT_TIMEOUT_S = 3600.0   # a scheduled run's time limit when the catalog sets none
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?)?\s*$", re.I)


class CatalogError(WorkbenchError, ValueError):
    """``catalog.yaml`` cannot be read as a list of jobs."""


@dataclass(frozen=True)
class CatalogJob:
    """One scheduled run: a notebook with one parameter set, named ``<notebook>/<run name>``."""

    notebook: str                       # as written in the catalog
    run_name: str
    parameters: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    where: str = ""                     # "catalog.yaml jobs[2].runs[0]" for messages
    base: str = ""                      # folder of the catalog (notebook paths are relative to it)
    timeout: float | None = None        # seconds; None: the default for scheduled runs
    requires: tuple[str, ...] = ()      # commands on PATH or importable Python modules
    alerts: tuple[AlertRule, ...] = ()

    @property
    def label(self) -> str:
        return f"{_stem(self.notebook)}/{self.run_name}"


def _stem(notebook: str) -> str:
    return Path(notebook).stem if notebook.endswith(".ipynb") else Path(notebook).name


def parse_timeout(value: Any, *, where: str = "timeout") -> float:
    """Seconds from ``900``, ``"90s"``, ``"15m"``, ``"2h"``; raises CatalogError for anything else."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value > 0:
        return float(value)
    m = _DURATION.match(value) if isinstance(value, str) else None
    if m and float(m.group(1)) > 0:
        unit = (m.group(2) or "s")[0].lower()
        return float(m.group(1)) * {"s": 1, "m": 60, "h": 3600}[unit]
    raise CatalogError(f"{where}: `timeout` must be a time limit > 0 in seconds (`timeout: 900`) or with a unit "
                       f"(`timeout: 15m`, `timeout: 2h`), found {value!r}")


def _requires(value: Any, *, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(x, str) and REQUIREMENT.match(x) for x in items):
        raise CatalogError(f"{where}: `requires` must be a list of command or Python module names, e.g. "
                           f"`requires: [java, pyspark]`, found {value!r}")
    return tuple(items)


def missing_requirements(job: CatalogJob) -> list[str]:
    """One reason per requirement of ``job`` that is missing: ``"needs java (not found on PATH or as a Python module)"``.

    A requirement is met by a command of that name on PATH or an importable Python module of that name.
    """
    out = []
    for name in job.requires:
        if shutil.which(name):
            continue
        try:
            if importlib.util.find_spec(name) is not None:
                continue
        except (ImportError, ValueError):
            pass
        out.append(f"needs {name} (not found on PATH or as a Python module)")
    return out


def load_catalog(path: str | os.PathLike | None = None) -> list[CatalogJob]:
    """Read and check the catalog's structure; returns one :class:`CatalogJob` per run, in file order.

    Raises
    ------
    CatalogError
        For a missing or unreadable file, or an entry that breaks the rules in the module docstring.
    """
    import yaml

    from . import yamlfile

    p = Path(path) if path is not None else config.CATALOG_PATH
    shown = p.name if p.resolve() == config.CATALOG_PATH.resolve() else str(p)
    if not p.is_file():
        raise CatalogError(f"{shown}: catalog file not found; create it with a `jobs:` list "
                           "(see workbench/runner/catalog.py for the format)")
    try:
        data = yamlfile.load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CatalogError(f"{shown}: not valid YAML: {exc}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict) or set(data) - TOP_KEYS:
        extra = sorted(set(data) - TOP_KEYS) if isinstance(data, dict) else type(data).__name__
        raise CatalogError(f"{shown}: expected the top-level key `jobs` (a list) and optionally `defaults`, "
                           f"found {extra}")
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict) or set(defaults) - DEFAULT_KEYS:
        raise CatalogError(f"{shown} defaults: expected a mapping with `timeout` and/or `alerts`, found "
                           f"{sorted(set(defaults) - DEFAULT_KEYS) if isinstance(defaults, dict) else defaults!r}")
    default_timeout = (parse_timeout(defaults["timeout"], where=f"{shown} defaults")
                       if defaults.get("timeout") is not None else None)
    default_alerts = parse_rules(defaults.get("alerts"), where=f"{shown} defaults")
    entries = data.get("jobs") or []
    if not isinstance(entries, list):
        raise CatalogError(f"{shown}: `jobs` must be a list of entries like "
                           f"`- notebook: sales-performance` with `runs:`; found a {type(entries).__name__}")
    jobs: list[CatalogJob] = []
    seen: dict[str, str] = {}
    for i, entry in enumerate(entries):
        where = f"{shown} jobs[{i}]"
        if not isinstance(entry, dict):
            raise CatalogError(f"{where}: expected a mapping with `notebook` and `runs`, found {entry!r}")
        unknown = sorted(set(entry) - ENTRY_KEYS)
        if unknown:
            raise CatalogError(f"{where}: unknown key(s) {unknown}; an entry has `notebook`, `runs` and optionally "
                               "`description`, `timeout`, `requires` and `alerts`")
        notebook = entry.get("notebook")
        if not isinstance(notebook, str) or not notebook.strip():
            raise CatalogError(f"{where}: `notebook` is missing; give a report name from notebooks/ "
                               "(e.g. `notebook: sales-performance`) or a path to an .ipynb")
        runs = entry.get("runs")
        if not isinstance(runs, list) or not runs:
            raise CatalogError(f"{where} ({notebook}): `runs` must be a non-empty list, e.g. "
                               "`runs: [{name: default}]`")
        entry_timeout = (parse_timeout(entry["timeout"], where=f"{where} ({notebook})")
                         if entry.get("timeout") is not None else None)
        entry_requires = _requires(entry.get("requires"), where=f"{where} ({notebook})")
        entry_alerts = parse_rules(entry.get("alerts"), where=f"{where} ({notebook})")
        for j, run in enumerate(runs):
            rwhere = f"{where}.runs[{j}] ({notebook})"
            if not isinstance(run, dict):
                raise CatalogError(f"{rwhere}: expected a mapping with `name` and optional `parameters`, "
                                   f"found {run!r}")
            unknown = sorted(set(run) - RUN_KEYS)
            if unknown:
                raise CatalogError(f"{rwhere}: unknown key(s) {unknown}; a run has `name` and optionally "
                                   "`parameters`, `description`, `timeout`, `requires` and `alerts` (report "
                                   "parameters go under `parameters:`)")
            name = run.get("name")
            if not isinstance(name, str) or not RUN_NAME.match(name):
                raise CatalogError(f"{rwhere}: run name {name!r} must be lower-case letters, digits, '-' or '_' "
                                   "(it becomes part of the run folder's name), e.g. `default` or `q4-1997`")
            params = run.get("parameters") or {}
            if not isinstance(params, dict):
                raise CatalogError(f"{rwhere}: `parameters` must be a mapping of `name: value`, found "
                                   f"{type(params).__name__}")
            label = f"{where}.runs[{j}] ({_stem(notebook)}/{name})"
            timeout = (parse_timeout(run["timeout"], where=label) if run.get("timeout") is not None
                       else entry_timeout if entry_timeout is not None else default_timeout)
            requires = tuple(dict.fromkeys(entry_requires + _requires(run.get("requires"), where=label)))
            alerts = default_alerts + entry_alerts + parse_rules(run.get("alerts"), where=label)
            job = CatalogJob(notebook=notebook.strip(), run_name=name, parameters=dict(params),
                             description=str(run.get("description") or entry.get("description") or ""),
                             where=f"{where}.runs[{j}]", base=str(p.parent.resolve()), timeout=timeout,
                             requires=requires, alerts=alerts)
            if job.label in seen:
                raise CatalogError(f"{rwhere}: job {job.label!r} is listed twice (also at {seen[job.label]}); "
                                   "give each run of a notebook its own name")
            seen[job.label] = rwhere
            jobs.append(job)
    return jobs
