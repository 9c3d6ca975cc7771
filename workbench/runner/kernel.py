"""The kernel of one run: its output kept in a log, its pid noted, ended with every child, stopped at the time limit.

papermill starts the kernel through nbclient; :meth:`KernelWatch.manager_class` hands nbclient a kernel
manager (a subclass of ``jupyter_client``'s ``AsyncKernelManager``) that

- sends the kernel process's own stdout and stderr (C-level messages, a JVM's log, crashes) to
  ``kernel.out`` in the temporary run folder, which becomes part of the run's log;
- notes the kernel's pid in ``.kernel.json`` (see :mod:`workbench.runner.processes`);
- runs the kernel's linear algebra on one thread (:data:`SINGLE_THREADED_MATH`);
- hands nbclient a client that knows the kernel is ready as soon as the kernel has answered and gone idle
  (``jupyter_client`` then waited for 0.2 s of silence on the output channel, at every report's start);
- in a catalog worker, forks the kernel from the worker's template process, which has the libraries imported
  already (:mod:`workbench.runner.preload`), instead of starting a new interpreter.

A time limit (catalog ``timeout:``, ``--timeout``) is a timer started with the run: when it fires, the
kernel and every process of its session are killed (papermill's own ``execution_timeout`` is per cell and
would leave a JVM or a pool behind); nbclient then notices the dead kernel within a second, papermill stops,
and :mod:`workbench.runner.execute` records the cell that was running with "timed out after N s". When the
run ends for any other reason (success, failure, Ctrl-C) whatever is left of the kernel's session is ended
too, so no process outlives its run.
"""
from __future__ import annotations

import functools
import logging
import threading
import time
from pathlib import Path
from typing import Any

from workbench.runner import preload, processes

__all__ = ["KernelWatch", "KERNEL_OUT", "SINGLE_THREADED_MATH", "timeout_text"]

KERNEL_OUT = "kernel.out"
log = logging.getLogger("workbench.runner")
# Linear algebra in a report kernel runs on one thread. A report's matrices are small (thousands of rows), so
# threads only add hand-offs: on a 2-core machine running two reports at once (``run --all``), a second BLAS
# thread spinning for work took a model fit from 0.7 s to 3.2 s of CPU. One thread also makes the results
# independent of the machine's core count (BLAS sums in a different order per thread count, which moves a
# maximum-likelihood optimum in its 7th digit). Set in the kernel's environment unless already set there.
SINGLE_THREADED_MATH = {"OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
# how often a kernel that was asked to shut down is checked for having ended
SHUTDOWN_POLL_S = 0.01
# how long a starting kernel's output channel may stay silent before its kernel_info is asked again
IOPUB_CONNECT_S = 0.2


def timeout_text(seconds: float) -> str:
    """``"timed out after 20 s"`` (whole seconds when the limit is whole)."""
    return f"timed out after {seconds:g} s"


class KernelWatch:
    """Watch one run's kernel: see the module docstring. Use as a context manager around the execution."""

    def __init__(self, run_dir: Path, *, timeout: float | None = None) -> None:
        self.run_dir = Path(run_dir)
        self.timeout = timeout if timeout and timeout > 0 else None
        self.timed_out = False
        self.kernel_pid: int | None = None
        self.kernel_start: int | None = None
        self.cell: Any = None              # the cell running now (nbformat node), from nbclient's hook
        self.cell_index: int | None = None
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self.started = time.monotonic()

    # -- nbclient hooks -------------------------------------------------------------------------------
    def manager_class(self) -> type:
        """A kernel manager class bound to this watch (nbclient instantiates it itself)."""
        from jupyter_client.manager import AsyncKernelManager
        from traitlets import default

        watch = self

        class RunKernelManager(AsyncKernelManager):
            @default("client_factory")
            def _client_factory_default(self) -> type:
                return _ready_client_class()

            async def _async_launch_kernel(self, kernel_cmd, **kw):  # noqa: ANN001, ANN202
                env = kw.get("env")
                if env is not None:
                    for name, value in SINGLE_THREADED_MATH.items():
                        env.setdefault(name, value)  # a value the user set wins
                template = preload.current()
                if template is not None and env is not None:
                    try:
                        proc = template.spawn(kernel_cmd, env=env, cwd=kw.get("cwd"), out=watch.run_dir / KERNEL_OUT)
                    except preload.TemplateError as exc:  # start it the usual way
                        log.debug("kernel not forked from the template: %s", exc)
                    else:
                        prov = self.provisioner
                        prov.process, prov.pid, prov.pgid = proc, proc.pid, proc.pid
                        prov.cwd = kw.get("cwd")
                        self._reconcile_connection_info(prov.connection_info)
                        watch._kernel_started(proc.pid)
                        return
                with open(watch.run_dir / KERNEL_OUT, "ab") as out:
                    kw["stdout"] = out
                    kw["stderr"] = out
                    await super()._async_launch_kernel(kernel_cmd, **kw)
                pid = getattr(self.provisioner, "pid", None)
                if pid is not None:
                    watch._kernel_started(int(pid))

            async def _async_interrupt_kernel(self):  # noqa: ANN202
                # jupyter_client interrupts a kernel before shutting it down, to stop code still running. A run's
                # kernel is shut down when its cells are done (a time limit ends it otherwise), so the SIGINT only
                # raced the kernel going idle: "KeyboardInterrupt caught in kernel" in its output, and a clean run
                # reported as one with warnings
                if self.shutting_down:
                    return
                await super()._async_interrupt_kernel()

            async def _async_finish_shutdown(self, waittime=None, pollinterval=0.1, restart=False):  # noqa: ANN001, ANN202
                # the kernel's exit is checked every 10 ms, not every 100 ms: each report waited a quarter of a
                # second longer than its kernel took to end
                await super()._async_finish_shutdown(waittime, min(pollinterval, SHUTDOWN_POLL_S), restart)

        return RunKernelManager

    def on_cell_start(self, cell: Any = None, cell_index: int | None = None, **_: Any) -> None:
        self.cell, self.cell_index = cell, cell_index

    def _kernel_started(self, pid: int) -> None:
        with self._lock:
            self.kernel_pid = pid
            info = processes.process_info(pid)
            self.kernel_start = info.start if info else None
            processes.write_kernel_record(self.run_dir, pid)
            late = self.timed_out
        if late:  # the limit passed while the kernel was starting
            self._end_kernel()

    # -- the time limit ---------------------------------------------------------------------------------
    def _fire(self) -> None:
        with self._lock:
            self.timed_out = True
        self._end_kernel()

    def _end_kernel(self) -> None:
        pid = self.kernel_pid
        if pid is not None:
            processes.end_kernel(pid, start=self.kernel_start)

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def __enter__(self) -> KernelWatch:
        self.started = time.monotonic()
        if self.timeout is not None:
            self._timer = threading.Timer(self.timeout, self._fire)
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._end_kernel()  # a no-op after a clean shutdown; ends leftovers (a JVM, a pool) otherwise
        (self.run_dir / processes.KERNEL_FILE).unlink(missing_ok=True)

    def kernel_output(self) -> str:
        """What the kernel process printed on its stdout and stderr (empty when nothing)."""
        f = self.run_dir / KERNEL_OUT
        try:
            return f.read_bytes().decode("utf-8", "replace")
        except OSError:
            return ""


@functools.cache
def _ready_client_class() -> type:
    """``AsyncKernelClient`` whose ``wait_for_ready`` ends when the kernel's output channel shows it went idle
    after answering ``kernel_info``: that status is the last message of the request, so nothing of the start
    is left to drain (messages of earlier attempts belong to other requests; nbclient skips them)."""
    from queue import Empty

    from jupyter_client.asynchronous import AsyncKernelClient

    class ReadyKernelClient(AsyncKernelClient):
        async def wait_for_ready(self, timeout: float | None = None) -> None:
            deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
            while True:
                request = self.kernel_info()
                try:
                    reply = await self.shell_channel.get_msg(timeout=1)
                except Empty:
                    reply = None
                if (reply is not None and reply["msg_type"] == "kernel_info_reply"
                        and await self._idle_after(request, within=IOPUB_CONNECT_S)):
                    self._handle_kernel_info_reply(reply)
                    return
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

        async def _idle_after(self, request: str, *, within: float) -> bool:
            """Read the output channel until the kernel reports idle after ``request``; False when it stays
            silent for ``within`` seconds (not connected yet: the caller asks again)."""
            while True:
                try:
                    msg = await self.iopub_channel.get_msg(timeout=within)
                except Empty:
                    return False
                if (msg["msg_type"] == "status" and msg["content"].get("execution_state") == "idle"
                        and msg["parent_header"].get("msg_id") == request):
                    return True

    return ReadyKernelClient
