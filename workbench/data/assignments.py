"""Experiment assignment tables: one row per randomised user, read from a file or derived from an event log.

**Assignments** (:data:`ASSIGNMENTS`): one row per randomised user: ``user_id``, ``variant``, ``converted``
(0/1), ``revenue`` (0 for users who bought nothing), ``orders`` and, where present, ``first_exposure``,
a pre-period covariate (any numeric column, e.g. ``pre_revenue``) and segment columns (``device``, ...).

What the loaders decide, so that nothing is dropped silently (every decision is a sentence in
``frame.attrs["notes"]`` and a count in ``frame.attrs["checks"]``):

- **A user seen in two or more variants** cannot be attributed to either: all of that user's rows are excluded
  and counted (users and rows); the readout shows the count as a trust check.
- **Rows without a variant** are excluded and counted.
- **Several rows for one user in the same variant** (an exposure log rather than a user table) are collapsed:
  ``converted`` = any, ``revenue`` and ``orders`` summed, ``first_exposure`` the earliest, covariates and
  segments from the first row.
"""
from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from workbench.data._tables import first_bad, parse_mapping, plural, read_table, text, to_number, to_time
from workbench.data.schema import Column
from workbench.errors import DataError

__all__ = ["ASSIGNMENTS", "ASSIGNMENT_COLUMNS", "load_assignments", "check_assignments", "assignments_from_events"]

ASSIGNMENTS: tuple[Column, ...] = (
    Column("user_id", "string", True, False, "The randomised unit (user or session)."),
    Column("variant", "string", True, False, "Experiment arm."),
    Column("converted", "int64", True, False, "1 if the user bought at least once during the test, else 0."),
    Column("revenue", "float64", True, False, "Revenue of the user during the test (0 without a purchase)."),
    Column("orders", "int64", True, False, "Orders of the user during the test (default: = converted)."),
    Column("first_exposure", "datetime64[us]", False, True, "When the user first saw the experiment."),
)
ASSIGNMENT_COLUMNS: tuple[str, ...] = tuple(c.name for c in ASSIGNMENTS)


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
                        rows=int(bad.sum()), example=first_bad(raw, bad),
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
                            fix=f"Name it: columns={{'{'user_id' if need == user else 'variant'}': "
                                "'<your column>'} (in the notebook: the columns parameter, e.g. "
                                "[\"user_id=visitor\"], or variant_column)")
    rename = {user: "user_id", variant: "variant", converted: "converted", revenue: "revenue", orders: "orders",
              first_exposure: "first_exposure"}
    moves = {k: v for k, v in rename.items() if k in df.columns and k != v}
    # a column already named like a mapped one ("user_id" beside user="visitor") keeps its values under a new name
    collide = {v: f"{v}_in_file" for v in moves.values() if v in df.columns and v not in moves}
    df = df.rename(columns=collide).rename(columns=moves)
    rows_read = len(df)
    notes: list[str] = [f"Column `{v}` renamed `{w}`: `{next(k for k, t in moves.items() if t == v)}` is used as "
                        f"{v}." for v, w in collide.items()]
    checks: dict[str, Any] = {"rows_read": rows_read}

    df["user_id"] = text(df["user_id"])
    df["variant"] = text(df["variant"])
    no_user = df["user_id"].isna()
    checks["rows_without_user"] = int(no_user.sum())
    if no_user.any():
        notes.append(f"{plural(int(no_user.sum()), 'row')} without a user id left out.")
        df = df[~no_user]
    no_variant = df["variant"].isna()
    checks["rows_without_variant"] = int(no_variant.sum())
    checks["users_without_variant"] = int(df.loc[no_variant, "user_id"].nunique())
    if no_variant.any():
        first = df.loc[no_variant, "user_id"].iloc[0]
        notes.append(f"{plural(int(no_variant.sum()), 'row')} without a variant left out (first: user {first}).")
        df = df[~no_variant]

    if "revenue" in df.columns:
        df["revenue"] = to_number(df, "revenue", source=source, shown=revenue).fillna(0.0)
    if "orders" in df.columns:
        df["orders"] = to_number(df, "orders", source=source, shown=orders).fillna(0.0)
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
        df["first_exposure"] = to_time(df["first_exposure"], source=source, column=first_exposure)

    # users in more than one variant
    in_several = df.groupby("user_id", sort=False)["variant"].transform("nunique").to_numpy() > 1
    multi = df.loc[in_several, "user_id"].drop_duplicates()
    checks["double_assigned_users"] = int(len(multi))
    checks["double_assigned_rows"] = int(in_several.sum())
    if len(multi):
        first = multi.iloc[0]
        ex = df.loc[df["user_id"] == first, "variant"].unique().tolist()
        notes.append(f"{plural(len(multi), 'user')} seen in more than one variant ({checks['double_assigned_rows']:,} "
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
        notes.append(f"{plural(checks['rows_collapsed'], 'repeated row')} of the same user and variant combined "
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


# canonical column -> common header spellings (compared without case, spaces, "_" or "-"), best first
SPELLINGS: dict[str, tuple[str, ...]] = {
    "user_id": ("user_id", "userid", "user", "visitor_id", "visitor", "client_id", "customer_id", "uid",
                "anonymous_id", "session_id", "id"),
    "variant": ("variant", "group", "arm", "bucket", "variation", "test_group", "experiment_group", "version",
                "treatment"),
    "converted": ("converted", "conversion", "is_converted", "bought", "purchased", "ordered", "has_purchase",
                  "has_order"),
    "revenue": ("revenue", "order_value", "order value", "sales", "amount", "value", "purchase_value"),
    "orders": ("orders", "purchases", "transactions", "order_count", "n_orders"),
    "first_exposure": ("first_exposure", "exposure_time", "exposed_at", "assigned_at", "assignment_time",
                       "first_seen", "timestamp"),
}


def _key(name: Any) -> str:
    return "".join(ch for ch in str(name).lower() if ch.isalnum())


def _by_spelling(header: Sequence[Any], mapping: Mapping[str, str]) -> dict[str, str]:
    """Canonical -> header column for the canonical columns neither in the header nor mapped, by spelling."""
    keys: dict[str, Any] = {}
    for h in header:
        keys.setdefault(_key(h), h)
    used = set(mapping.values()) | {h for h in header if h in SPELLINGS}
    out: dict[str, str] = {}
    for canon, names in SPELLINGS.items():
        if canon in mapping or canon in header:
            continue
        for name in names:
            h = keys.get(_key(name))
            if h is not None and h not in used:
                out[canon] = h
                used.add(h)
                break
    return out


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
    df, name = read_table(source, role="assignments")
    mapping = parse_mapping(columns, argument="columns")
    for canon, src in mapping.items():
        if src not in df.columns:
            raise DataError(f"column {src!r} given for `{canon}` is not in the file; columns present: "
                            f"{list(df.columns)[:20]}", source=name, column=src, rows=len(df),
                            fix="Check the spelling of the column mapping")
    recognised = _by_spelling(list(df.columns), mapping)
    mapping = {**mapping, **recognised}
    names = {k: mapping.get(k, k) for k in ("user_id", "variant", "converted", "revenue", "orders", "first_exposure")}
    for c in df.columns:  # numeric covariates arrive as text from CSV: convert where every value is a number
        if c not in names.values() and pd.api.types.is_string_dtype(df[c]):
            num = pd.to_numeric(df[c], errors="coerce")
            if num.notna().sum() == df[c].notna().sum() and df[c].notna().any():
                df[c] = num
    out = check_assignments(df, source=name, user=names["user_id"], variant=names["variant"],
                            converted=names["converted"], revenue=names["revenue"], orders=names["orders"],
                            first_exposure=names["first_exposure"])
    if recognised:
        pairs = ", ".join(f"{c} = `{h}`" for c, h in recognised.items())
        out.attrs["notes"].insert(0, f"Columns recognised by their names: {pairs} (pass columns= to choose others).")
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
