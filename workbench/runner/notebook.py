"""Report notebooks as files: find one by name or path, read its title, parameters and content hash.

Reads the ``.ipynb`` JSON directly (no nbformat, no papermill) so ``workbench list`` starts fast.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from workbench import config
from workbench.errors import ParameterError, WorkbenchError
from workbench.runner.params import ParamSpec, parse_parameters

__all__ = ["NotebookInfo", "find_notebook", "list_notebooks", "read_notebook", "notebook_hash"]

PARAMETERS_TAG = "parameters"


@dataclass(frozen=True)
class NotebookInfo:
    """What the runner knows about a report notebook before running it."""

    name: str                   # file stem, e.g. "sales-performance"; the reports/<name>/ folder
    path: Path                  # absolute path of the .ipynb
    title: str                  # the first markdown cell's "# " heading (the name when there is none)
    params: tuple[ParamSpec, ...]
    sha256: str                 # content hash: cell types, sources and tags (see notebook_hash)
    has_parameters_cell: bool

    @property
    def display_path(self) -> str:
        """The path relative to the project root when it is inside it."""
        return display_path(self.path)


def display_path(path: str | os.PathLike) -> str:
    p = Path(path)
    try:
        return p.resolve().relative_to(config.PROJECT_ROOT).as_posix()
    except ValueError:
        return str(p)


def _cell_source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _tags(cell: dict) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []) or [])


def notebook_hash(nb: dict) -> str:
    """sha256 of what the notebook computes: every cell's type, source and tags, in order.

    Outputs, execution counts and metadata are left out: JupyterLab rewrites them on save, and the runner
    sets the kernel itself, so they do not change a report's result.
    """
    canon = [{"type": c.get("cell_type"), "source": _cell_source(c), "tags": sorted(_tags(c))}
             for c in nb.get("cells", [])]
    return hashlib.sha256(json.dumps(canon, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def _title(nb: dict, fallback: str) -> str:
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            for line in _cell_source(cell).splitlines():
                m = re.match(r"^#\s+(.+?)\s*#*\s*$", line)
                if m:
                    return m.group(1).strip()
            break
    return fallback


def read_notebook(path: str | os.PathLike) -> NotebookInfo:
    """Read a notebook file: title, parameters (validated syntax) and content hash.

    Raises
    ------
    ParameterError
        When the parameters cell cannot be parsed (the message names the notebook and the line).
    WorkbenchError
        When the file is not a notebook.
    """
    p = Path(path).resolve()
    try:
        nb = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WorkbenchError(f"{p}: cannot read the notebook ({exc})") from None
    if not isinstance(nb, dict) or "cells" not in nb:
        raise WorkbenchError(f"{p}: not a Jupyter notebook (no `cells`)")
    name = p.stem
    cells = [c for c in nb["cells"] if c.get("cell_type") == "code" and PARAMETERS_TAG in _tags(c)]
    params = parse_parameters(_cell_source(cells[0]), notebook=name) if cells else []
    return NotebookInfo(name=name, path=p, title=_title(nb, name), params=tuple(params),
                        sha256=notebook_hash(nb), has_parameters_cell=bool(cells))


def list_notebooks(folder: str | os.PathLike | None = None) -> list[Path]:
    """The report notebooks: every ``*.ipynb`` directly in ``folder`` (default ``notebooks/``), sorted."""
    folder = Path(folder) if folder is not None else config.NOTEBOOKS_DIR
    return sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))


def find_notebook(ref: str | os.PathLike, *, base: str | os.PathLike | None = None) -> Path:
    """Resolve a notebook given by name (``sales-performance``) or path.

    A name without a folder is looked up in ``notebooks/`` (with or without ``.ipynb``); a path is taken
    relative to ``base`` (e.g. the catalog's folder), then the current directory, then the project root.
    """
    text = os.fspath(ref)
    candidates: list[Path] = []
    if "/" not in text and os.sep not in text:
        stem = text[:-6] if text.endswith(".ipynb") else text
        candidates.append(config.NOTEBOOKS_DIR / f"{stem}.ipynb")
    with_ext = text if text.endswith(".ipynb") else f"{text}.ipynb"
    for t in dict.fromkeys([text, with_ext]):
        if base is not None:
            candidates.append(Path(base) / t)
        candidates.append(config.resolve_path(t))
    for c in candidates:
        if c.is_file():
            return c.resolve()
    names = ", ".join(p.stem for p in list_notebooks()) or "(none yet)"
    raise ParameterError(f"notebook {text!r} not found; give a report name from notebooks/ ({names}) "
                         "or a path to an .ipynb file")
