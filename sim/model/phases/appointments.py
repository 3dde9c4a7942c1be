"""Appointments: needs falling due, misses, suspension and return.

The calendar is precomputed at build (`sim.model.build.calendar`), so a week
touches only the people whose appointments can arise that week, never the
whole population. Two phases of the week live here: needs arise (before the
decision) and the week's appointments settle (after enforcement).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.model.data.state import (
    APPLICATION,
    DIRECT_DEPOSIT,
    INTERPRETER,
    NONE,
    OUTCOME_ATTENDED,
    OUTCOME_MISSED,
    OUTCOME_REMOTE,
    REINSTATEMENT,
    SSN,
)

if TYPE_CHECKING:
    from sim.model.build.world import World


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
