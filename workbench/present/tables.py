"""Tables for managers: pandas Styler with numbers formatted by kind, text left-aligned, index hidden when it is a range."""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from workbench.present import fmt


def table(df: pd.DataFrame, *, money: Sequence[str] = (), pct: Sequence[str] = (), count: Sequence[str] = (),
          decimals: dict[str, int] | None = None, currency: str = "USD", caption: str | None = None,
          money_decimals: int = 0):
    """Format ``df`` for display: money, percent (fractions) and count columns by name.

    Columns not named keep pandas' default; ``decimals`` gives a number of decimals per other column.
    Returns a ``Styler``; the frame itself is not changed.
    """
    missing = [c for c in [*money, *pct, *count, *(decimals or {})] if c not in df.columns]
    if missing:
        raise KeyError(f"table(): columns {missing} not in the frame; columns present: {list(df.columns)}")
    formats = {c: (lambda x, c=c: fmt.money(x, currency, money_decimals)) for c in money}
    formats |= {c: fmt.pct for c in pct}
    formats |= {c: fmt.num for c in count}
    formats |= {c: (lambda x, d=d: fmt.num(x, d)) for c, d in (decimals or {}).items()}
    for c in df.columns:  # dates without a time of day read as dates ("29 Jun 1998"), not "1998-06-29 00:00:00"
        if c not in formats and pd.api.types.is_datetime64_any_dtype(df[c]):
            times = df[c].dropna()
            if (times == times.dt.normalize()).all():
                formats[c] = lambda x: "n/a" if pd.isna(x) else f"{x:%d %b %Y}"
    styler = df.style.format(formats, na_rep="n/a")
    text_columns = [c for c in df.columns if c not in formats and not pd.api.types.is_numeric_dtype(df[c])]
    if text_columns:  # words read from the left; numbers stay right-aligned
        styler = styler.set_properties(subset=text_columns, **{"text-align": "left"})
    if isinstance(df.index, pd.RangeIndex):
        styler = styler.hide(axis="index")
    if caption:
        styler = styler.set_caption(caption)
    return styler
