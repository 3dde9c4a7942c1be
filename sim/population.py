"""The synthetic population: one struct of numpy arrays, built without loops.

Person arrays have length N, household arrays length H. Each household's
first member is its decision maker, who attends every in-person appointment
of the household and holds its beliefs. Shares and amounts are illustrative
(docs/ODD.md gives their sources and ranges); nothing here is a census count.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config import HOUSEHOLD_TYPES, PROGRAMS, STATUSES, PopulationConfig

CITIZEN = STATUSES.index("citizen")
STUDENT = STATUSES.index("student")
WORKER = STATUSES.index("worker")
NO_PROGRAM, SSI, RSDI, CHILD = range(len(PROGRAMS))
MIXED_STATUS = HOUSEHOLD_TYPES.index("mixed_status")
CITIZEN_ONLY = HOUSEHOLD_TYPES.index("citizen_only")
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
        return self.status != CITIZEN


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
    for r in range(len(probs)):
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


def build_population(cfg: PopulationConfig, weeks: int, rng: np.random.Generator) -> Population:
    """Generate households and people from `cfg` using the `population` stream."""
    sizes = _household_sizes(rng, cfg.n_people, cfg.mean_household_size)
    n_hh = len(sizes)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    household = np.repeat(np.arange(n_hh, dtype=np.int32), sizes)
    n = len(household)
    is_decider = np.zeros(n, dtype=bool)
    is_decider[starts] = True

    type_shares = _share_table(cfg.household_type_shares, HOUSEHOLD_TYPES)
    hh_type = _categorical(rng, type_shares[None, :], np.zeros(n_hh, dtype=np.int64)).astype(np.int8)
    region = rng.integers(0, cfg.n_regions, n_hh).astype(np.int16)
    office = (region.astype(np.int32) * cfg.offices_per_region + rng.integers(0, cfg.offices_per_region, n_hh)).astype(
        np.int32
    )
    community = _communities(rng, cfg, hh_type)

    is_child = ~is_decider & (rng.random(n) < cfg.child_share)
    status = _statuses(rng, cfg, hh_type, household, is_decider, is_child)
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
    )


def _communities(rng: np.random.Generator, cfg: PopulationConfig, hh_type: np.ndarray) -> np.ndarray:
    """Immigrant households cluster in a share of communities (for homophily)."""
    n_imm = max(1, int(round(cfg.n_communities * cfg.immigrant_community_share)))
    any_comm = rng.integers(0, cfg.n_communities, len(hh_type))
    imm_comm = rng.integers(0, n_imm, len(hh_type))
    return np.where(hh_type == CITIZEN_ONLY, any_comm, imm_comm).astype(np.int32)


def _statuses(
    rng: np.random.Generator,
    cfg: PopulationConfig,
    hh_type: np.ndarray,
    household: np.ndarray,
    is_decider: np.ndarray,
    is_child: np.ndarray,
) -> np.ndarray:
    """Deciders draw a status by household type; others follow them.

    Other adults share the decider's status; children are citizens with a
    household-type share (US-born children of noncitizens), else share it too.
    """
    table = np.array([_share_table(cfg.decider_status_shares[t], STATUSES) for t in HOUSEHOLD_TYPES])
    decider_status = _categorical(rng, table, hh_type.astype(np.int64)).astype(np.int8)
    status = decider_status[household]
    child_citizen = _share_table(cfg.child_citizen_share, HOUSEHOLD_TYPES)[hh_type[household]]
    born_here = is_child & (rng.random(len(household)) < child_citizen)
    status = np.where(born_here, CITIZEN, status).astype(np.int8)
    status[is_decider] = decider_status
    return status


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
