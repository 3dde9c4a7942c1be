"""Sparse Bernoulli draws (correct indices, any probability, no hang) and counter-based uniforms (uniform,
independent across weeks and processes, the same for an entity however it is read)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from sim.model.data.rng import Streams, bernoulli_indices


@settings(max_examples=60, deadline=None, derandomize=True)
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


def test_counter_uniforms_are_uniform_float32_in_unit_interval() -> None:
    u = Streams(11).counter("decisions", 3)[np.arange(200_000)]
    assert u.dtype == np.float32 and u.min() >= 0.0 and u.max() < 1.0
    assert stats.kstest(u, "uniform").pvalue > 1e-3  # deterministic: a fixed seed, so it cannot flake


def test_counter_uniforms_differ_by_week_process_and_seed() -> None:
    ids = np.arange(100_000)
    base = Streams(11).counter("decisions", 3)[ids]
    for other in (
        Streams(11).counter("decisions", 4)[ids],
        Streams(11).counter("requests", 3)[ids],
        Streams(12).counter("decisions", 3)[ids],
    ):
        assert abs(np.corrcoef(base, other)[0, 1]) < 0.02
        assert not np.array_equal(base, other)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(seed=st.integers(0, 2**32 - 1), week=st.integers(0, 520), ids=st.lists(st.integers(0, 10**7), max_size=50))
def test_an_entity_s_uniform_does_not_depend_on_who_else_is_read(seed: int, week: int, ids: list[int]) -> None:
    """Engines and phases read different subsets in different orders: each entity must see its own number."""
    u = Streams(seed).counter("encounters", week)
    together = u[np.array(ids, dtype=np.int64)]
    alone = [u[np.array([i])][0] for i in ids]
    assert np.array_equal(together, np.array(alone, dtype=np.float32))
