"""The network among households: community and kin ties."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from sim.config import NetworkConfig, PopulationConfig
from sim.model.build.network import Network, build_network
from sim.model.build.population import US_BORN, build_population
from sim.model.build.resources import PERSON_BYTES, TIE_BYTES, estimate_bytes
from tests.conftest import small_config


def _build(n_people: int = 30_000, seed: int = 1, **kw) -> tuple:
    pop = build_population(PopulationConfig(n_people=n_people), 60, np.random.default_rng(seed))
    cfg = NetworkConfig(**kw)
    net = build_network(cfg, pop.community, pop.region, np.random.default_rng(seed + 1), pop.hh_type)
    return pop, cfg, net


def test_ties_are_symmetric_simple_and_homophilous() -> None:
    pop, cfg, net = _build()
    ties = net.ties
    assert isinstance(net, Network) and isinstance(ties, sp.csr_matrix)
    assert ties.shape == (pop.n_households,) * 2 and ties.has_sorted_indices
    assert (ties != ties.T).nnz == 0
    assert ties.diagonal().sum() == 0 and set(np.unique(ties.data)) == {1.0}
    dup = ties.copy()
    dup.sum_duplicates()
    assert dup.nnz == ties.nnz
    rows, cols = ties.nonzero()
    assert (pop.community[rows] == pop.community[cols]).mean() > 0.7
    community_degree = net.community_ties().nnz / pop.n_households
    assert abs(community_degree - cfg.mean_degree) < 1.0


def test_kin_is_symmetric_and_a_subset_of_ties() -> None:
    _, _, net = _build()
    assert net.kin.dtype == bool and len(net.kin) == net.ties.nnz
    assert 0 < net.kin.sum() < net.ties.nnz
    kin = net.kin_ties()
    assert (kin != kin.T).nnz == 0 and set(np.unique(kin.data)) == {1.0}
    assert (kin - kin.multiply(net.ties)).nnz == 0  # every kin tie is a tie
    assert kin.nnz + net.community_ties().nnz == net.ties.nnz
    np.testing.assert_array_equal(net.kin_degree(), np.diff(kin.indptr))


def test_immigrant_households_have_more_kin_and_some_us_born_have_immigrant_kin() -> None:
    pop, _, net = _build()
    kin_degree = net.kin_degree()
    immigrant = pop.hh_type != US_BORN
    assert kin_degree[immigrant].mean() > 1.5 * kin_degree[~immigrant].mean()
    kin = net.kin_ties().tocoo()
    has_immigrant_kin = np.zeros(pop.n_households, dtype=bool)
    has_immigrant_kin[kin.row[immigrant[kin.col]]] = True
    share = has_immigrant_kin[~immigrant].mean()
    assert 0.03 < share < 0.3  # a share of US-born households have immigrant kin; most have none
    # kin mostly live in the same community
    assert (pop.community[kin.row] == pop.community[kin.col]).mean() > 0.6


def test_none_means_no_ties_of_any_kind() -> None:
    pop, _, net = _build(kind="none", mean_degree=0.0)
    assert net.ties.nnz == 0 and len(net.kin) == 0 and net.kin_ties().nnz == 0
    assert net.ties.shape == (pop.n_households,) * 2


def test_kin_without_community_ties() -> None:
    _, _, net = _build(mean_degree=0.0)
    assert net.ties.nnz > 0 and net.kin.all()


def test_same_seed_same_network() -> None:
    _, _, a = _build(seed=5)
    _, _, b = _build(seed=5)
    assert (a.ties != b.ties).nnz == 0
    np.testing.assert_array_equal(a.kin, b.kin)


def test_tiny_and_all_us_born_populations() -> None:
    for n in (1, 2, 3, 10):
        pop = build_population(PopulationConfig(n_people=n), 10, np.random.default_rng(n))
        net = build_network(NetworkConfig(), pop.community, pop.region, np.random.default_rng(0), pop.hh_type)
        assert net.ties.shape == (pop.n_households,) * 2 and (net.ties != net.ties.T).nnz == 0
    pop = build_population(PopulationConfig(n_people=3000), 10, np.random.default_rng(0))
    net = build_network(NetworkConfig(), pop.community, pop.region, np.random.default_rng(0))  # no hh_type
    assert net.kin.any()


def test_a_million_people_s_network_fits_what_the_ram_guard_budgets() -> None:
    """At national scale the network must stay within the memory the RAM guard reserves (sim.model.build.resources):
    no more stored ties than households x (mean degree + the largest kin degree), each stored in at most
    TIE_BYTES, with 32-bit indices. How fast it builds is measured in benchmarks/, not asserted here."""
    cfg = small_config(n_people=1_000_000)
    pop = build_population(cfg.population, 60, np.random.default_rng(0))
    net = build_network(cfg.network, pop.community, pop.region, np.random.default_rng(1), pop.hh_type)
    ties = net.ties
    budgeted_degree = cfg.network.mean_degree + max(cfg.network.kin_degree.values())
    expected_households = cfg.population.n_people / cfg.population.mean_household_size
    assert abs(pop.n_households - expected_households) < 0.01 * expected_households
    assert 0 < ties.nnz <= pop.n_households * budgeted_degree
    assert ties.indices.dtype == ties.indptr.dtype == np.int32
    held = ties.data.nbytes + ties.indices.nbytes + ties.indptr.nbytes + net.kin.nbytes
    assert held <= ties.nnz * TIE_BYTES
    assert held + cfg.population.n_people * PERSON_BYTES <= estimate_bytes(cfg)
    assert (ties != ties.T).nnz == 0
