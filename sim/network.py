"""The social network among households, as one symmetric CSR matrix.

Beliefs are held by each household's decision maker, so a household's
members form one node (the household clique collapses into it). Ties beyond
the household are drawn with homophily: a stub lands in the household's own
block (same community and region) with probability `within_block`, elsewhere
in its community with `within_community`, otherwise anywhere.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from sim.config import NetworkConfig


def _small_keys(key: np.ndarray) -> np.ndarray:
    """The same keys in the narrowest integer type, so a stable argsort is a linear radix sort."""
    return key.astype(np.int16) if int(key.max(initial=0)) < np.iinfo(np.int16).max else key


def _pick_within(rng: np.random.Generator, key: np.ndarray, sources: np.ndarray) -> np.ndarray:
    """For each source household, a uniformly random household with the same key (keys: small ints >= 0)."""
    order = np.argsort(_small_keys(key), kind="stable")
    counts = np.bincount(key)
    starts = np.cumsum(counts) - counts
    source_key = key[sources]
    offset = (rng.random(len(sources)) * counts[source_key]).astype(np.int64)
    return order[starts[source_key] + offset]


def build_network(
    cfg: NetworkConfig,
    community: np.ndarray,
    region: np.ndarray,
    rng: np.random.Generator,
) -> sp.csr_matrix:
    """Draw ties between households; returns an unweighted symmetric CSR matrix."""
    n = len(community)
    if cfg.kind == "none" or cfg.mean_degree == 0 or n < 2:
        return sp.csr_matrix((n, n), dtype=np.float64)
    stubs = rng.poisson(cfg.mean_degree / 2.0, n)
    sources = np.repeat(np.arange(n, dtype=np.int64), stubs)
    targets = rng.integers(0, n, len(sources))
    if cfg.kind == "sbm":
        u = rng.random(len(sources))
        in_block = u < cfg.within_block
        in_comm = ~in_block & (u < cfg.within_block + cfg.within_community)
        block_key = community.astype(np.int64) * (int(region.max()) + 1) + region
        targets[in_block] = _pick_within(rng, block_key, sources[in_block])
        targets[in_comm] = _pick_within(rng, community.astype(np.int64), sources[in_comm])
    keep = sources != targets
    rows = np.concatenate([sources[keep], targets[keep]])
    cols = np.concatenate([targets[keep], sources[keep]])
    adj = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    adj.data[:] = 1.0
    adj.sort_indices()
    return adj
