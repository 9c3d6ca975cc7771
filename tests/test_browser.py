"""Open every report and the index in headless Chromium (Debian's `chromium`): no console errors, no network
request, and a full-page screenshot of each in test-artifacts/screenshots/. Besides the catalog's reports: a
fixture job run three times on changing data (a report whose header shows changes, and an index with each job's
history as inline SVG trend lines), a failed and a timed-out fixture report, and the digest.

Talks to Chromium over the DevTools protocol (websocket-client). Skipped when chromium is missing, unless
the environment variable CI is set (then it fails: CI installs chromium with `make browser`).
"""
from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.runner.catalog_reports import run_project_catalog
from workbench import config
from workbench.runner.digest import build_digest, write_digest
from workbench.runner.execute import run_notebook
from workbench.runner.index import build_index, scan_runs

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
SHOTS = config.PROJECT_ROOT / "test-artifacts" / "screenshots"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "notebooks"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--mute-audio", "--hide-scrollbars", "--remote-debugging-port=0"]


class Browser:
    """A headless Chromium with one page, driven over the DevTools protocol."""

    def __init__(self, profile: Path) -> None:
        import websocket

        self.proc = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        ws_url = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and ws_url is None:
            line = self.proc.stderr.readline()
            m = re.search(r"DevTools listening on (ws://\S+)", line)
            if m:
                ws_url = m.group(1)
            elif not line and self.proc.poll() is not None:
                break
        assert ws_url, "chromium did not start its DevTools endpoint"
        port = re.search(r":(\d+)/", ws_url).group(1)
        page_ws = None
        for _ in range(50):
            import urllib.request

            targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10))
            page_ws = next((t["webSocketDebuggerUrl"] for t in targets if t.get("type") == "page"), None)
            if page_ws:
                break
            time.sleep(0.2)
        self.ws = websocket.create_connection(page_ws, timeout=60, suppress_origin=True)
        self._id = 0
        self.events: list[dict] = []
        for method in ("Page.enable", "Runtime.enable", "Log.enable", "Network.enable"):
            self.call(method)

    def call(self, method: str, **params) -> dict:
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self._id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_for(self, method: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(e.get("method") == method for e in self.events):
                return
            self.ws.settimeout(max(0.1, deadline - time.monotonic()))
            self.events.append(json.loads(self.ws.recv()))
        raise TimeoutError(method)

    def open(self, path: Path, shot: Path) -> list[str]:
        """Load a file, return its problems (console errors, exceptions, network requests), save a screenshot."""
        self.events.clear()
        self.call("Emulation.setDeviceMetricsOverride", width=1200, height=900, deviceScaleFactor=1, mobile=False)
        self.call("Page.navigate", url=path.resolve().as_uri())
        self.wait_for("Page.loadEventFired")
        time.sleep(0.5)
        self.call("Runtime.evaluate", expression="1")  # drain events that arrived meanwhile
        problems = []
        for e in self.events:
            method, p = e.get("method"), e.get("params", {})
            if method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                problems.append("console error: " + " ".join(str(a.get("value", a.get("description")))
                                                             for a in p.get("args", [])))
            elif method == "Runtime.exceptionThrown":
                problems.append(f"exception: {p.get('exceptionDetails', {}).get('text')}")
            elif method == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                problems.append(f"log error: {p['entry'].get('text')} {p['entry'].get('url', '')}")
            elif method == "Network.requestWillBeSent":
                url = p.get("request", {}).get("url", "")
                if not url.startswith(("file:", "data:", "about:")):
                    problems.append(f"network request: {url[:100]}")
            elif method == "Network.loadingFailed":
                problems.append(f"failed to load: {p.get('errorText')}")
        size = self.call("Page.getLayoutMetrics")["cssContentSize"]
        height = int(min(max(size["height"], 600), 12000))
        self.call("Emulation.setDeviceMetricsOverride", width=1200, height=height, deviceScaleFactor=1, mobile=False)
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
        shot.parent.mkdir(parents=True, exist_ok=True)
        shot.write_bytes(base64.b64decode(data))
        return problems

    def close(self) -> None:
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (CI must run `make browser`)")
        pytest.skip("chromium is not installed (sudo apt-get install chromium)")
    b = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield b
    b.close()


@pytest.fixture(scope="module")
def fixture_pages(tmp_path_factory):
    """Fixture reports: one job run three times on changing data, a failed and a timed-out run, index, digest."""
    fixtures = tmp_path_factory.mktemp("fixture-reports")
    data = fixtures / "orders.csv"
    shutil.copy(FIXTURES / "data" / "tiny_orders.csv", data)
    runs = []
    for rate, orders, extra in ((0.20, 400, ""), (0.26, 420, "2024-01-05,web,1,60.00\n"),
                                (0.25, 410, "2024-01-06,app,1,20.00\n")):
        data.write_text(data.read_text() + extra)
        runs.append(run_notebook(FIXTURES / "typed-params.ipynb", reports_dir=fixtures, run_name="history",
                                 parameters={"data_path": str(data), "rate": rate, "orders": orders}))
    failed = run_notebook(FIXTURES / "fails-in-cell.ipynb", reports_dir=fixtures, run_name="browser")
    timed_out = run_notebook(FIXTURES / "sleeps-forever.ipynb", reports_dir=fixtures, run_name="browser", timeout=20)
    assert [r.status for r in runs] == ["succeeded"] * 3 and timed_out.error["ename"] == "TimeoutError"
    html, _ = write_digest(fixtures, build_digest(fixtures))
    return [(Path(runs[-1].html), "fixture-report-with-changes"), (Path(failed.html), "fixture-fails-in-cell"),
            (Path(timed_out.html), "fixture-timed-out"), (build_index(fixtures), "fixture-index-with-history"),
            (html, "fixture-digest")]


@pytest.fixture(scope="module")
def pages(tmp_path_factory, fixture_pages):
    """Every catalog report and its index, plus the fixture pages."""
    catalog = run_project_catalog(tmp_path_factory)
    out = [(m["_dir"] / m["files"]["html"], f"{m['notebook']['name']}--{m['job'].split('/')[-1]}")
           for m in scan_runs(catalog.reports)]
    out.append((build_index(catalog.reports), "index"))
    return out + fixture_pages


def test_reports_open_without_errors(browser, pages):
    problems = {}
    for path, name in pages:
        found = browser.open(path, SHOTS / f"{name}.png")
        if found:
            problems[name] = found
        assert (SHOTS / f"{name}.png").stat().st_size > 5000
    assert not problems, json.dumps(problems, indent=1)


def test_history_and_changes_are_drawn(browser, fixture_pages):
    """The trend lines and the change lines are on the page as rendered, not only in the file; no errors."""
    for path, name in fixture_pages:
        assert browser.open(path, SHOTS / f"{name}.png") == [], name
    pages = fixture_pages
    index = next(path for path, name in pages if name == "fixture-index-with-history")
    browser.open(index, SHOTS / "fixture-index-with-history.png")
    found = browser.call("Runtime.evaluate", expression="JSON.stringify(Array.from(document.querySelectorAll("
                         "'svg.wb-spark')).map(s => [s.getBoundingClientRect().width, "
                         "s.querySelector('polyline').getAttribute('points').split(' ').length]))",
                         returnByValue=True)["result"]["value"]
    assert json.loads(found) == [[110, 3], [110, 3], [110, 3]]  # revenue, conversion, orders over three runs
    report = next(path for path, name in pages if name == "fixture-report-with-changes")
    browser.open(report, SHOTS / "fixture-report-with-changes.png")
    changes = browser.call("Runtime.evaluate", expression="Array.from(document.querySelectorAll('.wb-card .c'))"
                           ".map(c => c.className + ': ' + c.innerText.replace(/\\s+/g, ' ')).join(' | ')",
                           returnByValue=True)["result"]["value"]
    assert "c good: \u25b2 +$20.00 (+3.8%) noise not tested" in changes
    assert "c bad: \u25bc -1.0 pp (-3.8%) within noise (p = 0.74)" in changes


def test_a_broken_page_is_caught(browser, tmp_path):
    """The check itself works: a script error and a network request are reported."""
    bad = tmp_path / "bad.html"
    bad.write_text('<html><body><img src="https://example.invalid/x.png">'
                   "<script>console.error('boom'); undefined_function();</script></body></html>")
    found = browser.open(bad, tmp_path / "bad.png")
    assert any("console error: boom" in p for p in found)
    assert any(p.startswith("exception:") for p in found)
    assert any("network request: https://example.invalid/x.png" in p for p in found)
