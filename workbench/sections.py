"""Report sections that data can be too thin for: compute them if possible, otherwise say why and go on.

A new shop's first export is short (a few days, a handful of customers). An analysis that cannot work on it
raises :class:`~workbench.errors.NotEnoughData`; the report notebook computes such a section with
:func:`attempt`, which returns the result or a :class:`Skipped` holding the reason. The report's sentence and
table functions (:func:`skippable`) and the charts (:func:`skippable_chart`) receive the ``Skipped`` like any
result and show the reason in its place, so the notebook stays free of logic and the rest of the report runs.
Any other error still fails the run: only "not enough data" is a reason to leave a section out.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from workbench.errors import NotEnoughData

__all__ = ["Skipped", "attempt", "skippable", "skippable_chart", "skipped_panel", "is_skipped"]


@dataclass(frozen=True)
class Skipped:
    """A section left out of a report, and why (displays as a short Markdown note)."""

    reason: str
    section: str | None = None

    @property
    def sentence(self) -> str:
        """The reason as a sentence of its own (it follows a full stop): a first plain word capitalised ("no
        orders were given" becomes "No orders ..."); a reason that starts with a name ("orders.csv: ...",
        "tuna: ...") keeps it as written."""
        return self.reason[0].upper() + self.reason[1:] if re.match(r"[a-z]+ ", self.reason) else self.reason

    def text(self) -> str:
        what = f"{self.section}: not" if self.section else "Not"
        return f"*{what} computed for this data.* {self.sentence}"

    def _repr_markdown_(self) -> str:
        from workbench.present.narrative import escape_dollars

        return escape_dollars(self.text())

    def __bool__(self) -> bool:  # `result or default` reads naturally in report code
        return False


def is_skipped(value: Any) -> bool:
    return isinstance(value, Skipped)


def attempt(func: Callable[..., Any], /, *args: Any, section: str | None = None, **kwargs: Any) -> Any:
    """``func(*args, **kwargs)``, or a :class:`Skipped` with the reason when the data is too thin for it.

    Only :class:`~workbench.errors.NotEnoughData` is caught; a ``Skipped`` argument skips the call too (a
    section built on a skipped one is skipped for the same reason).
    """
    for value in (*args, *kwargs.values()):
        if isinstance(value, Skipped):
            return Skipped(value.reason, section or value.section)
    try:
        return func(*args, **kwargs)
    except NotEnoughData as exc:
        return Skipped(str(exc), section)


def _first_skipped(args: tuple, kwargs: dict) -> Skipped | None:
    return next((v for v in (*args, *kwargs.values()) if isinstance(v, Skipped)), None)


def skippable(func: Callable[..., Any]) -> Callable[..., Any]:
    """For a report's ``_md`` / ``_table`` function: given a ``Skipped`` argument, return it (shown as its reason)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        skipped = _first_skipped(args, kwargs)
        return skipped if skipped is not None else func(*args, **kwargs)

    return wrapper


def skippable_chart(func: Callable[..., Any]) -> Callable[..., Any]:
    """For a ``plot_`` function: given a ``Skipped`` argument, draw a small panel that states the reason."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        skipped = _first_skipped(args, kwargs)
        if skipped is None:
            return func(*args, **kwargs)
        return skipped_panel(skipped, ax=kwargs.get("ax"), title=kwargs.get("title"))

    return wrapper


def skipped_panel(skipped: Skipped, *, ax: Any = None, title: str | None = None) -> Any:
    """A small panel in a chart's place that states why it is not drawn (the Axes)."""
    import textwrap

    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(9.0, 1.4))
    ax.set_axis_off()
    ax.set_title(title or skipped.section or "Chart not drawn", loc="left")
    ax.text(0.0, 0.5, "\n".join(textwrap.wrap(f"Not drawn for this data: {skipped.reason}", 110)),
            transform=ax.transAxes, va="center", ha="left", fontsize=10, color="#555555")
    return ax
