"""The synthetic population's config (`population.*`): its size, household types and each member's status.

Every field is declared once here (`sim.config.declare`); `sim.config.validation` holds the rules across fields
(shares summing to 1, statuses a household type admits).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.config.declare import ASSUMPTION, NONNEG, PROB, SETTING, UNCERTAINTY, param
from sim.config.vocabulary import (
    HOUSEHOLD_TYPES,
    MAX_COMMUNITIES,
    MAX_OFFICES_PER_REGION,
    MAX_PEOPLE,
    MAX_REGIONS,
    PROGRAMS,
    STATUSES,
    per_status,
)


@dataclass
class PopulationConfig:
    n_people: int = field(
        default=50_000,
        metadata=param(
            SETTING, allowed=(1, MAX_PEOPLE), plausible=(1_000, 2_000_000), unit="people",
            source="assumption (scale; not a census count)",
            meaningful=(1_000, None),
            understates="groups too small (about one person in ten is an eligible agent: under 1,000 people "
            "fewer than 100 stand behind the headline uptake and every household type has fewer than 50; at the "
            "default shares all reach 50 from about 7,500 people)",
            doc="people in the synthetic population (each an agent, weighted back to the true shares)",
        ),
    )  # fmt: skip
    n_regions: int = field(
        default=10,
        metadata=param(
            SETTING,
            allowed=(1, MAX_REGIONS),
            plausible=(1, 50),
            unit="regions",
            source=ASSUMPTION,
            doc="regions: ICE presence, local news and a regime's or a court's reach are per region",
        ),
    )
    offices_per_region: int = field(
        default=4,
        metadata=param(
            SETTING, allowed=(1, MAX_OFFICES_PER_REGION), plausible=(1, 20), unit="offices",
            source="assumption; a scaled slice of SSA's 1,231 field offices in 2024 "
            "(SSA Annual Statistical Supplement, Table 2.F1)",
            doc="field offices per region; each draws its staff compliance once",
        ),
    )  # fmt: skip
    n_communities: int = field(
        default=40,
        metadata=param(
            SETTING,
            allowed=(1, MAX_COMMUNITIES),
            plausible=(5, 200),
            unit="communities",
            source=ASSUMPTION,
            doc="communities: ties cluster in them, and each has its own news reach",
        ),
    )
    immigrant_community_share: float = field(
        default=0.3,
        metadata=param(
            UNCERTAINTY,
            allowed=PROB,
            plausible=(0.1, 0.6),
            unit="share of communities",
            source=ASSUMPTION,
            doc="share of communities that immigrant households live in (they cluster there)",
        ),
    )
    mean_household_size: float = field(
        default=2.5,
        metadata=param(
            SETTING, allowed=(1.0, 20.0), plausible=(2.0, 3.5), unit="people",
            source="assumption (the same for every household type, so a type's share of households is also its "
            "share of people)",
            doc="mean people per household (sizes are 1 + Poisson(mean - 1))",
        ),
    )  # fmt: skip
    household_type_shares: dict[str, float] = field(
        default_factory=lambda: {
            "us_born": 0.78,
            "all_citizen_immigrant": 0.08,
            "green_card_citizen": 0.06,
            "mixed_status": 0.05,
            "visa_holder": 0.03,
        },
        metadata=param(
            SETTING, allowed=PROB, keys=(HOUSEHOLD_TYPES,), unit="share of households (true, weighted)",
            doc="the population's true shares; the synthetic population is drawn from `sample_shares` and "
            "weighted back to these",
            plausible={
                "us_born": (0.70, 0.85), "all_citizen_immigrant": (0.05, 0.12), "green_card_citizen": (0.03, 0.10),
                "mixed_status": (0.04, 0.06), "visa_holder": (0.01, 0.05),
            },
            source={
                "us_born": "assumption (shares must sum to 1)",
                "mixed_status": "CAP/USC CSII (2017): 16.7 million people live with at least one unauthorized "
                "family member, 5.1% of a US population of about 330 million (the population is an assumption)",
                "*": "assumption; order of magnitude from the foreign-born share of US residents (about 14%, "
                "ACS 2022)",
            },
        ),
    )  # fmt: skip
    sample_shares: dict[str, float] = field(
        default_factory=lambda: {
            "us_born": 0.26,
            "all_citizen_immigrant": 0.10,
            "green_card_citizen": 0.10,
            "mixed_status": 0.24,
            "visa_holder": 0.30,
        },
        metadata=param(
            SETTING, allowed=PROB, keys=(HOUSEHOLD_TYPES,), unit="share of synthetic households",
            doc="how the synthetic population is drawn: immigrant household types are oversampled, and each "
            "household carries the weight true share / sample share (normalised to sum to the households drawn)",
            plausible="design choice: any shares summing to 1, positive where `household_type_shares` is",
            source="design choice: at population.n_people = 50,000 every household type has well over 300 people "
            "with a program (tests/model/test_population.py)",
        ),
    )  # fmt: skip
    partner_share: dict[str, float] = field(
        default_factory=lambda: {
            "us_born": 0.5,
            "all_citizen_immigrant": 0.6,
            "green_card_citizen": 0.6,
            "mixed_status": 0.6,
            "visa_holder": 0.55,
        },
        metadata=param(
            SETTING, allowed=PROB, keys=(HOUSEHOLD_TYPES,), unit="share of households of 2+ people",
            doc="member 1 is the decider's partner (an adult) with this probability",
            plausible=(0.3, 0.8), source=ASSUMPTION,
        ),
    )  # fmt: skip
    child_share: dict[str, float] = field(
        default_factory=lambda: {
            "us_born": 0.6,
            "all_citizen_immigrant": 0.6,
            "green_card_citizen": 0.65,
            "mixed_status": 0.95,
            "visa_holder": 0.8,
        },
        metadata=param(
            SETTING, allowed=PROB, keys=(HOUSEHOLD_TYPES,), unit="share of members other than decider and partner",
            doc="each member other than the decider and the partner is a child with this probability, "
            "else another adult",
            plausible={"mixed_status": (0.8, 1.0), "*": (0.4, 0.9)},
            source={
                "mixed_status": "assumption, set so that US-born citizen children are about 35% of the people "
                "in mixed-status households (CAP/USC CSII 2017: 5.9 of 16.7 million)",
                "*": ASSUMPTION,
            },
        ),
    )  # fmt: skip
    decider_status_shares: dict[str, dict[str, float]] = field(
        default_factory=lambda: {
            "us_born": per_status(citizen=1.0),
            "all_citizen_immigrant": per_status(naturalized=0.85, citizen=0.15),
            "green_card_citizen": per_status(lpr=0.6, refugee=0.15, naturalized=0.15, citizen=0.1),
            "mixed_status": per_status(undocumented=0.78, naturalized=0.08, citizen=0.06, lpr=0.05, worker=0.03),
            "visa_holder": per_status(worker=0.6, student=0.4),
        },
        metadata=param(
            SETTING, allowed=PROB, keys=(HOUSEHOLD_TYPES, STATUSES), unit="share of deciders",
            doc="the decision maker's status by household type; statuses a type excludes must have share 0",
            plausible={
                "us_born": {"citizen": "fixed at 1"},
                "mixed_status": {"undocumented": (0.6, 0.95)},
                "green_card_citizen": {"refugee": (0.05, 0.3)},
                "visa_holder": {"student": (0.2, 0.6)},
            },
            source={"us_born": "by definition (validated)", "*": "assumption (each type's shares sum to 1)"},
        ),
    )  # fmt: skip
    partner_status_shares: dict[str, dict[str, float]] = field(
        default_factory=lambda: {
            "us_born": per_status(citizen=1.0),
            "all_citizen_immigrant": per_status(naturalized=0.5, citizen=0.5),
            "green_card_citizen": per_status(lpr=0.45, refugee=0.1, naturalized=0.25, citizen=0.2),
            "mixed_status": per_status(undocumented=0.25, naturalized=0.33, citizen=0.22, lpr=0.15, worker=0.05),
            "visa_holder": per_status(worker=0.5, student=0.15, citizen=0.2, lpr=0.1, naturalized=0.05),
        },
        metadata=param(
            SETTING, allowed=PROB, keys=(HOUSEHOLD_TYPES, STATUSES), unit="share of partners",
            doc="the partner's status by household type (in a mixed-status household whose decider is not "
            "undocumented, the partner is)",
            plausible={"mixed_status": {"naturalized": (0.1, 0.4), "citizen": (0.05, 0.3)}},
            source={
                "us_born": "by definition (validated)",
                "mixed_status": "assumption, set so that naturalized citizens are about 7% and US-born adult "
                "citizens about 5% of the people in mixed-status households (CAP/USC CSII 2017: of 16.7 million, "
                "more than 8 million citizens, about 1.2 million naturalized, 5.9 million citizen children)",
                "*": "assumption (each type's shares sum to 1)",
            },
        ),
    )  # fmt: skip
    child_status_shares: dict[str, dict[str, float]] = field(
        default_factory=lambda: {
            "us_born": per_status(citizen=1.0),
            "all_citizen_immigrant": per_status(citizen=0.85, naturalized=0.15),
            "green_card_citizen": per_status(citizen=0.75, lpr=0.2, refugee=0.05),
            "mixed_status": per_status(citizen=0.92, undocumented=0.06, lpr=0.02),
            "visa_holder": per_status(citizen=0.5, student=0.3, worker=0.2),
        },
        metadata=param(
            SETTING, allowed=PROB, keys=(HOUSEHOLD_TYPES, STATUSES), unit="share of children",
            doc="children's status by household type (`citizen`: born in the US; a visa holder's dependants "
            "count under the principal's visa class)",
            plausible={
                "mixed_status": {"citizen": (0.8, 0.95)},
                "green_card_citizen": {"citizen": (0.5, 0.9)},
                "visa_holder": {"citizen": (0.3, 0.7)},
            },
            source={
                "us_born": "by definition (validated)",
                "mixed_status": "assumption; CAP/USC CSII (2017) and KFF (Artiga et al.) count millions of "
                "US-citizen children with an unauthorized or noncitizen parent",
                "*": "assumption (each type's shares sum to 1)",
            },
        ),
    )  # fmt: skip
    other_adult_status_shares: dict[str, dict[str, float]] = field(
        default_factory=lambda: {
            "us_born": per_status(citizen=1.0),
            "all_citizen_immigrant": per_status(naturalized=0.6, citizen=0.4),
            "green_card_citizen": per_status(lpr=0.5, naturalized=0.3, citizen=0.2),
            "mixed_status": per_status(undocumented=0.5, citizen=0.2, naturalized=0.1, lpr=0.2),
            "visa_holder": per_status(worker=0.4, student=0.3, citizen=0.2, lpr=0.1),
        },
        metadata=param(
            SETTING, allowed=PROB, keys=(HOUSEHOLD_TYPES, STATUSES), unit="share of other adults",
            doc="the status of adults other than decider and partner (grandparents, siblings, adult children)",
            source={"us_born": "by definition (validated)", "*": "assumption (each type's shares sum to 1)"},
        ),
    )  # fmt: skip
    adult_ssi_share: dict[str, float] = field(
        default_factory=lambda: per_status(citizen=0.03, naturalized=0.03, lpr=0.05, refugee=0.12),
        metadata=param(
            SETTING, allowed=PROB, keys=(STATUSES,), unit="share of adults",
            plausible={
                "citizen": (0.01, 0.05), "naturalized": (0.01, 0.05), "lpr": (0.01, 0.08), "refugee": (0.03, 0.2),
            },
            source={
                "citizen": "assumption. At defaults, weighted, about 10% of SSI recipients are noncitizens; SSA "
                "reports 655,988 noncitizen SSI recipients, 8.7% of recipients, in December 2008 (SSI Annual "
                "Statistical Report 2008; no newer figure found)",
                "naturalized": "assumption: as US-born citizens (citizens are eligible alike)",
                "*": ASSUMPTION,
            },
            doc="probability an adult of each status receives SSI",
        ),
    )  # fmt: skip
    adult_rsdi_share: dict[str, float] = field(
        default_factory=lambda: per_status(citizen=0.2, naturalized=0.2, lpr=0.1, refugee=0.03, worker=0.03),
        metadata=param(
            SETTING, allowed=PROB, keys=(STATUSES,), unit="share of adults",
            plausible={
                "citizen": (0.1, 0.3), "naturalized": (0.1, 0.3), "lpr": (0.03, 0.15), "refugee": (0.0, 0.1),
                "worker": (0.0, 0.06),
            },
            source={
                "worker": "assumption: authorized workers pay into Social Security, and a few draw disability or "
                "survivor benefits (SSI plus RSDI shares of a status must not exceed 1)",
                "*": "assumption (SSI plus RSDI shares of a status must not exceed 1; naturalized as US-born)",
            },
            doc="probability an adult of each status without SSI receives RSDI (retirement, survivors, disability)",
        ),
    )  # fmt: skip
    child_benefit_share: dict[str, float] = field(
        default_factory=lambda: per_status(citizen=0.05, naturalized=0.05, lpr=0.03, refugee=0.03),
        metadata=param(
            SETTING, allowed=PROB, keys=(STATUSES,), unit="share of children",
            plausible={"citizen": (0.0, 0.1), "naturalized": (0.0, 0.1), "lpr": (0.0, 0.1), "refugee": (0.0, 0.1)},
            source="assumption (naturalized children as US-born ones)",
            doc="probability a child of each status receives a child benefit",
        ),
    )  # fmt: skip
    monthly_amount: dict[str, float] = field(
        default_factory=lambda: {"ssi": 700.0, "rsdi": 1800.0, "child": 800.0},
        metadata=param(
            SETTING, allowed=NONNEG, keys=(PROGRAMS[1:],), unit="USD/month",
            plausible={"ssi": (500, 950), "rsdi": (1_200, 2_200), "child": (500, 1_200)}, source=ASSUMPTION,
            doc="mean monthly benefit by program; each person's amount varies around it (`amount_sd`)",
        ),
    )  # fmt: skip
    amount_sd: float = field(
        default=0.25,
        metadata=param(
            SETTING,
            allowed=(0.0, 3.0),
            plausible=(0.0, 0.5),
            unit="log-sd",
            source=ASSUMPTION,
            doc="log-sd of the lognormal factor (mean 1) on each person's monthly amount",
        ),
    )
    hearing_need_share: float = field(
        default=0.02,
        metadata=param(
            SETTING,
            allowed=PROB,
            plausible=(0.005, 0.05),
            unit="share of eligible people",
            source=ASSUMPTION,
            doc="share of eligible people who need a sign-language interpreter",
        ),
    )
    new_applicant_share: float = field(
        default=0.05,
        metadata=param(
            SETTING,
            allowed=PROB,
            plausible=(0.0, 0.15),
            unit="share of eligible people",
            source=ASSUMPTION,
            doc="share of eligible people whose eligibility begins during the run, so they must apply",
        ),
    )
