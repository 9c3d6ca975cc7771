"""Event logs and GA4 flattened exports: hand-made fixtures with hand-worked expectations."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from workbench import provenance
from workbench.data.events import load_events
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

    def test_round_trip_of_generated_sample(self):
        s = experiment_sample(2_000, seed=3)
        ga4 = experiment_events_to_ga4(s.events)
        back = load_events(ga4)
        assert len(back) == len(s.events)
        assert back["event_time"].tolist() == s.events["event_time"].tolist()
        assert back["session_id"].tolist() == s.events["session_id"].tolist()
        assert np.allclose(back["revenue"].fillna(-1), s.events["revenue"].fillna(-1))
