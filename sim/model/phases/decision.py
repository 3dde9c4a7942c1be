"""The attendance decision: remote service, attend or miss; and the clinic.

A due need is met remotely with this week's share of its channel (the
regime's timeline may change it); otherwise the household's decision maker
attends with probability logistic((V - h - C) / s), where C is the expected
cost of an encounter for everyone the visit could expose, kin included, each
through the perceived chain pi = 1 - exp(-theta * E_hat * x_hat * delta_hat).
The community clinic is the same decision, with SSA fear generalised by kappa
and the clinic's own rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numba
import numpy as np

from sim.model.data import behavior as bh
from sim.model.data.state import NONE, OUTCOME_ATTENDED, OUTCOME_MISSED, OUTCOME_NONE, OUTCOME_REMOTE, SSN

if TYPE_CHECKING:
    from sim.model.build.world import World


def visit_cost(w: World, hh: np.ndarray, delta_hat: np.ndarray) -> np.ndarray:
    """C: the expected cost of an encounter, over everyone a visit by `hh`'s decider could expose."""
    return bh.expected_cost(
        w.exposed, hh, w.loss, w.exposure_hat, w.households.activity[hh], delta_hat, w.cfg.behavior.theta
    )


@numba.njit(cache=True)
def _due_now(clients, due, pending, week):  # noqa: ANN001, ANN202
    out = np.empty(len(clients), dtype=clients.dtype)
    n = 0
    for client in clients:
        if due[client] == week and pending[client] != NONE:
            out[n] = client
            n += 1
    return out[:n]


def people_due(w: World) -> np.ndarray:
    """Clients whose pending appointment falls due this week (in client order; one compiled pass over them)."""
    p = w.people
    return _due_now(w.calendar.clients, p.due, p.pending, w.week)


def decide(w: World, ids: np.ndarray) -> None:
    """Due appointments are met remotely, attended, or missed."""
    p, pop, d, b = w.people, w.pop, w.draws, w.cfg.behavior
    last = w.work.due
    p.outcome[last] = OUTCOME_NONE
    p.need[last] = NONE
    p.ssn_dropped[last] = False
    w.work.due = ids
    ci = w.calendar.client_position[ids]
    need = p.pending[ids]
    p.need[ids] = need
    remote = d.remote[ci] < w.schedule.remote_share[w.week, need]  # this week's shares, by need
    hh = pop.household[ids]
    value = np.where(need == SSN, b.ssn_value, w.value[ids])
    cost = visit_cost(w, hh, w.households.disclosure[hh])
    prob = bh.attend_probability(value, w.hassle[need], cost, b.noise)
    attended = d.decisions[ci] < prob
    p.outcome[ids] = np.where(remote, OUTCOME_REMOTE, np.where(attended, OUTCOME_ATTENDED, OUTCOME_MISSED))


def households_with_clinic_need(w: World) -> np.ndarray:
    return w.draws.clinic


def visit_clinic(w: World, ids: np.ndarray) -> None:
    """The community clinic: weekly needs, fear generalised by kappa, its own sharing rule."""
    t, pop, d, b, h = w.week, w.pop, w.draws, w.cfg.behavior, w.households
    e, rule = w.cfg.enforcement, w.schedule.clinic_disclosure
    for flag in (h.clinic_need, h.clinic_visit, h.clinic_encounter):
        flag[w.work.clinic] = False
    w.work.clinic = ids
    draw = np.searchsorted(d.clinic, ids)  # each household's own draws, whatever the order of ids
    h.clinic_need[ids] = True
    delta_clinic = bh.clinic_disclosure(h.disclosure[ids], b.kappa, rule)
    prob = bh.attend_probability(b.clinic_value, b.clinic_hassle, visit_cost(w, ids, delta_clinic), b.noise)
    visit = d.clinic_decision[draw] < prob
    h.clinic_visit[ids] = visit
    exposure = w.visit_exposure[pop.decider[ids]]
    p_req = bh.request_probability(e.request_rate, False, w.presence[t, pop.region[ids]], exposure)
    encounter = visit & (d.clinic_encounter[draw] < bh.encounter_probability(p_req, rule, e.apprehension))
    h.clinic_encounter[ids] = encounter
    w.work.clinic_encounters = ids[encounter]
