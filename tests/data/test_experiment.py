"""One experiment's tables: the labelled generated sample by default, the user's files otherwise."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from workbench import provenance
from workbench.data.experiment import load_experiment

FIX = Path(__file__).parents[1] / "fixtures" / "experiments"


class TestLoadExperiment:
    def test_default_is_labelled_generated(self):
        exp = load_experiment(sample_users=5_000, seed=1)
        assert exp.generated
        assert "generated" in exp.label and "GENERATED" in exp.notes[0]
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

    def test_true_lifts_of_the_sample(self):
        exp = load_experiment(sample_users=5_000, seed=1)
        # conversion: the built-in +8 %; revenue per visitor = rate x 1.15 x 85 moves with the rate; AOV equal
        assert exp.true_lifts == pytest.approx({("conversion", "treatment"): 0.08,
                                                ("revenue_per_visitor", "treatment"): 0.08,
                                                ("aov", "treatment"): 0.0})

    def test_sources_are_keyword_only(self):
        with pytest.raises(TypeError):
            load_experiment(FIX / "events_generic.csv")  # which file is which must be said
        exp = load_experiment(assignments=FIX / "assignments.csv", columns={"user_id": "user", "variant": "arm"})
        assert exp.events is None and exp.true_lifts == {} and exp.label == "assignments.csv"
