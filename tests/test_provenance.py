from __future__ import annotations

import hashlib
import json

import numpy as np
import pytest

from workbench import provenance
from workbench.errors import WorkbenchError


def test_record_in_memory_and_in_run_dir(tmp_path, monkeypatch):
    monkeypatch.setenv(provenance.RUN_DIR_ENV, str(tmp_path))
    assert provenance.record("median_wage", np.int32(166790), kind="money") == 166790
    provenance.record("share", np.float64(0.25), label="Share of revenue", kind="percent")
    provenance.record("share", 0.3, kind="percent", good="up")  # replaces
    provenance.record("missing", float("nan"))
    assert provenance.recorded_metrics() == {"median_wage": 166790, "share": 0.3, "missing": None}
    _, metrics = provenance.read_run_records(tmp_path)
    by_name = {m["name"]: m for m in metrics}
    assert by_name["share"]["value"] == 0.3 and by_name["share"]["kind"] == "percent"
    assert by_name["median_wage"] == {"name": "median_wage", "value": 166790, "label": "Median wage",
                                      "kind": "money", "unit": None, "good": None}
    assert by_name["share"]["good"] == "up"
    provenance.record("model_r", 0.24, card=False)  # tracked between runs, not a header card
    assert provenance.read_run_records(tmp_path)[1][-1]["card"] is False and "card" not in by_name["share"]
    provenance.record("revenue", 10.0, key=True)    # one of the figures the index shows
    assert provenance.read_run_records(tmp_path)[1][-1]["key"] is True and "key" not in by_name["share"]
    assert isinstance(json.loads((tmp_path / "metrics.jsonl").read_text().splitlines()[0])["value"], int)


def test_record_rejects_bad_names_kinds_and_values():
    with pytest.raises(WorkbenchError, match="identifier"):
        provenance.record("median wage", 1)
    with pytest.raises(WorkbenchError, match=r"good='higher' for 'aov' is not one of \['up', 'down', None\]"):
        provenance.record("aov", 1, good="higher")
    with pytest.raises(WorkbenchError, match="kind 'dollars'"):
        provenance.record("x", 1, kind="dollars")
    with pytest.raises(WorkbenchError, match=r"card='no' for 'x' must be True or False \(False: tracked"):
        provenance.record("x", 1, card="no")
    with pytest.raises(WorkbenchError, match=r"key=True for 'x' must be True or False, and a key figure must be a "
                                             r"header card"):
        provenance.record("x", 1, key=True, card=False)
    with pytest.raises(WorkbenchError, match=r"key='yes' for 'x' must be True or False"):
        provenance.record("x", 1, key="yes")
    with pytest.raises(WorkbenchError, match="must be a number.*not list"):
        provenance.record("x", [1, 2])


def test_record_sampling_errors_for_the_noise_test(tmp_path, monkeypatch):
    monkeypatch.setenv(provenance.RUN_DIR_ENV, str(tmp_path))
    provenance.record("aov", 37.25, kind="money", good="up", se=np.float64(0.42))
    provenance.record("conversion", 0.031, kind="percent", good="up", n=np.int64(12000))
    _, metrics = provenance.read_run_records(tmp_path)
    by_name = {m["name"]: m for m in metrics}
    assert by_name["aov"]["se"] == 0.42 and "n" not in by_name["aov"]
    assert by_name["conversion"]["n"] == 12000 and isinstance(by_name["conversion"]["n"], int)
    with pytest.raises(WorkbenchError, match=r"se=-1 for 'aov' must be a standard error: a finite number >= 0"):
        provenance.record("aov", 1.0, se=-1)
    with pytest.raises(WorkbenchError, match=r"n=0 for 'rate' must be the proportion's denominator: a count > 0"):
        provenance.record("rate", 0.5, n=0)
    with pytest.raises(WorkbenchError, match=r"n= is the denominator of a proportion, but 'orders' = 2043 is not "
                                             r"between 0 and 1; give se= \(its standard error\) for other metrics"):
        provenance.record("orders", 2043, n=10)


def test_register_input_hashes_files_and_folders(tmp_path, monkeypatch):
    run = tmp_path / "run"
    run.mkdir()
    monkeypatch.setenv(provenance.RUN_DIR_ENV, str(run))
    f = tmp_path / "orders.csv"
    f.write_bytes(b"a,b\n1,2\n")
    entry = provenance.register_input(f, role="orders")
    assert entry.sha256 == hashlib.sha256(b"a,b\n1,2\n").hexdigest()
    assert entry.bytes == 8 and entry.role == "orders"
    provenance.register_input(f)  # same content: not written twice
    folder = tmp_path / "bls"
    folder.mkdir()
    (folder / "oe.area").write_text("x")
    (folder / "oe.data").write_text("y")
    provenance.register_input(folder)
    inputs, _ = provenance.read_run_records(run)
    assert [i["path"].rsplit("/", 1)[1] for i in inputs] == ["orders.csv", "oe.area", "oe.data"]
    assert len((run / "inputs.jsonl").read_text().splitlines()) == 3
