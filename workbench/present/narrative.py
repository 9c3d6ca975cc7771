"""Sentences for reports: Markdown built from variables, so no number in prose is typed by hand."""
from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["Markdown", "md", "bullets", "escape_dollars"]

_UNESCAPED_DOLLAR = re.compile(r"(?<!\\)\$")


def escape_dollars(text: str) -> str:
    """Escape ``$`` so "$90,260 - $123,020" is money, not a LaTeX formula, in JupyterLab and the HTML report."""
    return _UNESCAPED_DOLLAR.sub(r"\\$", text)


class Markdown(str):
    """Report text: a plain ``str`` (tests compare it, f-strings join it) that a notebook displays as Markdown.

    A report function returns one, so a notebook cell that calls it shows the prose with no wrapper call.
    Dollar signs are escaped on display: report prose is full of amounts, never formulas.
    """

    def _repr_markdown_(self) -> str:
        return escape_dollars(str(self))

    def __add__(self, other: str) -> Markdown:
        return Markdown(str(self) + other)


def md(text: str, *, math: bool = False):
    """Display Markdown in a notebook (returns the object, so it is the cell's output).

    Dollar signs are escaped unless ``math=True``: report prose is full of amounts, never formulas.
    """
    if math:
        from IPython.display import Markdown as IPythonMarkdown

        return IPythonMarkdown(text)
    return Markdown(text)


def bullets(items: Iterable[str]) -> Markdown:
    """Markdown bullet list from sentences."""
    return Markdown("\n".join(f"- {item}" for item in items))
