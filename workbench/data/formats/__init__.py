"""Export layouts the orders loader recognises by their headers, one module per layout.

``FORMATS`` lists them in the order they are tried; :func:`detect` returns the first whose signature the
header contains. See ``_base.py`` for what a layout module defines.
"""
from __future__ import annotations

from types import ModuleType
from typing import Sequence

from workbench.data.formats import (cdnow, generic, online_retail, online_retail_ii, shopify, woocommerce,
                                    woocommerce_export)
from workbench.data.formats._base import norm

FORMATS: dict[str, ModuleType] = {m.NAME: m for m in (generic, cdnow, shopify, woocommerce, woocommerce_export,
                                                      online_retail, online_retail_ii)}


def register(module: ModuleType) -> None:
    FORMATS[module.NAME] = module


def signature_matches(module: ModuleType, header: Sequence[str]) -> bool:
    cols = {norm(h) for h in header}
    sig = {norm(s) for s in module.SIGNATURE}
    if getattr(module, "EXACT", False):
        return cols == sig
    return sig <= cols


def detect(header: Sequence[str]) -> ModuleType | None:
    """The first layout whose signature the header contains (``None`` when no layout matches)."""
    for module in FORMATS.values():
        if signature_matches(module, header):
            return module
    return None


def near_misses(header: Sequence[str]) -> list[tuple[ModuleType, list[str]]]:
    """Layouts the header nearly matches: (layout, the signature columns it lacks), closest first."""
    cols = {norm(h) for h in header}
    out = []
    for module in FORMATS.values():
        sig = list(module.SIGNATURE)
        lacking = [s for s in sig if norm(s) not in cols]
        have = len(sig) - len(lacking)
        if lacking and have >= max(2, len(sig) - 2) and have / len(sig) >= 0.6:
            out.append((module, lacking))
    return sorted(out, key=lambda x: len(x[1]))
