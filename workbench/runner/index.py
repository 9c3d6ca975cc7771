"""``reports/index.html``: each job's history, then every run, newest first.

Built from the run folders (``reports/*/*/manifest.json`` and each run's ``metrics.json``) and
``reports/jobs.json`` (jobs the last catalog run skipped for a missing requirement; see
:mod:`workbench.runner.history`). Per job: the latest run and its status, a small trend line of each headline
metric over the job's successful runs with the latest value and its change against the previous run, and the
last failure with its cell, error, report and log.

The page is rebuilt after every run, under a lock, and replaced atomically (temporary file + rename), so a
reader or an interrupted run never sees a half-written index. Like the reports it is self-contained: no
script, inline styles and inline SVG, relative links only.
"""
from __future__ import annotations

import json
import math
import os
from pathlib import Path

from workbench.runner import files
from workbench.runner.compare import change_text
from workbench.runner.history import JobHistory, job_histories, scan_runs
from workbench.runner.html import duration_text, error_location, escape, metric_text, page, when_text
from workbench.runner.manifest import key_figures

__all__ = ["scan_runs", "build_index", "render_index", "sparkline", "INDEX_FILE"]

INDEX_FILE = "index.html"
HEADLINE_METRICS = 3
HISTORY_METRICS = 4
HISTORY_RUNS = 30

_INDEX_CSS = """
table.wb-runs { border-collapse: collapse; width: 100%; font-size: 13.5px; margin: 8px 0 28px; }
table.wb-runs th, table.wb-runs td { border-bottom: 1px solid var(--line); padding: 6px 10px 6px 0;
                                     text-align: left; vertical-align: top; }
table.wb-runs th { color: var(--muted); font-size: 12px; font-weight: 600; text-transform: uppercase;
                   letter-spacing: .04em; }
table.wb-runs td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.wb-hist { border-collapse: collapse; font-size: 12.5px; }
table.wb-hist td { border: 0; padding: 1px 8px 1px 0; vertical-align: middle; white-space: nowrap; }
table.wb-hist td.lbl { color: var(--muted); white-space: normal; min-width: 8em; max-width: 14em; }
table.wb-hist td.val { font-weight: 600; font-variant-numeric: tabular-nums; }
.wb-chg.good { color: var(--ok); } .wb-chg.bad { color: var(--bad); } .wb-chg.neutral { color: var(--muted); }
svg.wb-spark { display: block; }
.wb-err { color: var(--bad); font-size: 12.5px; }
.wb-skip { color: #8a5a00; font-size: 12.5px; }
.wb-status.skipped { background: #8a8f96; }
.wb-small { color: var(--muted); font-size: 12.5px; }
h2.wb-section { font-size: 18px; margin: 26px 0 4px; }
.wb-page { max-width: 1280px; }
"""

_COLOURS = {"good": "#2f7d4f", "bad": "#b3261e", "neutral": "#1f5a96"}


def _params_text(m: dict) -> str:
    over = m.get("overrides") or {}
    if not over:
        return "defaults"
    return "; ".join(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in over.items())


def _metrics_html(m: dict) -> str:
    items = key_figures(m.get("_metrics", []), HEADLINE_METRICS)
    return "<br>".join(f'{escape(x.get("label") or x["name"])}: <strong>{escape(metric_text(x))}</strong>' for x in items)


def _status_html(m: dict) -> str:
    if m.get("status") == "succeeded":
        return '<span class="wb-status">succeeded</span>'
    err = m.get("error") or {}
    detail = (f'<div class="wb-err">{escape(error_location(err))}: {escape(err.get("ename", ""))}</div>'
              if err else "")
    return f'<span class="wb-status failed">failed</span>{detail}'


def _link(m: dict, text: str) -> str:
    href = m.get("_html")
    return f'<a href="{escape(href)}">{escape(text)}</a>' if href else escape(text)


def _log_anchor(m: dict) -> str:
    return f'<a href="{escape(m["_log"])}">run log</a>' if m.get("_log") else ""


def _log_link(m: dict) -> str:
    return f" &middot; {_log_anchor(m)}" if m.get("_log") else ""


def sparkline(values: list[float], *, label: str = "", colour: str = _COLOURS["neutral"], width: int = 110,
              height: int = 26) -> str:
    """A small inline SVG trend line of ``values`` (oldest first), its last point marked; "" for fewer than 2."""
    pts = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)]
    if len(pts) < 2:
        return ""
    pad = 3.0
    lo, hi = min(pts), max(pts)
    span = hi - lo

    def y(v: float) -> float:
        return height / 2 if span == 0 else pad + (hi - v) / span * (height - 2 * pad)

    step = (width - 2 * pad) / (len(pts) - 1)
    coords = [(pad + i * step, y(v)) for i, v in enumerate(pts)]
    points = " ".join(f"{x:.1f},{yy:.1f}" for x, yy in coords)
    lx, ly = coords[-1]
    return (f'<svg class="wb-spark" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}"><title>{escape(label)}</title>'
            f'<polyline fill="none" stroke="{colour}" stroke-width="1.6" stroke-linejoin="round" '
            f'stroke-linecap="round" points="{points}"/>'
            f'<circle cx="{lx:.1f}" cy="{ly:.1f}" r="2.6" fill="{colour}"/></svg>')


def _history_html(h: JobHistory) -> str:
    rows = []
    for name in h.headline_names(HISTORY_METRICS):
        series = h.series(name, limit=HISTORY_RUNS)
        if not series:
            continue
        last = series[-1][1]
        label = last.get("label") or name
        values = [metric.get("value") for _, metric in series]
        c = change_text(last)
        colour = _COLOURS.get((c or {}).get("assessment", "neutral"), _COLOURS["neutral"])
        texts = [metric_text(metric) for _, metric in series]
        if len(set(texts)) == 1:  # equal at the precision shown: drawn flat (the line is scaled to its own range,
            values = [values[-1]] * len(values)  # so a difference in the 16th digit filled the whole height)
        desc = (f"{label} over {len(series)} successful run{'s' if len(series) != 1 else ''}: "
                f"{texts[0]} on {when_text(series[0][0].get('started'))} to {texts[-1]} on "
                f"{when_text(series[-1][0].get('started'))}")
        change = ""
        if c:
            arrow = f"{c['arrow']} " if c["arrow"] else ""
            noise = f" &middot; {escape(c['noise'])}" if c["noise"] else ""
            change = (f'<span class="wb-chg {escape(c["assessment"])}" title="{escape(c["title"])}">'
                      f'{escape(arrow + c["amount"])}</span>{noise}')
        rows.append(f'<tr><td class="lbl">{escape(label)}</td><td>{sparkline(values, label=desc, colour=colour)}</td>'
                    f'<td class="val">{escape(metric_text(last))}</td><td>{change}</td></tr>')
    return f'<table class="wb-hist">{"".join(rows)}</table>' if rows else '<span class="wb-small">no metrics</span>'


def _failure_html(h: JobHistory) -> str:
    m = h.last_failure
    if m is None:
        return '<span class="wb-small">none</span>'
    err = m.get("error") or {}
    return (f'{_link(m, when_text(m.get("started")))}{_log_link(m)}'
            f'<div class="wb-err">{escape(error_location(err))}: {escape(err.get("ename", ""))}: '
            f'{escape(str(err.get("evalue", ""))[:160])}</div>')


def _job_status_html(h: JobHistory) -> str:
    entry = h.ledger or {}
    skipped_now = entry.get("status") == "skipped" and entry.get("skip") == "requirements"
    m = h.latest
    parts = []
    unstarted = h.failed_before_running
    if unstarted is not None:
        err = unstarted["error"]
        parts.append(f'<span class="wb-status failed">not started</span><div class="wb-err">'
                     f'{escape(when_text(entry.get("at")))}: {escape(error_location(err))}: '
                     f'{escape(err.get("ename", ""))}: {escape(str(err.get("evalue", ""))[:200])}</div>')
    if m is None:
        if unstarted is None:
            parts.append('<span class="wb-status skipped">not run</span>')
    else:
        parts.append(_status_html(m))
        ok = h.latest_ok
        if m.get("status") != "succeeded" and ok is not None:
            parts.append(f'<div class="wb-small">last success: {_link(ok, when_text(ok.get("started")))}</div>')
    if skipped_now:
        parts.append(f'<div class="wb-skip">skipped {escape(when_text(entry.get("at")))}: '
                     f'{escape(entry.get("reason") or "")}</div>')
    elif entry.get("skip") == "unchanged":
        parts.append(f'<div class="wb-small">unchanged at {escape(when_text(entry.get("at")))}</div>')
    return "".join(parts)


def render_index(runs: list[dict], root: Path) -> str:
    """The index page for ``runs`` (as returned by :func:`scan_runs` for ``root``) and ``root``'s jobs.json."""
    histories = job_histories(root, runs)
    n_reports = len({m.get("notebook", {}).get("name") for m in runs})
    failed_latest = sum(1 for h in histories.values() if h.failed_before_running is not None
                        or (h.latest and h.latest.get("status") != "succeeded"))
    skipped = sum(1 for h in histories.values() if (h.ledger or {}).get("skip") == "requirements")
    n_jobs = len(histories)
    parts = ['<header class="wb-header"><div class="wb-kicker">E-commerce research workbench</div>',
             "<h1>Report runs</h1>",
             f'<p class="wb-meta">{len(runs)} run{"s" if len(runs) != 1 else ""} of {n_reports} '
             f'report{"s" if n_reports != 1 else ""} &middot; {n_jobs} job{"s" if n_jobs != 1 else ""}, '
             f'{failed_latest} failing in its latest run'
             f'{f", {skipped} skipped for a missing requirement" if skipped else ""} &middot; index updated '
             f'{escape(when_text(files.utc_now().isoformat()))}</p></header>']
    if not histories:
        parts.append('<p>No runs yet. Run <code>workbench run --all</code> (or <code>make reports</code>).</p>')
        return page("Report runs", "\n".join(parts), extra_css=_INDEX_CSS)

    rows = []
    for job, h in sorted(histories.items(), key=lambda kv: (kv[1].title.lower(), kv[0])):
        m = h.latest
        title = _link(m, h.title) if m else escape(h.title)
        ran = escape(when_text(m.get("started"))) if m else '<span class="wb-small">never</span>'
        rows.append(f'<tr><td>{title}<div class="wb-small">{escape(job)}</div></td>'
                    f"<td>{_job_status_html(h)}</td><td>{ran}</td><td>{_history_html(h)}</td>"
                    f"<td>{_failure_html(h)}</td></tr>")
    parts.append('<h2 class="wb-section">Each job: latest run, history and last failure</h2>'
                 '<p class="wb-small">The key figures each report names; trend lines cover each job\'s successful '
                 'runs, oldest to newest; the change '
                 'is the latest run against the one before (green: good news for that metric, red: bad).</p>'
                 '<table class="wb-runs"><tr><th>report</th><th>status</th><th>ran</th><th>key figures and their '
                 'history</th><th>last failure</th></tr>' + "".join(rows) + "</table>")

    rows = []
    for m in runs:
        log = f'<div class="wb-small">{_log_anchor(m)}</div>' if m.get("_log") else ""
        rows.append(f"<tr><td class=\"num\">{escape(when_text(m.get('started')))}</td>"
                    f'<td>{_link(m, m.get("title") or m["notebook"]["name"])}'
                    f'<div class="wb-small">{escape(m.get("notebook", {}).get("name", ""))}</div></td>'
                    f'<td>{escape(m.get("job", "").split("/", 1)[-1])}</td>'
                    f'<td class="wb-small">{escape(_params_text(m))}</td><td>{_status_html(m)}{log}</td>'
                    f'<td class="num">{escape(duration_text(m.get("duration_s")))}</td><td>{_metrics_html(m)}</td></tr>')
    if rows:
        parts.append('<h2 class="wb-section">All runs, newest first</h2>'
                     '<table class="wb-runs"><tr><th>ran</th><th>report</th><th>job</th><th>parameters</th>'
                     "<th>status</th><th>duration</th><th>headline metrics</th></tr>" + "".join(rows) + "</table>")
    return page("Report runs", "\n".join(parts), extra_css=_INDEX_CSS)


def build_index(reports_dir: str | os.PathLike) -> Path:
    """Rebuild ``reports_dir/index.html`` from the run folders (locked, atomic). Returns its path."""
    root = Path(reports_dir).resolve()
    with files.index_lock(root):
        text = render_index(scan_runs(root), root)
        target = root / INDEX_FILE
        files.atomic_write_text(target, text)
    return target
