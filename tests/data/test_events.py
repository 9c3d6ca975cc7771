"""Event logs, GA4 flattened exports and assignment tables: hand-made fixtures with hand-worked expectations."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench import provenance
from workbench.data.events import (
    assignments_from_events, check_assignments, load_assignments, load_events, load_experiment,
)
from workbench.data.synthetic.experiments import experiment_events_to_ga4, experiment_sample
from workbench.errors import DataError

FIX = Path(__file__).parents[1] / "fixtures" / "experiments"


class TestGenericEvents:
    def test_reads_sorts_and_counts(self):
        ev = load_events(FIX / "events_generic.csv")
        checks = ev.attrs["checks"]
        assert checks["rows_read"] == 22
        assert checks["rows_without_user"] == 1          # the last row has no user id
        assert checks["rows_out_of_order"] == 2          # u3's add_to_cart and u6's second view_item
        assert len(ev) == 21
        assert ev["user_id"].tolist()[:3] == ["u1", "u1", "u1"]
        u3 = ev[ev["user_id"] == "u3"]
        assert u3["event_name"].tolist() == ["add_to_cart", "view_item", "begin_checkout"]
        assert any("out of time order" in n for n in ev.attrs["notes"])
        assert any("without a user id" in n for n in ev.attrs["notes"])

    def test_offsets_become_utc(self):
        ev = load_events(FIX / "events_generic.csv")
        u7 = ev[ev["user_id"] == "u7"]
        assert u7["event_time"].tolist() == [pd.Timestamp("2026-10-05 12:00:00")] * 2
        assert ev["event_time"].dtype == "datetime64[us]"

    def test_revenue_with_currency_sign_and_thousands(self):
        ev = load_events(FIX / "events_generic.csv")
        buys = ev[ev["event_name"] == "purchase"].set_index("user_id")["revenue"]
        assert buys["u1"] == 1250.0 and buys["u5"] == 40.5

    def test_registers_input(self):
        load_events(FIX / "events_generic.csv")
        assert [Path(i.path).name for i in provenance.registered_inputs()] == ["events_generic.csv"]

    def test_column_and_event_mapping(self):
        raw = pd.DataFrame({"visitor": ["a", "a"], "ts": ["2026-01-01 10:00", "2026-01-01 10:05"],
                            "what": ["product_view", "cart"]})
        ev = load_events(raw, columns=["user_id=visitor", "event_time=ts", "event_name=what"],
                         event_names={"product_view": "view_item", "cart": "add_to_cart"})
        assert ev["event_name"].tolist() == ["view_item", "add_to_cart"]
        assert ev["user_id"].tolist() == ["a", "a"]

    def test_missing_column_names_what_to_do(self):
        raw = pd.DataFrame({"visitor": ["a"], "event_time": ["2026-01-01"], "event_name": ["x"]})
        with pytest.raises(DataError, match=r"column `user_id`: required event column.*\['user_id'\] not found; "
                                            r"columns present: \['visitor'.*columns=\{'<canonical>'"):
            load_events(raw)

    def test_unreadable_timestamp(self, tmp_path):
        f = tmp_path / "ev.csv"
        f.write_text("user_id,event_time,event_name\na,2026-01-01 10:00,view_item\nb,yesterday,view_item\n"
                     "c,31/02/2026 xx,view_item\n")
        with pytest.raises(DataError, match=r"ev.csv: column `event_time`: timestamps cannot be read \(2 rows; "
                                            r"first: row 2: 'yesterday'\)"):
            load_events(f)

    def test_non_numeric_revenue(self, tmp_path):
        f = tmp_path / "ev.csv"
        f.write_text("user_id,event_time,event_name,revenue\na,2026-01-01,purchase,12.5\na,2026-01-02,purchase,"
                     "twelve\n")
        with pytest.raises(DataError, match=r"ev.csv: column `revenue`: values are not numbers \(1 row; first: "
                                            r"row 2: 'twelve'\)"):
            load_events(f)

    def test_empty_and_header_only(self, tmp_path):
        empty = tmp_path / "empty.csv"
        empty.write_text("")
        with pytest.raises(DataError, match="empty.csv: the file is empty"):
            load_events(empty)
        header = tmp_path / "header.csv"
        header.write_text("user_id,event_time,event_name\n")
        with pytest.raises(DataError, match="header.csv: the file has a header but no data rows"):
            load_events(header)

    def test_file_not_found(self):
        with pytest.raises(DataError, match="nope.csv: file not found"):
            load_events("nope.csv")

    def test_mapping_to_absent_column(self):
        raw = pd.DataFrame({"user_id": ["a"], "event_time": ["2026-01-01"], "event_name": ["x"]})
        with pytest.raises(DataError, match=r"column 'ts' given for `event_time` is not in the file"):
            load_events(raw, columns={"event_time": "ts"})


class TestGA4:
    def test_flattened_export(self):
        ev = load_events(FIX / "ga4_flat.csv")
        c = ev.attrs["checks"]
        assert c["rows_read"] == 13
        assert c["rows_without_user"] == 1   # consent-mode row without user_pseudo_id
        assert c["rows_out_of_order"] == 1   # 333.444's add_to_cart written after its purchase
        assert "flattened GA4" in ev.attrs["notes"][0]
        first = ev.iloc[0]
        # 1791194400000000 us = 2026-10-05 10:00:00 UTC (hand-checked with Python's datetime)
        assert first["user_id"] == "111.222" and first["event_time"] == pd.Timestamp("2026-10-05 10:00:00")
        assert ev.iloc[1]["event_time"] == pd.Timestamp("2026-10-05 10:00:05.250000")
        assert first["session_id"] == "111.222:1791194400"
        assert first["device"] == "mobile" and first["channel"] == "organic"
        buys = ev[ev["event_name"] == "purchase"]
        assert buys["revenue"].tolist() == [59.9, 20.1]
        assert buys["transaction_id"].tolist() == ["T1", "T2"]
        assert set(ev["ga4_user_id"].dropna()) == {"cust-9"}
        assert "event_date" in ev.columns

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

    def test_round_trip_of_generated_sample(self):
        s = experiment_sample(2_000, seed=3)
        ga4 = experiment_events_to_ga4(s.events)
        back = load_events(ga4)
        assert len(back) == len(s.events)
        assert back["event_time"].tolist() == s.events["event_time"].tolist()
        assert back["session_id"].tolist() == s.events["session_id"].tolist()
        assert np.allclose(back["revenue"].fillna(-1), s.events["revenue"].fillna(-1))


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


class TestLoadExperiment:
    def test_default_is_labelled_generated(self):
        exp = load_experiment(sample_users=5_000, seed=1)
        assert exp.generated
        assert "generated" in exp.label and "GENERATED" in exp.notes[0] and "GENERATED" in exp.chart_note
        assert exp.truth["relative_lift"] == {"treatment": 0.08}
        assert exp.checks["double_assigned_users"] == 5  # 0.1 % of 5,000
        assert len(exp.assignments) == 5_000 - 5
        assert not provenance.registered_inputs()  # nothing read from disk

    def test_events_only_and_variant_column_name(self, tmp_path):
        ev = pd.read_csv(FIX / "events_generic.csv").rename(columns={"variant": "arm"})
        f = tmp_path / "ev.csv"
        ev.to_csv(f, index=False)
        exp = load_experiment(events=f, variant="arm")
        assert not exp.generated and exp.label == "ev.csv"
        asg = exp.assignments.set_index("user_id")
        assert asg.loc["u1", "variant"] == "control" and asg.loc["u1", "revenue"] == 1250.0
        assert exp.checks["rows_out_of_order"] == 2
        assert len(asg) == 7
