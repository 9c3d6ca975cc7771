"""The load summary: what a loader read, what it recognised the file as, and what it did with every line.

Nothing is dropped silently. Every exclusion, treatment or oddity a loader meets becomes one
:class:`SummaryItem` with a line count (and the revenue involved where it matters) and a sentence that says
what was done and why, e.g. "1,454 lines without a customer id: kept for revenue, left out of customer
metrics". Reports display the summary (``_repr_html_``); tests and code read the counts by key
(``summary["no_customer"].lines``).

For lazy sources (a Parquet file of tens of millions of lines read through DuckDB) the counts are Ibis
expressions or callables, computed on first access and then cached, so loading stays instant and the
counts cost one scan only when somebody looks at them.
"""
from __future__ import annotations

import html
import re
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

import pandas as pd

__all__ = ["LoadSummary", "SummaryItem"]

KEPT, DROPPED, CHANGED, NOTE = "kept", "dropped", "changed", "note"
TREATMENTS = (KEPT, DROPPED, CHANGED, NOTE)


def _evaluate(value: Any) -> Any:
    """Turn a lazy count (Ibis scalar expression or zero-argument callable) into a Python number."""
    if value is None or isinstance(value, (int, float)):
        return value
    if callable(value):
        return _evaluate(value())
    if hasattr(value, "execute"):  # an Ibis scalar expression
        with warnings.catch_warnings():
            # ibis 12 with pandas 3 warns about `future.infer_string` on every execution; harmless here
            warnings.filterwarnings("ignore", message=".*infer_string.*")
            out = value.execute()
        return None if out is None or (isinstance(out, float) and pd.isna(out)) else out
    if hasattr(value, "item"):
        return value.item()
    return value


@dataclass
class SummaryItem:
    """One thing a loader did to (or noticed about) a group of lines.

    Parameters
    ----------
    key : str
        Stable identifier tests and code use (``"zero_revenue"``, ``"no_customer"``, ``"returns"``...).
    lines : int or lazy
        How many source lines it concerns (an Ibis scalar or a callable for lazy sources).
    treatment : {"kept", "dropped", "changed", "note"}
        ``dropped`` lines are not in the table; ``kept``/``changed`` lines are (``changed`` = a value was
        altered, e.g. a currency filled in); ``note`` is an observation that changes nothing.
    text : str
        What was done and why, written to follow the count: "lines with amount 0.00: kept as sales of
        revenue 0".
    revenue : float or lazy, optional
        Revenue carried by those lines, where it helps judge the impact.
    """

    key: str
    lines: Any
    treatment: str
    text: str
    revenue: Any = None

    def __post_init__(self) -> None:
        if self.treatment not in TREATMENTS:
            raise ValueError(f"treatment {self.treatment!r} is not one of {TREATMENTS}")

    def resolve(self) -> "SummaryItem":
        self.lines = _evaluate(self.lines)
        self.revenue = _evaluate(self.revenue)
        return self

    def sentence(self) -> str:
        self.resolve()
        n = int(self.lines or 0)
        text = self.text
        if n == 1:  # "1 lines with ..." reads badly: the first counted noun becomes singular
            head = re.split(r"[:(]", text, maxsplit=1)[0]
            fixed = re.sub(r"\b(line|order|row|customer|invoice)s\b", r"\1", head, count=1)
            text = fixed + text[len(head):]
        rev = f" (revenue {_money(self.revenue)})" if self.revenue is not None else ""
        return f"{n:,} {text}{rev}"


def _money(x: float) -> str:
    sign = "-" if x < 0 else ""
    return f"{sign}{abs(x):,.2f}"


@dataclass
class LoadSummary:
    """What a load did, line by line, for the report and the reader.

    Attributes
    ----------
    source : str
        The file (or ``"DataFrame"``) that was read.
    format : str
        The layout recognised (``"cdnow"``, ``"shopify"``, ``"canonical"``, ...).
    lines_read : int or lazy
        Data lines in the source (header excluded).
    lines_kept : int or lazy
        Lines in the canonical table.
    items : list of SummaryItem
        Every exclusion, treatment and note, in the order the loader met them.
    notes : list of str
        Decisions that concern the whole file (date order read, currency assumed, revenue definition).
    """

    source: str
    format: str
    lines_read: Any
    lines_kept: Any
    items: list[SummaryItem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    # -- building -------------------------------------------------------------------------------------
    def add(self, key: str, lines: Any, treatment: str, text: str, *, revenue: Any = None,
            skip_zero: bool = True) -> None:
        """Add an item; eager zero counts are skipped (nothing happened), lazy ones are kept."""
        if skip_zero and isinstance(lines, (int, float)) and lines == 0:
            return
        self.items.append(SummaryItem(key, lines, treatment, text, revenue))

    def note(self, text: str) -> None:
        self.notes.append(text)

    # -- reading --------------------------------------------------------------------------------------
    def resolve(self) -> "LoadSummary":
        """Compute any lazy counts now (one query each) and keep them."""
        self.lines_read = _evaluate(self.lines_read)
        self.lines_kept = _evaluate(self.lines_kept)
        for item in self.items:
            item.resolve()
        self.items = [i for i in self.items if i.lines]
        return self

    def __getitem__(self, key: str) -> SummaryItem:
        for item in self.items:
            if item.key == key:
                return item.resolve()
        raise KeyError(f"no summary item {key!r}; items: {[i.key for i in self.items]}")

    def __contains__(self, key: str) -> bool:
        return any(i.key == key for i in self.items)

    def get(self, key: str, default: int = 0) -> int:
        """Line count of item ``key``, or ``default`` when the loader met no such lines."""
        return int(self[key].lines) if key in self else default

    @property
    def keys(self) -> list[str]:
        return [i.key for i in self.items]

    def to_frame(self) -> pd.DataFrame:
        """One row per item: ``key``, ``lines``, ``treatment``, ``revenue``, ``what`` (the sentence)."""
        self.resolve()
        rows = [{"key": "read", "lines": self.lines_read, "treatment": NOTE, "revenue": None,
                 "what": f"{int(self.lines_read):,} lines read from {self.source}, recognised as {self.format}"}]
        rows += [{"key": i.key, "lines": i.lines, "treatment": i.treatment, "revenue": i.revenue,
                  "what": i.sentence()} for i in self.items]
        rows.append({"key": "kept", "lines": self.lines_kept, "treatment": KEPT, "revenue": None,
                     "what": f"{int(self.lines_kept):,} lines in the order table"})
        frame = pd.DataFrame(rows)
        frame["lines"] = frame["lines"].astype("int64")
        frame["revenue"] = frame["revenue"].astype("float64")
        return frame

    def headline(self) -> str:
        self.resolve()
        return (f"{int(self.lines_read):,} lines read from {_short(self.source)} (format: {self.format}); "
                f"{int(self.lines_kept):,} kept")

    def to_markdown(self) -> str:
        """The summary as Markdown: a headline, then one bullet per item and note."""
        self.resolve()
        out = [f"**{self.headline()}.**", ""]
        out += [f"- {i.sentence()}." if i.treatment != NOTE else f"- Note: {i.sentence()}." for i in self.items]
        out += [f"- {n}" for n in self.notes]
        return "\n".join(out).rstrip() + "\n"

    def __str__(self) -> str:
        return self.to_markdown().replace("**", "")

    def __repr__(self) -> str:
        lazy = not all(isinstance(v, (int, float)) for v in (self.lines_read, self.lines_kept))
        if lazy:
            return f"<LoadSummary {self.format} from {_short(self.source)}: counts not computed yet>"
        return f"<LoadSummary {self.headline()}>"

    def _repr_html_(self) -> str:
        self.resolve()
        rows = "".join(
            f"<tr><td style='text-align:right'>{int(i.lines):,}</td><td style='text-align:left'>"
            f"{html.escape(i.treatment)}</td><td style='text-align:left'>"
            f"{html.escape(i.sentence().split(' ', 1)[1])}</td></tr>" for i in self.items)
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        return (f"<div class='wb-load-summary'><p><b>{html.escape(self.headline())}.</b></p>"
                + (f"<table><thead><tr><th>lines</th><th>treatment</th><th>what and why</th></tr></thead>"
                   f"<tbody>{rows}</tbody></table>" if rows else "")
                + (f"<ul>{notes}</ul>" if notes else "") + "</div>")


def _short(source: str) -> str:
    """The file name with its parent folder: enough to recognise it in a report."""
    parts = str(source).replace("\\", "/").rstrip("/").split("/")
    return "/".join(parts[-2:]) if len(parts) > 1 else str(source)
