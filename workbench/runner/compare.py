"""What changed since the previous run: each headline metric against its value in the previous successful run.

**The previous run** of a run is the newest *successful* run that started before it in the same
``reports/<notebook>/`` folder and belongs to the same job (``<notebook>/<run name>``) or has the same
parameters (so a manual run is compared with the catalog job it repeats).

**Per metric** recorded by both runs (``metrics.json`` keeps the result under ``"change"``):

- ``absolute`` = now - before; ``relative`` = (now - before) / abs(before), none when before is 0;
- ``direction``: ``up``, ``down`` or ``same`` (equal within a relative 1e-9, the tolerance of ``workbench
  verify``); text metrics are ``changed`` or ``same``;
- ``assessment``: ``good`` / ``bad`` from the metric's ``good`` (``"up"``: a rise is good news; ``"down"``: a
  fall is), ``neutral`` when the metric has no good direction or did not move.

**Beyond noise?** Only where the sampling error of both values is known; otherwise the change is marked
"not tested" (no stars without a method). Two cases, each a two-sided z-test at the 5% level
(beyond noise when p < 0.05, p = erfc(abs(z) / sqrt(2))):

1. *A proportion with its denominator* (``record(..., n=)`` in both runs, value between 0 and 1): the
   two-proportion z-test with the pooled proportion, as ``statsmodels.stats.proportion.proportions_ztest``
   computes it: x_i = p_i * n_i, p = (x_1 + x_2) / (n_1 + n_2),
   z = (p_2 - p_1) / sqrt(p (1 - p) (1/n_1 + 1/n_2)).
2. *A standard error* for each value (``record(..., se=)``; a proportion with ``n`` but no ``se`` counts as
   se = sqrt(p (1 - p) / n)): z = (x_2 - x_1) / sqrt(se_1^2 + se_2^2), the Wald test for the difference of
   two independent estimates.

Both treat the two runs as independent samples: true when they measure different periods or customers. When
every input file is byte-identical to the previous run's, the data are the same sample and a difference comes
from code or parameters, so the change is "not tested". Each metric is tested on its own, without correction
for testing several: among 20 metrics that did not really move, about one is flagged by chance.
"""
from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from workbench.runner.files import is_adhoc
from workbench.runner.manifest import MANIFEST, read_metrics

__all__ = ["previous_run", "compare_metrics_to", "metric_change", "noise_test", "same_inputs", "change_text",
           "p_value_text", "ALPHA", "SAME_REL_TOL"]

ALPHA = 0.05
SAME_REL_TOL = 1e-9


def _number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def previous_run(reports_dir: str | os.PathLike, *, notebook: str, job: str, parameters: dict,
                 before: str | None = None, exclude: str | None = None) -> tuple[Path, dict] | None:
    """The previous successful run (folder, manifest) of ``job`` or of the same parameters, started before ``before``.

    ``before``: an ISO start time (None: any time); ``exclude``: a run id to leave out (the run itself). Ad-hoc
    runs all share the job ``<notebook>/manual``: for them only the same parameters count (a weekly run is not
    the previous run of a monthly one).
    """
    canon = json.dumps(parameters, sort_keys=True, ensure_ascii=False)
    by_job = not is_adhoc(job)
    best: tuple[str, Path, dict] | None = None
    for mf in (Path(reports_dir) / notebook).glob(f"*/{MANIFEST}"):
        try:
            m = json.loads(mf.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if m.get("status") != "succeeded" or m.get("run_id") == exclude:
            continue
        started = m.get("started") or ""
        if before is not None and started >= before:
            continue
        same_job = by_job and m.get("job") == job
        if not same_job and json.dumps(m.get("parameters", {}), sort_keys=True, ensure_ascii=False) != canon:
            continue
        if best is None or started > best[0]:
            best = (started, mf.parent, m)
    return (best[1], best[2]) if best else None


def same_inputs(manifest_a: dict, manifest_b: dict) -> bool:
    """True when both runs read the same input files with the same bytes (and read at least one)."""
    a = {(i.get("path"), i.get("sha256")) for i in manifest_a.get("inputs") or []}
    b = {(i.get("path"), i.get("sha256")) for i in manifest_b.get("inputs") or []}
    return bool(a) and a == b


def _se_of(m: dict) -> float | None:
    se = m.get("se")
    if _number(se) and se >= 0:
        return float(se)
    n, p = m.get("n"), m.get("value")
    if _number(n) and n > 0 and _number(p) and 0 <= p <= 1:
        return math.sqrt(p * (1 - p) / n)
    return None


def noise_test(now: dict, before: dict, *, same_data: bool = False) -> dict:
    """Is the change from ``before`` to ``now`` (metric dicts) larger than sampling noise? (module docstring)

    Returns ``{"tested": True, "method", "z", "p_value", "beyond_noise"}`` or ``{"tested": False, "reason"}``.
    """
    x1, x2 = before.get("value"), now.get("value")
    if not (_number(x1) and _number(x2)):
        return {"tested": False, "reason": "not a number"}
    if same_data:
        return {"tested": False, "reason": "same input data as the previous run: the change comes from code or "
                                           "parameters, not sampling"}
    n1, n2 = before.get("n"), now.get("n")
    proportions = all(_number(v) and 0 <= v <= 1 for v in (x1, x2))
    if proportions and _number(n1) and _number(n2) and n1 > 0 and n2 > 0 and \
            before.get("se") is None and now.get("se") is None:
        pooled = (x1 * n1 + x2 * n2) / (n1 + n2)
        se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        method = "two-proportion z-test (pooled)"
    else:
        se1, se2 = _se_of(before), _se_of(now)
        if se1 is None or se2 is None:
            which = "either run" if se1 is None and se2 is None else ("the previous run" if se1 is None else "this run")
            return {"tested": False, "reason": f"no sampling error recorded in {which}"}
        se = math.sqrt(se1 ** 2 + se2 ** 2)
        method = "z-test on the recorded standard errors"
    if se == 0:
        if x1 == x2:
            return {"tested": True, "method": method, "z": 0.0, "p_value": 1.0, "beyond_noise": False}
        return {"tested": False, "reason": "zero standard error"}
    z = (x2 - x1) / se
    p = math.erfc(abs(z) / math.sqrt(2))
    return {"tested": True, "method": method, "z": z, "p_value": p, "beyond_noise": p < ALPHA}


def metric_change(now: dict, before: dict | None, *, same_data: bool = False) -> dict:
    """The change of one metric against its previous value (see the module docstring for the fields)."""
    if before is None:
        return {"status": "new", "previous": None}
    x1, x2 = before.get("value"), now.get("value")
    out: dict[str, Any] = {"status": "compared", "previous": x1}
    if _number(x1) and _number(x2):
        diff = x2 - x1
        same = math.isclose(x1, x2, rel_tol=SAME_REL_TOL, abs_tol=1e-12)
        out["absolute"] = 0 if same else diff
        out["relative"] = None if x1 == 0 else (0.0 if same else diff / abs(x1))
        out["direction"] = "same" if same else ("up" if diff > 0 else "down")
        good = now.get("good")
        if out["direction"] == "same" or good is None:
            out["assessment"] = "neutral"
        else:
            out["assessment"] = "good" if out["direction"] == good else "bad"
        out["noise"] = noise_test(now, before, same_data=same_data)
    elif x1 is None or x2 is None:
        out["status"] = "no value"
    else:
        out["direction"] = "same" if x1 == x2 else "changed"
        out["assessment"] = "neutral"
    return out


def compare_metrics_to(metrics: list[dict], previous_dir: Path | None, previous_manifest: dict | None,
                       manifest: dict) -> tuple[list[dict], dict | None]:
    """``metrics`` with a ``change`` each against the previous run, and a note of that run (or None)."""
    if previous_dir is None or previous_manifest is None:
        return [dict(m, change=None) for m in metrics], None
    before = {m["name"]: m for m in read_metrics(previous_dir)}
    same = same_inputs(manifest, previous_manifest)
    out = [dict(m, change=metric_change(m, before.get(m["name"]), same_data=same)) for m in metrics]
    note = {"run_id": previous_manifest.get("run_id"), "job": previous_manifest.get("job"),
            "started": previous_manifest.get("started"), "same_inputs": same,
            "html": f"../{previous_dir.name}/{previous_manifest.get('files', {}).get('html', '')}"}
    return out, note


# --------------------------------------------------------------------------------------------- wording

def _abs_text(diff: float, kind: str | None, unit: str | None) -> str:
    from workbench.present import fmt

    if kind in ("percent", "change"):
        return fmt.pp(diff)
    if kind == "money":
        text = fmt.money(abs(diff), unit or "USD", 2 if abs(diff) < 100 else 0)
        return ("+" if diff >= 0 else "-") + text
    if kind == "count":
        return fmt.num(diff, signed=True)
    if kind == "ratio":
        return fmt.num(diff, 2, signed=True)
    if kind == "percentile":
        return fmt.num(diff, 1, signed=True) + " percentile points"
    a = abs(diff)
    text = fmt.num(diff, 0 if a >= 1000 else 3 if a < 1 else 2, signed=True)
    return f"{text} {unit}" if unit else text


def p_value_text(p: float) -> str:
    """``"p = 0.035"``: two significant digits, three when two would round onto the 0.05 threshold."""
    if p < 0.001:
        return "p < 0.001"
    text = f"{p:.2g}"
    return f"p = {p:.3g}" if text == "0.05" else f"p = {text}"


def change_text(metric: dict) -> dict | None:
    """Words for a metric's change: ``{"arrow", "amount", "noise", "assessment", "title"}``, or None.

    ``amount``: "+$1,230 (+4.1%)", "+1.2 pp (+20.0%)", "no change", "was north"; ``noise``: "beyond noise
    (p = 0.003)", "within noise (p = 0.41)" or "noise not tested"; ``title``: how it was tested.
    """
    from workbench.present import fmt

    ch = metric.get("change")
    if not ch:
        return None
    if ch.get("status") == "new":
        return {"arrow": "", "amount": "new this run", "noise": "", "assessment": "neutral", "title": ""}
    if ch.get("status") == "no value":
        return {"arrow": "", "amount": f"was {fmt.value(ch.get('previous'), metric.get('kind'), metric.get('unit'))}"
                if ch.get("previous") is not None else "no value before", "noise": "", "assessment": "neutral",
                "title": ""}
    direction = ch.get("direction")
    if direction == "changed":
        return {"arrow": "", "amount": f"was {ch.get('previous')}", "noise": "", "assessment": "neutral", "title": ""}
    if direction == "same" or direction is None:
        return {"arrow": "=", "amount": "no change", "noise": "", "assessment": "neutral", "title": ""}
    if ch.get("relative") is not None and abs(ch["relative"]) < 0.0005:  # would read "-0.00 (-0.0%)" in red
        return {"arrow": "\u2248", "amount": "no change at the precision shown", "noise": "",
                "assessment": "neutral", "title": f"changed by {ch['relative']:+.2e} (relative)"}
    arrow = "\u25b2" if direction == "up" else "\u25bc"
    amount = _abs_text(ch["absolute"], metric.get("kind"), metric.get("unit"))
    if ch.get("relative") is not None:
        amount += f" ({fmt.pct(ch['relative'], signed=True)})"
    noise = ch.get("noise") or {}
    if noise.get("tested"):
        p = noise["p_value"]
        p_text = p_value_text(p)
        words = f"{'beyond' if noise['beyond_noise'] else 'within'} noise ({p_text})"
        title = f"{noise['method']}, two-sided, 5% level; z = {noise['z']:.2f}"
    else:
        words = "noise not tested"
        title = noise.get("reason", "")
    return {"arrow": arrow, "amount": amount, "noise": words, "assessment": ch.get("assessment", "neutral"),
            "title": title}
