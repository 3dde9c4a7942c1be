"""Every policy lever moves the outcome it acts on, the way the model claims, on paired seeds.

One row of `LEVERS` per lever: the scenario in which its effect is plain at test size, the lever's low and
high setting, and the outcomes it must move with their direction. Both settings run on the same seeds (the
second arm built `like=` the first where only the policy differs), so the step between them is the lever's
alone. Outcomes:

- `missed_pp`: missed appointments, in percent of appointments due over the whole run (the visits deterred,
  the mechanism of the uptake loss);
- `uptake_pp`: benefit uptake averaged over weeks, in percent of the eligible;
- `trust_final`: the households' mean trust in the agency at the last week (0 to 1);
- `belief_after_order`: the perceived probability that the agency tells ICE (delta_hat, 0 to 1), averaged over
  people and over the 8 weeks from `ORDER_WEEK`, when the injunction row's court acts.

Each outcome's `tolerance` is how far one paired seed may go against the lever (a suspension a week earlier
shifts one person's path), and the mean over seeds must go the lever's way by more than it. Every tolerance
is at most a third of the effect measured over 20 seeds, and at least the worst seed's step against the lever
in those 20 seeds; the figures are in each row's comment, reproduced by

    UPTAKE_SIM_THREADS=1 PYTHONPATH=. .venv/bin/python -m tests.model.test_lever_directions

`python -m tests.mutate` reverses each lever in a copy of the source and checks that these tests catch it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest

from sim.config import NEEDS
from sim.model.build.world import shares_build
from sim.model.engine.week import UptakeModel
from sim.results.outcomes import timeseries_frame
from tests.conftest import small_config

# Many noncitizen households and an active ICE (every request granted is followed up), the directive from week
# 0: the population and enforcement in which a lever's effect on the visits deterred is large at 3,000 people.
EXPOSED_POPULATION = {
    "population.household_type_shares.us_born": 0.4,
    "population.household_type_shares.all_citizen_immigrant": 0.1,
    "population.household_type_shares.green_card_citizen": 0.1,
    "population.household_type_shares.mixed_status": 0.3,
    "population.household_type_shares.visa_holder": 0.1,
}
EXPOSED = {
    **EXPOSED_POPULATION,
    "enforcement.request_rate": 1.0,
    "enforcement.apprehension": 0.6,
    "policy.start_week": 0,
}
N, WEEKS, SEEDS = 3000, 104, range(6)
ORDER_WEEK = 26  # the court's order of the injunction row
MEASURE_SEEDS = range(20)  # the seeds behind each row's figures (`python -m tests.model.test_lever_directions`)


@dataclass(frozen=True)
class Lever:
    """A lever's low and high setting in its scenario, and the outcomes it moves: {outcome: (sign, tolerance)}."""

    claim: str
    low: dict
    high: dict
    outcomes: dict[str, tuple[int, float]]
    scenario: dict = field(default_factory=lambda: EXPOSED)


def _remote(share: float) -> dict[str, float]:
    return {f"policy.remote_share.{need}": share for need in NEEDS}


LEVERS = {
    # 20 seeds: missed +10.2 pp (sd 1.8, least +6.8); uptake -0.38 pp (sd 0.19, least -0.08): 5.1x and 3.8x
    "disclosure": Lever(
        "more stated disclosure: more visits deterred, uptake never higher",
        {"policy.rules.disclosure_prob": 0.2},
        {"policy.rules.disclosure_prob": 1.0},
        {"missed_pp": (+1, 2.0), "uptake_pp": (-1, 0.1)},
    ),
    # 20 seeds: missed +8.0 pp (sd 1.5, least +5.9): 8.0x. At request rate 0.3, so that "no request needed" counts
    "routine_sharing": Lever(
        "schedules passed on as routine: more visits deterred than on request",
        {"policy.rules.routine": False},
        {"policy.rules.routine": True},
        {"missed_pp": (+1, 1.0)},
        {**EXPOSED, "enforcement.request_rate": 0.3},
    ),
    # 20 seeds: missed +18.4 pp (sd 2.6, least +12.6); uptake -0.99 pp (sd 0.33, least -0.52): 4.6x and 3.3x
    "ice_presence": Lever(
        "more ICE presence: more visits deterred, uptake lower",
        {"enforcement.base_presence": 0.2},
        {"enforcement.base_presence": 0.8},
        {"missed_pp": (+1, 4.0), "uptake_pp": (-1, 0.3)},
    ),
    # 20 seeds: trust +0.181 (sd 0.016, least +0.146): 4.5x. Its effect on the visits deterred is within the noise
    # here (missed -0.13 pp, sd 0.24, on 6 seeds): trust sets the prior, which the directive's evidence outweighs
    "records_kept": Lever(
        "records kept: trust recovers",
        {"policy.rules.records_kept": False},
        {"policy.rules.records_kept": True},
        {"trust_final": (+1, 0.04)},
    ),
    # 20 seeds: missed -18.9 pp (sd 2.9, least -13.2); uptake +0.66 pp (sd 0.27, least +0.24): 4.7x and 4.4x
    "remote_service": Lever(
        "half of every need met remotely: fewer missed in-person appointments, uptake higher",
        _remote(0.0),
        _remote(0.5),
        {"missed_pp": (-1, 4.0), "uptake_pp": (+1, 0.15)},
    ),
    # 20 seeds: missed -1.64 pp (sd 0.59, least -0.77): 3.3x. At reach 0.5 from week 12 it is half that
    # (-0.79 pp, sd 0.43, 6 seeds), too close to the noise of 6 seeds
    "outreach": Lever(
        "outreach reaching every household for a year: fewer visits deterred",
        {"policy.outreach_reach": 0.0},
        {"policy.outreach_reach": 1.0},
        {"missed_pp": (-1, 0.5)},
        {**EXPOSED, "policy.outreach_week": 8, "policy.outreach_weeks": 52},
    ),
    # 20 seeds: missed -6.9 pp (sd 1.6, least -5.0); trust +0.200 (sd 0.018, least +0.157): 3.4x and 4.0x.
    # The order's news calms at once: belief in its first 8 weeks -0.043 (seeds 0 to 5: -0.033 to -0.053), 4.3x;
    # news of the order heard as alarm instead leaves the other two outcomes in place and makes this +0.014 to +0.025
    "injunction": Lever(
        "a court's order at week 26: fewer visits deterred, trust recovers, its news calms at once",
        {"policy.injunction_week": -1},
        {"policy.injunction_week": ORDER_WEEK},
        {"missed_pp": (-1, 2.0), "trust_final": (+1, 0.05), "belief_after_order": (-1, 0.01)},
    ),
    # 20 seeds: missed -3.3 pp (sd 0.87, least -1.6): 4.1x. Under the active ICE of EXPOSED the evidence outweighs
    # the prior that trust sets (missed -1.4 pp, sd 1.0, 6 seeds)
    "trust": Lever(
        "households that trust the agency more miss fewer appointments",
        {"behavior.trust_mean": 0.3},
        {"behavior.trust_mean": 0.8},
        {"missed_pp": (-1, 0.8)},
        {**EXPOSED_POPULATION, "behavior.trust_sd": 0.0},  # the directive at its defaults: the prior counts most
    ),
}


def _run(cfg, like: UptakeModel | None = None) -> UptakeModel:
    """One arm; built like `like` (its population, network and starting beliefs) where only the policy differs."""
    model = UptakeModel(cfg, like=like if like is not None and shares_build(cfg, like.cfg) else None)
    model.run()
    return model


def outcomes(model: UptakeModel) -> dict[str, float]:
    """The outcomes a lever moves, in the units of the module docstring."""
    df = timeseries_frame(model)
    weekly = df.groupby("week")[["receiving", "eligible"]].sum()
    after = df[df["week"].between(ORDER_WEEK, ORDER_WEEK + 7)]
    return {
        "missed_pp": 100.0 * df["missed"].sum() / df["due"].sum(),
        "uptake_pp": 100.0 * float((weekly["receiving"] / weekly["eligible"]).mean()),
        "trust_final": float(model.households.trust.mean()),
        "belief_after_order": float(np.average(after["perceived_disclosure_mean"], weights=after["people"])),
    }


def steps(lever: Lever, seeds: range) -> dict[str, np.ndarray]:
    """Per seed, high setting minus low setting of each outcome, signed so that the lever's direction is positive."""
    out: dict[str, list[float]] = {name: [] for name in lever.outcomes}
    for seed in seeds:
        low = _run(small_config(n_people=N, weeks=WEEKS, seed=seed, **{**lever.scenario, **lever.low}))
        high = _run(small_config(n_people=N, weeks=WEEKS, seed=seed, **{**lever.scenario, **lever.high}), like=low)
        a, b = outcomes(low), outcomes(high)
        for name, (sign, _) in lever.outcomes.items():
            out[name].append(sign * (b[name] - a[name]))
    return {name: np.array(v) for name, v in out.items()}


@pytest.mark.parametrize("name", list(LEVERS))
def test_lever_moves_its_outcomes_its_way_on_paired_seeds(name: str) -> None:
    """On every seed the lever never goes against its direction by more than the tolerance; on average it goes
    its way by more than the tolerance (so a lever cut from the model, or reversed, fails)."""
    lever = LEVERS[name]
    for outcome, step in steps(lever, SEEDS).items():
        tolerance = lever.outcomes[outcome][1]
        assert step.min() >= -tolerance, f"{name} ({lever.claim}): {outcome} against the lever by {-step.min():.4g}"
        assert step.mean() > tolerance, f"{name} ({lever.claim}): {outcome} moved {step.mean():.4g} on average"


if __name__ == "__main__":  # the figures in each row's comment
    for name, lever in LEVERS.items():
        for outcome, step in steps(lever, MEASURE_SEEDS).items():
            tolerance = lever.outcomes[outcome][1]
            print(
                f"{name:16s} {outcome:12s} effect {step.mean():+.4f} sd {step.std(ddof=1):.4f} "
                f"least {step.min():+.4f} (seeds {len(step)}); tolerance {tolerance:g}, "
                f"effect / tolerance {step.mean() / tolerance:.1f}; first {len(SEEDS)} seeds: "
                f"effect {step[: len(SEEDS)].mean():+.4f} least {step[: len(SEEDS)].min():+.4f}",
                flush=True,
            )
