"""HTML reports from an executed notebook built in memory (no kernel): what is shown, hidden and embedded."""
from __future__ import annotations

import base64
import io

import matplotlib.pyplot as plt
import nbformat
import pytest

from tests.runner.html_checks import check_report, external_references, parse
from workbench.runner.html import render_error_page, render_report


def _png() -> str:
    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([1, 2], [1, 2])
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return base64.b64encode(buf.getvalue()).decode()


def _code(source, outputs=(), tags=(), count=None, cid=None):
    c = nbformat.v4.new_code_cell(source)
    c.outputs = [nbformat.from_dict(o) for o in outputs]
    c.execution_count = count
    if tags:
        c.metadata["tags"] = list(tags)
    if cid:
        c.id = cid
    return c


@pytest.fixture
def executed():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Sales check\n\nIntro sentence for managers."),
        _code("import workbench as wb", [{"output_type": "stream", "name": "stdout", "text": "SECRET_SETUP"}],
              tags=["remove"], count=1),
        _code("region = 'north'  # region", tags=["parameters"], count=2),
        _code("region = 'south'", tags=["injected-parameters"], count=3),
        _code("print('hello')", [{"output_type": "stream", "name": "stderr", "text": "WARNSTDERR"},
                                 {"output_type": "stream", "name": "stdout", "text": "hello"}], count=4),
        _code("chart()", [{"output_type": "display_data", "data": {"image/png": _png(), "text/plain": "<Figure>"},
                           "metadata": {}}], count=5),
        _code("table", [{"output_type": "execute_result", "execution_count": 6, "metadata": {},
                         "data": {"text/html": "<table class='dataframe'><tr><td>42</td></tr></table>",
                                  "text/plain": "42"}}], count=6),
        _code("silent_assignment = 2", count=7),
        _code("boom = 1 / 0", [{"output_type": "error", "ename": "ZeroDivisionError", "evalue": "division by zero",
                                "traceback": ["\x1b[0;31mZeroDivisionError\x1b[0m: division by zero"]}],
              count=8, cid="failcell"),
    ]
    return nb


MANIFEST = {"run_id": "20260101T000000Z-default-abcdef", "job": "sales-check/default", "title": "Sales check",
            "status": "succeeded", "notebook": {"name": "sales-check", "path": "notebooks/sales-check.ipynb",
                                                "sha256": "ab" * 32},
            "parameters": {"region": "south", "top": 5}, "overrides": {"region": "south"},
            "inputs": [{"path": "data/raw/orders.csv", "sha256": "cd" * 32, "bytes": 2048}],
            "environment": {"workbench": "0.1.0", "python": "3.11.7"}, "git": {"commit": "f" * 40, "dirty": True},
            "started": "2026-01-01T09:30:00.000+00:00", "duration_s": 7.61, "error": None}
METRICS = [{"name": "revenue", "value": 1234.4, "label": "Revenue", "kind": "money", "unit": None},
           {"name": "conversion", "value": 0.053, "label": "Conversion rate", "kind": "percent", "unit": None}]


def _without_failure(nb):
    nb.cells = nb.cells[:-1]
    return nb


class TestReport:
    def test_body_shows_outputs_not_code_setup_parameters_or_stderr(self, executed, tmp_path):
        html = render_report(_without_failure(executed), MANIFEST, METRICS)
        assert "Intro sentence for managers." in html and "hello" in html and ">42<" in html
        for hidden in ("SECRET_SETUP", "region = 'north'", "region = 'south'", "WARNSTDERR", "print('hello')",
                       "silent_assignment"):
            assert hidden not in html, hidden
        assert html.count("<h1>") == 1  # the title is in the header only
        f = tmp_path / "r.html"
        f.write_text(html)
        assert check_report(f) == []

    def test_images_embedded_and_nothing_external(self, executed):
        html = render_report(_without_failure(executed), MANIFEST, METRICS)
        imgs = [a["src"] for t, a in parse(html).tags if t == "img"]
        assert len(imgs) == 1 and imgs[0].startswith("data:image/png;base64,iVBOR")
        assert external_references(html) == []
        assert "<script" not in html and "<link" not in html and "cdn" not in html.lower()

    def test_header(self, executed):
        html = render_report(_without_failure(executed), MANIFEST, METRICS, param_help={"region": "sales region"})
        text = parse(html).plain_text
        assert "Sales check" in text and "Succeeded" in text
        assert "Ran 1 Jan 2026, 09:30 UTC" in text and "took 7.6 s" in text
        assert "$1,234" in text and "Revenue" in text and "5.3%" in text and "Conversion rate" in text
        assert "sales region" in text and "(set for this run)" in text
        assert "data/raw/orders.csv" in text and "cd" * 32 in text and "2.0 kB" in text
        assert "git ffffffffff (with uncommitted changes)" in text

    def test_show_code_keeps_code(self, executed):
        html = render_report(_without_failure(executed), MANIFEST, METRICS, show_code=True)
        assert "silent_assignment" in html and "hello" in html
        assert "SECRET_SETUP" not in html and "region = 'north'" not in html

    def test_failed_run_shows_error_and_failing_cell(self, executed, tmp_path):
        manifest = dict(MANIFEST, status="failed", error={
            "stage": "cell", "ename": "ZeroDivisionError", "evalue": "division by zero", "execution_count": 8,
            "cell_index": 8, "cell_id": "failcell", "source": "boom = 1 / 0", "traceback": "..."})
        html = render_report(executed, manifest, METRICS)
        text = parse(html).plain_text
        assert "Exception encountered at In [8]" in text and "ZeroDivisionError: division by zero" in text
        assert 'href="#cell-id=failcell"' in html and 'id="cell-id=failcell"' in html
        assert "The run stopped in this cell (In [8])" in text
        assert "boom" in html  # the failing cell's code is shown even with code hidden
        assert "silent_assignment" not in html
        f = tmp_path / "r.html"
        f.write_text(html)
        assert check_report(f, expect_failed=True) == []

    def test_a_hidden_cell_that_failed_is_shown(self, executed):
        executed.cells[1].id = "setupcell"
        manifest = dict(MANIFEST, status="failed", error={
            "stage": "cell", "ename": "TimeoutError", "evalue": "timed out after 20 s", "execution_count": 1,
            "cell_index": 1, "cell_id": "setupcell", "source": "import workbench as wb", "traceback": None})
        text = parse(render_report(executed, manifest, METRICS)).plain_text
        assert "The run stopped in this cell (In [1]): timed out after 20 s." in text
        assert "import workbench as wb" in text

    def test_error_page_without_notebook(self, tmp_path):
        manifest = dict(MANIFEST, status="failed", error={"stage": "kernel start", "ename": "NoSuchKernel",
                                                          "evalue": "no kernel", "execution_count": None})
        html = render_error_page(manifest, [], "NoSuchKernel: no kernel")
        assert "Exception encountered at kernel start" in parse(html).plain_text
        f = tmp_path / "r.html"
        f.write_text(html)
        assert check_report(f, expect_failed=True) == []


class TestHiddenCells:
    """nbconvert's and Jupyter Book's tags beside the project's own `remove`."""

    @pytest.fixture
    def tagged(self):
        nb = nbformat.v4.new_notebook()
        out = [{"output_type": "stream", "name": "stdout", "text": "OUTPUT_{}"}]
        nb.cells = [nbformat.v4.new_markdown_cell("# Tags"),
                    _code("code_only_remove", [dict(out[0], text="OUTPUT_only_remove")], tags=["remove"], count=1),
                    _code("code_remove_cell", [dict(out[0], text="OUTPUT_remove_cell")], tags=["remove-cell"], count=2),
                    _code("code_remove_input", [dict(out[0], text="OUTPUT_remove_input")], tags=["remove-input"],
                          count=3),
                    _code("code_remove_output", [dict(out[0], text="OUTPUT_remove_output")], tags=["remove-output"],
                          count=4),
                    _code("code_plain", [dict(out[0], text="OUTPUT_plain")], count=5)]
        md = nbformat.v4.new_markdown_cell("HIDDEN_MARKDOWN")
        md.metadata["tags"] = ["remove-cell"]
        nb.cells.append(md)
        return nb

    def test_default_hides_code(self, tagged):
        html = render_report(tagged, MANIFEST, [])
        shown = {w for w in ("code_only_remove", "OUTPUT_only_remove", "code_remove_cell", "OUTPUT_remove_cell",
                             "code_remove_input", "OUTPUT_remove_input", "code_remove_output", "OUTPUT_remove_output",
                             "code_plain", "OUTPUT_plain", "HIDDEN_MARKDOWN") if w in html}
        assert shown == {"OUTPUT_remove_input", "code_remove_output", "OUTPUT_plain"}

    def test_show_code(self, tagged):
        html = render_report(tagged, MANIFEST, [], show_code=True)
        shown = {w for w in ("code_remove_cell", "OUTPUT_remove_cell", "code_remove_input", "OUTPUT_remove_input",
                             "code_remove_output", "OUTPUT_remove_output", "code_plain", "OUTPUT_plain") if w in html}
        assert shown == {"OUTPUT_remove_input", "code_remove_output", "code_plain", "OUTPUT_plain"}


class TestChanges:
    """Header cards with the change against the previous run; the run log link."""

    def test_cards_show_change_direction_colour_and_noise(self, executed, tmp_path):
        metrics = [dict(METRICS[0], good="up", change={"status": "compared", "previous": 1000.0, "absolute": 234.4,
                                                      "relative": 0.2344, "direction": "up", "assessment": "good",
                                                      "noise": {"tested": False, "reason": "no sampling error"}}),
                   dict(METRICS[1], good="up", n=5000,
                        change={"status": "compared", "previous": 0.06, "absolute": -0.007, "relative": -0.11667,
                                "direction": "down", "assessment": "bad",
                                "noise": {"tested": True, "method": "two-proportion z-test (pooled)", "z": -1.6,
                                          "p_value": 0.109, "beyond_noise": False}})]
        manifest = dict(MANIFEST, previous_run={"run_id": "r0", "started": "2025-12-25T09:30:00+00:00",
                                                "same_inputs": False, "html": "../r0/sales-check.html"})
        html = render_report(_without_failure(executed), manifest, metrics)
        text = parse(html).plain_text
        assert "Changes against the previous run of this job, 25 Dec 2025, 09:30 UTC." in text
        assert 'href="../r0/sales-check.html"' in html
        assert '<div class="c good"><span class="amt">\u25b2 +$234 (+23.4%)</span>' \
               '<span class="noise" title="no sampling error">noise not tested</span></div>' in html
        assert '<div class="c bad"><span class="amt">\u25bc -0.7 pp (-11.7%)</span>' in html
        assert "within noise (p = 0.11)" in text
        f = tmp_path / "r.html"
        f.write_text(html)
        assert check_report(f) == []

    def test_figures_recorded_without_a_card_are_listed_folded_under_the_cards(self, executed, tmp_path):
        change = {"status": "compared", "previous": 0.25, "absolute": 0.01, "relative": 0.04, "direction": "up",
                  "assessment": "neutral", "noise": {"tested": False, "reason": "no sampling error"}}
        metrics = [dict(METRICS[0], change=None),
                   {"name": "bgnbd_r", "value": 0.26, "label": "BG/NBD r", "kind": "number", "unit": None,
                    "card": False, "change": change}]
        html = render_report(_without_failure(executed), dict(MANIFEST, previous_run=None), metrics)
        cards = html[html.index('<section class="wb-cards"'):html.index("</section>")]
        assert "Revenue" in cards and "BG/NBD r" not in cards
        more = html[html.index('<details class="wb-more">'):html.index("</details>")]
        assert "<summary>1 more recorded figure (tracked between runs, not headlines)</summary>" in more
        assert "<td>BG/NBD r</td><td>0.260</td>" in more and "+0.010 (+4.0%)" in more
        f = tmp_path / "r.html"
        f.write_text(html)
        assert check_report(f) == []

    def test_first_run_and_log_link(self, executed):
        metrics = [dict(METRICS[0], change=None)]
        manifest = dict(MANIFEST, previous_run=None, files={"html": "x.html", "log": "run.log"})
        text = parse(render_report(_without_failure(executed), manifest, metrics)).plain_text
        assert "No earlier successful run of this job to compare with." in text
        assert "This run wrote warnings: Run log." in text

    def test_timed_out_cell(self, executed):
        manifest = dict(MANIFEST, status="failed", files={"html": "x.html", "log": "run.log"}, error={
            "stage": "cell", "ename": "TimeoutError", "evalue": "timed out after 20 s", "execution_count": 8,
            "cell_index": 8, "cell_id": "failcell", "source": "boom = 1 / 0", "traceback": None})
        html = render_report(executed, manifest, METRICS)
        text = parse(html).plain_text
        assert "Exception encountered at In [8]: TimeoutError: timed out after 20 s Run log." in text
        assert "The run stopped in this cell (In [8]): timed out after 20 s." in text
        assert '<a href="run.log">Run log</a>' in html


class TestChecker:
    """The checker used by the end-to-end test must catch what it is meant to catch."""

    @pytest.mark.parametrize("snippet", [
        '<script src="https://cdn.example.com/require.js"></script>',
        '<link rel="stylesheet" href="//fonts.example.com/a.css">',
        '<img src="http://example.com/x.png">',
        "<style>@import 'https://example.com/x.css';</style>",
        "<style>body { background: url(https://example.com/bg.png) }</style>",
    ])
    def test_external_references_found(self, snippet):
        assert external_references(f"<html><body>{snippet}</body></html>")

    def test_local_and_data_urls_allowed(self):
        html = '<a href="https://example.com">a link is fine</a><img src="data:image/png;base64,AAAA">'
        assert external_references(html) == []
