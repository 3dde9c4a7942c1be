"""`UptakeModel`: the week, declared once as an ordered list of phases.

`WEEK` lists every phase of a week in order: who acts and the rule they
follow, each rule a function in the module of its mechanism
(`appointments`, `enforcement`, `decision`, `beliefs`). `UptakeModel.step`
runs that list through the executor the config chose (`sim.model.engine.executors`) and
records the week's outcomes; nothing else in the model branches on the
engine. `python -m sim.run --show-week` prints the list.
"""

from __future__ import annotations

import logging
import os
import sys

import mesa
import numpy as np
import scipy.sparse as sp

from sim.config import CITIZEN_STATUSES, NEEDS, STATUSES, Config
from sim.model.build.network import build_network
from sim.model.build.population import Population, build_population
from sim.model.build.resources import check_resources
from sim.model.build.schedule import build_schedule
from sim.model.data import behavior as bh
from sim.model.data.rng import Streams, draw_week
from sim.model.data.state import HOUSEHOLD, OFFICE, PERSON, WORLD, Households, Offices, People, Regions, World
from sim.model.data.tie_sums import tie_blocks
from sim.model.engine import threads
from sim.model.engine.executors import EXECUTORS, Phase
from sim.model.phases import appointments, beliefs, decision, enforcement
from sim.results.outcomes import GroupIndex, weekly_outcomes

logging.getLogger("MESA").setLevel(logging.WARNING)  # Mesa logs every step at INFO

WEEK: tuple[Phase, ...] = (
    Phase(WORLD, draw_week),
    Phase(OFFICE, enforcement.open_offices, enforcement.all_offices),
    Phase(PERSON, appointments.arise_needs, appointments.people_with_new_needs),
    Phase(PERSON, decision.decide, decision.people_due),
    Phase(PERSON, enforcement.face_enforcement, enforcement.people_attending),
    Phase(PERSON, appointments.settle, appointments.people_decided),
    Phase(PERSON, enforcement.arrest, enforcement.people_arrested),
    Phase(HOUSEHOLD, decision.visit_clinic, decision.households_with_clinic_need),
    Phase(WORLD, enforcement.make_news),
    Phase(HOUSEHOLD, beliefs.tally, beliefs.households_with_events),
    Phase(HOUSEHOLD, beliefs.hear_from_ties, beliefs.households_tied_to_events),
    Phase(HOUSEHOLD, beliefs.hear_news, beliefs.households_hearing_news),
    Phase(HOUSEHOLD, beliefs.listen_to_rumour, beliefs.all_households),
    Phase(HOUSEHOLD, beliefs.update_disclosure_belief, beliefs.all_households),
    Phase(HOUSEHOLD, beliefs.update_activity, beliefs.all_households),
    Phase(HOUSEHOLD, beliefs.update_trust, beliefs.households_whose_trust_can_move),
    Phase(HOUSEHOLD, beliefs.take_stock, beliefs.all_households),
)


def format_week() -> str:
    """The week as a numbered list: phase, who acts, where the rule lives, what it does."""
    lines = []
    for i, phase in enumerate(WEEK, 1):
        lines.append(f"{i:2d}. {phase.name:<18} {phase.unit:<9} {phase.where:<40} {phase.summary}")
    lines.append("    then: weekly outcomes by group (sim.results.outcomes.weekly_outcomes)")
    return "\n".join(lines)


def show_progress(wanted: bool) -> bool:
    """A progress bar only for an interactive single run: never in CI, sweeps, or without a terminal."""
    if not wanted or os.environ.get("CI") or not sys.stderr.isatty():
        return False
    try:
        from hydra.core.hydra_config import HydraConfig
        from hydra.types import RunMode

        return not (HydraConfig.initialized() and HydraConfig.get().mode == RunMode.MULTIRUN)
    except ImportError:
        return True


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
    a fresh build would give (tests/test_model.py), at a fraction of the cost
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
        _start_beliefs(world, like.households.trust0, like.households.reach)  # neither changes during a run
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
    calendar = appointments.build_calendar(pop, b, cfg.weeks)
    person_region = pop.region[pop.household]
    person_weight = pop.weight[pop.household]
    exposure = enforcement.exposure_by_status(e)
    attendee = np.where(pop.is_child, pop.decider[pop.household], np.arange(pop.n_people))
    return {
        "pop": pop,
        "network": ties,
        "tie_blocks": tie_blocks(ties),
        "degree": np.diff(ties.indptr).astype(np.float64),
        "presence": enforcement.build_presence(e, cfg.weeks, n_regions, presence_u),
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
        "arrest_pool": enforcement.build_arrest_pool(pop, exposure[pop.status], person_region, n_regions),
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
    """Trust drawn per household and news reach per community; then the starting beliefs (`_start_beliefs`)."""
    b, pop = w.cfg.behavior, w.pop
    trust0 = np.clip(b.trust_mean + b.trust_sd * rng.standard_normal(pop.n_households), 0.0, 1.0)
    n_communities = w.cfg.population.n_communities
    comm_reach = np.clip(b.news_reach_mean + b.news_reach_sd * rng.standard_normal(n_communities), 0, 1)
    _start_beliefs(w, trust0, comm_reach[pop.community])


def _start_beliefs(w: World, trust0: np.ndarray, reach: np.ndarray) -> None:
    """Trust and news reach as drawn; E_hat at what week-0 arrests would show on average; delta_hat from them.

    E_hat starts at reach * (1 - exp(-sensitivity * expected event news of
    week 0)), the expected target of a household that hears local news with
    its community's reach, so the model starts near its steady state.
    """
    cfg, b, h, pop = w.cfg, w.cfg.behavior, w.households, w.pop
    h.trust[:] = trust0
    h.trust0[:] = trust0
    h.reach[:] = reach
    exposure = enforcement.exposure_by_status(cfg.enforcement)[pop.status]
    weighted_exposure = np.bincount(w.person_region, weights=exposure * w.person_weight, minlength=len(w.residents))
    arrests = cfg.enforcement.arrest_rate * w.presence[0] * weighted_exposure
    news = b.event_news_scale * 1000.0 * b.event_news_encounter_weight * arrests / np.maximum(w.residents, 1e-12)
    h.activity[:] = h.reach * -np.expm1(-b.activity_sensitivity * news[pop.region])
    beliefs.take_stock(w, beliefs.all_households(w))


class UptakeModel(mesa.Model):
    """Beneficiaries weighing benefits against the risk that attending is disclosed to ICE."""

    def __init__(self, cfg: Config, like: UptakeModel | None = None, collect: bool = True) -> None:
        """`like`: the other arm of a pair (a model whose config `shares_build` with `cfg`), whose population,
        network and starting beliefs this one reuses instead of building them again (`build_world`).

        `collect`: False for a caller that reads the state itself after each step (`experiments.survey`): the
        week's group outcomes and their DataCollector row are then skipped, a fifth of a 20,000-person week.
        They draw no random numbers, so the run is the same either way."""
        super().__init__(rng=cfg.seed)
        self.cfg = cfg
        check_resources(cfg)
        threads.configure()  # all cores for a run alone, one in a worker process: the same numbers either way
        self.world = build_world(cfg, Streams(cfg.seed), None if like is None else like.world)
        self.datacollector = mesa.DataCollector(model_reporters={"outcomes": "weekly"})
        self.weekly: dict[str, np.ndarray] = {}
        self.collects_outcomes = collect
        self.executor = EXECUTORS[cfg.engine]()
        self.executor.prepare(self)

    def step(self) -> None:
        """One week: every phase of `WEEK` in order, then the week's outcomes (unless `collect` is off)."""
        for phase in WEEK:
            self.executor.run(self.world, phase)
        if self.collects_outcomes:
            self.weekly = weekly_outcomes(self.world)
            self.datacollector.collect(self)
        self.world.week += 1
        if self.world.week >= self.cfg.weeks:
            self.running = False

    def run(self) -> None:
        """Step through the whole horizon, with a progress bar when interactive."""
        weeks = range(self.world.week, self.cfg.weeks)
        if show_progress(self.cfg.progress):
            from tqdm import tqdm

            weeks = tqdm(weeks, desc="weeks", unit="wk", leave=False)
        for _ in weeks:
            self.step()

    # ------------------------------------------------------------ views, for inspection

    @property
    def week(self) -> int:
        """The week the next step runs (the number of weeks run so far)."""
        return self.world.week

    @property
    def pop(self) -> Population:
        return self.world.pop

    @property
    def people(self) -> People:
        return self.world.people

    @property
    def households(self) -> Households:
        return self.world.households

    @property
    def network(self):
        return self.world.network

    @property
    def groups(self) -> GroupIndex:
        return self.world.groups

    @property
    def schedule(self):
        return self.world.schedule

    @property
    def perceived_disclosure(self) -> np.ndarray:
        """delta_hat of each household's decider, as of the last belief update."""
        return self.world.households.disclosure
