"""CDNOW master file (Fader & Hardie): fixed-width text, and its CSV twin shipped with the workbench.

Layout: one line per purchase record, ``customer_id  date  number_of_cds  dollar_value`` separated by
spaces (``00001 19970101  1   11.77``), optionally after a header line. The CSV twin
(``cdnow_transactions.csv``) has ``customer_id,order_date,quantity,amount``.

Mapping decisions:

- ``customer_id``: text without zero padding ("00001" -> "1"), so both files give the same ids.
- There is no order id: **one line = one order**, ``order_id = "<customer>-<yyyymmdd>-<n>"`` where ``n`` numbers
  a customer's lines on that day in file order (1, 2, ...). The 2,068 lines that repeat a (customer, date) pair
  stay separate orders, as the data records them, and the summary says so (BTYD models count one transaction
  per day; ``workbench.analyses`` aggregate by day where a model needs it).
- ``revenue`` = dollar value (CDNOW's prices are what customers paid; no tax or shipping in the file);
  ``quantity`` = number of CDs; ``currency`` = USD; ``line_type`` = sale for every line.
- The 80 lines with amount 0.00 are kept as sales of revenue 0 and counted in the summary.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from workbench.data.formats._base import LoadContext, text
from workbench.errors import DataError

NAME = "cdnow"
TITLE = "CDNOW master file"
SIGNATURE = ("customer_id", "order_date", "quantity", "amount")
REQUIRED = SIGNATURE
EXACT = True  # recognised only when the header is exactly these four columns

_HEADER_RE = re.compile(r"^\s*customer_id\s+date\s+number_of_cds\s+dollar_value\s*$", re.I)
_LINE_RE = re.compile(r"^\s*\d+\s+\d{8}\s+\d+\s+-?\d+(\.\d+)?\s*$")
FIXED_COLUMNS = ("customer_id", "date", "number_of_cds", "dollar_value")


def sniff(path: Path) -> bool:
    """True when the file looks like the fixed-width CDNOW master file (header or data lines)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096).decode("latin-1")
    except OSError:
        return False
    lines = [ln for ln in head.splitlines() if ln.strip()][:5]
    if not lines:
        return False
    if _HEADER_RE.match(lines[0]):
        return True
    return all(_LINE_RE.match(ln) for ln in lines[:-1] or lines)


def read_fixed_width(path: Path, *, source: str) -> pd.DataFrame:
    """Read the whitespace-separated master file into the CSV twin's columns (as text)."""
    raw = pd.read_csv(path, sep=r"\s+", header=None, dtype=str, engine="c", comment=None)
    if len(raw) and _HEADER_RE.match(" ".join(raw.iloc[0].astype(str))):
        raw = raw.iloc[1:].reset_index(drop=True)
    if raw.shape[1] != 4:
        raise DataError(f"expected 4 fields per line (customer id, date, CDs, dollars), found {raw.shape[1]}",
                        source=source, fix="Pass the original CDNOW_master.txt, or load a CSV with columns=")
    if raw.empty:
        raise DataError("the file has a header but no data rows", source=source, rows=0,
                        fix="Pass the complete CDNOW_master.txt")
    raw.columns = list(FIXED_COLUMNS)
    dates = raw["date"]
    return pd.DataFrame({"customer_id": raw["customer_id"],
                         "order_date": dates.str.slice(0, 4) + "-" + dates.str.slice(4, 6) + "-" + dates.str.slice(6, 8),
                         "quantity": raw["number_of_cds"], "amount": raw["dollar_value"]})


def to_canonical(frame: pd.DataFrame, ctx: LoadContext) -> pd.DataFrame:
    cust = text(frame, "customer_id")
    bad = cust.notna() & ~cust.str.fullmatch(r"\d+", na=False)
    if bad.any():
        first = bad.to_numpy().nonzero()[0][0]
        raise DataError("customer ids are not numbers", source=ctx.source, column="customer_id",
                        rows=int(bad.sum()), example=f"row {first + 1}: {cust.iloc[first]!r}",
                        fix="The CDNOW layout has numeric customer ids; for other data pass columns=")
    if cust.isna().any():
        first = cust.isna().to_numpy().nonzero()[0][0]
        raise DataError("customer ids are missing", source=ctx.source, column="customer_id",
                        rows=int(cust.isna().sum()), example=f"row {first + 1}",
                        fix="Every CDNOW line belongs to a customer; check the file is complete")
    cust = cust.str.lstrip("0").replace("", "0")
    date = ctx.dates(frame, "order_date")
    revenue = ctx.numbers(frame, "amount")
    quantity = ctx.integers(frame, "quantity")
    day = date.dt.strftime("%Y%m%d")
    n = pd.DataFrame({"c": cust, "d": day}).groupby(["c", "d"], sort=False).cumcount() + 1
    out = pd.DataFrame({
        "order_id": cust + "-" + day + "-" + n.astype("string"),
        "customer_id": cust,
        "order_date": date,
        "revenue": revenue,
        "quantity": quantity,
        "line_type": "sale",
        "currency": "USD",
    })
    repeats = int((n > 1).sum())
    ctx.summary.add("same_day_repeat", repeats, "kept",
                    "lines repeat a (customer, date) pair already present: kept as separate orders, as CDNOW "
                    "records them (models that count one purchase per day aggregate them)")
    ctx.summary.note("CDNOW has no order ids: one line is one order, id '<customer>-<yyyymmdd>-<n>'; "
                     "amounts are US dollars paid, no tax or shipping in the file.")
    return out
