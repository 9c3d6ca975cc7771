"""``workbench verify RUN_DIR``: does a recorded run still reproduce?

Checks, each difference printed on its own line:

1. the input files: re-hashed and compared with the sha256 the run recorded;
2. the notebook: its content hash now against the recorded one (a changed notebook is reported; the
   metrics are still compared);
3. the metrics: the notebook is re-executed with the run's recorded parameters (every value, not only
   the overrides, so a changed default cannot slip in) into a temporary folder, and each metric compared.

Tolerance: numbers are equal when ``math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)``; text, booleans,
None and integers that are not floats must match exactly. 1e-9 is far above the last-bit differences of
reordered floating-point sums (about 1e-15 relative, see FIELD-NOTES) and far below any rounding a report
shows. Package-version and git differences are printed as notes: they explain a mismatch but are not one.
"""
from __future__ import annotations

import math
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.errors import ParameterError, WorkbenchError
from workbench.runner import files
from workbench.runner.manifest import (MANIFEST, environment, git_state, input_changes, read_manifest,
                                       read_metrics)

__all__ = ["verify_run", "compare_metrics", "VerifyReport", "REL_TOL", "ABS_TOL"]

REL_TOL = 1e-9
ABS_TOL = 1e-12


@dataclass
class VerifyReport:
    run_dir: Path
    differences: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    compared: int = 0

    @property
    def ok(self) -> bool:
        return not self.differences


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return a is b or a == b and type(a) is type(b)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, int) and isinstance(b, int):
            return a == b
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    return a == b


def compare_metrics(recorded: list[dict], now: list[dict]) -> list[str]:
    """One sentence per metric that differs, is missing now, or is new (tolerance in the module docstring)."""
    old = {m["name"]: m.get("value") for m in recorded}
    new = {m["name"]: m.get("value") for m in now}
    out = []
    for name, value in old.items():
        if name not in new:
            out.append(f"metric {name}: recorded {value!r}, not recorded by the re-run")
        elif not _same(value, new[name]):
            rel = ""
            numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (value, new[name]))
            if numbers and value != 0:
                rel = f" (relative difference {abs(new[name] - value) / abs(value):.3g})"
            out.append(f"metric {name}: recorded {value!r}, re-run gives {new[name]!r}{rel}")
    for name in new:
        if name not in old:
            out.append(f"metric {name}: new in the re-run ({new[name]!r}), not in the recorded run")
    return out


def verify_run(run_dir: str | os.PathLike, *, execute: bool = True) -> VerifyReport:
    """Check a run folder against its inputs, its notebook and a re-execution (see the module docstring)."""
    from workbench.runner.execute import prepare_run, run_notebook
    from workbench.runner.notebook import read_notebook

    rd = Path(run_dir).resolve()
    if not (rd / MANIFEST).is_file():
        raise WorkbenchError(f"{run_dir}: no {MANIFEST} here; give a run folder such as "
                             "reports/<notebook>/<run-id>/")
    manifest = read_manifest(rd)
    report = VerifyReport(run_dir=rd)
    report.differences.extend(input_changes(manifest.get("inputs", [])))

    nb_path = Path(manifest["notebook"]["path"])
    if not nb_path.is_absolute():
        from workbench import config

        nb_path = config.PROJECT_ROOT / nb_path
    if not nb_path.is_file():
        report.differences.append(f"notebook {manifest['notebook']['path']} no longer exists")
        return report
    info = read_notebook(nb_path)
    if info.sha256 != manifest["notebook"]["sha256"]:
        report.differences.append(f"notebook {manifest['notebook']['path']} changed since the run "
                                  f"(sha256 {manifest['notebook']['sha256'][:12]}… -> {info.sha256[:12]}…)")

    env, old_env = environment(), manifest.get("environment", {})
    pk_old, pk_new = old_env.get("packages", {}), env.get("packages", {})
    for name in sorted(set(pk_old) | set(pk_new)):
        if pk_old.get(name) != pk_new.get(name):
            report.notes.append(f"package {name}: {pk_old.get(name)} at the run, {pk_new.get(name)} now")
    if old_env.get("workbench") != env.get("workbench"):
        report.notes.append(f"workbench {old_env.get('workbench')} at the run, {env.get('workbench')} now")
    elif old_env.get("code_sha256") != env.get("code_sha256"):
        report.notes.append("the workbench package's code changed since the run")
    if old_env.get("python") != env.get("python"):
        report.notes.append(f"Python {old_env.get('python')} at the run, {env.get('python')} now")
    git_now = git_state()
    if manifest.get("git", {}).get("commit") != git_now.get("commit"):
        report.notes.append(f"git commit {str(manifest.get('git', {}).get('commit'))[:10]} at the run, "
                            f"{str(git_now.get('commit'))[:10]} now")
    if not execute:
        return report

    try:
        prep = prepare_run(nb_path, parameters=manifest.get("parameters") or {}, origin=f"{rd.name}/manifest.json",
                           run_name=manifest.get("job", "x/verify").split("/", 1)[-1])
    except ParameterError as exc:
        report.differences.append(f"cannot re-run with the recorded parameters: {exc}")
        return report
    reports = rd.parent.parent
    if (reports / files.TMP_DIRNAME).parent.is_dir() and os.access(reports, os.W_OK):
        scratch = reports / files.TMP_DIRNAME / f"verify--{files.new_run_id('verify')}"
        files.claim_temp_dir(scratch)
    else:
        scratch = Path(tempfile.mkdtemp(prefix="workbench-verify-"))
    try:
        result = run_notebook(prep, reports_dir=scratch, show_code=False, force=True, update_index=False)
        if result.status != manifest.get("status"):
            report.differences.append(f"status: recorded {manifest.get('status')}, re-run {result.status}"
                                      + (f" ({result.where()})" if result.error else ""))
        now = read_metrics(result.run_dir) if result.run_dir else []
        recorded = read_metrics(rd)
        report.compared = len(recorded)
        report.differences.extend(compare_metrics(recorded, now))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return report
