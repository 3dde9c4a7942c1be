"""Data-sharing regimes and the timeline of events, as precomputed schedules.

A regime is data (conf/policy/*.yaml): the rules in force from `start_week`
in the listed regions (all when empty), the firewall baseline before that,
an optional injunction that blocks sharing in its regions from its week, and
an optional outreach campaign. `build_schedule` turns it into per-week,
per-region and per-office arrays that the weekly step only indexes.

A dated event at or after the horizon (`weeks`) is not an error: it is
simply not reached (its weeks lie outside every array), and
`unreached_events` names it in one line for the run to print.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from sim.config import NEEDS, Config, PolicyConfig, RegimeRules, walk


@dataclass
class PolicySchedule:
    """What the policy implies for every week, region and office."""

    disclosure: np.ndarray  # float64 [weeks, offices]: P(disclose | request)
    routine: np.ndarray  # bool [weeks, regions]: schedules passed on unasked
    news_salience: np.ndarray  # float64 [weeks, regions]: disclosure news
    court_salience: np.ndarray  # float64 [weeks, regions]: injunction news
    outreach_reach: np.ndarray  # float64 [weeks, regions]
    recovering: np.ndarray  # bool [weeks, regions]: records kept or court acted
    blocked: np.ndarray  # bool [weeks, regions]: a court blocks sharing
    compliance: np.ndarray  # float64 [offices]: staff compliance
    remote_share: np.ndarray  # float64 [needs]
    clinic_disclosure: float


def _in_regions(listed: list[int], n_regions: int) -> np.ndarray:
    mask = np.zeros(n_regions, dtype=bool)
    if listed:
        mask[list(listed)] = True
    else:
        mask[:] = True
    return mask


def effective_disclosure(rules: RegimeRules) -> float:
    """P(an office discloses | ICE asks) before office compliance."""
    formal = rules.formal_request_share if rules.formal_request_required else 1.0
    return rules.disclosure_prob * formal


def office_compliance(cfg: PolicyConfig, u: np.ndarray) -> np.ndarray:
    """Staff compliance per office: a Beta with the regime's mean and sd, from uniforms u."""
    mean, sd = cfg.compliance_mean, cfg.compliance_sd
    if sd <= 0 or mean <= 0 or mean >= 1:
        return np.full(len(u), mean, dtype=np.float64)
    var = min(sd**2, mean * (1 - mean) * 0.999)
    k = mean * (1 - mean) / var - 1
    return stats.beta.ppf(u, mean * k, (1 - mean) * k)


def _decay(weeks: int, start: int, halflife: float, floor: float = 0.0) -> np.ndarray:
    """Salience of an event: 1 in its week, decaying with `halflife` toward `floor`."""
    if start < 0:
        return np.zeros(weeks)
    t = np.arange(weeks, dtype=np.float64)
    return np.where(t >= start, floor + (1.0 - floor) * 0.5 ** ((t - start) / halflife), 0.0)


def build_schedule(
    cfg: PolicyConfig,
    weeks: int,
    n_regions: int,
    office_region: np.ndarray,
    news_halflife: float,
    news_floor: float,
    office_u: np.ndarray,
) -> PolicySchedule:
    """Lay the regime's timeline out over weeks, regions and offices."""
    t = np.arange(weeks)[:, None]
    active = (t >= cfg.start_week) & _in_regions(cfg.regions, n_regions)[None, :]
    if cfg.injunction_week >= 0:
        blocked = (t >= cfg.injunction_week) & _in_regions(cfg.injunction_regions, n_regions)[None, :]
    else:
        blocked = np.zeros((weeks, n_regions), dtype=bool)

    def by_rules(regime: float | bool, base: float | bool) -> np.ndarray:
        return np.where(active, regime, base)

    rules, base = cfg.rules, cfg.baseline
    region_disclosure = by_rules(effective_disclosure(rules), effective_disclosure(base))
    region_disclosure = np.where(blocked, 0.0, region_disclosure)
    routine = by_rules(rules.routine, base.routine) & ~blocked
    records = by_rules(rules.records_kept, base.records_kept)
    news = (
        np.where(active & ~blocked, rules.news_salience, 0.0)
        * _decay(weeks, cfg.start_week, news_halflife, news_floor)[:, None]
    )
    court = np.where(blocked, 1.0, 0.0) * _decay(weeks, cfg.injunction_week, news_halflife)[:, None]
    outreach = np.zeros((weeks, n_regions))
    if cfg.outreach_week >= 0:
        window = (t >= cfg.outreach_week) & (t < cfg.outreach_week + cfg.outreach_weeks)
        outreach = np.where(window & _in_regions(cfg.outreach_regions, n_regions)[None, :], cfg.outreach_reach, 0.0)
    compliance = office_compliance(cfg, office_u)
    return PolicySchedule(
        disclosure=region_disclosure[:, office_region] * compliance[None, :],
        routine=routine,
        news_salience=news,
        court_salience=court,
        outreach_reach=outreach,
        recovering=records | blocked,
        blocked=blocked,
        compliance=compliance,
        remote_share=np.array([cfg.remote_share[k] for k in NEEDS]),
        clinic_disclosure=cfg.clinic_disclosure_prob,
    )


def unreached_events(cfg: Config) -> list[str]:
    """One line per dated event (policy start, injunction, outreach, office opening) at or past the horizon."""
    lines = []
    for name, value, p in walk(cfg):
        if p.event and value != p.none and value >= cfg.weeks:
            lines.append(f"{name} = {value} is past the horizon (weeks = {cfg.weeks}): not reached")
    return lines
