"""The social network among households: community ties and kin ties, one symmetric CSR matrix.

Beliefs are held by each household's decision maker, so a household's
members form one node (the household clique collapses into it). Two kinds of
ties join households:

- community ties, drawn with homophily: a stub lands in the household's own
  block (same community and region) with probability `within_block`,
  elsewhere in its community with `within_community`, otherwise anywhere
  (`kind: random`: anywhere);
- kin ties (relatives in other households): each household draws a Poisson
  number with mean `kin_degree[its type]`. An immigrant household's kin are
  immigrant households; a US-born household's kin are immigrant households
  with probability `us_born_immigrant_kin` (a US-born citizen with an
  undocumented cousin), US-born ones otherwise. A kin tie stays in the
  community with probability `kin_within_community` (`kind: random`: never),
  so kin cluster where immigrant households do.

`kind: none` means no ties of any kind, community or kin. A pair joined both
ways is one tie, flagged kin.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from sim.config import HOUSEHOLD_TYPES, NetworkConfig

US_BORN = HOUSEHOLD_TYPES.index("us_born")
# A stored value at or above this marks a tie that is kin (ties are summed over duplicates while merging).
_KIN_MARK = float(2**30)


@dataclass
class Network:
    """Ties between households, with a kin flag per stored tie."""

    ties: sp.csr_matrix  # [H x H] symmetric, data all 1.0, sorted indices, no self-ties
    kin: np.ndarray  # bool [ties.nnz] True where the stored tie (ties.indices / ties.data entry) is kin

    @property
    def n_households(self) -> int:
        return self.ties.shape[0]

    def kin_ties(self) -> sp.csr_matrix:
        """The kin ties alone (symmetric, data 1.0, sorted indices)."""
        return self._subset(self.kin)

    def community_ties(self) -> sp.csr_matrix:
        """The ties that are not kin."""
        return self._subset(~self.kin)

    def _subset(self, keep: np.ndarray) -> sp.csr_matrix:
        rows = np.repeat(np.arange(self.n_households), np.diff(self.ties.indptr))[keep]
        indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=self.n_households))])
        out = sp.csr_matrix(
            (np.ones(int(keep.sum())), self.ties.indices[keep], indptr), shape=self.ties.shape, dtype=np.float64
        )
        out.has_sorted_indices = True
        return out

    def degree(self) -> np.ndarray:
        """int [H]: ties per household."""
        return np.diff(self.ties.indptr)

    def kin_degree(self) -> np.ndarray:
        """int [H]: kin ties per household."""
        return np.bincount(
            np.repeat(np.arange(self.n_households), self.degree())[self.kin], minlength=self.n_households
        )


def _small_keys(key: np.ndarray) -> np.ndarray:
    """The same keys in the narrowest integer type, so a stable argsort is a linear radix sort."""
    return key.astype(np.int16) if int(key.max(initial=0)) < np.iinfo(np.int16).max else key


def _pick_keyed(rng: np.random.Generator, key: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """For each wanted key, a uniformly random household with that key; -1 where there is none (keys: ints >= 0)."""
    if len(wanted) == 0:
        return np.empty(0, dtype=np.int64)
    order = np.argsort(_small_keys(key), kind="stable")
    counts = np.bincount(key, minlength=int(wanted.max()) + 1)
    starts = np.cumsum(counts) - counts
    n_wanted = counts[wanted]
    offset = (rng.random(len(wanted)) * n_wanted).astype(np.int64)
    found = n_wanted > 0
    out = np.full(len(wanted), -1, dtype=np.int64)
    out[found] = order[starts[wanted[found]] + offset[found]]
    return out


def _pick_within(rng: np.random.Generator, key: np.ndarray, sources: np.ndarray) -> np.ndarray:
    """For each source household, a uniformly random household with the same key (keys: small ints >= 0)."""
    return _pick_keyed(rng, key, key[sources])


def _community_ties(
    rng: np.random.Generator, cfg: NetworkConfig, community: np.ndarray, region: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    n = len(community)
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
    return sources, targets


def _kin_ties(
    rng: np.random.Generator, cfg: NetworkConfig, community: np.ndarray, hh_type: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    n = len(community)
    mean = np.array([cfg.kin_degree[t] for t in HOUSEHOLD_TYPES])[hh_type]
    # Each tie drawn is stored both ways, so a household drawing half its mean ends up with the mean on average.
    sources = np.repeat(np.arange(n, dtype=np.int64), rng.poisson(mean / 2.0))
    immigrant = (hh_type != US_BORN).astype(np.int64)
    to_immigrant = (immigrant[sources] == 1) | (rng.random(len(sources)) < cfg.us_born_immigrant_kin)
    local = rng.random(len(sources)) < (cfg.kin_within_community if cfg.kind == "sbm" else 0.0)
    targets = np.full(len(sources), -1, dtype=np.int64)
    kind_key = community.astype(np.int64) * 2 + immigrant
    targets[local] = _pick_keyed(rng, kind_key, community[sources[local]].astype(np.int64) * 2 + to_immigrant[local])
    anywhere = targets < 0  # not local, or no household of the wanted kind in the community
    targets[anywhere] = _pick_keyed(rng, immigrant, to_immigrant[anywhere].astype(np.int64))
    found = targets >= 0  # none only when the population holds no household of the wanted kind
    return sources[found], targets[found]


def build_network(
    cfg: NetworkConfig,
    community: np.ndarray,
    region: np.ndarray,
    rng: np.random.Generator,
    hh_type: np.ndarray | None = None,
) -> Network:
    """Draw community and kin ties between households (`hh_type`: pop.hh_type; None: all US-born)."""
    n = len(community)
    if hh_type is None:
        hh_type = np.full(n, US_BORN, dtype=np.int8)
    if cfg.kind == "none" or n < 2:
        return Network(sp.csr_matrix((n, n), dtype=np.float64), np.zeros(0, dtype=bool))
    c_src, c_tgt = _community_ties(rng, cfg, community, region)
    k_src, k_tgt = _kin_ties(rng, cfg, community, hh_type)
    sources = np.concatenate([c_src, k_src])
    targets = np.concatenate([c_tgt, k_tgt])
    mark = np.concatenate([np.ones(len(c_src)), np.full(len(k_src), _KIN_MARK)])
    keep = sources != targets
    rows = np.concatenate([sources[keep], targets[keep]])
    cols = np.concatenate([targets[keep], sources[keep]])
    marks = np.concatenate([mark[keep], mark[keep]])
    ties = sp.csr_matrix((marks, (rows, cols)), shape=(n, n))  # duplicates summed
    ties.sort_indices()
    kin = ties.data >= _KIN_MARK
    ties.data[:] = 1.0
    return Network(ties, kin)
