"""The week's tally: this week's outcomes by group (and by region cell), weighted, with the agents behind them.

Counts are weighted by the household's sampling weight (people represented)
and every group also carries the agents behind it. They are sums over group
codes (`sim.model.build.groups.GroupIndex`) in compiled passes over the
clients, the week's appointments and the households (the same sums, in the
same order, as numpy's `bincount` and scipy's sparse product), never by
scanning agents in Python. The engine records them after the last phase of
each week; the tables and metrics built from them are in `sim.results`.

Names say what they measure. Benefit contacts (every need but SSN-card
services, which are not a benefit) are counted apart from the total.
`encounters` are encounters at the agency only; community arrests and
clinic encounters have their own columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numba
import numpy as np

from sim.config import NEEDS
from sim.model.data.state import APPLICATION, OUTCOME_ATTENDED, OUTCOME_MISSED, OUTCOME_NONE, OUTCOME_REMOTE, SSN

if TYPE_CHECKING:
    from sim.model.build.groups import GroupIndex
    from sim.model.build.world import World

# Counts over the week's appointments, by group (`_due_counts`): these columns, then missed by need.
DUE_COLUMNS = (
    "due",
    "remote",
    "attended",
    "missed",
    "benefit_due",
    "benefit_remote",
    "benefit_attended",
    "benefit_missed",
    "applications_due",
    "applications_made",
    "requests",
    "disclosures",
    "encounters",
    "ssn_dropped",
)
N_DUE = len(DUE_COLUMNS)


# Weekly sums over clients, appointments and households run in this many fixed slices side by side, each in order,
# then the slices' sums are added in order: the same numbers on any number of threads.
SLICES = 16


@numba.njit(cache=True)
def _add_slices(parts):  # noqa: ANN001, ANN202
    total = parts[0].copy()
    for part in range(1, parts.shape[0]):
        total += parts[part]
    return total


@numba.njit(cache=True, parallel=True)
def _members_sums(indptr, indices, data, a, b, c, n_groups):  # noqa: ANN001, ANN202
    """[groups, 3]: sums over each group's weighted members of their household's a, b, c.

    `indptr`, `indices`, `data`: the members matrix by household (CSR: groups of each household, with weights).
    Summed in `SLICES` fixed slices of the households, each in order, the slices added in order.
    """
    n, s = len(indptr) - 1, SLICES
    totals = np.zeros((s, n_groups, 3))
    for part in numba.prange(s):
        for household in range(part * n // s, (part + 1) * n // s):
            va, vb, vc = a[household], b[household], c[household]
            for j in range(indptr[household], indptr[household + 1]):
                group, weight = indices[j], data[j]
                totals[part, group, 0] += weight * va
                totals[part, group, 1] += weight * vb
                totals[part, group, 2] += weight * vc
    return _add_slices(totals)


def member_means(g: GroupIndex, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Weighted means over each group's people of their household's values `a`, `b`, `c` in [0, 1]: [groups, 3].

    One pass over the members; clipped, since a weighted mean of ones can exceed 1 by a rounding error.
    """
    m = g.members
    totals = _members_sums(m.indptr, m.indices, m.data, a, b, c, g.n)
    return np.clip(totals / g.people[:, None], 0.0, 1.0)


@numba.njit(cache=True, parallel=True)
def _client_cells(
    clients,
    receiving,
    suspended,
    eligible_ever,
    eligible_week,
    week,
    group,
    region_cell,
    weight,
    weekly_amount,
    n_groups,
    n_cells,
):  # noqa: ANN001, ANN202
    """One pass over the clients: per group x (receiving, eligible now) weighted people, agents and weekly dollars,
    and weighted people suspended; per region cell x (receiving, eligible now) weighted people and agents.

    Each of `SLICES` fixed slices of the clients is summed by one thread in client order, and the slices
    are added in order, so the result does not depend on the threads."""
    n, s = len(clients), SLICES
    people = np.zeros((s, n_groups, 4))
    agents = np.zeros((s, n_groups, 4), dtype=np.int64)
    usd = np.zeros((s, n_groups, 4))
    people_suspended = np.zeros((s, n_groups))
    cell_people = np.zeros((s, n_cells, 4))
    cell_agents = np.zeros((s, n_cells, 4), dtype=np.int64)
    for part in numba.prange(s):
        for k in range(part * n // s, (part + 1) * n // s):
            state = receiving[clients[k]] + 2 * (eligible_ever[k] and eligible_week[k] <= week)
            g, c, wk = group[k], region_cell[k], weight[k]
            people[part, g, state] += wk
            agents[part, g, state] += 1
            usd[part, g, state] += weekly_amount[k] * wk
            if suspended[clients[k]]:
                people_suspended[part, g] += wk
            cell_people[part, c, state] += wk
            cell_agents[part, c, state] += 1
    return (
        _add_slices(people),
        _add_slices(agents),
        _add_slices(usd),
        _add_slices(people_suspended),
        _add_slices(cell_people),
        _add_slices(cell_agents),
    )


REGION_DUE_COLUMNS = ("due", "attended", "remote", "missed", "benefit_due", "benefit_missed")


@numba.njit(cache=True, parallel=True)
def _due_counts(due, outcome, need, flags, group, region_cell, weight, n_groups, n_cells, n_needs):  # noqa: ANN001, ANN202
    """One pass over the week's appointments: weighted counts by group (DUE_COLUMNS, then missed by need) and by
    region cell (REGION_DUE_COLUMNS). `flags`: each person's requested, disclosed, encounter, SSN dropped.

    Summed in `SLICES` fixed slices of the appointments, each in order, the slices added in order."""
    requested, disclosed, encounter, ssn_dropped = flags
    n, s = len(due), SLICES
    by_group = np.zeros((s, n_groups, N_DUE + n_needs))
    by_cell = np.zeros((s, n_cells, len(REGION_DUE_COLUMNS)))
    for part in numba.prange(s):
        for k in range(part * n // s, (part + 1) * n // s):
            i = due[k]
            o, w, gi, ci = outcome[i], weight[i], group[i], region_cell[i]
            remote, attended, missed = o == OUTCOME_REMOTE, o == OUTCOME_ATTENDED, o == OUTCOME_MISSED
            benefit, application = need[i] != SSN, need[i] == APPLICATION
            marks = (
                o != OUTCOME_NONE,
                remote,
                attended,
                missed,
                benefit,
                benefit and remote,
                benefit and attended,
                benefit and missed,
                application,
                application and (attended or remote),
                requested[i],
                disclosed[i],
                encounter[i],
                ssn_dropped[i],
            )
            for j in range(N_DUE):
                if marks[j]:
                    by_group[part, gi, j] += w
            if missed:
                by_group[part, gi, N_DUE + need[i]] += w
            region_marks = (marks[0], attended, remote, missed, benefit, benefit and missed)
            for j in range(len(REGION_DUE_COLUMNS)):
                if region_marks[j]:
                    by_cell[part, ci, j] += w
    return _add_slices(by_group), _add_slices(by_cell)


def weekly_outcomes(m: World) -> dict[str, np.ndarray]:
    """This week's outcomes, one array over groups per outcome (and, under `by_region`, over region cells)."""
    g, p, h = m.groups, m.people, m.households
    c = g.clients
    people, agents, usd, suspended, cell_people, cell_agents = _client_cells(
        c,
        p.receiving,
        p.suspended,
        g.client_eligible,
        g.client_eligible_week,
        m.week,
        g.of_client,
        g.client_region_cell,
        g.client_weight,
        g.client_weekly_amount,
        g.n,
        g.n_region_cells,
    )
    flags = (p.requested, p.disclosed, p.encounter, p.ssn_dropped)
    by_group, by_cell = _due_counts(
        m.work.due, p.outcome, p.need, flags, g.of_person, g.region_cell, g.weight, g.n, g.n_region_cells, len(NEEDS)
    )

    def people_by_group(ids: np.ndarray) -> np.ndarray:
        return np.bincount(g.of_person[ids], weights=g.weight[ids], minlength=g.n)

    clinic = np.sort(m.work.clinic)  # the households with a clinic need this week, in order
    clinic_group, clinic_weight = g.of_household[clinic], g.household_weight[clinic]

    def clinic_by_group(mask: np.ndarray) -> np.ndarray:
        return np.bincount(clinic_group[mask], weights=clinic_weight[mask], minlength=g.n)

    means = member_means(g, h.disclosure, h.activity, h.trust)
    return {
        "people": g.people.copy(),
        "eligible": people[:, 2] + people[:, 3],
        "receiving": people[:, 1] + people[:, 3],
        "suspended": suspended,
        **{name: by_group[:, j] for j, name in enumerate(DUE_COLUMNS)},
        "arrests": people_by_group(m.work.arrested),
        "clinic_needs": clinic_by_group(np.ones(len(clinic), dtype=bool)),
        "clinic_visits": clinic_by_group(h.clinic_visit[clinic]),
        "clinic_encounters": clinic_by_group(h.clinic_encounter[clinic]),
        **{f"missed_{name}": by_group[:, N_DUE + k] for k, name in enumerate(NEEDS)},
        "agents": g.agents.copy(),
        "eligible_agents": agents[:, 2] + agents[:, 3],
        "paid_usd": usd[:, 1] + usd[:, 3],
        "forgone_usd": usd[:, 2],
        "perceived_disclosure_mean": means[:, 0],
        "perceived_activity_mean": means[:, 1],
        "trust_mean": means[:, 2],
        "by_region": {
            "eligible": cell_people[:, 2] + cell_people[:, 3],
            "receiving": cell_people[:, 1] + cell_people[:, 3],
            "eligible_agents": cell_agents[:, 2] + cell_agents[:, 3],
            **{name: by_cell[:, j] for j, name in enumerate(REGION_DUE_COLUMNS)},
        },
    }
