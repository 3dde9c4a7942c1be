"""`UptakeModel`: the week, declared once as an ordered list of phases.

`WEEK` lists every phase of a week in order: who acts and the rule they
follow, each rule a function in the module of its mechanism
(`appointments`, `enforcement`, `decision`, `beliefs`). `UptakeModel.step`
runs that list through the executor the config chose (`sim.executors`) and
records the week's outcomes; nothing else in the model branches on the
engine. `python -m sim.run --show-week` prints the list.
"""

from __future__ import annotations

import logging
import os
import sys

import mesa
import numpy as np

from sim import appointments, beliefs, decision, enforcement
from sim import behavior as bh
from sim.config import NEEDS, STATUSES, Config
from sim.executors import EXECUTORS, HOUSEHOLD, OFFICE, PERSON, WORLD, Phase
from sim.network import build_network
from sim.outcomes import GroupIndex, weekly_outcomes
from sim.policy import build_schedule
from sim.population import Population, build_population
from sim.resources import check_resources
from sim.rng import Streams, draw_week
from sim.state import Households, Offices, People, World

logging.getLogger("MESA").setLevel(logging.WARNING)  # Mesa logs every step at INFO

WEEK: tuple[Phase, ...] = (
    Phase(WORLD, draw_week),
    Phase(OFFICE, enforcement.open_offices, enforcement.all_offices),
    Phase(PERSON, appointments.arise_needs, appointments.people_with_new_needs),
    Phase(PERSON, decision.decide, decision.people_due),
    Phase(PERSON, enforcement.face_enforcement, enforcement.people_attending),
    Phase(PERSON, appointments.settle, appointments.people_decided),
    Phase(HOUSEHOLD, decision.visit_clinic, decision.households_with_clinic_need),
    Phase(HOUSEHOLD, beliefs.tally, beliefs.households_with_visits),
    Phase(HOUSEHOLD, beliefs.hear_from_ties, beliefs.households_tied_to_visits),
    Phase(HOUSEHOLD, beliefs.hear_news, beliefs.households_hearing_news),
    Phase(HOUSEHOLD, beliefs.weigh_evidence, beliefs.households_with_evidence),
    Phase(HOUSEHOLD, beliefs.forget, beliefs.all_households),
    Phase(HOUSEHOLD, beliefs.listen_to_rumour, beliefs.all_households),
    Phase(HOUSEHOLD, beliefs.update_trust, beliefs.households_whose_trust_can_move),
)


def format_week() -> str:
    """The week as a numbered list: phase, who acts, where the rule lives, what it does."""
    lines = []
    for i, phase in enumerate(WEEK, 1):
        lines.append(f"{i:2d}. {phase.name:<18} {phase.unit:<9} {phase.where:<40} {phase.summary}")
    lines.append("    then: weekly outcomes by group (sim.outcomes.weekly_outcomes)")
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


def build_world(cfg: Config, streams: Streams) -> World:
    """The population, network, schedules and initial state of one run."""
    b, s = cfg.behavior, streams
    pop = build_population(cfg.population, cfg.weeks, s.population)
    network = build_network(cfg.network, pop.community, pop.region, s.network)
    n_regions = cfg.population.n_regions
    n_offices = n_regions * cfg.population.offices_per_region
    office_region = np.arange(n_offices) // cfg.population.offices_per_region
    presence_u = s.offices.random(n_regions)
    office_u = s.offices.random(n_offices)
    schedule = build_schedule(
        cfg.policy, cfg.weeks, n_regions, office_region, b.news_halflife_weeks, b.news_floor, office_u
    )
    calendar = appointments.build_calendar(pop, b, cfg.weeks)
    return World(
        cfg=cfg,
        streams=s,
        pop=pop,
        network=network,
        degree=np.diff(network.indptr).astype(np.float64),
        presence=enforcement.build_presence(cfg.enforcement, cfg.weeks, n_regions, presence_u),
        schedule=schedule,
        calendar=calendar,
        groups=GroupIndex(pop, calendar.clients),
        people=People.allocate(pop.n_people, receiving=pop.eligible_ever & (pop.eligible_week == 0)),
        households=_initial_households(cfg, pop, network, s.population),
        offices=Offices.allocate(n_offices, disclosure=schedule.disclosure[0]),
        value=bh.value_at_stake(pop.monthly_amount, b.months_at_risk, b.reference_monthly),
        hassle=np.array([b.hassle[k] for k in NEEDS]),
        person_region=pop.region[pop.household],
        person_office=pop.office[pop.household],
    )


def _initial_households(cfg: Config, pop: Population, network, rng: np.random.Generator) -> Households:
    """Priors, trust, news reach, and what an encounter would cost each household's decider."""
    b = cfg.behavior
    h = pop.n_households
    trust0 = np.clip(b.trust_mean + b.trust_sd * rng.standard_normal(h), 0.0, 1.0)
    comm_reach = np.clip(b.news_reach_mean + b.news_reach_sd * rng.standard_normal(cfg.population.n_communities), 0, 1)
    decider_status = pop.status[pop.decider]
    loss = np.array([b.loss[k] for k in STATUSES])[decider_status]
    degree = np.diff(network.indptr).astype(np.float64)
    tied = network @ (decider_status != 0).astype(np.float64)
    share_tied = np.divide(tied, degree, out=np.zeros(h), where=degree > 0)
    loss = loss + b.tie_loss * share_tied * (decider_status == 0)
    return Households.allocate(
        h,
        alpha=np.full(h, b.prior_alpha),
        beta=np.full(h, b.prior_beta),
        trust=trust0.copy(),
        trust0=trust0,
        reach=comm_reach[pop.community],
        loss=loss,
        exposure=enforcement.exposure_by_status(cfg.enforcement)[decider_status],
    )


class UptakeModel(mesa.Model):
    """Beneficiaries weighing benefits against the risk that attending is disclosed to ICE."""

    def __init__(self, cfg: Config) -> None:
        super().__init__(rng=cfg.seed)
        self.cfg = cfg
        check_resources(cfg)
        self.world = build_world(cfg, Streams(cfg.seed))
        self.datacollector = mesa.DataCollector(model_reporters={"outcomes": "weekly"})
        self.weekly: dict[str, np.ndarray] = {}
        self.executor = EXECUTORS[cfg.engine]()
        self.executor.prepare(self)

    def step(self) -> None:
        """One week: every phase of `WEEK` in order, then the week's outcomes."""
        for phase in WEEK:
            self.executor.run(self.world, phase)
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
    def risk(self) -> np.ndarray:
        """Perceived risk of each household's decider."""
        return bh.perceived_risk(self.world.households.alpha, self.world.households.beta)
