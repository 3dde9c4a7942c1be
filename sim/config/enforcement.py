"""ICE's presence by region (`enforcement.*`): where it starts, how it grows, and offices that open."""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.config.declare import ASSUMPTION, LEVER, NONNEG, PROB, UNCERTAINTY, param
from sim.config.vocabulary import MAX_EVENT_WEEK, STATUSES, per_status


@dataclass
class OfficeOpening:
    week: int = field(
        default=0,
        metadata=param(
            UNCERTAINTY, allowed=(0, MAX_EVENT_WEEK), event=True, plausible="0 to weeks-1", unit="week",
            role_note="scenario", source="assumption; a week at or past the horizon is not reached",
            doc="week the ICE office opens",
        ),
    )  # fmt: skip
    region: int = field(
        default=0,
        metadata=param(
            UNCERTAINTY, region=True, plausible="0 to n_regions-1", unit="region", role_note="scenario",
            source=ASSUMPTION,
            doc="region it opens in",
        ),
    )  # fmt: skip
    increment: float = field(
        default=0.1,
        metadata=param(
            UNCERTAINTY,
            allowed=PROB,
            plausible=(0.0, 0.5),
            unit="index",
            source=ASSUMPTION,
            doc="rise in that region's ICE presence from the opening on",
        ),
    )


@dataclass
class EnforcementConfig:
    base_presence: float = field(
        default=0.3,
        metadata=param(
            UNCERTAINTY, allowed=PROB, plausible=(0.0, 1.0), unit="index [0, 1]", role_note="scenario",
            also=(LEVER,), source=ASSUMPTION,
            doc="mean ICE presence across regions at week 0 (an index in [0, 1])",
        ),
    )  # fmt: skip
    presence_spread: float = field(
        default=0.15,
        metadata=param(
            UNCERTAINTY,
            allowed=PROB,
            plausible=(0.0, 0.3),
            unit="index",
            source=ASSUMPTION,
            doc="half-width of the uniform spread of ICE presence across regions at week 0",
        ),
    )
    growth_per_year: float = field(
        default=0.15,
        metadata=param(
            UNCERTAINTY, allowed=NONNEG, plausible=(0.0, 0.3), unit="index per year", role_note="scenario",
            source="assumption; direction from the reported expansion (\"more than 150 leases\", about 300 sites "
            "for more than 10,000 new staff, about 22,000 officers; WIRED, Washington Post as reported)",
            doc="rise in every region's ICE presence per year (presence is capped at 1)",
        ),
    )  # fmt: skip
    openings: list[OfficeOpening] = field(
        default_factory=list,
        metadata=param(
            UNCERTAINTY,
            plausible="list of {week, region, increment}",
            role_note="scenario",
            source=ASSUMPTION,
            doc="ICE office openings, each raising one region's presence from its week on",
        ),
    )
    request_rate: float = field(
        default=0.3,
        metadata=param(
            UNCERTAINTY, allowed=PROB, plausible=(0.05, 1.0),
            unit="P(request) per attended visit at presence 1 and exposure 1", source=ASSUMPTION,
            doc="probability ICE asks about an attended visit, scaled by presence and the visitor's exposure",
        ),
    )  # fmt: skip
    exposure: dict[str, float] = field(
        default_factory=lambda: per_status(lpr=0.05, refugee=0.1, student=0.2, worker=0.2, undocumented=1.0),
        metadata=param(
            UNCERTAINTY, allowed=PROB, keys=(STATUSES,), unit="probability weight",
            plausible={
                "citizen": (0.0, 0.0), "naturalized": (0.0, 0.02), "lpr": (0.0, 0.2), "refugee": (0.0, 0.3),
                "student": (0.05, 0.5), "worker": (0.05, 0.5), "undocumented": (0.5, 1.0),
            },
            source={
                "citizen": "assumption (citizens are not pursued)",
                "naturalized": "assumption (rare mistakes)",
                "*": ASSUMPTION,
            },
            doc="real exposure to ICE by status: scales requests, community arrests and clinic encounters",
        ),
    )  # fmt: skip
    apprehension: float = field(
        default=0.3,
        metadata=param(
            UNCERTAINTY,
            allowed=PROB,
            plausible=(0.05, 0.8),
            unit="P(encounter / disclosure)",
            source=ASSUMPTION,
            doc="probability a disclosure to ICE leads to an encounter",
        ),
    )
    arrest_rate: float = field(
        default=0.002,
        metadata=param(
            UNCERTAINTY, allowed=PROB, plausible=(0.0002, 0.01),
            unit="community arrests per exposed resident per week at presence 1",
            source="assumption (order of magnitude: interior arrests of a few hundred thousand a year among about "
            "11 million undocumented residents is about 0.0005 a week at today's presence; not from EVIDENCE.md)",
            doc="community arrests (apart from the agency) per exposed resident per week at presence 1",
        ),
    )  # fmt: skip
