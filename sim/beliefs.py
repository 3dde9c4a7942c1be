"""Beliefs and trust of each household's decision maker: the weekly updates.

A decider's belief that attending leads to an encounter is a Beta(alpha,
beta). Each week it takes the household's own visits (encounters and safe
visits), its ties' visits, disclosure news, court news and outreach
(counted in proportion to trust); decays toward the prior; is pulled toward
the ties' mean belief (rumour); and trust falls with news and encounters
seen, recovering where records are kept or a court has acted.

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


# ------------------------------------------------------------------ phase: tally


def households_with_visits(w: World) -> np.ndarray:
    """Households a member of which attended this week, or met ICE at the clinic."""
    return _union(w.pop.n_households, w.pop.household[w.work.attended], w.work.clinic_encounters)


def tally(w: World, ids: np.ndarray) -> None:
    """Each household's own encounters (at the agency or the clinic) and safe visits this week."""
    p, pop, h, n = w.people, w.pop, w.households, w.pop.n_households
    h.own_encounters[w.work.tallied] = 0.0
    h.own_safe[w.work.tallied] = 0.0
    w.work.tallied = ids
    attended = w.work.attended
    met = p.encounter[attended]
    household = pop.household[attended]
    encounters = np.bincount(np.concatenate([household[met], w.work.clinic_encounters]), minlength=n)
    h.own_encounters[ids] = encounters[ids]
    h.own_safe[ids] = np.bincount(household[~met], minlength=n)[ids]


# ------------------------------------------------------------------ phase: hear from ties


def households_tied_to_visits(w: World) -> np.ndarray:
    """Households tied to one with visits this week (the network is symmetric: a source's row lists them)."""
    return _union(w.pop.n_households, _ties_of(w.network, w.work.tallied)[1])


def hear_from_ties(w: World, ids: np.ndarray) -> None:
    """Encounters and safe visits of tied households this week.

    Sums are scattered from the households with visits (the only nonzero
    tallies), so the work is in proportion to their ties; the values are
    counts, so the sums are exact in any order.
    """
    h, n = w.households, w.pop.n_households
    h.neighbour_encounters[w.work.neighbours] = 0.0
    h.neighbour_safe[w.work.neighbours] = 0.0
    w.work.neighbours = ids
    source, tied = _ties_of(w.network, w.work.tallied)
    for own, heard in ((h.own_encounters, h.neighbour_encounters), (h.own_safe, h.neighbour_safe)):
        heard[ids] = np.bincount(tied, weights=own[w.work.tallied][source], minlength=n)[ids]


# ------------------------------------------------------------------ phase: hear news


def _heard(u: np.ndarray | None, ids: np.ndarray, chance: np.ndarray, salience: np.ndarray) -> np.ndarray:
    """Which of `ids` heard a piece of news: a draw under their chance, where the news exists."""
    if u is None:
        return np.zeros(len(ids), dtype=bool)
    return (u[ids] < chance) & (salience > 0)


def households_hearing_news(w: World) -> np.ndarray:
    """Households that heard disclosure news, court news or outreach this week."""
    d = w.draws
    if d.news is None and d.court is None and d.outreach is None:
        return np.empty(0, dtype=np.int64)
    ids = all_households(w)
    return ids[_news_heard(w, ids).any(axis=0)]


def _news_heard(w: World, ids: np.ndarray) -> np.ndarray:
    """bool [3, ids]: heard disclosure news, court news, outreach."""
    t, d, h, s = w.week, w.draws, w.households, w.schedule
    region = w.pop.region[ids]
    reach = h.reach[ids]
    return np.array(
        [
            _heard(d.news, ids, reach, s.news_salience[t, region]),
            _heard(d.court, ids, reach, s.court_salience[t, region]),
            _heard(d.outreach, ids, s.outreach_reach[t, region], s.outreach_reach[t, region]),
        ]
    )


def hear_news(w: World, ids: np.ndarray) -> None:
    """Disclosure news, court news and outreach reach households; only those who hear are set."""
    t, h, s = w.week, w.households, w.schedule
    h.news[w.work.heard] = 0.0
    h.reassurance[w.work.reassured] = 0.0
    news, court, outreach = _news_heard(w, ids)
    region = w.pop.region[ids]
    h.news[ids[news]] = s.news_salience[t, region[news]]
    h.reassurance[ids] = np.where(court, s.court_salience[t, region], 0.0) + np.where(outreach, 1.0, 0.0)
    w.work.heard = ids[news]
    w.work.reassured = ids[court | outreach]


# ------------------------------------------------------------------ phase: weigh evidence


def households_with_evidence(w: World) -> np.ndarray:
    """Households that saw visits (their own or their ties') or heard news this week."""
    k = w.work
    return _union(w.pop.n_households, k.tallied, k.neighbours, k.heard, k.reassured)


def weigh_evidence(w: World, ids: np.ndarray) -> None:
    """Encounters and news add to alpha; safe visits and trusted reassurance add to beta."""
    b, h = w.cfg.behavior, w.households
    w.work.evidence = ids
    h.alpha[ids], h.beta[ids] = bh.add_evidence(
        h.alpha[ids],
        h.beta[ids],
        h.own_encounters[ids],
        h.neighbour_encounters[ids],
        h.news[ids],
        h.own_safe[ids],
        h.neighbour_safe[ids],
        h.reassurance[ids],
        h.trust[ids],
        b.w_encounter,
        b.w_neighbour_encounter,
        b.w_news,
        b.w_safe,
        b.w_neighbour_safe,
        b.w_reassure,
    )


# ------------------------------------------------------------------ phases: memory, rumour


def forget(w: World, ids: np.ndarray) -> None:
    """Pseudo-counts decay toward the prior (`behavior.memory` per week)."""
    b, h = w.cfg.behavior, w.households
    k = _sel(w, ids)
    h.alpha[k], h.beta[k] = bh.apply_memory(h.alpha[k], h.beta[k], b.prior_alpha, b.prior_beta, b.memory)


def listen_to_rumour(w: World, ids: np.ndarray) -> None:
    """Perceived risk moves toward the ties' mean, keeping each belief's weight (all read, then all written)."""
    h = w.households
    k = _sel(w, ids)
    risk = bh.perceived_risk(h.alpha, h.beta)
    h.neighbour_risk[k] = (w.network @ risk)[k] / np.maximum(w.degree[k], 1.0)
    h.alpha[k], h.beta[k] = bh.spread_rumour(
        h.alpha[k], h.beta[k], h.neighbour_risk[k], w.degree[k] > 0, w.cfg.behavior.rumour
    )


# ------------------------------------------------------------------ phase: trust


def households_whose_trust_can_move(w: World) -> np.ndarray:
    """Where trust can move: the evidence set, or every household while some region recovers."""
    return all_households(w) if w.schedule.recovering[w.week].any() else w.work.evidence


def update_trust(w: World, ids: np.ndarray) -> None:
    """Trust falls with disclosure news and encounters seen; recovers where records are kept or a court acted."""
    b, h = w.cfg.behavior, w.households
    k = _sel(w, ids)
    region = w.pop.region[k]
    h.trust[k] = bh.update_trust(
        h.trust[k],
        h.trust0[k],
        h.news[k],
        h.neighbour_encounters[k] + h.own_encounters[k],
        w.schedule.recovering[w.week, region],
        b.trust_loss_news,
        b.trust_loss_encounter,
        b.trust_recovery,
    )
