"""The world's dynamic state: typed struct-of-arrays, declared once with their dtypes.

People and households each hold one numpy array per variable; offices hold
this week's disclosure probability. Each array is declared once, with its
dtype, the value it starts from and what it means (as Starsim declares a
module's states), and `allocate` builds every array from that declaration.
`WorkSets` holds the ids each phase worked on this week, so the next week
resets exactly what this week set instead of clearing whole arrays.

These arrays are the bottom of the model: the built structures that hold
them (`sim.model.build.world.World`: this state plus the population,
network, schedules and the week's draws) and the phases that change them
sit above, and this module imports none of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from sim.config import NEEDS

NONE = -1
ELIGIBILITY, DIRECT_DEPOSIT, INTERPRETER, SSN, CHILD_REVIEW, REINSTATEMENT, APPLICATION = range(len(NEEDS))
OUTCOMES = ("none", "remote", "attended", "missed")
OUTCOME_NONE, OUTCOME_REMOTE, OUTCOME_ATTENDED, OUTCOME_MISSED = range(len(OUTCOMES))
EMPTY = np.empty(0, dtype=np.int64)
# Who acts in a phase of the week (sim.model.engine.week.WEEK): Mesa agents of one kind, or the world once.
PERSON, HOUSEHOLD, OFFICE, WORLD = "person", "household", "office", "world"


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
    arrested: np.ndarray = column(bool, False, "arrested in the community this week")
    ssn_dropped: np.ndarray = column(bool, False, "an SSN service given up this week")


@dataclass
class Households(StructOfArrays):
    """What each household's decision maker believes, and the evidence of this week.

    The belief that the agency tells ICE when asked (delta_hat) is a Beta
    mean of a prior set by trust, a fast part (alarm, weeks) and a slow part
    (conviction, years); E_hat is the perceived ICE activity nearby.
    """

    a_fast: np.ndarray = column(np.float64, 0.0, "fast pseudo-counts: the agency tells")
    b_fast: np.ndarray = column(np.float64, 0.0, "fast pseudo-counts: the agency does not tell")
    a_slow: np.ndarray = column(np.float64, 0.0, "slow pseudo-counts: the agency tells")
    b_slow: np.ndarray = column(np.float64, 0.0, "slow pseudo-counts: the agency does not tell")
    # float32: every household reads its ties' delta_hat each week (sim.model.phases.beliefs.listen_to_rumour),
    # scattered over the whole array; at half the bytes, ten million people's fit in the cache far better
    disclosure: np.ndarray = column(np.float32, 0.0, "delta_hat as of the last belief update (what decisions read)")
    activity: np.ndarray = column(np.float64, 0.0, "E_hat: perceived ICE activity nearby, in [0, 1]")
    trust: np.ndarray = column(np.float64, 0.0, "trust in the agency, in [0, 1]")
    trust0: np.ndarray = column(np.float64, 0.0, "trust before the policy: where recovery leads (set at build)")
    trust_ceiling: np.ndarray = column(np.float64, 1.0, "highest trust can recover to; each violation seen lowers it")
    reach: np.ndarray = column(np.float64, 0.0, "weekly chance of hearing news, by community (set at build)")
    own_events: np.ndarray = column(np.float64, 0.0, "members' disclosures, encounters and arrests this week")
    own_safe: np.ndarray = column(np.float64, 0.0, "members' visits without an encounter this week")
    own_violations: np.ndarray = column(np.float64, 0.0, "members' disclosures and encounters at the agency")
    tie_events: np.ndarray = column(np.float64, 0.0, "tied households' disclosures, encounters and arrests")
    tie_safe: np.ndarray = column(np.float64, 0.0, "tied households' safe visits this week")
    tie_violations: np.ndarray = column(np.float64, 0.0, "tied households' disclosures and encounters at the agency")
    announcement: np.ndarray = column(np.float64, 0.0, "announcement news heard this week")
    event_news: np.ndarray = column(np.float64, 0.0, "news of disclosures, encounters and arrests heard this week")
    violation_news: np.ndarray = column(np.float64, 0.0, "the agency's part of the event news heard this week")
    reassurance: np.ndarray = column(np.float64, 0.0, "a court's order and outreach heard this week")
    rumour: np.ndarray = column(np.float64, 0.0, "alarm carried by more fearful ties this week")
    clinic_need: np.ndarray = column(bool, False, "a clinic need this week")
    clinic_visit: np.ndarray = column(bool, False, "the clinic visited this week")
    clinic_encounter: np.ndarray = column(bool, False, "an encounter at the clinic this week")


@dataclass
class Regions(StructOfArrays):
    """This week's local news in each region, per 1,000 residents (weighted)."""

    event_news: np.ndarray = column(np.float64, 0.0, "news of disclosures, encounters and arrests")
    violation_news: np.ndarray = column(np.float64, 0.0, "news of disclosures and encounters at the agency")


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
    arrested: np.ndarray = field(default_factory=lambda: EMPTY)  # people arrested in the community
    tallied: np.ndarray = field(default_factory=lambda: EMPTY)  # households with own visits or events
    neighbours: np.ndarray = field(default_factory=lambda: EMPTY)  # households tied to one of those
    heard: np.ndarray = field(default_factory=lambda: EMPTY)  # households that heard any news
