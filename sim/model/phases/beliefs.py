"""Beliefs and trust of each household's decision maker: the weekly updates.

Fear is an inference about the enforcement chain. A decider holds a belief
that the agency tells ICE when asked (delta_hat: a Beta mean of a prior set
by trust, a fast part and a slow part), a perceived ICE activity nearby
(E_hat), and trust in the agency with a ceiling. Each week:

- the household tallies its own events (disclosures, encounters, arrests)
  and safe visits, hears its ties' and, with its community's reach, the
  region's news (the regime's announcement, a court's order, events);
- alarm (news, events, more fearful ties) adds to the fast "tells" count;
  safe visits, and reassurance counted by trust, to the fast "does not
  tell" count; the fast part fades, the slow part takes a share of it and
  forgets nothing, so a household that stays away learns nothing and keeps
  its conviction (the hot-stove effect);
- E_hat follows the events seen and heard;
- trust falls with announcements and violations seen, each violation
  lowering its ceiling, and recovers toward that ceiling where records are
  kept or a court has acted.

Each phase reads only what earlier phases wrote, so the order in which
households act within a phase cannot matter.

The five passes over every household each week (rumour, the disclosure
belief, perceived activity, trust, taking stock) run as compiled loops over
the acting households' ids (`_each_*`), which read and write the state arrays
in place and call the kernels of `sim.model.data.behavior` on one household at a time:
a million households a week without a numpy temporary per operator. The
loops only move numbers between the state and the kernels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numba
import numpy as np

from sim.model.data import behavior as bh
from sim.model.data.rng import counter_uniform
from sim.model.data.tie_sums import block_sums

if TYPE_CHECKING:
    import scipy.sparse as sp

    from sim.model.build.world import World


def _union(n: int, *ids: np.ndarray) -> np.ndarray:
    """Sorted distinct ids among `ids` (each in [0, n)), by marking rather than sorting."""
    mark = np.zeros(n, dtype=bool)
    for part in ids:
        mark[part] = True
    return np.flatnonzero(mark)


def _ties_of(net: sp.csr_matrix, sources: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every tie of `sources` as (source position, household tied to it); work in proportion to their ties."""
    start, stop = net.indptr[sources], net.indptr[sources + 1]
    degree = stop - start
    offsets = np.arange(degree.sum()) - np.repeat(np.cumsum(degree) - degree, degree)
    return np.repeat(np.arange(len(sources)), degree), net.indices[np.repeat(start, degree) + offsets]


def _count_in(ids: np.ndarray, at: np.ndarray) -> np.ndarray:
    """For each of the sorted `ids`, how many elements of `at` (all among `ids`) equal it.

    The work is in proportion to the week's events, not to the number of households.
    """
    return np.bincount(np.searchsorted(ids, at), minlength=len(ids))


def all_households(w: World) -> np.ndarray:
    return np.arange(w.pop.n_households)


# ------------------------------------------------------------------ phase: tally


def households_with_events(w: World) -> np.ndarray:
    """Households a member of which attended, met ICE at the clinic, or was arrested this week."""
    pop, k = w.pop, w.work
    return _union(pop.n_households, pop.household[k.attended], k.clinic_encounters, pop.household[k.arrested])


def tally(w: World, ids: np.ndarray) -> None:
    """Each household's own events (disclosures, encounters, arrests), violations and safe visits this week."""
    p, pop, h = w.people, w.pop, w.households
    for own in (h.own_events, h.own_safe, h.own_violations):
        own[w.work.tallied] = 0.0
    w.work.tallied = ids
    attended, arrested = w.work.attended, w.work.arrested
    disclosed = p.disclosed[attended]
    household = pop.household[attended]
    ids = np.sort(ids)
    violations = _count_in(ids, household[disclosed])
    events = violations + _count_in(ids, pop.household[arrested]) + _count_in(ids, w.work.clinic_encounters)
    h.own_violations[ids] = violations
    h.own_events[ids] = events
    h.own_safe[ids] = _count_in(ids, household[~disclosed])


# ------------------------------------------------------------------ phase: hear from ties


def households_tied_to_events(w: World) -> np.ndarray:
    """Households tied to one with events or visits this week (the network is symmetric)."""
    return _union(w.pop.n_households, _ties_of(w.network, w.work.tallied)[1])


def hear_from_ties(w: World, ids: np.ndarray) -> None:
    """Events, violations and safe visits of tied households this week.

    Sums are scattered from the households with events (the only nonzero
    tallies), so the work is in proportion to their ties; the values are
    counts, so the sums are exact in any order.
    """
    h, sources = w.households, w.work.tallied
    pairs = ((h.own_events, h.tie_events), (h.own_safe, h.tie_safe), (h.own_violations, h.tie_violations))
    for _, heard in pairs:
        heard[w.work.neighbours] = 0.0
    w.work.neighbours = ids
    source, tied = _ties_of(w.network, sources)
    ids = np.sort(ids)
    where = np.searchsorted(ids, tied)  # each tie's position among ids: found once for the three sums
    for own, heard in pairs:
        heard[ids] = np.bincount(where, weights=own[sources][source], minlength=len(ids))


# ------------------------------------------------------------------ phase: hear news


@numba.njit(cache=True, parallel=True)
def _hears(ids, region, local_news, news_key, reach, outreach, outreach_key, outreach_reach):  # noqa: ANN001, ANN202
    local = np.empty(len(ids), dtype=np.bool_)
    reached = np.zeros(len(ids), dtype=np.bool_)
    for k in numba.prange(len(ids)):
        i = ids[k]
        local[k] = local_news[region[i]] and counter_uniform(news_key, i) < reach[i]
        if outreach:
            reached[k] = counter_uniform(outreach_key, i) < outreach_reach[region[i]]
    return local, reached


def _heard(w: World, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which of `ids` heard local news (any kind their region has this week), and which outreach reached."""
    t, d, s, r = w.week, w.draws, w.schedule, w.regions
    local_news = (s.announcement[t] > 0) | (s.court[t] > 0) | (r.event_news > 0)  # [regions]
    outreach = d.outreach is not None
    outreach_key = d.outreach.key if outreach else np.uint64(0)
    return _hears(
        ids, w.pop.region, local_news, d.news.key, w.households.reach, outreach, outreach_key, s.outreach_reach[t]
    )


def households_hearing_news(w: World) -> np.ndarray:
    """Households that heard local news or were reached by outreach this week."""
    local, outreach = _heard(w, all_households(w))
    return np.flatnonzero(local | outreach)


@numba.njit(cache=True, parallel=True)
def _each_news(ids, local, outreach, region, news, heard):  # noqa: ANN001, ANN202
    announcement, court, event_news, violation_news = news
    for k in numba.prange(len(ids)):
        i, r = ids[k], region[ids[k]]
        heard[0][i] = announcement[r] if local[k] else 0.0
        heard[1][i] = event_news[r] if local[k] else 0.0
        heard[2][i] = violation_news[r] if local[k] else 0.0
        heard[3][i] = (court[r] if local[k] else 0.0) + (1.0 if outreach[k] else 0.0)


def hear_news(w: World, ids: np.ndarray) -> None:
    """The regime's announcement, a court's order, local events and outreach reach the households that hear."""
    t, h, s, r = w.week, w.households, w.schedule, w.regions
    heard = (h.announcement, h.event_news, h.violation_news, h.reassurance)
    for values in heard:
        values[w.work.heard] = 0.0
    w.work.heard = ids
    local, outreach = _heard(w, ids)
    news = (s.announcement[t], s.court[t], r.event_news, r.violation_news)
    _each_news(ids, local, outreach, w.pop.region, news, heard)


# ------------------------------------------------------------------ phases: rumour, disclosure belief


@numba.njit(cache=True, parallel=True)
def _each_rumour(ids, indptr, indices, disclosure, weight, rumour):  # noqa: ANN001, ANN202
    for k in numba.prange(len(ids)):
        i = ids[k]
        start, stop = indptr[i], indptr[i + 1]
        ties_total = 0.0
        for j in range(start, stop):  # the ties in stored order, as the sparse product sums them
            ties_total += disclosure[indices[j]]
        degree = float(stop - start)
        rumour[i] = bh.rumour_alarm(disclosure[i], ties_total / max(degree, 1.0), degree > 0, weight)


@numba.njit(cache=True, parallel=True)
def _each_rumour_of_sums(ids, ties_total, degree, disclosure, weight, rumour):  # noqa: ANN001, ANN202
    for k in numba.prange(len(ids)):
        i = ids[k]
        rumour[i] = bh.rumour_alarm(disclosure[i], ties_total[i] / max(degree[i], 1.0), degree[i] > 0, weight)


def listen_to_rumour(w: World, ids: np.ndarray) -> None:
    """Alarm from ties more fearful than oneself (all deciders' beliefs read before any is written).

    The ties' delta_hat are summed block by block (`sim.model.data.tie_sums`), which
    gives the stored order's sums exactly; where it cannot, row by row.
    """
    h, net, weight = w.households, w.network, w.cfg.behavior.rumour
    ties_total = block_sums(w.tie_blocks, h.disclosure)
    if ties_total is None:
        _each_rumour(ids, net.indptr, net.indices, h.disclosure, weight, h.rumour)
    else:
        _each_rumour_of_sums(ids, ties_total, w.degree, h.disclosure, weight, h.rumour)


@numba.njit(cache=True, parallel=True)
def _each_disclosure_belief(ids, h, weights, memory, consolidation):  # noqa: ANN001, ANN202
    a_fast, b_fast, a_slow, b_slow, announcement, event_news, own_events, tie_events, rumour = h[:9]
    own_safe, tie_safe, reassurance, trust = h[9:]
    w_announcement, w_event_news, w_own, w_ties, w_safe, w_tie_safe, w_reassure = weights
    for k in numba.prange(len(ids)):
        i = ids[k]
        alarm = bh.alarm_evidence(
            announcement[i], event_news[i], own_events[i], tie_events[i], w_announcement, w_event_news, w_own, w_ties
        )
        calm = bh.calm_evidence(own_safe[i], tie_safe[i], reassurance[i], trust[i], w_safe, w_tie_safe, w_reassure)
        a_fast[i] = bh.decay_and_add(a_fast[i], memory, alarm + rumour[i])
        b_fast[i] = bh.decay_and_add(b_fast[i], memory, calm)
        a_slow[i] = bh.consolidate(a_slow[i], a_fast[i], consolidation)
        b_slow[i] = bh.consolidate(b_slow[i], b_fast[i], consolidation)


def update_disclosure_belief(w: World, ids: np.ndarray) -> None:
    """The fast part fades and takes the week's alarm and calm; the slow part takes a share and forgets nothing."""
    b, h = w.cfg.behavior, w.households
    state = (h.a_fast, h.b_fast, h.a_slow, h.b_slow, h.announcement, h.event_news, h.own_events, h.tie_events)
    state += (h.rumour, h.own_safe, h.tie_safe, h.reassurance, h.trust)
    weights = (b.w_announcement, b.w_event_news, b.w_own_event, b.w_tie_event, b.w_safe, b.w_tie_safe, b.w_reassure)
    _each_disclosure_belief(ids, state, tuple(float(x) for x in weights), b.fast_memory, b.consolidation)


# ------------------------------------------------------------------ phases: activity, trust


@numba.njit(cache=True, parallel=True)
def _each_activity(ids, activity, own_events, tie_events, event_news, rate, sensitivity):  # noqa: ANN001, ANN202
    for k in numba.prange(len(ids)):
        i = ids[k]
        seen = own_events[i] + tie_events[i] + event_news[i]
        activity[i] = bh.perceived_activity(activity[i], seen, rate, sensitivity)


def update_activity(w: World, ids: np.ndarray) -> None:
    """E_hat follows the events seen (own, ties') and the event news heard."""
    b, h = w.cfg.behavior, w.households
    _each_activity(ids, h.activity, h.own_events, h.tie_events, h.event_news, b.activity_rate, b.activity_sensitivity)


@numba.njit(cache=True, parallel=True)
def _mark_recovering(recovering, region, trust, trust0, ceiling, mark):  # noqa: ANN001, ANN202
    for i in numba.prange(len(trust)):
        if bh.recovers(trust[i], bh.recovery_target(trust0[i], ceiling[i]), recovering[region[i]]):
            mark[i] = True


def households_whose_trust_can_move(w: World) -> np.ndarray:
    """Households that saw or heard something this week, and those below the level trust recovers to."""
    h, k, recovering = w.households, w.work, w.schedule.recovering[w.week]
    mark = np.zeros(w.pop.n_households, dtype=bool)
    if recovering.any():
        _mark_recovering(recovering, w.pop.region, h.trust, h.trust0, h.trust_ceiling, mark)
    for part in (k.tallied, k.neighbours, k.heard):
        mark[part] = True
    return np.flatnonzero(mark)


@numba.njit(cache=True, parallel=True)
def _each_trust(ids, h, recovering, region, rates):  # noqa: ANN001, ANN202
    trust, ceiling, trust0, announcement, own_violations, tie_violations, violation_news = h
    drop, loss_announcement, loss_violation, recovery = rates
    for k in numba.prange(len(ids)):
        i = ids[k]
        violations = own_violations[i] + tie_violations[i] + violation_news[i]
        ceiling[i] = bh.lower_ceiling(ceiling[i], violations, drop)
        trust[i] = bh.update_trust(
            trust[i],
            ceiling[i],
            trust0[i],
            announcement[i],
            violations,
            recovering[region[i]],
            loss_announcement,
            loss_violation,
            recovery,
        )


def update_trust(w: World, ids: np.ndarray) -> None:
    """Trust falls with announcements and violations seen, each lowering its ceiling; recovers where allowed."""
    b, h = w.cfg.behavior, w.households
    state = (h.trust, h.trust_ceiling, h.trust0, h.announcement, h.own_violations, h.tie_violations, h.violation_news)
    rates = (b.ceiling_drop, b.trust_loss_announcement, b.trust_loss_violation, b.trust_recovery)
    _each_trust(ids, state, w.schedule.recovering[w.week], w.pop.region, tuple(float(x) for x in rates))


# ------------------------------------------------------------------ phase: the belief decisions read


@numba.njit(cache=True, parallel=True)
def _each_disclosure(ids, a_fast, b_fast, a_slow, b_slow, trust, prior, disclosure):  # noqa: ANN001, ANN202
    strength, low, high = prior
    for k in numba.prange(len(ids)):
        i = ids[k]
        belief = bh.perceived_disclosure(a_fast[i], b_fast[i], a_slow[i], b_slow[i], trust[i], strength, low, high)
        disclosure[i] = belief


def take_stock(w: World, ids: np.ndarray) -> None:
    """delta_hat from this week's counts and trust: what next week's decisions and rumour read."""
    b, h = w.cfg.behavior, w.households
    prior = (float(b.prior_strength), float(b.prior_disclosure_trusting), float(b.prior_disclosure_distrusting))
    _each_disclosure(ids, h.a_fast, h.b_fast, h.a_slow, h.b_slow, h.trust, prior, h.disclosure)
