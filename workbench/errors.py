"""The workbench's exceptions: one base class and a flat family below it.

``DataError`` is the one error type for bad input. Its message always says where (file or argument),
what (column), how much (row count), one example, and what to do, so a manager can act on it without
reading a traceback.
"""
from __future__ import annotations

import re
from typing import Any


class WorkbenchError(Exception):
    """Base class of every error the workbench raises on purpose."""


class DataError(WorkbenchError, ValueError):
    """Input data that cannot be used as it is.

    Parameters
    ----------
    problem : str
        What is wrong, in plain words ("amounts are not numbers").
    source : str, optional
        The file (or argument) the data came from.
    column : str, optional
        The column at fault, as named in the source.
    rows : int, optional
        How many rows are affected.
    example : Any, optional
        The first offending row or value, e.g. ``"row 17: '12,5x'"``.
    fix : str, optional
        What the user can do about it.
    """

    def __init__(self, problem: str, *, source: str | None = None, column: str | None = None,
                 rows: int | None = None, example: Any = None, fix: str | None = None) -> None:
        self.problem, self.source, self.column = problem, source, column
        self.rows, self.example, self.fix = rows, example, fix
        super().__init__(self._message())

    def _message(self) -> str:
        where = f"{self.source}: " if self.source else ""
        col = f"column `{self.column}`: " if self.column else ""
        parts = [f"{where}{col}{self.problem}"]
        detail = []
        if self.rows is not None:
            detail.append(f"{self.rows:,} row{'s' if self.rows != 1 else ''}")
        if self.example is not None:
            detail.append(f"first: {self.example}")
        if detail:
            parts[0] += f" ({'; '.join(detail)})"
        if self.fix:
            parts.append(self.fix)
        return ". ".join(p.rstrip(".") for p in parts) + "."


class NotEnoughData(DataError):
    """Valid data that is too thin for one analysis: too few customers for personas, no complete month for
    cohorts, too short a history for a holdout check or a seasonal forecast.

    Raised by the analysis; a report catches it with :func:`workbench.sections.attempt`, says why the section
    is missing and runs the rest.
    """


class ParameterError(WorkbenchError, ValueError):
    """A report parameter that is unknown or cannot be converted to its declared type."""


class RunError(WorkbenchError):
    """A report run that failed; names the failing cell."""

    def __init__(self, message: str, *, cell: int | None = None, run_dir: str | None = None) -> None:
        self.cell, self.run_dir = cell, run_dir
        super().__init__(message)


def mask_password(text: str) -> str:
    """``postgres://bob:secret@host`` -> ``postgres://bob:***@host``: no message, record or report shows a password."""
    return re.sub(r"//([^:/@\s]+):[^@\s]*@", r"//\1:***@", text)
