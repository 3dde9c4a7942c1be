"""Sparse Bernoulli draws: correct indices, any probability, no hang."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.rng import bernoulli_indices


@settings(max_examples=60, deadline=2000)
@given(n=st.integers(0, 50_000), p=st.floats(0, 1), seed=st.integers(0, 2**32 - 1))
def test_indices_are_sorted_unique_and_in_range(n: int, p: float, seed: int) -> None:
    idx = bernoulli_indices(np.random.default_rng(seed), n, p)
    assert np.all(np.diff(idx) > 0) and (len(idx) == 0 or (idx[0] >= 0 and idx[-1] < n))


def test_tiny_probabilities_give_no_successes_quickly() -> None:
    rng = np.random.default_rng(1)
    for p in (5e-324, 1e-300, 1e-20):
        assert len(bernoulli_indices(rng, 10_000_000, p)) == 0


def test_rate_matches_p() -> None:
    idx = bernoulli_indices(np.random.default_rng(2), 1_000_000, 0.01)
    assert abs(len(idx) - 10_000) < 500
