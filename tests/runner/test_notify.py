"""Delivering the digest to a real local SMTP server (aiosmtpd: plain with login, STARTTLS, implicit TLS) and a
local HTTP server (webhooks in the Slack, Teams and plain shapes), on free ports: nothing leaves the machine.
Every failure is reported as a Delivery, never raised."""
from __future__ import annotations

import email
import email.policy
import http.server
import json
import shutil
import socket
import ssl
import subprocess
import threading
from datetime import datetime, timezone

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from workbench.runner.alerts import Alert
from workbench.runner.digest import Digest, Failure, JobChanges, MetricLine
from workbench.runner.notify import deliver, smtp_settings, webhook_format, webhook_payload

BASE = "https://shop.example/reports"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def digest():
    return Digest(created=datetime(2026, 12, 7, 6, 0, tzinfo=timezone.utc).isoformat(),
                  counts={"jobs": 3, "succeeded": 1, "failed": 1, "not_run": 1, "new": 2},
                  alerts=[Alert(job="sales/monthly", rule="revenue change_pct 20", run_id="s2",
                                message="Revenue moved -25.0% against the previous run", html="sales/s2/sales.html")],
                  failures=[Failure(job="salaries/national", title="Salaries", when="7 Dec 2026, 05:01 UTC",
                                    where="In [9]", error="TimeoutError: timed out after 20 s",
                                    html="salaries/p1/salaries.html", log="salaries/p1/run.log")],
                  not_run=[("sales/spark", "needs java (not found on PATH or as a Python module)")],
                  changes=[JobChanges(job="sales/monthly", title="Sales", when="7 Dec 2026, 05:00 UTC",
                                      html="sales/s2/sales.html", note="", metrics=[
                                          MetricLine("Revenue", "$75,000", "\u25bc -$25,000 (-25.0%)",
                                                     "noise not tested", "bad")])])


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted"


def _authenticator(server, session, envelope, mechanism, auth_data):  # noqa: ARG001
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"reports" and auth_data.password == b"s3cret"
    return AuthResult(success=ok, handled=False)  # not handled: the server answers 535 itself


@pytest.fixture
def cert(tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    key, crt = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(crt),
                    "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                   check=True, capture_output=True)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(crt, key)
    return ctx, crt


@pytest.fixture
def smtp_server():
    servers = []

    def start(**kwargs):
        inbox = _Inbox()
        port = _free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
        controller.start()
        servers.append(controller)
        return inbox, port

    yield start
    for c in servers:
        c.stop()


def _env(port, **extra):
    return {"WORKBENCH_SMTP_HOST": "127.0.0.1", "WORKBENCH_SMTP_PORT": str(port), "WORKBENCH_SMTP_TLS": "none",
            "WORKBENCH_MAIL_FROM": "workbench@shop.example", "WORKBENCH_MAIL_TO": "ops@shop.example, cfo@shop.example",
            "WORKBENCH_REPORTS_URL": BASE, **extra}


class TestEmail:
    def test_plain_smtp_with_login_delivers_text_and_html(self, smtp_server, digest, tmp_path):
        inbox, port = smtp_server(authenticator=_authenticator, auth_require_tls=False)
        (d,) = deliver(digest, tmp_path, env=_env(port, WORKBENCH_SMTP_USER="reports",
                                                  WORKBENCH_SMTP_PASSWORD="s3cret"))
        assert d.ok and d.detail == f"to ops@shop.example, cfo@shop.example via 127.0.0.1:{port} (none)"
        ((sender, rcpts, raw),) = inbox.messages
        assert sender == "workbench@shop.example" and rcpts == ["ops@shop.example", "cfo@shop.example"]
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        assert msg["Subject"] == digest.subject and msg.get_content_type() == "multipart/alternative"
        text = msg.get_body(("plain",)).get_content()
        html = msg.get_body(("html",)).get_content()
        assert text.index("ALERTS (1)") < text.index("FAILURES (1)")
        assert f"{BASE}/salaries/p1/run.log" in text and f'href="{BASE}/sales/s2/sales.html"' in html
        assert "<style" not in html and "<script" not in html and "<img" not in html

    def test_starttls_with_a_private_ca(self, smtp_server, digest, tmp_path, cert):
        ctx, crt = cert
        inbox, port = smtp_server(tls_context=ctx, require_starttls=True, authenticator=_authenticator)
        env = _env(port, WORKBENCH_SMTP_TLS="starttls", WORKBENCH_SMTP_USER="reports", WORKBENCH_SMTP_PASSWORD="s3cret",
                   WORKBENCH_SMTP_CA_FILE=str(crt))
        (d,) = deliver(digest, tmp_path, env=env)
        assert d.ok, d.detail
        assert len(inbox.messages) == 1

    def test_implicit_tls(self, smtp_server, digest, tmp_path, cert):
        ctx, crt = cert
        inbox, port = smtp_server(ssl_context=ctx)
        (d,) = deliver(digest, tmp_path, env=_env(port, WORKBENCH_SMTP_TLS="ssl", WORKBENCH_SMTP_CA_FILE=str(crt)))
        assert d.ok, d.detail
        assert len(inbox.messages) == 1

    def test_an_untrusted_certificate_is_refused(self, smtp_server, digest, tmp_path, cert):
        ctx, _ = cert
        inbox, port = smtp_server(tls_context=ctx, require_starttls=True)
        (d,) = deliver(digest, tmp_path, env=_env(port, WORKBENCH_SMTP_TLS="starttls"))
        assert not d.ok and "SSLCertVerificationError" in d.detail and inbox.messages == []

    def test_failures_are_reported_not_raised(self, smtp_server, digest, tmp_path):
        inbox, port = smtp_server(authenticator=_authenticator, auth_require_tls=False)
        (d,) = deliver(digest, tmp_path, env=_env(port, WORKBENCH_SMTP_USER="reports", WORKBENCH_SMTP_PASSWORD="no"))
        assert not d.ok and d.detail.startswith(f"to ops@shop.example, cfo@shop.example via 127.0.0.1:{port} (none): "
                                                "SMTPAuthenticationError: (535")
        (d,) = deliver(digest, tmp_path, env=_env(_free_port()))  # nothing listens there
        assert not d.ok and "ConnectionRefusedError" in d.detail
        assert d.line().startswith("notify: e-mail FAILED: to ops@shop.example")
        assert inbox.messages == []

    @pytest.mark.parametrize("env, message", [
        ({"WORKBENCH_SMTP_HOST": "mail"}, "WORKBENCH_MAIL_TO is not set (e-mail needs both"),
        ({"WORKBENCH_SMTP_HOST": "mail", "WORKBENCH_MAIL_TO": "a@b", "WORKBENCH_SMTP_TLS": "yes"},
         "WORKBENCH_SMTP_TLS='yes': use starttls, ssl or none"),
        ({"WORKBENCH_SMTP_HOST": "mail", "WORKBENCH_MAIL_TO": "a@b", "WORKBENCH_SMTP_PORT": "smtp"},
         "WORKBENCH_SMTP_PORT='smtp' is not a port number"),
    ])
    def test_bad_settings_are_reported(self, digest, tmp_path, env, message):
        (d,) = deliver(digest, tmp_path, env=env)
        assert not d.ok and d.detail.startswith(message)

    def test_settings_defaults(self):
        assert smtp_settings({}) is None
        s = smtp_settings({"WORKBENCH_SMTP_HOST": "mail", "WORKBENCH_MAIL_TO": "a@b", "WORKBENCH_SMTP_USER": "me@shop"})
        assert (s.port, s.tls, s.sender, s.to) == (587, "starttls", "me@shop", ("a@b",))
        assert smtp_settings({"WORKBENCH_SMTP_HOST": "m", "WORKBENCH_MAIL_TO": "a@b", "WORKBENCH_SMTP_TLS": "ssl"}).port \
            == 465


class _Hook(http.server.BaseHTTPRequestHandler):
    received: list = []
    status = 200

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((self.path, self.headers["Content-Type"], json.loads(body)))
        self.send_response(type(self).status)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def hook():
    handler = type("Hook", (_Hook,), {"received": [], "status": 200})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield handler, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class TestWebhook:
    def test_slack_shape(self, hook, digest, tmp_path):
        handler, url = hook
        (d,) = deliver(digest, tmp_path, env={"WORKBENCH_WEBHOOK_URL": f"{url}/services/T0/B0/x",
                                              "WORKBENCH_WEBHOOK_FORMAT": "slack", "WORKBENCH_REPORTS_URL": BASE})
        assert d.ok and d.detail == f"to {url}/... (HTTP 200)"  # the secret path is not printed
        ((path, ctype, body),) = handler.received
        assert path == "/services/T0/B0/x" and ctype == "application/json; charset=utf-8"
        assert body["text"] == digest.subject
        assert body["blocks"][0] == {"type": "header", "text": {"type": "plain_text", "text": digest.subject}}
        sections = [b["text"]["text"] for b in body["blocks"][1:]]
        assert all(b["type"] == "section" and b["text"]["type"] == "mrkdwn" for b in body["blocks"][1:])
        assert sections[1] == ("*Alerts (1)*\n- sales/monthly: Revenue moved -25.0% against the previous run "
                               f"<{BASE}/sales/s2/sales.html|report>")
        assert f"<{BASE}/salaries/p1/run.log|log>" in sections[2]

    def test_teams_shape(self, hook, digest, tmp_path):
        handler, url = hook
        (d,) = deliver(digest, tmp_path, env={"WORKBENCH_WEBHOOK_URL": url, "WORKBENCH_WEBHOOK_FORMAT": "teams",
                                              "WORKBENCH_REPORTS_URL": BASE})
        assert d.ok
        ((_, _, body),) = handler.received
        assert body["type"] == "message"
        (att,) = body["attachments"]
        assert att["contentType"] == "application/vnd.microsoft.card.adaptive"
        card = att["content"]
        assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
        assert card["body"][0]["text"] == digest.subject and all(b["type"] == "TextBlock" for b in card["body"])
        assert f"[report]({BASE}/sales/s2/sales.html)" in card["body"][2]["text"]
        assert card["actions"] == [{"type": "Action.OpenUrl", "title": "Open the reports", "url": f"{BASE}/index.html"}]

    def test_plain_text_shape_and_format_from_the_host(self, hook, digest, tmp_path):
        handler, url = hook
        (d,) = deliver(digest, tmp_path, env={"WORKBENCH_WEBHOOK_URL": url})
        assert d.ok
        ((_, _, body),) = handler.received
        assert list(body) == ["text"] and body["text"].startswith(digest.subject + "\n\n3 jobs:")
        assert webhook_format("https://hooks.slack.com/services/a") == "slack"
        assert webhook_format("https://contoso.webhook.office.com/webhookb2/x") == "teams"
        assert webhook_format("https://prod-1.westus.logic.azure.com/workflows/x") == "teams"
        assert webhook_format("https://chat.example/hook") == "text"

    def test_server_error_is_reported(self, hook, digest, tmp_path):
        handler, url = hook
        handler.status = 500
        (d,) = deliver(digest, tmp_path, env={"WORKBENCH_WEBHOOK_URL": url})
        assert not d.ok and d.detail == f"to {url}/...: HTTP 500 Internal Server Error"
        (d,) = deliver(digest, tmp_path, env={"WORKBENCH_WEBHOOK_URL": f"http://127.0.0.1:{_free_port()}/x"})
        assert not d.ok and "Connection refused" in d.detail

    def test_slack_sections_stay_within_limits(self, digest):
        digest.alerts = digest.alerts * 200
        body = webhook_payload(digest, "slack", link=lambda rel: None)
        assert len(body["blocks"]) <= 50 and all(len(b["text"]["text"]) <= 3000 for b in body["blocks"][1:])


def test_nothing_configured_sends_nothing(digest, tmp_path):
    assert deliver(digest, tmp_path, env={}) == []
