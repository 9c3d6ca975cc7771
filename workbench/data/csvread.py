"""Read CSV exports as they come, and turn their text into numbers and dates with errors a manager can act on.

Public functions other loaders reuse:

- :func:`read_csv_robust` reads a delimited text file into a frame of **strings** (nothing converted yet)
  plus what it detected (:class:`CsvRead`: encoding, delimiter, likely decimal mark, header, row count).
  It copes with UTF-8 with or without BOM, Latin-1/cp1252, ``,``/``;``/tab/``|`` delimiters, quoted
  newlines in product names, ``.gz`` files and one-file ``.zip`` archives (exports sent by e-mail), and refuses an empty file, a header without rows and a duplicated header.
- :func:`parse_numbers` turns amount text into floats: currency symbols and codes (``$``, ``€``, ``EUR``),
  thousands separators (``1,234.50``, ``1.234,50``, ``1 234,50``, ``1'234.50``), decimal commas,
  accounting negatives ``(12.00)`` and trailing minus signs. Anything else raises one ``DataError`` naming
  the column, the number of bad rows and the first one.
- :func:`parse_dates` turns date text into ``datetime64[us]`` local wall-clock times: ISO dates, Shopify's
  ``2024-01-05 09:14:22 -0500`` (the offset is dropped, the local time kept), ``20240105``, and
  day/month or month/day with slashes, dots or dashes, deciding the order from the data.
- :func:`currency_of_amounts` reads the currency a symbol or code in an amount names.

Why partly by hand: pandas reads the CSV (its C parser handles quotes, embedded newlines and BOMs), but
pandas' ``decimal=``/``thousands=`` options apply to a whole file and fail silently (a column stays text)
on mixed notations, currency signs or accounting negatives, and its date inference guesses the day/month
order per value. The detection rules here are small, explicit and tested, and every failure names the row.
"""
from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.errors import DataError

__all__ = ["CsvRead", "read_csv_robust", "read_csv_head", "parse_numbers", "parse_dates", "currency_of_amounts",
           "detect_encoding", "compression_of", "order_by_spread", "undecided_dates_note"]

_STR = "string[pyarrow]"  # pyarrow-backed text: vectorised regex (RE2) instead of a Python loop
DELIMITERS = (",", ";", "\t", "|")

# symbol -> ISO code; "$" alone is read as USD only when no other hint exists (see currency_of_amounts)
CURRENCY_SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "CHF": "CHF",
                    "kr": "SEK", "zł": "PLN", "R$": "BRL", "A$": "AUD", "C$": "CAD", "CA$": "CAD", "AU$": "AUD"}
_ISO_RE = re.compile(r"\b([A-Z]{3})\b")
_SYMBOLS_RE = re.compile(r"(US\$|R\$|A\$|C\$|CA\$|AU\$|\$|€|£|¥|₹|zł|\bkr\b|\bCHF\b)")


@dataclass
class CsvRead:
    """A CSV file read as text, with what the reader detected.

    Attributes
    ----------
    frame : DataFrame
        One column per header field, every value a string or missing (empty cells are missing).
    path : str
        The file read.
    encoding, delimiter : str
        What was detected (or given).
    decimal : str
        The decimal mark the file most likely uses: ``","`` when the delimiter is ``;`` (the European
        spreadsheet convention), else ``"."``. :func:`parse_numbers` still decides per column from the data
        and uses this only when a column's values are ambiguous (``1,250``).
    header : list of str
        The header fields as written (whitespace around them stripped).
    notes : list of str
        What the reader noticed and decided (BOM removed, Latin-1 assumed ...), for a load summary.
    """

    frame: pd.DataFrame
    path: str
    encoding: str
    delimiter: str
    decimal: str
    header: list[str]
    notes: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.frame)


def detect_encoding(raw: bytes) -> tuple[str, str | None]:
    """Return (encoding, note). UTF-8 (BOM removed) when the bytes decode as UTF-8, else cp1252/Latin-1.

    Windows exports (Excel "CSV", older ERPs) write cp1252; cp1252 is Latin-1 plus printable characters in
    0x80-0x9F (``€``, curly quotes), so bytes that are undefined in cp1252 fall back to Latin-1.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig", "UTF-8 byte-order mark removed."
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", "Read as UTF-16."
    try:
        raw.decode("utf-8")
        return "utf-8", None
    except UnicodeDecodeError:
        pass
    try:
        raw.decode("cp1252")
        return "cp1252", "Not UTF-8: read as Windows-1252 (Latin-1 with the euro sign)."
    except UnicodeDecodeError:
        return "latin-1", "Not UTF-8: read as Latin-1."


def _read_bytes(path: Path, name: str) -> bytes:
    """The file's bytes; ``.gz`` files and ``.zip`` archives holding one file are unpacked."""
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        import gzip
        return gzip.decompress(raw)
    if raw[:4] == b"PK\x03\x04":
        import zipfile
        with zipfile.ZipFile(path) as zf:
            members = [m for m in zf.namelist() if not m.endswith("/") and not m.startswith("__MACOSX")]
            if len(members) != 1:
                raise DataError(f"the zip archive holds {len(members)} files, expected one", source=name,
                                fix=f"Unzip it and pass the orders file itself. Files: {members[:5]}")
            return zf.read(members[0])
    return raw


def _detect_delimiter(first_line: str) -> str:
    """The candidate delimiter that occurs most often in the header line outside quotes."""
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def read_csv_robust(path: str | os.PathLike, *, delimiter: str | None = None, encoding: str | None = None,
                    source: str | None = None, allow_header_only: bool = False,
                    skip_blank_lines: bool = True) -> CsvRead:
    """Read a delimited text export into a frame of strings, detecting encoding and delimiter.

    Parameters
    ----------
    path : path-like
        The file. Must exist (resolve user paths with ``workbench.config.resolve_path`` first).
    delimiter : str, optional
        Field separator; detected from the header line when omitted (``,``, ``;``, tab or ``|``).
    encoding : str, optional
        Text encoding; detected when omitted (UTF-8 with or without BOM, else cp1252/Latin-1).
    source : str, optional
        Name used in error messages (defaults to the file name).
    allow_header_only : bool
        Return an empty frame for a file with a header and no rows instead of raising.

    Returns
    -------
    CsvRead
        ``.frame`` holds strings only (missing where a cell is empty); numbers and dates are converted by
        the caller with :func:`parse_numbers` / :func:`parse_dates`, so the error names the column.

    Raises
    ------
    DataError
        Empty file; header without rows; a header field repeated or empty; rows with more fields than the
        header.
    """
    path = Path(path)
    name = source or path.name
    return _read_text(_read_bytes(path, name), path=path, name=name, delimiter=delimiter, encoding=encoding,
                      allow_header_only=allow_header_only, skip_blank_lines=skip_blank_lines)


def read_csv_head(path: str | os.PathLike, *, max_bytes: int, delimiter: str | None = None,
                  encoding: str | None = None, source: str | None = None) -> tuple[CsvRead, bool]:
    """The first lines of a file (whole lines, about ``max_bytes``), read exactly as :func:`read_csv_robust`
    reads a whole file: the same encoding and delimiter detection, header checks and messages.

    Returns the :class:`CsvRead` of those lines and whether they are the whole file. A ``.gz`` file is
    read through its decompressed start; a ``.zip`` archive is read whole (it cannot be streamed). Meant for
    detecting, on a sample, what a faster reader should expect in the rest of the file.
    """
    path = Path(path)
    name = source or path.name
    raw, complete = _head_bytes(path, name, max_bytes)
    for _ in range(20):
        try:
            return _read_text(raw, path=path, name=name, delimiter=delimiter, encoding=encoding,
                              allow_header_only=not complete), complete
        except DataError as exc:
            # cut inside a quoted field that holds line breaks: end the sample one line earlier
            cut = raw.rfind(b"\n", 0, len(raw) - 1)
            if complete or cut <= 0 or "more fields than the header" not in exc.problem:
                raise
            raw = raw[:cut + 1]
    raise DataError("the first lines end inside a quoted field", source=name)


def compression_of(path: str | os.PathLike) -> str | None:
    """``"gzip"`` or ``"zip"`` from the file's first bytes (whatever its name), else None."""
    with open(path, "rb") as fh:
        magic = fh.read(4)
    return "gzip" if magic[:2] == b"\x1f\x8b" else "zip" if magic == b"PK\x03\x04" else None


def _head_bytes(path: Path, name: str, max_bytes: int) -> tuple[bytes, bool]:
    """Up to ``max_bytes`` of the (decompressed) file cut after its last complete line, and whether that is
    all of it."""
    kind = compression_of(path)
    if kind == "zip":
        raw = _read_bytes(path, name)
        return raw, True
    if kind == "gzip":
        import gzip
        with gzip.open(path, "rb") as fh:
            raw = fh.read(max_bytes + 1)
    else:
        with open(path, "rb") as fh:
            raw = fh.read(max_bytes + 1)
    if len(raw) <= max_bytes:
        return raw, True
    cut = raw.rfind(b"\n", 0, max_bytes)
    return (raw[:cut + 1] if cut > 0 else raw[:max_bytes]), False


def _read_text(raw: bytes, *, path: Path, name: str, delimiter: str | None, encoding: str | None,
               allow_header_only: bool = False, skip_blank_lines: bool = True) -> CsvRead:
    """The bytes of a delimited text file parsed into strings (the body of :func:`read_csv_robust`)."""
    if not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        raise DataError("the file is empty (no header, no rows)", source=name,
                        fix="Export the orders again, or check that the right file was given")
    notes: list[str] = []
    if encoding is None:
        encoding, note = detect_encoding(raw)
        if note:
            notes.append(note)
    text = raw.decode(encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    first_line = next((ln for ln in text.splitlines() if ln.strip()), "")
    delim = delimiter or _detect_delimiter(first_line)
    header = next(csv.reader([first_line], delimiter=delim))
    header = [h.strip() for h in header]

    empties = [i + 1 for i, h in enumerate(header) if h == ""]
    if empties and len(header) > 1:
        what = "an empty column name (field" if len(empties) == 1 else f"{len(empties)} empty column names (fields"
        raise DataError(f"the header has {what} {', '.join(map(str, empties))} of the header line)", source=name,
                        fix="Give every column a name in the first line (or delete the empty column)")
    seen: dict[str, int] = {}
    dups = []
    for h in header:
        seen[h] = seen.get(h, 0) + 1
        if seen[h] == 2:
            dups.append(h)
    if dups:
        raise DataError(f"the header names {len(dups)} column{'s' if len(dups) > 1 else ''} twice: {dups}",
                        source=name, column=dups[0],
                        fix=f"Rename or delete the duplicated columns so each name appears once, then load the "
                            f"file again. Header: {header}")
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delim, dtype=str, keep_default_na=False, na_values=[""],
                            skip_blank_lines=skip_blank_lines, skipinitialspace=False, engine="c",
                            on_bad_lines="error")
    except pd.errors.ParserError as exc:
        match = re.search(r"line (\d+), saw (\d+)", str(exc))
        example = f"line {match.group(1)} has {match.group(2)} fields" if match else str(exc)
        raise DataError(f"a row has more fields than the header's {len(header)}", source=name,
                        example=example,
                        fix="Check for an unquoted delimiter in a text field (product names with "
                            f"'{delim}'), or pass delimiter=") from None
    frame.columns = header
    if frame.empty and not allow_header_only:
        raise DataError("the file has a header but no data rows", source=name, rows=0,
                        example=f"header: {header}", fix="Export a period that contains orders")
    frame = frame.apply(lambda s: s.str.strip()).replace("", np.nan) if len(frame) else frame
    decimal = "," if delim == ";" else "."
    return CsvRead(frame=frame, path=str(path), encoding=encoding, delimiter=delim, decimal=decimal,
                   header=header, notes=notes)


# ------------------------------------------------------------------------------------------------------
# numbers
# ------------------------------------------------------------------------------------------------------

# plain pattern strings (not compiled) so pandas can hand them to pyarrow's vectorised regex engine
_STRIP_RE = r"(US\$|R\$|A\$|C\$|CA\$|AU\$|[$€£¥₹]|zł|\bkr\b|\b[A-Z]{3}\b)"
_SPACES_RE = "[ \t\u00a0\u202f']"  # real characters (not regex escapes), so pyarrow's RE2 can run it


def _clean_number_text(s: pd.Series) -> pd.Series:
    """Remove currency marks and grouping spaces/apostrophes; turn (x) and trailing minus into -x."""
    t = s.str.replace(_STRIP_RE, "", regex=True).str.replace(_SPACES_RE, "", regex=True)
    paren = t.str.match(r"^\(.*\)$", na=False)
    t = t.where(~paren, "-" + t.str.slice(1, -1))
    trailing = t.str.match(r"^[^-].*-$", na=False)
    t = t.where(~trailing, "-" + t.str.slice(0, -1))
    return t.str.replace(r"^\+", "", regex=True).str.replace(r"^-\s*-", "-", regex=True)


def _decimal_evidence(t: pd.Series) -> tuple[int, int]:
    """(rows that prove a decimal comma, rows that prove a decimal point)."""
    both_comma_last = t.str.match(r"^-?\d{1,3}(\.\d{3})+,\d+$", na=False)
    both_dot_last = t.str.match(r"^-?\d{1,3}(,\d{3})+\.\d+$", na=False)
    comma_only = t.str.match(r"^-?\d*,(\d{1,2}|\d{4,})$", na=False)   # 12,5 / 12,50 / 0,1234
    dot_only = t.str.match(r"^-?\d*\.(\d{1,2}|\d{4,})$", na=False)
    many_dots = t.str.match(r"^-?\d{1,3}(\.\d{3}){2,}$", na=False)     # 1.234.567 -> grouping dots
    many_commas = t.str.match(r"^-?\d{1,3}(,\d{3}){2,}$", na=False)
    return (int((both_comma_last | comma_only | many_dots).sum()),
            int((both_dot_last | dot_only | many_commas).sum()))


def parse_numbers(values: pd.Series, *, decimal: str = "auto", default_decimal: str = ".",
                  source: str | None = None, column: str | None = None, row_offset: int = 1,
                  fix: str | None = None) -> pd.Series:
    """Convert amount text to floats, accepting the notations real exports use.

    Parameters
    ----------
    values : Series
        Text (or numbers, returned as floats). Missing stays missing.
    decimal : {"auto", ".", ","}
        Decimal mark. ``"auto"`` decides per column: a value like ``1.234,50`` or ``12,5`` proves a decimal
        comma, ``1,234.50`` or ``12.5`` a decimal point; a column of only ambiguous values (``1,250``) uses
        ``default_decimal`` (pass the file's :attr:`CsvRead.decimal`).
    source, column : str, optional
        Named in the error message.
    row_offset : int
        Added to the 0-based position to name rows in messages (1 = first data row is "row 1").

    Raises
    ------
    DataError
        When values are not amounts (names the count and the first row), or the column mixes decimal
        commas and decimal points.
    """
    if pd.api.types.is_numeric_dtype(values):
        return values.astype("float64")
    index = values.index
    s = values.astype(_STR).reset_index(drop=True)
    if decimal == "." or (decimal == "auto" and default_decimal == "."):
        # fast path: plain numbers ("11.77", "-3", "1e3") need no cleaning and prove nothing about commas
        fast = pd.to_numeric(s, errors="coerce")
        if not (fast.isna() & s.notna()).any():
            out = fast.astype("float64")
            out.index = index
            return out
    t = _clean_number_text(s)
    if decimal == "auto":
        comma, dot = _decimal_evidence(t)
        if comma and dot:
            first_c = t[_decimal_evidence_mask(t, ",")].index[0]
            first_d = t[_decimal_evidence_mask(t, ".")].index[0]
            raise DataError("the column mixes decimal commas and decimal points", source=source, column=column,
                            rows=comma + dot,
                            example=f"row {_pos(s, first_c) + row_offset}: {s[first_c]!r} vs row "
                                    f"{_pos(s, first_d) + row_offset}: {s[first_d]!r}",
                            fix="Export the amounts with one notation, or pass decimal=',' or decimal='.'")
        decimal = "," if comma else "." if dot else default_decimal
    if decimal == ",":
        t = t.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        t = t.str.replace(",", "", regex=False)
    out = pd.to_numeric(t, errors="coerce").astype("float64")
    out.index = index
    bad = pd.Series(out.isna().to_numpy() & s.notna().to_numpy())
    if bad.any():
        first = bad.to_numpy().nonzero()[0][0]
        raise DataError("values are not numbers", source=source, column=column, rows=int(bad.sum()),
                        example=f"row {first + row_offset}: {s.iloc[first]!r}",
                        fix=fix or "Correct or remove those rows (amounts may carry a currency sign and "
                                   "thousands separators, nothing else)")
    return out


def _decimal_evidence_mask(t: pd.Series, mark: str) -> pd.Series:
    if mark == ",":
        return (t.str.match(r"^-?\d{1,3}(\.\d{3})+,\d+$", na=False) | t.str.match(r"^-?\d*,(\d{1,2}|\d{4,})$", na=False)
                | t.str.match(r"^-?\d{1,3}(\.\d{3}){2,}$", na=False))
    return (t.str.match(r"^-?\d{1,3}(,\d{3})+\.\d+$", na=False) | t.str.match(r"^-?\d*\.(\d{1,2}|\d{4,})$", na=False)
            | t.str.match(r"^-?\d{1,3}(,\d{3}){2,}$", na=False))


def _pos(s: pd.Series, label) -> int:
    return int(s.index.get_loc(label))


def currency_of_amounts(values: pd.Series) -> pd.Series:
    """The ISO currency code each amount's symbol or code names (``"$1.00"`` -> USD), missing where none."""
    s = values.astype(_STR)
    code = s.str.extract(r"\b([A-Z]{3})\b", expand=False)
    sym = s.str.extract(_SYMBOLS_RE, expand=False).map(CURRENCY_SYMBOLS, na_action="ignore")
    return code.fillna(sym).astype(_STR)


# ------------------------------------------------------------------------------------------------------
# dates
# ------------------------------------------------------------------------------------------------------

# spaces spelled out: pandas sends patterns with \s to Python's re (slow) instead of pyarrow's RE2
_OFFSET_RE = r"(?:[ \t]*(?:Z|UTC|GMT)?[ \t]*[+-]\d{2}:?\d{2}|[ \t]*Z|[ \t]+UTC|[ \t]+GMT)$"
_TIME_RE = r"\d{1,2}:\d{2}"
_ISO_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M",
                "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S.%f", "%Y%m%d", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
                "%Y/%m/%d")


def parse_dates(values: pd.Series, *, dayfirst: bool | None = None, default_dayfirst: bool = False,
                source: str | None = None, column: str | None = None, row_offset: int = 1,
                notes: list[str] | None = None) -> pd.Series:
    """Convert date text to ``datetime64[us]``, keeping the local wall-clock time.

    Parameters
    ----------
    values : Series
        Text such as ``2024-01-05``, ``2024-01-05 09:14:22 -0500`` (offset dropped: 09:14:22 is kept),
        ``2024-01-05T09:14:22Z``, ``20240105``, ``12/1/2010 8:26``, ``05.01.2024``. Missing stays missing.
    dayfirst : bool, optional
        Order of day and month in ``a/b/yyyy`` dates. ``None`` decides from the data: a first number above
        12 proves day-first, a second above 12 proves month-first; when no value decides,
        ``default_dayfirst`` is used and a note says so.
    notes : list, optional
        Receives sentences about what was decided (for the load summary).

    Raises
    ------
    DataError
        Values that match no date notation, or a column whose values prove both orders.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        out = values
        if getattr(out.dt, "tz", None) is not None:
            out = out.dt.tz_localize(None)
        return out.astype("datetime64[us]")
    index = values.index
    s = values.astype(_STR).str.strip().reset_index(drop=True)
    had_offset = s.str.contains(_OFFSET_RE, na=False)
    # offsets only follow a time ("2024-01-05 09:14:22 -0500"); a bare "2024-01-05" keeps its dashes
    had_offset = had_offset & s.str.contains(_TIME_RE, na=False)
    t = s.where(~had_offset, s.str.replace(_OFFSET_RE, "", regex=True))
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us]")
    todo = t.notna()
    tried: set[str] = set()
    while todo.any():
        # the format is guessed from the first value still unparsed, then applied to all of them at once
        sample = t[todo].iloc[0]
        fmt = next((f for f in _ISO_FORMATS if f not in tried and _fits(sample, f)), None)
        if fmt is None:
            break
        tried.add(fmt)
        parsed = pd.to_datetime(t[todo], format=fmt, errors="coerce")
        ok = parsed.notna()
        if ok.any():
            out[ok[ok].index] = parsed[ok].astype("datetime64[us]")
            todo[ok[ok].index] = False
    if todo.any():
        rest = t[todo]
        parts = rest.str.extract(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?"
                                 r"\s*([AaPp][Mm])?)?$")
        matched = parts[0].notna()
        if matched.any():
            a = parts[0].astype("float")
            b = parts[1].astype("float")
            year = parts[2].astype("float")
            year = year.where(year >= 100, year + 2000)
            hour = parts[3].astype("float").fillna(0)
            ampm = parts[6].str.lower().fillna("")
            hour = hour.where(~((ampm == "pm") & (hour < 12)), hour + 12)
            hour = hour.where(~((ampm == "am") & (hour == 12)), 0)

            minute = parts[4].astype("float").fillna(0)
            second = parts[5].astype("float").fillna(0)
            clock = (hour < 24) & (minute < 60) & (second < 60)   # to_datetime would roll 25:00 over a day

            def as_dates(day: pd.Series, month: pd.Series) -> pd.Series:
                comp = pd.DataFrame({"year": year, "month": month, "day": day, "hour": hour, "minute": minute,
                                     "second": second})[matched & clock]
                return pd.to_datetime(comp, errors="coerce").reindex(rest.index)

            # each value read both ways: a value that is a date in neither order (day 32, month 13, 31 June)
            # is no date at all; a value that is a date in one order only proves that order
            day_month, month_day = as_dates(a, b), as_dates(b, a)
            nowhere = day_month.isna() & month_day.isna()   # unmatched values too (read as missing)
            if nowhere.any():
                _not_dates(s, todo & nowhere.reindex(todo.index, fill_value=False), source=source, column=column,
                           row_offset=row_offset)
            only_dm = day_month.notna() & month_day.isna()
            only_md = month_day.notna() & day_month.isna()
            if only_dm.any() and only_md.any():
                i, j = only_dm[only_dm].index[0], only_md[only_md].index[0]
                raise DataError("dates mix day/month and month/day order", source=source, column=column,
                                rows=int(min(only_dm.sum(), only_md.sum())),
                                example=f"row {_pos(s, i) + row_offset}: {s[i]!r} is day/month, row "
                                        f"{_pos(s, j) + row_offset}: {s[j]!r} is month/day",
                                fix="Export dates in one format (ISO 2024-01-31 is safest), or correct the rows "
                                    "in the other order")
            given = dayfirst is not None
            if dayfirst is None:
                if only_dm.any() or only_md.any():
                    dayfirst = bool(only_dm.any())
                else:
                    both = day_month.notna() & month_day.notna()
                    spread = order_by_spread(a[both].nunique(), n_second=b[both].nunique())
                    dayfirst = default_dayfirst if spread is None else spread
                    if notes is not None:
                        notes.append(undecided_dates_note(column or "dates", dayfirst=dayfirst,
                                                          by_spread=spread is not None))
            parsed = day_month if dayfirst else month_day
            ok = parsed.notna()
            out[ok[ok].index] = parsed[ok].astype("datetime64[us]")
            todo[ok[ok].index] = False
            if given and todo.any():
                order = "day/month" if dayfirst else "month/day"
                _not_dates(s, todo, source=source, column=column, row_offset=row_offset,
                           why=f" in {order} order (dayfirst={dayfirst})")
    if todo.any():
        _not_dates(s, todo, source=source, column=column, row_offset=row_offset)
    if notes is not None and had_offset.any():
        notes.append(f"{column or 'Dates'}: time-zone offsets dropped, the local time written in the export kept.")
    out.index = index
    return out


def order_by_spread(n_first: int, *, n_second: int) -> bool | None:
    """Day/month or month/day when no number is above 12, read off how many values each number takes: True
    (day first) when the first takes at least three and the second one, as a week or two of orders within one
    month does ("03/11/2026" to "09/11/2026"); False in the mirror case; None when neither holds.

    Written by hand: pandas and DuckDB only ever assume an order. The rule fails for dates on one day of
    several months and nothing else (01/01, 01/02, 01/03 meaning the 1st of three months, day first), which
    an order export seldom is; the load summary says the order was inferred, and ``dayfirst=`` overrides it.
    """
    if n_first >= 3 and n_second == 1:
        return True
    if n_second >= 3 and n_first == 1:
        return False
    return None


def undecided_dates_note(column: str, *, dayfirst: bool, by_spread: bool) -> str:
    """The load summary's sentence when no value proves the day/month order (the careful reader's and the
    engine's words are one)."""
    order = "day/month" if dayfirst else "month/day"
    if by_spread:
        varies, fixed = ("first", "second") if dayfirst else ("second", "first")
        return (f"{column}: no value shows whether dates are day/month or month/day; read as {order}/year because "
                f"the {varies} number varies and the {fixed} does not, as days within one month do (pass "
                f"dayfirst= to change).")
    return (f"{column}: no value shows whether dates are day/month or month/day; read as {order}/year (pass "
            f"dayfirst= to change).")


def _not_dates(s: pd.Series, bad: pd.Series, *, source: str | None, column: str | None, row_offset: int,
               why: str = "") -> None:
    first = bad.to_numpy().nonzero()[0][0]
    raise DataError(f"values are not dates{why}", source=source, column=column, rows=int(bad.sum()),
                    example=f"row {first + row_offset}: {s.iloc[first]!r}",
                    fix="Correct or remove those rows; dates like 2024-01-31, 2024-01-31 09:15:00 -0500, "
                        "31/01/2024 or 01/31/2024 are understood")


def _fits(value: str, fmt: str) -> bool:
    from datetime import datetime
    try:
        datetime.strptime(value, fmt)
        return True
    except ValueError:
        return False
