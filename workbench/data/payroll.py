"""Own pay data: a salary survey or payroll export, one row per employee, for the salary report's own-data part.

:func:`load_pay_survey` reads a CSV (title, level or years of experience, tenure, location, base pay), recognising
common header spellings (:data:`PAY_SURVEY_COLUMNS`), and refuses values it cannot use with a message that names
the row.
"""
from __future__ import annotations

import os
from collections.abc import Iterable

import numpy as np
import pandas as pd

from workbench.config import resolve_path
from workbench.errors import DataError, NotEnoughData
from workbench.provenance import register_input

__all__ = ["PAY_SURVEY_COLUMNS", "load_pay_survey"]

#: Canonical columns of an own salary survey / payroll file, and the header spellings recognised for each.
PAY_SURVEY_COLUMNS: dict[str, tuple[str, ...]] = {
    "employee_id": ("employee_id", "employee", "id", "employee id", "emp_id"),
    "title": ("title", "job title", "job_title", "role", "position"),
    "level": ("level", "grade", "job level", "seniority"),
    "years_experience": ("years_experience", "years of experience", "experience_years", "experience", "yoe",
                         "years experience"),
    "tenure_years": ("tenure_years", "tenure", "years at company", "years_at_company", "years in company"),
    "location": ("location", "city", "area", "office", "metro"),
    "base_pay": ("base_pay", "base pay", "base salary", "base_salary", "salary", "annual salary",
                 "annual_salary", "pay"),
}


def load_pay_survey(path: str | os.PathLike | None, *, columns: dict[str, str] | None = None) -> pd.DataFrame:
    """Read an own salary survey or payroll export: one row per employee (or survey answer).

    Parameters
    ----------
    path : str or path
        CSV file (UTF-8, with or without BOM). Lines at the top starting with ``#`` are a note about the
        file (e.g. "generated"), kept in ``attrs['note']``; ``attrs['generated']`` is True when the note says
        the data is generated. None raises :class:`~workbench.errors.NotEnoughData` (no own data given), so a
        report loading it with ``wb.attempt`` leaves its own-data section out and says why.
    columns : dict, optional
        Canonical name -> header in the file, for headers not recognised automatically
        (see :data:`PAY_SURVEY_COLUMNS`).

    Returns
    -------
    DataFrame with ``title`` and ``base_pay`` (annual, in the file's currency), and where present
    ``employee_id``, ``level``, ``years_experience``, ``tenure_years`` (years with this employer) and
    ``location``. ``base_pay`` accepts ``$`` signs and thousands separators.

    Raises
    ------
    DataError
        File missing or empty, no ``title`` or ``base_pay`` column, neither ``level`` nor
        ``years_experience``, pay or years that are not numbers, negative or zero pay, negative years.
    """
    if path is None:
        raise NotEnoughData("no own pay data given", source="load_pay_survey(path=None)",
                            fix="Pass a salary survey or payroll CSV (title, base pay, and years of experience or "
                                "level) to compare your staff with the market; in the salary report, set the "
                                "parameter own_data")
    resolved = resolve_path(path)
    if not resolved.is_file():
        raise DataError("file not found", source=str(path), fix="Pass the path of a CSV export (relative to the "
                                                                "project root or the current folder)")
    text = resolved.read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    note_lines = []
    for line in lines:
        if line.startswith("#"):
            note_lines.append(line.lstrip("#").strip())
        else:
            break
    body = [ln for ln in lines[len(note_lines):] if ln.strip()]
    if not body:
        raise DataError("file is empty", source=str(resolved), fix="Export the salary data with a header line "
                                                                   "and one row per employee")
    from io import StringIO

    raw = pd.read_csv(StringIO("\n".join(body)), dtype=str, keep_default_na=False)
    if raw.empty:
        raise DataError("file has a header but no rows", source=str(resolved),
                        fix="Export the salary data with one row per employee")
    mapping = _match_columns(raw.columns, columns or {}, source=str(resolved))
    df = pd.DataFrame({canon: raw[col].str.strip() for canon, col in mapping.items()})
    for req in ("title", "base_pay"):
        if req not in df:
            raise DataError(f"required column `{req}` not found", source=str(resolved),
                            fix=f"Name it one of {list(PAY_SURVEY_COLUMNS[req])} or pass columns={{'{req}': "
                                f"'<your header>'}}. Columns present: {list(raw.columns)}")
    if "level" not in df and "years_experience" not in df:
        raise DataError("neither a level nor a years-of-experience column found", source=str(resolved),
                        fix=f"Add `years_experience` or `level` (or pass columns=...). Columns present: "
                            f"{list(raw.columns)}")
    pay = pd.to_numeric(df["base_pay"].str.replace(r"[$,\s]", "", regex=True), errors="coerce")
    _check_numbers(df["base_pay"], pay, source=str(resolved), column=mapping["base_pay"], what="base pay")
    bad = pay <= 0
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError("base pay must be positive", source=str(resolved), column=mapping["base_pay"],
                        rows=int(bad.sum()), example=f"row {i + 2}: {df['base_pay'].iloc[i]!r}",
                        fix="Remove leavers or unpaid rows, or correct the amount")
    df["base_pay"] = pay.astype("Float64")
    for col in ("years_experience", "tenure_years"):
        if col in df:
            blank = df[col] == ""
            years = pd.to_numeric(df[col].where(~blank), errors="coerce")
            _check_numbers(df[col].where(~blank), years, source=str(resolved), column=mapping[col], what="years")
            neg = years < 0
            if neg.any():
                i = int(np.flatnonzero(neg.fillna(False).to_numpy())[0])
                raise DataError("years cannot be negative", source=str(resolved), column=mapping[col],
                                rows=int(neg.sum()), example=f"row {i + 2}: {df[col].iloc[i]!r}",
                                fix="Correct the value (years as a number, e.g. 3.5)")
            df[col] = years.astype("Float64")
    for col in ("employee_id", "title", "level", "location"):
        if col in df:
            df[col] = df[col].astype("string").replace("", pd.NA)
    register_input(resolved, role="pay_survey")
    note = " ".join(note_lines) or None
    df.attrs.update(source=str(resolved), note=note, generated=bool(note and "generated" in note.lower()))
    return df


def _match_columns(present: Iterable[str], explicit: dict[str, str], *, source: str) -> dict[str, str]:
    present = list(present)
    mapping: dict[str, str] = {}
    for canon, header in explicit.items():
        if canon not in PAY_SURVEY_COLUMNS:
            raise DataError(f"unknown canonical column {canon!r} in columns=", source="load_pay_survey(columns=...)",
                            fix=f"Use keys from {list(PAY_SURVEY_COLUMNS)}")
        if header not in present:
            raise DataError(f"column `{header}` (given for {canon}) not found", source=source, column=header,
                            fix=f"Columns present: {present}")
        mapping[canon] = header
    norm = {c.strip().lower().replace("-", " "): c for c in present}
    for canon, names in PAY_SURVEY_COLUMNS.items():
        if canon in mapping:
            continue
        for name in names:
            if name in norm and norm[name] not in mapping.values():
                mapping[canon] = norm[name]
                break
    return mapping


def _check_numbers(text: pd.Series, values: pd.Series, *, source: str, column: str, what: str) -> None:
    bad = text.notna() & values.isna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(f"{what} is not a number", source=source, column=column, rows=int(bad.sum()),
                        example=f"row {i + 2}: {text.iloc[i]!r}", fix="Use plain numbers (85000 or $85,000)")


