"""The run log: what goes in, in which order, and when it is kept."""
from __future__ import annotations

import logging
from pathlib import Path

import nbformat

from workbench.runner.runlog import RunnerLog, cell_stderr, compose_log


def _nb():
    nb = nbformat.v4.new_notebook()
    warn = nbformat.v4.new_code_cell("warnings.warn('x')")
    warn.execution_count = 4
    warn.outputs = [nbformat.from_dict({"output_type": "stream", "name": "stderr",
                                        "text": "\x1b[0;31mUserWarning\x1b[0m: careful\n"}),
                    nbformat.from_dict({"output_type": "stream", "name": "stdout", "text": "fine\n"})]
    quiet = nbformat.v4.new_code_cell("1")
    nb.cells = [nbformat.v4.new_markdown_cell("# T"), warn, quiet]
    return nb


def test_cell_stderr_without_colour_codes():
    assert cell_stderr(_nb()) == [("In [4]", "UserWarning: careful")]
    assert cell_stderr(None) == []


def test_runner_log_collects_warnings_of_the_runner_loggers_only_while_open():
    logging.getLogger("papermill").warning("before")
    with RunnerLog() as log:
        logging.getLogger("papermill").warning("Kernel died while waiting for execute reply.")
        logging.getLogger("workbench.runner").info("not a warning")
        logging.getLogger("someone.else").warning("not ours")
    logging.getLogger("papermill").warning("after")
    assert len(log.lines) == 1 and log.lines[0].endswith("WARNING papermill: Kernel died while waiting for execute "
                                                         "reply.")


def test_a_clean_success_keeps_no_log_a_failure_always_does():
    text, keep = compose_log(job="a/b", run_id="r1", status="succeeded", error=None, cells=[], runner=[], kernel=" \n")
    assert keep is False
    text, keep = compose_log(job="a/b", run_id="r1", status="failed",
                             error={"stage": "cell", "execution_count": 5, "ename": "TimeoutError",
                                    "evalue": "timed out after 20 s", "traceback": None},
                             cells=[("In [4]", "UserWarning: careful")], runner=["2026 ERROR papermill: died"],
                             kernel="Setting default log level to \"WARN\".\n")
    assert keep is True
    assert text.splitlines() == [
        "Run log of a/b, run r1: failed (kept because the run failed).", "",
        "== Error", "In [5]: TimeoutError: timed out after 20 s", "",
        "== Warnings and other stderr output of the notebook's cells", "-- In [4]", "UserWarning: careful", "",
        "== The runner's log (workbench, papermill, nbclient, jupyter_client, Python warnings): warnings "
        "and errors",
        "2026 ERROR papermill: died", "",
        "== The kernel process's own output (stdout and stderr)", 'Setting default log level to "WARN".']


def test_a_success_with_warnings_keeps_its_log():
    text, keep = compose_log(job="a/b", run_id="r1", status="succeeded", error=None,
                             cells=[("In [4]", "UserWarning: careful")], runner=[], kernel="")
    assert keep is True and "(kept because it has warnings)" in text and text.count("(none)") == 2


RACE = (Path(__file__).parents[1] / "fixtures" / "runner" / "ipykernel_shutdown_race.txt").read_text()


def test_ipykernels_shutdown_race_is_not_a_warning_but_other_kernel_output_is():
    """The exiting kernel's "Socket operation on non-socket" traceback (captured from a real run) is left out;
    anything around it stays, and the same error from elsewhere than ipykernel's control handler is kept."""
    text, keep = compose_log(job="a/b", run_id="r1", status="succeeded", error=None, cells=[], runner=[], kernel=RACE)
    assert keep is False
    text, keep = compose_log(job="a/b", run_id="r1", status="succeeded", error=None, cells=[], runner=[],
                             kernel="before\n" + RACE + "after\n")
    assert keep is True and text.endswith("== The kernel process's own output (stdout and stderr)\nbefore\nafter\n")
    other = RACE.replace("process_control", "handle_my_socket")
    text, keep = compose_log(job="a/b", run_id="r1", status="succeeded", error=None, cells=[], runner=[], kernel=other)
    assert keep is True and "Socket operation on non-socket" in text


def test_libzmqs_exit_assertion_after_a_successful_run_is_not_a_warning():
    # seen once in a full test run: the kernel's last output line, after every cell had run
    line = "Assertion failed: pfd.revents & POLLIN (src/signaler.cpp:238)\n"
    assert compose_log(job="a/b", run_id="r1", status="succeeded", error=None, cells=[], runner=[],
                       kernel=line)[1] is False
    text, keep = compose_log(job="a/b", run_id="r1", status="succeeded", error=None, cells=[], runner=[],
                             kernel="libfoo: real message\n" + line)
    assert keep is True and text.endswith("stderr)\nlibfoo: real message\n")
    # not last, or a failed run: kept as evidence
    assert compose_log(job="a/b", run_id="r1", status="succeeded", error=None, cells=[], runner=[],
                       kernel=line + "more\n")[1] is True
    text, keep = compose_log(job="a/b", run_id="r1", status="failed", error=None, cells=[], runner=[], kernel=line)
    assert keep is True and "Assertion failed: pfd.revents & POLLIN" in text
