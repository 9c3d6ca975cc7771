"""Shared by the experiment analyses: per-arm arrays, the checks on a metric column, one result row."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from workbench.analyses.experiments.checks import variant_order
from workbench.errors import DataError


def arms(assignments: pd.DataFrame, *, variant: str, control: str,
         columns: Sequence[str]) -> tuple[list[str], dict[str, dict[str, np.ndarray]]]:
    """Variant order and, per variant, the named columns as float arrays (cheaper than splitting the frame)."""
    order = variant_order(assignments, variant=variant, control=control)
    labels = assignments[variant].astype("string").to_numpy()
    arrays = {c: assignments[c].to_numpy(dtype=float) for c in columns}
    groups = {}
    for v in order:
        idx = np.flatnonzero(labels == v)
        groups[v] = {c: a[idx] for c, a in arrays.items()}
    return order, groups


def result_row(metric: str, v: str, nc: int, nt: int, mc: float, mt: float) -> dict[str, Any]:
    """A comparison row with the point estimates filled and the intervals and p-value still missing."""
    return {"metric": metric, "variant": v, "control_users": nc, "variant_users": nt, "control_value": mc,
            "variant_value": mt, "diff": mt - mc, "diff_low": np.nan, "diff_high": np.nan,
            "lift": (mt / mc - 1) if mc else np.nan, "lift_low": np.nan, "lift_high": np.nan, "p_value": np.nan,
            "method": ""}


def require_numeric(df: pd.DataFrame, column: str, *, allow_missing: bool = False) -> None:
    """``DataError`` unless ``column`` exists, holds numbers and (unless ``allow_missing``) has no gaps."""
    if column not in df.columns:
        raise DataError(f"metric column {column!r} not found; columns present: {list(df.columns)[:20]}",
                        source="assignments", column=column,
                        fix="Use conversion, revenue_per_visitor, aov, a numeric per-user column, or 'a/b' for a ratio")
    if not pd.api.types.is_numeric_dtype(df[column]):
        bad = pd.to_numeric(df[column], errors="coerce").isna() & df[column].notna()
        raise DataError("values are not numbers", source="assignments", column=column, rows=int(bad.sum()),
                        example=repr(df.loc[bad, column].iloc[0]) if bad.any() else None,
                        fix="Give per-user numbers")
    if df[column].isna().all():
        raise DataError("the column has no values (the source has no such data)", source="assignments",
                        column=column, rows=len(df),
                        fix="Leave metrics that need it out (e.g. metrics=['conversion']) or give a source that "
                            "has it (revenue on purchase events, or a revenue column per user)")
    if not allow_missing and df[column].isna().any():
        raise DataError("missing values in a metric column", source="assignments", column=column,
                        rows=int(df[column].isna().sum()),
                        fix="Fill with 0 where the user had none (e.g. revenue of non-buyers)")
