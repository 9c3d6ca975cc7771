"""Sentences for reports: render Markdown built from variables, so no number in prose is typed by hand."""
from __future__ import annotations

from collections.abc import Iterable


def md(text: str):
    """Display Markdown in a notebook (returns the IPython object, so it is the cell's output)."""
    from IPython.display import Markdown

    return Markdown(text)


def bullets(items: Iterable[str]) -> str:
    """Markdown bullet list from sentences."""
    return "\n".join(f"- {item}" for item in items)
