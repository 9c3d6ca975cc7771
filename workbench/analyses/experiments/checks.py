"""Can the test be trusted? Sample ratio mismatch and double assignment, checked before any metric is read.

- **Sample ratio mismatch** (SRM): chi-square goodness of fit of users per variant against the planned split
  (``scipy.stats.chisquare``), flagged at p < 0.001 (GrowthBook, Statsig). A flagged SRM stops the readout: the
  decision becomes "investigate", whatever the metrics say.
- **Double assignment**: users seen in several variants are excluded when the assignment table is loaded
  (``workbench.data.assignments.check_assignments``); more than 1 % of all users double-assigned points to broken
  bucketing or shared devices and is flagged.

Both return numbers; the report (``workbench.reports.experiments``) says what they mean.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from workbench.errors import DataError

__all__ = ["SRM_ALPHA", "DOUBLE_ASSIGNMENT_WARN", "SRMResult", "DoubleAssignment", "variant_order", "srm_check",
           "double_assignment"]

SRM_ALPHA = 0.001
DOUBLE_ASSIGNMENT_WARN = 0.01


@dataclass
class SRMResult:
    """Outcome of the sample-ratio-mismatch check.

    ``table`` has one row per variant: ``variant``, ``users``, ``planned_share``, ``expected_users``,
    ``observed_share`` and ``difference`` (users - expected users); ``flagged`` is ``p_value < alpha``.
    """

    table: pd.DataFrame
    chi2: float
    p_value: float
    alpha: float
    flagged: bool


@dataclass
class DoubleAssignment:
    """Users seen in more than one variant (excluded from the readout) and their share of all users."""

    users: int
    rows: int
    share: float
    threshold: float = DOUBLE_ASSIGNMENT_WARN

    @property
    def flagged(self) -> bool:
        """More than ``threshold`` of all users were double-assigned: check the assignment code."""
        return self.share > self.threshold


def variant_order(assignments: pd.DataFrame, *, variant: str = "variant", control: str = "control") -> list[str]:
    """Variants present, control first and the others sorted; ``DataError`` if control is missing."""
    if variant not in assignments.columns:
        raise DataError(f"no variant column {variant!r}; columns present: {list(assignments.columns)[:20]}",
                        source="assignments", column=variant, rows=len(assignments),
                        fix="Name the variant column with variant= (notebook: variant_column)")
    present = sorted(str(v) for v in assignments[variant].dropna().unique())
    if control not in present:
        raise DataError(f"control variant {control!r} not found; variants present: {present}", source="assignments",
                        column=variant, rows=len(assignments), fix="Set control= to one of the variants present")
    return [control] + [v for v in present if v != control]


def _planned_shares(planned: Mapping[str, float] | Sequence[float] | None, order: list[str],
                    counts: pd.Series) -> pd.Series:
    if planned is None:
        shares = pd.Series(1.0, index=order)
    elif isinstance(planned, Mapping):
        unknown = [v for v in counts.index if v not in planned]
        if unknown:
            raise DataError(f"variant {unknown[0]!r} has users but is not in the planned split {dict(planned)}",
                            source="planned_split", column="variant", rows=int(counts[unknown].sum()),
                            fix="Add every variant to the planned split")
        shares = pd.Series({str(k): float(v) for k, v in planned.items()})
    else:
        planned = list(planned)
        if len(planned) != len(order):
            raise DataError(f"planned split has {len(planned)} shares but the data has {len(order)} variants "
                            f"({order})", source="planned_split", example=repr(planned),
                            fix="Give one share per variant, control first, then the others in alphabetical order")
        shares = pd.Series([float(x) for x in planned], index=order)
    if (shares < 0).any() or shares.sum() <= 0:
        raise DataError("planned shares must be positive", source="planned_split", example=repr(list(shares)),
                        fix="Use shares such as [50, 50] or [0.5, 0.5]")
    return shares / shares.sum()


def srm_check(
    assignments: pd.DataFrame, *, variant: str = "variant", control: str = "control",
    planned: Mapping[str, float] | Sequence[float] | None = None, alpha: float = SRM_ALPHA,
) -> SRMResult:
    """Sample ratio mismatch: are the users per variant consistent with the planned split?

    Chi-square goodness-of-fit test of the observed users per variant against ``total x planned share``
    (``scipy.stats.chisquare``); flagged when p < ``alpha`` (0.001, the industry convention, because the check
    runs on every test and a false alarm stops a readout).

    Parameters
    ----------
    assignments : DataFrame
        One row per user.
    planned : dict or list, optional
        Planned shares per variant: ``{"control": 50, "treatment": 50}``, or a list in :func:`variant_order`
        order (control first, then alphabetical). Percentages or fractions. Default: equal shares.

    Raises
    ------
    DataError
        A planned variant with no users (no traffic), a variant with users that is not in the plan, or a plan
        with the wrong number of shares.
    """
    order = variant_order(assignments, variant=variant, control=control)
    counts = assignments[variant].astype("string").value_counts()
    shares = _planned_shares(planned, order, counts)
    empty = [v for v in shares.index if counts.get(v, 0) == 0 and shares[v] > 0]
    if empty:
        have = ", ".join(f"{v}: {int(counts.get(v, 0)):,} users" for v in shares.index)
        raise DataError(f"variant {empty[0]!r} has no users although the plan gives it {shares[empty[0]] * 100:.1f}% "
                        f"of traffic ({have})", source="assignments", column=variant, rows=0,
                        fix="Check that the variant was live and tracked for the whole test, and that its name in "
                            "the data matches the plan")
    idx = [v for v in order if v in shares.index] + [v for v in shares.index if v not in order]
    observed = np.array([int(counts.get(v, 0)) for v in idx], dtype=float)
    expected = shares[idx].to_numpy() * observed.sum()
    chi2, p = stats.chisquare(observed, f_exp=expected)
    table = pd.DataFrame({"variant": idx, "users": observed.astype("int64"), "planned_share": shares[idx].to_numpy(),
                          "expected_users": expected, "observed_share": observed / observed.sum()})
    table["difference"] = table["users"] - table["expected_users"]
    return SRMResult(table=table, chi2=float(chi2), p_value=float(p), alpha=alpha, flagged=bool(p < alpha))


def double_assignment(checks: Mapping[str, Any], *, users: int,
                      threshold: float = DOUBLE_ASSIGNMENT_WARN) -> DoubleAssignment:
    """Users seen in several variants, from the loader's counts, as a share of all users (kept + excluded).

    Parameters
    ----------
    checks : mapping
        The loader's counts (``ExperimentData.checks``): ``double_assigned_users`` and ``double_assigned_rows``;
        missing keys count as 0 (a table that was never checked).
    users : int
        Users kept in the readout.
    threshold : float
        Share above which the double assignment is flagged (default 1 %).
    """
    dbl = int(checks.get("double_assigned_users", 0) or 0)
    total = users + dbl
    return DoubleAssignment(users=dbl, rows=int(checks.get("double_assigned_rows", 0) or 0),
                            share=dbl / total if total else 0.0, threshold=threshold)
