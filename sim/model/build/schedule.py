"""Data-sharing regimes and the timeline of events, as precomputed schedules.

A regime is data (conf/policy/*.yaml): the rules in force from `start_week`
in the listed regions (all when empty), the firewall's rules before that
and elsewhere (conf/policy/firewall.yaml, the one source of the baseline),
an optional injunction that blocks sharing in its regions from its week, an
optional outreach campaign, and a `timeline` of dated changes of remote
service, outreach and record-keeping (phone service restored at week 52).
`build_schedule` turns it into per-week, per-region and per-office arrays
that the weekly step only indexes, so a lever that changes over time costs
the week nothing more than one that does not.

No regime sets its own loudness: the announcement is news in proportion to
the rise in stated disclosure over the firewall's (routine sharing counts as
full disclosure), decaying with `behavior.news_halflife_weeks`; a court's
order is news of the same size the other way.
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass

import numpy as np
from scipy import special

from sim.config import NEEDS, Config, LeverChange, PolicyConfig, RegimeRules, walk
from sim.config.paths import BASELINE, policy_file
from sim.model.data.behavior import news_decay, stated_disclosure


@dataclass
class PolicySchedule:
    """What the policy implies for every week, region and office."""

    disclosure: np.ndarray  # float64 [weeks, offices]: P(disclose | request), after staff compliance
    routine: np.ndarray  # bool [weeks, regions]: schedules passed on unasked
    announcement: np.ndarray  # float64 [weeks, regions]: announcement news (rise in stated disclosure x decay)
    court: np.ndarray  # float64 [weeks, regions]: a court's order, news the other way
    outreach_reach: np.ndarray  # float64 [weeks, regions]
    recovering: np.ndarray  # bool [weeks, regions]: records kept or a court acted
    compliance: np.ndarray  # float64 [offices]: staff compliance
    remote_share: np.ndarray  # float64 [weeks, needs]
    clinic_disclosure: float


@functools.cache
def firewall_rules() -> RegimeRules:
    """The baseline rules (conf/policy/firewall.yaml): in force before a regime starts and where it does not apply.

    Read as plain data (`policy_file`), the rules the file leaves out at their schema defaults: the model loads no
    framework to build a schedule.
    """
    return RegimeRules(**policy_file(BASELINE).get("rules", {}))


def _in_regions(listed: list[int], n_regions: int) -> np.ndarray:
    mask = np.zeros(n_regions, dtype=bool)
    if listed:
        mask[list(listed)] = True
    else:
        mask[:] = True
    return mask


def regime_disclosure(rules: RegimeRules) -> float:
    """What a regime states an office does when ICE asks (before staff compliance)."""
    return stated_disclosure(
        rules.disclosure_prob, rules.formal_request_required, rules.formal_request_share, rules.routine
    )


def office_compliance(cfg: PolicyConfig, u: np.ndarray) -> np.ndarray:
    """Staff compliance per office: a Beta with the regime's mean and sd, from uniforms u."""
    mean, sd = cfg.compliance_mean, cfg.compliance_sd
    if sd <= 0 or mean <= 0 or mean >= 1:
        return np.full(len(u), mean, dtype=np.float64)
    var = min(sd**2, mean * (1 - mean) * 0.999)
    k = mean * (1 - mean) / var - 1
    # The Beta quantile: scipy.stats.beta.ppf is this same function (equal to the bit on 200,000 draws), but
    # importing scipy.stats costs every process about half a second.
    return special.betaincinv(mean * k, (1 - mean) * k, u)


def _changes(timeline: list[LeverChange], lever: str, weeks: int) -> list[tuple[int, LeverChange]]:
    """(week, change) of each change of `lever` inside the horizon, in week order (a stable sort)."""
    dated = [(c.week, c) for c in timeline if c.week < weeks]
    if lever == "remote_share":
        return sorted(((w, c) for w, c in dated if c.remote_share), key=lambda x: x[0])
    return sorted(((w, c) for w, c in dated if getattr(c, lever) is not None), key=lambda x: x[0])


def remote_shares(cfg: PolicyConfig, weeks: int) -> np.ndarray:
    """[weeks, needs]: the share of each need met remotely, week by week (each change holds until the next)."""
    shares = np.tile(np.array([cfg.remote_share[k] for k in NEEDS]), (weeks, 1))
    for week, change in _changes(cfg.timeline, "remote_share", weeks):
        for k, share in change.remote_share.items():
            shares[week:, NEEDS.index(k)] = share
    return shares


def records_kept(cfg: PolicyConfig, weeks: int) -> np.ndarray:
    """[weeks]: whether the regime's rules keep records, week by week."""
    kept = np.full(weeks, cfg.rules.records_kept)
    for week, change in _changes(cfg.timeline, "records_kept", weeks):
        kept[week:] = change.records_kept
    return kept


def outreach_level(cfg: PolicyConfig, weeks: int) -> np.ndarray:
    """[weeks]: the weekly outreach reach where outreach runs.

    The campaign is two changes, its reach at `outreach_week` and 0 at its
    end; each timeline change holds until the next change of either kind, and
    wins a tie (it is the analyst's later word). So a change during a
    campaign lasts until the campaign ends, and one after it stands.
    """
    events: list[tuple[int, int, float]] = []  # (week, 0 for the campaign or 1 for the timeline, reach)
    if cfg.outreach_week >= 0:
        events += [(cfg.outreach_week, 0, cfg.outreach_reach), (cfg.outreach_week + cfg.outreach_weeks, 0, 0.0)]
    events += [(week, 1, change.outreach_reach) for week, change in _changes(cfg.timeline, "outreach_reach", weeks)]
    level = np.zeros(weeks)
    for week, _, reach in sorted(events, key=lambda e: e[:2]):
        level[week:] = reach
    return level


def build_schedule(
    cfg: PolicyConfig,
    weeks: int,
    n_regions: int,
    office_region: np.ndarray,
    news_halflife: float,
    office_u: np.ndarray,
    transfer: float = 1.0,
    baseline: RegimeRules | None = None,
) -> PolicySchedule:
    """Lay the regime's timeline out over weeks, regions and offices. Events past the horizon are not reached.

    `transfer` scales the announcement's news: how loud this rule is beside the public-charge rule the
    calibration's surveys measured (`behavior.announcement_transfer`).
    """
    base = firewall_rules() if baseline is None else baseline
    rules = cfg.rules
    t = np.arange(weeks)[:, None]
    active = (t >= cfg.start_week) & _in_regions(cfg.regions, n_regions)[None, :]
    blocked = np.zeros((weeks, n_regions), dtype=bool)
    if cfg.injunction_week >= 0:
        blocked = (t >= cfg.injunction_week) & _in_regions(cfg.injunction_regions, n_regions)[None, :]
    stated, stated_base = regime_disclosure(rules), regime_disclosure(base)
    region_disclosure = np.where(blocked, 0.0, np.where(active, stated, stated_base))
    routine = np.where(active, rules.routine, base.routine) & ~blocked
    records = np.where(active, records_kept(cfg, weeks)[:, None], base.records_kept)
    rise = max(0.0, stated - stated_base)
    announcement = transfer * np.where(active & ~blocked, rise, 0.0) * news_decay(t - cfg.start_week, news_halflife)
    court = np.zeros((weeks, n_regions))
    if cfg.injunction_week >= 0:
        court = np.where(blocked & active, rise, 0.0) * news_decay(t - cfg.injunction_week, news_halflife)
    level = outreach_level(cfg, weeks)[:, None]
    outreach = np.where((level > 0) & _in_regions(cfg.outreach_regions, n_regions)[None, :], level, 0.0)
    compliance = office_compliance(cfg, office_u)
    return PolicySchedule(
        disclosure=region_disclosure[:, office_region] * compliance[None, :],
        routine=routine,
        announcement=announcement,
        court=court,
        outreach_reach=outreach,
        recovering=records | blocked,
        compliance=compliance,
        remote_share=remote_shares(cfg, weeks),
        clinic_disclosure=cfg.clinic_disclosure_prob,
    )


def unreached_events(cfg: Config) -> list[str]:
    """One line per dated event (start, injunction, outreach, timeline change, office opening) past the horizon."""
    lines = []
    for name, value, p in walk(cfg):
        if p.event and value != p.none and value >= cfg.weeks:
            lines.append(f"{name} = {value} is past the horizon (weeks = {cfg.weeks}): not reached")
    return lines


def keep_remote_changes(baseline: list[LeverChange], run: list[LeverChange]) -> list[LeverChange]:
    """The timeline of a paired firewall run: the baseline's own changes, with the run's remote-service changes.

    The counterpart keeps the run's services (`remote_share`) and so their
    changes too: a paired loss is then that of the sharing alone, services
    and all. Outreach and record-keeping changes are the regime's, as its
    outreach campaign and rules are, so they stay the baseline's.
    """
    out = []
    for change in baseline:
        kept = copy.deepcopy(change)
        kept.remote_share = {}
        if kept.outreach_reach is not None or kept.records_kept is not None:
            out.append(kept)
    out += [LeverChange(week=c.week, remote_share=dict(c.remote_share)) for c in run if c.remote_share]
    return out
