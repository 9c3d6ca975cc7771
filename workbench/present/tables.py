"""Tables for managers: a frame shown through a column spec (label and kind per column), as a pandas Styler.

A report declares each display table once, beside its sentences (``workbench/reports/<report>.py``)::

    SEGMENTS = TableSpec({
        "segment": "Segment",                                   # label only: text or pandas' default
        "customers": Col("Customers", "count"),
        "revenue": Col("Net revenue", "money"),
        "revenue_share": Col("Share of net revenue", "percent"),
        "aov": Col("Average order value", "money", decimals=2),
    }, caption="RFM segments")

and ``table(frame, SEGMENTS, currency="EUR")`` shows those columns, in that order, under those labels, each
number formatted by its kind through :mod:`workbench.present.fmt`. The frame itself is not changed.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Callable

import pandas as pd

from workbench.present import fmt

__all__ = ["Col", "TableSpec", "table", "COLUMN_KINDS"]

# How each kind of column is shown (fractions for percent, pp and change).
COLUMN_KINDS = ("auto", "text", "money", "percent", "pp", "change", "count", "number", "ratio", "date")


@dataclass(frozen=True)
class Col:
    """One displayed column: its label, its kind (see :data:`COLUMN_KINDS`) and, optionally, its decimals.

    ``optional=True``: the column is left out when the frame does not have it (a column some data sets lack,
    e.g. a feature-ad rate); otherwise a missing column is an error that names it.
    """

    label: str
    kind: str = "auto"
    decimals: int | None = None
    optional: bool = False

    def __post_init__(self) -> None:
        if self.kind not in COLUMN_KINDS:
            raise ValueError(f"Col({self.label!r}): kind {self.kind!r} is not one of {list(COLUMN_KINDS)}")


@dataclass(frozen=True)
class TableSpec:
    """The columns of a display table, in order (name in the frame -> :class:`Col` or a bare label), and its caption.

    ``index=True`` keeps the frame's index as the first column(s) (a named index is shown under its name).
    """

    columns: Mapping[str, Col | str]
    caption: str | None = None
    index: bool = False
    cols: dict[str, Col] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "cols", {k: v if isinstance(v, Col) else Col(str(v)) for k, v in self.columns.items()})

    def label(self, name: Any) -> str:
        """The label of a column name (the name itself when the spec does not list it)."""
        col = self.cols.get(name)
        return col.label if col else str(name)


def _formatter(col: Col, currency: str) -> Callable[[Any], str] | None:
    d = col.decimals
    if col.kind == "money":
        return lambda x: fmt.money(x, currency, 0 if d is None else d)
    if col.kind == "percent":
        return lambda x: fmt.pct(x, 1 if d is None else d)
    if col.kind == "change":
        return lambda x: fmt.pct(x, 1 if d is None else d, signed=True)
    if col.kind == "pp":
        return lambda x: fmt.pp(x, 1 if d is None else d)
    if col.kind == "count":
        return lambda x: fmt.num(x, 0 if d is None else d)
    if col.kind == "number":
        return lambda x: fmt.num(x, 2 if d is None else d)
    if col.kind == "ratio":
        return lambda x: fmt.num(x, 2 if d is None else d)
    if col.kind == "date":
        return lambda x: "n/a" if pd.isna(x) else f"{pd.Timestamp(x):%d %b %Y}"
    if col.kind == "text":
        return lambda x: "n/a" if x is None or (isinstance(x, float) and pd.isna(x)) else str(x)
    if d is not None:
        return lambda x: fmt.num(x, d)
    return None


def _legacy_spec(df: pd.DataFrame, money: Sequence[str], pct: Sequence[str], count: Sequence[str],
                 decimals: dict[str, int] | None, money_decimals: int) -> TableSpec:
    missing = [c for c in [*money, *pct, *count, *(decimals or {})] if c not in df.columns]
    if missing:
        raise KeyError(f"table(): columns {missing} not in the frame; columns present: {list(df.columns)}")
    cols: dict[str, Col] = {c: Col(str(c)) for c in df.columns}
    cols |= {c: Col(str(c), "money", money_decimals) for c in money}
    cols |= {c: Col(str(c), "percent") for c in pct}
    cols |= {c: Col(str(c), "count") for c in count}
    cols |= {c: Col(str(c), "auto", d) for c, d in (decimals or {}).items()}
    return TableSpec(cols)


def table(df: pd.DataFrame, spec: TableSpec | Mapping[str, Col | str] | None = None, *, currency: str = "USD",
          caption: str | None = None, money: Sequence[str] = (), pct: Sequence[str] = (),
          count: Sequence[str] = (), decimals: dict[str, int] | None = None, money_decimals: int = 0):
    """Show ``df`` for a manager: the spec's columns, in its order, under its labels, numbers formatted by kind.

    Parameters
    ----------
    df : DataFrame
        The result to show (not changed).
    spec : TableSpec or mapping, optional
        Column name -> :class:`Col` (or a bare label). Without a spec every column is shown under its own
        name; dates without a time of day read as dates, text is left-aligned.
    currency : str
        Currency code for money columns.
    caption : str, optional
        Overrides the spec's caption (reports fill in figures such as the horizon).
    money, pct, count, decimals, money_decimals
        Kinds by column name, for ad-hoc tables in JupyterLab (reports use a spec).

    Returns
    -------
    pandas Styler.

    Raises
    ------
    KeyError
        When the spec names a column the frame lacks (and that is not optional).
    """
    if spec is None:
        spec = _legacy_spec(df, money, pct, count, decimals, money_decimals)
    elif not isinstance(spec, TableSpec):
        spec = TableSpec(spec)
    frame = df.reset_index() if spec.index else df
    missing = [name for name, col in spec.cols.items() if name not in frame.columns and not col.optional]
    if missing:
        raise KeyError(f"table(): columns {missing} not in the frame; columns present: {list(frame.columns)}")
    names = [name for name in spec.cols if name in frame.columns]
    shown = frame[names].rename(columns={n: spec.cols[n].label for n in names})
    formats: dict[str, Callable[[Any], str]] = {}
    text_columns = []
    for name in names:
        col, label = spec.cols[name], spec.cols[name].label
        values = frame[name]
        kind = col.kind
        if kind == "auto" and pd.api.types.is_datetime64_any_dtype(values):
            times = values.dropna()
            if (times == times.dt.normalize()).all():  # "29 Jun 1998", not "1998-06-29 00:00:00"
                kind = "date"
        f = _formatter(Col(label, kind, col.decimals), currency)
        if f is not None:
            formats[label] = f
        if kind == "text" or (kind == "auto" and f is None and not pd.api.types.is_numeric_dtype(values)
                              and not pd.api.types.is_datetime64_any_dtype(values)):
            text_columns.append(label)
    styler = shown.style.format(formats, na_rep="n/a")
    if text_columns:  # words read from the left; numbers stay right-aligned
        styler = styler.set_properties(subset=text_columns, **{"text-align": "left"})
    if isinstance(shown.index, pd.RangeIndex) or spec.index:
        styler = styler.hide(axis="index")
    text = caption if caption is not None else spec.caption
    if text:
        styler = styler.set_caption(text)
    return styler
