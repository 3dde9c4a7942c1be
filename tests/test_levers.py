"""Every policy lever reaches the decision, in the right direction, under paired seeds.

Each test changes one input and checks that the outcome it should move
moves, and the right way: the claims the README and the brief make rest on
these. Sizes are small enough for CI; docs/ODD.md ("Levers") gives the
figures from larger runs and the commands that produce them.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

from sim.model import UptakeModel
from sim.simulate import paired_counterpart, run_scenario
from sim.state import OUTCOME_MISSED, SSN
from tests.conftest import small_config

N, WEEKS, SEEDS = 4000, 104, range(4)


def _loss(policy: str = "appointment_disclosure", **kw) -> float:
    """Mean over SEEDS of the mean uptake loss over weeks against the paired firewall run (pp)."""
    return _cached_loss(policy, tuple(sorted(kw.items())))


@functools.cache
def _cached_loss(policy: str, items: tuple) -> float:
    """`_loss`, computed once per worker for each setting (several tests compare against the directive)."""
    kw = dict(items)
    losses = [
        run_scenario(small_config(policy, n_people=N, weeks=WEEKS, seed=s, paired=True, **kw)).summary["metrics"][
            "uptake_loss_mean_pp"
        ]
        for s in SEEDS
    ]
    return float(np.mean(losses))


def test_loss_rises_with_stated_disclosure_and_vanishes_without_it() -> None:
    """An announcement that changes nothing scares nobody; more stated disclosure costs more uptake."""
    losses = [_loss(**{"policy.rules.disclosure_prob": p}) for p in (0.0, 0.4, 1.0)]
    assert abs(losses[0]) < 0.02, losses
    assert losses[0] < losses[1] < losses[2], losses


def test_regimes_rank_by_what_they_change() -> None:
    """Routine sharing costs more than the directive; general-counsel discretion and formal agreements less."""
    directive = _loss("appointment_disclosure")
    assert _loss("routine_sharing") > directive
    assert _loss("gc_discretionary") < directive
    assert _loss("formal_agreements") < directive


def test_more_ice_presence_costs_more_uptake() -> None:
    flat = {"enforcement.growth_per_year": 0.0}
    low, high = (_loss(**{**flat, "enforcement.base_presence": p}) for p in (0.1, 0.6))
    assert high > low > 0


@pytest.mark.parametrize(
    "mitigation",
    [
        {"policy.rules.records_kept": True},
        {"policy.outreach_week": 12, "policy.outreach_weeks": 52, "policy.outreach_reach": 0.3},
        {f"policy.remote_share.{k}": 0.5 for k in ("eligibility", "child_review", "direct_deposit")},
    ],
    ids=["records", "outreach", "remote_service"],
)
def test_mitigations_lower_the_loss(mitigation: dict) -> None:
    assert _loss(**mitigation) < _loss()


def _regional_misses(model: UptakeModel, region: int) -> np.ndarray:
    """Missed benefit appointments in `region`, week by week (agents)."""
    w, out = model.world, []
    for _ in range(model.cfg.weeks):
        model.step()
        due = w.work.due
        missed = (w.people.outcome[due] == OUTCOME_MISSED) & (w.people.need[due] != SSN)
        out.append(int((missed & (w.person_region[due] == region)).sum()))
    return np.array(out)


def test_a_regional_surge_raises_missed_benefit_appointments_there_within_weeks() -> None:
    """An ICE office opening in one region: more community arrests there, and within 8 weeks more misses."""
    week, region, n_regions = 40, 0, 2
    base = {"population.n_regions": n_regions, "policy.start_week": 0, "enforcement.growth_per_year": 0.0}
    surge = {**base, "enforcement.openings": f"[{{week: {week}, region: {region}, increment: 0.6}}]"}
    gain = []
    for seed in range(3):
        before_after = []
        for kw in (base, surge):
            misses = _regional_misses(UptakeModel(small_config(n_people=6000, weeks=week + 8, seed=seed, **kw)), region)
            before_after.append(misses[week : week + 8].sum() - misses[week - 8 : week].sum())
        gain.append(before_after[1] - before_after[0])
    assert np.mean(gain) > 0, gain


def _missed_per_eligible(df, status: str, household_type: str) -> float:
    rows = df[(df["status"] == status) & (df["household_type"] == household_type)]
    return float(rows["benefit_missed"].sum() / rows["eligible"].sum())


def test_citizens_in_all_citizen_immigrant_families_avoid_a_little_and_us_born_without_immigrant_kin_not_at_all():
    """Naturalized citizens fear a little (mistakes, kin): more missed benefit visits than under the firewall,
    fewer than the US-born children of mixed-status families, whose parent risks the most. US-born households
    with no immigrant kin have nobody a visit could expose: their decisions do not change at all."""
    extra = {"naturalized": [], "citizen": []}
    for seed in range(3):
        r = run_scenario(small_config(n_people=8000, weeks=WEEKS, seed=seed, paired=True))
        for status, kind in (("naturalized", "all_citizen_immigrant"), ("citizen", "mixed_status")):
            extra[status].append(
                _missed_per_eligible(r.timeseries, status, kind) - _missed_per_eligible(r.baseline, status, kind)
            )
    assert 0 < np.mean(extra["naturalized"]) < np.mean(extra["citizen"]), extra
    cfg = small_config(n_people=N, weeks=WEEKS, seed=1)
    arms = [UptakeModel(cfg), UptakeModel(paired_counterpart(cfg))]
    for m in arms:
        m.run()
    w = arms[0].world
    pop = w.pop
    nobody_exposed = w.exposed[:, 1:].sum(axis=1) == 0  # no naturalized or noncitizen member or kin
    lone = (nobody_exposed & (pop.hh_type == 0))[pop.household]
    assert lone.sum() > 500
    for name in ("receiving", "suspended", "misses", "outcome"):
        a, b = (getattr(m.world.people, name)[lone] for m in arms)
        np.testing.assert_array_equal(a, b, err_msg=name)
