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
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import behavior as bh

if TYPE_CHECKING:
    import scipy.sparse as sp

    from sim.state import World


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


def _sel(w: World, ids: np.ndarray) -> np.ndarray | slice:
    """Whole arrays when `ids` is every household, else the ids."""
    return slice(None) if w.everyone(ids) else ids


def all_households(w: World) -> np.ndarray:
    return np.arange(w.pop.n_households)


def perceived_disclosure(w: World, hh: np.ndarray | slice) -> np.ndarray:
    """delta_hat of the deciders of `hh`."""
    b, h = w.cfg.behavior, w.households
    return bh.perceived_disclosure(
        h.a_fast[hh],
        h.b_fast[hh],
        h.a_slow[hh],
        h.b_slow[hh],
        h.trust[hh],
        b.prior_strength,
        b.prior_disclosure_trusting,
        b.prior_disclosure_distrusting,
    )


# ------------------------------------------------------------------ phase: tally


def households_with_events(w: World) -> np.ndarray:
    """Households a member of which attended, met ICE at the clinic, or was arrested this week."""
    pop, k = w.pop, w.work
    return _union(pop.n_households, pop.household[k.attended], k.clinic_encounters, pop.household[k.arrested])


def tally(w: World, ids: np.ndarray) -> None:
    """Each household's own events (disclosures, encounters, arrests), violations and safe visits this week."""
    p, pop, h, n = w.people, w.pop, w.households, w.pop.n_households
    for own in (h.own_events, h.own_safe, h.own_violations):
        own[w.work.tallied] = 0.0
    w.work.tallied = ids
    attended, arrested = w.work.attended, w.work.arrested
    disclosed = p.disclosed[attended]
    household = pop.household[attended]
    violations = np.bincount(household[disclosed], minlength=n)
    events = violations + np.bincount(pop.household[arrested], minlength=n)
    events += np.bincount(w.work.clinic_encounters, minlength=n)
    h.own_violations[ids] = violations[ids]
    h.own_events[ids] = events[ids]
    h.own_safe[ids] = np.bincount(household[~disclosed], minlength=n)[ids]


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
    h, n, sources = w.households, w.pop.n_households, w.work.tallied
    pairs = ((h.own_events, h.tie_events), (h.own_safe, h.tie_safe), (h.own_violations, h.tie_violations))
    for _, heard in pairs:
        heard[w.work.neighbours] = 0.0
    w.work.neighbours = ids
    source, tied = _ties_of(w.network, sources)
    for own, heard in pairs:
        heard[ids] = np.bincount(tied, weights=own[sources][source], minlength=n)[ids]


# ------------------------------------------------------------------ phase: hear news


def _heard(w: World, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which of `ids` heard local news (any kind their region has this week), and which outreach reached."""
    t, d, s, r = w.week, w.draws, w.schedule, w.regions
    region = w.pop.region[ids]
    news = (s.announcement[t] > 0) | (s.court[t] > 0) | (r.event_news > 0)  # [regions]
    local = news[region] & (d.news[ids] < w.households.reach[ids])
    outreach = np.zeros(len(ids), dtype=bool)
    if d.outreach is not None:
        outreach = d.outreach[ids] < s.outreach_reach[t, region]
    return local, outreach


def households_hearing_news(w: World) -> np.ndarray:
    """Households that heard local news or were reached by outreach this week."""
    ids = all_households(w)
    local, outreach = _heard(w, ids)
    return ids[local | outreach]


def hear_news(w: World, ids: np.ndarray) -> None:
    """The regime's announcement, a court's order, local events and outreach reach the households that hear."""
    t, h, s, r = w.week, w.households, w.schedule, w.regions
    for heard in (h.announcement, h.event_news, h.violation_news, h.reassurance):
        heard[w.work.heard] = 0.0
    w.work.heard = ids
    local, outreach = _heard(w, ids)
    region = w.pop.region[ids]
    h.announcement[ids] = np.where(local, s.announcement[t, region], 0.0)
    h.event_news[ids] = np.where(local, r.event_news[region], 0.0)
    h.violation_news[ids] = np.where(local, r.violation_news[region], 0.0)
    h.reassurance[ids] = np.where(local, s.court[t, region], 0.0) + np.where(outreach, 1.0, 0.0)


# ------------------------------------------------------------------ phases: rumour, disclosure belief


def listen_to_rumour(w: World, ids: np.ndarray) -> None:
    """Alarm from ties more fearful than oneself (all deciders' beliefs read before any is written)."""
    h = w.households
    k = _sel(w, ids)
    ties_mean = (w.network @ h.disclosure)[k] / np.maximum(w.degree[k], 1.0)
    h.rumour[k] = bh.rumour_alarm(h.disclosure[k], ties_mean, w.degree[k] > 0, w.cfg.behavior.rumour)


def update_disclosure_belief(w: World, ids: np.ndarray) -> None:
    """The fast part fades and takes the week's alarm and calm; the slow part takes a share and forgets nothing."""
    b, h = w.cfg.behavior, w.households
    k = _sel(w, ids)
    alarm = bh.alarm_evidence(
        h.announcement[k],
        h.event_news[k],
        h.own_events[k],
        h.tie_events[k],
        b.w_announcement,
        b.w_event_news,
        b.w_own_event,
        b.w_tie_event,
    )
    calm = bh.calm_evidence(
        h.own_safe[k], h.tie_safe[k], h.reassurance[k], h.trust[k], b.w_safe, b.w_tie_safe, b.w_reassure
    )
    h.a_fast[k] = bh.decay_and_add(h.a_fast[k], b.fast_memory, alarm + h.rumour[k])
    h.b_fast[k] = bh.decay_and_add(h.b_fast[k], b.fast_memory, calm)
    h.a_slow[k] = bh.consolidate(h.a_slow[k], h.a_fast[k], b.consolidation)
    h.b_slow[k] = bh.consolidate(h.b_slow[k], h.b_fast[k], b.consolidation)


# ------------------------------------------------------------------ phases: activity, trust


def update_activity(w: World, ids: np.ndarray) -> None:
    """E_hat follows the events seen (own, ties') and the event news heard."""
    b, h = w.cfg.behavior, w.households
    k = _sel(w, ids)
    seen = h.own_events[k] + h.tie_events[k] + h.event_news[k]
    h.activity[k] = bh.perceived_activity(h.activity[k], seen, b.activity_rate, b.activity_sensitivity)


def households_whose_trust_can_move(w: World) -> np.ndarray:
    """Households that saw or heard something this week, and those below the level trust recovers to."""
    h, t = w.households, w.week
    below = h.trust < np.minimum(h.trust0, h.trust_ceiling)
    recovering = w.schedule.recovering[t][w.pop.region] & below
    k = w.work
    return _union(w.pop.n_households, k.tallied, k.neighbours, k.heard, np.flatnonzero(recovering))


def update_trust(w: World, ids: np.ndarray) -> None:
    """Trust falls with announcements and violations seen, each lowering its ceiling; recovers where allowed."""
    b, h = w.cfg.behavior, w.households
    k = _sel(w, ids)
    violations = h.own_violations[k] + h.tie_violations[k] + h.violation_news[k]
    h.trust_ceiling[k] = bh.lower_ceiling(h.trust_ceiling[k], violations, b.ceiling_drop)
    h.trust[k] = bh.update_trust(
        h.trust[k],
        h.trust_ceiling[k],
        h.trust0[k],
        h.announcement[k],
        violations,
        w.schedule.recovering[w.week, w.pop.region[k]],
        b.trust_loss_announcement,
        b.trust_loss_violation,
        b.trust_recovery,
    )


# ------------------------------------------------------------------ phase: the belief decisions read


def take_stock(w: World, ids: np.ndarray) -> None:
    """delta_hat from this week's counts and trust: what next week's decisions and rumour read."""
    k = _sel(w, ids)
    w.households.disclosure[k] = perceived_disclosure(w, k)
