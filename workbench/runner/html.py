"""Self-contained HTML reports: a header (title, status, headline metrics, parameters, data sources with
their sha256) over the notebook's outputs, with code hidden unless ``show_code``.

nbconvert renders the cells (the ``lab`` template's cell markup, through a small template of our own kept
in this module, so it ships with the package); the page around them is ours: no ``<script>``, no
stylesheet, font or image loaded from any URL (nbconvert's own page template pulls require.js and MathJax
from a CDN), every image a ``data:`` URI, all styles in one inline ``<style>``. The file opens offline
and can be e-mailed.

Dropped from the HTML (all stay in the executed notebook): cells tagged ``remove`` or ``remove-cell``
(nbconvert's and Jupyter Book's tag), the ``parameters`` cell and papermill's injected one (their values are
in the header), stderr streams (warnings; they are in the run's log), code inputs (unless ``show_code``; a
failing cell always shows its code, even in a hidden cell) and the papermill error banners (replaced by the
header's own). A cell
tagged ``remove-input`` shows only its output (even with ``show_code``), one tagged ``remove-output`` only
its code (even without ``show_code``).

The header cards show each headline metric with its change against the previous successful run of the same
job (:mod:`workbench.runner.compare`): amount, relative change, coloured by whether the direction is good
news for that metric, and whether the change is beyond sampling noise or not tested.
"""
from __future__ import annotations

import copy
import functools
import html
import re
from datetime import datetime
from typing import Any

from workbench.runner.manifest import is_headline

__all__ = ["render_report", "render_error_page", "render_header", "prepare_notebook", "page", "escape", "when_text",
           "duration_text", "metric_text", "change_html", "error_location", "REPORT_CSS"]

REMOVE_TAGS = {"remove", "remove-cell", "parameters", "injected-parameters", "papermill-error-cell-tag"}
REMOVE_INPUT_TAG = "remove-input"
REMOVE_OUTPUT_TAG = "remove-output"
FAILED_TAG = "wb-failed-cell"

_CELL_TEMPLATE = r"""{%- extends 'base.html.j2' -%}
{%- block header -%}{%- endblock header -%}
{%- block body_header -%}{%- endblock body_header -%}
{%- block body_footer -%}{%- endblock body_footer -%}
{%- block footer -%}{%- endblock footer -%}
{%- block data_javascript scoped -%}{%- endblock data_javascript -%}
{%- block data_widget_view scoped -%}{%- endblock data_widget_view -%}
{%- block data_png scoped -%}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
<img alt="{{ (output.metadata.get('alt') or 'Chart') | escape_html }}" src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}"
{%- set width=output | get_metadata('width', 'image/png') -%}{%- if width is not none %} width={{ width | escape_html }}{%- endif %}
{%- set height=output | get_metadata('height', 'image/png') -%}{%- if height is not none %} height={{ height | escape_html }}{%- endif %}>
</div>
{%- endblock data_png -%}
{%- block data_jpg scoped -%}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
<img alt="{{ (output.metadata.get('alt') or 'Picture') | escape_html }}" src="data:image/jpeg;base64,{{ output.data['image/jpeg'] | escape_html }}"
{%- set width=output | get_metadata('width', 'image/jpeg') -%}{%- if width is not none %} width={{ width | escape_html }}{%- endif %}
{%- set height=output | get_metadata('height', 'image/jpeg') -%}{%- if height is not none %} height={{ height | escape_html }}{%- endif %}>
</div>
{%- endblock data_jpg -%}
"""

REPORT_CSS = """
:root { --ink:#1d2733; --muted:#5b6673; --line:#dde3ea; --soft:#f5f7fa; --accent:#1f5a96;
        --ok:#2f7d4f; --bad:#b3261e; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin:0; background:#ffffff; color:var(--ink);
       font-family: -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif;
       font-size:16px; line-height:1.55; }
.wb-page { max-width: 1000px; margin: 0 auto; padding: 28px 28px 48px; }
a { color: var(--accent); }
code, pre, .wb-mono { font-family: "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; font-size: 13px; }
.wb-header { border-bottom: 2px solid var(--line); padding-bottom: 18px; margin-bottom: 26px; }
.wb-kicker { color: var(--muted); font-size: 13px; text-transform: uppercase; letter-spacing: .06em; }
.wb-header h1 { font-size: 30px; line-height: 1.2; margin: 6px 0 8px; }
.wb-meta { color: var(--muted); font-size: 14px; margin: 0 0 16px; }
.wb-status { display:inline-block; font-weight:600; font-size:12px; padding:2px 9px; border-radius:10px;
             color:#fff; background:var(--ok); margin-right:8px; vertical-align: 1px; }
.wb-status.failed { background: var(--bad); }
.wb-alert { border-left: 4px solid var(--bad); background:#fdf1f0; padding: 10px 14px; margin: 0 0 16px;
            border-radius: 4px; }
.wb-alert pre { white-space: pre-wrap; margin: 6px 0 0; }
.wb-cards { display:flex; flex-wrap:wrap; gap:12px; margin: 0 0 18px; }
.wb-card { flex: 1 1 170px; max-width: 240px; border:1px solid var(--line); border-radius:8px;
           padding:10px 14px; background: var(--soft); }
.wb-card .v { font-size: 22px; font-weight: 650; line-height: 1.25; overflow-wrap:break-word; hyphens: auto; }
.wb-card .v.long { font-size: 17px; }
.wb-card .l { font-size: 13px; color: var(--muted); }
.wb-card .c { font-size: 12.5px; margin-top: 4px; line-height: 1.35; color: var(--muted); }
.wb-card .c .amt { font-weight: 600; white-space: nowrap; }
.wb-card .c.good .amt, .wb-more .c.good .amt { color: var(--ok); }
.wb-card .c.bad .amt, .wb-more .c.bad .amt { color: var(--bad); }
.wb-card .c .noise { display: block; }
.wb-card .c .noise.beyond { color: var(--ink); font-weight: 600; }
.wb-compared { font-size: 13px; color: var(--muted); margin: -8px 0 10px; }
.wb-facts { display:grid; grid-template-columns: 1fr; gap: 14px; }
.wb-facts h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted);
               margin: 0 0 4px; font-weight: 600; }
table.wb-kv { border-collapse: collapse; width: 100%; font-size: 13.5px; }
details.wb-more { margin: -6px 0 18px; font-size: 13.5px; color: var(--muted); }
details.wb-more table.wb-kv { width: auto; margin-top: 6px; color: var(--ink); }
details.wb-more .c { margin: 0; }
table.wb-kv td, table.wb-kv th { border-bottom: 1px solid var(--line); padding: 4px 10px 4px 0;
                                 text-align: left; vertical-align: top; }
table.wb-kv th { font-weight: 600; color: var(--muted); font-size: 12px; }
table.wb-kv td.hash { font-family: "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12px;
                      word-break: break-all; color: var(--muted); }
.wb-set { font-weight: 600; }
/* long values (file lists, URLs) wrap anywhere so the meaning column keeps its room */
table.wb-params td:nth-child(2) { width: 38%; overflow-wrap: anywhere; }
.wb-body h1 { font-size: 24px; margin: 30px 0 10px; }
.wb-body h2 { font-size: 21px; margin: 30px 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.wb-body h3 { font-size: 18px; margin: 24px 0 8px; }
.wb-body p, .wb-body li { max-width: 46em; }
.jp-Cell { margin: 0 0 14px; }
.jp-Cell-inputWrapper, .jp-Cell-outputWrapper { display: block; }
.jp-Collapser, .jp-InputPrompt, .jp-OutputPrompt, a.anchor-link { display: none; }
.jp-OutputArea-output { overflow-x: auto; margin: 4px 0; }
.jp-RenderedImage img, .jp-RenderedSVG img, .wb-body img { max-width: 100%; height: auto; }
.jp-RenderedText pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px;
                       padding: 8px 12px; margin: 0; white-space: pre-wrap; }
.jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"] pre { background:#fdf1f0; border-color:#f2c6c2; }
.jp-InputArea-editor .highlight pre { background: #f7f8fa; border: 1px solid var(--line); border-radius: 6px;
                                      padding: 8px 12px; margin: 0 0 6px; overflow-x: auto; }
.celltag_wb-failed-cell { border-left: 4px solid var(--bad); padding-left: 12px; }
.wb-failed-note { color: var(--bad); font-weight: 600; font-size: 14px; margin-bottom: 4px; }
.wb-body table, .wb-table { border-collapse: collapse; font-size: 13.5px; margin: 6px 0 10px;
                            font-variant-numeric: tabular-nums; }
.wb-body table caption { caption-side: top; text-align: left; font-weight: 600; color: var(--muted);
                         padding-bottom: 4px; }
.wb-body th, .wb-body td { border: 1px solid var(--line); padding: 4px 10px; }
.wb-body thead th { background: var(--soft); font-weight: 600; text-align: left; }
.wb-body tbody th { background: #fbfcfd; font-weight: 600; text-align: left; }
.wb-body td { text-align: right; }
.wb-body td:first-child { text-align: left; }
.wb-body tbody tr:nth-child(even) td { background: #fbfcfd; }
.wb-body blockquote { margin: 8px 0; padding: 4px 14px; border-left: 3px solid var(--line); color: var(--muted); }
.wb-footer { margin-top: 40px; padding-top: 12px; border-top: 1px solid var(--line); color: var(--muted);
             font-size: 12.5px; }
.ansi-black-fg{color:#3e424d}.ansi-red-fg{color:#c0392b}.ansi-green-fg{color:#2f7d4f}
.ansi-yellow-fg{color:#9a6a00}.ansi-blue-fg{color:#1f5a96}.ansi-magenta-fg{color:#8e44ad}
.ansi-cyan-fg{color:#16808a}.ansi-white-fg{color:#6f6f6f}
.ansi-red-intense-fg{color:#b3261e}.ansi-green-intense-fg{color:#1e6b3c}.ansi-yellow-intense-fg{color:#8a5a00}
.ansi-blue-intense-fg{color:#174a7c}.ansi-cyan-intense-fg{color:#0f6c75}.ansi-bold{font-weight:700}
.ansi-underline{text-decoration:underline}
@media print { .wb-page { max-width: none; padding: 0; } .wb-card { break-inside: avoid; }
               .jp-Cell { break-inside: avoid-page; } }
"""


def escape(x: Any) -> str:
    return html.escape(str(x), quote=True)


def page(title: str, body: str, *, extra_css: str = "") -> str:
    """A complete, self-contained HTML document around ``body``."""
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{escape(title)}</title>\n<style>{REPORT_CSS}{extra_css}</style>\n</head>\n"
            f"<body>\n<div class=\"wb-page\">\n{body}\n</div>\n</body>\n</html>\n")


def when_text(iso: str | None) -> str:
    if not iso:
        return "unknown time"
    try:
        t = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return t.strftime("%d %b %Y, %H:%M UTC").lstrip("0")


def duration_text(seconds: float | None) -> str:
    if seconds is None:
        return "n/a"
    if seconds < 60:
        return f"{seconds:.1f} s"
    m, s = divmod(int(round(seconds)), 60)
    if m < 60:
        return f"{m} min {s:02d} s"
    h, m = divmod(m, 60)
    return f"{h} h {m:02d} min"


def _value_text(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, str):
        return value if value else '""'
    if isinstance(value, list):
        return ", ".join(_value_text(v) for v in value) or "(empty list)"
    return str(value)


def metric_text(m: dict) -> str:
    from workbench.present import fmt

    try:
        return fmt.value(m.get("value"), m.get("kind"), m.get("unit"))
    except (TypeError, ValueError):
        return str(m.get("value"))


def _size(n: int | None) -> str:
    if n is None:
        return ""
    for unit, div in (("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)):
        if n >= div:
            return f"{n / div:,.1f} {unit}"
    return f"{n:,} bytes"


def error_location(err: dict) -> str:
    """Where a run stopped: "In [7]" for a cell, else the stage ("kernel start", "catalog", ...)."""
    if err.get("execution_count"):
        return f"In [{err['execution_count']}]"
    if err.get("stage") == "cell":
        return f"cell {err['cell_index']}" if err.get("cell_index") is not None else "a cell"
    return err.get("stage") or "kernel start"


def change_html(metric: dict) -> str:
    """The change line of a header card (empty when there is nothing to compare)."""
    from workbench.runner.compare import change_text

    c = change_text(metric)
    if c is None:
        return ""
    noise = ""
    if c["noise"]:
        cls = "noise beyond" if c["noise"].startswith("beyond") else "noise"
        noise = f'<span class="{cls}" title="{escape(c["title"])}">{escape(c["noise"])}</span>'
    arrow = f'{escape(c["arrow"])} ' if c["arrow"] else ""
    return (f'<div class="c {escape(c["assessment"])}"><span class="amt">{arrow}{escape(c["amount"])}</span>'
            f'{noise}</div>')


def render_header(manifest: dict, metrics: list[dict], *, param_help: dict[str, str] | None = None,
                  report_href: str | None = None) -> str:
    """The report header as HTML: title, status and timing, headline metrics, parameters, data sources."""
    param_help = param_help or {}
    failed = manifest.get("status") != "succeeded"
    status = ('<span class="wb-status failed">Failed</span>' if failed
              else '<span class="wb-status">Succeeded</span>')
    job = manifest.get("job", "")
    parts = ['<header class="wb-header">',
             f'<div class="wb-kicker">Report &middot; {escape(job)}</div>',
             f'<h1>{escape(manifest.get("title") or manifest["notebook"]["name"])}</h1>',
             f'<p class="wb-meta">{status}Ran {escape(when_text(manifest.get("started")))} &middot; took '
             f'{escape(duration_text(manifest.get("duration_s")))} &middot; run <span class="wb-mono">'
             f'{escape(manifest.get("run_id", ""))}</span></p>']
    err = manifest.get("error")
    log_name = (manifest.get("files") or {}).get("log")
    log_link = f' <a href="{escape(log_name)}">Run log</a>.' if log_name else ""
    if failed and err:
        where = error_location(err)
        link = (f'<a href="#cell-id={escape(err["cell_id"])}">{escape(where)}</a>' if err.get("cell_id")
                else escape(where))
        parts.append(f'<div class="wb-alert"><strong>This report did not finish.</strong> Exception encountered '
                     f'at {link}: <pre>{escape(err.get("ename", ""))}: {escape(err.get("evalue", ""))}</pre>'
                     f'{log_link}</div>')
    elif log_name:
        parts.append(f'<p class="wb-meta">This run wrote warnings:{log_link}</p>')
    if metrics:
        prev = manifest.get("previous_run")
        if prev:
            parts.append(f'<p class="wb-compared">Changes against the previous run of this job, '
                         f'<a href="{escape(prev.get("html", ""))}">{escape(when_text(prev.get("started")))}</a>'
                         f'{" (same input data)" if prev.get("same_inputs") else ""}.</p>')
        elif any("change" in m for m in metrics):
            parts.append('<p class="wb-compared">No earlier successful run of this job to compare with.</p>')
        shown = [m for m in metrics if is_headline(m)]
        texts = [metric_text(m) for m in shown]
        cards = "".join(f'<div class="wb-card"><div class="v{" long" if len(t) > 10 else ""}">{escape(t)}</div>'
                        f'<div class="l">{escape(m.get("label") or m["name"])}</div>{change_html(m)}</div>'
                        for m, t in zip(shown, texts))
        if cards:
            parts.append(f'<section class="wb-cards" aria-label="Headline metrics">{cards}</section>')
        more = [m for m in metrics if not is_headline(m)]
        if more:  # figures recorded for tracking (a model's parameters): one line each, folded
            rows = "".join(f'<tr><td>{escape(m.get("label") or m["name"])}</td><td>{escape(metric_text(m))}</td>'
                           f'<td>{change_html(m)}</td></tr>' for m in more)
            what = "figure" if len(more) == 1 else "figures"
            parts.append(f'<details class="wb-more"><summary>{len(more)} more recorded {what} (tracked between runs, '
                         f'not headlines)</summary><table class="wb-kv">{rows}</table></details>')
    facts = []
    params = manifest.get("parameters") or {}
    overrides = manifest.get("overrides") or {}
    if params:
        rows = "".join(
            f'<tr><td class="{"wb-set" if k in overrides else ""}">{escape(k)}</td><td>{escape(_value_text(v))}</td>'
            f'<td>{escape(param_help.get(k, ""))}{" <em>(set for this run)</em>" if k in overrides else ""}</td></tr>'
            for k, v in params.items())
        facts.append(f'<div><h2>Parameters</h2><table class="wb-kv wb-params"><tr><th>name</th><th>value</th>'
                     f'<th>meaning</th></tr>{rows}</table></div>')
    inputs = manifest.get("inputs") or []
    if inputs:
        rows = "".join(f'<tr><td>{escape(i["path"])}</td><td>{escape(_size(i.get("bytes")))}</td>'
                       f'<td class="hash">{escape(i["sha256"])}</td></tr>' for i in inputs)
        facts.append(f'<div><h2>Data sources</h2><table class="wb-kv"><tr><th>file</th><th>size</th>'
                     f'<th>sha256 fingerprint</th></tr>{rows}</table></div>')
    else:
        facts.append('<div><h2>Data sources</h2><p class="wb-meta">No input file was registered by this run.</p></div>')
    parts.append(f'<section class="wb-facts">{"".join(facts)}</section>')
    parts.append("</header>")
    return "\n".join(parts)


def render_footer(manifest: dict, *, run_dir_display: str | None = None) -> str:
    env = manifest.get("environment", {})
    git = manifest.get("git", {})
    commit = (git.get("commit") or "")[:10] or "not in git"
    dirty = " (with uncommitted changes)" if git.get("dirty") else ""
    nb = manifest.get("notebook", {})
    verify = (f' &middot; check it: <code>workbench verify {escape(run_dir_display)}</code>' if run_dir_display else "")
    return (f'<footer class="wb-footer">Notebook <span class="wb-mono">{escape(nb.get("path", ""))}</span> '
            f'(sha256 {escape((nb.get("sha256") or "")[:12])}) &middot; workbench {escape(env.get("workbench", "?"))} '
            f'&middot; Python {escape(env.get("python", "?"))} &middot; git {escape(commit)}{escape(dirty)}{verify}</footer>')


def _strip_title(source: str) -> str:
    lines = source.splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^#\s+\S", line):
            return "\n".join(lines[:i] + lines[i + 1:]).strip()
    return source


def prepare_notebook(nb, *, show_code: bool = False, failed_cell_id: str | None = None):
    """A copy of the executed notebook with what the HTML must not show removed (see the module docstring)."""
    nb = copy.deepcopy(nb)
    cells = []
    first_markdown = True
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []) or [])
        failing_here = failed_cell_id is not None and cell.get("id") == failed_cell_id
        if tags & REMOVE_TAGS and not failing_here:  # a hidden cell that failed is shown: the reader needs it
            continue
        if cell.cell_type == "markdown" and first_markdown:
            first_markdown = False
            cell.source = _strip_title(cell.source)
            if not cell.source.strip():
                continue
        if cell.cell_type == "code":
            failing = failed_cell_id is not None and cell.get("id") == failed_cell_id
            if REMOVE_OUTPUT_TAG in tags and not failing:
                cell.outputs = []
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
            if failing:
                cell.metadata["tags"] = sorted(tags | {FAILED_TAG})
            elif REMOVE_OUTPUT_TAG in tags:
                pass  # the code is what the author wants shown
            elif not show_code or REMOVE_INPUT_TAG in tags:
                if not cell.outputs:
                    continue
                cell.metadata["transient"] = {"remove_source": True}
        cells.append(cell)
    nb.cells = cells
    return nb


@functools.lru_cache(maxsize=1)
def _exporter():
    """One exporter per process (a catalog worker renders many reports; building it and loading its templates
    took a quarter of a second each time). ``from_notebook_node`` keeps no state between notebooks."""
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    c = Config()
    c.CSSHTMLHeaderPreprocessor.enabled = False
    exporter = HTMLExporter(config=c, template_name="lab", extra_loaders=[DictLoader({"wb_cells.html.j2": _CELL_TEMPLATE})])
    exporter.template_file = "wb_cells.html.j2"
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.embed_images = True
    return exporter


def _pygments_css() -> str:
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(style="default").get_style_defs(".highlight")


def render_report(nb, manifest: dict, metrics: list[dict], *, show_code: bool = False,
                  param_help: dict[str, str] | None = None, run_dir_display: str | None = None) -> str:
    """The complete HTML report for an executed notebook (``nbformat.NotebookNode``)."""
    err = manifest.get("error") or {}
    failed_cell_id = err.get("cell_id")
    prepared = prepare_notebook(nb, show_code=show_code, failed_cell_id=failed_cell_id)
    body, _ = _exporter().from_notebook_node(prepared)
    if failed_cell_id:
        anchor = f'id="cell-id={html.escape(failed_cell_id, quote=True)}"'
        body = body.replace(anchor, anchor + ' aria-label="failing cell"', 1)
        why = f": {err.get('evalue')}" if err.get("ename") == "TimeoutError" else ""
        marker = f'<div class="wb-failed-note">The run stopped in this cell ({escape(error_location(err))}){escape(why)}.</div>'
        body = re.sub(r'(<div [^>]*' + re.escape(anchor) + r'[^>]*>)', lambda m: m.group(1) + marker, body, count=1)
    code_css = _pygments_css() if (show_code or failed_cell_id) else ""
    content = (render_header(manifest, metrics, param_help=param_help) + '\n<main class="wb-body">\n' + body
               + "\n</main>\n" + render_footer(manifest, run_dir_display=run_dir_display))
    return page(manifest.get("title") or manifest["notebook"]["name"], content, extra_css=code_css)


def render_error_page(manifest: dict, metrics: list[dict], message: str, *,
                      param_help: dict[str, str] | None = None, run_dir_display: str | None = None) -> str:
    """A report for a run without a usable executed notebook (kernel did not start, export failed)."""
    content = (render_header(manifest, metrics, param_help=param_help)
               + f'\n<main class="wb-body"><div class="wb-alert"><strong>No notebook output.</strong>'
               f'<pre>{escape(message)}</pre></div></main>\n' + render_footer(manifest, run_dir_display=run_dir_display))
    return page(manifest.get("title") or manifest["notebook"]["name"], content)
