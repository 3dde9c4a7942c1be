"""The world of one run: everything a phase reads or writes, and how it is built.

`World` holds the config, the static structure (population, network,
calendar, presence, groups, schedules), the dynamic state of
`sim.model.data.state` and the week's draws. Phases receive it and never
see the Mesa model. `build_world` builds it from a config: every static part
from its own named stream, then the starting beliefs (`start_beliefs`),
computed by the kernels the weekly phases use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from sim.config import CITIZEN_STATUSES, NEEDS, STATUSES, Config
from sim.model.build.calendar import Calendar, build_calendar
from sim.model.build.groups import GroupIndex
from sim.model.build.network import build_network
from sim.model.build.population import Population, build_population
from sim.model.build.presence import ArrestPool, build_arrest_pool, build_presence, exposure_by_status
from sim.model.build.schedule import PolicySchedule, build_schedule
from sim.model.data import behavior as bh
from sim.model.data.state import Households, Offices, People, Regions, WorkSets
from sim.model.data.tie_sums import tie_blocks

if TYPE_CHECKING:
    from sim.config import BehaviorConfig
    from sim.model.data.rng import Streams, WeekDraws
    from sim.model.data.tie_sums import TieBlocks


@dataclass
class World:
    """Everything a phase reads or writes: config, static structure, dynamic state, this week's draws."""

    cfg: Config
    streams: Streams
    pop: Population
    network: sp.csr_matrix  # every tie between households (community and kin), data 1.0
    tie_blocks: TieBlocks  # the same ties by block of households, for sums in memory order
    degree: np.ndarray  # float64 [H]: ties of each household
    presence: np.ndarray  # float64 [weeks, regions]: ICE presence
    schedule: PolicySchedule
    calendar: Calendar
    groups: GroupIndex
    people: People
    households: Households
    offices: Offices
    regions: Regions
    value: np.ndarray  # float64 [N]: benefit months at risk, in reference benefits
    hassle: np.ndarray  # float64 [needs]
    person_region: np.ndarray  # int16 [N]
    person_office: np.ndarray  # int32 [N]
    person_weight: np.ndarray  # float64 [N]: the sampling weight of the person's household
    visit_exposure: np.ndarray  # float64 [N]: real exposure x of whoever attends the person's visits
    exposed: np.ndarray  # float64 [H, statuses]: members, plus kin_weight x noncitizen kin, by status
    loss: np.ndarray  # float64 [statuses]: L_s
    exposure_hat: np.ndarray  # float64 [statuses]: x_hat_s
    residents: np.ndarray  # float64 [regions]: weighted residents
    kin: sp.csr_matrix  # the kin ties alone
    arrest_pool: ArrestPool
    week: int = 0
    draws: WeekDraws | None = None
    work: WorkSets = field(default_factory=WorkSets)


# The config sections a world's build reads besides the policy: two configs equal in these (and the seed) build
# the same population, network, calendar and starting beliefs, whatever their regimes.
BUILD_SECTIONS = ("population", "network", "enforcement", "behavior")


def shares_build(cfg: Config, other: Config) -> bool:
    """Whether `cfg` builds the same world as `other` up to its policy (a paired run and its counterpart do)."""
    same = cfg.seed == other.seed and cfg.weeks == other.weeks
    return same and all(getattr(cfg, k) == getattr(other, k) for k in BUILD_SECTIONS)


def build_world(cfg: Config, streams: Streams, like: World | None = None) -> World:
    """The population, network, schedules and initial state of one run.

    `like`: a world built from a config that `shares_build` with `cfg` (the
    other arm of a pair); its population, network, calendar and everything
    else that does not depend on the policy is reused rather than rebuilt,
    and the starting beliefs are its starting beliefs, so the arm is the one
    a fresh build would give (tests/model/test_model.py), at a fraction of the cost
    of building. Nothing in those parts changes during a run.
    """
    if like is not None and not shares_build(cfg, like.cfg):
        raise ValueError("build_world: `like` was built from a config that differs in more than its policy")
    b, s = cfg.behavior, streams
    n_regions = cfg.population.n_regions
    n_offices = n_regions * cfg.population.offices_per_region
    office_region = np.arange(n_offices) // cfg.population.offices_per_region
    presence_u = s.offices.random(n_regions)
    office_u = s.offices.random(n_offices)
    schedule = build_schedule(
        cfg.policy, cfg.weeks, n_regions, office_region, b.news_halflife_weeks, office_u, b.announcement_transfer
    )
    static = _static_parts(cfg, s, presence_u) if like is None else {k: getattr(like, k) for k in STATIC_PARTS}
    pop = static["pop"]
    world = World(
        cfg=cfg,
        streams=s,
        schedule=schedule,
        people=People.allocate(pop.n_people, receiving=pop.eligible_ever & (pop.eligible_week == 0)),
        households=Households.allocate(pop.n_households),
        offices=Offices.allocate(n_offices, disclosure=schedule.disclosure[0]),
        regions=Regions.allocate(n_regions),
        **static,
    )
    if like is None:
        _initial_beliefs(world, s.population)
    else:
        start_beliefs(world, like.households.trust0, like.households.reach)  # neither changes during a run
    return world


# World fields that do not depend on the policy: what `build_world(..., like=)` reuses.
STATIC_PARTS = (
    "pop",
    "network",
    "tie_blocks",
    "degree",
    "presence",
    "calendar",
    "groups",
    "value",
    "hassle",
    "person_region",
    "person_office",
    "person_weight",
    "visit_exposure",
    "exposed",
    "loss",
    "exposure_hat",
    "residents",
    "kin",
    "arrest_pool",
)


def _static_parts(cfg: Config, s: Streams, presence_u: np.ndarray) -> dict[str, object]:
    b, e = cfg.behavior, cfg.enforcement
    pop = build_population(cfg.population, cfg.weeks, s.population)
    network = build_network(cfg.network, pop.community, pop.region, s.network, pop.hh_type)
    ties, kin = network.ties, network.kin_ties()
    n_regions = cfg.population.n_regions
    calendar = build_calendar(pop, b, cfg.weeks)
    person_region = pop.region[pop.household]
    person_weight = pop.weight[pop.household]
    exposure = exposure_by_status(e)
    attendee = np.where(pop.is_child, pop.decider[pop.household], np.arange(pop.n_people))
    return {
        "pop": pop,
        "network": ties,
        "tie_blocks": tie_blocks(ties),
        "degree": np.diff(ties.indptr).astype(np.float64),
        "presence": build_presence(e, cfg.weeks, n_regions, presence_u),
        "calendar": calendar,
        "groups": GroupIndex(pop, calendar.clients, n_regions),
        "value": bh.value_at_stake(pop.monthly_amount, b.months_at_risk, b.reference_monthly),
        "hassle": np.array([b.hassle[k] for k in NEEDS]),
        "person_region": person_region,
        "person_office": pop.office[pop.household],
        "person_weight": person_weight,
        "visit_exposure": exposure[pop.status[attendee]],
        "exposed": exposed_by_status(pop, kin, b.kin_weight),
        "loss": np.array([b.loss[k] for k in STATUSES]),
        "exposure_hat": np.array([b.perceived_exposure[k] for k in STATUSES]),
        "residents": np.bincount(person_region, weights=person_weight, minlength=n_regions),
        "kin": kin,
        "arrest_pool": build_arrest_pool(pop, exposure[pop.status], person_region, n_regions),
    }


def exposed_by_status(pop: Population, kin: sp.csr_matrix, kin_weight: float) -> np.ndarray:
    """[H, statuses]: members of each status, plus `kin_weight` x noncitizen relatives in other households."""
    n_status = len(STATUSES)
    cell = pop.household.astype(np.int64) * n_status + pop.status
    members = np.bincount(cell, minlength=pop.n_households * n_status).reshape(pop.n_households, n_status)
    noncitizen = members.astype(np.float64)
    noncitizen[:, [STATUSES.index(c) for c in CITIZEN_STATUSES]] = 0.0
    return members + kin_weight * (kin @ noncitizen)


def _initial_beliefs(w: World, rng: np.random.Generator) -> None:
    """Trust drawn per household and news reach per community; then the starting beliefs (`start_beliefs`)."""
    b, pop = w.cfg.behavior, w.pop
    trust0 = np.clip(b.trust_mean + b.trust_sd * rng.standard_normal(pop.n_households), 0.0, 1.0)
    n_communities = w.cfg.population.n_communities
    comm_reach = np.clip(b.news_reach_mean + b.news_reach_sd * rng.standard_normal(n_communities), 0, 1)
    start_beliefs(w, trust0, comm_reach[pop.community])


def start_beliefs(w: World, trust0: np.ndarray, reach: np.ndarray) -> None:
    """Trust and news reach as drawn; E_hat at what week-0 arrests would show on average; delta_hat from them.

    E_hat starts at reach times the activity target (`bh.activity_target`) of
    the expected event news of week 0, the expected target of a household
    that hears local news with its community's reach, so the model starts
    near its steady state. delta_hat is the belief the weekly `take_stock`
    computes, by the same kernel (`bh.perceived_disclosure`), with no
    evidence yet.
    """
    cfg, b, h, pop = w.cfg, w.cfg.behavior, w.households, w.pop
    h.trust[:] = trust0
    h.trust0[:] = trust0
    h.reach[:] = reach
    exposure = exposure_by_status(cfg.enforcement)[pop.status]
    weighted_exposure = np.bincount(w.person_region, weights=exposure * w.person_weight, minlength=len(w.residents))
    arrests = bh.arrest_mean(cfg.enforcement.arrest_rate, w.presence[0], weighted_exposure)
    news = _expected_event_news(b, arrests, w.residents)
    h.activity[:] = h.reach * bh.activity_target(news[pop.region], b.activity_sensitivity)
    prior = (float(b.prior_strength), float(b.prior_disclosure_trusting), float(b.prior_disclosure_distrusting))
    h.disclosure[:] = bh.perceived_disclosure(h.a_fast, h.b_fast, h.a_slow, h.b_slow, h.trust, *prior)


def _expected_event_news(b: BehaviorConfig, arrests: np.ndarray, residents: np.ndarray) -> np.ndarray:
    """Week 0's expected event news by region: arrests alone (no visit yet disclosed), zeta-weighted, per 1,000.

    It is `sim.model.phases.enforcement.make_news` with no disclosures or
    encounters, but multiplied in another order (scale x 1000 x zeta x
    arrests / residents, where make_news takes per-1,000 x (zeta x
    arrests)): the two round differently in about half of all cases, so
    neither can be rewritten as the other without moving every run's
    numbers.
    """
    return b.event_news_scale * 1000.0 * b.event_news_encounter_weight * arrests / np.maximum(residents, 1e-12)
