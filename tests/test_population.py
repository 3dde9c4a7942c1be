"""The synthetic population and the network."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.network import build_network
from sim.population import CITIZEN, CITIZEN_ONLY, MIXED_STATUS, build_population
from tests.conftest import small_config


@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 5000), seed=st.integers(0, 1000), size=st.floats(1, 6))
def test_people_and_households_conserved(n, seed, size) -> None:
    cfg = small_config(n_people=n, weeks=10).population
    cfg.mean_household_size = size
    pop = build_population(cfg, 10, np.random.default_rng(seed))
    assert pop.n_people == n
    assert pop.hh_size.sum() == n and pop.is_decider.sum() == pop.n_households
    np.testing.assert_array_equal(pop.household[pop.decider], np.arange(pop.n_households))
    assert not pop.is_child[pop.decider].any()
    assert np.all(pop.monthly_amount[~pop.eligible_ever] == 0)


def test_household_composition() -> None:
    pop = build_population(small_config(n_people=40000).population, 60, np.random.default_rng(0))
    hh_of = pop.hh_type[pop.household]
    assert np.all(pop.status[hh_of == CITIZEN_ONLY] == CITIZEN)
    mixed_children = pop.is_child & (hh_of == MIXED_STATUS)
    assert (pop.status[mixed_children] == CITIZEN).mean() > 0.8
    assert (pop.status[pop.decider[pop.hh_type == MIXED_STATUS]] != CITIZEN).all()
    shares = np.bincount(pop.hh_type, minlength=4) / pop.n_households
    np.testing.assert_allclose(shares, [0.82, 0.06, 0.08, 0.04], atol=0.02)


def test_network_is_symmetric_simple_and_homophilous() -> None:
    cfg = small_config(n_people=30000)
    pop = build_population(cfg.population, 60, np.random.default_rng(1))
    net = build_network(cfg.network, pop.community, pop.region, np.random.default_rng(2))
    assert (net != net.T).nnz == 0
    assert net.diagonal().sum() == 0 and set(np.unique(net.data)) == {1.0}
    rows, cols = net.nonzero()
    same = (pop.community[rows] == pop.community[cols]).mean()
    assert same > 0.7
    assert abs(net.nnz / pop.n_households - cfg.network.mean_degree) < 1.0
