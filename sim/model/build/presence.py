"""ICE presence by week and region, real exposure by status, and the pool community arrests are drawn from.

Built once: presence rises linearly with the leasing expansion and jumps
where an office opens, staying in [0, 1]; the arrest pool orders each
region's exposed residents so a week's arrests fall on them in proportion to
exposure (`sim.model.phases.enforcement.people_arrested`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.config import STATUSES, EnforcementConfig

if TYPE_CHECKING:
    from sim.model.build.population import Population


def build_presence(cfg: EnforcementConfig, weeks: int, n_regions: int, u: np.ndarray) -> np.ndarray:
    """ICE presence E[t, r] in [0, 1]; `u` are one uniform per region. An opening past the horizon is not reached."""
    base = np.clip(cfg.base_presence + cfg.presence_spread * (2.0 * u - 1.0), 0.0, 1.0)
    t = np.arange(weeks, dtype=np.float64)[:, None]
    presence = base[None, :] + cfg.growth_per_year * t / 52.0
    for opening in cfg.openings:
        presence[opening.week :, opening.region] += opening.increment
    return np.clip(presence, 0.0, 1.0)


def exposure_by_status(cfg: EnforcementConfig) -> np.ndarray:
    """Real exposure x by status index: how likely ICE is to pursue such a person."""
    return np.array([cfg.exposure[s] for s in STATUSES])


@dataclass
class ArrestPool:
    """The exposed residents of each region, for drawing community arrests in proportion to exposure."""

    people: np.ndarray  # int64: exposed people, by region
    cumulative: np.ndarray  # float64: cumulative exposure within each region's slice
    bounds: np.ndarray  # int64 [regions + 1]: slice of each region
    exposure: np.ndarray  # float64 [regions]: exposure summed over each region's residents


def build_arrest_pool(
    pop: Population, person_exposure: np.ndarray, person_region: np.ndarray, n_regions: int
) -> ArrestPool:
    """Each region's exposed residents, in region order, with their cumulative exposure within the region."""
    exposed = np.flatnonzero(person_exposure > 0)
    exposed = exposed[np.argsort(person_region[exposed], kind="stable")]
    region = person_region[exposed]
    bounds = np.searchsorted(region, np.arange(n_regions + 1))
    x = person_exposure[exposed]
    cumulative = np.cumsum(x)
    starts = np.concatenate([[0.0], cumulative])[bounds[:-1]]
    cumulative = cumulative - np.repeat(starts, np.diff(bounds))
    total = np.bincount(region, weights=x, minlength=n_regions)
    return ArrestPool(exposed, cumulative, bounds, total)
