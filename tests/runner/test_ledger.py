"""reports/jobs.json: the last catalog run's outcome per job, and when each job was last current."""
from __future__ import annotations

from workbench.runner.execute import RunResult
from workbench.runner.ledger import read_ledger, update_ledger


def test_outcomes_and_the_last_time_each_job_was_current(tmp_path):
    assert read_ledger(tmp_path) == {}
    update_ledger(tmp_path, [RunResult(status="succeeded", notebook="a", job="a/x", run_id="r1"),
                             RunResult(status="skipped", notebook="b", job="b/y", reason="needs java (...)",
                                       skip="requirements")], at="2026-12-01T05:00:00+00:00")
    update_ledger(tmp_path, [RunResult(status="skipped", notebook="a", job="a/x", run_id="r1", skip="unchanged",
                                       reason="unchanged since run r1"),
                             RunResult(status="skipped", notebook="b", job="b/y", reason="needs java (...)",
                                       skip="requirements")], at="2026-12-02T05:00:00+00:00")
    jobs = read_ledger(tmp_path)
    assert jobs["a/x"] == {"status": "skipped", "skip": "unchanged", "reason": "unchanged since run r1",
                           "run_id": "r1", "error": None, "at": "2026-12-02T05:00:00+00:00",
                           "current_at": "2026-12-02T05:00:00+00:00"}
    assert jobs["b/y"]["current_at"] is None and jobs["b/y"]["skip"] == "requirements"
    update_ledger(tmp_path, [RunResult(status="failed", notebook="b", job="b/y", run_id="r2",
                                       error={"stage": "cell", "ename": "KeyError"})],
                  at="2026-12-03T05:00:00+00:00")
    assert read_ledger(tmp_path)["b/y"]["current_at"] == "2026-12-03T05:00:00+00:00"
    assert read_ledger(tmp_path)["b/y"]["error"] == {"stage": "cell", "ename": "KeyError"}
    assert set(read_ledger(tmp_path)) == {"a/x", "b/y"}  # a job not in this run keeps its entry


def test_unreadable_ledger_reads_as_empty(tmp_path):
    (tmp_path / "jobs.json").write_text("{not json")
    assert read_ledger(tmp_path) == {}
