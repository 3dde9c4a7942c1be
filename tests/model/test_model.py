"""Policy effects under paired seeds, and invariants on random configs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.launch.simulate import paired_counterpart
from sim.model.build.groups import WEEKS_PER_MONTH
from sim.model.build.population import US_BORN
from sim.model.engine.week import UptakeModel
from sim.results.outcomes import region_frame, timeseries_frame
from tests.conftest import small_config

POLICY_N, POLICY_WEEKS = 30000, 156


def _run(policy: str, **kw) -> UptakeModel:
    model = UptakeModel(small_config(policy, n_people=POLICY_N, weeks=POLICY_WEEKS, **kw))
    model.run()
    return model


@pytest.fixture(scope="module")
def paired_runs() -> dict[str, UptakeModel]:
    runs = {"firewall": _run("firewall")}
    for policy in ("appointment_disclosure", "injunction"):  # the same seed and world: built like the firewall's
        model = UptakeModel(small_config(policy, n_people=POLICY_N, weeks=POLICY_WEEKS), like=runs["firewall"])
        model.run()
        runs[policy] = model
    return runs


def _uptake(model: UptakeModel, mask=None):
    df = timeseries_frame(model)
    if mask is not None:
        df = df[mask(df)]
    weekly = df.groupby("week")[["receiving", "eligible"]].sum()
    return (weekly["receiving"] / weekly["eligible"]).to_numpy()


def test_directive_never_raises_overall_uptake(paired_runs) -> None:
    directive = _uptake(paired_runs["appointment_disclosure"])
    firewall = _uptake(paired_runs["firewall"])
    assert np.all(directive <= firewall + 1e-12)
    assert directive[-1] < firewall[-1]


@pytest.mark.parametrize(
    "mask",
    [
        lambda df: df["status"] != "citizen",
        lambda df: df["household_type"] == "mixed_status",
    ],
    ids=["noncitizen", "mixed_status"],
)
def test_directive_lowers_uptake_of_exposed_groups(paired_runs, mask) -> None:
    directive = _uptake(paired_runs["appointment_disclosure"], mask)
    firewall = _uptake(paired_runs["firewall"], mask)
    assert directive[52:].mean() < firewall[52:].mean()
    assert directive[-1] < firewall[-1]


def test_us_born_households_without_immigrant_kin_unaffected(paired_runs) -> None:
    """Nobody they could expose by a visit: the directive changes none of their decisions."""
    fw, dr = paired_runs["firewall"], paired_runs["appointment_disclosure"]
    w = fw.world
    untied_households = (fw.pop.hh_type == US_BORN) & (w.exposed[:, 1:].sum(axis=1) == 0)
    people = untied_households[fw.pop.household] & fw.pop.eligible_ever
    assert people.sum() > 500
    np.testing.assert_array_equal(fw.people.receiving[people], dr.people.receiving[people])
    untied = untied_households[fw.pop.household]
    np.testing.assert_array_equal(fw.people.outcome[untied], dr.people.outcome[untied])


def test_injunction_recovers_some_of_the_loss(paired_runs) -> None:
    """After a court's order the loss falls below the directive's (how much remains is a finding, not a test)."""
    fw = _uptake(paired_runs["firewall"], lambda df: df["status"] != "citizen")
    dr = _uptake(paired_runs["appointment_disclosure"], lambda df: df["status"] != "citizen")
    inj = _uptake(paired_runs["injunction"], lambda df: df["status"] != "citizen")
    tail = slice(POLICY_WEEKS - 26, POLICY_WEEKS)
    loss_directive = (fw[tail] - dr[tail]).mean()
    loss_injunction = (fw[tail] - inj[tail]).mean()
    assert loss_injunction < loss_directive and loss_directive > 0


def test_injunction_matches_directive_before_the_court_acts(paired_runs) -> None:
    week = paired_runs["injunction"].cfg.policy.injunction_week
    dr = _uptake(paired_runs["appointment_disclosure"])[:week]
    inj = _uptake(paired_runs["injunction"])[:week]
    np.testing.assert_array_equal(dr, inj)


POLICIES = st.sampled_from(
    ["firewall", "formal_agreements", "appointment_disclosure", "routine_sharing", "gc_discretionary", "injunction"]
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    policy=POLICIES,
    seed=st.integers(0, 2**31),
    n_people=st.integers(1, 1500),
    weeks=st.integers(1, 70),
    presence=st.floats(0, 1),
    degree=st.floats(0, 20),
    memory=st.floats(0, 1),
    rumour=st.floats(0, 3),
    engine=st.sampled_from(["vectorized", "vectorized", "agents"]),
)
def test_invariants_on_random_configs(policy, seed, n_people, weeks, presence, degree, memory, rumour, engine) -> None:
    overrides = {
        "seed": seed,
        "engine": engine,
        "enforcement.base_presence": presence,
        "network.mean_degree": degree,
        "behavior.fast_memory": memory,
        "behavior.rumour": rumour,
        "policy.start_week": min(8, weeks - 1),
    }
    if policy == "injunction":
        overrides["policy.injunction_week"] = weeks - 1
    model = UptakeModel(small_config(policy, n_people=n_people, weeks=weeks, **overrides))
    model.run()
    df = timeseries_frame(model)
    h = model.households
    for beliefs in (model.perceived_disclosure, h.activity, h.trust, h.trust_ceiling):
        assert np.all((beliefs >= 0) & (beliefs <= 1))
    assert np.all(h.trust <= np.maximum(h.trust0, h.trust_ceiling) + 1e-12)
    for col in ("perceived_disclosure_mean", "perceived_activity_mean", "trust_mean"):
        assert np.all((df[col] >= 0) & (df[col] <= 1)), col
    # people conserved: every agent every week, and the weights represent as many people as there are agents
    assert (df.groupby("week")["agents"].sum() == model.pop.n_people).all()
    np.testing.assert_allclose(df.groupby("week")["people"].sum(), model.pop.person_weight.sum(), rtol=1e-9)
    counts = df.select_dtypes("number")
    assert (counts.drop(columns=["week"]) >= 0).all().all()
    eps = 1e-9 * max(1.0, float(df["people"].max()))
    assert (df["receiving"] <= df["eligible"] + eps).all()
    np.testing.assert_allclose(df["remote"] + df["attended"] + df["missed"], df["due"], rtol=1e-12, atol=eps)
    assert (df["disclosures"] <= df["requests"] + eps).all() and (df["encounters"] <= df["disclosures"] + eps).all()
    weekly = model.pop.monthly_amount / WEEKS_PER_MONTH * model.pop.person_weight
    entitled = np.array([weekly[model.pop.eligible_ever & (model.pop.eligible_week <= w)].sum() for w in range(weeks)])
    paid_forgone = df.groupby("week")[["paid_usd", "forgone_usd"]].sum().sum(axis=1).to_numpy()
    np.testing.assert_allclose(paid_forgone, entitled, rtol=1e-9, atol=1e-6)


@pytest.mark.parametrize("engine", ["vectorized", "agents"])
def test_a_counterpart_built_like_its_pair_is_the_run_a_fresh_build_gives(engine: str) -> None:
    """Paired runs reuse the first arm's population, network and starting beliefs (after it has run): the
    counterpart must be the very run a build of its own gives, so nothing a run writes may be in those parts."""
    cfg = small_config("appointment_disclosure", n_people=2500, weeks=30, seed=3, engine=engine)
    first = UptakeModel(cfg)
    first.run()
    shared, fresh = UptakeModel(paired_counterpart(cfg), like=first), UptakeModel(paired_counterpart(cfg))
    for model in (shared, fresh):
        model.run()
    pd.testing.assert_frame_equal(timeseries_frame(shared), timeseries_frame(fresh))
    pd.testing.assert_frame_equal(region_frame(shared), region_frame(fresh))
    np.testing.assert_array_equal(shared.households.disclosure, fresh.households.disclosure)


def test_a_world_is_built_like_another_only_when_they_differ_in_policy_alone() -> None:
    cfg = small_config("appointment_disclosure", n_people=800, weeks=4, seed=3)
    first = UptakeModel(cfg)
    for field, value in (("seed", 4), ("weeks", 5)):
        other = small_config("appointment_disclosure", n_people=800, weeks=4, seed=3)
        setattr(other, field, value)
        with pytest.raises(ValueError, match="differs in more than its policy"):
            UptakeModel(other, like=first)
    other = small_config("appointment_disclosure", n_people=800, weeks=4, seed=3, **{"behavior.kin_weight": 0.9})
    with pytest.raises(ValueError, match="differs in more than its policy"):
        UptakeModel(other, like=first)
