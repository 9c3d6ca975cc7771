"""Site event logs: a generic event table or a flattened GA4 BigQuery export, read into one canonical table.

**Events** (:data:`EVENTS`): one row per tracked event, sorted by unit and time: ``user_id``, ``session_id``,
``event_time``, ``event_name`` and, where the source has them, ``variant``, ``device``, ``channel``,
``revenue``, ``transaction_id``. Other source columns are kept unchanged after these.

What the loader decides, so that nothing is dropped silently (every decision is a sentence in
``frame.attrs["notes"]`` and a count in ``frame.attrs["checks"]``):

- **Events out of time order** in the file are sorted by (user, time) and counted; order within the file never
  matters to the funnel, only timestamps do.
- **Rows without a user id, event name or timestamp** are left out and counted (GA4 exports carry rows without
  ``user_pseudo_id`` under consent mode). A timestamp that is present but cannot be read is an error.

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
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from workbench.data._tables import (
    missing_columns_error, parse_mapping, plural, read_table, text, to_number, to_time,
)
from workbench.data.schema import Column
from workbench.errors import DataError

__all__ = ["EVENTS", "EVENT_COLUMNS", "GA4_FUNNEL_STEPS", "GA4_FLAT_COLUMNS", "load_events"]

GA4_FUNNEL_STEPS: tuple[str, ...] = (
    "view_item", "add_to_cart", "begin_checkout", "add_shipping_info", "add_payment_info", "purchase")

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
    df, name = read_table(source, role="events")
    mapping = parse_mapping(columns, argument="columns")
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
            raise missing_columns_error(missing, df, source=name, what="GA4", fix=fix)
        if "event_timestamp" in norm and "event_time" not in mapping:
            out["event_time"] = to_time(df[norm["event_timestamp"]], source=name, column=norm["event_timestamp"],
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
            sess = text(out["session_id"])
            out["session_id"] = (text(out["user_id"]) + ":" + sess).where(sess.notna())
        notes.append(f"Read {rows_read:,} events from {name} as a flattened GA4 export (event_timestamp in "
                     "microseconds, UTC).")
    else:
        notes.append(f"Read {rows_read:,} events from {name}.")

    for canon, src in mapping.items():
        if src not in df.columns:
            raise DataError(f"column {src!r} given for `{canon}` is not in the file; columns present: "
                            f"{list(df.columns)[:20]}", source=name, column=src, rows=len(df), fix=fix)
        out[canon] = df[src] if canon != "event_time" else to_time(df[src], source=name, column=src)
        used.add(src)
    if fmt == "generic":
        for canon in EVENT_COLUMNS:
            if canon not in out and canon in df.columns:
                out[canon] = df[canon] if canon != "event_time" else to_time(df[canon], source=name, column=canon)
                used.add(canon)
    missing = [c for c in _REQUIRED_EVENTS if c not in out]
    if missing:
        raise missing_columns_error(missing, df, source=name, what="event", fix=fix)

    for canon in ("user_id", "session_id", "event_name", "variant", "device", "channel", "transaction_id"):
        if canon in out:
            out[canon] = text(out[canon])
    if "revenue" in out:
        src = mapping.get("revenue", "revenue")
        out["revenue"] = to_number(out, "revenue", source=name, shown=src)
    for c in df.columns:  # extra columns kept unchanged, after the canonical ones
        if c not in used and c not in out:
            out[c] = df[c]

    renames = parse_mapping(event_names, argument="event_names")
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
            notes.append(f"{plural(int(gone.sum()), 'event')} {label} left out (first: row "
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
        notes.append(f"{plural(int(disorder.sum()), 'event')} out of time order in the file (first: user "
                     f"{first['user_id']} at {first['event_time']}); events are sorted by user and time, so the "
                     "funnel uses timestamps, not file order.")
    out = out.sort_values(["user_id", "event_time"], kind="stable").reset_index(drop=True)
    checks["events"] = len(out)
    checks["users"] = int(out["user_id"].nunique())
    out.attrs = {"notes": notes, "checks": checks, "source": name}
    return out
