"""``reports/index.html``: every run, newest first, found by scanning ``reports/*/*/manifest.json``.

No separate database: the run folders are the record, so a deleted folder simply drops out of the index
and a copied ``reports/`` folder carries its index with it. The page is rebuilt after every run, under a
lock, and replaced atomically (temporary file + rename), so a reader or an interrupted run never sees a
half-written index. Like the reports it is self-contained: no script, inline styles, relative links.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from workbench.runner import files
from workbench.runner.html import duration_text, escape, metric_text, page, when_text
from workbench.runner.manifest import MANIFEST, read_metrics

__all__ = ["scan_runs", "build_index", "render_index", "INDEX_FILE"]

INDEX_FILE = "index.html"
HEADLINE_METRICS = 3

_INDEX_CSS = """
table.wb-runs { border-collapse: collapse; width: 100%; font-size: 13.5px; margin: 8px 0 28px; }
table.wb-runs th, table.wb-runs td { border-bottom: 1px solid var(--line); padding: 6px 10px 6px 0;
                                     text-align: left; vertical-align: top; }
table.wb-runs th { color: var(--muted); font-size: 12px; font-weight: 600; text-transform: uppercase;
                   letter-spacing: .04em; }
table.wb-runs td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.wb-err { color: var(--bad); font-size: 12.5px; }
.wb-small { color: var(--muted); font-size: 12.5px; }
h2.wb-section { font-size: 18px; margin: 26px 0 4px; }
.wb-page { max-width: 1200px; }
"""


def scan_runs(reports_dir: str | os.PathLike) -> list[dict]:
    """Every finished run under ``reports_dir``, newest first; each manifest gets ``_dir`` and ``_metrics``."""
    root = Path(reports_dir)
    runs = []
    for mf in root.glob(f"*/*/{MANIFEST}"):
        if mf.parent.parent.name.startswith("."):
            continue
        try:
            m = json.loads(mf.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        m["_dir"] = mf.parent
        try:
            m["_metrics"] = read_metrics(mf.parent)
        except (OSError, ValueError):
            m["_metrics"] = []
        runs.append(m)
    runs.sort(key=lambda m: (m.get("started", ""), m.get("run_id", "")), reverse=True)
    return runs


def _params_text(m: dict) -> str:
    over = m.get("overrides") or {}
    if not over:
        return "defaults"
    return "; ".join(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in over.items())


def _metrics_html(m: dict) -> str:
    items = m.get("_metrics", [])[:HEADLINE_METRICS]
    return "<br>".join(f'{escape(x.get("label") or x["name"])}: <strong>{escape(metric_text(x))}</strong>' for x in items)


def _status_html(m: dict) -> str:
    if m.get("status") == "succeeded":
        return '<span class="wb-status">succeeded</span>'
    err = m.get("error") or {}
    where = f"In [{err['execution_count']}]" if err.get("execution_count") else (err.get("stage") or "")
    detail = f'<div class="wb-err">{escape(where)}: {escape(err.get("ename", ""))}</div>' if err else ""
    return f'<span class="wb-status failed">failed</span>{detail}'


def _link(m: dict, root: Path, text: str) -> str:
    html_name = m.get("files", {}).get("html")
    if not html_name:
        return escape(text)
    rel = (m["_dir"] / html_name).relative_to(root).as_posix()
    return f'<a href="{escape(rel)}">{escape(text)}</a>'


def render_index(runs: list[dict], root: Path) -> str:
    """The index page for ``runs`` (as returned by :func:`scan_runs`), links relative to ``root``."""
    latest: dict[str, dict] = {}
    for m in runs:  # newest first, so the first seen per job is its latest
        latest.setdefault(m.get("job", ""), m)
    last_ok: dict[str, dict] = {}
    for m in runs:
        if m.get("status") == "succeeded":
            last_ok.setdefault(m.get("job", ""), m)
    n_reports = len({m.get("notebook", {}).get("name") for m in runs})
    failed_latest = sum(1 for m in latest.values() if m.get("status") != "succeeded")
    parts = ['<header class="wb-header"><div class="wb-kicker">E-commerce research workbench</div>',
             "<h1>Report runs</h1>",
             f'<p class="wb-meta">{len(runs)} run{"s" if len(runs) != 1 else ""} of {n_reports} '
             f'report{"s" if n_reports != 1 else ""} &middot; {len(latest)} job{"s" if len(latest) != 1 else ""}, '
             f'{failed_latest} failing in its latest run &middot; index updated {escape(when_text(files.utc_now().isoformat()))}'
             "</p></header>"]
    if not runs:
        parts.append('<p>No runs yet. Run <code>workbench run --all</code> (or <code>make reports</code>).</p>')
        return page("Report runs", "\n".join(parts), extra_css=_INDEX_CSS)

    rows = []
    for job, m in sorted(latest.items(), key=lambda kv: ((kv[1].get("title") or kv[0]).lower(), kv[0])):
        ok = last_ok.get(job)
        fallback = ""
        if m.get("status") != "succeeded" and ok is not None:
            fallback = f'<div class="wb-small">last success: {_link(ok, root, when_text(ok.get("started")))}</div>'
        rows.append(f'<tr><td>{_link(m, root, m.get("title") or m["notebook"]["name"])}'
                    f'<div class="wb-small">{escape(job)}</div></td>'
                    f"<td>{_status_html(m)}{fallback}</td><td>{escape(when_text(m.get('started')))}</td>"
                    f"<td>{_metrics_html(m)}</td></tr>")
    parts.append('<h2 class="wb-section">Latest run of each job</h2>'
                 '<table class="wb-runs"><tr><th>report</th><th>status</th><th>ran</th><th>headline</th></tr>'
                 + "".join(rows) + "</table>")

    rows = []
    for m in runs:
        rows.append(f"<tr><td class=\"num\">{escape(when_text(m.get('started')))}</td>"
                    f'<td>{_link(m, root, m.get("title") or m["notebook"]["name"])}'
                    f'<div class="wb-small">{escape(m.get("notebook", {}).get("name", ""))}</div></td>'
                    f'<td>{escape(m.get("job", "").split("/", 1)[-1])}</td>'
                    f'<td class="wb-small">{escape(_params_text(m))}</td><td>{_status_html(m)}</td>'
                    f'<td class="num">{escape(duration_text(m.get("duration_s")))}</td><td>{_metrics_html(m)}</td></tr>')
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
