"""Sums over ties block by block give, to the bit, the sums read row by row in stored order."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.model.data.tie_sums import MOST_TIES_EXACT, SMALLEST_EXACT, block_sums, tie_blocks
from sim.model.engine.week import UptakeModel
from sim.model.phases import beliefs
from tests.conftest import small_config


def _symmetric(n: int, n_pairs: int, rng: np.random.Generator) -> sp.csr_matrix:
    a, b = rng.integers(0, n, n_pairs), rng.integers(0, n, n_pairs)
    keep = a != b
    ties = sp.csr_matrix((np.ones(2 * keep.sum()), (np.r_[a[keep], b[keep]], np.r_[b[keep], a[keep]])), shape=(n, n))
    ties.sum_duplicates()
    ties.sort_indices()
    return ties


def _stored_order(ties: sp.csr_matrix, values: np.ndarray) -> np.ndarray:
    out = np.zeros(ties.shape[0])
    for i in range(ties.shape[0]):
        total = 0.0
        for j in ties.indices[ties.indptr[i] : ties.indptr[i + 1]]:
            total += float(values[j])
        out[i] = total
    return out


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 400),
    pairs=st.integers(0, 2_000),
    block=st.sampled_from([1, 3, 16, 128, 1 << 17]),
    zeros=st.floats(0, 0.5),
    seed=st.integers(0, 2**32 - 1),
)
def test_block_sums_equal_stored_order_sums_to_the_bit(n, pairs, block, zeros, seed) -> None:
    rng = np.random.default_rng(seed)
    ties = _symmetric(n, pairs, rng)
    # values across the whole range allowed, down to the smallest, many of them awkward in binary
    values = np.exp(rng.uniform(np.log(SMALLEST_EXACT), 0.0, n)).astype(np.float32)
    values[rng.random(n) < zeros] = 0.0
    sums = block_sums(tie_blocks(ties, block), values)
    assert sums is not None
    assert np.array_equal(sums, _stored_order(ties, values))


def test_block_sums_decline_where_order_could_matter() -> None:
    ties = _symmetric(50, 200, np.random.default_rng(0))
    blocks = tie_blocks(ties)
    values = np.full(50, 0.5, dtype=np.float32)
    assert block_sums(blocks, values) is not None
    for bad in (SMALLEST_EXACT / 2, 1.5, np.nan):
        odd = values.copy()
        odd[7] = bad
        assert block_sums(blocks, odd) is None, bad
    assert block_sums(blocks, values.astype(np.float64)) is None
    star = sp.csr_matrix(
        (np.ones(2 * MOST_TIES_EXACT), (np.r_[np.zeros(MOST_TIES_EXACT, int), np.arange(1, MOST_TIES_EXACT + 1)],
                                        np.r_[np.arange(1, MOST_TIES_EXACT + 1), np.zeros(MOST_TIES_EXACT, int)])),
        shape=(MOST_TIES_EXACT + 1,) * 2,
    )  # fmt: skip
    star.sort_indices()
    assert block_sums(tie_blocks(star), np.full(MOST_TIES_EXACT + 1, 0.5, dtype=np.float32)) is None


def test_rumour_is_the_same_whichever_way_the_ties_are_summed(monkeypatch) -> None:
    model = UptakeModel(small_config(n_people=3_000, weeks=30, seed=4))
    for _ in range(20):
        model.step()
    w = model.world
    ids = beliefs.all_households(w)
    beliefs.listen_to_rumour(w, ids)
    by_blocks = w.households.rumour.copy()
    assert block_sums(w.tie_blocks, w.households.disclosure) is not None and by_blocks.any()
    monkeypatch.setattr(beliefs, "block_sums", lambda blocks, values: None)
    w.households.rumour[:] = -1.0
    beliefs.listen_to_rumour(w, ids)
    assert np.array_equal(w.households.rumour, by_blocks)
