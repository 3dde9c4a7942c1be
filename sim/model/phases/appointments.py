"""Appointments: needs falling due, the calendar, misses, suspension and return.

The calendar is precomputed at build, so a week touches only the people
whose appointments can arise that week, never the whole population. Two
phases of the week live here: needs arise (before the decision) and the
week's appointments settle (after enforcement).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sim.model.build.population import CHILD, NO_PROGRAM, Population
from sim.model.data.state import (
    APPLICATION,
    CHILD_REVIEW,
    DIRECT_DEPOSIT,
    ELIGIBILITY,
    INTERPRETER,
    NONE,
    OUTCOME_ATTENDED,
    OUTCOME_MISSED,
    OUTCOME_REMOTE,
    REINSTATEMENT,
    SSN,
)

if TYPE_CHECKING:
    from sim.config import BehaviorConfig
    from sim.model.data.state import World


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


# ------------------------------------------------------------------ phase: needs arise


def people_with_new_needs(w: World) -> np.ndarray:
    """People for whom a need arises this week: drawn needs, reviews falling due, new eligibility."""
    d, c = w.draws, w.calendar
    return np.unique(np.concatenate((d.ssn, d.deposit, d.interpreter, c.reviews(w.week), c.newly_eligible(w.week))))


def _among(ids: np.ndarray, subset: np.ndarray) -> np.ndarray:
    """Which of `ids` are in `subset` (person ids): by a lookup table over their range, not by sorting."""
    return np.isin(ids, subset, kind="table") if len(subset) else np.zeros(len(ids), dtype=bool)


def arise_needs(w: World, ids: np.ndarray) -> None:
    """A person's new need becomes an appointment due this week, unless one is already pending.

    When several needs arise for one person in a week, the later in this
    order wins: SSN service; direct-deposit change, interpreter and review
    (receiving people only); application on becoming eligible.
    """
    t, p, d, c = w.week, w.people, w.draws, w.calendar
    receiving = p.receiving[ids]
    need = np.full(len(ids), NONE, dtype=np.int8)
    need[_among(ids, d.ssn)] = SSN
    need[receiving & _among(ids, d.deposit)] = DIRECT_DEPOSIT
    need[receiving & _among(ids, d.interpreter)] = INTERPRETER
    review = receiving & _among(ids, c.reviews(t))
    need[review] = c.review_need[ids[review]]
    need[_among(ids, c.newly_eligible(t))] = APPLICATION
    new = (p.pending[ids] == NONE) & (need != NONE)
    p.pending[ids[new]] = need[new]
    p.due[ids[new]] = t


# ------------------------------------------------------------------ phase: settle


def people_decided(w: World) -> np.ndarray:
    """People whose appointment fell due this week, as the decision recorded them."""
    return w.work.due


def settle(w: World, ids: np.ndarray) -> None:
    """Met needs close; misses reschedule, suspend benefits after `misses_to_suspend`, or drop SSN services.

    A missed return from suspension or a missed application is tried again
    after `return_lag_weeks`, when fear may have subsided.
    """
    t, p, b = w.week, w.people, w.cfg.behavior
    outcome, need = p.outcome[ids], p.need[ids]
    done = (outcome == OUTCOME_REMOTE) | (outcome == OUTCOME_ATTENDED)
    starts = (need == REINSTATEMENT) | (need == APPLICATION)
    reinstated = ids[done & starts]
    p.receiving[reinstated] = True
    p.suspended[reinstated] = False
    p.pending[ids[done]] = NONE
    p.misses[ids[done]] = 0
    missed = outcome == OUTCOME_MISSED
    retry = missed & starts
    p.due[ids[retry]] = t + b.return_lag_weeks
    counted = missed & ~retry
    misses = p.misses[ids] + counted
    p.misses[ids] = misses
    limit = counted & (misses >= b.misses_to_suspend)
    dropped = ids[limit & (need == SSN)]
    p.ssn_dropped[dropped] = True
    suspend = ids[limit & (need != SSN)]
    p.pending[dropped] = NONE
    p.receiving[suspend] = False
    p.suspended[suspend] = True
    p.pending[suspend] = REINSTATEMENT
    p.due[suspend] = t + b.return_lag_weeks
    p.misses[ids[limit]] = 0
    p.due[ids[counted & ~limit]] = t + b.reschedule_weeks
