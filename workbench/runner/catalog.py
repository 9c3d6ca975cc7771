"""The catalog of scheduled report jobs: ``catalog.yaml`` at the project root.

Format::

    jobs:
      - notebook: sales-performance          # a report name from notebooks/, or a path to an .ipynb
        runs:
          - name: default                    # job = sales-performance/default
          - name: q4-1997
            parameters:                      # override the notebook's defaults (JSON scalars or lists)
              period_end: "1997-12-31"

Rules, checked before any kernel starts: ``jobs`` is a list; each entry has ``notebook`` and a non-empty
``runs`` list, and no other key; each run has a ``name`` (lower-case letters, digits, ``-``, ``_``),
unique within its notebook, and optionally ``parameters`` (a mapping) and ``description``. A mistake in the
file's structure stops everything (:class:`CatalogError`, naming the file, the entry and the fix); a
problem with one job (its notebook is missing, a parameter is unknown or has the wrong type) is reported
as that job's failure and the other jobs still run.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench import config
from workbench.errors import WorkbenchError

__all__ = ["CatalogError", "CatalogJob", "load_catalog"]

RUN_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
ENTRY_KEYS = {"notebook", "runs", "description"}
RUN_KEYS = {"name", "parameters", "description"}


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

    @property
    def label(self) -> str:
        stem = Path(self.notebook).stem if self.notebook.endswith(".ipynb") else Path(self.notebook).name
        return f"{stem}/{self.run_name}"


def load_catalog(path: str | os.PathLike | None = None) -> list[CatalogJob]:
    """Read and check the catalog's structure; returns one :class:`CatalogJob` per run, in file order.

    Raises
    ------
    CatalogError
        For a missing or unreadable file, or an entry that breaks the rules in the module docstring.
    """
    import yaml

    p = Path(path) if path is not None else config.CATALOG_PATH
    shown = p.name if p.resolve() == config.CATALOG_PATH.resolve() else str(p)
    if not p.is_file():
        raise CatalogError(f"{shown}: catalog file not found; create it with a `jobs:` list "
                           "(see workbench/runner/catalog.py for the format)")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CatalogError(f"{shown}: not valid YAML: {exc}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict) or set(data) - {"jobs"}:
        extra = sorted(set(data) - {"jobs"}) if isinstance(data, dict) else type(data).__name__
        raise CatalogError(f"{shown}: expected one top-level key `jobs` (a list), found {extra}")
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
            raise CatalogError(f"{where}: unknown key(s) {unknown}; an entry has `notebook`, `runs` and an "
                               "optional `description`")
        notebook = entry.get("notebook")
        if not isinstance(notebook, str) or not notebook.strip():
            raise CatalogError(f"{where}: `notebook` is missing; give a report name from notebooks/ "
                               "(e.g. `notebook: sales-performance`) or a path to an .ipynb")
        runs = entry.get("runs")
        if not isinstance(runs, list) or not runs:
            raise CatalogError(f"{where} ({notebook}): `runs` must be a non-empty list, e.g. "
                               "`runs: [{name: default}]`")
        for j, run in enumerate(runs):
            rwhere = f"{where}.runs[{j}] ({notebook})"
            if not isinstance(run, dict):
                raise CatalogError(f"{rwhere}: expected a mapping with `name` and optional `parameters`, "
                                   f"found {run!r}")
            unknown = sorted(set(run) - RUN_KEYS)
            if unknown:
                raise CatalogError(f"{rwhere}: unknown key(s) {unknown}; a run has `name`, `parameters` and an "
                                   "optional `description` (parameters go under `parameters:`)")
            name = run.get("name")
            if not isinstance(name, str) or not RUN_NAME.match(name):
                raise CatalogError(f"{rwhere}: run name {name!r} must be lower-case letters, digits, '-' or '_' "
                                   "(it becomes part of the run folder's name), e.g. `default` or `q4-1997`")
            params = run.get("parameters") or {}
            if not isinstance(params, dict):
                raise CatalogError(f"{rwhere}: `parameters` must be a mapping of `name: value`, found "
                                   f"{type(params).__name__}")
            job = CatalogJob(notebook=notebook.strip(), run_name=name, parameters=dict(params),
                             description=str(run.get("description") or entry.get("description") or ""),
                             where=f"{where}.runs[{j}]", base=str(p.parent.resolve()))
            if job.label in seen:
                raise CatalogError(f"{rwhere}: job {job.label!r} is listed twice (also at {seen[job.label]}); "
                                   "give each run of a notebook its own name")
            seen[job.label] = rwhere
            jobs.append(job)
    return jobs
