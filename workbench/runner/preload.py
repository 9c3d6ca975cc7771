"""Report kernels forked from a template process that has already imported the heavy libraries (``run --all``).

Every report kernel spends one to three seconds of CPU importing the same libraries (pandas, matplotlib, SciPy,
statsmodels, scikit-learn, Ibis, DuckDB, IPython and ipykernel) before its first cell computes anything: a
quarter of a catalog run on two cores. So each catalog worker (:mod:`workbench.runner.worker`) starts one
*template*: ``python -m workbench.runner.preload`` with the kernel's own interpreter and flags, which imports
those libraries (third-party code only, none of the workbench but this module, never a notebook) and then only
waits. Each
report's kernel is a fork of it (copy-on-write, so the imports are shared, not repeated) that starts exactly as
``python -m ipykernel_launcher`` would: in a session of its own, in the run's working directory, with the run's
environment, its output in the run's ``kernel.out`` and a freshly seeded random state. The kernels are as
separate from each other as before: each is its own process and sees only what the template imported, which
a new kernel would import itself on first use.

The template refuses to fork when it has more than one thread (a library that started one would leave a fork
with locks nobody releases), and the kernel starts the usual way whenever the template is off
(``WORKBENCH_KERNEL_TEMPLATE=0``), did not start, or the kernel command is not the plain ipykernel launcher.
Protocol on the template's stdin/stdout: one JSON line per request, ``{"spawn": {"args", "env", "cwd",
"out"}}`` -> ``{"pid"}`` and ``{"poll": pid}`` -> ``{"returncode"}``; the template reaps its kernels itself and
exits at the end of its input (the worker ended), its kernels then noticing their parent is gone.
"""
from __future__ import annotations

import gc
import importlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

__all__ = ["PRELOAD", "Template", "ForkedKernel", "TemplateError", "template_enabled", "start", "stop", "current",
           "main"]

# What a report kernel imports on its own anyway (the template only saves the repetition). Not here: modules
# whose import does something for the IPython session that imports them (matplotlib_inline's backend hooks
# itself into the running shell, pyplot its display hook): the kernel must import those itself; nor DuckDB, which
# starts a thread on import.
PRELOAD = (
    "numpy", "pandas", "pyarrow", "pyarrow.parquet", "matplotlib", "matplotlib.figure", "matplotlib.backends.backend_agg",
    "scipy.stats", "scipy.optimize", "scipy.special", "scipy.signal",
    "statsmodels.api", "statsmodels.tsa.api", "sklearn.cluster", "sklearn.metrics", "sklearn.preprocessing",
    "ibis", "ibis.backends.sql.compilers", "pyarrow.dataset", "pandas.io.formats.style", "jinja2", "IPython",
    "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger",
)
LAUNCHER = "ipykernel_launcher"
INLINE = "module://matplotlib_inline.backend_inline"
ENV_SWITCH = "WORKBENCH_KERNEL_TEMPLATE"
START_TIMEOUT_S = 120.0


class TemplateError(RuntimeError):
    """The template cannot start a kernel (the caller starts it the usual way)."""


def template_enabled() -> bool:
    return os.environ.get(ENV_SWITCH, "1").strip().lower() not in ("0", "false", "no", "off")


def _split(cmd: list[str]) -> tuple[list[str], list[str]] | None:
    """(interpreter and its flags, launcher arguments) of ``python [flags] -m ipykernel_launcher args``."""
    try:
        i = cmd.index("-m")
    except ValueError:
        return None
    if i + 1 >= len(cmd) or cmd[i + 1] != LAUNCHER:
        return None
    return cmd[:i], cmd[i + 2:]


# ------------------------------------------------------------------------------------------------ worker side
class ForkedKernel:
    """The handle ``jupyter_client`` keeps for a kernel process (the part of ``subprocess.Popen`` it uses)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int, template: Template) -> None:
        self.pid, self._template, self.returncode = pid, template, None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self._template.returncode(self.pid)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired([str(self.pid)], timeout)
            time.sleep(0.05)
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class Template:
    """A running template process (see the module docstring); one per worker."""

    def __init__(self, interpreter: list[str], *, env: dict[str, str] | None = None,
                 cwd: str | os.PathLike | None = None) -> None:
        self.interpreter = list(interpreter)
        self._lock = threading.Lock()
        self._proc = subprocess.Popen([*self.interpreter, "-m", "workbench.runner.preload"], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=cwd, env=env,
                                      text=True, bufsize=1)
        self._ready: bool | None = None

    def _read(self) -> dict:
        line = self._proc.stdout.readline()
        if not line:
            raise TemplateError("the kernel template ended")
        return json.loads(line)

    def ready(self) -> bool:
        """Wait for the template's imports; False when it cannot fork (it then exits)."""
        if self._ready is None:
            try:
                self._ready = bool(self._read().get("ready"))
            except (TemplateError, ValueError, OSError):
                self._ready = False
        return self._ready

    def _ask(self, request: dict) -> dict:
        with self._lock:
            if not self.ready() or self._proc.poll() is not None:
                raise TemplateError("the kernel template is not running")
            try:
                self._proc.stdin.write(json.dumps(request) + "\n")
                self._proc.stdin.flush()
                answer = self._read()
            except (OSError, ValueError) as exc:
                raise TemplateError(f"the kernel template did not answer ({exc})") from exc
        if "error" in answer:
            raise TemplateError(answer["error"])
        return answer

    def spawn(self, cmd: list[str], *, env: dict[str, str], cwd: str | None, out: Path) -> ForkedKernel:
        """Start the kernel of ``cmd`` (``python [flags] -m ipykernel_launcher ...``) as a fork of the template."""
        parts = _split(cmd)
        if parts is None or parts[0] != self.interpreter:
            raise TemplateError(f"not the template's kernel command: {cmd}")
        # its parent is the template: name it, as jupyter_client's launcher does for a kernel it starts (in the
        # environment) so ipykernel watches it (the kernel ends with it) and prints no "Ctrl-C will not work" banner;
        # as an option too, because the template imported ipykernel before this kernel's environment existed
        env = {**env, "JPY_PARENT_PID": str(self._proc.pid)}
        args = [*parts[1], f"--IPKernelApp.parent_handle={self._proc.pid}"]
        answer = self._ask({"spawn": {"args": args, "env": env, "cwd": cwd or os.getcwd(), "out": str(out)}})
        return ForkedKernel(int(answer["pid"]), self)

    def returncode(self, pid: int) -> int | None:
        try:
            return self._ask({"poll": pid}).get("returncode")
        except TemplateError:  # the template is gone: the kernel is an orphan now, alive or not
            from workbench.runner.processes import process_info

            info = process_info(pid)
            return None if info is not None and info.state not in ("Z", "X") else -signal.SIGKILL

    def close(self) -> None:
        """End the template (its input closes); the kernels it started have ended already."""
        try:
            self._proc.stdin.close()
        except OSError:
            pass
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()


_current: Template | None = None


def current() -> Template | None:
    """The template kernels of this process are forked from (None: start them the usual way)."""
    return _current if _current is not None and _current.ready() else None


def start(kernel_name: str, *, cwd: str | os.PathLike) -> Template | None:
    """Start this process's template for the kernel ``kernel_name`` (None when turned off or not possible)."""
    global _current
    if not template_enabled() or not hasattr(os, "fork"):
        return None
    try:
        from jupyter_client.kernelspec import KernelSpecManager

        from workbench.runner.kernel import SINGLE_THREADED_MATH

        parts = _split(KernelSpecManager().get_kernel_spec(kernel_name).argv)
        if parts is None:
            return None
        env = {**os.environ}
        for name, value in SINGLE_THREADED_MATH.items():
            env.setdefault(name, value)
        _current = Template(parts[0], env=env, cwd=cwd)
    except Exception:  # noqa: BLE001 - no template: kernels start as new processes
        _current = None
    return _current


def stop() -> None:
    global _current
    if _current is not None:
        _current.close()
        _current = None


# ---------------------------------------------------------------------------------------------- template side
_exited: dict[int, int] = {}


def _reap(*_: Any) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        _exited[pid] = os.waitstatus_to_exitcode(status)


def _threads() -> int:
    """Threads of this process but jemalloc's background thread (pyarrow's allocator; jemalloc makes fork safe
    with its own fork handlers)."""
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return threading.active_count()
    n = 0
    for task in tasks:
        try:
            name = Path(f"/proc/self/task/{task}/comm").read_text().strip()
        except OSError:
            name = ""
        n += name != "jemalloc_bg_thd"
    return n


def _child(request: dict) -> None:
    """In the fork: become ``python -m ipykernel_launcher <args>`` of the run; never returns."""
    code = 1
    try:
        os.setsid()
        for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP, signal.SIGPIPE):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        out = os.open(request["out"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out, 1)
        os.dup2(out, 2)
        os.closerange(3, 1 << 16)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        if "JPY_PARENT_PID" in os.environ:  # the kernel ends when its parent does: that is the template now
            os.environ["JPY_PARENT_PID"] = str(os.getppid())
        if "numpy" in sys.modules:  # a new process would draw its own seed
            sys.modules["numpy"].random.seed()
        sys.argv = [sys.executable, *request["args"]]
        if sys.path and sys.path[0] in ("", os.getcwd()):  # as ipykernel_launcher does; the kernel adds it back
            del sys.path[0]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001 - report it in kernel.out, as a failed kernel process would
        import traceback

        traceback.print_exc()
    finally:
        try:
            import atexit

            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def main() -> int:
    """The template process: import, then fork kernels on request until the input ends."""
    os.environ.setdefault("MPLBACKEND", INLINE)  # what ipykernel sets before any kernel imports matplotlib
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a missing optional library is imported (or not) by the kernel itself
            pass
    # everything imported so far lives as long as the kernels: out of the collector's sight (gc.freeze), every
    # collection in a kernel skips it. IPython's exit alone collected twice over it (0.2-0.25 s per report), and
    # untouched objects keep their pages shared with the template instead of copied into each kernel.
    gc.freeze()
    out = sys.stdout
    if _threads() != 1:
        print(json.dumps({"ready": False, "why": f"{_threads()} threads after the imports"}), file=out, flush=True)
        return 1
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the worker's to handle; the template ends with it
    signal.signal(signal.SIGCHLD, _reap)
    print(json.dumps({"ready": True}), file=out, flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        if "poll" in request:
            _reap()
            answer = {"returncode": _exited.get(int(request["poll"]))}
        elif "spawn" in request:
            if _threads() != 1:
                answer = {"error": "the template has started a thread; it cannot fork safely"}
            else:
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:
                    _child(request["spawn"])
                answer = {"pid": pid}
        else:
            answer = {"error": f"unknown request {sorted(request)}"}
        print(json.dumps(answer), file=out, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
