"""Mesa agents: `Beneficiary` (one per person) and `FieldOffice`.

An agent's attributes are views onto its row of the model's arrays, and its
methods run the kernels of `sim.behavior` on that row. The week is staged:
`agent_step` runs one phase for every agent (in random order, through
`AgentSet.shuffle_do`) before the next, and each phase reads only what
earlier phases wrote, so activation order cannot change the result. This
executor is for inspection, teaching and small populations; it must agree
with `sim.vectorized` (see tests/test_equivalence.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim import behavior as bh
from sim.config import HOUSEHOLD_TYPES, NEEDS, PROGRAMS, STATUSES
from sim.enforcement import request_probability
from sim.model import (
    DIRECT_DEPOSIT,
    INTERPRETER,
    NONE,
    OUTCOME_ATTENDED,
    OUTCOME_MISSED,
    OUTCOME_NONE,
    OUTCOME_REMOTE,
    REINSTATEMENT,
    SSN,
)

if TYPE_CHECKING:
    from sim.model import UptakeModel


class FieldOffice(mesa.Agent):
    """An SSA field office; its staff comply with the regime to a varying degree."""

    def __init__(self, model: UptakeModel, index: int) -> None:
        super().__init__(model)
        self.index = index
        self.compliance = float(model.schedule.compliance[index])

    @property
    def disclosure(self) -> float:
        """P(disclose | ICE asks) this week."""
        return float(self.model.office_disclosure[self.index])

    def open_week(self) -> None:
        self.model.office_disclosure[self.index] = self.model.schedule.disclosure[self.model.week, self.index]


class Beneficiary(mesa.Agent):
    """A person; a household's first member is its decider, who attends and holds beliefs."""

    def __init__(self, model: UptakeModel, row: int) -> None:
        super().__init__(model)
        pop = model.pop
        self.row = row
        self.hh = int(pop.household[row])
        self.is_decider = bool(pop.is_decider[row])
        self.region = int(model.person_region[row])
        self.office = int(model.person_office[row])
        self.needs_ssn = bool(pop.needs_ssn[row])
        self.hearing_need = bool(pop.hearing_need[row])
        self.eligible_ever = bool(pop.eligible_ever[row])
        self.arrival_week = int(pop.arrival_week[row])
        self.phase = int(pop.phase[row])
        self.review_need = int(model.review_need[row])
        self.review_period = int(model.review_period[row])
        self.client = int(model.client_position[row])
        self.members: list[int] = []
        if self.is_decider:
            start = row
            self.members = list(range(start, start + int(pop.hh_size[self.hh])))
            lo, hi = model.network.indptr[self.hh], model.network.indptr[self.hh + 1]
            self.neighbours = model.network.indices[lo:hi].tolist()

    # ---- views onto the arrays, for inspection
    @property
    def status(self) -> str:
        return STATUSES[self.model.pop.status[self.row]]

    @property
    def household_type(self) -> str:
        return HOUSEHOLD_TYPES[self.model.pop.hh_type[self.hh]]

    @property
    def program(self) -> str:
        return PROGRAMS[self.model.pop.program[self.row]]

    @property
    def receiving(self) -> bool:
        return bool(self.model.people.receiving[self.row])

    @property
    def pending_need(self) -> str | None:
        k = int(self.model.people.pending[self.row])
        return None if k == NONE else NEEDS[k]

    @property
    def risk(self) -> float:
        """Perceived risk of the household's decider."""
        h = self.model.households
        return float(bh.perceived_risk(h.alpha[self.hh], h.beta[self.hh]))

    @property
    def trust(self) -> float:
        return float(self.model.households.trust[self.hh])

    # ---- person phases
    def arise_needs(self) -> None:
        m, r = self.model, self.row
        t, p, arrived = m.week, m.people, m.arrivals
        need = NONE
        if arrived.ssn[r]:
            need = SSN
        if p.receiving[r]:
            if arrived.deposit[r]:
                need = DIRECT_DEPOSIT
            if arrived.interpreter[r]:
                need = INTERPRETER
            if self.review_need != NONE and (t + self.phase) % self.review_period == 0:
                need = self.review_need
        if t > 0 and self.arrival_week == t and self.eligible_ever:
            need = REINSTATEMENT
        if p.pending[r] == NONE and need != NONE:
            p.pending[r] = need
            p.due[r] = t

    def decide(self) -> None:
        m, r, b, p, h = self.model, self.row, self.model.cfg.behavior, self.model.people, self.model.households
        p.outcome[r] = OUTCOME_NONE
        p.need[r] = NONE
        if p.pending[r] == NONE or p.due[r] != m.week:
            return
        need = int(p.pending[r])
        p.need[r] = need
        if m.draws.remote[self.client] < m.schedule.remote_share[need]:
            p.outcome[r] = OUTCOME_REMOTE
            return
        value = b.ssn_value if need == SSN else m.value[r]
        risk = bh.perceived_risk(h.alpha[self.hh], h.beta[self.hh])
        prob = bh.attend_probability(value, m.hassle[need], h.loss[self.hh], risk, b.noise)
        p.outcome[r] = OUTCOME_ATTENDED if m.draws.decisions[self.client] < prob else OUTCOME_MISSED

    def face_enforcement(self) -> None:
        m, r, p, d = self.model, self.row, self.model.people, self.model.draws
        p.requested[r] = p.disclosed[r] = p.encounter[r] = False
        if p.outcome[r] != OUTCOME_ATTENDED:
            return
        e, t = m.cfg.enforcement, m.week
        routine = m.schedule.routine[t, self.region]
        p_req = request_probability(e.request_rate, routine, m.presence[t, self.region], m.households.exposure[self.hh])
        c = self.client
        p.requested[r] = d.requests[c] < p_req
        p.disclosed[r] = p.requested[r] and d.disclosure[c] < m.office_disclosure[self.office]
        p.encounter[r] = p.disclosed[r] and d.encounters[c] < e.apprehension

    def settle(self) -> None:
        m, r, p, b = self.model, self.row, self.model.people, self.model.cfg.behavior
        outcome, need, t = p.outcome[r], p.need[r], m.week
        p.ssn_dropped[r] = False
        if outcome in (OUTCOME_REMOTE, OUTCOME_ATTENDED):
            if need == REINSTATEMENT:
                p.receiving[r] = True
                p.suspended[r] = False
            p.pending[r] = NONE
            p.misses[r] = 0
        elif outcome == OUTCOME_MISSED:
            if need == REINSTATEMENT:
                p.due[r] = t + b.return_lag_weeks
                return
            p.misses[r] += 1
            if p.misses[r] < b.misses_to_suspend:
                p.due[r] = t + b.reschedule_weeks
                return
            p.misses[r] = 0
            if need == SSN:
                p.ssn_dropped[r] = True
                p.pending[r] = NONE
            else:
                p.receiving[r] = False
                p.suspended[r] = True
                p.pending[r] = REINSTATEMENT
                p.due[r] = t + b.return_lag_weeks

    # ---- household phases (deciders only)
    def visit_clinic(self) -> None:
        m, k, b, h = self.model, self.hh, self.model.cfg.behavior, self.model.households
        e, u, disc = m.cfg.enforcement, m.arrivals, m.schedule.clinic_disclosure
        h.clinic_need[k] = u.clinic[k]
        risk = bh.clinic_risk(bh.perceived_risk(h.alpha[k], h.beta[k]), b.kappa, disc)
        prob = bh.attend_probability(b.clinic_value, b.clinic_hassle, h.loss[k], risk, b.noise)
        h.clinic_visit[k] = h.clinic_need[k] and u.clinic_decision[k] < prob
        p_req = request_probability(e.request_rate, False, m.presence[m.week, self.region], h.exposure[k])
        p_enc = bh.encounter_probability(p_req, disc, e.apprehension)
        h.clinic_encounter[k] = h.clinic_visit[k] and u.clinic_encounter[k] < p_enc

    def tally(self) -> None:
        p, h = self.model.people, self.model.households
        encounters = 0.0
        safe = 0.0
        for r in self.members:
            if p.encounter[r]:
                encounters += 1.0
            elif p.outcome[r] == OUTCOME_ATTENDED:
                safe += 1.0
        h.own_encounters[self.hh] = encounters + h.clinic_encounter[self.hh]
        h.own_safe[self.hh] = safe

    def gather_evidence(self) -> None:
        """Evidence and memory for beliefs, then trust; reads neighbours' tallies only."""
        m, k, b, h, s, d = (
            self.model,
            self.hh,
            self.model.cfg.behavior,
            self.model.households,
            self.model.schedule,
            self.model.draws,
        )
        t, reg = m.week, self.region
        nb_enc = _neighbour_sum(h.own_encounters, self.neighbours)
        nb_safe = _neighbour_sum(h.own_safe, self.neighbours)
        h.neighbour_encounters[k], h.neighbour_safe[k] = nb_enc, nb_safe
        news = s.news_salience[t, reg] if _heard(d.news, k, h.reach[k]) else 0.0
        court = s.court_salience[t, reg] if _heard(d.court, k, h.reach[k]) else 0.0
        reassurance = court + (1.0 if _heard(d.outreach, k, s.outreach_reach[t, reg]) else 0.0)
        h.news[k], h.reassurance[k] = news, reassurance
        alpha, beta = bh.add_evidence(
            h.alpha[k],
            h.beta[k],
            h.own_encounters[k],
            nb_enc,
            news,
            h.own_safe[k],
            nb_safe,
            reassurance,
            h.trust[k],
            b.w_encounter,
            b.w_neighbour_encounter,
            b.w_news,
            b.w_safe,
            b.w_neighbour_safe,
            b.w_reassure,
        )
        h.alpha[k], h.beta[k] = bh.apply_memory(alpha, beta, b.prior_alpha, b.prior_beta, b.memory)
        h.trust[k] = bh.update_trust(
            h.trust[k],
            h.trust0[k],
            news,
            nb_enc + h.own_encounters[k],
            s.recovering[t, reg],
            b.trust_loss_news,
            b.trust_loss_encounter,
            b.trust_recovery,
        )

    def listen_to_rumour(self) -> None:
        h = self.model.households
        total = 0.0
        for j in self.neighbours:
            total += h.alpha[j] / (h.alpha[j] + h.beta[j])
        h.neighbour_risk[self.hh] = total / len(self.neighbours) if self.neighbours else 0.0

    def adopt_rumour(self) -> None:
        h, k = self.model.households, self.hh
        has_nb = len(self.neighbours) > 0
        h.alpha[k], h.beta[k] = bh.spread_rumour(
            h.alpha[k], h.beta[k], h.neighbour_risk[k], has_nb, self.model.cfg.behavior.rumour
        )


def _heard(u: np.ndarray | None, k: int, threshold: float) -> bool:
    """Whether household k heard this news; no draw means nobody could hear it this week."""
    return u is not None and u[k] < threshold


def _neighbour_sum(values: np.ndarray, neighbours: list[int]) -> float:
    total = 0.0
    for j in neighbours:
        total += values[j]
    return total


class Arrivals:
    """This week's sparse draws laid out per person and per household, for agents to read by row."""

    def __init__(self, model: UptakeModel) -> None:
        d, n, h = model.draws, model.pop.n_people, model.pop.n_households
        self.ssn, self.deposit, self.interpreter = (_mask(n, ids) for ids in (d.ssn, d.deposit, d.interpreter))
        self.clinic = _mask(h, d.clinic)
        self.clinic_decision = _spread(h, d.clinic, d.clinic_decision)
        self.clinic_encounter = _spread(h, d.clinic, d.clinic_encounter)


def _mask(n: int, ids: np.ndarray) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    mask[ids] = True
    return mask


def _spread(n: int, ids: np.ndarray, values: np.ndarray) -> np.ndarray:
    out = np.ones(n, dtype=values.dtype)
    out[ids] = values
    return out


def create_agents(model: UptakeModel) -> None:
    """One `FieldOffice` per office and one `Beneficiary` per person."""
    model.client_position = np.full(model.pop.n_people, -1, dtype=np.int64)
    model.client_position[model.calendar.clients] = np.arange(len(model.calendar.clients))
    for o in range(len(model.schedule.compliance)):
        FieldOffice(model, o)
    for row in range(model.pop.n_people):
        Beneficiary(model, row)
    model.deciders = model.agents_by_type[Beneficiary].select(lambda a: a.is_decider)


PERSON_PHASES = ("arise_needs", "decide", "face_enforcement", "settle")
HOUSEHOLD_PHASES = ("visit_clinic", "tally", "gather_evidence", "listen_to_rumour", "adopt_rumour")


def agent_step(model: UptakeModel) -> None:
    """The week's phases, each run by every agent (in random order) before the next."""
    model.arrivals = Arrivals(model)
    model.agents_by_type[FieldOffice].shuffle_do("open_week")
    people = model.agents_by_type[Beneficiary]
    for phase in PERSON_PHASES:
        people.shuffle_do(phase)
    for phase in HOUSEHOLD_PHASES:
        model.deciders.shuffle_do(phase)
