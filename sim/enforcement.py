"""ICE presence by region over time, and the request-disclosure-encounter chain.

Presence rises linearly with the leasing expansion and jumps where an office
opens; it stays in [0, 1]. For an attended appointment of a person whose
status exposes them, ICE asks at rate q * presence (always, where schedules
are passed on as routine); a disclosure follows with the office's
probability; an encounter then with the apprehension probability.
"""

from __future__ import annotations

import numpy as np

from sim.config import STATUSES, EnforcementConfig


def build_presence(cfg: EnforcementConfig, weeks: int, n_regions: int, u: np.ndarray) -> np.ndarray:
    """ICE presence E[t, r] in [0, 1]; `u` are one uniform per region."""
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
