"""Structured configs (registered in Hydra's ConfigStore) and their validation.

Every field is declared once, here: its default, the range the model allows
(`allowed`), the range an analyst should consider plausible (`plausible`),
its role (lever, uncertainty or setting), unit and source, as
`field(default=..., metadata=param(...))`. The dataclasses fix every field's
name and type, so a typo or a wrong type fails when Hydra composes the
config. `validate` checks each field against its declaration, then the
cross-field rules (shares summing to 1, regions that exist, ...), and raises
`ConfigError` naming the field, the value and what is allowed. The
calibration priors, the sensitivity ranges, the explorer's sliders and the
parameter tables of docs/ODD.md are derived from the same declarations
(`sim/config/params.py`).
"""

from __future__ import annotations

import dataclasses
import functools
import math
import types
import typing
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from hydra.core.config_store import ConfigStore
from omegaconf import MISSING, DictConfig, OmegaConf

from sim.config.paths import ROOT, regimes

# "citizen" is a US-born citizen; "naturalized" a naturalized citizen; the rest are noncitizens.
STATUSES = ("citizen", "naturalized", "lpr", "refugee", "student", "worker", "undocumented")
CITIZEN_STATUSES = ("citizen", "naturalized")
# The survey literature's household types (Urban Institute WBNS): US-born (no foreign-born member);
# all-citizen immigrant (every member a citizen, at least one naturalized); green card and citizen (lawful
# permanent residents or refugees with citizens, nobody undocumented or on a temporary visa); mixed-status
# (at least one undocumented member); visa holders (a member on a student or work visa, nobody undocumented).
HOUSEHOLD_TYPES = ("us_born", "all_citizen_immigrant", "green_card_citizen", "mixed_status", "visa_holder")
PROGRAMS = ("none", "ssi", "rsdi", "child")
NEEDS = (
    "eligibility",
    "direct_deposit",
    "interpreter",
    "ssn",
    "child_review",
    "reinstatement",
    "application",
)
# Benefit contacts are every need but SSN-card services, which are not a benefit.
BENEFIT_NEEDS = tuple(k for k in NEEDS if k != "ssn")
ENGINES = ("vectorized", "agents")
NETWORK_KINDS = ("sbm", "random", "none")

# Upper bounds keep every index within the array types the model stores
# (int16 regions, int32 people and weeks, int8 miss counters) and keep a typo
# such as weeks=15600 from running for days instead of failing at once.
MAX_PEOPLE = 400_000_000
MAX_WEEKS = 5_200  # a century of weekly steps
MAX_EVENT_WEEK = 2**31 - 1  # a dated event may lie past the horizon (it is then not reached), but fits an int32
MAX_REGIONS = 10_000
MAX_OFFICES_PER_REGION = 1_000
MAX_COMMUNITIES = 1_000_000
MAX_MISSES = 100
NONE_WEEK = -1  # an optional dated event that does not happen


class ConfigError(ValueError):
    """A config value outside what the model allows."""

    def __init__(self, field_name: str, value: Any, allowed: str) -> None:
        self.field_name, self.value, self.allowed = field_name, value, allowed
        super().__init__(f"{field_name} = {value!r}: {allowed}")


# ------------------------------------------------------------ declarations


class Role(StrEnum):
    """What a parameter is to an analyst."""

    LEVER = "lever"  # what an analyst sets: a regime's rules, remote shares, outreach, timing
    UNCERTAINTY = "uncertainty"  # what nobody knows: behavioural parameters, shares that are assumptions
    SETTING = "setting"  # size, horizon, seed, engine, the synthetic population


LEVER, UNCERTAINTY, SETTING = Role.LEVER, Role.UNCERTAINTY, Role.SETTING

Bounds = tuple[float | None, float | None]
PARAM = "param"  # the key of a field's declaration in its dataclass metadata


@dataclass(frozen=True)
class Param:
    """A field's declaration: see `param`."""

    role: Role
    allowed: Bounds | tuple[str, ...] | None = None
    meaningful: Bounds | None = None
    understates: str = ""
    plausible: Any = None
    unit: str = "-"
    doc: str = ""
    source: Any = ""
    strict: bool = False
    none: int | None = None
    keys: tuple[tuple[str, ...], ...] = ()
    event: bool = False
    region: bool = False
    role_note: str = ""
    default_note: str = ""
    collapse: bool = False
    partial: bool = False
    also: tuple[Role, ...] = ()

    def __post_init__(self) -> None:
        # a softer bound is useless without the words the warning prints
        if self.meaningful is not None and not self.understates:
            raise ValueError("a field with a meaningful range must say what a value outside it understates")

    @property
    def roles(self) -> tuple[Role, ...]:
        """The primary role, then any further ones (`also`): an uncertainty an analyst may also set is a lever too."""
        return (self.role, *self.also)

    @property
    def choices(self) -> tuple[str, ...] | None:
        """The allowed strings, when the field is a choice among names."""
        a = self.allowed
        return a if isinstance(a, tuple) and a and all(isinstance(x, str) for x in a) else None

    @property
    def bounds(self) -> Bounds | None:
        """The allowed numeric interval (either end None for unbounded), when there is one."""
        return None if self.allowed is None or self.choices else self.allowed  # type: ignore[return-value]

    def plausible_for(self, keys: tuple[str, ...] = ()) -> Any:
        """The plausible range of one entry of a mapping field (the field's own for a scalar)."""
        return _lookup(self.plausible, keys)

    def source_for(self, keys: tuple[str, ...] = ()) -> str:
        return _lookup(self.source, keys) or ""


def _lookup(spec: Any, keys: tuple[str, ...]) -> Any:
    """Walk a per-key spec ({key: spec}); a non-mapping applies to every key below it."""
    for key in keys:
        if not isinstance(spec, dict):
            return spec
        if key not in spec and "*" not in spec:
            return None
        spec = spec.get(key, spec.get("*"))
    return spec


def param(
    role: Role,
    *,
    allowed: Bounds | tuple[str, ...] | None = None,
    meaningful: Bounds | None = None,
    understates: str = "",
    plausible: Any = None,
    unit: str = "-",
    doc: str = "",
    source: Any = "",
    strict: bool = False,
    none: int | None = None,
    keys: tuple[tuple[str, ...], ...] = (),
    event: bool = False,
    region: bool = False,
    role_note: str = "",
    default_note: str = "",
    collapse: bool = False,
    partial: bool = False,
    also: tuple[Role, ...] = (),
) -> dict[str, Param]:
    """A field's declaration, for `field(metadata=param(...))`.

    role: lever, uncertainty or setting. allowed: the closed interval (lo, hi)
    the model accepts (None for an open end; `strict` makes lo exclusive), or
    the tuple of allowed names; validation refuses anything else.
    meaningful: a softer interval (lo, hi), inside `allowed`, outside which
    results mean less than they seem to (a horizon too short to hold a year
    of reviews, a population too small for any group): a run goes ahead with
    a one-line warning naming the field, the value, the bound and what the
    value understates (`understates`, required with `meaningful`; scalar
    fields only). plausible: the range worth exploring, (lo, hi)
    or a text, or for a mapping field {key: range} ("*" for the keys not
    listed; a range given for a level applies to every key below it);
    calibration and sensitivity sample it.
    none: a value that means "none" besides the allowed range (-1 for an event
    that does not happen). keys: for a mapping field, the key set of each
    level. event: a dated event (a week), not reached when past the horizon.
    region: a region index (or list of them), checked against n_regions.
    source: where the default comes from (a text, or {key: text}).
    role_note / default_note: qualifiers printed beside the role / default.
    collapse: document a nested config in one row.
    partial: a mapping field that may list only some of its keys (a dated
    change names only what it changes).
    doc: what the field means, in one line (`--help` and the ODD tables print it).
    also: further roles besides `role` (an uncertainty that policy can also set is a lever too).
    """
    return {
        PARAM: Param(
            role,
            allowed,
            meaningful,
            understates,
            plausible,
            unit,
            doc,
            source,
            strict,
            none,
            keys,
            event,
            region,
            role_note,
            default_note,
            collapse,
            partial,
            also,
        )  # fmt: skip
    }


def declaration(f: dataclasses.Field) -> Param | None:
    """The `Param` a dataclass field was declared with, or None."""
    return f.metadata.get(PARAM)


@functools.cache
def field_types(cls: type) -> dict[str, Any]:
    """A config dataclass's field types, resolved."""
    return typing.get_type_hints(cls)


def optional_of(typ: Any) -> Any | None:
    """The type X of an optional field (`X | None`: None means "no change"), else None."""
    args = typing.get_args(typ)
    if typing.get_origin(typ) in (typing.Union, types.UnionType) and len(args) == 2 and type(None) in args:
        return next(a for a in args if a is not type(None))
    return None


def _statuses(**kw: float) -> dict[str, float]:
    return {s: float(kw.get(s, 0.0)) for s in STATUSES}


PROB = (0.0, 1.0)
NONNEG = (0.0, None)
ASSUMPTION = "assumption"


# ------------------------------------------------------------ the configs
# Sources: "assumption" means no published source gives the value; a source
# named beside it supports the mechanism or the order of magnitude only.


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
            "with a program (tests/test_population.py)",
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
            "us_born": _statuses(citizen=1.0),
            "all_citizen_immigrant": _statuses(naturalized=0.85, citizen=0.15),
            "green_card_citizen": _statuses(lpr=0.6, refugee=0.15, naturalized=0.15, citizen=0.1),
            "mixed_status": _statuses(undocumented=0.78, naturalized=0.08, citizen=0.06, lpr=0.05, worker=0.03),
            "visa_holder": _statuses(worker=0.6, student=0.4),
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
            "us_born": _statuses(citizen=1.0),
            "all_citizen_immigrant": _statuses(naturalized=0.5, citizen=0.5),
            "green_card_citizen": _statuses(lpr=0.45, refugee=0.1, naturalized=0.25, citizen=0.2),
            "mixed_status": _statuses(undocumented=0.25, naturalized=0.33, citizen=0.22, lpr=0.15, worker=0.05),
            "visa_holder": _statuses(worker=0.5, student=0.15, citizen=0.2, lpr=0.1, naturalized=0.05),
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
            "us_born": _statuses(citizen=1.0),
            "all_citizen_immigrant": _statuses(citizen=0.85, naturalized=0.15),
            "green_card_citizen": _statuses(citizen=0.75, lpr=0.2, refugee=0.05),
            "mixed_status": _statuses(citizen=0.92, undocumented=0.06, lpr=0.02),
            "visa_holder": _statuses(citizen=0.5, student=0.3, worker=0.2),
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
            "us_born": _statuses(citizen=1.0),
            "all_citizen_immigrant": _statuses(naturalized=0.6, citizen=0.4),
            "green_card_citizen": _statuses(lpr=0.5, naturalized=0.3, citizen=0.2),
            "mixed_status": _statuses(undocumented=0.5, citizen=0.2, naturalized=0.1, lpr=0.2),
            "visa_holder": _statuses(worker=0.4, student=0.3, citizen=0.2, lpr=0.1),
        },
        metadata=param(
            SETTING, allowed=PROB, keys=(HOUSEHOLD_TYPES, STATUSES), unit="share of other adults",
            doc="the status of adults other than decider and partner (grandparents, siblings, adult children)",
            source={"us_born": "by definition (validated)", "*": "assumption (each type's shares sum to 1)"},
        ),
    )  # fmt: skip
    adult_ssi_share: dict[str, float] = field(
        default_factory=lambda: _statuses(citizen=0.03, naturalized=0.03, lpr=0.05, refugee=0.12),
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
        default_factory=lambda: _statuses(citizen=0.2, naturalized=0.2, lpr=0.1, refugee=0.03, worker=0.03),
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
        default_factory=lambda: _statuses(citizen=0.05, naturalized=0.05, lpr=0.03, refugee=0.03),
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


@dataclass
class NetworkConfig:
    kind: str = field(
        default="sbm",
        metadata=param(
            SETTING, allowed=NETWORK_KINDS,
            doc="`sbm`: community ties with homophily by community and region, kin mostly in the community; "
            "`random`: both anywhere (kin still between households of the kinds below); `none`: no ties of any "
            "kind, community or kin",
        ),
    )  # fmt: skip
    mean_degree: float = field(
        default=6.0,
        metadata=param(
            UNCERTAINTY, allowed=(0.0, 200.0), plausible=(0, 20), unit="neighbouring households",
            default_note="`none`: 0", doc="mean number of community (non-kin) ties per household",
            source="assumption; Devillanova (2008) supports that ties carry information both ways, not a count",
        ),
    )  # fmt: skip
    within_block: float = field(
        default=0.75,
        metadata=param(
            UNCERTAINTY,
            allowed=PROB,
            plausible=(0.2, 0.95),
            unit="share of ties",
            source=ASSUMPTION,
            doc="share of community ties within the household's own block (community and region)",
        ),
    )
    within_community: float = field(
        default=0.15,
        metadata=param(
            UNCERTAINTY, allowed=PROB, plausible=(0.0, 0.3), unit="share of ties",
            source="assumption (`within_block + within_community` <= 1)",
            doc="share of community ties elsewhere in the household's community (the rest go anywhere)",
        ),
    )  # fmt: skip
    kin_degree: dict[str, float] = field(
        default_factory=lambda: {
            "us_born": 1.0,
            "all_citizen_immigrant": 2.0,
            "green_card_citizen": 2.5,
            "mixed_status": 3.0,
            "visa_holder": 1.5,
        },
        metadata=param(
            UNCERTAINTY, allowed=(0.0, 50.0), keys=(HOUSEHOLD_TYPES,), unit="kin households drawn",
            doc="mean number of kin ties (relatives in other households) each household draws, by household "
            "type (a household also receives the ties others draw to it)",
            plausible={"us_born": (0.5, 2.0), "*": (1.0, 5.0)},
            source="assumption: kin networks are denser in immigrant families (chain migration); no count",
        ),
    )  # fmt: skip
    kin_within_community: float = field(
        default=0.7,
        metadata=param(
            UNCERTAINTY, allowed=PROB, plausible=(0.4, 0.9), unit="share of kin ties",
            doc="share of kin ties to a household of the same community (the rest anywhere)", source=ASSUMPTION,
        ),
    )  # fmt: skip
    us_born_immigrant_kin: float = field(
        default=0.2,
        metadata=param(
            UNCERTAINTY, allowed=PROB, plausible=(0.05, 0.4), unit="share of US-born households' kin ties",
            doc="share of the kin ties a US-born household draws that go to an immigrant household (a US-born "
            "citizen with an undocumented cousin); immigrant households' own draws go to immigrant households",
            source=ASSUMPTION,
        ),
    )  # fmt: skip


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
        default_factory=lambda: _statuses(lpr=0.05, refugee=0.1, student=0.2, worker=0.2, undocumented=1.0),
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


def _behaviour(default: float, lo: float, hi: float, unit: str, source: str = ASSUMPTION, **kw: Any) -> Any:
    """A behavioural parameter: an uncertainty, finite and >= 0 unless told otherwise."""
    kw.setdefault("allowed", NONNEG)
    return field(default=default, metadata=param(UNCERTAINTY, plausible=(lo, hi), unit=unit, source=source, **kw))


def _probability(default: float, lo: float, hi: float, unit: str, source: str = ASSUMPTION, **kw: Any) -> Any:
    return _behaviour(default, lo, hi, unit, source, allowed=PROB, **kw)


def _positive(default: float, lo: float, hi: float, unit: str, source: str = ASSUMPTION, **kw: Any) -> Any:
    return _behaviour(default, lo, hi, unit, source, strict=True, **kw)


def _weeks(default: int, lo: int, hi: int, role: Role, source: str = ASSUMPTION, **kw: Any) -> Any:
    kw.setdefault("allowed", (1, MAX_WEEKS))
    return field(default=default, metadata=param(role, plausible=(lo, hi), source=source, **kw))


@dataclass
class BehaviorConfig:
    # Beliefs about disclosure (delta_hat): a Beta mean of prior, fast and slow pseudo-counts
    prior_strength: float = _positive(
        10.0, 4, 40, "pseudo-counts", "assumption (weight of the prior)",
        doc="weight of the prior belief about disclosure, in pseudo-counts (n0)",
    )  # fmt: skip
    prior_disclosure_trusting: float = _probability(
        0.05, 0.01, 0.2, "delta_hat prior under full trust", "assumption (trust enters the decision here)",
        doc="prior belief that the agency tells ICE when asked, under full trust",
    )  # fmt: skip
    prior_disclosure_distrusting: float = _probability(
        0.6, 0.3, 0.9, "delta_hat prior under no trust",
        "assumption (low trust raises the prior that the agency tells)",
        doc="prior belief that the agency tells ICE when asked, under no trust",
    )  # fmt: skip
    fast_memory: float = _probability(
        0.85, 0.6, 0.95, "per week", "assumption (alarm fades in weeks: half-life 4)",
        doc="share of the fast (alarm) evidence kept from one week to the next",
    )  # fmt: skip
    consolidation: float = _probability(
        0.05, 0.01, 0.2, "share of the fast part per week",
        "assumption (conviction builds over months; the slow part forgets nothing without evidence: "
        "Denrell & March 2001, the hot-stove effect)",
        doc="share of the fast evidence added each week to the slow part, which forgets nothing",
    )  # fmt: skip
    w_announcement: float = _behaviour(
        4.0, 0.5, 12, "pseudo-counts per unit of announcement news heard",
        doc="alarm per unit of a regime's announcement news heard",
    )  # fmt: skip
    w_event_news: float = _behaviour(
        1.0, 0, 5, "pseudo-counts per unit of event news heard",
        doc="alarm per unit of local news of disclosures, encounters and arrests heard",
    )  # fmt: skip
    w_own_event: float = _behaviour(
        10.0, 2, 30, "pseudo-counts per own disclosure, encounter or arrest",
        doc="alarm per own disclosure, encounter or arrest",
    )  # fmt: skip
    w_tie_event: float = _behaviour(
        2.0, 0.5, 8, "pseudo-counts per tie's disclosure, encounter or arrest",
        "assumption; Alsan & Yang (network effects) for the mechanism",
        doc="alarm per disclosure, encounter or arrest in a tied household",
    )  # fmt: skip
    w_safe: float = _behaviour(
        0.5, 0.1, 2, "pseudo-counts per own safe visit", doc="calm per own visit that was not disclosed",
    )  # fmt: skip
    w_tie_safe: float = _behaviour(
        0.1, 0, 0.5, "pseudo-counts per tie's safe visit", "assumption; Devillanova (2008) for the direction",
        doc="calm per tied household's visit that was not disclosed",
    )  # fmt: skip
    w_reassure: float = _behaviour(
        2.0, 0, 8, "pseudo-counts per unit of reassurance x trust",
        doc="calm per court order heard or outreach reached, times trust",
    )  # fmt: skip
    rumour: float = _behaviour(
        0.5, 0, 3, "pseudo-counts per unit by which ties are more fearful",
        doc="alarm per unit by which ties' mean belief exceeds one's own",
    )  # fmt: skip
    # Perceived ICE activity nearby (E_hat)
    activity_rate: float = _probability(
        0.2, 0.05, 0.5, "per week", "assumption (E_hat follows events in weeks)",
        doc="weekly rate at which perceived ICE activity (E_hat) moves toward what was seen and heard",
    )  # fmt: skip
    activity_sensitivity: float = _behaviour(
        1.0, 0.2, 5, "per event seen or unit of event news heard", "assumption (E_hat = 1 - exp(-this x seen))",
        doc="how fast perceived activity's target saturates with events seen and news heard",
    )  # fmt: skip
    # The perceived chain and the cost of a visit
    theta: float = _positive(
        3.0, 0.5, 10, "scale of the perceived chain", "assumption",
        doc="scale of the perceived chain: P(encounter) = 1 - exp(-theta x E_hat x x_hat x delta_hat)",
    )  # fmt: skip
    perceived_exposure: dict[str, float] = field(
        default_factory=lambda: _statuses(
            naturalized=0.05, lpr=0.2, refugee=0.25, student=0.3, worker=0.3, undocumented=1.0
        ),
        metadata=param(
            UNCERTAINTY, allowed=PROB, keys=(STATUSES,), unit="x_hat", source=ASSUMPTION,
            plausible={
                "citizen": (0.0, 0.0), "naturalized": (0.0, 0.15), "lpr": (0.05, 0.4), "refugee": (0.05, 0.5),
                "student": (0.1, 0.6), "worker": (0.1, 0.6), "undocumented": (0.7, 1.0),
            },
            doc="how exposed the decider thinks a member of each status is (x_hat)",
        ),
    )  # fmt: skip
    kin_weight: float = _probability(
        0.3, 0.0, 1.0, "lambda_kin: weight of a noncitizen relative in another household",
        "assumption; Alsan & Yang (declines among Hispanic citizens, mixed-status households) for the mechanism",
        doc="weight of a noncitizen relative in another household in the expected cost of a visit",
    )  # fmt: skip
    # Trust in the agency
    trust_mean: float = _probability(
        0.6, 0.3, 0.8, "[0, 1]", doc="mean starting trust in the agency (drawn per household, clipped to [0, 1])",
    )  # fmt: skip
    trust_sd: float = _behaviour(0.15, 0, 0.3, "[0, 1]", doc="sd of starting trust across households")
    trust_loss_announcement: float = _probability(
        0.1, 0, 0.3, "share lost per unit of announcement news",
        doc="share of trust lost per unit of announcement news heard",
    )  # fmt: skip
    trust_loss_violation: float = _probability(
        0.1, 0, 0.3, "share lost per week with a violation seen",
        doc="share of trust lost in a week with a violation seen (own, ties' or in the news)",
    )  # fmt: skip
    ceiling_drop: float = _probability(
        0.05, 0, 0.2, "share of the ceiling lost per week with a violation seen",
        "assumption; Poortinga & Pidgeon (2004): negative events move trust more than positive ones",
        doc="share of trust's ceiling (the most it can recover to) lost per week with a violation seen",
    )  # fmt: skip
    trust_recovery: float = _probability(
        0.05, 0.005, 0.2, "per week, where records are kept or a court acted",
        doc="weekly share of the gap to starting trust (capped by its ceiling) regained where records are kept or a "
        "court has acted",
    )  # fmt: skip
    loss: dict[str, float] = field(
        default_factory=lambda: _statuses(
            naturalized=30.0, lpr=30.0, refugee=30.0, student=20.0, worker=20.0, undocumented=50.0
        ),
        metadata=param(
            UNCERTAINTY, allowed=NONNEG, keys=(STATUSES,), unit="reference benefits", source=ASSUMPTION,
            plausible={
                "citizen": (0, 5), "naturalized": (5, 60), "lpr": (5, 60), "refugee": (5, 60),
                "student": (5, 40), "worker": (5, 40), "undocumented": (20, 150),
            },
            doc="what an encounter with ICE costs a member of each status (L_s)",
        ),
    )  # fmt: skip
    hassle: dict[str, float] = field(
        default_factory=lambda: {
            "eligibility": 1.0,
            "direct_deposit": 1.0,
            "interpreter": 1.5,
            "ssn": 1.0,
            "child_review": 1.0,
            "reinstatement": 1.5,
            "application": 1.5,
        },
        metadata=param(
            UNCERTAINTY, allowed=NONNEG, keys=(NEEDS,), unit="reference benefits", source=ASSUMPTION,
            plausible={"interpreter": (0.5, 4), "reinstatement": (0.5, 4), "application": (0.5, 4), "*": (0.25, 3)},
            doc="the hassle of an in-person visit by need (h_k)",
        ),
    )  # fmt: skip
    months_at_risk: float = _positive(
        6.0, 3, 12, "months", doc="months of benefit at stake in a benefit visit (value = months x amount / reference)",
    )  # fmt: skip
    reference_monthly: float = field(
        default=1000.0,
        metadata=param(
            SETTING, allowed=NONNEG, strict=True, plausible="fixed", unit="USD/month", role_note="unit",
            source="scale of V, h, L",
            doc="the monthly benefit that values, hassles and losses are measured in",
        ),
    )  # fmt: skip
    ssn_value: float = _behaviour(
        5.0, 1, 15, "reference benefits", doc="value of an SSN-card visit to a student or worker",
    )  # fmt: skip
    noise: float = _positive(
        1.0, 0.3, 3, "reference benefits", doc="scale of the randomness of the logit decision to attend (s)",
    )  # fmt: skip
    misses_to_suspend: int = _weeks(
        3, 1, 5, SETTING, allowed=(1, MAX_MISSES), unit="appointments", role_note="agency rule; a possible lever",
        doc="consecutive misses that suspend the benefit (or give up an SSN service)",
    )  # fmt: skip
    reschedule_weeks: int = _weeks(
        2, 1, 6, SETTING, unit="weeks", role_note="agency rule", doc="weeks until a missed appointment falls due again",
    )  # fmt: skip
    return_lag_weeks: int = _weeks(
        8, 4, 26, UNCERTAINTY, unit="weeks",
        doc="weeks before a suspended person, or a new applicant who stayed away, tries again",
    )  # fmt: skip
    eligibility_period_weeks: int = _weeks(
        52, 26, 156, SETTING, unit="weeks", role_note="agency rule",
        source="assumption; that noncitizen SSI recipients' status is re-verified through SAVE during SSI "
        "redeterminations is from an SSA emergency message (late 2025); the frequency is not",
        doc="weeks between in-person eligibility reviews of noncitizen adults with a program",
    )  # fmt: skip
    child_review_period_weeks: int = _weeks(
        52, 26, 156, SETTING, unit="weeks", role_note="agency rule", doc="weeks between reviews of a child's benefit",
    )  # fmt: skip
    direct_deposit_rate: float = _probability(
        0.004, 0.001, 0.01, "per receiving person per week",
        doc="weekly probability a receiving person must change direct-deposit details in person",
    )  # fmt: skip
    interpreter_rate: float = _probability(
        0.02, 0.005, 0.05, "per receiving person with hearing need per week",
        doc="weekly probability a receiving person with a hearing need has a visit needing an interpreter",
    )  # fmt: skip
    ssn_rate: float = _probability(
        0.01, 0.002, 0.03, "per student/worker per week",
        doc="weekly probability a student or worker needs an SSN-card service",
    )  # fmt: skip
    news_reach_mean: float = _probability(
        0.3, 0.05, 0.7, "P(hear news) per week",
        doc="mean weekly probability a household follows local news (drawn per community)",
    )  # fmt: skip
    news_reach_sd: float = _behaviour(0.1, 0, 0.2, "across communities", doc="sd of news reach across communities")
    announcement_transfer: float = _behaviour(
        1.0, 0.3, 1.5, "x the calibrated announcement's news",
        "assumption: the fit measures fear of the 2018 public-charge rule, not of the directive; no study "
        "measures the ratio (docs/ODD.md, 11, \"Transfer\")",
        doc="how loud a regime's announcement is, relative to the public-charge rule the surveys measured (tau)",
    )  # fmt: skip
    transfer_uncertain: bool = field(
        default=False,
        metadata=param(
            SETTING,
            source="when true (the `behavior=posterior` group), each seed draws `announcement_transfer` uniformly "
            "from its plausible range with the `transfer` stream, so predictive intervals carry the transfer",
            doc="draw the announcement transfer per seed from its plausible range",
        ),
    )
    news_halflife_weeks: float = _positive(
        8.0, 2, 26, "weeks", doc="half-life of the news of an announcement or a court's order",
    )  # fmt: skip
    event_news_scale: float = _behaviour(
        20.0, 2, 100, "units of event news per (weighted event per 1,000 residents)",
        "assumption (how loud local news of disclosures, encounters and arrests is)",
        doc="loudness of local news: units of news per weighted event per 1,000 residents",
    )  # fmt: skip
    event_news_encounter_weight: float = _behaviour(
        3.0, 1, 10, "zeta: an encounter or arrest counts this many disclosures in the news", "assumption",
        doc="an encounter or arrest counts as this many disclosures in the news (zeta)",
    )  # fmt: skip
    clinic_rate: float = field(
        default=0.05,
        metadata=param(
            SETTING,
            allowed=PROB,
            plausible=(0.01, 0.2),
            unit="per household per week",
            source=ASSUMPTION,
            doc="weekly probability a household needs the community clinic",
        ),
    )
    clinic_value: float = _behaviour(3.0, 1, 6, "reference benefits", doc="value of a clinic visit")
    clinic_hassle: float = _behaviour(0.5, 0.1, 2, "reference benefits", doc="hassle of a clinic visit")
    kappa: float = _probability(
        0.5, 0, 1, "share of SSA fear carried to the clinic",
        doc="share of the fear of the agency carried to the clinic",
    )  # fmt: skip
    posterior_file: str = field(
        default="",
        metadata=param(
            SETTING, plausible="a path", default_note="none; the `behavior=posterior` group sets "
            "`data/posterior/posterior.csv`",
            source="when set, each seed draws one particle of the calibrated parameters from a weighted-particle "
            "CSV with the `posterior` stream and applies it before the run (`sim/launch/posterior.py`); see "
            "[Calibration](#calibration)",
            doc="a calibrated posterior to draw behaviour from (empty: the declared defaults)",
        ),
    )  # fmt: skip
    posterior_keep: list[str] = field(
        default_factory=list,
        metadata=param(
            SETTING, plausible="fitted parameters' paths", default_note="none",
            source="parameters a posterior draw leaves at the config's value, so that a sweep over a fitted "
            "parameter (the spillover experiment's `behavior.kappa`) is not overwritten by the draw; each must "
            "be a parameter the posterior (or the transfer draw) sets",
            doc="fitted parameters the posterior draw must not set (a sweep over one keeps its values)",
        ),
    )  # fmt: skip


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
    outreach_weeks: int = _weeks(12, 4, 52, LEVER, unit="weeks", doc="weeks the outreach campaign runs")
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


@dataclass
class Config:
    seed: int = field(
        default=0,
        metadata=param(
            SETTING,
            allowed=(0, None),
            plausible="any",
            doc="the random seed: the same seed and config give the same output (the paired firewall run uses it too)",
        ),
    )
    engine: str = field(
        default="vectorized",
        metadata=param(
            SETTING,
            allowed=ENGINES,
            source="- (both give the same results)",
            doc="how the rules run: `vectorized` (arrays over everyone) or `agents` (Mesa agents); same results",
        ),
    )
    weeks: int = field(
        default=156,
        metadata=param(
            SETTING,
            allowed=(1, MAX_WEEKS),
            meaningful=(52, None),
            understates="a horizon under a year understates losses (the yearly eligibility and child reviews, "
            "where visits are missed and benefits suspended, fall only partly inside it, and conviction builds "
            "over months)",
            plausible=(52, 520),
            unit="weeks",
            source="assumption (three years)",
            doc="the horizon: the number of weekly steps simulated",
        ),
    )
    paired: bool = field(
        default=False,
        metadata=param(
            SETTING,
            source="also run the firewall counterpart",
            doc="also run the firewall counterpart on the same seed, so losses are measured against it",
        ),
    )
    baseline: str = field(
        default="firewall",
        metadata=param(
            SETTING,
            source="the regime a paired run is compared against; any file of conf/policy/",
            doc="the regime of the paired run (paired=true): losses are measured against it on the same seed",
        ),
    )
    progress: bool = field(
        default=False,
        metadata=param(
            SETTING,
            source="progress bar, shown only for an interactive single run; not part of the config hash",
            doc="show a progress bar (interactive single runs only)",
        ),
    )
    population: PopulationConfig = MISSING
    network: NetworkConfig = MISSING
    policy: PolicyConfig = MISSING
    enforcement: EnforcementConfig = MISSING
    behavior: BehaviorConfig = MISSING


def register_configs() -> None:
    """Register the schemas that the YAML files in conf/ extend."""
    cs = ConfigStore.instance()
    cs.store(name="base_config", node=Config)
    cs.store(group="population", name="base_population", node=PopulationConfig)
    cs.store(group="network", name="base_network", node=NetworkConfig)
    cs.store(group="policy", name="base_policy", node=PolicyConfig)
    cs.store(group="enforcement", name="base_enforcement", node=EnforcementConfig)
    cs.store(group="behavior", name="base_behavior", node=BehaviorConfig)


def to_config(cfg: DictConfig | Config) -> Config:
    """Turn a composed DictConfig into a typed `Config` object."""
    if isinstance(cfg, Config):
        return cfg
    schema = OmegaConf.structured(Config)
    if isinstance(cfg, DictConfig):  # as plain data, a key added with `+` that the schema lacks is an error
        cfg = OmegaConf.to_container(cfg, resolve=True)
    merged = OmegaConf.merge(schema, cfg)
    return OmegaConf.to_object(merged)


def default_config(policy: str = "appointment_disclosure", **overrides: Any) -> Config:
    """Compose the default config from conf/ without Hydra's app machinery."""
    from hydra import compose, initialize_config_dir

    from sim.config.paths import CONF_DIR

    register_configs()
    args = [f"policy={policy}"] + [f"{k}={v}" for k, v in overrides.items()]
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        cfg = compose(config_name="config", overrides=args)
    cfg = OmegaConf.to_container(cfg, resolve=True)
    cfg.pop("hydra", None)
    return validate(to_config(cfg))


def resolve_path(path: str | Path) -> Path:
    """A relative path in a config is taken from the project root, so runs from any folder find the file."""
    p = Path(path)
    return p if p.is_absolute() else ROOT / p


# ---------------------------------------------------------------- validation


def _check(ok: bool, name: str, value: Any, allowed: str) -> None:
    if not ok:
        raise ConfigError(name, value, allowed)


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _finite(x: Any) -> bool:
    """A finite real number; integers beyond 2**53 are refused, as numpy would hold them as Python objects."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return False
    return math.isfinite(x) and (isinstance(x, float) or abs(x) <= 2**53)


def _num(x: float) -> str:
    return str(x) if _is_int(x) else f"{x:g}"


def allowed_text(p: Param, typ: Any) -> str:
    """What a field allows, in words (the tail of a `ConfigError` message)."""
    if typ is bool:
        return "must be true or false"
    if p.choices:
        return f"allowed: {', '.join(p.choices)}"
    if typ is str:
        return "must be a string"
    what = "an integer" if typ is int else "a finite number"
    lo, hi = p.bounds or (None, None)
    if lo is not None and hi is not None:
        text = f"must be {what} in [{_num(lo)}, {_num(hi)}]"
        if (lo, hi) == PROB and typ is float:
            text = f"must be a probability in [{_num(lo)}, {_num(hi)}]"
    elif lo is not None:
        text = f"must be {what} {'>' if p.strict else '>='} {_num(lo)}"
    else:
        text = f"must be {what}"
    if p.none is not None:
        text += f", or {p.none} for none"
    return text


def _scalar_ok(value: Any, typ: Any, p: Param) -> bool:
    if typ is bool:
        return isinstance(value, bool)
    if typ is str:
        return isinstance(value, str) and (not p.choices or value in p.choices)
    if typ is int:
        if not _is_int(value):
            return False
        if p.none is not None and value == p.none:
            return True
    elif not _finite(value):
        return False
    lo, hi = p.bounds or (None, None)
    if lo is not None and (value < lo or (p.strict and value == lo)):
        return False
    return hi is None or value <= hi


def _check_scalar(name: str, value: Any, typ: Any, p: Param) -> None:
    _check(_scalar_ok(value, typ, p), name, value, allowed_text(p, typ))


def _check_mapping(name: str, mapping: Any, keys: tuple[tuple[str, ...], ...], typ: Any, p: Param) -> None:
    _check(isinstance(mapping, dict), name, mapping, f"must be a mapping with keys {', '.join(keys[0])}")
    for key in mapping:
        _check(key in keys[0], f"{name}.{key}", key, f"unknown key; allowed: {', '.join(keys[0])}")
    for key in () if p.partial else keys[0]:
        _check(key in mapping, f"{name}.{key}", None, "is missing")
    for key, value in mapping.items():
        if len(keys) > 1:
            _check_mapping(f"{name}.{key}", value, keys[1:], typ, p)
        else:
            _check_scalar(f"{name}.{key}", value, typ, p)


def _innermost(typ: Any) -> Any:
    """The value type of a (nested) dict type."""
    while typing.get_origin(typ) is dict:
        typ = typing.get_args(typ)[1]
    return typ


def check_fields(node: Any, prefix: str = "") -> None:
    """Check every declared field of a config dataclass (recursively) against its declaration."""
    for f in dataclasses.fields(node):
        name, value, typ = f"{prefix}{f.name}", getattr(node, f.name), field_types(type(node))[f.name]
        p = declaration(f)
        if optional_of(typ) is not None:
            if value is None:  # a dated change that leaves this lever as it is
                continue
            typ = optional_of(typ)
        if dataclasses.is_dataclass(typ):
            _check(isinstance(value, typ), name, value, f"must be a {typ.__name__} config")
            check_fields(value, f"{name}.")
        elif typing.get_origin(typ) is list:
            _check(isinstance(value, list), name, value, "must be a list")
            (item,) = typing.get_args(typ)
            for i, element in enumerate(value):
                if dataclasses.is_dataclass(item):
                    _check(isinstance(element, item), f"{name}[{i}]", element, f"must be a {item.__name__}")
                    check_fields(element, f"{name}[{i}].")
        elif typing.get_origin(typ) is dict:
            _check_mapping(name, value, p.keys, _innermost(typ), p)
        elif p is not None and not p.region:
            _check_scalar(name, value, typ, p)


def walk(node: Any, prefix: str = "") -> typing.Iterator[tuple[str, Any, Param]]:
    """Every declared scalar, mapping and list field of a config as (dotted path, value, declaration)."""
    for f in dataclasses.fields(node):
        name, value, typ = f"{prefix}{f.name}", getattr(node, f.name), field_types(type(node))[f.name]
        if dataclasses.is_dataclass(typ):
            yield from walk(value, f"{name}.")
            continue
        p = declaration(f)
        if p is not None:
            yield name, value, p
        if typing.get_origin(typ) is list and dataclasses.is_dataclass(typing.get_args(typ)[0]):
            for i, element in enumerate(value):
                yield from walk(element, f"{name}[{i}].")


def validate(cfg: Config) -> Config:
    """Check every field against its declaration, then the cross-field rules; return cfg or raise ConfigError."""
    check_fields(cfg)
    _check_population(cfg.population)
    _check_network(cfg.network)
    _check_policy(cfg.policy)
    for name, value, p in walk(cfg):
        if p.region:
            _check_regions(name, value, cfg.population.n_regions)
    known = regimes()
    _check(cfg.baseline in known, "baseline", cfg.baseline, f"a regime of conf/policy/: {', '.join(known)}")
    if cfg.behavior.posterior_file:
        found = resolve_path(cfg.behavior.posterior_file).is_file()
        _check(
            found,
            "behavior.posterior_file",
            cfg.behavior.posterior_file,
            "file not found (a posterior is written by `python -m experiments.calibrate`; none is committed for "
            "this model version yet: run with behavior=default)",
        )
    return cfg


def bound_text(x: float) -> str:
    """A bound as the ODD, `--help` and the warnings print it (1,000; 0.5)."""
    return f"{x:,}" if _is_int(x) else f"{x:,g}"


def meaningful_warnings(cfg: Config) -> list[str]:
    """One line per field outside its meaningful range, saying what the value understates.

    Validation has accepted the config, so the run goes ahead: small horizons and
    populations are what tests and quick looks use. But an analyst reading the
    results must not take them at face value, so the entry point prints these.
    """
    lines = []
    for name, value, p in walk(cfg):
        if p.meaningful is None or not _finite(value):
            continue
        lo, hi = p.meaningful
        if lo is not None and value < lo:
            lines.append(f"{name}={_num(value)} is under {bound_text(lo)}: {p.understates}")
        elif hi is not None and value > hi:
            lines.append(f"{name}={_num(value)} is over {bound_text(hi)}: {p.understates}")
    return lines


# ------------------------------------------------------ cross-field rules


def _check_regions(name: str, regions: Any, n_regions: int) -> None:
    listed = regions if isinstance(regions, list) else [regions]
    for r in listed:
        ok = _is_int(r) and 0 <= r < n_regions
        _check(ok, name, regions, f"regions must be in [0, {n_regions - 1}]")


def _sums_to_one(name: str, mapping: dict[str, float]) -> None:
    total = sum(mapping.values())
    _check(abs(total - 1.0) < 1e-6, name, dict(mapping), f"shares must sum to 1 (they sum to {total:g})")


# Statuses each household type admits, by role ("*": every role); the types' definitions (HOUSEHOLD_TYPES).
_ADMITS = {
    "us_born": {"*": ("citizen",)},
    "all_citizen_immigrant": {"*": CITIZEN_STATUSES},
    "green_card_citizen": {"*": ("citizen", "naturalized", "lpr", "refugee")},
    "mixed_status": {"*": STATUSES},
    "visa_holder": {"decider": ("student", "worker"), "*": tuple(s for s in STATUSES if s != "undocumented")},
}


def _check_population(p: PopulationConfig) -> None:
    _sums_to_one("population.household_type_shares", p.household_type_shares)
    _sums_to_one("population.sample_shares", p.sample_shares)
    for t in HOUSEHOLD_TYPES:
        _check(
            p.sample_shares[t] > 0 or p.household_type_shares[t] == 0,
            f"population.sample_shares.{t}",
            p.sample_shares[t],
            f"must be > 0 where population.household_type_shares.{t} is > 0 (else the type cannot be drawn)",
        )
    for role in ("decider", "partner", "child", "other_adult"):
        name = f"{role}_status_shares"
        for t, shares in getattr(p, name).items():
            _sums_to_one(f"population.{name}.{t}", shares)
            admits = _ADMITS[t].get(role, _ADMITS[t]["*"])
            for s, share in shares.items():
                ok = share == 0 or s in admits
                _check(ok, f"population.{name}.{t}.{s}", share, f"must be 0 ({t} admits {', '.join(admits)})")
    for s in STATUSES:
        total = p.adult_ssi_share[s] + p.adult_rsdi_share[s]
        name = f"population.adult_ssi_share.{s} + population.adult_rsdi_share.{s}"
        _check(total <= 1.0, name, total, "SSI plus RSDI shares must not exceed 1")


def _check_network(n: NetworkConfig) -> None:
    total = n.within_block + n.within_community
    _check(total <= 1.0, "network.within_block", n.within_block, "within_block + within_community must not exceed 1")


def _check_policy(p: PolicyConfig) -> None:
    if p.injunction_week != NONE_WEEK:
        _check(
            p.injunction_week >= p.start_week,
            "policy.injunction_week",
            p.injunction_week,
            f"must not come before policy.start_week ({p.start_week})",
        )
    # a positive sd so small that its square underflows would divide by zero when drawing compliance
    sd_ok = p.compliance_sd == 0 or p.compliance_sd >= 1e-6
    _check(sd_ok, "policy.compliance_sd", p.compliance_sd, "must be 0 or in [1e-6, 0.5]")
    _check_timeline(p.timeline)


def _check_timeline(timeline: list[LeverChange]) -> None:
    """Each dated change changes something, and no two changes of the same lever share a week (which would win?)."""
    seen: dict[tuple[int, str], int] = {}
    for i, change in enumerate(timeline):
        name = f"policy.timeline[{i}]"
        changed = [f"remote_share.{k}" for k in change.remote_share] + [
            lever for lever in TIMELINE_LEVERS if lever != "remote_share" and getattr(change, lever) is not None
        ]
        _check(
            bool(changed),
            name,
            {"week": change.week},
            f"changes nothing: give at least one of {', '.join(TIMELINE_LEVERS)}",
        )
        for lever in changed:
            earlier = seen.setdefault((change.week, lever), i)
            _check(
                earlier == i,
                f"{name}.{lever}",
                _lever_value(change, lever),
                f"policy.timeline[{earlier}] already changes it at week {change.week}; give one value per week",
            )


def _lever_value(change: LeverChange, lever: str) -> Any:
    head, _, key = lever.partition(".")
    value = getattr(change, head)
    return value[key] if key else value
