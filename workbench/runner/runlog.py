"""The log of one run (``run.log`` in its folder): the evidence to read when a report failed or warned.

Three sources, in this order after the error (if any):

1. warnings and other stderr output of the notebook's cells (the HTML report leaves them out);
2. the runner's own log: warnings and errors of the workbench runner, papermill, nbclient and
   jupyter_client while the run executed (a kernel that did not start, a retry, an export problem), and the
   Python warnings of the runner's process (the ``workbench`` command and the catalog's workers route them
   to the log with ``logging.captureWarnings``);
3. the kernel process's own stdout and stderr (messages from C libraries, a JVM's log, a crash), less the
   traceback of a race inside ipykernel's own shutdown (:data:`_SHUTDOWN_RACE`) and, for a successful run,
   libzmq's assertion at the process's exit (:data:`_ZMQ_EXIT_ASSERT`).

The log is kept in the run folder when the run failed, or when any of the three holds something (a
successful run with warnings); a clean successful run has none. The report header and the index link it.
"""
from __future__ import annotations

import logging
import re
from typing import Any

__all__ = ["RUN_LOG", "RunnerLog", "cell_stderr", "compose_log"]

RUN_LOG = "run.log"
LOGGERS = ("workbench", "papermill", "nbclient", "jupyter_client", "traitlets", "py.warnings")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# ipykernel (7.4) at shutdown: the control thread flushes stdout after the shutdown request while the main thread
# has already closed the output thread's socket, and tornado logs the traceback. A race inside the exiting kernel,
# after the last cell; ipykernel fixed a sibling path (ipykernel#1518) but not this one. Not a warning of the run.
_SHUTDOWN_RACE = re.compile(r"ERROR:tornado\.general:Uncaught exception in ZMQStream callback\n"
                            r"Traceback \(most recent call last\):\n(?:[ \t].*\n)+?"
                            r"zmq\.error\.ZMQError: Socket operation on non-socket\n?")


# libzmq's assertion when a socket is closed under its poller while the kernel process exits (the same family of
# shutdown races, seen once in a full test run): the last line of a *successful* run's kernel output. A kernel
# that aborts mid-run fails its run, and the line is then kept as evidence.
_ZMQ_EXIT_ASSERT = re.compile(r"(?:\A|\n)Assertion failed: [^\n]*\(src/\w+\.cpp:\d+\)\s*\Z")


def _without_shutdown_race(kernel: str) -> str:
    """``kernel`` without the tracebacks of ipykernel's shutdown race (see :data:`_SHUTDOWN_RACE`)."""
    def drop(m: re.Match) -> str:
        return "" if "ipykernel/" in m.group(0) and "process_control" in m.group(0) else m.group(0)
    return _SHUTDOWN_RACE.sub(drop, kernel)


class _ListHandler(logging.Handler):
    def __init__(self, lines: list[str]) -> None:
        super().__init__(level=logging.WARNING)
        self.lines = lines
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:  # noqa: BLE001 - a log line must never break a run
            pass


class RunnerLog:
    """Collect WARNING and above from the runner's loggers while a run executes (a context manager)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._handler = _ListHandler(self.lines)

    def __enter__(self) -> RunnerLog:
        for name in LOGGERS:
            logging.getLogger(name).addHandler(self._handler)
        return self

    def __exit__(self, *exc: Any) -> None:
        for name in LOGGERS:
            logging.getLogger(name).removeHandler(self._handler)


def cell_stderr(nb: Any) -> list[tuple[str, str]]:
    """(``"In [4]"``, text) for every stderr stream output of a code cell in the executed notebook."""
    out = []
    if nb is None:
        return out
    for i, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        where = f"In [{cell.get('execution_count')}]" if cell.get("execution_count") else f"cell {i}"
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream" and o.get("name") == "stderr":
                text = o.get("text", "")
                text = "".join(text) if isinstance(text, list) else str(text)
                if text.strip():
                    out.append((where, _ANSI.sub("", text).rstrip()))
    return out


def compose_log(*, job: str, run_id: str, status: str, error: dict | None, cells: list[tuple[str, str]],
                runner: list[str], kernel: str) -> tuple[str, bool]:
    """The text of ``run.log`` and whether it is worth keeping (the run failed or something warned)."""
    kernel = _without_shutdown_race(_ANSI.sub("", kernel or "")).strip()
    if status == "succeeded":
        kernel = _ZMQ_EXIT_ASSERT.sub("", kernel).strip()
    warned = bool(cells or runner or kernel)
    keep = status != "succeeded" or warned
    why = "the run failed" if status != "succeeded" else "it has warnings"
    parts = [f"Run log of {job}, run {run_id}: {status} (kept because {why})."]
    if error:
        where = f"In [{error['execution_count']}]" if error.get("execution_count") else (error.get("stage") or "setup")
        parts.append(f"\n== Error\n{where}: {error.get('ename', '')}: {error.get('evalue', '')}")
        if error.get("traceback"):
            parts.append(_ANSI.sub("", error["traceback"]).rstrip())
    parts.append("\n== Warnings and other stderr output of the notebook's cells")
    parts.extend(f"-- {where}\n{text}" for where, text in cells) if cells else parts.append("(none)")
    parts.append("\n== The runner's log (workbench, papermill, nbclient, jupyter_client, Python warnings): warnings "
                 "and errors")
    parts.extend(runner) if runner else parts.append("(none)")
    parts.append("\n== The kernel process's own output (stdout and stderr)")
    parts.append(kernel if kernel else "(none)")
    return "\n".join(parts) + "\n", keep
