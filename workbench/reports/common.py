"""What every report shares: its headline metrics' specs and how they are recorded, and the generated-data label."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from workbench.provenance import GOOD_DIRECTIONS, METRIC_KINDS, record

__all__ = ["Headline", "record_metrics", "generated_suffix", "GENERATED_WORD"]

GENERATED_WORD = "GENERATED"


@dataclass(frozen=True)
class Headline:
    """How a report names and formats one headline metric, and which direction is good news.

    ``label`` may hold ``{fields}`` that the report fills in when it records (``"Net revenue, {period}"``).
    Money metrics are recorded in the report's currency unless ``unit`` says otherwise.
    """

    label: str
    kind: str = "number"
    good: str | None = None
    unit: str | None = None
    # False: recorded for tracking (compared, alertable), listed under the cards rather than shown as one
    card: bool = True
    # True: one of the few figures the index page shows for the job (see provenance.record)
    key: bool = False

    def __post_init__(self) -> None:
        if self.kind not in METRIC_KINDS:
            raise ValueError(f"Headline({self.label!r}): kind {self.kind!r} is not one of {list(METRIC_KINDS)}")
        if self.good not in GOOD_DIRECTIONS:
            raise ValueError(f"Headline({self.label!r}): good {self.good!r} is not one of {list(GOOD_DIRECTIONS)}")


def record_metrics(values: Mapping[str, Any], *, specs: Mapping[str, Headline], currency: str = "USD",
                   **fields: Any) -> dict[str, Any]:
    """Record each value under its spec (in the specs' order), with labels filled from ``fields``.

    Every name in ``values`` must have a spec (a typo would otherwise record an unlabelled number); a spec
    without a value is skipped, so a report records what it could compute.

    Returns
    -------
    dict
        name -> value, as recorded.
    """
    unknown = [name for name in values if name not in specs]
    if unknown:
        raise KeyError(f"record_metrics(): no headline spec for {unknown}; specs: {list(specs)}")
    out = {}
    for name, spec in specs.items():
        if name not in values:
            continue
        unit = spec.unit if spec.unit is not None else (currency if spec.kind == "money" else None)
        out[name] = record(name, values[name], label=spec.label.format(**fields), kind=spec.kind, unit=unit,
                           good=spec.good, card=spec.card, key=spec.key)
    return out


def generated_suffix(generated: bool, *, what: str = "sample") -> str:
    """``" (GENERATED sample)"`` for titles and labels built on generated data, else ``""``."""
    return f" ({GENERATED_WORD} {what})" if generated else ""
