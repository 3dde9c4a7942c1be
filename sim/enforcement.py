"""ICE presence by region over time, and the request-disclosure-encounter chain at the agency.

Presence rises linearly with the leasing expansion and jumps where an office
opens; it stays in [0, 1]. For an attended appointment of a person whose
status exposes them, ICE asks at rate q * presence (always, where schedules
are passed on as routine); a disclosure follows with the office's
probability; an encounter then with the apprehension probability.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.config import STATUSES, EnforcementConfig
from sim.state import OUTCOME_ATTENDED

if TYPE_CHECKING:
    from sim.state import World


def build_presence(cfg: EnforcementConfig, weeks: int, n_regions: int, u: np.ndarray) -> np.ndarray:
    """ICE presence E[t, r] in [0, 1]; `u` are one uniform per region. An opening past the horizon is not reached."""
    base = np.clip(cfg.base_presence + cfg.presence_spread * (2.0 * u - 1.0), 0.0, 1.0)
    t = np.arange(weeks, dtype=np.float64)[:, None]
    presence = base[None, :] + cfg.growth_per_year * t / 52.0
    for opening in cfg.openings:
        presence[opening.week :, opening.region] += opening.increment
    return np.clip(presence, 0.0, 1.0)


def exposure_by_status(cfg: EnforcementConfig) -> np.ndarray:
    """Exposure x by status index: how likely ICE is to pursue such a person."""
    return np.array([cfg.exposure[s] for s in STATUSES])


def request_probability(request_rate: float, routine: np.ndarray, presence: np.ndarray, exposure: np.ndarray):
    """P(ICE asks about an appointment); routine sharing needs no request."""
    rate = np.where(routine, 1.0, request_rate)
    return rate * presence * exposure


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
    t, p, pop, d, h = w.week, w.people, w.pop, w.draws, w.households
    e = w.cfg.enforcement
    for flag in (p.requested, p.disclosed, p.encounter):
        flag[w.work.attended] = False
    w.work.attended = ids
    ci = w.calendar.client_position[ids]
    region = w.person_region[ids]
    routine = w.schedule.routine[t, region]
    p_req = request_probability(e.request_rate, routine, w.presence[t, region], h.exposure[pop.household[ids]])
    requested = d.requests[ci] < p_req
    disclosed = requested & (d.disclosure[ci] < w.offices.disclosure[w.person_office[ids]])
    p.requested[ids] = requested
    p.disclosed[ids] = disclosed
    p.encounter[ids] = disclosed & (d.encounters[ci] < e.apprehension)
