"""Deliver the digest: e-mail over SMTP and a webhook POST (Slack, Microsoft Teams), configured by environment.

Nothing here reads ``catalog.yaml``: server names and secrets live in the environment (a cron line's
environment, CI secrets), never in a file under version control.

E-mail (standard library ``smtplib`` and ``email``; sent when ``WORKBENCH_SMTP_HOST`` and ``WORKBENCH_MAIL_TO`` are set):

=========================  ==========================================================================
``WORKBENCH_SMTP_HOST``     the SMTP server
``WORKBENCH_SMTP_PORT``     default 587 for ``starttls``, 465 for ``ssl``, 25 for ``none``
``WORKBENCH_SMTP_TLS``      ``starttls`` (default), ``ssl`` (TLS from the first byte) or ``none``
``WORKBENCH_SMTP_USER``     login name (no login when unset)
``WORKBENCH_SMTP_PASSWORD`` its password
``WORKBENCH_SMTP_CA_FILE``  a CA bundle for a server whose certificate a private CA signed (optional)
``WORKBENCH_MAIL_FROM``     sender (default: the user, else ``workbench@<host name>``)
``WORKBENCH_MAIL_TO``       recipients, separated by commas
=========================  ==========================================================================

The message is ``multipart/alternative``: the plain-text digest and the HTML digest (inline styles, no
images: Gmail and Outlook drop ``<style>`` blocks and ``data:`` images).

Webhook (``WORKBENCH_WEBHOOK_URL``; ``WORKBENCH_WEBHOOK_FORMAT`` chooses the JSON shape, by default from the
URL's host):

- ``slack`` (``hooks.slack.com``): ``{"text": fallback, "blocks": [header, mrkdwn sections]}``, the shape of
  Slack incoming webhooks (section text at most 3,000 characters, at most 50 blocks);
- ``teams`` (``*.webhook.office.com``, Power Automate / Logic Apps workflow URLs): ``{"type": "message",
  "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": <Adaptive Card
  1.4>}]}``, which Teams incoming webhooks and the Teams "post to a channel when a webhook request is
  received" workflow accept;
- ``text`` (any other host): ``{"text": ...}``, which Slack, Teams connectors, Mattermost and Google Chat take.

Every delivery is attempted, each failure is caught and returned as a :class:`Delivery` with the reason:
a delivery problem never fails or loses a run (the digest stays in ``reports/``).
"""
from __future__ import annotations

import json
import os
import smtplib
import socket
import ssl
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from workbench.runner.digest import REPORTS_URL_ENV, Digest, link_style

__all__ = ["Delivery", "deliver", "send_email", "post_webhook", "webhook_payload", "webhook_format",
           "email_message", "SmtpSettings", "smtp_settings"]

TIMEOUT_S = 30
SLACK_SECTION_CHARS = 3000
SLACK_MAX_BLOCKS = 50


@dataclass
class Delivery:
    """One delivery attempt: ``channel`` ("e-mail", "webhook"), whether it worked, and what happened."""

    channel: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"notify: {self.channel} {'sent' if self.ok else 'FAILED'}: {self.detail}"


class NotifyConfigError(ValueError):
    """An environment variable for delivery holds a value that cannot work."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    tls: str
    user: str | None
    password: str | None
    sender: str
    to: tuple[str, ...]
    ca_file: str | None = None


def smtp_settings(env: Mapping[str, str] = os.environ) -> SmtpSettings | None:
    """The e-mail settings from the environment; None when e-mail is not configured (no host or no recipient)."""
    host, to = env.get("WORKBENCH_SMTP_HOST", "").strip(), env.get("WORKBENCH_MAIL_TO", "").strip()
    if not host and not to:
        return None
    if not host or not to:
        missing = "WORKBENCH_SMTP_HOST" if not host else "WORKBENCH_MAIL_TO"
        raise NotifyConfigError(f"{missing} is not set (e-mail needs both WORKBENCH_SMTP_HOST and WORKBENCH_MAIL_TO)")
    tls = env.get("WORKBENCH_SMTP_TLS", "starttls").strip().lower() or "starttls"
    if tls not in ("starttls", "ssl", "none"):
        raise NotifyConfigError(f"WORKBENCH_SMTP_TLS={tls!r}: use starttls, ssl or none")
    port_text = env.get("WORKBENCH_SMTP_PORT", "").strip()
    try:
        port = int(port_text) if port_text else {"starttls": 587, "ssl": 465, "none": 25}[tls]
    except ValueError:
        raise NotifyConfigError(f"WORKBENCH_SMTP_PORT={port_text!r} is not a port number") from None
    user = env.get("WORKBENCH_SMTP_USER") or None
    sender = env.get("WORKBENCH_MAIL_FROM") or (user if user and "@" in user else f"workbench@{socket.getfqdn()}")
    recipients = tuple(a.strip() for a in to.split(",") if a.strip())
    return SmtpSettings(host=host, port=port, tls=tls, user=user, password=env.get("WORKBENCH_SMTP_PASSWORD"),
                        sender=sender, to=recipients, ca_file=env.get("WORKBENCH_SMTP_CA_FILE") or None)


def email_message(digest: Digest, settings: SmtpSettings, *, link) -> EmailMessage:
    """The digest as a ``multipart/alternative`` message (plain text first, then HTML)."""
    msg = EmailMessage()
    msg["Subject"] = digest.subject
    msg["From"] = settings.sender
    msg["To"] = ", ".join(settings.to)
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=settings.sender.rsplit("@", 1)[-1] or None)
    msg.set_content(digest.render_text(link))
    msg.add_alternative(digest.render_html(link), subtype="html")
    return msg


def send_email(digest: Digest, settings: SmtpSettings, *, link) -> Delivery:
    """Send the digest; returns the outcome (never raises)."""
    what = f"to {', '.join(settings.to)} via {settings.host}:{settings.port} ({settings.tls})"
    try:
        context = ssl.create_default_context(cafile=settings.ca_file) if settings.tls != "none" else None
        msg = email_message(digest, settings, link=link)
        if settings.tls == "ssl":
            server: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=TIMEOUT_S, context=context)
        else:
            server = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_S)
        with server:
            server.ehlo()
            if settings.tls == "starttls":
                server.starttls(context=context)
                server.ehlo()
            if settings.user:
                server.login(settings.user, settings.password or "")
            refused = server.send_message(msg)
        if refused:
            return Delivery("e-mail", False, f"{what}: refused for {', '.join(refused)}")
        return Delivery("e-mail", True, what)
    except (smtplib.SMTPException, OSError, ssl.SSLError, ValueError) as exc:
        return Delivery("e-mail", False, f"{what}: {type(exc).__name__}: {exc}")


def webhook_format(url: str, env: Mapping[str, str] = os.environ) -> str:
    """``slack``, ``teams`` or ``text``: ``WORKBENCH_WEBHOOK_FORMAT``, else from the URL's host."""
    chosen = env.get("WORKBENCH_WEBHOOK_FORMAT", "").strip().lower()
    if chosen:
        if chosen not in ("slack", "teams", "text"):
            raise NotifyConfigError(f"WORKBENCH_WEBHOOK_FORMAT={chosen!r}: use slack, teams or text")
        return chosen
    host = (urllib.parse.urlsplit(url).hostname or "").lower()
    if host == "hooks.slack.com":
        return "slack"
    if host.endswith((".webhook.office.com", ".logic.azure.com", ".powerplatform.com", ".powerautomate.com")):
        return "teams"
    return "text"


def _lines(digest: Digest, link, *, style: str) -> tuple[str, list[str]]:
    """A title and markdown-ish paragraphs for chat (links as Slack ``<url|text>`` or Markdown ``[text](url)``)."""

    def a(target: str | None, text: str) -> str:
        url = link(target)
        if not url:
            return ""
        return f"<{url}|{text}>" if style == "slack" else f"[{text}]({url})" if style == "teams" else url

    bold = (lambda t: f"*{t}*") if style == "slack" else (lambda t: f"**{t}**") if style == "teams" else (lambda t: t)
    paras = [digest.summary() + (" " + a("index.html", "Open the index") if link("index.html") else "")]
    if digest.alerts:
        paras.append(bold(f"Alerts ({len(digest.alerts)})") + "\n" + "\n".join(
            f"- {x.job}: {x.message} {a(x.html, 'report')}".rstrip() for x in digest.alerts))
    if digest.failures:
        paras.append(bold(f"Failures ({len(digest.failures)})") + "\n" + "\n".join(
            f"- {f.job}: {f.where}: {f.error} {a(f.html, 'report')} {a(f.log, 'log')}".rstrip()
            for f in digest.failures))
    if digest.not_run:
        paras.append(bold(f"Not run ({len(digest.not_run)})") + "\n" + "\n".join(
            f"- {job}: {reason}" for job, reason in digest.not_run))
    if not digest.alerts and not digest.failures:
        paras.append("No alert and no failure.")
    return digest.subject, paras


def webhook_payload(digest: Digest, fmt: str, *, link) -> dict:
    """The JSON body for the webhook in format ``fmt`` (see the module docstring)."""
    title, paras = _lines(digest, link, style=fmt)
    if fmt == "slack":
        blocks: list[dict] = [{"type": "header", "text": {"type": "plain_text", "text": title[:150]}}]
        for p in paras:
            for i in range(0, len(p), SLACK_SECTION_CHARS):
                blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": p[i:i + SLACK_SECTION_CHARS]}})
        return {"text": title, "blocks": blocks[:SLACK_MAX_BLOCKS]}
    if fmt == "teams":
        body = [{"type": "TextBlock", "text": title, "weight": "Bolder", "size": "Medium", "wrap": True}]
        body += [{"type": "TextBlock", "text": p, "wrap": True} for p in paras]
        card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard",
                "version": "1.4", "body": body}
        if link("index.html"):
            card["actions"] = [{"type": "Action.OpenUrl", "title": "Open the reports", "url": link("index.html")}]
        return {"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive",
                                                    "contentUrl": None, "content": card}]}
    return {"text": title + "\n\n" + "\n\n".join(paras)}


def post_webhook(url: str, payload: dict) -> Delivery:
    """POST ``payload`` as JSON; returns the outcome (never raises). The URL itself is a secret: not printed."""
    shown = urllib.parse.urlsplit(url)
    what = f"to {shown.scheme}://{shown.hostname}{':' + str(shown.port) if shown.port else ''}/..."
    try:
        req = urllib.request.Request(url, data=json.dumps(payload).encode("utf-8"), method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8",
                                              "User-Agent": "ecommerce-workbench"})
        with urllib.request.urlopen(req, timeout=TIMEOUT_S) as resp:  # noqa: S310 - the user's configured URL
            status = resp.status
        return Delivery("webhook", True, f"{what} (HTTP {status})")
    except urllib.error.HTTPError as exc:
        return Delivery("webhook", False, f"{what}: HTTP {exc.code} {exc.reason}")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return Delivery("webhook", False, f"{what}: {type(exc).__name__}: {getattr(exc, 'reason', exc)}")


def deliver(digest: Digest, reports_dir, *, env: Mapping[str, str] = os.environ,
            base_url: str | None = None) -> list[Delivery]:
    """Send the digest to every channel the environment configures; one :class:`Delivery` per attempt.

    Returns an empty list when nothing is configured. Never raises.
    """
    out: list[Delivery] = []
    link = link_style(reports_dir, base_url or env.get(REPORTS_URL_ENV) or None)
    try:
        settings = smtp_settings(env)
    except NotifyConfigError as exc:
        out.append(Delivery("e-mail", False, str(exc)))
        settings = None
    if settings is not None:
        try:
            out.append(send_email(digest, settings, link=link))
        except Exception as exc:  # noqa: BLE001 - never lose a run over a message
            out.append(Delivery("e-mail", False, f"{type(exc).__name__}: {exc}"))
    for url in [u.strip() for u in env.get("WORKBENCH_WEBHOOK_URL", "").split(",") if u.strip()]:
        try:
            fmt = webhook_format(url, env)
        except NotifyConfigError as exc:
            out.append(Delivery("webhook", False, str(exc)))
            continue
        try:
            payload = webhook_payload(digest, fmt, link=link)
        except Exception as exc:  # noqa: BLE001 - a bug in formatting must not lose the run either
            out.append(Delivery("webhook", False, f"could not build the {fmt} message: {type(exc).__name__}: {exc}"))
            continue
        try:
            out.append(post_webhook(url, payload))
        except Exception as exc:  # noqa: BLE001 - never lose a run over a message
            out.append(Delivery("webhook", False, f"{type(exc).__name__}: {exc}"))
    return out
