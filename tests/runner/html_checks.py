"""Checks shared by the runner tests and the end-to-end test: is an HTML report self-contained and clean?"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: (v or "") for k, v in attrs}))
        if tag in ("style", "script"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "script") and self._skip:
            self._skip -= 1

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, {k: (v or "") for k, v in attrs}))

    def handle_data(self, data):
        if self._skip == 0:
            self.text.append(data)

    @property
    def plain_text(self) -> str:
        """The visible text, whitespace collapsed (style contents left out)."""
        return " ".join("".join(self.text).split())


def parse(html: str) -> _Collector:
    c = _Collector()
    c.feed(html)
    c.close()
    return c


URL = re.compile(r"^\s*(https?:)?//", re.I)


def external_references(html: str) -> list[str]:
    """Every src/href of script, link, img, iframe, source, audio, video that is not local or a data: URI,
    and every url(...) or @import in inline CSS that points to the network."""
    doc = parse(html)
    bad = []
    for tag, attrs in doc.tags:
        for attr in ("src", "href", "srcset", "data"):
            value = attrs.get(attr, "")
            if tag in ("script", "link", "img", "iframe", "source", "audio", "video", "embed", "object") \
                    and value and (URL.match(value) or value.startswith(("ftp:", "blob:"))):
                bad.append(f"<{tag} {attr}={value[:80]}>")
    for m in re.finditer(r"url\(\s*['\"]?((?:https?:)?//[^)'\"]+)", html, re.I):
        bad.append(f"css url({m.group(1)[:80]})")
    for m in re.finditer(r"@import\s+['\"]?((?:https?:)?//[^;'\"]+)", html, re.I):
        bad.append(f"css @import {m.group(1)[:80]}")
    return bad


def check_report(path: Path, *, expect_failed: bool = False) -> list[str]:
    """Problems of one HTML report (empty list: fine)."""
    html = Path(path).read_text(encoding="utf-8")
    doc = parse(html)
    problems = [f"external reference {b}" for b in external_references(html)]
    tags = [t for t, _ in doc.tags]
    if "script" in tags:
        problems.append("contains a <script>")
    if not any(t == "header" and "wb-header" in a.get("class", "") for t, a in doc.tags):
        problems.append("no report header")
    if "h1" not in tags:
        problems.append("no title (h1)")
    for tag, attrs in doc.tags:
        if tag == "img" and not attrs.get("src", "").startswith("data:image/"):
            problems.append(f"image not embedded: {attrs.get('src', '')[:60]}")
    has_error = any(a.get("data-mime-type") == "application/vnd.jupyter.stderr" for _, a in doc.tags) \
        or "Traceback" in doc.plain_text
    if has_error and not expect_failed:
        problems.append("error or stderr output in the report body")
    if expect_failed and "wb-status failed" not in html:
        problems.append("failed run not marked as failed")
    if not expect_failed and "wb-status failed" in html:
        problems.append("report is marked failed")
    return problems
