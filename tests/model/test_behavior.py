"""The pure kernels (sim/model/data/behavior.py): probabilities stay probabilities, levers point the right way."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from sim.model.data import behavior as bh

unit = st.floats(0, 1)
counts = st.floats(0, 1e3)
pos = st.floats(1e-3, 1e3)
nonneg = st.floats(0, 100)


@given(value=st.floats(-50, 50), hassle=nonneg, cost=nonneg, noise=st.floats(0.05, 10))
def test_attend_probability_is_a_probability_and_falls_with_cost(value, hassle, cost, noise) -> None:
    p = bh.attend_probability(value, hassle, cost, noise)
    assert 0.0 <= p <= 1.0
    assert bh.attend_probability(value, hassle, cost + 1.0, noise) <= p


@given(activity=unit, exposure=unit, delta=unit, theta=st.floats(0, 20))
def test_perceived_encounter_is_a_probability_rising_along_the_chain(activity, exposure, delta, theta) -> None:
    pi = bh.perceived_encounter(activity, exposure, delta, theta)
    assert 0.0 <= pi <= 1.0
    for bigger in (
        bh.perceived_encounter(min(1.0, activity + 0.1), exposure, delta, theta),
        bh.perceived_encounter(activity, min(1.0, exposure + 0.1), delta, theta),
        bh.perceived_encounter(activity, exposure, min(1.0, delta + 0.1), theta),
    ):
        assert bigger >= pi
    assert bh.perceived_encounter(0.0, exposure, delta, theta) == 0.0  # no activity, no fear
    assert bh.perceived_encounter(activity, exposure, 0.0, theta) == 0.0  # an agency that never tells, no fear


def test_expected_cost_covers_everyone_exposed_and_nobody_unexposed() -> None:
    loss = np.array([0.0, 30.0, 30.0, 30.0, 20.0, 20.0, 50.0])
    x_hat = np.array([0.0, 0.05, 0.2, 0.25, 0.3, 0.3, 1.0])
    us_born_only = np.array([[3.0, 0, 0, 0, 0, 0, 0]])
    mixed = np.array([[2.0, 1, 0, 0, 0, 0, 1]])
    mixed_with_kin = mixed + 0.3 * np.array([[0, 0, 0, 0, 0, 0, 2.0]])
    cost = [bh.expected_cost(e, np.array([0]), loss, x_hat, np.array([0.5]), np.array([0.6]), 3.0)[0] for e in (
        us_born_only, mixed, mixed_with_kin)]  # fmt: skip
    assert cost[0] == 0.0 and 0 < cost[1] < cost[2]


@given(a=counts, b=counts, sa=counts, sb=counts, trust=unit, strength=pos, lo=st.floats(0, 0.5), hi=st.floats(0.5, 1))
def test_perceived_disclosure_is_a_probability_and_falls_with_trust(a, b, sa, sb, trust, strength, lo, hi) -> None:
    d = bh.perceived_disclosure(a, b, sa, sb, trust, strength, lo, hi)
    assert 0.0 <= d <= 1.0
    assert bh.perceived_disclosure(a, b, sa, sb, min(1.0, trust + 0.1), strength, lo, hi) <= d + 1e-12


@given(slow=counts, fast=counts, rate=unit)
def test_the_slow_part_forgets_nothing(slow, fast, rate) -> None:
    assert bh.consolidate(slow, fast, rate) >= slow
    assert bh.consolidate(slow, 0.0, rate) == slow  # no evidence: conviction stays where it is


@given(fast=counts, memory=unit)
def test_the_fast_part_fades_without_evidence(fast, memory) -> None:
    assert bh.decay_and_add(fast, memory, 0.0) <= fast


@given(own=nonneg, tie=nonneg, ann=unit, news=nonneg)
def test_alarm_and_calm_evidence_are_nonnegative(own, tie, ann, news) -> None:
    assert bh.alarm_evidence(ann, news, own, tie, 4, 1, 10, 2) >= 0
    assert bh.calm_evidence(own, tie, ann, 0.5, 0.5, 0.1, 2) >= 0


@given(mine=unit, ties=unit, has=st.booleans(), weight=st.floats(0, 5))
def test_rumour_carries_only_alarm(mine, ties, has, weight) -> None:
    r = bh.rumour_alarm(mine, ties, has, weight)
    assert r >= 0
    if ties <= mine or not has:
        assert r == 0


@given(activity=unit, seen=nonneg, rate=unit, sens=st.floats(0, 10))
def test_perceived_activity_stays_in_unit_interval_and_follows_events(activity, seen, rate, sens) -> None:
    e = bh.perceived_activity(activity, seen, rate, sens)
    assert 0.0 <= e <= 1.0
    assert bh.perceived_activity(activity, seen + 1.0, rate, sens) >= e


@given(trust=unit, ceiling=unit, base=unit, ann=unit, viol=nonneg, rec=st.booleans(), la=unit, lv=unit, r=unit)
def test_trust_stays_in_unit_interval_and_never_recovers_above_its_ceiling(
    trust, ceiling, base, ann, viol, rec, la, lv, r
) -> None:
    t = bh.update_trust(trust, ceiling, base, ann, viol, rec, la, lv, r)
    assert 0.0 <= t <= 1.0
    if not rec:
        assert t <= trust + 1e-12
    else:
        assert t <= max(trust, min(base, ceiling)) + 1e-12
    assert bh.lower_ceiling(ceiling, viol, 0.1) <= ceiling


@given(delta=unit, kappa=unit, rule=unit)
def test_clinic_disclosure_is_a_probability(delta, kappa, rule) -> None:
    assert 0.0 <= bh.clinic_disclosure(delta, kappa, rule) <= 1.0


def test_stated_disclosure_of_routine_sharing_is_full() -> None:
    assert bh.stated_disclosure(0.1, True, 0.05, True) == 1.0
    assert bh.stated_disclosure(0.8, False, 0.05, False) == 0.8
    assert np.isclose(bh.stated_disclosure(1.0, True, 0.05, False), 0.05)


def test_news_decays_by_half_each_halflife_and_is_silent_before() -> None:
    np.testing.assert_allclose(bh.news_decay(np.array([-1, 0, 8, 16]), 8.0), [0.0, 1.0, 0.5, 0.25])


# Compiled and numpy code of the same rule agree within this many units in the last place on any CPU: twice the
# 2 ulp by which numba's and numpy's expm1 were seen to differ, for the arithmetic each pass adds after it.
MAX_ULP = 4


def test_compiled_household_passes_give_the_numpy_kernels_numbers() -> None:
    """The compiled loops of beliefs call the kernels one household at a time: numpy's numbers on arrays.

    Within MAX_ULP units in the last place, not bit for bit: numba's `expm1` and numpy's are different library
    functions and differ by up to 2 ulp on some CPUs (seen for 22 of 2,000 households on one), and a pass adds
    its own rounding on top. On one machine the compiled passes stay deterministic: the runs' bytes are checked
    exactly by the thread and same-seed tests.
    """
    import scipy.sparse as sp

    from sim.model.phases import beliefs

    rng = np.random.default_rng(7)
    n = 2000
    ids = rng.permutation(n)  # any order, as the agents engine acts
    seen = np.where(rng.random(n) < 0.6, 0.0, rng.exponential(1.0, n))  # most households see nothing
    activity = rng.random(n)
    expected = bh.perceived_activity(activity, seen, 0.3, 2.0)
    beliefs._each_activity(ids, activity, seen, np.zeros(n), np.zeros(n), 0.3, 2.0)
    np.testing.assert_array_max_ulp(activity, expected, maxulp=MAX_ULP)

    trust, ceiling, trust0 = rng.random(n), rng.random(n), rng.random(n)
    announcement, violations = rng.random(n) * (rng.random(n) < 0.3), rng.poisson(0.2, n).astype(float)
    region = rng.integers(0, 3, n)
    recovering = np.array([True, False, True])
    ceiling_after = bh.lower_ceiling(ceiling, violations, 0.1)
    trust_after = bh.update_trust(
        trust, ceiling_after, trust0, announcement, violations, recovering[region], 0.2, 0.3, 0.05
    )
    state = (trust, ceiling, trust0, announcement, violations, np.zeros(n), np.zeros(n))
    beliefs._each_trust(ids, state, recovering, region, (0.1, 0.2, 0.3, 0.05))
    np.testing.assert_array_max_ulp(ceiling, ceiling_after, maxulp=MAX_ULP)
    np.testing.assert_array_max_ulp(trust, trust_after, maxulp=MAX_ULP)

    ties = sp.random(n, n, density=0.002, random_state=1, format="csr")
    ties = ((ties + ties.T) > 0).astype(np.float64)
    ties.sort_indices()
    disclosure, rumour = rng.random(n), np.zeros(n)
    degree = np.diff(ties.indptr).astype(np.float64)
    expected = bh.rumour_alarm(disclosure, (ties @ disclosure) / np.maximum(degree, 1.0), degree > 0, 0.4)
    beliefs._each_rumour(ids, ties.indptr, ties.indices, disclosure, 0.4, rumour)
    np.testing.assert_array_max_ulp(rumour, expected, maxulp=MAX_ULP)


def test_saturation_is_one_minus_exp_and_exactly_zero_at_zero() -> None:
    x = np.concatenate([[0.0], np.random.default_rng(3).exponential(2.0, 1000)])
    assert np.array_equal(bh.saturation(x), -np.expm1(-x))
    assert bh.saturation(0.0) == 0.0 and np.all((bh.saturation(x) >= 0) & (bh.saturation(x) < 1))


def test_results_do_not_depend_on_the_number_of_threads() -> None:
    """The compiled passes spread households over threads; one thread or two gives the same bytes."""
    import numba
    import pandas as pd

    from sim.model.engine.week import UptakeModel
    from sim.results.outcomes import timeseries_frame
    from tests.conftest import small_config

    frames = []
    for n in (1, min(2, numba.config.NUMBA_NUM_THREADS)):
        model = UptakeModel(small_config(n_people=3000, weeks=40, seed=5))
        numba.set_num_threads(n)  # after the model's own choice (sim.model.engine.threads), for this test
        model.run()
        frames.append(timeseries_frame(model))
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    pd.testing.assert_frame_equal(frames[0], frames[1], check_exact=True)
