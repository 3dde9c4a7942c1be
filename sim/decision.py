"""The attendance decision: remote service, attend or miss; and the clinic.

A due need is met remotely with the share of its channel; otherwise the
household's decision maker attends with probability
logistic((V - h - L * risk) / s) (`behavior.attend_probability`). The
community clinic is the same decision with SSA fear generalised by kappa.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import behavior as bh
from sim.enforcement import request_probability
from sim.state import NONE, OUTCOME_ATTENDED, OUTCOME_MISSED, OUTCOME_NONE, OUTCOME_REMOTE, SSN

if TYPE_CHECKING:
    from sim.state import World


def people_due(w: World) -> np.ndarray:
    """Clients whose pending appointment falls due this week."""
    p, clients = w.people, w.calendar.clients
    return clients[(p.due[clients] == w.week) & (p.pending[clients] != NONE)]


def decide(w: World, ids: np.ndarray) -> None:
    """Due appointments are met remotely, attended, or missed."""
    p, pop, d, b, h = w.people, w.pop, w.draws, w.cfg.behavior, w.households
    last = w.work.due
    p.outcome[last] = OUTCOME_NONE
    p.need[last] = NONE
    p.ssn_dropped[last] = False
    w.work.due = ids
    ci = w.calendar.client_position[ids]
    need = p.pending[ids]
    p.need[ids] = need
    remote = d.remote[ci] < w.schedule.remote_share[need]
    hh = pop.household[ids]
    value = np.where(need == SSN, b.ssn_value, w.value[ids])
    risk = bh.perceived_risk(h.alpha[hh], h.beta[hh])
    prob = bh.attend_probability(value, w.hassle[need], h.loss[hh], risk, b.noise)
    attended = d.decisions[ci] < prob
    p.outcome[ids] = np.where(remote, OUTCOME_REMOTE, np.where(attended, OUTCOME_ATTENDED, OUTCOME_MISSED))


def households_with_clinic_need(w: World) -> np.ndarray:
    return w.draws.clinic


def visit_clinic(w: World, ids: np.ndarray) -> None:
    """The community clinic: weekly needs, fear generalised by kappa, its own sharing rule."""
    t, pop, d, b, h = w.week, w.pop, w.draws, w.cfg.behavior, w.households
    e, disc = w.cfg.enforcement, w.schedule.clinic_disclosure
    for flag in (h.clinic_need, h.clinic_visit, h.clinic_encounter):
        flag[w.work.clinic] = False
    w.work.clinic = ids
    draw = np.searchsorted(d.clinic, ids)  # each household's own draws, whatever the order of ids
    h.clinic_need[ids] = True
    risk = bh.clinic_risk(bh.perceived_risk(h.alpha[ids], h.beta[ids]), b.kappa, disc)
    prob = bh.attend_probability(b.clinic_value, b.clinic_hassle, h.loss[ids], risk, b.noise)
    visit = d.clinic_decision[draw] < prob
    h.clinic_visit[ids] = visit
    p_req = request_probability(e.request_rate, False, w.presence[t, pop.region[ids]], h.exposure[ids])
    p_enc = bh.encounter_probability(p_req, disc, e.apprehension)
    encounter = visit & (d.clinic_encounter[draw] < p_enc)
    h.clinic_encounter[ids] = encounter
    w.work.clinic_encounters = ids[encounter]
