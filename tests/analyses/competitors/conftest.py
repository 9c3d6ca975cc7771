"""The shipped yogurt panel and its fitted choice model, shared by the choice tests (fitting takes seconds)."""
from __future__ import annotations

import pytest

import workbench as wb


@pytest.fixture(scope="session")
def yogurt():
    return wb.load_choice_panel("yogurt")


@pytest.fixture(scope="session")
def model(yogurt):
    return wb.competitors.ChoiceLogit().fit(yogurt)
