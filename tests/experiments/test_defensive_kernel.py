"""The fit's perturbation kernel mixed with the prior: its density never falls below the prior's share."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyabc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments.calibration.defensive_kernel import DefensiveTransition

BOUNDS = {"a": (0.0, 1.0), "b": (2.0, 6.0)}


def _fitted(alpha: float = 0.1) -> DefensiveTransition:
    rng = np.random.default_rng(0)
    particles = pd.DataFrame({"a": rng.uniform(0.45, 0.55, 30), "b": rng.uniform(3.9, 4.1, 30)})
    kernel = DefensiveTransition(BOUNDS, alpha=alpha, scaling=1.0)
    kernel.fit(particles, np.full(30, 1 / 30))
    return kernel


@settings(max_examples=50, deadline=None)
@given(a=st.floats(0.0, 1.0), b=st.floats(2.0, 6.0))
def test_the_density_is_at_least_the_prior_s_share_inside_the_box(a: float, b: float) -> None:
    """So no particle's importance weight (prior over proposal density) exceeds 1 / alpha."""
    kernel = _fitted()
    assert kernel.pdf(pd.Series({"a": a, "b": b})) >= 0.1 / 4.0 * (1 - 1e-12)  # the box's volume is 4


def test_the_prior_s_share_of_draws_spreads_over_the_box_and_the_rest_near_the_particles() -> None:
    kernel = _fitted(alpha=0.2)
    np.random.seed(3)  # the draws use numpy's global generator, which the fit's sampler seeds per candidate
    draws = pd.DataFrame([dict(kernel.rvs()) for _ in range(4000)])
    far = (draws["a"] - 0.5).abs() > 0.25
    assert 0.2 * 0.5 * 0.8 < far.mean() < 0.2 * 0.5 * 1.2  # half of the prior's draws land that far in a
    np.random.seed(3)
    again = pd.DataFrame([dict(kernel.rvs()) for _ in range(4000)])
    pd.testing.assert_frame_equal(draws, again)


def test_the_density_of_a_frame_is_that_of_its_rows() -> None:
    kernel = _fitted()
    frame = pd.DataFrame({"a": [0.5, 0.9, 1.5], "b": [4.0, 2.5, 4.0]})
    rows = [kernel.pdf(r) for _, r in frame.iterrows()]
    np.testing.assert_allclose(kernel.pdf(frame), rows)
    plain = pyabc.MultivariateNormalTransition(scaling=1.0)
    plain.fit(kernel.X, kernel.w)
    assert rows[2] == pytest.approx(0.9 * plain.pdf(frame.iloc[2]))  # outside the box: the kernel's part only
    assert rows[0] == pytest.approx(0.9 * plain.pdf(frame.iloc[0]) + 0.1 / 4.0)


@pytest.mark.parametrize("alpha", [0.0, 1.0, -0.1, float("nan")])
def test_a_prior_share_outside_zero_to_one_is_refused(alpha: float) -> None:
    with pytest.raises(ValueError, match="alpha"):
        DefensiveTransition(BOUNDS, alpha=alpha)
