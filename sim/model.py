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
import os
import sys
from dataclasses import dataclass

import mesa
import numpy as np

from sim import behavior as bh
from sim.config import NEEDS, STATUSES, Config
from sim.enforcement import build_presence, exposure_by_status
from sim.memory import check_memory
from sim.network import build_network
from sim.outcomes import GroupIndex, weekly_outcomes
from sim.policy import build_schedule
from sim.population import CHILD, NO_PROGRAM, Population, build_population
from sim.rng import Streams, bernoulli_indices

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
class Calendar:
    """Who can have business with the agency, and when reviews and new eligibility fall due.

    Precomputed at build so the weekly step touches only the people whose
    appointments can arise this week, never the whole population.
    """

    clients: np.ndarray  # int64: people who can ever have an appointment (eligible, or SSN services)
    ssn_people: np.ndarray  # int64: students and workers
    eligible_people: np.ndarray  # int64: people with a program
    hearing_people: np.ndarray  # int64: people who need an interpreter
    review_people: list[np.ndarray]  # per review period: reviewed people sorted by due week mod period
    review_bounds: list[np.ndarray]  # per review period: slice bounds of each week mod period
    review_periods: list[int]
    arrival_people: np.ndarray  # int64: people whose eligibility begins after week 0, by week
    arrival_bounds: np.ndarray  # slice bounds of each week

    def reviews(self, week: int) -> np.ndarray:
        """People whose periodic review falls in `week` (receiving or not)."""
        parts = [
            people[bounds[week % period] : bounds[week % period + 1]]
            for people, bounds, period in zip(self.review_people, self.review_bounds, self.review_periods, strict=True)
        ]
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)

    def arrivals(self, week: int) -> np.ndarray:
        """People whose eligibility begins in `week` (> 0)."""
        if week <= 0 or week + 1 >= len(self.arrival_bounds):
            return np.empty(0, dtype=np.int64)
        return self.arrival_people[self.arrival_bounds[week] : self.arrival_bounds[week + 1]]


@dataclass
class WeekDraws:
    """Every random number a week needs, sized by the population, never by the state or the policy.

    Rare arrivals are drawn as index sets (`bernoulli_indices`); per-visit
    uniforms cover the calendar's clients; household news is drawn only in
    weeks where some region has that news (from its own weekly stream, so
    skipping shifts nothing). Uniforms are float32: they are only compared.
    """

    ssn: np.ndarray  # int64 people: an SSN service need arises
    deposit: np.ndarray  # int64 people (eligible): a direct-deposit change
    interpreter: np.ndarray  # int64 people (hearing need): an interpreter need
    remote: np.ndarray  # float32 [clients]
    decisions: np.ndarray  # float32 [clients]
    requests: np.ndarray  # float32 [clients]
    disclosure: np.ndarray  # float32 [clients]
    encounters: np.ndarray  # float32 [clients]
    news: np.ndarray | None  # float32 [H]: disclosure news; None when no region has any
    court: np.ndarray | None  # float32 [H]: court news; None when no region has any
    outreach: np.ndarray | None  # float32 [H]: outreach; None when no region has any
    clinic: np.ndarray  # int64 households: a clinic need arises
    clinic_decision: np.ndarray  # float32, one per clinic need
    clinic_encounter: np.ndarray  # float32, one per clinic need


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
        check_memory(cfg)
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
        self._static_person_arrays(pop)
        self.calendar = self._build_calendar(pop)
        self.groups = GroupIndex(pop, self.calendar.clients)

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
            alpha=np.full(h, b.prior_alpha, dtype=np.float64),
            beta=np.full(h, b.prior_beta, dtype=np.float64),
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

    def _build_calendar(self, pop: Population) -> Calendar:
        """Index the people who can have appointments, and when reviews and arrivals fall due."""
        people, bounds, periods = [], [], []
        reviewed = np.flatnonzero(self.review_need != NONE)
        for period in np.unique(self.review_period[reviewed]).tolist():
            members = reviewed[self.review_period[reviewed] == period]
            offset = (-pop.phase[members].astype(np.int64)) % period
            order = np.argsort(offset, kind="stable")
            people.append(members[order])
            bounds.append(np.searchsorted(offset[order], np.arange(period + 1)))
            periods.append(int(period))
        late = np.flatnonzero(pop.eligible_ever & (pop.arrival_week > 0))
        order = np.argsort(pop.arrival_week[late], kind="stable")
        late = late[order]
        return Calendar(
            clients=np.flatnonzero(pop.eligible_ever | pop.needs_ssn),
            ssn_people=np.flatnonzero(pop.needs_ssn),
            eligible_people=np.flatnonzero(pop.eligible_ever),
            hearing_people=np.flatnonzero(pop.hearing_need),
            review_people=people,
            review_bounds=bounds,
            review_periods=periods,
            arrival_people=late,
            arrival_bounds=np.searchsorted(pop.arrival_week[late], np.arange(self.cfg.weeks + 2)),
        )

    # ------------------------------------------------------------ step

    def draw_week(self) -> WeekDraws:
        s, t, c, b, sched = self.streams, self.week, self.calendar, self.cfg.behavior, self.schedule
        h, n_clients = self.pop.n_households, len(c.clients)
        needs = s.week("needs", t)

        def uniforms(name: str, n: int) -> np.ndarray:
            return s.week(name, t).random(n, dtype=np.float32)

        def news(name: str, salience: np.ndarray) -> np.ndarray | None:
            return uniforms(name, h) if salience[t].any() else None

        clinic = s.week("clinic", t)
        clinic_need = bernoulli_indices(clinic, h, b.clinic_rate)
        return WeekDraws(
            ssn=c.ssn_people[bernoulli_indices(needs, len(c.ssn_people), b.ssn_rate)],
            deposit=c.eligible_people[bernoulli_indices(needs, len(c.eligible_people), b.direct_deposit_rate)],
            interpreter=c.hearing_people[bernoulli_indices(needs, len(c.hearing_people), b.interpreter_rate)],
            remote=uniforms("remote", n_clients),
            decisions=uniforms("decisions", n_clients),
            requests=uniforms("requests", n_clients),
            disclosure=uniforms("disclosure", n_clients),
            encounters=uniforms("encounters", n_clients),
            news=news("news", sched.news_salience),
            court=news("court", sched.court_salience),
            outreach=news("outreach", sched.outreach_reach),
            clinic=clinic_need,
            clinic_decision=clinic.random(len(clinic_need), dtype=np.float32),
            clinic_encounter=clinic.random(len(clinic_need), dtype=np.float32),
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
        show = show_progress(self.cfg.progress)
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
