"""Checkout funnel on a hand-made event log; every expected number was worked out by hand (fixture README)."""
from __future__ import annotations

import warnings
from pathlib import Path

import ibis
import numpy as np
import pandas as pd
import pytest

from workbench.analyses.experiments.funnel import (
    checkout_funnel, funnel_biggest_drop, funnel_order_gaps, funnel_summary,
)
from workbench.data.events import load_events
from workbench.errors import DataError

FIX = Path(__file__).parents[2] / "fixtures" / "experiments"


@pytest.fixture(scope="module")
def events():
    return load_events(FIX / "events_generic.csv")


def _users(f, counting, segment="All users"):
    g = f[(f["counting"] == counting) & (f["segment"] == segment)].sort_values("step_number")
    return g["users"].tolist()


class TestCounting:
    def test_strict_and_loose_differ_where_order_is_violated(self, events):
        f = checkout_funnel(events)
        # strict: u3 added to cart before viewing, u4 began checkout before the cart, u5 only purchased
        assert _users(f, "strict") == [6, 5, 2, 1, 1, 1]
        assert _users(f, "loose") == [6, 6, 4, 1, 1, 2]

    def test_conversion_and_drop_off(self, events):
        f = checkout_funnel(events, counting="strict")
        s = f.set_index("step")
        assert s.loc["add_to_cart", "step_conversion"] == pytest.approx(5 / 6)
        assert s.loc["begin_checkout", "step_conversion"] == pytest.approx(2 / 5)
        assert s.loc["begin_checkout", "drop_off"] == pytest.approx(0.6)
        assert s.loc["begin_checkout", "dropped"] == 3
        assert s.loc["purchase", "overall_conversion"] == pytest.approx(1 / 6)
        assert np.isnan(s.loc["view_item", "drop_off"])

    def test_median_time_between_steps(self, events):
        f = checkout_funnel(events, counting="strict").set_index("step")
        # view -> cart on the ordered path: u1 60 s, u2 120 s, u4 120 s, u6 300 s (earliest view), u7 0 s (tie)
        assert f.loc["add_to_cart", "median_seconds_from_previous"] == 120.0
        assert f.loc["begin_checkout", "median_seconds_from_previous"] == 60.0   # u1 60 s, u6 60 s
        loose = checkout_funnel(events, counting="loose")
        assert loose["median_seconds_from_previous"].isna().all()

    def test_by_segment_uses_first_event(self, events):
        f = checkout_funnel(events, segment="device")
        assert list(dict.fromkeys(f["segment"])) == ["All users", "desktop", "mobile", "tablet"]
        assert _users(f, "strict", "desktop") == [2, 2, 1, 1, 1, 1]
        assert _users(f, "strict", "mobile") == [3, 2, 1, 0, 0, 0]
        assert _users(f, "strict", "tablet") == [1, 1, 0, 0, 0, 0]
        assert _users(f, "loose", "desktop") == [2, 2, 2, 1, 1, 2]
        assert _users(f, "strict") == [6, 5, 2, 1, 1, 1]

    def test_missing_segment_values_are_not_set(self):
        ev = pd.DataFrame({"user_id": ["a", "a", "b"], "event_time": pd.to_datetime(["2026-01-01 10:00",
                           "2026-01-01 10:01", "2026-01-01 10:00"]), "event_name": ["view_item", "purchase",
                           "view_item"], "channel": ["email", "email", None]})
        f = checkout_funnel(ev, steps=["view_item", "purchase"], segment="channel", counting="strict")
        assert _users(f, "strict", "(not set)") == [1, 0]
        assert _users(f, "strict", "email") == [1, 1]

    def test_sessions_as_unit(self):
        ev = pd.DataFrame({
            "user_id": ["a"] * 4, "session_id": ["s1", "s1", "s2", "s2"],
            "event_time": pd.to_datetime(["2026-01-01 10:00", "2026-01-01 10:01", "2026-01-02 09:00",
                                          "2026-01-02 09:05"]),
            "event_name": ["view_item", "add_to_cart", "view_item", "purchase"]})
        steps = ["view_item", "add_to_cart", "purchase"]
        by_user = checkout_funnel(ev, steps=steps, counting="strict")
        by_session = checkout_funnel(ev, steps=steps, user="session_id", counting="strict")
        assert _users(by_user, "strict") == [1, 1, 1]      # the user did all three in order across two sessions
        assert _users(by_session, "strict") == [2, 1, 0]   # no session did all three

    def test_ibis_table_gives_the_same_result(self, events):
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*infer_string.*")
            t = ibis.memtable(events)
        pd.testing.assert_frame_equal(checkout_funnel(t), checkout_funnel(events))

    def test_custom_step_names(self):
        ev = pd.DataFrame({"user_id": ["a", "a", "b"], "event_time": pd.to_datetime(
            ["2026-01-01 10:00", "2026-01-01 10:01", "2026-01-01 10:00"]), "event_name": ["pdp", "buy", "pdp"]})
        f = checkout_funnel(ev, steps=["pdp", "buy"], counting="strict")
        assert _users(f, "strict") == [2, 1]


class TestSummaries:
    def test_biggest_drop(self, events):
        b = funnel_biggest_drop(checkout_funnel(events))
        assert (b["from_step"], b["to_step"], b["dropped"]) == ("add_to_cart", "begin_checkout", 3)
        assert b["drop_off"] == pytest.approx(0.6)
        assert b["overall_conversion"] == pytest.approx(1 / 6)

    def test_order_gaps(self, events):
        g = funnel_order_gaps(checkout_funnel(events))
        assert g["out_of_order"].tolist() == [0, 1, 2, 0, 0, 1]

    def test_summary(self, events):
        s = funnel_summary(checkout_funnel(events, segment="device"))
        assert (s["first_step"], s["last_step"], s["users_first"], s["users_last"]) == ("view_item", "purchase", 6, 1)
        assert (s["from_step"], s["to_step"], s["dropped"]) == ("add_to_cart", "begin_checkout", 3)
        # median time from the previous step (strict): view -> cart 120 s is the slowest (see test above)
        assert (s["slowest_step"], s["slowest_seconds"]) == ("add_to_cart", 120.0)
        # end-to-end conversion by device: desktop 1 of 2, mobile 0 of 3, tablet 0 of 1 (min: first of the ties)
        assert (s["segment_high"], s["segment_high_conversion"]) == ("desktop", 0.5)
        assert (s["segment_low"], s["segment_low_conversion"]) == ("mobile", 0.0)
        # loose minus strict by step: [0, 1, 2, 0, 0, 1] -> begin_checkout, 2 of the 4 who reached it loosely
        assert (s["gap_step"], s["gap_users"], s["gap_share"]) == ("begin_checkout", 2, 0.5)
        assert funnel_summary(None) is None


class TestErrors:
    def test_too_few_steps(self, events):
        with pytest.raises(DataError, match="a funnel needs at least two steps"):
            checkout_funnel(events, steps=["view_item"])

    def test_missing_segment_column(self, events):
        with pytest.raises(DataError, match=r"event log has no column 'browser'; columns present: \['user_id'"):
            checkout_funnel(events, segment="browser")
        f = checkout_funnel(events, segment="browser", if_segment_missing="skip")
        assert set(f["segment"]) == {"All users"}
        assert "no column 'browser'" in f.attrs["notes"][0]

    def test_no_step_occurs(self, events):
        with pytest.raises(DataError, match=r"none of the funnel steps occur in the event log.*map your event "
                                            r"names"):
            checkout_funnel(events, steps=["a", "b"])

    def test_repeated_step(self, events):
        with pytest.raises(DataError, match="funnel steps repeat an event name"):
            checkout_funnel(events, steps=["view_item", "view_item"])

    def test_absent_step_is_noted(self, events):
        f = checkout_funnel(events, steps=["view_item", "add_to_cart", "refund"])
        assert f.attrs["absent_steps"] == ["refund"]
        assert _users(f, "strict") == [6, 5, 0]
