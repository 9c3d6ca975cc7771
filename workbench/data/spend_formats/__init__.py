"""Spend-export layouts the spend loader recognises by their headers, one module per layout.

:data:`FORMATS` lists them in the order they are tried (platform exports first, the generic table last);
:func:`detect` returns the first whose ``matches(header)`` is true. See ``_base.py`` for what a layout defines.
"""
from __future__ import annotations

from types import ModuleType
from typing import Sequence

from workbench.data.spend_formats import amazon_sp, generic, google_ads, meta_ads, mmm_weekly

FORMATS: dict[str, ModuleType] = {m.NAME: m for m in (google_ads, meta_ads, amazon_sp, mmm_weekly, generic)}


def detect(header: Sequence[str]) -> ModuleType | None:
    """The first layout whose signature the header has (``None`` when none)."""
    return next((m for m in FORMATS.values() if m.matches(header)), None)
