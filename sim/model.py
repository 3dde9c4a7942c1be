"""`UptakeModel`: the weekly step as a short, ordered list of phases.

The state is a struct of numpy arrays (`PersonState`, `HouseholdState`).
Each phase has two executors over the same kernels and the same draws:
`engine="vectorized"` runs them over whole arrays; `engine="agents"` has each
Mesa agent run them on its own row. Phases are staged (every agent finishes
a phase before the next starts, and reads only what earlier phases wrote),
so activation order cannot matter and the engines agree.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass

import mesa
import numpy as np

from sim import behavior as bh
from sim.config import NEEDS, STATUSES, Config
from sim.enforcement import build_presence, exposure_by_status
from sim.network import build_network
from sim.outcomes import GroupIndex, weekly_outcomes
from sim.policy import build_schedule
from sim.population import CHILD, NO_PROGRAM, Population, build_population
from sim.rng import Streams

logging.getLogger("MESA").setLevel(logging.WARNING)  # Mesa logs every step at INFO

NONE = -1
ELIGIBILITY, DIRECT_DEPOSIT, INTERPRETER, SSN, CHILD_REVIEW, REINSTATEMENT = range(len(NEEDS))
OUTCOME_NONE, OUTCOME_REMOTE, OUTCOME_ATTENDED, OUTCOME_MISSED = range(4)


@dataclass
class PersonState:
    """Dynamic per-person state plus this week's scratch results."""

    receiving: np.ndarray  # bool: benefit being paid
    pending: np.ndarray  # int8: need of the pending appointment, -1 if none
    due: np.ndarray  # int32: week the pending appointment falls due
    misses: np.ndarray  # int8: consecutive missed appointments
    outcome: np.ndarray  # int8: this week's appointment outcome (OUTCOME_*)
    need: np.ndarray  # int8: need type of this week's appointment
    requested: np.ndarray  # bool: ICE asked about this week's visit
    disclosed: np.ndarray  # bool
    encounter: np.ndarray  # bool
    ssn_dropped: np.ndarray  # bool: an SSN service given up this week
    suspended: np.ndarray  # bool: benefit suspended after missed appointments


@dataclass
class HouseholdState:
    """Beliefs, trust and weekly tallies of each household's decision maker."""

    alpha: np.ndarray
    beta: np.ndarray
    trust: np.ndarray
    trust0: np.ndarray
    reach: np.ndarray  # weekly chance of hearing news, by community
    loss: np.ndarray  # L_d: loss expected from an encounter
    exposure: np.ndarray  # x_d: exposure of the attending decider
    own_encounters: np.ndarray
    own_safe: np.ndarray
    neighbour_encounters: np.ndarray
    neighbour_safe: np.ndarray
    news: np.ndarray
    reassurance: np.ndarray
    neighbour_risk: np.ndarray
    clinic_need: np.ndarray
    clinic_visit: np.ndarray
    clinic_encounter: np.ndarray


@dataclass
class WeekDraws:
    """Every uniform a week needs, fixed in size whatever the policy."""

    needs: np.ndarray  # [3, N]: direct deposit, interpreter, SSN
    remote: np.ndarray  # [N]
    decisions: np.ndarray  # [N]
    requests: np.ndarray  # [N]
    disclosure: np.ndarray  # [N]
    encounters: np.ndarray  # [N]
    news: np.ndarray  # [3, H]: disclosure news, court news, outreach
    clinic: np.ndarray  # [3, H]: need, decision, encounter


class UptakeModel(mesa.Model):
    """Beneficiaries weighing benefits against the risk that attending is disclosed to ICE."""

    def __init__(self, cfg: Config) -> None:
        super().__init__(rng=cfg.seed)
        self.cfg = cfg
        self.week = 0
        self.streams = Streams(cfg.seed)
        self._build()
        self.datacollector = mesa.DataCollector(model_reporters={"outcomes": "weekly"})
        self.weekly: dict[str, np.ndarray] = {}
        if cfg.engine == "agents":
            from sim.agents import create_agents

            create_agents(self)

    # ------------------------------------------------------------ build

    def _build(self) -> None:
        cfg, s = self.cfg, self.streams
        pop = build_population(cfg.population, cfg.weeks, s.population)
        self.pop = pop
        self.network = build_network(cfg.network, pop.community, pop.region, s.network)
        self.degree = np.diff(self.network.indptr).astype(np.float64)
        n_regions = cfg.population.n_regions
        n_offices = n_regions * cfg.population.offices_per_region
        office_region = np.arange(n_offices) // cfg.population.offices_per_region
        presence_u = s.offices.random(n_regions)
        office_u = s.offices.random(n_offices)
        self.presence = build_presence(cfg.enforcement, cfg.weeks, n_regions, presence_u)
        self.schedule = build_schedule(
            cfg.policy,
            cfg.weeks,
            n_regions,
            office_region,
            cfg.behavior.news_halflife_weeks,
            cfg.behavior.news_floor,
            office_u,
        )
        self.office_disclosure = self.schedule.disclosure[0].copy()
        self.people = self._initial_people(pop)
        self.households = self._initial_households(pop)
        self.groups = GroupIndex(pop)
        self._static_person_arrays(pop)

    def _initial_people(self, pop: Population) -> PersonState:
        n = pop.n_people
        return PersonState(
            receiving=pop.eligible_ever & (pop.arrival_week == 0),
            pending=np.full(n, NONE, dtype=np.int8),
            due=np.zeros(n, dtype=np.int32),
            misses=np.zeros(n, dtype=np.int8),
            outcome=np.zeros(n, dtype=np.int8),
            need=np.full(n, NONE, dtype=np.int8),
            requested=np.zeros(n, dtype=bool),
            disclosed=np.zeros(n, dtype=bool),
            encounter=np.zeros(n, dtype=bool),
            ssn_dropped=np.zeros(n, dtype=bool),
            suspended=np.zeros(n, dtype=bool),
        )

    def _initial_households(self, pop: Population) -> HouseholdState:
        b, s = self.cfg.behavior, self.streams.population
        h = pop.n_households
        trust0 = np.clip(b.trust_mean + b.trust_sd * s.standard_normal(h), 0.0, 1.0)
        comm_reach = np.clip(
            b.news_reach_mean + b.news_reach_sd * s.standard_normal(self.cfg.population.n_communities), 0.0, 1.0
        )
        decider_status = pop.status[pop.decider]
        loss = np.array([b.loss[k] for k in STATUSES])[decider_status]
        immigrant = (decider_status != 0).astype(np.float64)
        tied = self.network @ immigrant
        share_tied = np.divide(tied, self.degree, out=np.zeros(h), where=self.degree > 0)
        loss = loss + b.tie_loss * share_tied * (decider_status == 0)
        zeros = np.zeros(h)
        return HouseholdState(
            alpha=np.full(h, b.prior_alpha),
            beta=np.full(h, b.prior_beta),
            trust=trust0.copy(),
            trust0=trust0,
            reach=comm_reach[pop.community],
            loss=loss,
            exposure=exposure_by_status(self.cfg.enforcement)[decider_status],
            own_encounters=zeros.copy(),
            own_safe=zeros.copy(),
            neighbour_encounters=zeros.copy(),
            neighbour_safe=zeros.copy(),
            news=zeros.copy(),
            reassurance=zeros.copy(),
            neighbour_risk=zeros.copy(),
            clinic_need=np.zeros(h, dtype=bool),
            clinic_visit=np.zeros(h, dtype=bool),
            clinic_encounter=np.zeros(h, dtype=bool),
        )

    def _static_person_arrays(self, pop: Population) -> None:
        """Per-person constants the weekly step reads: value at stake, periodic reviews."""
        b = self.cfg.behavior
        self.value = bh.value_at_stake(pop.monthly_amount, b.months_at_risk, b.reference_monthly)
        self.hassle = np.array([b.hassle[k] for k in NEEDS])
        reviewed_adult = pop.noncitizen & ~pop.is_child & (pop.program != NO_PROGRAM)
        self.review_need = np.where(
            pop.program == CHILD, CHILD_REVIEW, np.where(reviewed_adult, ELIGIBILITY, NONE)
        ).astype(np.int8)
        period = np.where(self.review_need == CHILD_REVIEW, b.child_review_period_weeks, b.eligibility_period_weeks)
        self.review_period = period.astype(np.int32)
        self.person_region = pop.region[pop.household]
        self.person_office = pop.office[pop.household]

    # ------------------------------------------------------------ step

    def draw_week(self) -> WeekDraws:
        s, n, h = self.streams, self.pop.n_people, self.pop.n_households
        return WeekDraws(
            needs=s.needs.random((3, n)),
            remote=s.remote.random(n),
            decisions=s.decisions.random(n),
            requests=s.requests.random(n),
            disclosure=s.disclosure.random(n),
            encounters=s.encounters.random(n),
            news=s.news.random((3, h)),
            clinic=s.clinic.random((3, h)),
        )

    def step(self) -> None:
        """One week: needs, decisions, enforcement, settlement, clinic, beliefs, outcomes."""
        self.draws = self.draw_week()
        if self.cfg.engine == "agents":
            from sim.agents import agent_step

            agent_step(self)
        else:
            from sim.vectorized import vectorized_step

            self.office_disclosure[:] = self.schedule.disclosure[self.week]
            vectorized_step(self)
        self.weekly = weekly_outcomes(self)
        self.datacollector.collect(self)
        self.week += 1
        if self.week >= self.cfg.weeks:
            self.running = False

    def run(self) -> None:
        """Step through the whole horizon, with a progress bar when interactive."""
        show = self.cfg.progress and sys.stderr.isatty()
        weeks = range(self.week, self.cfg.weeks)
        if show:
            from tqdm import tqdm

            weeks = tqdm(weeks, desc="weeks", unit="wk", leave=False)
        for _ in weeks:
            self.step()

    # ------------------------------------------------------------ views

    @property
    def risk(self) -> np.ndarray:
        """Perceived risk of each household's decider."""
        return bh.perceived_risk(self.households.alpha, self.households.beta)
