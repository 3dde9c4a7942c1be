"""The world's dynamic state: typed struct-of-arrays, declared once with their dtypes.

People and households each hold one numpy array per variable; offices hold
this week's disclosure probability. Each array is declared once, with its
dtype, the value it starts from and what it means (as Starsim declares a
module's states), and `allocate` builds every array from that declaration.
`WorkSets` holds the ids each phase worked on this week, so the next week
resets exactly what this week set instead of clearing whole arrays.

Phases (in `appointments`, `enforcement`, `decision`, `beliefs`) receive a
`World`: this state plus the static population, network, schedules and the
week's draws. They never see the Mesa model.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.config import NEEDS

if TYPE_CHECKING:
    import scipy.sparse as sp

    from sim.appointments import Calendar
    from sim.config import Config
    from sim.outcomes import GroupIndex
    from sim.policy import PolicySchedule
    from sim.population import Population
    from sim.rng import Streams, WeekDraws

NONE = -1
ELIGIBILITY, DIRECT_DEPOSIT, INTERPRETER, SSN, CHILD_REVIEW, REINSTATEMENT = range(len(NEEDS))
OUTCOMES = ("none", "remote", "attended", "missed")
OUTCOME_NONE, OUTCOME_REMOTE, OUTCOME_ATTENDED, OUTCOME_MISSED = range(len(OUTCOMES))
EMPTY = np.empty(0, dtype=np.int64)


def column(dtype: Any, fill: Any, doc: str) -> Any:
    """Declare one state array: its dtype, its starting value and what it means."""
    return field(metadata={"dtype": np.dtype(dtype), "fill": fill, "doc": doc})


class StructOfArrays:
    """A dataclass of equal-length arrays declared with `column`."""

    @classmethod
    def allocate(cls, n: int, **initial: np.ndarray) -> Any:
        """Every declared array at length `n`, filled with its declared value unless given in `initial`."""
        arrays = {}
        for f in fields(cls):  # type: ignore[arg-type]
            dtype = f.metadata["dtype"]
            given = initial.get(f.name)
            arrays[f.name] = np.full(n, f.metadata["fill"], dtype) if given is None else np.asarray(given, dtype)
        return cls(**arrays)

    @classmethod
    def describe(cls) -> list[tuple[str, str, str]]:
        """(name, dtype, meaning) of every declared array, for docs and inspection."""
        return [(f.name, str(f.metadata["dtype"]), f.metadata["doc"]) for f in fields(cls)]  # type: ignore[arg-type]


@dataclass
class People(StructOfArrays):
    """Dynamic per-person state, and this week's appointment results."""

    receiving: np.ndarray = column(bool, False, "benefit being paid")
    suspended: np.ndarray = column(bool, False, "benefit suspended after missed appointments")
    pending: np.ndarray = column(np.int8, NONE, "need of the pending appointment (NEEDS index), -1 if none")
    due: np.ndarray = column(np.int32, 0, "week the pending appointment falls due")
    misses: np.ndarray = column(np.int8, 0, "consecutive missed appointments")
    outcome: np.ndarray = column(np.int8, OUTCOME_NONE, "this week's appointment outcome (OUTCOMES index)")
    need: np.ndarray = column(np.int8, NONE, "need of this week's appointment, -1 if none")
    requested: np.ndarray = column(bool, False, "ICE asked about this week's visit")
    disclosed: np.ndarray = column(bool, False, "the office disclosed this week's visit")
    encounter: np.ndarray = column(bool, False, "an encounter with ICE at this week's visit")
    ssn_dropped: np.ndarray = column(bool, False, "an SSN service given up this week")


@dataclass
class Households(StructOfArrays):
    """Beliefs and trust of each household's decision maker, and this week's evidence."""

    alpha: np.ndarray = column(np.float64, 0.0, "Beta pseudo-count: evidence that attending leads to an encounter")
    beta: np.ndarray = column(np.float64, 0.0, "Beta pseudo-count: evidence that attending is safe")
    trust: np.ndarray = column(np.float64, 0.0, "trust in the agency, in [0, 1]")
    trust0: np.ndarray = column(np.float64, 0.0, "trust before the policy: where recovery leads")
    reach: np.ndarray = column(np.float64, 0.0, "weekly chance of hearing news, by community")
    loss: np.ndarray = column(np.float64, 0.0, "L_d: loss expected from an encounter")
    exposure: np.ndarray = column(np.float64, 0.0, "x_d: how likely ICE is to pursue the attending decider")
    own_encounters: np.ndarray = column(np.float64, 0.0, "encounters of the household's members this week")
    own_safe: np.ndarray = column(np.float64, 0.0, "visits without encounter this week")
    neighbour_encounters: np.ndarray = column(np.float64, 0.0, "encounters of tied households this week")
    neighbour_safe: np.ndarray = column(np.float64, 0.0, "safe visits of tied households this week")
    news: np.ndarray = column(np.float64, 0.0, "salience of disclosure news heard this week")
    reassurance: np.ndarray = column(np.float64, 0.0, "court news and outreach heard this week")
    neighbour_risk: np.ndarray = column(np.float64, 0.0, "mean perceived risk of tied households")
    clinic_need: np.ndarray = column(bool, False, "a clinic need this week")
    clinic_visit: np.ndarray = column(bool, False, "the clinic visited this week")
    clinic_encounter: np.ndarray = column(bool, False, "an encounter at the clinic this week")


@dataclass
class Offices(StructOfArrays):
    """Each field office's rule this week."""

    disclosure: np.ndarray = column(np.float64, 0.0, "P(disclose | ICE asks) this week")


@dataclass
class WorkSets:
    """Ids each phase worked on this week (people or households), kept so next week resets exactly them."""

    due: np.ndarray = field(default_factory=lambda: EMPTY)  # people with an appointment due
    attended: np.ndarray = field(default_factory=lambda: EMPTY)  # people who attended
    clinic: np.ndarray = field(default_factory=lambda: EMPTY)  # households with a clinic need
    clinic_encounters: np.ndarray = field(default_factory=lambda: EMPTY)  # households met at the clinic
    tallied: np.ndarray = field(default_factory=lambda: EMPTY)  # households with own visits
    neighbours: np.ndarray = field(default_factory=lambda: EMPTY)  # households tied to one with visits
    heard: np.ndarray = field(default_factory=lambda: EMPTY)  # households that heard disclosure news
    reassured: np.ndarray = field(default_factory=lambda: EMPTY)  # households that heard court news or outreach
    evidence: np.ndarray = field(default_factory=lambda: EMPTY)  # households whose beliefs took evidence


@dataclass
class World:
    """Everything a phase reads or writes: config, static structure, dynamic state, this week's draws."""

    cfg: Config
    streams: Streams
    pop: Population
    network: sp.csr_matrix
    degree: np.ndarray  # float64 [H]: ties of each household
    presence: np.ndarray  # float64 [weeks, regions]: ICE presence
    schedule: PolicySchedule
    calendar: Calendar
    groups: GroupIndex
    people: People
    households: Households
    offices: Offices
    value: np.ndarray  # float64 [N]: benefit months at risk, in reference benefits
    hassle: np.ndarray  # float64 [needs]
    person_region: np.ndarray  # int16 [N]
    person_office: np.ndarray  # int32 [N]
    week: int = 0
    draws: WeekDraws | None = None
    work: WorkSets = field(default_factory=WorkSets)

    def everyone(self, ids: np.ndarray) -> bool:
        """Whether `ids` lists every household (in any order): then a phase may work on whole arrays."""
        return len(ids) == self.pop.n_households
