"""The appointment calendar, built once: who can have business with the agency, and when reviews fall due.

The calendar is precomputed at build, so a week touches only the people
whose appointments can arise that week, never the whole population
(`sim.model.phases.appointments` reads it each week).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.model.build.population import CHILD, NO_PROGRAM, Population
from sim.model.data.state import CHILD_REVIEW, ELIGIBILITY, NONE

if TYPE_CHECKING:
    from sim.config import BehaviorConfig


@dataclass
class Calendar:
    """Who can have business with the agency, and when reviews and new eligibility fall due."""

    clients: np.ndarray  # int64: people who can ever have an appointment (eligible, or SSN services)
    client_position: np.ndarray  # int64 [N]: position among the clients, -1 for others
    ssn_people: np.ndarray  # int64: students and workers
    eligible_people: np.ndarray  # int64: people with a program
    hearing_people: np.ndarray  # int64: people who need an interpreter
    review_need: np.ndarray  # int8 [N]: the need a periodic review is (ELIGIBILITY, CHILD_REVIEW or NONE)
    review_people: list[np.ndarray]  # per review period: reviewed people sorted by due week mod period
    review_bounds: list[np.ndarray]  # per review period: slice bounds of each week mod period
    review_periods: list[int]
    newly_eligible_people: np.ndarray  # int64: people whose eligibility begins after week 0, by week
    newly_eligible_bounds: np.ndarray  # slice bounds of each week

    def reviews(self, week: int) -> np.ndarray:
        """People whose periodic review falls in `week` (receiving or not)."""
        parts = [
            people[bounds[week % period] : bounds[week % period + 1]]
            for people, bounds, period in zip(self.review_people, self.review_bounds, self.review_periods, strict=True)
        ]
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)

    def newly_eligible(self, week: int) -> np.ndarray:
        """People whose eligibility begins in `week` (> 0): they apply, as a reinstatement does."""
        if week <= 0 or week + 1 >= len(self.newly_eligible_bounds):
            return np.empty(0, dtype=np.int64)
        return self.newly_eligible_people[self.newly_eligible_bounds[week] : self.newly_eligible_bounds[week + 1]]


def build_calendar(pop: Population, b: BehaviorConfig, weeks: int) -> Calendar:
    """Index the people who can have appointments, and when reviews and new eligibility fall due.

    Noncitizen adults with a program have periodic eligibility reviews;
    children with a child benefit have child reviews; each person's review
    falls in weeks `(week + phase) % period == 0`.
    """
    reviewed_adult = pop.noncitizen & ~pop.is_child & (pop.program != NO_PROGRAM)
    review_need = np.where(pop.program == CHILD, CHILD_REVIEW, np.where(reviewed_adult, ELIGIBILITY, NONE))
    review_need = review_need.astype(np.int8)
    review_period = np.where(review_need == CHILD_REVIEW, b.child_review_period_weeks, b.eligibility_period_weeks)
    people, bounds, periods = [], [], []
    reviewed = np.flatnonzero(review_need != NONE)
    for period in np.unique(review_period[reviewed]).tolist():
        members = reviewed[review_period[reviewed] == period]
        offset = (-pop.phase[members].astype(np.int64)) % period
        order = np.argsort(offset, kind="stable")
        people.append(members[order])
        bounds.append(np.searchsorted(offset[order], np.arange(period + 1)))
        periods.append(int(period))
    late = np.flatnonzero(pop.eligible_ever & (pop.eligible_week > 0))
    late = late[np.argsort(pop.eligible_week[late], kind="stable")]
    clients = np.flatnonzero(pop.eligible_ever | pop.needs_ssn)
    position = np.full(pop.n_people, -1, dtype=np.int64)
    position[clients] = np.arange(len(clients))
    return Calendar(
        clients=clients,
        client_position=position,
        ssn_people=np.flatnonzero(pop.needs_ssn),
        eligible_people=np.flatnonzero(pop.eligible_ever),
        hearing_people=np.flatnonzero(pop.hearing_need),
        review_need=review_need,
        review_people=people,
        review_bounds=bounds,
        review_periods=periods,
        newly_eligible_people=late,
        newly_eligible_bounds=np.searchsorted(pop.eligible_week[late], np.arange(weeks + 2)),
    )
