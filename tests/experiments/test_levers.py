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

from sim.launch.simulate import paired_counterpart, run_scenario
from sim.model.data.state import OUTCOME_MISSED, SSN
from sim.model.engine.week import UptakeModel
from tests.conftest import small_config
from tests.model.test_lever_directions import EXPOSED

N, WEEKS, SEEDS = 4000, 104, range(6)
# With the default population and ICE the losses at 4,000 people are too small beside the seed spread for the
# levers to show (stated disclosure 0.4: 0.021 pp, sd 0.036, 20 seeds): the loss tests run where the directive's
# is 0.56 pp (sd 0.25, 12 seeds), in the population and ICE of tests/model/test_lever_directions.py (`EXPOSED`).
MEASURE_SEEDS = range(12)  # the seeds behind the figures quoted (`python -m tests.experiments.test_levers`)


def _losses(policy: str = "appointment_disclosure", **kw) -> np.ndarray:
    """Per seed of SEEDS, the mean uptake loss over weeks against the paired firewall run (pp), in EXPOSED."""
    return _cached_losses(policy, tuple(sorted(kw.items())), SEEDS)


@functools.cache
def _cached_losses(policy: str, items: tuple, seeds: range) -> np.ndarray:
    """`_losses`, computed once per worker for each setting (several tests compare against the directive)."""
    kw = {**EXPOSED, **dict(items)}
    return np.array(
        [
            run_scenario(small_config(policy, n_people=N, weeks=WEEKS, seed=s, paired=True, **kw)).summary["metrics"][
                "uptake_loss_mean_pp"
            ]
            for s in seeds
        ]
    )


def _assert_lowers(name: str, lower: np.ndarray, higher: np.ndarray, tolerance_pp: float) -> None:
    """`lower` is the smaller loss: by more than the tolerance on average, and on no seed larger by more than it."""
    step = higher - lower
    assert step.mean() > tolerance_pp, f"{name}: loss lowered by {step.mean():.4f} pp on average"
    assert step.min() > -tolerance_pp, f"{name}: loss raised by {-step.min():.4f} pp on a seed"


# Against the firewall, stated disclosure 0 is no announcement and no disclosure, where the firewall's formal
# requests still disclose: 12 seeds lose at most +0.0000 pp (mean -0.033, sd 0.044). A loss of more than
# NO_LOSS_PP would be fear from a rule that changes nothing.
NO_LOSS_PP = 0.02
# 12 seeds: disclosure 0 -> 0.4 raises the loss 0.24 pp (sd 0.095, least +0.078), 0.4 -> 1 by 0.54 pp (sd 0.24,
# least +0.21): 4.9x and 11x the tolerance
DISCLOSURE_STEP_PP = 0.05


@pytest.mark.slow  # 18 paired runs at 4,000 people: about 20 s of one core
def test_loss_rises_with_stated_disclosure_and_vanishes_without_it() -> None:
    """An announcement that changes nothing scares nobody; more stated disclosure costs more uptake."""
    none, some, full = (_losses(**{"policy.rules.disclosure_prob": p}) for p in (0.0, 0.4, 1.0))
    assert none.max() <= NO_LOSS_PP, none
    _assert_lowers("disclosure 0 against 0.4", none, some, DISCLOSURE_STEP_PP)
    _assert_lowers("disclosure 0.4 against 1", some, full, DISCLOSURE_STEP_PP)


# 12 seeds, against the directive (0.56 pp, sd 0.25): routine sharing +0.20 pp (sd 0.13, least +0.048; seeds
# 0 to 5: +0.22, 4.5x), general-counsel discretion -0.51 pp (sd 0.23, least -0.26), formal agreements -0.54 pp
# (sd 0.25, least -0.23). Routine sharing's extra loss is smallest: it is the tolerance's bound.
REGIME_STEP_PP = 0.05


@pytest.mark.slow  # 18 paired runs at 4,000 people: about 20 s of one core
def test_regimes_rank_by_what_they_change() -> None:
    """Routine sharing costs more than the directive; general-counsel discretion and formal agreements less."""
    directive = _losses("appointment_disclosure")
    _assert_lowers("directive against routine sharing", directive, _losses("routine_sharing"), REGIME_STEP_PP)
    _assert_lowers("general-counsel discretion", _losses("gc_discretionary"), directive, REGIME_STEP_PP)
    _assert_lowers("formal agreements", _losses("formal_agreements"), directive, REGIME_STEP_PP)


# 12 seeds: ICE presence 0.1 -> 0.6 raises the loss 0.65 pp (sd 0.29, least +0.21; 4.3x the tolerance); at 0.1
# it is 0.12 pp (sd 0.13, never below 0)
ICE_STEP_PP = 0.15


def test_more_ice_presence_costs_more_uptake() -> None:
    flat = {"enforcement.growth_per_year": 0.0}
    low, high = (_losses(**{**flat, "enforcement.base_presence": p}) for p in (0.1, 0.6))
    _assert_lowers("ICE presence 0.1 against 0.6", low, high, ICE_STEP_PP)
    assert low.mean() > 0, low


# mitigation: (its settings, tolerance in pp). Records kept are not here: they let trust recover (+0.18, 20
# seeds, tests/model/test_lever_directions.py) but trust only sets the prior, which the directive's evidence outweighs:
# 12 seeds lower the loss by 0.012 pp (sd 0.024), below what 6 seeds can tell from noise.
MITIGATIONS = {
    # 12 seeds: the loss 0.47 pp lower (sd 0.24, least +0.12): 4.7x the tolerance
    "remote_service": (
        {f"policy.remote_share.{k}": 0.5 for k in ("eligibility", "child_review", "direct_deposit")},
        0.1,
    ),
    # 12 seeds: the loss 0.12 pp lower (sd 0.11, least +0.024; seeds 0 to 5: 0.068, least +0.041, 3.4x). At
    # reach 0.3 from week 12 (conf/mitigation/outreach_30.yaml) it is 0.034 pp (sd 0.041), within the noise
    "outreach": ({"policy.outreach_week": 8, "policy.outreach_weeks": 52, "policy.outreach_reach": 1.0}, 0.02),
}


@pytest.mark.parametrize("mitigation", list(MITIGATIONS))
def test_mitigations_lower_the_loss(mitigation: str) -> None:
    settings, tolerance_pp = MITIGATIONS[mitigation]
    _assert_lowers(mitigation, _losses(**settings), _losses(), tolerance_pp)


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
    # This loop over range(8) gains 2, 13, 1, 1, 1, 4, 5 and 3 missed benefit appointments (agents), seed by seed:
    # never none, so no slack.
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
    # This loop over range(6), extra missed benefit appointments per eligible: naturalized 0 to 0.00048 (mean
    # 0.00025), the citizens of mixed-status families 0.0016 to 0.0073 (mean 0.0036), above them on every seed.
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


if __name__ == "__main__":  # the figures quoted above, on MEASURE_SEEDS
    directive = _cached_losses("appointment_disclosure", (), MEASURE_SEEDS)
    print(f"directive: loss {directive.mean():+.4f} pp (sd {directive.std(ddof=1):.4f})")
    cases = {
        "disclosure 0": {"policy.rules.disclosure_prob": 0.0},
        "disclosure 0.4": {"policy.rules.disclosure_prob": 0.4},
        "disclosure 1": {"policy.rules.disclosure_prob": 1.0},
        "ICE 0.1": {"enforcement.growth_per_year": 0.0, "enforcement.base_presence": 0.1},
        "ICE 0.6": {"enforcement.growth_per_year": 0.0, "enforcement.base_presence": 0.6},
        "records kept": {"policy.rules.records_kept": True},
        **{name: settings for name, (settings, _) in MITIGATIONS.items()},
    }
    for name, kw in cases.items():
        x = _cached_losses("appointment_disclosure", tuple(sorted(kw.items())), MEASURE_SEEDS)
        print(f"{name}: loss {x.mean():+.4f} pp (sd {x.std(ddof=1):.4f}, {x.min():+.4f} to {x.max():+.4f})")
    for regime in ("routine_sharing", "gc_discretionary", "formal_agreements"):
        x = _cached_losses(regime, (), MEASURE_SEEDS) - directive
        print(f"{regime} - directive: {x.mean():+.4f} pp (sd {x.std(ddof=1):.4f}, {x.min():+.4f} to {x.max():+.4f})")
