"""Whether order lines come from the workbench's generated data, so reports can label every figure "generated".

Generated data live in ``data/generated/`` (``config.GENERATED_DIR``); a file elsewhere whose name says
generated or synthetic counts too. This is a fact about the source, so it lives in the data layer; the words a
report puts next to generated figures live in ``workbench/reports``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench import config

__all__ = ["is_generated_source"]


def is_generated_source(source: Any) -> bool:
    """True when ``source`` is generated data: a path, or a loaded table with a ``.source`` path (``load_orders``).

    A frame or table passed in without a file (no ``.source``) is not known to be generated: False.
    """
    path_text = source if isinstance(source, (str, Path)) else getattr(source, "source", None)
    if not isinstance(path_text, (str, Path)) or not str(path_text):  # a frame's `source` column is no path
        return False
    path = Path(str(path_text))
    try:
        path.resolve().relative_to(config.GENERATED_DIR.resolve())
        return True
    except ValueError:
        pass
    name = path.name.lower()
    return "generated" in name or "synthetic" in name
