"""``workbench digest``: the latest state of every job, for people who do not open the index every morning.

Order: **alerts** first (the catalog's rules, :mod:`workbench.runner.alerts`), then **failures** (each job
whose latest run failed: the cell, the error, links to the report and its log), jobs **not run** (a missing
requirement), then each job's **headline changes** (every headline metric of its latest successful run with
its change against the previous run and whether that is beyond noise; figures recorded with ``card=False``, such
as a model's parameters, are left out), with links to the reports.

Written as ``reports/digest.html`` (self-contained: inline styles only, no script, no image, so it survives
e-mail clients that drop ``<style>`` and ``data:`` images) and ``reports/digest.txt``; the e-mail sends both
(:mod:`workbench.runner.notify`). Links in the files are relative to ``reports/``; in the e-mail and the
webhook message they start with the published address of ``reports/`` (``--base-url`` or
``$WORKBENCH_REPORTS_URL``, e.g. the GitHub Pages site), or are ``file://`` paths on this machine without one.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from workbench.runner import files
from workbench.runner.alerts import Alert, evaluate
from workbench.runner.compare import change_text
from workbench.runner.history import JobHistory, job_histories
from workbench.runner.html import error_location, escape, metric_text, when_text
from workbench.runner.manifest import is_headline

__all__ = ["Digest", "build_digest", "write_digest", "DIGEST_HTML", "DIGEST_TEXT", "REPORTS_URL_ENV"]

DIGEST_HTML = "digest.html"
DIGEST_TEXT = "digest.txt"
REPORTS_URL_ENV = "WORKBENCH_REPORTS_URL"

_INK, _MUTED, _LINE, _OK, _BAD, _ACCENT = "#1d2733", "#5b6673", "#dde3ea", "#2f7d4f", "#b3261e", "#1f5a96"
_FONT = '-apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'


@dataclass
class Failure:
    job: str
    title: str
    when: str
    where: str
    error: str
    html: str | None
    log: str | None


@dataclass
class MetricLine:
    label: str
    value: str
    change: str
    noise: str
    assessment: str


@dataclass
class JobChanges:
    job: str
    title: str
    when: str
    html: str | None
    note: str
    metrics: list[MetricLine] = field(default_factory=list)


@dataclass
class Digest:
    """The digest's content; :meth:`render_html` / :meth:`render_text` write it with a link style."""

    created: str
    counts: dict[str, int]
    alerts: list[Alert]
    failures: list[Failure]
    not_run: list[tuple[str, str]]          # (job, reason)
    changes: list[JobChanges]

    @property
    def subject(self) -> str:
        parts = [f"{len(self.alerts)} alert{'s' if len(self.alerts) != 1 else ''}",
                 f"{len(self.failures)} failed"]
        if self.not_run:
            parts.append(f"{len(self.not_run)} not run")
        return f"Report digest {when_text(self.created).split(',')[0]}: {', '.join(parts)}, {self.counts['jobs']} jobs"

    def summary(self) -> str:
        c = self.counts
        return (f"{c['jobs']} jobs: {c['succeeded']} latest run succeeded, {c['failed']} failed, "
                f"{c['not_run']} never ran; {c['new']} ran in the last catalog run.")

    # ------------------------------------------------------------------------------------------- text
    def render_text(self, link: Callable[[str | None], str | None]) -> str:
        out = [self.subject, "", self.summary(), ""]
        out.append(f"ALERTS ({len(self.alerts)})")
        for a in self.alerts:
            out.append(f"- {a.job}: {a.message}" + (f"\n  {link(a.html)}" if link(a.html) else ""))
        if not self.alerts:
            out.append("- none")
        out += ["", f"FAILURES ({len(self.failures)})"]
        for f in self.failures:
            out.append(f"- {f.title} ({f.job}), {f.when}: {f.where}: {f.error}")
            for what, target in (("report", f.html), ("log", f.log)):
                if link(target):
                    out.append(f"  {what}: {link(target)}")
        if not self.failures:
            out.append("- none")
        if self.not_run:
            out += ["", f"NOT RUN ({len(self.not_run)})"]
            out += [f"- {job}: {reason}" for job, reason in self.not_run]
        out += ["", "HEADLINE CHANGES"]
        for j in self.changes:
            out.append(f"{j.title} ({j.job}), {j.when}{' - ' + j.note if j.note else ''}")
            if link(j.html):
                out.append(f"  {link(j.html)}")
            for m in j.metrics:
                tail = f"  {m.change}" + (f", {m.noise}" if m.noise else "") if m.change else ""
                out.append(f"  - {m.label}: {m.value}{tail}")
            out.append("")
        index = link("index.html")
        if index:
            out.append(f"All runs: {index}")
        return "\n".join(out).rstrip() + "\n"

    # ------------------------------------------------------------------------------------------- HTML
    def render_html(self, link: Callable[[str | None], str | None]) -> str:
        def a(target: str | None, text: str) -> str:
            href = link(target)
            return (f'<a href="{escape(href)}" style="color:{_ACCENT};">{escape(text)}</a>' if href
                    else escape(text))

        h2 = f'style="font-size:17px;margin:22px 0 6px;color:{_INK};border-bottom:1px solid {_LINE};padding-bottom:3px;"'
        li = 'style="margin:0 0 6px;"'
        body = [f'<h1 style="font-size:22px;margin:0 0 4px;color:{_INK};">{escape(self.subject)}</h1>',
                f'<p style="color:{_MUTED};font-size:14px;margin:0 0 10px;">{escape(self.summary())} '
                f'{a("index.html", "Open the index")}</p>']
        body.append(f"<h2 {h2}>Alerts ({len(self.alerts)})</h2>")
        if self.alerts:
            body.append('<ul style="padding-left:20px;margin:0;">' + "".join(
                f'<li {li}><strong>{escape(x.job)}</strong>: {escape(x.message)} '
                f'{a(x.html, "report") if x.html else ""}<br><span style="color:{_MUTED};font-size:12px;">rule: '
                f'{escape(x.rule)}</span></li>' for x in self.alerts) + "</ul>")
        else:
            body.append(f'<p style="color:{_MUTED};margin:0;">No alert.</p>')
        body.append(f"<h2 {h2}>Failures ({len(self.failures)})</h2>")
        if self.failures:
            body.append('<ul style="padding-left:20px;margin:0;">' + "".join(
                f'<li {li}><strong>{escape(f.title)}</strong> <span style="color:{_MUTED};">({escape(f.job)}, '
                f'{escape(f.when)})</span><br><span style="color:{_BAD};">{escape(f.where)}: {escape(f.error)}</span>'
                f'<br>{a(f.html, "report")}{" &middot; " + a(f.log, "run log") if f.log else ""}</li>'
                for f in self.failures) + "</ul>")
        else:
            body.append(f'<p style="color:{_MUTED};margin:0;">No job failed in its latest run.</p>')
        if self.not_run:
            body.append(f"<h2 {h2}>Not run ({len(self.not_run)})</h2>")
            body.append('<ul style="padding-left:20px;margin:0;">' + "".join(
                f"<li {li}><strong>{escape(job)}</strong>: {escape(reason)}</li>" for job, reason in self.not_run)
                + "</ul>")
        body.append(f"<h2 {h2}>Headline changes</h2>")
        td = f'style="padding:3px 10px 3px 0;border-bottom:1px solid {_LINE};vertical-align:top;"'
        for j in self.changes:
            note = f' &middot; {escape(j.note)}' if j.note else ""
            body.append(f'<h3 style="font-size:15px;margin:16px 0 4px;color:{_INK};">{a(j.html, j.title)} '
                        f'<span style="font-weight:normal;color:{_MUTED};font-size:13px;">{escape(j.job)} &middot; '
                        f'{escape(j.when)}{note}</span></h3>')
            if not j.metrics:
                body.append(f'<p style="color:{_MUTED};margin:0;font-size:13px;">No headline metric recorded.</p>')
                continue
            rows = []
            for m in j.metrics:
                colour = {"good": _OK, "bad": _BAD}.get(m.assessment, _MUTED)
                rows.append(f"<tr><td {td}>{escape(m.label)}</td><td {td}><strong>{escape(m.value)}</strong></td>"
                            f'<td {td}><span style="color:{colour};font-weight:600;">{escape(m.change)}</span></td>'
                            f'<td {td}><span style="color:{_MUTED};">{escape(m.noise)}</span></td></tr>')
            body.append(f'<table style="border-collapse:collapse;font-size:13.5px;">{"".join(rows)}</table>')
        body.append(f'<p style="color:{_MUTED};font-size:12px;margin-top:24px;">Changes are against each job\'s '
                    "previous successful run. \"Beyond noise\" is a two-sided z-test at the 5% level where the "
                    "report recorded a sampling error; otherwise the change is not tested. Written "
                    f"{escape(when_text(self.created))} by the workbench.</p>")
        return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
                '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                f"<title>{escape(self.subject)}</title>\n</head>\n"
                f'<body style="margin:0;background:#ffffff;color:{_INK};font-family:{_FONT};font-size:15px;'
                f'line-height:1.5;">\n<div style="max-width:760px;margin:0 auto;padding:20px;">\n'
                + "\n".join(body) + "\n</div>\n</body>\n</html>\n")


def _metric_lines(run: dict) -> list[MetricLine]:
    out = []
    for m in run.get("_metrics", []):
        if not is_headline(m):  # recorded for tracking (a model's parameters)
            continue
        c = change_text(m) or {}
        amount = f"{c['arrow']} {c['amount']}".strip() if c else ""
        out.append(MetricLine(label=m.get("label") or m["name"], value=metric_text(m), change=amount,
                              noise=c.get("noise", ""), assessment=c.get("assessment", "neutral")))
    return out


def build_digest(reports_dir: str | os.PathLike, *, jobs: list | None = None,
                 now: datetime | None = None) -> Digest:
    """The digest of the latest runs under ``reports_dir``.

    ``jobs``: catalog jobs (:class:`~workbench.runner.catalog.CatalogJob`, in catalog order, with their alert
    rules); None: every job that has run, without alert rules.
    """
    now = now or datetime.now(timezone.utc)
    histories = job_histories(reports_dir)
    if jobs is None:
        order = sorted(histories, key=lambda j: (histories[j].title.lower(), j))
        rules = {j: () for j in order}
    else:
        order = [j.label for j in jobs]
        rules = {j.label: j.alerts for j in jobs}
    alerts: list[Alert] = []
    failures: list[Failure] = []
    not_run: list[tuple[str, str]] = []
    changes: list[JobChanges] = []
    counts = {"jobs": len(order), "succeeded": 0, "failed": 0, "not_run": 0, "new": 0}
    for job in order:
        h = histories.get(job, JobHistory(job))
        entry = h.ledger or {}
        latest, ok = h.latest, h.latest_ok
        unstarted = h.failed_before_running
        if unstarted is not None and (latest is None or (latest.get("started") or "") < (unstarted["started"] or "")):
            latest = unstarted  # the last catalog run could not start it (a parameter error)
        alerts.extend(evaluate(rules.get(job, ()), job=job, latest=latest, latest_ok=ok,
                               last_current=entry.get("current_at"), now=now))
        if latest is None:
            counts["not_run"] += 1
            not_run.append((job, entry.get("reason") or "never ran"))
            continue
        if entry.get("status") in ("succeeded", "failed") and entry.get("run_id") == latest.get("run_id"):
            counts["new"] += 1
        if entry.get("skip") == "requirements":
            not_run.append((job, f"{entry.get('reason')} (latest run {when_text(latest.get('started'))})"))
        if latest.get("status") == "succeeded":
            counts["succeeded"] += 1
        else:
            counts["failed"] += 1
            err = latest.get("error") or {}
            failures.append(Failure(job=job, title=h.title, when=when_text(latest.get("started")),
                                    where=error_location(err) + (" (not started)" if latest is unstarted else ""), error=f"{err.get('ename', '')}: {err.get('evalue', '')}",
                                    html=latest.get("_html"), log=latest.get("_log")))
        if ok is not None:
            note = ""
            if ok is not latest:
                note = "latest successful run (the latest failed)"
            elif entry.get("skip") == "unchanged":
                note = f"unchanged since (checked {when_text(entry.get('at'))})"
            prev = ok.get("previous_run")
            if prev and not note:
                note = f"compared with {when_text(prev.get('started'))}"
            elif not prev and not note:
                note = "first successful run"
            changes.append(JobChanges(job=job, title=h.title, when=when_text(ok.get("started")), html=ok.get("_html"),
                                      note=note, metrics=_metric_lines(ok)))
    return Digest(created=now.isoformat(timespec="seconds"), counts=counts, alerts=alerts, failures=failures,
                  not_run=not_run, changes=changes)


def link_style(reports_dir: str | os.PathLike, base_url: str | None) -> Callable[[str | None], str | None]:
    """Links for the e-mail and webhook: ``base_url`` + path, or a ``file://`` URI when there is no base URL."""
    root = Path(reports_dir).resolve()

    def link(rel: str | None) -> str | None:
        if not rel:
            return None
        if base_url:
            return base_url.rstrip("/") + "/" + rel
        return (root / rel).as_uri()

    return link


def relative_links(rel: str | None) -> str | None:
    return rel or None


def write_digest(reports_dir: str | os.PathLike, digest: Digest) -> tuple[Path, Path]:
    """Write ``digest.html`` and ``digest.txt`` into ``reports_dir`` (links relative to it)."""
    root = Path(reports_dir)
    html_path, text_path = root / DIGEST_HTML, root / DIGEST_TEXT
    files.atomic_write_text(html_path, digest.render_html(relative_links))
    files.atomic_write_text(text_path, digest.render_text(relative_links))
    return html_path, text_path
