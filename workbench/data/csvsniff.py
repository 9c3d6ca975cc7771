"""What the careful reader would decide about a column, read off a sample and stated for an engine's CSV reader.

The careful reader (:mod:`workbench.data.csvread`) decides per column, from all its values, how amounts and
dates are written. A large file is faster parsed by an engine (DuckDB's ``read_csv``) told the notation up
front; these functions read the notation off the first lines, using the careful reader's own rules:

- :func:`date_notation`: the ``strptime`` format of a date column (ISO, or day/month vs month/day with the
  order decided as :func:`~workbench.data.csvread.parse_dates` decides it), or None when the sample needs the
  careful reader (time-zone offsets, several notations in one column, two-digit years, AM/PM, fractions of
  a second);
- :func:`decimal_notation`: the decimal mark of an amount column when every sampled value is a plain number
  in it (no currency sign, no thousands separator, no accounting negative), or None.

Both are deliberately narrower than the careful reader: a notation is only handed to the engine where the
engine's parse of it and the careful reader's agree value for value; anything else stays with the careful
reader. The rest of the file is checked by the engine (a value that does not fit the notation is a parse
error there, which sends the file back to the careful reader).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from workbench.data.csvread import (_ISO_FORMATS, _OFFSET_RE, _TIME_RE, _clean_number_text, _decimal_evidence_mask,
                                    _fits, order_by_spread)

__all__ = ["DateNotation", "date_notation", "decimal_notation", "decimal_notations", "ENGINE_ISO_FORMATS"]

# the careful reader's ISO formats an engine parses the same way (fractions of a second and the separator-less
# %Y%m%d are left to the careful reader: pandas and DuckDB read their digit runs differently)
ENGINE_ISO_FORMATS = tuple(f for f in _ISO_FORMATS if "%f" not in f and f != "%Y%m%d")

# the careful reader's day/month pattern (csvread.parse_dates), with the separators captured
_SLASHED = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})([/.\-])(\d{2,4})"
                      r"(?:([ T])(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$")

# plain numbers per decimal mark: what both the careful parser and the engine read as the same float
PLAIN_NUMBER = {".": r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", ",": r"[+-]?(\d+,?\d*|,\d+)"}


@dataclass(frozen=True)
class DateNotation:
    """How a date column is written.

    Attributes
    ----------
    format : str
        ``strptime`` format (``"%Y-%m-%d %H:%M:%S"``, ``"%d/%m/%Y %H:%M"``).
    dayfirst : bool or None
        For day/month dates: the order read (None for ISO dates).
    proven : bool
        The order was given (``dayfirst=``) or a sampled value shows it (a number above 12). When False the
        careful reader would say in the load summary that it assumed the order, unless a value further down
        the file shows it.
    by_spread : bool
        Not proven, and read off how the two numbers vary (:func:`~workbench.data.csvread.order_by_spread`)
        rather than assumed.
    """

    format: str
    dayfirst: bool | None = None
    proven: bool = True
    by_spread: bool = False

    @property
    def pattern(self) -> str:
        """The values the careful reader reads in this notation, as a regular expression: for day/month dates
        (whose digits an engine's strptime reads more loosely: ``7:5`` as 07:05); ISO dates need none."""
        digits = {"%d": r"\d{1,2}", "%m": r"\d{1,2}", "%Y": r"\d{4}", "%H": r"\d{1,2}", "%M": r"\d{2}",
                  "%S": r"\d{2}"}
        literal = lambda part: "".join("\\" + c if c in r".^$*+?()[]{}|\\-/" else c for c in part)  # noqa: E731
        return "".join(digits.get(part) or literal(part) for part in re.split(r"(%[dmYHMS])", self.format) if part)


def date_notation(values: pd.Series, *, dayfirst: bool | None = None,
                  default_dayfirst: bool = False) -> DateNotation | None:
    """The one notation every sampled date is written in, as the careful reader would read it; None when the
    sample needs the careful reader (or holds no date)."""
    s = values.dropna().astype(str).str.strip()
    s = s[s != ""].drop_duplicates()   # each notation once (the first value stays first: it decides ISO formats)
    if s.empty:
        return None
    if (s.str.contains(_OFFSET_RE, regex=True) & s.str.contains(_TIME_RE, regex=True)).any():
        return None  # offsets are dropped by the careful reader, converted by an engine
    first = s.iloc[0]
    iso = next((f for f in _ISO_FORMATS if _fits(first, f)), None)
    if iso is not None:
        if iso not in ENGINE_ISO_FORMATS:
            return None
        parsed = pd.to_datetime(s, format=iso, errors="coerce")
        return DateNotation(iso) if parsed.notna().all() else None
    parts = s.str.extract(_SLASHED)
    if parts[0].isna().any():
        return None
    shape = parts[[1, 3, 5]].fillna("").agg("|".join, axis=1).unique()
    if len(shape) != 1 or parts[9].notna().any() or (parts[4].str.len() != 4).any():
        return None   # several separators or time shapes, AM/PM, two-digit years
    if parts[8].notna().any() and parts[8].isna().any():
        return None   # times with and without seconds
    a, b = parts[0].astype(int), parts[2].astype(int)
    only_dm, only_md = bool((a > 12).any()), bool((b > 12).any())
    if only_dm and only_md:
        return None
    proven = dayfirst is not None or only_dm or only_md
    spread = None if proven else order_by_spread(a.nunique(), n_second=b.nunique())
    if dayfirst is None:
        dayfirst = only_dm if (only_dm or only_md) else default_dayfirst if spread is None else spread
    sep1, sep2 = parts.iloc[0][1], parts.iloc[0][3]
    date = f"%d{sep1}%m{sep2}%Y" if dayfirst else f"%m{sep1}%d{sep2}%Y"
    if pd.notna(parts.iloc[0][5]):
        date += parts.iloc[0][5] + "%H:%M" + (":%S" if pd.notna(parts.iloc[0][8]) else "")
    parsed = pd.to_datetime(s, format=date, errors="coerce")
    return (DateNotation(date, dayfirst=dayfirst, proven=proven, by_spread=spread is not None)
            if parsed.notna().all() else None)


def decimal_notation(values: pd.Series, *, decimal: str = "auto",
                     default_decimal: str = ".") -> tuple[str, bool] | None:
    """``(mark, shown)``: the decimal mark the careful parser would use for this column and whether a sampled
    value shows it (False: the file's default was taken, no value decided); None when a sampled value is not
    a plain number in that notation (currency signs, thousands separators, accounting negatives, both marks).
    """
    return decimal_notations({0: values}, decimal=decimal, default_decimal=default_decimal)[0]


def decimal_notations(columns: Mapping[Any, pd.Series], *, decimal: str = "auto",
                      default_decimal: str = ".") -> dict[Any, tuple[str, bool] | None]:
    """:func:`decimal_notation` of several columns, keyed as given: each pattern runs once over the values of
    all of them (every pattern call has a fixed cost in pandas, which made six amount columns take 0.14 s)."""
    if not columns:
        return {}
    parts = []
    for values in columns.values():
        v = values.dropna().astype(str).str.strip()
        parts.append(v[v != ""].drop_duplicates().reset_index(drop=True))
    s = pd.concat(parts, keys=range(len(parts)))   # level 0: which column
    out: dict[Any, tuple[str, bool] | None] = {}
    if decimal in (".", ","):
        marks = {i: (decimal, True) for i in range(len(parts))}
    else:
        t = _clean_number_text(s.astype("string[pyarrow]"))
        comma = _decimal_evidence_mask(t, ",").groupby(level=0).sum() if len(t) else pd.Series(dtype="int64")
        dot = _decimal_evidence_mask(t, ".").groupby(level=0).sum() if len(t) else pd.Series(dtype="int64")
        marks = {}
        for i in range(len(parts)):
            c, d = int(comma.get(i, 0)), int(dot.get(i, 0))
            marks[i] = None if c and d else (",", True) if c else (".", True) if d else (default_decimal, False)
    plain = pd.Series(True, index=s.index)
    for mark in {m[0] for m in marks.values() if m}:
        picked = [i for i, m in marks.items() if m and m[0] == mark]
        sub = s[s.index.get_level_values(0).isin(picked)]
        plain.loc[sub.index] = sub.str.fullmatch(PLAIN_NUMBER[mark]).to_numpy(dtype=bool)
    all_plain = plain.groupby(level=0).all() if len(plain) else pd.Series(dtype=bool)
    for i, key in enumerate(columns):
        out[key] = marks[i] if marks[i] and bool(all_plain.get(i, True)) else None
    return out
