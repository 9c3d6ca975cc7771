"""Site event logs (generic or flattened GA4 BigQuery export) and experiment assignment tables.

Two canonical tables, defined once here:

**Events** (:data:`EVENTS`): one row per tracked event, sorted by unit and time: ``user_id``, ``session_id``,
``event_time``, ``event_name`` and, where the source has them, ``variant``, ``device``, ``channel``,
``revenue``, ``transaction_id``. Other source columns are kept unchanged after these.

**Assignments** (:data:`ASSIGNMENTS`): one row per randomised user: ``user_id``, ``variant``, ``converted``
(0/1), ``revenue`` (0 for users who bought nothing), ``orders`` and, where present, ``first_exposure``,
a pre-period covariate (any numeric column, e.g. ``pre_revenue``) and segment columns (``device``, ...).

What the loaders decide, so that nothing is dropped silently (every decision is a sentence in
``frame.attrs["notes"]`` and a count in ``frame.attrs["checks"]``):

- **Events out of time order** in the file are sorted by (user, time) and counted; order within the file never
  matters to the funnel, only timestamps do.
- **Rows without a user id, event name or timestamp** are left out and counted (GA4 exports carry rows without
  ``user_pseudo_id`` under consent mode). A timestamp that is present but cannot be read is an error.
- **A user seen in two or more variants** cannot be attributed to either: all of that user's rows are excluded
  and counted (users and rows); the readout shows the count as a trust check.
- **Rows without a variant** are excluded and counted.
- **Several rows for one user in the same variant** (an exposure log rather than a user table) are collapsed:
  ``converted`` = any, ``revenue`` and ``orders`` summed, ``first_exposure`` the earliest, covariates and
  segments from the first row.

The flattened GA4 layout
------------------------
GA4's BigQuery export has nested fields; flatten them in SQL (or ``pandas.json_normalize``) to these columns
(dots are accepted in place of underscores, so ``device.category`` works too):

=================================  ==================================================================
flattened column                   GA4 field / meaning
=================================  ==================================================================
``event_timestamp`` (required)     microseconds since 1970-01-01 UTC -> ``event_time`` (UTC)
``event_name`` (required)          event name (``view_item``, ``add_to_cart``, ... ``purchase``)
``user_pseudo_id`` (required)      the GA4 device/browser id -> ``user_id`` (the randomisation unit)
``event_date``                     YYYYMMDD of the property's time zone; kept as is
``ga_session_id``                  ``event_params`` key ``ga_session_id`` (also ``event_params_ga_session_id``)
                                   -> ``session_id`` = ``<user_pseudo_id>:<ga_session_id>`` (GA4 session ids
                                   are unique only within a user)
``device_category``                ``device.category`` -> ``device`` (desktop, mobile, tablet)
``traffic_source_medium``          ``traffic_source.medium`` (first-user medium) -> ``channel``
``ecommerce_purchase_revenue``     ``ecommerce.purchase_revenue`` -> ``revenue`` (GA4 excludes shipping and
                                   tax); ``event_value_in_usd`` is used when it is absent
``ecommerce_transaction_id``       ``ecommerce.transaction_id`` -> ``transaction_id``
``user_id``                        GA4's own signed-in id, kept as ``ga4_user_id``
``variant``                        GA4 has no experiment field: flatten your experiment's user property or
                                   event parameter to ``variant`` (or map it with ``columns={"variant": ...}``)
=================================  ==================================================================

Example BigQuery flattening::

    SELECT event_date, event_timestamp, event_name, user_pseudo_id,
           (SELECT value.int_value FROM UNNEST(event_params) WHERE key = 'ga_session_id') AS ga_session_id,
           device.category AS device_category, traffic_source.medium AS traffic_source_medium,
           ecommerce.purchase_revenue AS ecommerce_purchase_revenue,
           ecommerce.transaction_id AS ecommerce_transaction_id,
           (SELECT value.string_value FROM UNNEST(user_properties) WHERE key = 'exp_variant') AS variant
    FROM `project.analytics_123.events_*`

CSV files go through the team's reader (``workbench.data.csvread``: encoding, delimiter, duplicated headers);
Parquet and Excel through pandas. Timestamps are parsed here rather than with ``csvread.parse_dates``, which
keeps local wall-clock times and drops offsets (right for order dates): ordering events needs absolute time,
so offsets are converted to UTC.
"""
from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from workbench.config import resolve_path
from workbench.data.csvread import parse_numbers, read_csv_robust
from workbench.data.schema import Column
from workbench.errors import DataError
from workbench.provenance import register_input

__all__ = [
    "EVENTS", "EVENT_COLUMNS", "ASSIGNMENTS", "ASSIGNMENT_COLUMNS", "GA4_FUNNEL_STEPS", "GA4_FLAT_COLUMNS",
    "load_events", "load_assignments", "check_assignments", "assignments_from_events", "load_experiment",
    "ExperimentData",
]

GA4_FUNNEL_STEPS: tuple[str, ...] = (
    "view_item", "add_to_cart", "begin_checkout", "add_shipping_info", "add_payment_info", "purchase")

EVENTS: tuple[Column, ...] = (
    Column("user_id", "string", True, False, "The unit that was randomised and is followed through the funnel "
                                             "(GA4: user_pseudo_id)."),
    Column("session_id", "string", False, True, "Session identifier, unique across users."),
    Column("event_time", "datetime64[us]", True, False, "When the event happened (GA4: UTC; other sources: "
                                                         "as given, offsets converted to UTC)."),
    Column("event_name", "string", True, False, "Event name, e.g. view_item, add_to_cart, purchase."),
    Column("variant", "string", False, True, "Experiment arm the user saw."),
    Column("device", "string", False, True, "Device category (desktop, mobile, tablet)."),
    Column("channel", "string", False, True, "Traffic channel / medium."),
    Column("revenue", "float64", False, True, "Purchase revenue on purchase events (GA4: excludes shipping "
                                               "and tax)."),
    Column("transaction_id", "string", False, True, "Order id on purchase events."),
)
EVENT_COLUMNS: tuple[str, ...] = tuple(c.name for c in EVENTS)

ASSIGNMENTS: tuple[Column, ...] = (
    Column("user_id", "string", True, False, "The randomised unit (user or session)."),
    Column("variant", "string", True, False, "Experiment arm."),
    Column("converted", "int64", True, False, "1 if the user bought at least once during the test, else 0."),
    Column("revenue", "float64", True, False, "Revenue of the user during the test (0 without a purchase)."),
    Column("orders", "int64", True, False, "Orders of the user during the test (default: = converted)."),
    Column("first_exposure", "datetime64[us]", False, True, "When the user first saw the experiment."),
)
ASSIGNMENT_COLUMNS: tuple[str, ...] = tuple(c.name for c in ASSIGNMENTS)

# normalised GA4 flattened name -> canonical name
GA4_FLAT_COLUMNS: dict[str, str] = {
    "user_pseudo_id": "user_id",
    "event_name": "event_name",
    "ga_session_id": "session_id",
    "event_params_ga_session_id": "session_id",
    "device_category": "device",
    "traffic_source_medium": "channel",
    "ecommerce_purchase_revenue": "revenue",
    "ecommerce_transaction_id": "transaction_id",
    "variant": "variant",
}

_REQUIRED_EVENTS = ("user_id", "event_time", "event_name")
_KNOWN_FORMATS = "generic (user_id, event_time, event_name) or flattened GA4 (user_pseudo_id, event_timestamp, " \
                 "event_name)"


@dataclass
class ExperimentData:
    """What :func:`load_experiment` returns: the tables of one experiment and what was done to them.

    Attributes
    ----------
    assignments : DataFrame
        One row per user (see :data:`ASSIGNMENTS`), cleaned by :func:`check_assignments`.
    events : DataFrame or None
        The event log (see :data:`EVENTS`), when one was given or generated.
    generated : bool
        True for the built-in generated sample: reports must say "generated" next to it.
    label : str
        Where the data came from, for the report ("generated sample (seed 7, 200,000 users)", a file name).
    checks : dict
        Counts from loading and cleaning (double assignment, missing variants, out-of-order events, ...).
    notes : list of str
        One sentence per decision taken while loading.
    truth : dict
        The true effects of a generated sample (empty for real data).
    """

    assignments: pd.DataFrame
    events: pd.DataFrame | None
    generated: bool
    label: str
    checks: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    truth: dict[str, Any] = field(default_factory=dict)

    @property
    def chart_note(self) -> str:
        """Source line for charts: "Data: <file>", or for the sample "Data: generated sample (...): GENERATED"."""
        return f"Data: {self.label}" + (": GENERATED, not a real shop" if self.generated else "")


# ---------------------------------------------------------------------------------------------------------------
# helpers


def _parse_mapping(columns: Mapping[str, str] | Sequence[str] | None, *, argument: str) -> dict[str, str]:
    """``{"canonical": "source"}`` from a dict or from a list of ``"canonical=source"`` strings (notebooks)."""
    if columns is None:
        return {}
    if isinstance(columns, Mapping):
        return {str(k): str(v) for k, v in columns.items()}
    if isinstance(columns, str):
        columns = [columns]
    out = {}
    for item in columns:
        if not isinstance(item, str) or "=" not in item:
            raise DataError(f"`{argument}` entries must look like 'canonical=source_column'", source=argument,
                            example=repr(item), fix="Write e.g. 'user_id=visitor_id', one entry per column")
        key, value = item.split("=", 1)
        out[key.strip()] = value.strip()
    return out


def _read_table(source: str | os.PathLike | pd.DataFrame, *, role: str) -> tuple[pd.DataFrame, str]:
    """Read a CSV / Parquet / Excel file (registered for the run manifest) or take a frame as it is."""
    if isinstance(source, pd.DataFrame):
        return source.copy(), "the given frame"
    path = resolve_path(source)
    name = Path(path).name
    if not Path(path).exists():
        raise DataError("file not found", source=str(source),
                        fix="Check the path; relative paths are taken from the current folder, then the project root")
    register_input(path, role=role)
    suffix = Path(path).suffix.lower()
    if suffix in (".parquet", ".pq"):
        df = pd.read_parquet(path)
    elif suffix in (".xlsx", ".xls"):
        df = pd.read_excel(path)
    else:  # the team's CSV reader: encoding, delimiter, BOM, duplicated header, ragged rows
        df = read_csv_robust(path, source=name).frame
        df = df.mask(df.isin(["NULL", "null", "None", "NA"]))  # how BigQuery / databases write missing
    if df.shape[1] == 0:
        raise DataError("the file is empty", source=name, rows=0, fix="Export the data again")
    if len(df) == 0:
        raise DataError("the file has a header but no data rows", source=name, rows=0,
                        example=f"columns {list(df.columns)[:8]}", fix="Export a period that has data")
    return df, name


def _first_bad(series: pd.Series, bad: pd.Series) -> str:
    idx = bad[bad].index[0]
    pos = int(np.flatnonzero(bad.to_numpy())[0])
    return f"row {pos + 1}: {series.loc[idx]!r}"  # data rows counted from 1, as workbench.data.csvread does


def _to_number(df: pd.DataFrame, column: str, *, source: str, shown: str | None = None) -> pd.Series:
    raw = df[column]
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        return raw.astype("float64")
    text = raw.astype("string").str.strip()
    return parse_numbers(text.mask(text == ""), source=source, column=shown or column,
                         fix="Correct or remove those rows: numbers may carry a currency sign and thousands "
                             "separators, nothing else")


def _to_time(raw: pd.Series, *, source: str, column: str, unit: str | None = None) -> pd.Series:
    """Timestamps to naive UTC ``datetime64[us]``; integers need a unit (GA4: microseconds)."""
    if unit is not None:
        num = pd.to_numeric(raw, errors="coerce")
        bad = num.isna() & raw.notna()
        if bad.any():
            raise DataError(f"timestamps are not integers ({unit} since 1970-01-01 UTC)", source=source, column=column,
                            rows=int(bad.sum()), example=_first_bad(raw, bad),
                            fix="Export event_timestamp as the integer GA4 writes (microseconds)")
        out = pd.to_datetime(num.astype("Int64"), unit=unit, utc=True)
    elif pd.api.types.is_datetime64_any_dtype(raw):
        out = raw if getattr(raw.dt, "tz", None) is not None else raw.dt.tz_localize("UTC")
    else:
        text = raw.astype("string").str.strip()
        try:
            out = pd.to_datetime(text, utc=True, format="ISO8601", errors="coerce")
        except (ValueError, TypeError):
            out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us, UTC]")
        retry = out.isna() & text.notna()
        if retry.any():
            out.loc[retry] = pd.to_datetime(text[retry], utc=True, format="mixed", errors="coerce")
        bad = out.isna() & text.notna() & (text != "")
        if bad.any():
            raise DataError("timestamps cannot be read", source=source, column=column, rows=int(bad.sum()),
                            example=_first_bad(raw, bad),
                            fix="Use ISO dates like 2026-10-05 14:03:22 (an offset such as +02:00 is allowed)")
    return out.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[us]")


def _missing_columns_error(missing: Sequence[str], df: pd.DataFrame, *, source: str, what: str,
                           fix: str) -> DataError:
    return DataError(f"required {what} column{'s' if len(missing) > 1 else ''} {list(missing)} not found; columns "
                     f"present: {list(df.columns)[:20]}", source=source, column=missing[0], rows=len(df), fix=fix)


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _text(s: pd.Series) -> pd.Series:
    out = s.astype("string").str.strip()
    return out.mask(out == "")


# ---------------------------------------------------------------------------------------------------------------
# events


def _detect_format(cols: Sequence[str]) -> str:
    norm = {c.replace(".", "_").lower() for c in cols}
    return "ga4" if {"user_pseudo_id", "event_timestamp"} <= norm else "generic"


def load_events(
    source: str | os.PathLike | pd.DataFrame, *, format: str = "auto",
    columns: Mapping[str, str] | Sequence[str] | None = None,
    event_names: Mapping[str, str] | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Read an event log into the canonical events table (:data:`EVENTS`).

    Parameters
    ----------
    source : path or DataFrame
        CSV, Parquet or Excel file (path relative to the current folder or the project root), or a frame.
    format : {"auto", "generic", "ga4"}
        ``"ga4"`` is the flattened GA4 BigQuery layout described in the module docstring; ``"generic"`` needs
        the canonical names (``user_id``, ``event_time``, ``event_name``, optional ``session_id``, ``variant``,
        ``device``, ``channel``, ``revenue``). ``"auto"`` picks GA4 when ``user_pseudo_id`` and
        ``event_timestamp`` are present.
    columns : dict or list of "canonical=source", optional
        Source column for a canonical one, e.g. ``{"user_id": "visitor", "event_time": "ts"}``; applied after
        the GA4 mapping, so it can also name the GA4 column holding the variant.
    event_names : dict or list of "source=canonical", optional
        Renames event names, e.g. ``{"product_view": "view_item", "checkout_start": "begin_checkout"}``.

    Returns
    -------
    DataFrame sorted by ``user_id`` and ``event_time``; ``attrs["notes"]`` (sentences) and ``attrs["checks"]``
    (counts: ``rows_read``, ``rows_out_of_order``, ``rows_without_user``, ...) say what was done.

    Raises
    ------
    DataError
        Empty file, a required column missing (lists the columns present), unreadable timestamps,
        non-numeric revenue.
    """
    df, name = _read_table(source, role="events")
    mapping = _parse_mapping(columns, argument="columns")
    fmt = _detect_format(df.columns) if format == "auto" else format
    if fmt not in ("generic", "ga4"):
        raise DataError(f"unknown events format {format!r}", source=name, fix=f"Use 'auto', {_KNOWN_FORMATS}")
    rows_read = len(df)
    notes: list[str] = []
    out = pd.DataFrame(index=df.index)
    used: set[str] = set()
    fix = ("Pass columns={'<canonical>': '<your column>'} (notebook: ['user_id=your_column', ...]); known layouts: "
           + _KNOWN_FORMATS)

    if fmt == "ga4":
        norm = {c.replace(".", "_").lower(): c for c in df.columns}
        missing = [c for c in ("user_pseudo_id", "event_timestamp", "event_name") if c not in norm and
                   GA4_FLAT_COLUMNS.get(c, c) not in mapping]
        if missing and "event_time" not in mapping:
            raise _missing_columns_error(missing, df, source=name, what="GA4", fix=fix)
        if "event_timestamp" in norm and "event_time" not in mapping:
            out["event_time"] = _to_time(df[norm["event_timestamp"]], source=name, column=norm["event_timestamp"],
                                         unit="us")
            used.add(norm["event_timestamp"])
        for flat, canon in GA4_FLAT_COLUMNS.items():
            if flat in norm and canon not in out and canon not in mapping:
                out[canon] = df[norm[flat]]
                used.add(norm[flat])
        if "revenue" not in out and "event_value_in_usd" in norm and "revenue" not in mapping:
            out["revenue"] = df[norm["event_value_in_usd"]]
            used.add(norm["event_value_in_usd"])
        if "user_id" in norm and norm["user_id"] not in used:
            out["ga4_user_id"] = df[norm["user_id"]]
            used.add(norm["user_id"])
        if "session_id" in out:
            sess = _text(out["session_id"])
            out["session_id"] = (_text(out["user_id"]) + ":" + sess).where(sess.notna())
        notes.append(f"Read {rows_read:,} events from {name} as a flattened GA4 export (event_timestamp in "
                     "microseconds, UTC).")
    else:
        notes.append(f"Read {rows_read:,} events from {name}.")

    for canon, src in mapping.items():
        if src not in df.columns:
            raise DataError(f"column {src!r} given for `{canon}` is not in the file; columns present: "
                            f"{list(df.columns)[:20]}", source=name, column=src, rows=len(df), fix=fix)
        out[canon] = df[src] if canon != "event_time" else _to_time(df[src], source=name, column=src)
        used.add(src)
    if fmt == "generic":
        for canon in EVENT_COLUMNS:
            if canon not in out and canon in df.columns:
                out[canon] = df[canon] if canon != "event_time" else _to_time(df[canon], source=name, column=canon)
                used.add(canon)
    missing = [c for c in _REQUIRED_EVENTS if c not in out]
    if missing:
        raise _missing_columns_error(missing, df, source=name, what="event", fix=fix)

    for canon in ("user_id", "session_id", "event_name", "variant", "device", "channel", "transaction_id"):
        if canon in out:
            out[canon] = _text(out[canon])
    if "revenue" in out:
        src = mapping.get("revenue", "revenue")
        out["revenue"] = _to_number(out, "revenue", source=name, shown=src)
    for c in df.columns:  # extra columns kept unchanged, after the canonical ones
        if c not in used and c not in out:
            out[c] = df[c]

    renames = _parse_mapping(event_names, argument="event_names")
    if renames:
        out["event_name"] = out["event_name"].replace(renames)
        notes.append(f"Event names renamed: {', '.join(f'{k} -> {v}' for k, v in renames.items())}.")

    checks: dict[str, Any] = {"rows_read": rows_read}
    for canon, key, label in (("user_id", "rows_without_user", "without a user id"),
                              ("event_name", "rows_without_event_name", "without an event name"),
                              ("event_time", "rows_without_time", "without a timestamp")):
        gone = out[canon].isna()
        checks[key] = int(gone.sum())
        if gone.any():
            notes.append(f"{_n(int(gone.sum()), 'event')} {label} left out (first: row "
                         f"{int(np.flatnonzero(gone)[0]) + 1}).")
            out = out[~gone]
    if out.empty:
        raise DataError("no usable events: every row lacks a user id, event name or timestamp", source=name,
                        rows=rows_read, fix="Check the column mapping")

    # out of order: an event earlier than the previous event of the same user, in file order
    prev = out.groupby("user_id", sort=False)["event_time"].shift()
    disorder = out["event_time"] < prev
    checks["rows_out_of_order"] = int(disorder.sum())
    if disorder.any():
        pos = int(np.flatnonzero(disorder.to_numpy())[0])
        first = out.iloc[pos]
        notes.append(f"{_n(int(disorder.sum()), 'event')} out of time order in the file (first: user "
                     f"{first['user_id']} at {first['event_time']}); events are sorted by user and time, so the "
                     "funnel uses timestamps, not file order.")
    out = out.sort_values(["user_id", "event_time"], kind="stable").reset_index(drop=True)
    checks["events"] = len(out)
    checks["users"] = int(out["user_id"].nunique())
    out.attrs = {"notes": notes, "checks": checks, "source": name}
    return out


# ---------------------------------------------------------------------------------------------------------------
# assignments


def _to_flag(raw: pd.Series, *, source: str, column: str) -> pd.Series:
    if pd.api.types.is_bool_dtype(raw):
        return raw.astype("int64")
    text = raw.astype("string").str.strip().str.lower()
    known = {"1": 1, "0": 0, "1.0": 1, "0.0": 0, "true": 1, "false": 0, "yes": 1, "no": 0, "t": 1, "f": 0,
             "y": 1, "n": 0}
    out = text.map(known)
    bad = out.isna() & text.notna()
    if bad.any():
        raise DataError("values are not 0/1 (or true/false, yes/no)", source=source, column=column,
                        rows=int(bad.sum()), example=_first_bad(raw, bad),
                        fix="Mark converted users 1 and the others 0, or leave the column out to derive it from "
                            "revenue or orders")
    return out.fillna(0).astype("int64")


def check_assignments(
    assignments: pd.DataFrame, *, source: str = "assignments", user: str = "user_id", variant: str = "variant",
    converted: str = "converted", revenue: str = "revenue", orders: str = "orders",
    first_exposure: str = "first_exposure",
) -> pd.DataFrame:
    """Validate and clean a per-user assignment table into the canonical form (:data:`ASSIGNMENTS`).

    Business rules (each applied with a count in ``attrs["checks"]`` and a sentence in ``attrs["notes"]``):
    users seen in more than one variant are excluded entirely (their exposure is contaminated); rows without a
    variant are excluded; repeated rows of one user in one variant are collapsed (converted = any, revenue and
    orders summed, earliest exposure). ``converted`` missing is derived from ``orders > 0`` or ``revenue > 0``;
    ``orders`` missing is taken as ``converted``; ``revenue`` missing is an error only where needed later.

    Parameters
    ----------
    assignments : DataFrame
        One row per user (or per exposure) with the named columns; other columns (covariates, segments) are kept.
    source : str
        Name used in messages (the file name).
    user, variant, converted, revenue, orders, first_exposure : str
        Column names in ``assignments``.

    Returns
    -------
    DataFrame with canonical column names, one row per user, sorted by variant and user.

    Raises
    ------
    DataError
        A required column missing, no users left, fewer than two variants, non-numeric revenue or orders,
        converted values other than 0/1.
    """
    df = assignments.copy()
    for need in (user, variant):
        if need not in df.columns:
            raise DataError(f"required column {need!r} not found; columns present: {list(df.columns)[:20]}",
                            source=source, column=need, rows=len(df),
                            fix="Name the columns with user= and variant= (notebook: variant_column), or pass "
                                "columns={'variant': '<your column>'}")
    rename = {user: "user_id", variant: "variant", converted: "converted", revenue: "revenue", orders: "orders",
              first_exposure: "first_exposure"}
    df = df.rename(columns={k: v for k, v in rename.items() if k in df.columns and k != v})
    rows_read = len(df)
    notes: list[str] = []
    checks: dict[str, Any] = {"rows_read": rows_read}

    df["user_id"] = _text(df["user_id"])
    df["variant"] = _text(df["variant"])
    no_user = df["user_id"].isna()
    checks["rows_without_user"] = int(no_user.sum())
    if no_user.any():
        notes.append(f"{_n(int(no_user.sum()), 'row')} without a user id left out.")
        df = df[~no_user]
    no_variant = df["variant"].isna()
    checks["rows_without_variant"] = int(no_variant.sum())
    checks["users_without_variant"] = int(df.loc[no_variant, "user_id"].nunique())
    if no_variant.any():
        first = df.loc[no_variant, "user_id"].iloc[0]
        notes.append(f"{_n(int(no_variant.sum()), 'row')} without a variant left out (first: user {first}).")
        df = df[~no_variant]

    if "revenue" in df.columns:
        df["revenue"] = _to_number(df, "revenue", source=source, shown=revenue).fillna(0.0)
    if "orders" in df.columns:
        df["orders"] = _to_number(df, "orders", source=source, shown=orders).fillna(0.0)
    if "converted" in df.columns:
        df["converted"] = _to_flag(df["converted"], source=source, column=converted)
    elif "orders" in df.columns:
        df["converted"] = (df["orders"] > 0).astype("int64")
        notes.append("`converted` derived from orders > 0.")
    elif "revenue" in df.columns:
        df["converted"] = (df["revenue"] > 0).astype("int64")
        notes.append("`converted` derived from revenue > 0.")
    else:
        raise DataError("no outcome column: need `converted`, `orders` or `revenue`", source=source,
                        column=converted, rows=len(df), fix="Add a 0/1 converted column or per-user revenue")
    if "first_exposure" in df.columns and not pd.api.types.is_datetime64_any_dtype(df["first_exposure"]):
        df["first_exposure"] = _to_time(df["first_exposure"], source=source, column=first_exposure)

    # users in more than one variant
    in_several = df.groupby("user_id", sort=False)["variant"].transform("nunique").to_numpy() > 1
    multi = df.loc[in_several, "user_id"].drop_duplicates()
    checks["double_assigned_users"] = int(len(multi))
    checks["double_assigned_rows"] = int(in_several.sum())
    if len(multi):
        first = multi.iloc[0]
        ex = df.loc[df["user_id"] == first, "variant"].unique().tolist()
        notes.append(f"{_n(len(multi), 'user')} seen in more than one variant ({checks['double_assigned_rows']:,} "
                     f"rows; first: user {first} in {ex}): excluded from the readout.")
        df = df[~in_several]

    # repeated rows per user (same variant): collapse
    dup = df["user_id"].duplicated(keep=False)
    checks["rows_collapsed"] = int(dup.sum() - df.loc[dup, "user_id"].nunique()) if dup.any() else 0
    if dup.any():
        agg: dict[str, Any] = {c: "first" for c in df.columns if c != "user_id"}
        agg["converted"] = "max"
        for c in ("revenue", "orders"):
            if c in df.columns:
                agg[c] = "sum"
        if "first_exposure" in df.columns:
            agg["first_exposure"] = "min"
        df = df.groupby("user_id", sort=False, as_index=False).agg(agg)
        notes.append(f"{_n(checks['rows_collapsed'], 'repeated row')} of the same user and variant combined "
                     "(converted = any, revenue and orders summed).")
    if "revenue" not in df.columns:
        df["revenue"] = np.nan
        notes.append("No revenue column: revenue metrics are not available.")
    if "orders" not in df.columns:
        df["orders"] = df["converted"].astype("float64")
    df["orders"] = df["orders"].round().astype("int64")

    if df.empty:
        raise DataError("no users left after removing rows without a variant and users in several variants",
                        source=source, column="variant", rows=rows_read, fix="Check the variant column")
    variants = sorted(df["variant"].unique())
    if len(variants) < 2:
        raise DataError(f"only one variant has traffic ({variants[0]!r}): an A/B readout needs at least two",
                        source=source, column=variant, rows=len(df),
                        example=f"{len(df):,} users in {variants[0]!r}",
                        fix="Check the variant column and the export period; the other arm received no users")
    checks["users"] = len(df)
    checks["variants"] = {v: int(c) for v, c in df["variant"].value_counts().sort_index().items()}
    front = [c for c in ASSIGNMENT_COLUMNS if c in df.columns]
    df = df[front + [c for c in df.columns if c not in front]]
    df = df.sort_values(["variant", "user_id"], kind="stable").reset_index(drop=True)
    df.attrs = {"notes": notes, "checks": checks, "source": source}
    return df


def load_assignments(
    source: str | os.PathLike | pd.DataFrame, *, columns: Mapping[str, str] | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Read a per-user assignment table (CSV, Parquet, Excel) and clean it with :func:`check_assignments`.

    Parameters
    ----------
    source : path or DataFrame
        One row per user with ``user_id``, ``variant`` and outcomes (``converted``, ``revenue``, ``orders``), plus
        optional ``first_exposure``, pre-period covariates (e.g. ``pre_revenue``) and segments (``device``).
    columns : dict or list of "canonical=source", optional
        Source names for canonical columns, e.g. ``{"variant": "arm", "user_id": "visitor"}``.

    Returns
    -------
    DataFrame, one row per user (see :data:`ASSIGNMENTS`), with ``attrs["notes"]`` and ``attrs["checks"]``.
    """
    df, name = _read_table(source, role="assignments")
    mapping = _parse_mapping(columns, argument="columns")
    for canon, src in mapping.items():
        if src not in df.columns:
            raise DataError(f"column {src!r} given for `{canon}` is not in the file; columns present: "
                            f"{list(df.columns)[:20]}", source=name, column=src, rows=len(df),
                            fix="Check the spelling of the column mapping")
    names = {k: mapping.get(k, k) for k in ("user_id", "variant", "converted", "revenue", "orders", "first_exposure")}
    for c in df.columns:  # numeric covariates arrive as text from CSV: convert where every value is a number
        if c not in names.values() and pd.api.types.is_string_dtype(df[c]):
            num = pd.to_numeric(df[c], errors="coerce")
            if num.notna().sum() == df[c].notna().sum() and df[c].notna().any():
                df[c] = num
    out = check_assignments(df, source=name, user=names["user_id"], variant=names["variant"],
                            converted=names["converted"], revenue=names["revenue"], orders=names["orders"],
                            first_exposure=names["first_exposure"])
    out.attrs["notes"].insert(0, f"Read {len(df):,} rows from {name}.")
    return out


def assignments_from_events(
    events: pd.DataFrame, *, variant: str = "variant", purchase_event: str = "purchase",
    segments: Sequence[str] = ("device", "channel"), source: str = "events",
) -> pd.DataFrame:
    """One row per user from an event log that carries the variant on its events.

    ``converted`` = the user has at least one ``purchase_event``; ``revenue`` = sum of ``revenue`` on those
    events; ``orders`` = distinct ``transaction_id`` (or purchase events where there is none);
    ``first_exposure`` = the user's first event; segments = the value on the user's first event. A user whose
    events carry two variants is reported and excluded by :func:`check_assignments`.
    """
    if variant not in events.columns:
        raise DataError(f"the event log has no variant column {variant!r}; columns present: "
                        f"{list(events.columns)[:20]}", source=source, column=variant, rows=len(events),
                        fix="Map the column holding the experiment arm with columns={'variant': ...} or give an "
                            "assignment table")
    import ibis  # here, not at module level: importing the data layer stays light

    with warnings.catch_warnings():  # ibis 12 + pandas 3 warn about `future.infer_string` on conversions
        warnings.filterwarnings("ignore", message=".*infer_string.*")
        t = ibis.memtable(events)
        segs = [s for s in segments if s in events.columns]
        per_user = t.group_by("user_id").aggregate(
            first_exposure=t.event_time.min(), **{s: t[s].argmin(t.event_time) for s in segs})
        buys = t.filter(t.event_name == purchase_event)
        if "transaction_id" in events.columns:  # an order = a distinct transaction id (else one purchase event)
            n_orders = buys.transaction_id.fill_null(buys.event_time.cast("string")).nunique()
        else:
            n_orders = buys.count()
        sums = {"revenue": buys.revenue.sum()} if "revenue" in events.columns else {}
        per_buyer = buys.group_by("user_id").aggregate(orders=n_orders, **sums)
        pairs = t.filter(t[variant].notnull()).select("user_id", variant).distinct()
        joined = (per_user.left_join(pairs, "user_id").select(per_user, pairs[variant])
                  .left_join(per_buyer, "user_id").drop("user_id_right"))
        table = joined.to_pandas()
    table["orders"] = table["orders"].fillna(0).astype("int64")
    if "revenue" in table:
        table["revenue"] = table["revenue"].astype("float64").fillna(0.0)
    table["converted"] = (table["orders"] > 0).astype("int64")
    table = table.sort_values("user_id", kind="stable").reset_index(drop=True)
    out = check_assignments(table, source=source, variant=variant)
    out.attrs["notes"].insert(0, f"Assignment derived from {len(events):,} events: one row per user, converted = "
                                 f"at least one `{purchase_event}` event.")
    return out


def load_experiment(
    events: str | os.PathLike | pd.DataFrame | None = None,
    assignments: str | os.PathLike | pd.DataFrame | None = None, *,
    variant: str = "variant", columns: Mapping[str, str] | Sequence[str] | None = None,
    event_names: Mapping[str, str] | Sequence[str] | None = None, purchase_event: str = "purchase",
    sample_users: int = 200_000, seed: int = 7,
) -> ExperimentData:
    """The tables of one experiment, from the user's files or, when both are None, the generated sample.

    Parameters
    ----------
    events : path, DataFrame or None
        Event log (generic or flattened GA4, see :func:`load_events`); used for the funnel and, without an
        assignment table, to derive one row per user.
    assignments : path, DataFrame or None
        Per-user assignment and outcomes (see :func:`load_assignments`); takes precedence over the events for
        the A/B readout.
    variant : str
        Name of the column holding the experiment arm, in whichever source gives it.
    columns : dict or list of "canonical=source", optional
        Column mapping applied to both sources (unknown keys for one source are ignored there).
    event_names : dict or list of "source=canonical", optional
        Event-name mapping for the funnel (see :func:`load_events`).
    purchase_event : str
        Event that counts as a conversion when assignments are derived from events.
    sample_users, seed : int
        Size and seed of the generated sample used when no source is given.

    Returns
    -------
    ExperimentData
    """
    mapping = _parse_mapping(columns, argument="columns")
    if variant != "variant" and "variant" not in mapping:
        mapping["variant"] = variant
    if events is None and assignments is None:
        from workbench.data.synthetic.experiments import experiment_sample

        sample = experiment_sample(sample_users, seed=seed)
        asg = check_assignments(sample.assignments, source="generated sample")
        label = f"generated sample (seed {seed}, {sample_users:,} users; known true effects)"
        notes = [f"No data source given: the report runs on a {label}, GENERATED data whose numbers describe no "
                 "real shop.", *asg.attrs["notes"]]
        ev = sample.events
        ev.attrs = {"notes": [], "checks": {"rows_out_of_order": 0, "events": len(ev)}, "source": "generated"}
        checks = {**asg.attrs["checks"], "rows_out_of_order": 0}
        return ExperimentData(asg, ev, True, label, checks, notes, dict(sample.truth))
    ev = None
    notes: list[str] = []
    checks: dict[str, Any] = {}
    if events is not None:
        ev = load_events(events, columns=_present_only(events, mapping), event_names=event_names)
        notes += ev.attrs["notes"]
        checks["rows_out_of_order"] = ev.attrs["checks"]["rows_out_of_order"]
        checks["events"] = ev.attrs["checks"]["events"]
    if assignments is not None:
        asg = load_assignments(assignments, columns=_present_only(assignments, mapping))
        label = asg.attrs["source"]
    else:
        asg = assignments_from_events(ev, purchase_event=purchase_event, source=ev.attrs["source"])
        label = ev.attrs["source"]
    notes += asg.attrs["notes"]
    checks.update(asg.attrs["checks"])
    return ExperimentData(asg, ev, False, label, checks, notes, {})


def _present_only(source: Any, mapping: dict[str, str]) -> dict[str, str]:
    """Keep mapping entries whose source column exists in ``source`` (peeks at the header only)."""
    if not mapping:
        return {}
    if isinstance(source, pd.DataFrame):
        cols = set(source.columns)
    else:
        path = resolve_path(source)
        if not Path(path).exists():
            return mapping
        suffix = Path(path).suffix.lower()
        try:
            if suffix in (".parquet", ".pq"):
                import pyarrow.parquet as pq

                cols = set(pq.read_schema(path).names)
            elif suffix in (".xlsx", ".xls"):
                cols = set(pd.read_excel(path, nrows=0).columns)
            else:
                cols = set(pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns)
        except Exception:  # unreadable: let the loader raise its own clear error
            return mapping
    return {k: v for k, v in mapping.items() if v in cols}
