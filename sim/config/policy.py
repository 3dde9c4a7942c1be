"""A regime (`policy=<regime>`, `policy.*`): its rules, where and when they hold, and its levers.

The levers: remote service by need, outreach, and dated changes of them (the timeline, `LeverChange`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from sim.config.declare import ASSUMPTION, LEVER, MISSING, PROB, SETTING, UNCERTAINTY, param, weeks_field
from sim.config.vocabulary import MAX_EVENT_WEEK, NEEDS, NONE_WEEK


@dataclass
class RegimeRules:
    disclosure_prob: float = field(
        default=1.0,
        metadata=param(
            LEVER, allowed=PROB, plausible=(0.0, 1.0), unit="P(grant / request meets formality)",
            source="assumption per regime (9.7)",
            doc="probability an office grants an ICE request (one meeting the formality, where required)",
        ),
    )  # fmt: skip
    formal_request_required: bool = field(
        default=True,
        metadata=param(
            LEVER, source="regime definition", doc="whether only requests meeting a formality can be granted"
        ),
    )
    formal_request_share: float = field(
        default=0.05,
        metadata=param(
            UNCERTAINTY, allowed=PROB, plausible=(0.0, 1.0), unit="share of requests meeting the formality",
            source=ASSUMPTION,
            doc="share of ICE requests that meet the formality, where one is required",
        ),
    )  # fmt: skip
    records_kept: bool = field(
        default=True,
        metadata=param(
            LEVER,
            source="regime definition (lets trust recover)",
            doc="whether the regime keeps records: trust recovers only where it does or a court has acted",
        ),
    )
    routine: bool = field(
        default=False,
        metadata=param(
            LEVER,
            source="regime definition (no request needed)",
            doc="routine sharing: no request needed and stated disclosure 1 (staff compliance still applies)",
        ),
    )


@dataclass
class LeverChange:
    """One dated change of the levers a regime's timeline can move; a lever left out (None, {}) is not changed."""

    week: int = field(
        default=0,
        metadata=param(
            LEVER, allowed=(0, MAX_EVENT_WEEK), event=True, plausible="0 to weeks-1", unit="week",
            role_note="timing", source="assumption; a week at or past the horizon is not reached",
            doc="week the change takes effect; it holds until a later change of the same lever",
        ),
    )  # fmt: skip
    remote_share: dict[str, float] = field(
        default_factory=dict,
        metadata=param(
            LEVER, allowed=PROB, keys=(NEEDS,), partial=True, plausible=(0.0, 1.0), unit="share met remotely",
            default_note="no change", source=ASSUMPTION,
            doc="new share met remotely of each need listed (the needs not listed keep theirs), everywhere",
        ),
    )  # fmt: skip
    outreach_reach: float | None = field(
        default=None,
        metadata=param(
            LEVER, allowed=PROB, plausible=(0.0, 0.5), unit="P(reached) per week", default_note="no change",
            source="assumption; the campaign's start and end (`outreach_week`, `outreach_weeks`) are changes too",
            doc="weekly outreach reach in `outreach_regions` until the next change (0 stops outreach)",
        ),
    )  # fmt: skip
    records_kept: bool | None = field(
        default=None,
        metadata=param(
            LEVER, default_note="no change", source="regime definition (lets trust recover)",
            doc="whether the regime keeps records from this week on, where and while its rules are in force",
        ),
    )  # fmt: skip


TIMELINE_LEVERS = tuple(f.name for f in dataclasses.fields(LeverChange) if f.name != "week")


@dataclass
class PolicyConfig:
    name: str = field(
        default=MISSING,
        metadata=param(
            SETTING,
            plausible="a label",
            default_note="the regime file's",
            doc="the regime's name (its file in conf/policy/); labels the outputs",
        ),
    )
    description: str = field(
        default="",
        metadata=param(
            SETTING,
            plausible="a sentence",
            source="what the regime is, shown by the explorer",
            doc="what the regime is, in a sentence",
        ),
    )
    rules: RegimeRules = field(
        default_factory=RegimeRules,
        metadata=param(
            LEVER,
            default_note="per regime; this is the default regime's",
            doc="the regime's rules (the fields below), in force from `start_week` in `regions`",
        ),
    )
    start_week: int = field(
        default=8,
        metadata=param(
            LEVER, allowed=(0, MAX_EVENT_WEEK), event=True, plausible="0 to weeks-1", unit="week",
            role_note="timing", source="assumption; a week at or past the horizon is not reached",
            doc="week the regime's rules take effect (the firewall's rules before)",
        ),
    )  # fmt: skip
    regions: list[int] = field(
        default_factory=list,
        metadata=param(
            LEVER, region=True, plausible="subset of regions", role_note="jurisdiction", default_note="all",
            source="Alsan & Yang (muted in sanctuary cities) for the mechanism",
            doc="regions the regime covers (empty: all); elsewhere the firewall's rules",
        ),
    )  # fmt: skip
    compliance_mean: float = field(
        default=0.8,
        metadata=param(
            UNCERTAINTY, allowed=PROB, plausible=(0.3, 1.0), unit="share of staff complying",
            role_note="oversight is a lever", also=(LEVER,), source=ASSUMPTION,
            doc="mean share of staff who follow the regime's rule when ICE asks (drawn per office)",
        ),
    )  # fmt: skip
    compliance_sd: float = field(
        default=0.1,
        metadata=param(
            UNCERTAINTY, allowed=(0.0, 0.5), plausible=(0.0, 0.25), unit="across offices",
            source="assumption; 0 or at least 1e-6 (a smaller sd would divide by zero when drawing compliance)",
            doc="sd of staff compliance across offices",
        ),
    )  # fmt: skip
    remote_share: dict[str, float] = field(
        default_factory=lambda: {
            "eligibility": 0.0,
            "direct_deposit": 0.0,
            "interpreter": 0.1,
            "ssn": 0.0,
            "child_review": 0.0,
            "reinstatement": 0.0,
            "application": 0.0,
        },
        metadata=param(
            LEVER, allowed=PROB, keys=(NEEDS,), plausible=(0.0, 1.0), unit="share met remotely",
            source={
                "eligibility": "assumption; noncitizens are required to appear in person (WIRED, Feb 2026, as "
                "reported)",
                "direct_deposit": "assumption (the case says changes must be made in person)",
                "interpreter": "assumption (video interpreting)",
                "*": ASSUMPTION,
            },
            doc="share of each need met remotely: no visit, no enforcement risk",
        ),
    )  # fmt: skip
    injunction_week: int = field(
        default=NONE_WEEK,
        metadata=param(
            LEVER, allowed=(0, MAX_EVENT_WEEK), none=NONE_WEEK, event=True, plausible="start_week to weeks-1",
            unit="week", role_note="scenario", default_note="none; `injunction`: 60",
            source="assumption; CEDC v. Bessent (D. Mass., 5 Feb 2026) barred use of IRS return information by "
            "ICE, as the kind of event; not before `start_week`; at or past the horizon it is not reached",
            doc="week a court blocks the sharing (disclosure 0 from then on; -1: no injunction)",
        ),
    )  # fmt: skip
    injunction_regions: list[int] = field(
        default_factory=list,
        metadata=param(
            LEVER, region=True, plausible="subset of regions", role_note="jurisdiction", default_note="all",
            source=ASSUMPTION,
            doc="regions the court's order covers (empty: all)",
        ),
    )  # fmt: skip
    outreach_week: int = field(
        default=NONE_WEEK,
        metadata=param(
            LEVER, allowed=(0, MAX_EVENT_WEEK), none=NONE_WEEK, event=True, plausible="0 to weeks-1", unit="week",
            default_note="none", source="assumption; at or past the horizon it is not reached",
            doc="week an outreach (reassurance) campaign starts (-1: none)",
        ),
    )  # fmt: skip
    outreach_weeks: int = weeks_field(12, 4, 52, LEVER, unit="weeks", doc="weeks the outreach campaign runs")
    outreach_reach: float = field(
        default=0.1,
        metadata=param(
            LEVER, allowed=PROB, plausible=(0.0, 0.5), unit="P(reached) per week", role_note="also uncertain",
            source=ASSUMPTION,
            doc="weekly probability a household is reached by outreach while it runs",
        ),
    )  # fmt: skip
    outreach_regions: list[int] = field(
        default_factory=list,
        metadata=param(
            LEVER,
            region=True,
            plausible="subset of regions",
            default_note="all",
            source=ASSUMPTION,
            doc="regions outreach runs in (empty: all)",
        ),
    )
    clinic_disclosure_prob: float = field(
        default=0.0,
        metadata=param(
            LEVER,
            allowed=PROB,
            plausible=(0.0, 0.3),
            unit="P(disclose / request) at the clinic",
            source=ASSUMPTION,
            doc="probability the community clinic tells ICE (its own rule, not lifted by a court)",
        ),
    )
    timeline: list[LeverChange] = field(
        default_factory=list,
        metadata=param(
            LEVER, plausible="list of {week, remote_share, outreach_reach, records_kept}", role_note="timing",
            default_note="no changes",
            source="assumption; the paired firewall run keeps the remote-share changes (7.17)",
            doc="dated changes of remote service, outreach and record-keeping, each from its week on",
        ),
    )  # fmt: skip
