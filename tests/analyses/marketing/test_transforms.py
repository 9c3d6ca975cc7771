"""Geometric adstock and Hill saturation against hand-computed values and Robyn's documented examples."""
from __future__ import annotations

import numpy as np
import pytest

from workbench.analyses.marketing import geometric_adstock, hill_saturation, hill_slope
from workbench.errors import DataError


def test_adstock_by_hand():
    # a_t = x_t + 0.5 a_(t-1): 100, 50, 25, 50 + 12.5
    assert geometric_adstock([100, 0, 0, 50], theta=0.5).tolist() == [100, 50, 25, 62.5]


def test_adstock_of_a_constant_spend_matches_robyns_example_and_tends_to_x_over_one_minus_theta():
    # Robyn's docs: adstock_geometric(rep(100, 5), theta = 0.5) -> 100, 150, 175, 187.5, 193.75
    assert geometric_adstock([100] * 5, theta=0.5).tolist() == [100, 150, 175, 187.5, 193.75]
    assert geometric_adstock(np.full(200, 10.0), theta=0.8)[-1] == pytest.approx(10 / (1 - 0.8))


def test_adstock_without_carry_over_and_column_by_column():
    x = np.array([[1.0, 2.0], [3.0, 0.0]])
    assert geometric_adstock(x, theta=0.0).tolist() == x.tolist()
    assert geometric_adstock(x, theta=0.5)[:, 1].tolist() == [2.0, 1.0]


def test_hill_by_hand():
    # Robyn's docs example: saturation_hill(c(100, 150, 170, 190, 200), alpha = 3, gamma = 0.5): inflexion
    # = 0.5 * max = 100, so s = x^3 / (x^3 + 100^3)
    s = hill_saturation([100, 150, 170, 190, 200], alpha=3, k=100)
    assert s.tolist() == pytest.approx([0.5, 3375 / 4375, 4913 / 5913, 6859 / 7859, 8000 / 9000])
    assert hill_saturation([0, 50], alpha=1, k=50).tolist() == [0.0, 0.5]


def test_hill_slope_is_the_derivative():
    a = np.array([5.0, 40.0, 100.0, 300.0])
    for alpha, k in [(1.0, 50.0), (2.5, 80.0), (0.7, 30.0)]:
        h = 1e-4
        numeric = (hill_saturation(a + h, alpha=alpha, k=k) - hill_saturation(a - h, alpha=alpha, k=k)) / (2 * h)
        assert hill_slope(a, alpha=alpha, k=k) == pytest.approx(numeric, rel=1e-6)
    assert hill_slope([0.0], alpha=1.0, k=50.0)[0] == pytest.approx(1 / 50, rel=1e-6)


def test_bad_parameters_are_refused():
    with pytest.raises(DataError, match=r"geometric_adstock: theta=1\.2 is not a decay rate in \[0, 1\)"):
        geometric_adstock([1.0], theta=1.2)
    with pytest.raises(DataError, match=r"hill_saturation: alpha=0, k=1: both must be positive"):
        hill_saturation([1.0], alpha=0, k=1)
