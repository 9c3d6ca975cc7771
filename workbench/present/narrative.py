"""Sentences for reports: render Markdown built from variables, so no number in prose is typed by hand."""
from __future__ import annotations

import re
from collections.abc import Iterable

_UNESCAPED_DOLLAR = re.compile(r"(?<!\\)\$")


def escape_dollars(text: str) -> str:
    """Escape ``$`` so "$90,260 - $123,020" is money, not a LaTeX formula, in JupyterLab and the HTML report."""
    return _UNESCAPED_DOLLAR.sub(r"\\$", text)


def md(text: str, *, math: bool = False):
    """Display Markdown in a notebook (returns the IPython object, so it is the cell's output).

    Dollar signs are escaped unless ``math=True``: report prose is full of amounts, never formulas.
    """
    from IPython.display import Markdown

    return Markdown(text if math else escape_dollars(text))


def bullets(items: Iterable[str]) -> str:
    """Markdown bullet list from sentences."""
    return "\n".join(f"- {item}" for item in items)
