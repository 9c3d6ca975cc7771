"""Run ids, temporary run folders and their clean-up, atomic writes."""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from datetime import datetime, timezone

from workbench.runner import files


class TestRunId:
    def test_format_sorts_by_time(self):
        t1 = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
        t2 = datetime(2026, 1, 2, 3, 4, 6, tzinfo=timezone.utc)
        a, b = files.new_run_id("Q4 1997!", when=t1), files.new_run_id("default", when=t2)
        assert re.fullmatch(r"20260102T030405Z-q4-1997-[0-9a-f]{6}", a)
        assert sorted([b, a]) == [a, b]

    def test_unique_within_one_second(self):
        t = datetime(2026, 1, 2, tzinfo=timezone.utc)
        assert len({files.new_run_id("default", when=t) for _ in range(200)}) == 200


class TestStaleTempDirs:
    def _dead_pid(self) -> int:
        proc = subprocess.Popen([sys.executable, "-c", "pass"])
        proc.wait()
        return proc.pid

    def test_removes_dirs_of_dead_processes_only(self, tmp_path):
        dead = files.temp_run_dir(tmp_path, "nb", "run-dead")
        alive = files.temp_run_dir(tmp_path, "nb", "run-alive")
        files.claim_temp_dir(alive)
        dead.mkdir(parents=True)
        (dead / files.OWNER_FILE).write_text(json.dumps({"pid": self._dead_pid(), "host": socket.gethostname(),
                                                         "created": time.time()}))
        removed = files.clean_stale_temp_dirs(tmp_path)
        assert removed == [dead]
        assert alive.is_dir() and not dead.exists()

    def test_ownerless_dir_kept_for_a_minute(self, tmp_path):
        young = files.temp_run_dir(tmp_path, "nb", "young")
        old = files.temp_run_dir(tmp_path, "nb", "old")
        young.mkdir(parents=True)
        old.mkdir(parents=True)
        past = time.time() - 3600
        os.utime(old, (past, past))
        files.clean_stale_temp_dirs(tmp_path)
        assert young.is_dir() and not old.exists()


class TestAtomicWrite:
    def test_replaces_and_leaves_no_temp_file(self, tmp_path):
        target = tmp_path / "index.html"
        target.write_text("old")
        files.atomic_write_text(target, "new")
        assert target.read_text() == "new"
        assert [p.name for p in tmp_path.iterdir()] == ["index.html"]

    def test_index_lock_can_be_taken_again(self, tmp_path):
        with files.index_lock(tmp_path):
            pass
        with files.index_lock(tmp_path):
            assert (tmp_path / ".index.lock").exists()
