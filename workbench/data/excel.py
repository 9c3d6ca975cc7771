"""The cells of an Excel sheet as typed columns: shared by the order and the spend loaders.

``pandas.read_excel(..., dtype=object)`` gives each cell as Excel stored it: a number, a datetime, or text.
A column whose filled cells are all numbers becomes float64, all datetimes a datetime column; any other column
stays text (every cell as ``str``), so a column mixing text and numbers is left for the loader to check.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

__all__ = ["typed_columns"]


def typed_columns(body: pd.DataFrame, *, strip: bool = False) -> pd.DataFrame:
    """``body`` (object columns, one cell per value) with Excel's types kept where a whole column has one.
    ``strip=True`` also trims the text and reads an empty text cell as missing."""
    out = {}
    for col in body.columns:
        s = body[col]
        kinds = {type(v) for v in s.dropna()}
        if kinds and all(issubclass(k, (int, float, np.integer, np.floating)) for k in kinds):
            out[col] = pd.to_numeric(s).astype("float64")
        elif kinds and all(issubclass(k, (pd.Timestamp, np.datetime64, dt.datetime)) for k in kinds):
            out[col] = pd.to_datetime(s)
        elif strip:
            out[col] = s.map(lambda v: v if pd.isna(v) else str(v).strip()).astype("string").replace("", pd.NA)
        else:
            out[col] = s.map(lambda v: v if pd.isna(v) else str(v)).astype("string")
    return pd.DataFrame(out)
