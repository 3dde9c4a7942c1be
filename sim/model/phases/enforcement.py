"""The request-disclosure-encounter chain at the agency, community arrests, and local news.

ICE presence (built once, `sim.model.build.presence`) scales both routes to
an encounter:

- at the agency: for an attended appointment, ICE asks at rate q * presence
  * exposure (always, where schedules are passed on as routine); the office
  discloses with its probability; an encounter follows with the apprehension
  probability;
- in the community: arrests of exposed residents, Poisson with mean
  mu * presence * (exposure summed over a region's residents), whatever the
  agency does. A local surge is felt through these.

Disclosures, encounters and arrests are events that the people concerned,
their ties and (through local news, per 1,000 residents) their region see.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.data.behavior import arrest_mean, request_probability
from sim.model.data.state import OUTCOME_ATTENDED

if TYPE_CHECKING:
    from sim.model.build.world import World


# ------------------------------------------------------------------ phase: offices open


def all_offices(w: World) -> np.ndarray:
    return np.arange(len(w.offices.disclosure))


def open_offices(w: World, ids: np.ndarray) -> None:
    """Each office takes this week's rule: the regime's disclosure times its staff's compliance, 0 under a court."""
    w.offices.disclosure[ids] = w.schedule.disclosure[w.week, ids]


# ------------------------------------------------------------------ phase: enforcement at visits


def people_attending(w: World) -> np.ndarray:
    """People who attended in person this week."""
    due = w.work.due
    return due[w.people.outcome[due] == OUTCOME_ATTENDED]


def face_enforcement(w: World, ids: np.ndarray) -> None:
    """ICE requests, office disclosures and encounters at attended visits."""
    t, p, d = w.week, w.people, w.draws
    e = w.cfg.enforcement
    for flag in (p.requested, p.disclosed, p.encounter):
        flag[w.work.attended] = False
    w.work.attended = ids
    ci = w.calendar.client_position[ids]
    region = w.person_region[ids]
    routine = w.schedule.routine[t, region]
    p_req = request_probability(e.request_rate, routine, w.presence[t, region], w.visit_exposure[ids])
    requested = d.requests[ci] < p_req
    disclosed = requested & (d.disclosure[ci] < w.offices.disclosure[w.person_office[ids]])
    p.requested[ids] = requested
    p.disclosed[ids] = disclosed
    p.encounter[ids] = disclosed & (d.encounters[ci] < e.apprehension)


# ------------------------------------------------------------------ phase: community arrests


def people_arrested(w: World) -> np.ndarray:
    """This week's community arrests: Poisson per region, each falling on a resident in proportion to exposure."""
    pool, rng = w.arrest_pool, w.streams.week("arrests", w.week)
    counts = rng.poisson(arrest_mean(w.cfg.enforcement.arrest_rate, w.presence[w.week], pool.exposure))
    if counts.sum() == 0:
        return np.empty(0, dtype=np.int64)
    region = np.repeat(np.arange(len(counts)), counts)
    lo, hi = pool.bounds[region], pool.bounds[region + 1]
    target = rng.random(len(region)) * pool.exposure[region]
    pos = np.empty(len(region), dtype=np.int64)
    for r in np.unique(region).tolist():  # one binary search per region with arrests
        k = region == r
        pos[k] = lo[k] + np.searchsorted(pool.cumulative[lo[k][0] : hi[k][0]], target[k], side="right")
    return np.unique(pool.people[np.minimum(pos, hi - 1)])


def arrest(w: World, ids: np.ndarray) -> None:
    """Residents arrested in the community: events their household, ties and region see (no one leaves the model)."""
    w.people.arrested[w.work.arrested] = False
    w.work.arrested = ids
    w.people.arrested[ids] = True


# ------------------------------------------------------------------ phase: local news


def make_news(w: World) -> None:
    """Each region's local news: weighted disclosures + zeta * (encounters + arrests) per 1,000 residents.

    The agency's part (disclosures and encounters at offices) is kept apart:
    it is what tells people the agency broke their trust.
    """
    b, p, n = w.cfg.behavior, w.people, len(w.residents)
    attended, arrested = w.work.attended, w.work.arrested

    def weighted(people: np.ndarray) -> np.ndarray:
        return np.bincount(w.person_region[people], weights=w.person_weight[people], minlength=n)

    disclosures = weighted(attended[p.disclosed[attended]])
    encounters = weighted(attended[p.encounter[attended]])
    arrests = weighted(arrested)
    per_1000 = b.event_news_scale * 1000.0 / np.maximum(w.residents, 1e-12)
    zeta = b.event_news_encounter_weight
    w.regions.violation_news[:] = per_1000 * (disclosures + zeta * encounters)
    w.regions.event_news[:] = per_1000 * (disclosures + zeta * (encounters + arrests))
