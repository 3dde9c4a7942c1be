"""The survey's question asked of the model: which immigrant families avoided a benefit.

Mapping (docs/ODD.md, "Calibration"): a family avoided a benefit in a window
when its decision maker, in that window, missed at least one in-person benefit
appointment (a review, a direct-deposit change, an interpreter visit, a return
after suspension or an application; not an SSN-card service, which is not a
benefit) or skipped a visit to the community clinic, which stands for the
noncash programs the survey asks about (health coverage, food, housing) that
are run outside the agency. The survey's unit is the adult: shares are
weighted by each household's sampling weight times its adults. The share
among a set of families is taken net of the firewall counterpart run on the
same seed, so only avoidance the policy caused counts ("for fear of ..."),
not misses the model has without it.

`track` runs a model week by week and keeps what these measures need: each
household's misses per week, appointments due and missed by region, and
receiving and eligible counts by region and citizenship.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config import HOUSEHOLD_TYPES, Config
from sim.model.build.population import US_BORN, Population
from sim.model.data.state import OUTCOME_MISSED, OUTCOME_NONE, SSN
from sim.model.engine.week import UptakeModel


@dataclass
class Record:
    """What one run leaves for the survey measures."""

    missed: np.ndarray  # bool [weeks, households]: the decider missed a benefit appointment or a clinic visit
    due_region: np.ndarray  # int [weeks, regions]: in-person or remote appointments due
    missed_region: np.ndarray  # int [weeks, regions]
    receiving: np.ndarray  # int [weeks, regions, 2]: receiving, by citizen (0) / noncitizen (1)
    eligible: np.ndarray  # int [weeks, regions, 2]
    families: dict[str, np.ndarray]  # bool [households] per family type
    weight: np.ndarray  # float64 [households]: sampling weight x adults (the survey asks adults)


def family_types(pop: Population) -> dict[str, np.ndarray]:
    """Household masks: immigrant families (any foreign-born member), with and without children, and each type."""
    children = np.bincount(pop.household[pop.is_child], minlength=pop.n_households) > 0
    immigrant = pop.hh_type != US_BORN
    families = {
        "immigrant": immigrant,
        "immigrant_with_children": immigrant & children,
        "immigrant_without_children": immigrant & ~children,
    }
    families.update({name: pop.hh_type == k for k, name in enumerate(HOUSEHOLD_TYPES)})
    return families


def track(cfg: Config) -> Record:
    """Run `cfg` to its horizon, keeping the weekly record the survey measures read."""
    return _track(UptakeModel(cfg, collect=False))


def track_pair(cfg: Config) -> tuple[Record, Record]:
    """`track` of `cfg` and of its paired counterpart (`experiments.design.paired`), on one population."""
    from experiments.design import paired

    return paired(cfg, _track, collect=False)


def _track(m: UptakeModel) -> Record:
    cfg, pop = m.cfg, m.pop
    weeks, h, n_regions = cfg.weeks, pop.n_households, cfg.population.n_regions
    region = m.world.person_region.astype(np.int64)
    cell = region * 2 + pop.noncitizen.astype(np.int64)
    rec = Record(
        missed=np.zeros((weeks, h), dtype=bool),
        due_region=np.zeros((weeks, n_regions), dtype=np.int64),
        missed_region=np.zeros((weeks, n_regions), dtype=np.int64),
        receiving=np.zeros((weeks, n_regions, 2), dtype=np.int64),
        eligible=_eligible_by_week(pop, cell, weeks, n_regions),
        families=family_types(pop),
        weight=pop.weight * np.bincount(pop.household[~pop.is_child], minlength=h),
    )
    clinic = m.households
    for w in range(weeks):
        m.step()
        out = m.people.outcome
        miss = (out == OUTCOME_MISSED) & (m.people.need != SSN)
        rec.missed[w] = clinic.clinic_need & ~clinic.clinic_visit
        rec.missed[w, pop.household[miss]] = True
        rec.due_region[w] = np.bincount(region[out != OUTCOME_NONE], minlength=n_regions)
        rec.missed_region[w] = np.bincount(region[miss], minlength=n_regions)
        rec.receiving[w] = np.bincount(cell[m.people.receiving], minlength=2 * n_regions).reshape(n_regions, 2)
    return rec


def _eligible_by_week(pop: Population, cell: np.ndarray, weeks: int, n_regions: int) -> np.ndarray:
    """[weeks, regions, 2]: people eligible by week w (eligible at all, from `eligible_week` <= w) in each cell,
    counted once by the week each becomes eligible and summed, not recounted over everyone every week."""
    first = np.clip(np.where(pop.eligible_ever, pop.eligible_week, weeks), 0, weeks).astype(np.int64)
    new = np.bincount(first * 2 * n_regions + cell, minlength=(weeks + 1) * 2 * n_regions)
    return np.cumsum(new.reshape(weeks + 1, n_regions, 2), axis=0)[:weeks]


def avoided_share(rec: Record, family: str, start: int, end: int) -> float:
    """Share of `family` households whose decider missed an appointment in weeks [start, end)."""
    mask = rec.families[family]
    if not mask.any():
        return float("nan")
    avoided = rec.missed[start:end, mask].any(axis=0)
    return float(np.average(avoided, weights=rec.weight[mask]))


def net_avoidance(rec: Record, base: Record, family: str, start: int, end: int) -> float:
    """Share of `family` that avoided for fear: in some week of [start, end) its decider missed a contact
    that, in the firewall counterpart on the same seed and draws, it did not miss.

    Matching the counterpart week by week, not subtracting its share, keeps families that also miss for other
    reasons (hassle, noise) in the count: the survey asks whether fear made a family avoid, not whether it
    was the only reason it ever missed.
    """
    mask = rec.families[family]
    if not mask.any():
        return float("nan")
    feared = (rec.missed[start:end, mask] & ~base.missed[start:end, mask]).any(axis=0)
    return float(np.average(feared, weights=rec.weight[mask]))


def uptake(rec: Record, weeks: slice, regions: np.ndarray | None = None, noncitizen: bool | None = None) -> float:
    """Receiving over eligible, summed over the chosen weeks, regions and citizenship."""
    sel_r = slice(None) if regions is None else regions
    sel_c = slice(None) if noncitizen is None else int(noncitizen)
    num = rec.receiving[weeks][:, sel_r][..., sel_c].sum()
    den = rec.eligible[weeks][:, sel_r][..., sel_c].sum()
    return float(num / den) if den else float("nan")
