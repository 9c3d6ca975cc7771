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

    def test_no_outcome_column(self):
        df = pd.DataFrame({"user_id": ["a", "b"], "variant": ["x", "y"]})
        with pytest.raises(DataError, match="no outcome column"):
            check_assignments(df)
