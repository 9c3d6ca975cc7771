"""Order lines parsed here: a pandas frame (from a CSV, Excel or fixed-width file, or given) mapped to the
canonical lines by its layout, checked, and put through the line policies.

The steps: :func:`~workbench.data.orders.headers.choose_layout` picks the layout (or the column mapping), the
layout module maps the rows (``workbench.data.formats``), :func:`check_lines` refuses missing values,
:mod:`~workbench.data.orders.policies` applies the currency, returns, cancellation and non-product policies and
counts them, and the result is an in-memory Ibis table with the frame kept beside it.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from workbench.data.formats._base import LoadContext
from workbench.data.orders.headers import check_header, choose_layout
from workbench.data.orders.orderlines import OrderLines, canonical_dtypes, memtable
from workbench.data.orders.policies import LoadOptions, apply_to_frame, check_currencies_frame
from workbench.data.schema import LINE_TYPES
from workbench.data.summary import LoadSummary
from workbench.errors import DataError

MONEY = ("revenue", "discount", "unit_price", "tax", "shipping")


def load_frame(frame: pd.DataFrame, *, name: str, source: str, fmt: str, columns: dict | None,
               options: LoadOptions, default_decimal: str, read_notes: list[str] | None = None) -> OrderLines:
    """Map a frame of source rows (text, or typed values from Excel/Parquet/pandas) to canonical order lines.

    ``name`` is how messages name the source; ``source`` what the summary and ``OrderLines.source`` show;
    ``default_decimal`` the decimal mark the file most likely uses (from the CSV reader).
    """
    header = [str(c) for c in frame.columns]
    check_header(header, name)
    if len(frame) == 0:
        raise DataError("the data has a header but no rows", source=name, rows=0, example=f"columns: {header}",
                        fix="Pass data that contains orders")
    frame = frame.reset_index(drop=True)
    frame.columns = header
    layout = choose_layout(header, name=name, fmt=fmt, columns=columns, sample=lambda: frame.head(200),
                           currency=options.currency)
    if layout.mapped:
        frame = pd.DataFrame({canon: frame[src] for canon, src in layout.columns.items()})
    summary = LoadSummary(source=source, format=layout.format, lines_read=len(frame), lines_kept=0)
    for note in [*(read_notes or []), *layout.notes]:
        summary.note(note)
    ctx = LoadContext(source=name, summary=summary, decimal=options.decimal, default_decimal=default_decimal,
                      dayfirst=options.dayfirst, default_dayfirst=default_decimal == ",",
                      returns=options.returns, non_product=options.non_product, cancelled=options.cancelled,
                      currency=options.currency, options={"revenue_less": layout.revenue_less})
    mapped = layout.module.to_canonical(frame, ctx)
    out = finalise(mapped, ctx, replace(options, derived=tuple(ctx.options.get("derived", ()))))
    summary.lines_kept = len(out)
    return OrderLines(memtable(out), summary, source=source, format=layout.format, frame=out)


def check_lines(out: pd.DataFrame, *, source: str) -> None:
    """Every order line needs an order id, a date, an amount and a quantity, and a line type of the schema."""
    for col, what in (("order_id", "order ids"), ("order_date", "order dates"), ("revenue", "amounts"),
                      ("quantity", "quantities")):
        miss = out[col].isna()
        if miss.any():
            raise DataError(f"{what} are missing", source=source, column=col, rows=int(miss.sum()),
                            example=f"row {_first(miss) + 1}",
                            fix="Fill them in or remove those rows; every order line needs an order id, a date, "
                                "an amount and a quantity")
    bad_type = ~out["line_type"].isin(LINE_TYPES)
    if bad_type.any():
        raise DataError("internal: line types outside the schema", source=source, column="line_type",
                        rows=int(bad_type.sum()), example=out["line_type"][bad_type].iloc[0])


def finalise(out: pd.DataFrame, ctx: LoadContext, options: LoadOptions) -> pd.DataFrame:
    """Check the mapped lines, apply the policies (counted in ``ctx.summary``), fix the dtypes."""
    out = out.reset_index(drop=True)
    check_lines(out, source=ctx.source)
    # quantity x price in binary floating point leaves noise (6 x 2.55 = 15.299999999999999): rounding money
    # to a millionth removes it without changing any cent (and keeps shares of allocated discounts)
    for col in MONEY:
        if col in out:
            out[col] = pd.to_numeric(out[col]).astype("float64").round(6)
    out, options = check_currencies_frame(out, options, source=ctx.source, summary=ctx.summary,
                                          column=ctx.options.get("currency_column", "currency"))
    out = apply_to_frame(out, options, ctx.summary)
    return canonical_dtypes(out)


def _first(mask: pd.Series) -> int:
    return int(np.flatnonzero(mask.to_numpy())[0])
