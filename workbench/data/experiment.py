"""One experiment's tables, from a user's event log and/or assignment table, or the GENERATED sample.

:func:`load_experiment` is what the experiment report calls: it reads what the user has (an event log, an
assignment table, or both), derives the per-user table from the events when no assignment table is given, and
falls back to the generated sample with known true effects when neither is given.
"""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.config import resolve_path
from workbench.data._tables import parse_mapping
from workbench.data.assignments import assignments_from_events, check_assignments, load_assignments
from workbench.data.events import load_events

__all__ = ["ExperimentData", "load_experiment"]


@dataclass
class ExperimentData:
    """What :func:`load_experiment` returns: the tables of one experiment and what was done to them.

    Attributes
    ----------
    assignments : DataFrame
        One row per user (see ``workbench.data.assignments.ASSIGNMENTS``), cleaned by ``check_assignments``.
    events : DataFrame or None
        The event log (see ``workbench.data.events.EVENTS``), when one was given or generated.
    generated : bool
        True for the built-in generated sample: reports must say "generated" next to it
        (``workbench.reports.common.generated_suffix``).
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
    def true_lifts(self) -> dict[tuple[str, str], float]:
        """(metric, variant) -> true relative lift of the generated sample (empty for real data)."""
        from workbench.data.synthetic.experiments import true_lifts

        return true_lifts(self.truth)


def load_experiment(
    *, events: str | os.PathLike | pd.DataFrame | None = None,
    assignments: str | os.PathLike | pd.DataFrame | None = None,
    variant: str = "variant", columns: Mapping[str, str] | Sequence[str] | None = None,
    event_names: Mapping[str, str] | Sequence[str] | None = None, purchase_event: str = "purchase",
    sample_users: int = 200_000, seed: int = 7,
) -> ExperimentData:
    """The tables of one experiment, from the user's files or, when both are None, the generated sample.

    Both sources are keyword-only: either may come alone, neither is "the" source, and a call then says which
    file is which (``load_experiment(assignments="my_test.csv")``).

    Parameters
    ----------
    events : path, DataFrame or None
        Event log (generic or flattened GA4, see ``workbench.data.events.load_events``); used for the funnel
        and, without an assignment table, to derive one row per user.
    assignments : path, DataFrame or None
        Per-user assignment and outcomes (see ``workbench.data.assignments.load_assignments``); takes
        precedence over the events for the A/B readout.
    variant : str
        Name of the column holding the experiment arm, in whichever source gives it.
    columns : dict or list of "canonical=source", optional
        Column mapping applied to both sources (unknown keys for one source are ignored there).
    event_names : dict or list of "source=canonical", optional
        Event-name mapping for the funnel (see ``load_events``).
    purchase_event : str
        Event that counts as a conversion when assignments are derived from events.
    sample_users, seed : int
        Size and seed of the generated sample used when no source is given.

    Returns
    -------
    ExperimentData
    """
    mapping = parse_mapping(columns, argument="columns")
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
