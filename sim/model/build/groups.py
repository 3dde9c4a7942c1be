"""The groups outcomes are counted by, indexed once at build: status x household type x interpreter need.

Labels read `status.household_type` with `.interpreter` appended for people
who need a sign-language interpreter. Only the clients (people who can ever
have business with the agency) can be eligible, receive, be suspended or
have appointments; everyone else contributes only static counts. So the
index holds what the week's tally (`sim.model.phases.tally`) reads per
client and per household, and no weekly pass runs over every person.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from sim.config import HOUSEHOLD_TYPES, STATUSES
from sim.model.build.population import Population

WEEKS_PER_MONTH = 52.0 / 12.0


class GroupIndex:
    """Maps people to the groups present in the population, with what the weekly counts need."""

    def __init__(self, pop: Population, clients: np.ndarray, n_regions: int) -> None:
        hh_type = pop.hh_type[pop.household].astype(np.int64)
        code = (pop.status.astype(np.int64) * len(HOUSEHOLD_TYPES) + hh_type) * 2 + pop.hearing_need
        present = np.flatnonzero(np.bincount(code))
        lookup = np.zeros(int(present[-1]) + 1 if len(present) else 1, dtype=np.int64)
        lookup[present] = np.arange(len(present))
        self.of_person = lookup[code]
        self.n = len(present)
        self.status = [STATUSES[c // 2 // len(HOUSEHOLD_TYPES)] for c in present]
        self.household_type = [HOUSEHOLD_TYPES[c // 2 % len(HOUSEHOLD_TYPES)] for c in present]
        self.interpreter = [bool(c % 2) for c in present]
        self.labels = [
            f"{s}.{t}" + (".interpreter" if i else "")
            for s, t, i in zip(self.status, self.household_type, self.interpreter, strict=True)
        ]
        self.weight = pop.weight[pop.household]
        self.of_household = self.of_person[pop.decider]
        self.household_weight = pop.weight
        self.people = np.bincount(self.of_person, weights=self.weight, minlength=self.n)
        self.agents = np.bincount(self.of_person, minlength=self.n)
        self.clients = clients
        self.of_client = self.of_person[clients]
        self.client_weight = self.weight[clients]
        self.client_eligible = pop.eligible_ever[clients]
        self.client_eligible_week = pop.eligible_week[clients]
        self.client_weekly_amount = pop.monthly_amount[clients] / WEEKS_PER_MONTH
        # weighted members of each group in each household (by household, groups in order), so a mean over people
        # reads each household's values once, in memory order
        self.members = sp.csr_matrix((self.weight, (pop.household, self.of_person)), shape=(pop.n_households, self.n))
        self.members.sum_duplicates()
        # region x household type of each person: the cells of the weekly table by region
        self.n_regions = n_regions
        self.n_region_cells = n_regions * len(HOUSEHOLD_TYPES)
        self.region_cell = pop.region[pop.household].astype(np.int64) * len(HOUSEHOLD_TYPES) + hh_type
        self.client_region_cell = self.region_cell[clients]
