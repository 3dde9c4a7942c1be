"""The synthetic population: one struct of numpy arrays, built without loops.

Person arrays have length N, household arrays length H. Each household's
first member is its decision maker (an adult), who attends every in-person
appointment of the household and holds its beliefs. Member 1 of a household
of two or more is, with a share by household type, the decider's partner (an
adult); every other member is a child or another adult. Each role draws its
status from its own table by household type, so a mixed-status household can
hold an undocumented decider, a naturalized spouse and US-born children; the
draws are then made to fit the household type's definition exactly
(`household_type_of` classifies households from their members' statuses).

Immigrant household types are oversampled (`sample_shares`) and each
household carries a sampling weight, true share / sample share of its type,
normalised so the weights sum to the households drawn: weighted totals then
estimate a population of the same size with the true shares
(`household_type_shares`). Shares and amounts are illustrative (docs/ODD.md
gives their sources and ranges); nothing here is a census count.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config import CITIZEN_STATUSES, HOUSEHOLD_TYPES, PROGRAMS, STATUSES, PopulationConfig

CITIZEN, NATURALIZED, LPR, REFUGEE, STUDENT, WORKER, UNDOCUMENTED = (STATUSES.index(s) for s in STATUSES)
NO_PROGRAM, SSI, RSDI, CHILD = range(len(PROGRAMS))
US_BORN, ALL_CITIZEN_IMMIGRANT, GREEN_CARD_CITIZEN, MIXED_STATUS, VISA_HOLDER = (
    HOUSEHOLD_TYPES.index(t) for t in HOUSEHOLD_TYPES
)
IS_NONCITIZEN = np.array([s not in CITIZEN_STATUSES for s in STATUSES])
# Roles within a household: each draws its status from its own table (`<role>_status_shares`).
ROLES = ("decider", "partner", "child", "other_adult")
DECIDER, PARTNER, CHILD_ROLE, OTHER_ADULT = range(len(ROLES))
# From this size on, households are numbered block by block (`_by_block`): per-household vectors then
# outgrow the CPU caches, and neighbours stored close together make the rumour pass about a third faster.
BLOCK_ORDER_MIN_PEOPLE = 2_000_000


@dataclass
class Population:
    """Static attributes of people and households (struct of arrays)."""

    household: np.ndarray  # int32 [N] household of each person
    is_decider: np.ndarray  # bool [N]
    is_child: np.ndarray  # bool [N]
    status: np.ndarray  # int8 [N] index into STATUSES
    program: np.ndarray  # int8 [N] index into PROGRAMS
    monthly_amount: np.ndarray  # float64 [N] USD per month, 0 without a program
    hearing_need: np.ndarray  # bool [N] needs a sign-language interpreter
    eligible_week: np.ndarray  # int32 [N] week eligibility begins (0 for most)
    phase: np.ndarray  # int32 [N] phase of periodic reviews
    decider: np.ndarray  # int32 [H] person index of each household's decider
    hh_type: np.ndarray  # int8 [H] index into HOUSEHOLD_TYPES
    community: np.ndarray  # int32 [H]
    region: np.ndarray  # int16 [H]
    office: np.ndarray  # int32 [H] field office serving the household
    hh_size: np.ndarray  # int32 [H]
    weight: np.ndarray  # float64 [H] sampling weight; sums to H (a person carries their household's)

    @property
    def n_people(self) -> int:
        return len(self.household)

    @property
    def n_households(self) -> int:
        return len(self.decider)

    @property
    def eligible_ever(self) -> np.ndarray:
        return self.program != NO_PROGRAM

    @property
    def needs_ssn(self) -> np.ndarray:
        return (self.status == STUDENT) | (self.status == WORKER)

    @property
    def noncitizen(self) -> np.ndarray:
        """Status not in CITIZEN_STATUSES (naturalized citizens are citizens)."""
        return IS_NONCITIZEN[self.status]

    @property
    def person_weight(self) -> np.ndarray:
        """float64 [N]: each person's sampling weight (their household's)."""
        return self.weight[self.household]


def _categorical(rng: np.random.Generator, probs: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Draw one category per item; `probs[rows[i]]` are item i's category shares.

    Item i gets the number of cumulative shares below its uniform, found by
    binary search per distinct row of shares (no [items x categories] array).
    """
    cum = np.cumsum(probs, axis=1)
    cum[:, -1] = 1.0
    u = rng.random(len(rows))
    out = np.empty(len(rows), dtype=np.int64)
    if len(probs) == 1:
        return np.searchsorted(cum[0], u, side="left")
    for r in np.flatnonzero(np.bincount(rows, minlength=len(probs))):
        mask = rows == r
        out[mask] = np.searchsorted(cum[r], u[mask], side="left")
    return out


def _household_sizes(rng: np.random.Generator, n: int, mean_size: float) -> np.ndarray:
    est = int(n / mean_size * 1.3) + 16
    sizes = 1 + rng.poisson(mean_size - 1.0, est)
    while sizes.sum() < n:
        sizes = np.concatenate([sizes, 1 + rng.poisson(mean_size - 1.0, est)])
    cum = np.cumsum(sizes)
    n_hh = int(np.searchsorted(cum, n)) + 1
    sizes = sizes[:n_hh].copy()
    sizes[-1] -= int(cum[n_hh - 1] - n)
    return sizes


def _share_table(mapping: dict[str, float], keys: tuple[str, ...]) -> np.ndarray:
    return np.array([mapping[k] for k in keys], dtype=np.float64)


def _type_shares(cfg: PopulationConfig) -> tuple[np.ndarray, np.ndarray]:
    """(sample shares, weight per type): types with true share 0 are not drawn; weights true / sample."""
    true = _share_table(cfg.household_type_shares, HOUSEHOLD_TYPES)
    sample = np.where(true > 0, _share_table(cfg.sample_shares, HOUSEHOLD_TYPES), 0.0)
    if sample.sum() <= 0:  # unvalidated input: fall back to the true shares
        sample = true
    sample = sample / sample.sum()
    ratio = np.divide(true, sample, out=np.zeros_like(true), where=sample > 0)
    return sample, ratio


def build_population(cfg: PopulationConfig, weeks: int, rng: np.random.Generator) -> Population:
    """Generate households and people from `cfg` using the `population` stream."""
    sizes = _household_sizes(rng, cfg.n_people, cfg.mean_household_size)
    n_hh = len(sizes)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    household = np.repeat(np.arange(n_hh, dtype=np.int32), sizes)
    n = len(household)

    sample, ratio = _type_shares(cfg)
    hh_type = _categorical(rng, sample[None, :], np.zeros(n_hh, dtype=np.int64)).astype(np.int8)
    weight = ratio[hh_type]
    weight *= n_hh / weight.sum()
    region = rng.integers(0, cfg.n_regions, n_hh).astype(np.int16)
    office = (region.astype(np.int32) * cfg.offices_per_region + rng.integers(0, cfg.offices_per_region, n_hh)).astype(
        np.int32
    )
    community = _communities(rng, cfg, hh_type)

    role = _roles(rng, cfg, hh_type, household, starts)
    status = _statuses(rng, cfg, hh_type, household, starts, role)
    is_decider = role == DECIDER
    is_child = role == CHILD_ROLE
    program, amount = _benefits(rng, cfg, status, is_child)
    eligible = program != NO_PROGRAM
    hearing_need = eligible & (rng.random(n) < cfg.hearing_need_share)
    late = eligible & (rng.random(n) < cfg.new_applicant_share)
    eligible_week = np.where(late, rng.integers(1, max(weeks, 2), n), 0).astype(np.int32)
    phase = rng.integers(0, 1 << 15, n).astype(np.int32)
    pop = Population(
        household=household,
        is_decider=is_decider,
        is_child=is_child,
        status=status,
        program=program,
        monthly_amount=amount,
        hearing_need=hearing_need,
        eligible_week=eligible_week,
        phase=phase,
        decider=starts.astype(np.int32),
        hh_type=hh_type,
        community=community,
        region=region,
        office=office,
        hh_size=sizes.astype(np.int32),
        weight=weight,
    )
    return _by_block(pop, cfg.n_regions) if n >= BLOCK_ORDER_MIN_PEOPLE else pop


def _by_block(pop: Population, n_regions: int) -> Population:
    """Renumber households so those of one community and region are adjacent, members kept together.

    Most ties fall within a block, so at national scale the weekly rumour
    pass over the network reads neighbours' beliefs from nearby memory
    rather than from anywhere in a vector larger than the CPU's caches.
    """
    key = pop.community.astype(np.int64) * n_regions + pop.region
    order = np.argsort(key.astype(np.int16) if int(key.max(initial=0)) < 2**15 - 1 else key, kind="stable")
    sizes = pop.hh_size[order]
    starts = np.cumsum(sizes) - sizes
    person = np.repeat(pop.decider[order] - starts, sizes) + np.arange(pop.n_people)
    return Population(
        household=np.repeat(np.arange(pop.n_households, dtype=np.int32), sizes),
        is_decider=pop.is_decider[person],
        is_child=pop.is_child[person],
        status=pop.status[person],
        program=pop.program[person],
        monthly_amount=pop.monthly_amount[person],
        hearing_need=pop.hearing_need[person],
        eligible_week=pop.eligible_week[person],
        phase=pop.phase[person],
        decider=starts.astype(np.int32),
        hh_type=pop.hh_type[order],
        community=pop.community[order],
        region=pop.region[order],
        office=pop.office[order],
        hh_size=sizes,
        weight=pop.weight[order],
    )


def _communities(rng: np.random.Generator, cfg: PopulationConfig, hh_type: np.ndarray) -> np.ndarray:
    """Immigrant households cluster in a share of communities (for homophily)."""
    n_imm = max(1, int(round(cfg.n_communities * cfg.immigrant_community_share)))
    any_comm = rng.integers(0, cfg.n_communities, len(hh_type))
    imm_comm = rng.integers(0, n_imm, len(hh_type))
    return np.where(hh_type == US_BORN, any_comm, imm_comm).astype(np.int32)


def _roles(
    rng: np.random.Generator,
    cfg: PopulationConfig,
    hh_type: np.ndarray,
    household: np.ndarray,
    starts: np.ndarray,
) -> np.ndarray:
    """int8 [N] index into ROLES: member 0 decides, member 1 is a partner (`partner_share`), others by `child_share`."""
    position = np.arange(len(household)) - starts[household]
    person_type = hh_type[household]
    partner = _share_table(cfg.partner_share, HOUSEHOLD_TYPES)[person_type]
    child = _share_table(cfg.child_share, HOUSEHOLD_TYPES)[person_type]
    u = rng.random(len(household))
    is_partner = (position == 1) & (u < partner)
    is_child = (position > 0) & ~is_partner & (rng.random(len(household)) < child)
    role = np.full(len(household), OTHER_ADULT, dtype=np.int8)
    role[is_child] = CHILD_ROLE
    role[is_partner] = PARTNER
    role[position == 0] = DECIDER
    return role


def _statuses(
    rng: np.random.Generator,
    cfg: PopulationConfig,
    hh_type: np.ndarray,
    household: np.ndarray,
    starts: np.ndarray,
    role: np.ndarray,
) -> np.ndarray:
    """Each member draws a status from their role's table by household type; then the type's definition is made to hold.

    us_born: everyone a US-born citizen. all_citizen_immigrant: citizens only,
    at least one naturalized (else the decider is). green_card_citizen:
    nobody undocumented or on a visa (they become lpr), at least one lpr or
    refugee (else the decider is lpr). mixed_status: a decider who is not
    undocumented has an undocumented partner; without a partner the decider
    is undocumented. visa_holder: the decider is a student or worker (else a
    worker), nobody undocumented (such a member takes the decider's visa).
    """
    n_types = len(HOUSEHOLD_TYPES)
    tables = [getattr(cfg, f"{r}_status_shares") for r in ROLES]
    table = np.array([_share_table(t[h], STATUSES) for t in tables for h in HOUSEHOLD_TYPES])
    person_type = hh_type[household].astype(np.int64)
    status = _categorical(rng, table, role.astype(np.int64) * n_types + person_type).astype(np.int8)
    n_hh = len(starts)

    def any_member(mask: np.ndarray) -> np.ndarray:
        return np.bincount(household[mask], minlength=n_hh) > 0

    deciders = starts
    us_born = person_type == US_BORN
    status[us_born] = CITIZEN

    aci = person_type == ALL_CITIZEN_IMMIGRANT
    status[aci & IS_NONCITIZEN[status]] = NATURALIZED
    fix = (hh_type == ALL_CITIZEN_IMMIGRANT) & ~any_member(aci & (status == NATURALIZED))
    status[deciders[fix]] = NATURALIZED

    gc = person_type == GREEN_CARD_CITIZEN
    status[gc & (status >= STUDENT)] = LPR
    fix = (hh_type == GREEN_CARD_CITIZEN) & ~any_member(gc & ((status == LPR) | (status == REFUGEE)))
    status[deciders[fix]] = LPR

    visa = hh_type == VISA_HOLDER
    d = deciders[visa]
    status[d[(status[d] != STUDENT) & (status[d] != WORKER)]] = WORKER
    undocumented_visa = (person_type == VISA_HOLDER) & (status == UNDOCUMENTED)
    status[undocumented_visa] = status[deciders[household[undocumented_visa]]]

    mixed = (hh_type == MIXED_STATUS) & (status[deciders] != UNDOCUMENTED)
    has_partner = np.zeros(n_hh, dtype=bool)
    has_partner[household[role == PARTNER]] = True
    status[deciders[mixed & ~has_partner]] = UNDOCUMENTED
    status[deciders[mixed & has_partner] + 1] = UNDOCUMENTED
    return status


def household_type_of(status: np.ndarray, household: np.ndarray, n_households: int) -> np.ndarray:
    """int8 [H]: each household's type (index into HOUSEHOLD_TYPES) from its members' statuses.

    mixed_status: any undocumented member; else visa_holder: any student or
    worker; else green_card_citizen: any lpr or refugee; else
    all_citizen_immigrant: any naturalized citizen; else us_born.
    """

    def any_of(*statuses: int) -> np.ndarray:
        return np.bincount(household[np.isin(status, statuses)], minlength=n_households) > 0

    out = np.full(n_households, US_BORN, dtype=np.int8)
    out[any_of(NATURALIZED)] = ALL_CITIZEN_IMMIGRANT
    out[any_of(LPR, REFUGEE)] = GREEN_CARD_CITIZEN
    out[any_of(STUDENT, WORKER)] = VISA_HOLDER
    out[any_of(UNDOCUMENTED)] = MIXED_STATUS
    return out


def _benefits(
    rng: np.random.Generator, cfg: PopulationConfig, status: np.ndarray, is_child: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Programs by status and age, with a lognormal spread of amounts."""
    ssi = _share_table(cfg.adult_ssi_share, STATUSES)[status]
    rsdi = _share_table(cfg.adult_rsdi_share, STATUSES)[status]
    child = _share_table(cfg.child_benefit_share, STATUSES)[status]
    u = rng.random(len(status))
    adult_prog = np.where(u < ssi, SSI, np.where(u < ssi + rsdi, RSDI, NO_PROGRAM))
    child_prog = np.where(u < child, CHILD, NO_PROGRAM)
    program = np.where(is_child, child_prog, adult_prog).astype(np.int8)
    base = np.array([0.0] + [cfg.monthly_amount[p] for p in PROGRAMS[1:]])
    spread = rng.lognormal(-0.5 * cfg.amount_sd**2, cfg.amount_sd, len(status))
    return program, base[program] * spread
