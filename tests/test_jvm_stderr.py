"""The JVM's start-up notice is kept out of standard error; everything else, from the JVM or Python, gets through."""
from __future__ import annotations

import subprocess
import sys
import threading

from workbench.jvm_stderr import start_up_notice_dropped

CHILD = ("import sys, time\n"
         "sys.stderr.write('WARNING: Using incubator modules: jdk.incubator.vector\\n')\n"
         "sys.stderr.write('Exception in thread main: java.lang.OutOfMemoryError\\n')\n"
         "sys.stderr.flush(); time.sleep(0.2)\n"
         "sys.stderr.write('a later line, no newline')\n")


def _wait_for(forwarder: threading.Thread) -> None:
    """The forwarder ends once every holder of the pipe is gone (a Spark session of another test keeps its own)."""
    forwarder.join(timeout=10)
    assert not forwarder.is_alive()


def test_a_child_started_inside_loses_only_the_notice_and_keeps_writing_after_the_block(capfd):
    with start_up_notice_dropped() as forwarder:
        child = subprocess.Popen([sys.executable, "-c", CHILD])  # inherits fd 2 as a JVM would
        print("python's own stderr line", file=sys.stderr, flush=True)
    child.wait(timeout=30)  # the child wrote its last line after the block had ended
    _wait_for(forwarder)
    err = capfd.readouterr().err
    assert "Using incubator modules" not in err
    assert "Exception in thread main: java.lang.OutOfMemoryError\n" in err
    assert "python's own stderr line\n" in err
    assert err.endswith("a later line, no newline")


def test_stderr_is_back_after_the_block(capfd):
    with start_up_notice_dropped() as forwarder:
        pass
    _wait_for(forwarder)
    subprocess.run([sys.executable, "-c", "import sys; sys.stderr.write('WARNING: Using incubator modules: x\\n')"],
                   check=True)
    assert capfd.readouterr().err == "WARNING: Using incubator modules: x\n"  # outside the block nothing is dropped


def test_without_stderr_nothing_is_redirected_and_no_descriptor_is_left_open():
    """A process whose fd 2 is closed (a daemon) starts Spark as usual, and the block opens no pipe."""
    child = ("import os\n"
             "from workbench.jvm_stderr import start_up_notice_dropped\n"
             "os.close(2)\n"
             "before = sorted(os.listdir('/proc/self/fd'))\n"
             "with start_up_notice_dropped() as forwarder:\n"
             "    assert forwarder is None\n"
             "after = sorted(os.listdir('/proc/self/fd'))\n"
             "print(len(before), len(after))\n")
    out = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, check=True).stdout.split()
    assert out[0] == out[1]
