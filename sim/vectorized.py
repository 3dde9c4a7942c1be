"""The vectorized executor: each phase of the week over whole arrays.

It mirrors `sim.agents` phase for phase and calls the same kernels from
`sim.behavior`; the equivalence test holds the two together. Work is done on
the people and households whose state can change this week: appointments
come from the calendar and the week's sparse arrivals, decisions and
enforcement run on the appointments due, evidence on the households that
saw something. Only memory and rumour touch every household, since memory
moves every belief; they run in place on preallocated buffers.

Per-week index sets are kept (`Touched`) so the next week resets exactly
what this week set, instead of clearing whole arrays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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

EMPTY = np.empty(0, dtype=np.int64)


@dataclass
class Touched:
    """Index sets of this week's work, and buffers reused every week."""

    due: np.ndarray = field(default_factory=lambda: EMPTY)  # people with an appointment due
    due_client: np.ndarray = field(default_factory=lambda: EMPTY)  # their positions among the clients
    attended: np.ndarray = field(default_factory=lambda: EMPTY)  # people who attended
    clinic: np.ndarray = field(default_factory=lambda: EMPTY)  # households with a clinic need
    clinic_encounters: np.ndarray = field(default_factory=lambda: EMPTY)
    own_encounters: np.ndarray = field(default_factory=lambda: EMPTY)  # households with own encounters
    own_safe: np.ndarray = field(default_factory=lambda: EMPTY)  # households with own safe visits
    neighbours: np.ndarray = field(default_factory=lambda: EMPTY)  # households with neighbours' evidence
    heard: np.ndarray = field(default_factory=lambda: EMPTY)  # households that heard disclosure news
    reassured: np.ndarray = field(default_factory=lambda: EMPTY)  # households that heard court news or outreach
    mark: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # scratch [H]
    total: np.ndarray = field(default_factory=lambda: np.zeros(0))  # scratch [H]
    risk: np.ndarray = field(default_factory=lambda: np.zeros(0))  # scratch [H]
    pull: np.ndarray = field(default_factory=lambda: np.zeros(0))  # rumour weight [H], static
    degree: np.ndarray = field(default_factory=lambda: np.zeros(0))  # [H] ties, at least 1, static

    def ready(self, m: UptakeModel) -> Touched:
        h = m.pop.n_households
        if len(self.mark) != h:
            self.mark = np.zeros(h, dtype=bool)
            self.total = np.empty(h)
            self.risk = np.empty(h)
            self.degree = np.maximum(m.degree, 1.0)  # a household without ties has a neighbour sum of 0
            self.pull = np.where(m.degree > 0, m.cfg.behavior.rumour, 0.0)
        return self


def vectorized_step(m: UptakeModel) -> None:
    """The week's phases, in order."""
    w = m.__dict__.setdefault("touched", Touched()).ready(m)
    arise_needs(m)
    decide(m, w)
    face_enforcement(m, w)
    settle(m, w)
    visit_clinic(m, w)
    tally_households(m, w)
    update_beliefs(m, w)


def arise_needs(m: UptakeModel) -> None:
    """New needs become appointments due this week, for people with none pending.

    Candidates come in the agent engine's order of precedence (a later need
    overrides an earlier one for the same person).
    """
    t, p, d, c = m.week, m.people, m.draws, m.calendar
    receiving = p.receiving
    reviews = c.reviews(t)
    reviews = reviews[receiving[reviews]]
    parts = [
        (d.ssn, SSN),
        (d.deposit[receiving[d.deposit]], DIRECT_DEPOSIT),
        (d.interpreter[receiving[d.interpreter]], INTERPRETER),
        (reviews, None),
        (c.arrivals(t), REINSTATEMENT),
    ]
    people = np.concatenate([ids for ids, _ in parts])
    if len(people) == 0:
        return
    need = np.concatenate([m.review_need[ids] if k is None else np.full(len(ids), k, np.int8) for ids, k in parts])
    order = np.argsort(people, kind="stable")
    people, need = people[order], need[order]
    last = np.append(people[1:] != people[:-1], True)
    people, need = people[last], need[last]
    new = p.pending[people] == NONE
    p.pending[people[new]] = need[new]
    p.due[people[new]] = t


def decide(m: UptakeModel, w: Touched) -> None:
    """Due appointments are met remotely, attended, or missed."""
    t, p, pop, d, b, h = m.week, m.people, m.pop, m.draws, m.cfg.behavior, m.households
    p.outcome[w.due] = OUTCOME_NONE
    p.need[w.due] = NONE
    p.ssn_dropped[w.due] = False
    clients = m.calendar.clients
    ci = np.flatnonzero((p.due[clients] == t) & (p.pending[clients] != NONE))
    i = clients[ci]
    w.due, w.due_client = i, ci
    need = p.pending[i]
    p.need[i] = need
    remote = d.remote[ci] < m.schedule.remote_share[need]
    hh = pop.household[i]
    value = np.where(need == SSN, b.ssn_value, m.value[i])
    risk = bh.perceived_risk(h.alpha[hh], h.beta[hh])
    prob = bh.attend_probability(value, m.hassle[need], h.loss[hh], risk, b.noise)
    attended = d.decisions[ci] < prob
    p.outcome[i] = np.where(remote, OUTCOME_REMOTE, np.where(attended, OUTCOME_ATTENDED, OUTCOME_MISSED))


def face_enforcement(m: UptakeModel, w: Touched) -> None:
    """ICE requests, office disclosures and encounters at attended visits."""
    t, p, pop, d, h = m.week, m.people, m.pop, m.draws, m.households
    e = m.cfg.enforcement
    for flag in (p.requested, p.disclosed, p.encounter):
        flag[w.attended] = False
    sel = np.flatnonzero(p.outcome[w.due] == OUTCOME_ATTENDED)
    i, ci = w.due[sel], w.due_client[sel]
    w.attended = i
    region = m.person_region[i]
    routine = m.schedule.routine[t, region]
    p_req = request_probability(e.request_rate, routine, m.presence[t, region], h.exposure[pop.household[i]])
    requested = d.requests[ci] < p_req
    disclosed = requested & (d.disclosure[ci] < m.office_disclosure[m.person_office[i]])
    p.requested[i] = requested
    p.disclosed[i] = disclosed
    p.encounter[i] = disclosed & (d.encounters[ci] < e.apprehension)


def settle(m: UptakeModel, w: Touched) -> None:
    """Met needs close; misses reschedule, suspend benefits, or drop SSN services."""
    t, p, b = m.week, m.people, m.cfg.behavior
    i = w.due
    outcome, need = p.outcome[i], p.need[i]
    done = (outcome == OUTCOME_REMOTE) | (outcome == OUTCOME_ATTENDED)
    reinstated = i[done & (need == REINSTATEMENT)]
    p.receiving[reinstated] = True
    p.suspended[reinstated] = False
    p.pending[i[done]] = NONE
    p.misses[i[done]] = 0
    missed = outcome == OUTCOME_MISSED
    retry = missed & (need == REINSTATEMENT)
    p.due[i[retry]] = t + b.return_lag_weeks
    counted = missed & ~retry
    misses = p.misses[i] + counted
    p.misses[i] = misses
    limit = counted & (misses >= b.misses_to_suspend)
    dropped = i[limit & (need == SSN)]
    p.ssn_dropped[dropped] = True
    suspend = i[limit & (need != SSN)]
    p.pending[dropped] = NONE
    p.receiving[suspend] = False
    p.suspended[suspend] = True
    p.pending[suspend] = REINSTATEMENT
    p.due[suspend] = t + b.return_lag_weeks
    p.misses[i[limit]] = 0
    p.due[i[counted & ~limit]] = t + b.reschedule_weeks


def visit_clinic(m: UptakeModel, w: Touched) -> None:
    """The community clinic: weekly needs, fear generalised by kappa, its own sharing rule."""
    t, pop, d, b, h = m.week, m.pop, m.draws, m.cfg.behavior, m.households
    e, disc = m.cfg.enforcement, m.schedule.clinic_disclosure
    for flag in (h.clinic_need, h.clinic_visit, h.clinic_encounter):
        flag[w.clinic] = False
    k = d.clinic
    w.clinic = k
    h.clinic_need[k] = True
    risk = bh.clinic_risk(bh.perceived_risk(h.alpha[k], h.beta[k]), b.kappa, disc)
    prob = bh.attend_probability(b.clinic_value, b.clinic_hassle, h.loss[k], risk, b.noise)
    visit = d.clinic_decision < prob
    h.clinic_visit[k] = visit
    p_req = request_probability(e.request_rate, False, m.presence[t, pop.region[k]], h.exposure[k])
    p_enc = bh.encounter_probability(p_req, disc, e.apprehension)
    encounter = visit & (d.clinic_encounter < p_enc)
    h.clinic_encounter[k] = encounter
    w.clinic_encounters = k[encounter]


def _counts(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct ids and how often each occurs, as float64 counts."""
    ids, n = np.unique(ids, return_counts=True)
    return ids, n.astype(np.float64)


def tally_households(m: UptakeModel, w: Touched) -> None:
    """Each household's own encounters and safe visits this week."""
    p, pop, h = m.people, m.pop, m.households
    h.own_encounters[w.own_encounters] = 0.0
    h.own_safe[w.own_safe] = 0.0
    met = p.encounter[w.attended]
    enc, n_enc = _counts(np.concatenate([pop.household[w.attended[met]], w.clinic_encounters]))
    safe, n_safe = _counts(pop.household[w.attended[~met]])
    h.own_encounters[enc] = n_enc
    h.own_safe[safe] = n_safe
    w.own_encounters, w.own_safe = enc, safe


def _neighbour_sums(m: UptakeModel, values: np.ndarray, sources: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`network @ values` where `values` is zero outside `sources`: rows reached and their sums.

    The network is symmetric, so a source's row lists the households it
    reaches; the work is proportional to the sources' ties, not to H. The
    values are counts, so the sums are exact in any order.
    """
    net = m.network
    start, stop = net.indptr[sources], net.indptr[sources + 1]
    degree = stop - start
    if degree.sum() == 0:
        return EMPTY, np.zeros(0)
    offsets = np.arange(degree.sum()) - np.repeat(np.cumsum(degree) - degree, degree)
    reached = net.indices[np.repeat(start, degree) + offsets]
    rows, inverse = np.unique(reached, return_inverse=True)
    sums = np.bincount(inverse, weights=np.repeat(values[sources], degree), minlength=len(rows))
    return rows.astype(np.int64), sums


def _hear_news(m: UptakeModel, w: Touched) -> None:
    """Disclosure news, court news and outreach reach households; only those who hear are set."""
    t, pop, d, h, s = m.week, m.pop, m.draws, m.households, m.schedule
    h.news[w.heard] = 0.0
    h.reassurance[w.reassured] = 0.0
    heard = []
    for u, salience, threshold in (
        (d.news, s.news_salience[t], h.reach),
        (d.court, s.court_salience[t], h.reach),
    ):
        if u is None:
            heard.append(EMPTY)
            continue
        k = np.flatnonzero(u < threshold)
        heard.append(k[salience[pop.region[k]] > 0])
    if len(heard[0]):
        h.news[heard[0]] = s.news_salience[t, pop.region[heard[0]]]
    if len(heard[1]):
        h.reassurance[heard[1]] = s.court_salience[t, pop.region[heard[1]]]
    reached = EMPTY
    if d.outreach is not None:
        reached = np.flatnonzero(d.outreach < s.outreach_reach[t, pop.region])
        h.reassurance[reached] += 1.0
    w.heard, w.reassured = heard[0], np.concatenate([heard[1], reached])


def _gather_evidence(m: UptakeModel, w: Touched) -> tuple[np.ndarray, np.ndarray]:
    """`behavior.add_evidence` where anything but disclosure news arrived; a shortcut where only news did.

    Returns (households with other evidence, households with only news).
    """
    b, h = m.cfg.behavior, m.households
    h.neighbour_encounters[w.neighbours] = 0.0
    h.neighbour_safe[w.neighbours] = 0.0
    rows_e, sums_e = _neighbour_sums(m, h.own_encounters, w.own_encounters)
    rows_s, sums_s = _neighbour_sums(m, h.own_safe, w.own_safe)
    h.neighbour_encounters[rows_e] = sums_e
    h.neighbour_safe[rows_s] = sums_s
    w.neighbours = np.union1d(rows_e, rows_s)
    mark = w.mark
    for ids in (w.own_encounters, w.own_safe, w.neighbours, w.reassured):
        mark[ids] = True
    k = np.flatnonzero(mark)
    news_only = w.heard[~mark[w.heard]]
    mark[k] = False
    # Only news: the kernel's other terms add exact zeros, so alpha + w_news * news, beta unchanged.
    h.alpha[news_only] += b.w_news * h.news[news_only]
    h.alpha[k], h.beta[k] = bh.add_evidence(
        h.alpha[k],
        h.beta[k],
        h.own_encounters[k],
        h.neighbour_encounters[k],
        h.news[k],
        h.own_safe[k],
        h.neighbour_safe[k],
        h.reassurance[k],
        h.trust[k],
        b.w_encounter,
        b.w_neighbour_encounter,
        b.w_news,
        b.w_safe,
        b.w_neighbour_safe,
        b.w_reassure,
    )
    return k, news_only


def _memory_in_place(x: np.ndarray, x0: float, memory: float) -> None:
    """`behavior.apply_memory` in place: x0 + m * (x - x0), the same operations in the same order."""
    np.subtract(x, x0, out=x)
    np.multiply(x, memory, out=x)
    np.add(x, x0, out=x)


def _rumour_in_place(m: UptakeModel, w: Touched) -> None:
    """`behavior.spread_rumour` over every household, in place on reused buffers."""
    h = m.households
    total, risk = w.total, w.risk
    np.add(h.alpha, h.beta, out=total)
    np.divide(h.alpha, total, out=risk)
    nb = m.network @ risk
    np.divide(nb, w.degree, out=h.neighbour_risk)
    np.subtract(h.neighbour_risk, risk, out=nb)
    np.multiply(w.pull, nb, out=nb)
    np.add(risk, nb, out=risk)
    np.multiply(risk, total, out=h.alpha)
    np.subtract(1.0, risk, out=risk)
    np.multiply(risk, total, out=h.beta)


def _update_trust(m: UptakeModel, evidence: np.ndarray, news_only: np.ndarray) -> None:
    """`behavior.update_trust` where trust can move: news, encounters seen, or recovery.

    Elsewhere the kernel returns trust unchanged. Where only news arrived and
    no region recovers, its encounter and recovery factors are exact ones
    and zeros, so trust * (1 - loss_news * news) is the kernel's result.
    """
    t, pop, b, h = m.week, m.pop, m.cfg.behavior, m.households
    recovering = m.schedule.recovering[t]
    if recovering.any():
        k: np.ndarray | slice = slice(None)
    else:
        k = evidence
        trust = h.trust[news_only] * (1.0 - b.trust_loss_news * h.news[news_only])
        h.trust[news_only] = np.clip(trust, 0.0, 1.0, out=trust)
    h.trust[k] = bh.update_trust(
        h.trust[k],
        h.trust0[k],
        h.news[k],
        h.neighbour_encounters[k] + h.own_encounters[k],
        recovering[pop.region[k]],
        b.trust_loss_news,
        b.trust_loss_encounter,
        b.trust_recovery,
    )


def update_beliefs(m: UptakeModel, w: Touched) -> None:
    """Evidence, memory, rumour, then trust, for every household's decider."""
    b, h = m.cfg.behavior, m.households
    _hear_news(m, w)
    evidence, news_only = _gather_evidence(m, w)
    _memory_in_place(h.alpha, b.prior_alpha, b.memory)
    _memory_in_place(h.beta, b.prior_beta, b.memory)
    _rumour_in_place(m, w)
    _update_trust(m, evidence, news_only)
