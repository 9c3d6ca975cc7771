"""Assignment tables, read from a file or derived from an event log: hand-made fixtures, hand-worked counts."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from workbench.data.assignments import assignments_from_events, check_assignments, load_assignments
from workbench.data.events import load_events
from workbench.errors import DataError

FIX = Path(__file__).parents[1] / "fixtures" / "experiments"


class TestFromEvents:
    def test_assignments_from_ga4_events(self):
        asg = assignments_from_events(load_events(FIX / "ga4_flat.csv"))
        asg = asg.set_index("user_id")
        assert asg.loc["333.444", "variant"] == "treatment"
        assert asg.loc["333.444", "orders"] == 2
        assert asg.loc["333.444", "revenue"] == pytest.approx(80.0)
        assert asg.loc["333.444", "converted"] == 1
        assert asg.loc["111.222", "converted"] == 0 and asg.loc["555.666", "revenue"] == 0
        assert asg.loc["333.444", "device"] == "desktop"
        assert asg.loc["111.222", "first_exposure"] == pd.Timestamp("2026-10-05 10:00:00")


class TestAssignments:
    def test_double_assignment_missing_variant_and_repeats(self):
        asg = load_assignments(FIX / "assignments.csv", columns={"user_id": "user", "variant": "arm"})
        c = asg.attrs["checks"]
        assert c["rows_read"] == 9
        assert c["double_assigned_users"] == 1 and c["double_assigned_rows"] == 2     # e
        assert c["rows_without_variant"] == 1 and c["users_without_variant"] == 1     # f
        assert c["rows_collapsed"] == 1                                                # g
        assert sorted(asg["user_id"]) == ["a", "b", "c", "g", "h"]
        g = asg.set_index("user_id").loc["g"]
        assert (g["converted"], g["revenue"], g["orders"], g["pre_revenue"]) == (1, 30.0, 1, 12)
        assert c["variants"] == {"control": 2, "treatment": 3}
        assert pd.api.types.is_numeric_dtype(asg["pre_revenue"])  # text in the CSV, numbers after loading
        notes = " ".join(asg.attrs["notes"])
        assert "1 user seen in more than one variant (2 rows; first: user e" in notes
        assert "1 row without a variant left out (first: user f)" in notes

    def test_converted_derived_from_orders(self):
        df = pd.DataFrame({"user_id": ["a", "b", "c"], "variant": ["x", "y", "y"], "orders": [0, 2, 1],
                           "revenue": [0, 10.0, 5.0]})
        out = check_assignments(df)
        assert out.set_index("user_id")["converted"].to_dict() == {"a": 0, "b": 1, "c": 1}

    def test_one_variant_only_is_an_error(self):
        df = pd.DataFrame({"user_id": ["a", "b"], "variant": ["control", "control"], "converted": [0, 1]})
        with pytest.raises(DataError, match=r"column `variant`: only one variant has traffic \('control'\).*"
                                            r"first: 2 users in 'control'.*the other arm received no users"):
            check_assignments(df)

    def test_bad_converted_values(self):
        df = pd.DataFrame({"user_id": ["a", "b"], "variant": ["x", "y"], "converted": ["1", "maybe"]})
        with pytest.raises(DataError, match=r"column `converted`: values are not 0/1.*\(1 row; first: row 2: "
                                            r"'maybe'\)"):
            check_assignments(df)

    def test_missing_variant_column(self):
        df = pd.DataFrame({"user_id": ["a"], "arm": ["x"], "converted": [1]})
        with pytest.raises(DataError, match=r"column `variant`: required column 'variant' not found; columns "
                                            r"present: \['user_id', 'arm', 'converted'\]"):
            check_assignments(df)

    def test_missing_user_column_says_how_to_name_it(self):
        df = pd.DataFrame({"member": ["a", "b"], "variant": ["x", "y"], "converted": [1, 0]})
        with pytest.raises(DataError, match=r"Name it: columns=\{'user_id': '<your column>'\} \(in the notebook: the "
                                            r"columns parameter, e\.g\. \[\"user_id=visitor\"\], or variant_column\)"):
            load_assignments(df)

    def test_no_outcome_column(self):
        df = pd.DataFrame({"user_id": ["a", "b"], "variant": ["x", "y"]})
        with pytest.raises(DataError, match="no outcome column"):
            check_assignments(df)


def test_a_small_tests_own_headers_are_recognised(tmp_path):
    # visitor / group / bought / order value: a first export from a homemade A/B split
    path = tmp_path / "ab.csv"
    path.write_text("visitor,group,bought,order value\nv1,A,yes,30.5\nv2,B,no,0\nv3,B,yes,12\nv4,A,no,0\n")
    asg = load_assignments(path)
    assert asg[["user_id", "variant", "converted", "revenue"]].values.tolist() == [
        ["v1", "A", 1, 30.5], ["v4", "A", 0, 0.0], ["v2", "B", 0, 0.0], ["v3", "B", 1, 12.0]]
    assert ("Columns recognised by their names: user_id = `visitor`, variant = `group`, converted = `bought`, "
            "revenue = `order value` (pass columns= to choose others).") in asg.attrs["notes"]
    # a mapping wins over a spelling; a canonical header is never taken for another column
    path.write_text("visitor,user_id,variant,converted\nv1,u1,A,1\nv2,u2,B,0\n")
    assert load_assignments(path)["user_id"].tolist() == ["u1", "u2"]
    mapped = load_assignments(path, columns={"user_id": "visitor"})
    assert mapped["user_id"].tolist() == ["v1", "v2"] and mapped["user_id_in_file"].tolist() == ["u1", "u2"]
    assert "Column `user_id` renamed `user_id_in_file`: `visitor` is used as user_id." in mapped.attrs["notes"]
