"""The vectorized executor: each phase of the week over whole arrays.

It mirrors `sim.agents` phase for phase and calls the same kernels from
`sim.behavior`; the equivalence test holds the two together. Work is done
on the indices of people whose state can change this week (appointments
due, visits attended), not on everyone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import behavior as bh
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


def vectorized_step(m: UptakeModel) -> None:
    """The week's phases, in order."""
    arise_needs(m)
    decide(m)
    face_enforcement(m)
    settle(m)
    visit_clinic(m)
    tally_households(m)
    update_beliefs(m)


def arise_needs(m: UptakeModel) -> None:
    """New needs become appointments due this week, for people with none pending."""
    t, p, pop, d, b = m.week, m.people, m.pop, m.draws, m.cfg.behavior
    need = np.full(pop.n_people, NONE, dtype=np.int8)
    need[pop.needs_ssn & (d.needs[2] < b.ssn_rate)] = SSN
    receiving = p.receiving
    need[receiving & (d.needs[0] < b.direct_deposit_rate)] = DIRECT_DEPOSIT
    need[receiving & pop.hearing_need & (d.needs[1] < b.interpreter_rate)] = INTERPRETER
    review = receiving & (m.review_need != NONE) & ((t + pop.phase) % m.review_period == 0)
    need[review] = m.review_need[review]
    if t > 0:
        need[(pop.arrival_week == t) & pop.eligible_ever] = REINSTATEMENT
    new = (p.pending == NONE) & (need != NONE)
    p.pending[new] = need[new]
    p.due[new] = t


def decide(m: UptakeModel) -> None:
    """Due appointments are met remotely, attended, or missed."""
    t, p, pop, d, b, h = m.week, m.people, m.pop, m.draws, m.cfg.behavior, m.households
    p.outcome[:] = OUTCOME_NONE
    p.need[:] = NONE
    i = np.flatnonzero((p.pending != NONE) & (p.due == t))
    need = p.pending[i]
    p.need[i] = need
    remote = d.remote[i] < m.schedule.remote_share[need]
    hh = pop.household[i]
    value = np.where(need == SSN, b.ssn_value, m.value[i])
    risk = bh.perceived_risk(h.alpha[hh], h.beta[hh])
    prob = bh.attend_probability(value, m.hassle[need], h.loss[hh], risk, b.noise)
    attended = d.decisions[i] < prob
    p.outcome[i] = np.where(remote, OUTCOME_REMOTE, np.where(attended, OUTCOME_ATTENDED, OUTCOME_MISSED))


def face_enforcement(m: UptakeModel) -> None:
    """ICE requests, office disclosures and encounters at attended visits."""
    t, p, pop, d, h = m.week, m.people, m.pop, m.draws, m.households
    e = m.cfg.enforcement
    for flag in (p.requested, p.disclosed, p.encounter):
        flag[:] = False
    i = np.flatnonzero(p.outcome == OUTCOME_ATTENDED)
    region = m.person_region[i]
    routine = m.schedule.routine[t, region]
    p_req = request_probability(e.request_rate, routine, m.presence[t, region], h.exposure[pop.household[i]])
    requested = d.requests[i] < p_req
    disclosed = requested & (d.disclosure[i] < m.office_disclosure[m.person_office[i]])
    p.requested[i] = requested
    p.disclosed[i] = disclosed
    p.encounter[i] = disclosed & (d.encounters[i] < e.apprehension)


def settle(m: UptakeModel) -> None:
    """Met needs close; misses reschedule, suspend benefits, or drop SSN services."""
    t, p, b = m.week, m.people, m.cfg.behavior
    done = (p.outcome == OUTCOME_REMOTE) | (p.outcome == OUTCOME_ATTENDED)
    reinstated = done & (p.need == REINSTATEMENT)
    p.receiving[reinstated] = True
    p.suspended[reinstated] = False
    p.pending[done] = NONE
    p.misses[done] = 0
    missed = p.outcome == OUTCOME_MISSED
    retry = missed & (p.need == REINSTATEMENT)
    p.due[retry] = t + b.return_lag_weeks
    counted = missed & ~retry
    p.misses[counted] += 1
    limit = counted & (p.misses >= b.misses_to_suspend)
    p.ssn_dropped[:] = limit & (p.need == SSN)
    suspend = limit & (p.need != SSN)
    p.pending[p.ssn_dropped] = NONE
    p.receiving[suspend] = False
    p.suspended[suspend] = True
    p.pending[suspend] = REINSTATEMENT
    p.due[suspend] = t + b.return_lag_weeks
    p.misses[limit] = 0
    p.due[counted & ~limit] = t + b.reschedule_weeks


def visit_clinic(m: UptakeModel) -> None:
    """The community clinic: weekly needs, fear generalised by kappa, its own sharing rule."""
    t, pop, d, b, h = m.week, m.pop, m.draws, m.cfg.behavior, m.households
    e, disc = m.cfg.enforcement, m.schedule.clinic_disclosure
    h.clinic_need[:] = d.clinic[0] < b.clinic_rate
    risk = bh.clinic_risk(bh.perceived_risk(h.alpha, h.beta), b.kappa, disc)
    prob = bh.attend_probability(b.clinic_value, b.clinic_hassle, h.loss, risk, b.noise)
    h.clinic_visit[:] = h.clinic_need & (d.clinic[1] < prob)
    p_req = request_probability(e.request_rate, False, m.presence[t, pop.region], h.exposure)
    p_enc = bh.encounter_probability(p_req, disc, e.apprehension)
    h.clinic_encounter[:] = h.clinic_visit & (d.clinic[2] < p_enc)


def tally_households(m: UptakeModel) -> None:
    """Each household's own encounters and safe visits this week."""
    p, pop, h = m.people, m.pop, m.households
    n_hh = pop.n_households
    enc = np.bincount(pop.household[p.encounter], minlength=n_hh).astype(np.float64)
    h.own_encounters[:] = enc + h.clinic_encounter
    safe = (p.outcome == OUTCOME_ATTENDED) & ~p.encounter
    h.own_safe[:] = np.bincount(pop.household[safe], minlength=n_hh)


def update_beliefs(m: UptakeModel) -> None:
    """Evidence, memory, rumour, then trust, for every household's decider."""
    t, pop, d, b, h, s = m.week, m.pop, m.draws, m.cfg.behavior, m.households, m.schedule
    region = pop.region
    h.neighbour_encounters[:] = m.network @ h.own_encounters
    h.neighbour_safe[:] = m.network @ h.own_safe
    h.news[:] = np.where(d.news[0] < h.reach, s.news_salience[t, region], 0.0)
    court = np.where(d.news[1] < h.reach, s.court_salience[t, region], 0.0)
    h.reassurance[:] = court + np.where(d.news[2] < s.outreach_reach[t, region], 1.0, 0.0)
    alpha, beta = bh.add_evidence(
        h.alpha,
        h.beta,
        h.own_encounters,
        h.neighbour_encounters,
        h.news,
        h.own_safe,
        h.neighbour_safe,
        h.reassurance,
        h.trust,
        b.w_encounter,
        b.w_neighbour_encounter,
        b.w_news,
        b.w_safe,
        b.w_neighbour_safe,
        b.w_reassure,
    )
    alpha, beta = bh.apply_memory(alpha, beta, b.prior_alpha, b.prior_beta, b.memory)
    has_nb = m.degree > 0
    total = m.network @ bh.perceived_risk(alpha, beta)
    h.neighbour_risk[:] = np.divide(total, m.degree, out=np.zeros_like(total), where=has_nb)
    h.alpha[:], h.beta[:] = bh.spread_rumour(alpha, beta, h.neighbour_risk, has_nb, b.rumour)
    h.trust[:] = bh.update_trust(
        h.trust,
        h.trust0,
        h.news,
        h.neighbour_encounters + h.own_encounters,
        s.recovering[t, region],
        b.trust_loss_news,
        b.trust_loss_encounter,
        b.trust_recovery,
    )
