"""The engine way of reading a CSV export: canonical order lines over DuckDB's scan of the file, every line
checked and the load summary counted by one query (see :mod:`~workbench.data.orders.csvfast` for when this way
is taken and what happens otherwise).

:func:`engine_lines` takes the first lines as the careful reader read them (:class:`CsvHead`) and a column
mapping, reads off them the DuckDB types and the notations (:mod:`workbench.data.csvsniff`: ISO or day/month
dates, the decimal mark), and builds the canonical columns as Ibis expressions over ``read_csv(...)`` with
those settings. The line policies are applied lazily (:func:`~workbench.data.orders.policies.apply_to_table_now`)
and their counts are computed in the same query as the checks, so loading costs one scan of the file:

- a value that does not fit the notation is DuckDB's parse error (a conversion, an encoding, a row with more
  or fewer fields): :class:`NotForEngine`, and the file is read another way;
- per line, an integer of flags (:func:`_flags`): what the careful reader refuses or would read differently
  (an order id, date, amount or quantity missing, a fractional quantity, an amount that is not finite, an
  unknown line type, another currency than the first lines', a day/month date its pattern refuses), text that
  may need trimming and amounts with more than six decimals (read again exactly: trimmed and rounded), and a
  read of every text column (DuckDB checks UTF-8 only in the columns a query reads);
- the dates' range, the status words not recognised, the day/month order shown by a value.

Written by hand because DuckDB's CSV reader and the careful reader (pandas, the layout mappers) differ in small
ways that change values: DuckDB does not trim text, rounds differently, reads ``7:5`` as 07:05, ``24`` as the
year 24 and ``infinity`` or ``epoch`` as 1900-01-01. Each such difference found is either made impossible here
or sends the file to the careful reader.
One is left: DuckDB reads an amount with underscores between its digits (``1_000``) as 1000, where the
careful reader refuses it. DuckDB has no setting for it and no export writes such amounts; checking the text
of every amount would cost each load more than the case is worth.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import ibis
import pandas as pd

from workbench.data.csvread import CsvRead, order_by_spread, undecided_dates_note
from workbench.data.csvsniff import DateNotation, date_notation, decimal_notations
from workbench.data.orders.eager import MONEY
from workbench.data.orders.headers import Layout
from workbench.data.orders.lazy import canonical_columns
from workbench.data.orders.orderlines import OrderLines
from workbench.data.orders.policies import LoadOptions, apply_to_table_now, check_currencies_table
from workbench.data.schema import LINE_TYPES
from workbench.data.summary import LoadSummary

__all__ = ["engine_lines", "CsvHead", "NotForEngine", "col", "trimmed", "sql_text", "duckdb_errors",
           "duckdb_reason"]

# what str.strip() removes (the careful reader strips every field): the characters whose str.isspace() is true.
# Written out because finding them by scanning every code point cost 0.16 s at each import (every report kernel);
# a test scans once and compares.
_WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
               "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_NUMBERS = ("revenue", "quantity", "unit_price", "discount", "tax", "shipping")


class NotForEngine(Exception):
    """Why a file is read by a slower way (the message ends up in the load summary)."""


@dataclass
class CsvHead:
    """The first lines of a file as the careful reader reads them, and how DuckDB is to read the file."""

    path: Path
    name: str
    read: CsvRead
    complete: bool
    compression: str | None

    @property
    def lines(self) -> int:
        return len(self.read.frame)

    def read_csv(self, types: dict[int, str], **options: Any) -> str:
        """A DuckDB ``read_csv(...)`` call for this file: columns ``c0, c1, ...`` of the given types (VARCHAR
        where not given), the detected dialect, nothing auto-detected."""
        cols = ", ".join(f"'c{i}': '{types.get(i, 'VARCHAR')}'" for i in range(len(self.read.header)))
        opts = {"header": "true", "delim": sql_text(self.read.delimiter), "quote": "'\"'", "escape": "'\"'",
                "columns": "{" + cols + "}", "auto_detect": "false",
                "compression": sql_text(self.compression or "none"), "encoding": "'utf-8'", "strict_mode": "true",
                "null_padding": "false"}
        opts.update({k: sql_text(v) for k, v in options.items()})
        return f"read_csv({sql_text(str(self.path))}, " + ", ".join(f"{k}={v}" for k, v in opts.items()) + ")"


@dataclass
class _Plan:
    types: dict[int, str]
    dates: DateNotation
    decimal: str


def _plan(head: CsvHead, layout: Layout, options: LoadOptions) -> _Plan:
    """DuckDB types and notations for the mapped columns, read off the sample, or NotForEngine."""
    frame, index = head.read.frame, {h: i for i, h in enumerate(head.read.header)}
    cols = layout.columns
    if head.lines == 0:
        raise NotForEngine("no rows in its first lines.")
    dates = date_notation(frame[cols["order_date"]], dayfirst=options.dayfirst,
                          default_dayfirst=head.read.decimal == ",")
    if dates is None:
        raise NotForEngine("its dates need the careful parser (time-zone offsets, several notations, two-digit "
                           "years, AM/PM or fractions of a second in the first lines).")
    found = decimal_notations({c: frame[cols[c]] for c in _NUMBERS if c in cols}, decimal=options.decimal,
                              default_decimal=head.read.decimal)
    marks: dict[str, tuple[str, bool]] = {}
    for canon, notation in found.items():
        if notation is None:
            raise NotForEngine(f"its amounts need the careful parser (`{cols[canon]}`: currency signs, "
                               "thousands separators or both decimal marks in the first lines).")
        marks[canon] = notation
    shown = {m for m, by_value in marks.values() if by_value}
    if len(shown) > 1:
        raise NotForEngine("its amount columns use different decimal marks.")
    decimal = shown.pop() if shown else head.read.decimal
    if any(m != decimal for m, _ in marks.values()):
        raise NotForEngine("its amount columns use different decimal marks.")
    types = {index[cols[c]]: "DOUBLE" for c in marks}
    # ISO dates are parsed by the reader; day/month dates are read as text, checked against the careful
    # reader's pattern (strptime takes 7:5 for 07:05, the careful reader refuses it) and parsed in the query
    types[index[cols["order_date"]]] = "TIMESTAMP" if dates.dayfirst is None else "VARCHAR"
    return _Plan(types=types, dates=dates, decimal=decimal)


def engine_lines(head: CsvHead, *, layout: Layout, options: LoadOptions) -> OrderLines:
    """Canonical order lines over DuckDB's scan of the file, checked and counted by one query now; or
    NotForEngine (a parse error, a value the careful reader would refuse or read differently).

    The first query takes text as DuckDB reads it and amounts as parsed, and checks that no text value starts or
    ends with anything but a printable ASCII character and that no amount has more than six decimals. Where one
    does, a second query reads the file as the careful reader does: every text value trimmed of Unicode white
    space, every amount rounded to a millionth (both cost time on every query, so only where needed).
    """
    plan = _plan(head, layout, options)
    try:
        lines, found = _engine_query(head, layout, options, plan, exact=False)
        return lines if lines is not None else _engine_query(head, layout, options, plan, exact=True)[0]
    except duckdb_errors() as exc:   # a parse error, or options DuckDB refuses
        raise NotForEngine(duckdb_reason(exc)) from None


def _engine_query(head: CsvHead, layout: Layout, options: LoadOptions, plan: _Plan,
                  exact: bool) -> tuple[OrderLines | None, dict[str, Any]]:
    from workbench.engine import default_backend

    index = {h: i for i, h in enumerate(head.read.header)}
    cols = dict(layout.columns)
    code = _sample_currency(head, cols, options)
    select = []
    for canon, src in cols.items():
        i = index[src]
        if canon == "order_date" and plan.dates.dayfirst is not None:
            select += [f'strptime({col(i)}, {sql_text(plan.dates.format)}) AS "order_date"',
                       f'{col(i)} AS "_date_text"']
        else:
            select.append(f'{col(i) if i in plan.types or not exact else trimmed(col(i))} AS "{canon}"')
    used = {index[s] for s in cols.values()}
    select += [f'{col(i)} AS "_c{i}"' for i in range(len(head.read.header)) if i not in used]
    if "quantity" in cols:
        select.append('"quantity" AS "_quantity_read"')  # parsed, before the canonical rounding to whole units
    if "status" in cols:
        select.append('"status" AS "_status_word"')      # as written, before mapping to canonical statuses
    reader = head.read_csv(plan.types, timestampformat=plan.dates.format,
                           **({"decimal_separator": ","} if plan.decimal == "," else {}))
    inner = f"SELECT {', '.join(select)} FROM {reader}"
    unused = [f"_c{i}" for i in range(len(head.read.header)) if i not in used]
    flags = _flags(cols, unused, code, exact, dates=plan.dates)
    raw_table = _view(default_backend(), f'SELECT *, {flags} AS "_flags" FROM ({inner})')

    summary = LoadSummary(source=str(head.path), format=layout.format, lines_read=None, lines_kept=0)
    for note in [*head.read.notes, *layout.notes]:
        summary.note(note)
    at_dates_note = len(summary.notes)
    identity = Layout(layout.module, layout.format, columns={c: c for c in cols}, notes=[],
                      revenue_less=layout.revenue_less)
    hidden = [c for c in raw_table.columns if c.startswith("_")]
    base, derived = canonical_columns(raw_table, identity, name=head.name, summary=summary,
                                      extra={c: raw_table[c] for c in hidden})
    # the careful path rounds money to a millionth (numpy: rint(x * 1e6) / 1e6): amounts read with six decimals
    # or fewer are unchanged by it (checked), a computed revenue is rounded
    computed = {"revenue"} if "revenue" not in cols or layout.revenue_less else set()
    rounded = [c for c in MONEY if c in base.columns and (exact or c not in cols or c in computed)]
    base = base.mutate(**{c: _round6(base[c]) for c in rounded})
    base, options = _currency(base, head, cols, options, summary, code)
    checks: dict[str, Any] = {"flags": base["_flags"].bit_or(), "min_date": base.order_date.min(),
                              "max_date": base.order_date.max()}
    if plan.dates.dayfirst is not None and not plan.dates.proven:
        checks["max_day"] = base.order_date.day().max()
        checks["n_days"], checks["n_months"] = base.order_date.day().nunique(), base.order_date.month().nunique()
    if "status" in cols:
        checks["status_unknown"] = (base["_status_word"].notnull() & base.status.isnull()).sum()
    if "currency" in cols and options.currency is not None:   # the careful reader refuses a file with no
        cur = base.currency                                     # line in it (and none without a code)
        checks["currency_given"] = (cur.isnull() | (cur == options.currency)).sum()
    table, found = apply_to_table_now(base, replace(options, derived=derived), summary, checks=checks,
                                      hidden=hidden)
    if int(found["flags"] or 0) & (_PADDED | _UNROUND):
        return None, found   # read again as the careful reader does
    _judge(found, cols, plan)
    if found.get("status_unknown", 0):
        first = _first_unknown_status(base)
        summary.items.insert(0, _status_item(int(found["status_unknown"]), first))
    if plan.dates.dayfirst is not None and not plan.dates.proven and not found["max_day"] > 12:
        summary.notes.insert(at_dates_note, _undecided_order(found, plan.dates.dayfirst,
                                                             default=head.read.decimal == ","))
    summary.resolve()
    summary.note(f"Read by DuckDB with the delimiter, number and date formats of the first {head.lines:,} lines; "
                 "every line was checked. Each query reads the file again (save a large file as Parquet to query "
                 "it faster).")
    lines = OrderLines(table, summary, source=str(head.path), format=layout.format, frame=None, engine="duckdb",
                       local_file=True)
    return lines, found


def _undecided_order(found: dict[str, Any], dayfirst: bool, *, default: bool) -> str:
    """The note on a file no value of which shows the day/month order, with the careful reader's decision
    taken on the whole file (how the two numbers vary, else the default); NotForEngine if that decision is
    not the order the file was read in (the first lines varied otherwise than the whole file)."""
    days, months = int(found["n_days"]), int(found["n_months"])
    spread = order_by_spread(days, n_second=months) if dayfirst else order_by_spread(months, n_second=days)
    if (default if spread is None else spread) != dayfirst:
        raise NotForEngine("the day/month order of its first lines is not the whole file's.")
    return undecided_dates_note("order_date", dayfirst=dayfirst, by_spread=spread is not None)


def _view(con: Any, sql: str) -> ibis.Table:
    """``sql`` as a table over a temporary view. ``con.sql(sql)`` would do, but Ibis parses the text of such a
    query again each time it compiles a query over it: 0.05 s for this 10 kB one, at the load and in every
    figure computed from the lines afterwards."""
    name = f"_workbench_csv_{uuid.uuid4().hex}"
    con.raw_sql(f'CREATE TEMPORARY VIEW "{name}" AS {sql}')
    return con.table(name, database="temp")


# bits of the per-line flags (one bit_or aggregate reads them all)
_JUDGED, _PADDED, _UNROUND, _READ = 1, 2, 4, 8
# what DuckDB's strptime makes of 'infinity', '-infinity' and 'epoch' (any case) with an ISO format
_STRPTIME_WORDS = "TIMESTAMP '1900-01-01 00:00:00'"


def _flags(cols: dict[str, str], unused: list[str], code: str | None, exact: bool, *, dates: DateNotation) -> str:
    """SQL over the selected columns: an integer whose bits say, per line, that the careful reader must judge it
    (_JUDGED: an order id, date, amount or quantity missing, a fractional quantity, an amount that is not
    finite, an unknown line type, another currency than the first lines'), that text may need trimming
    (_PADDED) or an amount rounding (_UNROUND). _READ makes the query read every text column (DuckDB checks
    UTF-8 only in the columns a query reads)."""
    judged = ['"order_id" IS NULL', '"order_date" IS NULL']
    if dates.dayfirst is not None:
        judged.append(f'NOT regexp_full_match("_date_text", {sql_text(dates.pattern)})')
    else:   # 'infinity' or 'epoch' read as 1900-01-01 (the careful reader refuses them, reads a real one)
        judged.append(f'"order_date" = {_STRPTIME_WORDS}')
    judged.append('"revenue" IS NULL' if "revenue" in cols else '"unit_price" IS NULL')
    if "quantity" in cols:
        judged.append('"quantity" IS NULL OR "quantity" <> round("quantity")')
    numbers = [c for c in _NUMBERS if c in cols]
    judged.append("NOT isfinite(" + " + ".join(f'coalesce("{c}", 0)' for c in numbers) + ")")
    if "line_type" in cols:   # equalities: an IN list cost three times as much; lower() only where needed
        def known(v: str) -> str:
            return "(" + " OR ".join(f"{v} = '{t}'" for t in LINE_TYPES) + ")"
        plain, lowered = known('"line_type"'), known('lower("line_type")')
        judged.append(f'"line_type" IS NULL OR (NOT {plain} AND NOT {lowered})')
    if code:        # the first lines' one code: every line must carry it (or none)
        judged.append(f'"currency" <> {sql_text(code)} AND upper(trim("currency")) <> {sql_text(code)}')
    elif code == "":  # no code in the first lines: none further down either
        judged.append('"currency" IS NOT NULL')
    bits = [(_JUDGED, judged)]
    text = [c for c in cols if c not in ("order_date", *numbers, "line_type", "currency")]
    read = {"order_id", "line_type"} | ({"currency"} if code is not None else set())
    if not exact:
        bits.append((_PADDED, [_maybe_padded(f'"{c}"') for c in text]))
        bits.append((_UNROUND, [_unround(f'"{c}"') for c in MONEY if c in cols]))
        read |= set(text)
    bits.append((_READ, [f'"{c}" IS NULL' for c in [*cols, *unused] if c not in ("order_date", *numbers, *read)]))
    return " + ".join(f"(CASE WHEN {' OR '.join(f'({x})' for x in conds)} THEN {bit} ELSE 0 END)"
                      for bit, conds in bits if conds)


def _judge(found: dict[str, Any], cols: dict[str, str], plan: _Plan) -> None:
    """NotForEngine when a line is one the careful reader refuses or would read differently."""
    if int(found["flags"] or 0) & _JUDGED:
        raise NotForEngine("lines the careful reader must judge (an order id, date, amount or quantity missing, a "
                           "fractional quantity, an amount that is not finite, an unknown line type or another "
                           "currency).")
    if "currency_given" in found and not found["currency_given"]:
        raise NotForEngine("no line is in the currency asked for (the careful reader says which there are).")
    lo, hi = found["min_date"], found["max_date"]
    if lo and hi and (pd.Timestamp(lo).year < 1000 or pd.Timestamp(hi).year > 9999):
        raise NotForEngine("years before 1000 (two-digit years are read by the careful reader).")


def _sample_currency(head: CsvHead, cols: dict[str, str], options: LoadOptions) -> str | None:
    """Without ``currency=``: the one code of the first lines ("" when they name none), which every other line
    must carry too (checked); None when ``currency=`` is given or the file has no currency column."""
    if "currency" not in cols or options.currency is not None:
        return None
    codes = head.read.frame[cols["currency"]].dropna().astype(str).str.strip().str.upper()
    codes = sorted(set(codes[codes != ""]))
    if len(codes) > 1:
        raise NotForEngine("several currencies in its first lines (the careful reader says what to pass).")
    return codes[0] if codes else ""


def _currency(base: ibis.Table, head: CsvHead, cols: dict[str, str], options: LoadOptions,
              summary: LoadSummary, code: str | None) -> tuple[ibis.Table, LoadOptions]:
    """The careful reader's currency decision (note, codes upper-cased, the code filled in): with the code of
    the first lines when ``currency=`` is not given."""
    if "currency" in cols and options.currency is None:
        return check_currencies_table(base, options, source=head.name, summary=summary,
                                      single=lambda: code or None)
    return check_currencies_table(base, options, source=head.name, summary=summary)


def _first_unknown_status(base: ibis.Table) -> str:
    from workbench.engine import to_pandas
    t = base
    row = to_pandas(t.filter(t["_status_word"].notnull() & t.status.isnull()).select("_status_word").limit(1))
    return str(row["_status_word"].iloc[0])


def _status_item(n: int, first: str):
    from workbench.data.summary import SummaryItem
    return SummaryItem("status_unknown", n, "changed",
                       f"lines with a status word not recognised (first: {first!r}): status left empty")


def _maybe_padded(column: str) -> str:
    """SQL: true where a text value starts or ends with white space (what the careful reader strips), or may
    (an empty value). Cheap checks first (DuckDB's trim with a character set is slow): a first character below
    ``!``; for a value of ASCII characters only, its last character below ``!``; the code points of the first and
    last characters only where they are not ASCII (accented product names are common, padded ones are not)."""
    # list_contains, not IN: DuckDB turns a long IN list into a join, which stays in every later query
    spaces = "[" + ", ".join(str(ord(c)) for c in _WHITESPACE) + "]"
    return (f"({column} < '!' OR ({column} >= chr(127) AND list_contains({spaces}, unicode({column}))) OR "
            f"CASE WHEN strlen({column}) = length({column}) THEN substring({column}, strlen({column}), 1) < '!' "
            f"ELSE list_contains({spaces}, unicode(right({column}, 1))) END)")


def _unround(column: str) -> str:
    """SQL: true where an amount may change when rounded to a millionth as numpy rounds (rint(x * 1e6) / 1e6).
    round() sends halves away from zero where rint sends them to even, but a value at a half is no value with
    six decimals: it is flagged either way, so false guarantees rint(x * 1e6) / 1e6 == x."""
    return f"(round({column} * 1000000.0) / 1000000.0 <> {column})"


@ibis.udf.scalar.builtin
def round_even(x: float, digits: int) -> float:  # DuckDB's round_even: halves to the even neighbour
    ...


def _round6(col):
    """numpy's round(x, 6), the careful path's rounding of money: rint(x * 1e6) / 1e6 (halves to even)."""
    return round_even(col * 1_000_000.0, 0) / 1_000_000.0



def col(i: int) -> str:
    return f'"c{i}"'


def trimmed(column: str) -> str:
    """SQL: the careful reader's strip (Unicode white space; empty = missing), run only where a value may need it
    (trim with a character set is slow in DuckDB)."""
    strip = f"NULLIF(trim({column}, {sql_text(_WHITESPACE)}), '')"
    return f"CASE WHEN {_maybe_padded(column)} THEN {strip} ELSE {column} END"


def sql_text(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def duckdb_errors() -> tuple[type[BaseException], ...]:
    import duckdb
    return (duckdb.Error,)


def duckdb_reason(exc: BaseException) -> str:
    """DuckDB's complaint in one line: 'DuckDB stopped at line 3: Could not convert string "n/a" to DOUBLE'."""
    text = str(exc)
    line = re.search(r"CSV Error on Line: (\d+)", text)
    what = next((ln.strip() for ln in text.splitlines()
                 if ln.strip() and not ln.startswith(("Conversion Error", "Invalid Input Error", "Original Line",
                                                       "CSV Error"))), text.strip().splitlines()[0] if text.strip()
                else exc.__class__.__name__)
    where = f" at line {line.group(1)}" if line else ""
    return f"DuckDB's CSV reader stopped{where} ({what[:160]})."
