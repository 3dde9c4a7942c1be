"""Weekly outcomes by group and per-run metrics, weighted, with the agents behind them.

A group is status x household type x interpreter need; labels read
`status.household_type` with `.interpreter` appended for people who need a
sign-language interpreter. The population oversamples immigrant households,
so every count is weighted by the household's sampling weight (people
represented) and every row also carries the agents behind it; a group with
fewer than `MIN_AGENTS` eligible agents is flagged, never reported as a
finding. Weekly outcomes are sums over group codes in compiled passes over
the clients and the households (the same sums, in the same order, as numpy's
`bincount` and scipy's sparse product), never by scanning agents in Python.

Names say what they measure. "Uptake" is the share of eligible people
receiving: retention of a benefit already held. The take-up of new
applications is reported apart. Benefit contacts (every need but SSN-card
services, which are not a benefit) are counted apart from the total.
`encounters` are encounters at the agency only; community arrests and
clinic encounters have their own columns. Losses are in percentage points.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numba
import numpy as np
import pandas as pd
import scipy.sparse as sp

from sim.config import HOUSEHOLD_TYPES, NEEDS, STATUSES
from sim.model.build.population import CITIZEN, MIXED_STATUS, Population
from sim.model.data.state import OUTCOME_ATTENDED, OUTCOME_MISSED, OUTCOME_NONE, OUTCOME_REMOTE
from sim.results.intervals import welch_half_width

if TYPE_CHECKING:
    from sim.model.data.state import World

WEEKS_PER_MONTH = 52.0 / 12.0
MIN_AGENTS = 50  # eligible agents below which a group's figures are flagged as too few to mean anything
SSN, APPLICATION = NEEDS.index("ssn"), NEEDS.index("application")
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
# Weighted counts (people represented), by week and group.
COUNT_COLUMNS = (
    "people",
    "eligible",
    "receiving",
    "suspended",
    *DUE_COLUMNS,
    "arrests",
    "clinic_needs",
    "clinic_visits",
    "clinic_encounters",
    *(f"missed_{need}" for need in NEEDS),  # missed appointments by appointment type
)
# The weekly table by region x household type (`region_frame`): weighted counts, and the agents behind them.
REGION_COUNT_COLUMNS = ("eligible", "receiving", "due", "attended", "remote", "missed", "benefit_due", "benefit_missed")
AGENT_COLUMNS = ("agents", "eligible_agents")  # unweighted: the agents behind each row
FLOAT_COLUMNS = ("paid_usd", "forgone_usd", "perceived_disclosure_mean", "perceived_activity_mean", "trust_mean")


class GroupIndex:
    """Maps people to the groups present in the population, with what the weekly counts need.

    Only the clients (people who can ever have business with the agency) can
    be eligible, receive, be suspended or have appointments; everyone else
    contributes only static counts. So weekly counts run over the clients and
    the week's appointments, and household means over each household's
    members by group: no weekly pass over every person.
    """

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

    def member_means(self, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
        """Weighted means over each group's people of their household's values `a`, `b`, `c` in [0, 1]: [groups, 3].

        One pass over the members; clipped, since a weighted mean of ones can exceed 1 by a rounding error.
        """
        m = self.members
        totals = _members_sums(m.indptr, m.indices, m.data, a, b, c, self.n)
        return np.clip(totals / self.people[:, None], 0.0, 1.0)


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

    means = g.member_means(h.disclosure, h.activity, h.trust)
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


def timeseries_frame(m: Any) -> pd.DataFrame:
    """Long-form weekly table (week x group) from the model's DataCollector."""
    rows = m.datacollector.model_vars["outcomes"]
    g = m.groups
    n_weeks = len(rows)
    frame = {
        "week": np.repeat(np.arange(n_weeks, dtype=np.int32), g.n),
        "group": np.tile(np.array(g.labels, dtype=object), n_weeks),
        "status": np.tile(np.array(g.status, dtype=object), n_weeks),
        "household_type": np.tile(np.array(g.household_type, dtype=object), n_weeks),
        "interpreter": np.tile(np.array(g.interpreter), n_weeks),
    }
    for col in AGENT_COLUMNS:
        frame[col] = np.concatenate([r[col] for r in rows]).astype(np.int64) if rows else np.array([], np.int64)
    for col in (*COUNT_COLUMNS, *FLOAT_COLUMNS):
        frame[col] = np.concatenate([r[col] for r in rows]).astype(np.float64) if rows else np.array([])
    df = pd.DataFrame(frame)
    for col in ("group", "status", "household_type"):
        df[col] = df[col].astype(str)
    return df


def region_frame(m: Any) -> pd.DataFrame:
    """Long-form weekly table by week x region x household type (weighted counts; eligible agents behind each row)."""
    rows = [r["by_region"] for r in m.datacollector.model_vars["outcomes"]]
    g = m.groups
    n_types = len(HOUSEHOLD_TYPES)
    n_weeks = len(rows)
    frame: dict[str, np.ndarray] = {
        "week": np.repeat(np.arange(n_weeks, dtype=np.int32), g.n_region_cells),
        "region": np.tile(np.repeat(np.arange(g.n_regions, dtype=np.int32), n_types), n_weeks),
        "household_type": np.tile(np.array(HOUSEHOLD_TYPES * g.n_regions, dtype=object), n_weeks),
    }
    for col in REGION_COUNT_COLUMNS:
        frame[col] = np.concatenate([r[col] for r in rows]).astype(np.float64) if rows else np.array([])
    frame["eligible_agents"] = (
        np.concatenate([r["eligible_agents"] for r in rows]).astype(np.int64) if rows else np.array([], np.int64)
    )
    df = pd.DataFrame(frame)
    df["household_type"] = df["household_type"].astype(str)
    return df


def uptake_series(df: pd.DataFrame) -> pd.Series:
    """Uptake (retention) per week: weighted receiving over weighted eligible."""
    weekly = df.groupby("week")[["receiving", "eligible"]].sum()
    return weekly["receiving"] / weekly["eligible"].where(weekly["eligible"] > 0)


def uptake_by(df: pd.DataFrame, column: str, week: int) -> dict[str, float]:
    """Uptake in `week`, by the values of `column` (groups without eligible people are left out)."""
    last = df[df["week"] == week].groupby(column)[["receiving", "eligible"]].sum()
    last = last[last["eligible"] > 0]
    return {str(k): float(v) for k, v in (last["receiving"] / last["eligible"]).items()}


def eligible_agents_by(df: pd.DataFrame, column: str, week: int) -> dict[str, int]:
    """Eligible agents behind each value of `column` in `week`."""
    counts = df[df["week"] == week].groupby(column)["eligible_agents"].sum()
    return {str(k): int(v) for k, v in counts.items()}


def small_groups(df: pd.DataFrame, column: str = "group") -> list[str]:
    """Groups with fewer than `MIN_AGENTS` eligible agents in the last week: flagged, never a finding."""
    counts = eligible_agents_by(df, column, int(df["week"].max()))
    return sorted(k for k, v in counts.items() if v < MIN_AGENTS)


def citizen_children_without_benefit(m: Any) -> float:
    """Eligible US-citizen children in mixed-status households not receiving at the end (weighted)."""
    pop, p = m.pop, m.people
    mixed = pop.hh_type[pop.household] == MIXED_STATUS
    eligible = pop.eligible_ever & (pop.eligible_week <= m.week - 1)
    mask = pop.is_child & (pop.status == CITIZEN) & mixed & eligible & ~p.receiving
    return float(pop.weight[pop.household[mask]].sum())


def _take_up(df: pd.DataFrame) -> float | None:
    due = float(df["applications_due"].sum())
    return float(df["applications_made"].sum()) / due if due > 0 else None


def _uptake_by_region(regions: pd.DataFrame) -> dict[str, float]:
    """Final-week uptake by region (share), regions without eligible people left out."""
    return uptake_by(regions.assign(region=regions["region"].astype(str)), "region", int(regions["week"].max()))


def run_metrics(df: pd.DataFrame, children_lost: float, regions: pd.DataFrame | None = None) -> dict[str, Any]:
    """Headline metrics of one run (weighted counts, rounded to whole people represented; uptake as a share)."""
    uptake = uptake_series(df)
    last = int(df["week"].max())
    eligible_mean = float(df.groupby("week")["eligible"].sum().mean())
    forgone = float(df["forgone_usd"].sum())

    def total(col: str) -> int:
        return int(round(float(df[col].sum())))

    return {
        "uptake_final": float(uptake.iloc[-1]),
        "uptake_mean": float(uptake.mean()),
        "take_up_applications": _take_up(df),
        "appointments_due": total("due"),
        "appointments_attended": total("attended"),
        "appointments_remote": total("remote"),
        "appointments_missed": total("missed"),
        "appointments_missed_by_need": {need: total(f"missed_{need}") for need in NEEDS},
        "benefit_appointments_due": total("benefit_due"),
        "benefit_appointments_attended": total("benefit_attended"),
        "benefit_appointments_missed": total("benefit_missed"),
        "requests": total("requests"),
        "disclosures": total("disclosures"),
        "encounters": total("encounters"),
        "arrests": total("arrests"),
        "clinic_encounters": total("clinic_encounters"),
        "clinic_visits": total("clinic_visits"),
        "benefits_paid_usd": float(df["paid_usd"].sum()),
        "benefits_forgone_usd": forgone,
        "forgone_usd_per_1000_eligible": 1000.0 * forgone / eligible_mean if eligible_mean else 0.0,
        "citizen_children_without_benefit": int(round(children_lost)),
        "uptake_final_by_group": uptake_by(df, "group", last),
        "uptake_final_by_household_type": uptake_by(df, "household_type", last),
        "eligible_by_group": eligible_agents_by(df, "group", last),
        "eligible_by_household_type": eligible_agents_by(df, "household_type", last),
        "small_groups": small_groups(df),
        "small_group_threshold_agents": MIN_AGENTS,
        **(_region_metrics(regions) if regions is not None else {}),
    }


def _region_metrics(regions: pd.DataFrame) -> dict[str, Any]:
    last = regions[regions["week"] == regions["week"].max()]
    agents = last.groupby("region")["eligible_agents"].sum()
    return {
        "uptake_final_by_region": _uptake_by_region(regions),
        "eligible_by_region": {str(k): int(v) for k, v in agents.items()},
    }


def coverage_gap(loss_by_region_pp: dict[str, float], covered: list[int], level: float = 0.95) -> dict[str, Any]:
    """Final-week loss in the regions a rule covers against the others, regions weighted equally (pp).

    The interval is Welch's t-interval of the difference of the two means
    across regions: it carries the spread between regions of one run, not
    the spread over seeds or parameters (None with fewer than two regions on
    a side).
    """
    covered_set = {int(r) for r in covered}
    inside = np.array([v for k, v in loss_by_region_pp.items() if int(k) in covered_set])
    outside = np.array([v for k, v in loss_by_region_pp.items() if int(k) not in covered_set])
    out: dict[str, Any] = {
        "covered_regions": sorted(int(r) for r in covered),
        "covered_loss_pp": float(inside.mean()) if len(inside) else None,
        "uncovered_loss_pp": float(outside.mean()) if len(outside) else None,
        "gap_pp": None,
        "gap_pp_ci": None,
        "interval": f"{level:.0%} Welch t-interval across regions (one run: between-region spread only)",
    }
    if len(inside) and len(outside):
        out["gap_pp"] = float(inside.mean() - outside.mean())
    welch = welch_half_width(inside, outside, level)
    if welch is not None:
        out["gap_pp_ci"] = [out["gap_pp"] - welch[1], out["gap_pp"] + welch[1]]
    return out


def _loss_by_region_pp(regions: pd.DataFrame, base_regions: pd.DataFrame) -> dict[str, float]:
    now, then = _uptake_by_region(regions), _uptake_by_region(base_regions)
    return {k: 100.0 * (then[k] - v) for k, v in now.items() if k in then}


def recovery(loss_pp: pd.Series, injunction_week: int) -> dict[str, Any]:
    """Recovery after an injunction, measured from the peak loss, not from the injunction week.

    The loss can go on rising after a court's order (conviction outlasts the
    news), so the peak is the largest loss at or after the injunction week;
    the half-life is the weeks from that peak until the loss first falls to
    half of it. A run that never gets there is reported as not recovered
    (`recovered: false`), never dropped.
    """
    out: dict[str, Any] = {"recovery_half_life_weeks": None, "recovered": None}
    if injunction_week < 0 or injunction_week > int(loss_pp.index.max()):
        return out
    after_court = loss_pp.loc[injunction_week:].dropna()
    if after_court.empty:  # nobody eligible: there is no loss to recover from
        return out
    peak_week = int(after_court.idxmax())
    peak = float(loss_pp.loc[peak_week])
    out.update(peak_loss_pp=peak, peak_loss_week=peak_week)
    if peak <= 0:
        return out
    after = after_court.loc[peak_week:]
    below = after[after <= peak / 2.0]
    out["recovered"] = bool(len(below))
    out["recovery_half_life_weeks"] = float(below.index[0] - peak_week) if len(below) else None
    return out


def paired_metrics(
    df: pd.DataFrame,
    base: pd.DataFrame,
    children_lost: float,
    base_children_lost: float,
    injunction_week: int,
    regions: pd.DataFrame | None = None,
    base_regions: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """Metrics against the paired firewall run (same seed); losses in percentage points."""
    loss_pp = 100.0 * (uptake_series(base) - uptake_series(df))
    last = int(df["week"].max())
    eligible_mean = float(df.groupby("week")["eligible"].sum().mean())
    extra_forgone = float(df["forgone_usd"].sum() - base["forgone_usd"].sum())
    deterred = float(base["benefit_attended"].sum() - df["benefit_attended"].sum())
    encounters = float(df["encounters"].sum())

    def loss_by(column: str) -> dict[str, float]:
        now, then = uptake_by(df, column, last), uptake_by(base, column, last)
        return {k: 100.0 * (then[k] - v) for k, v in now.items() if k in then}

    take_up, base_take_up = _take_up(df), _take_up(base)
    return {
        "uptake_loss_final_pp": float(loss_pp.iloc[-1]),
        "uptake_loss_mean_pp": float(loss_pp.mean()),
        "uptake_loss_final_by_group_pp": loss_by("group"),
        "uptake_loss_final_by_household_type_pp": loss_by("household_type"),
        **(
            {}
            if regions is None or base_regions is None
            else {"uptake_loss_final_by_region_pp": _loss_by_region_pp(regions, base_regions)}
        ),
        "extra_missed_by_need": {
            need: int(round(float(df[f"missed_{need}"].sum() - base[f"missed_{need}"].sum()))) for need in NEEDS
        },
        "take_up_loss_pp": None if take_up is None or base_take_up is None else 100.0 * (base_take_up - take_up),
        "extra_forgone_usd": extra_forgone,
        "extra_forgone_usd_per_1000_eligible": 1000.0 * extra_forgone / eligible_mean if eligible_mean else 0.0,
        "benefit_visits_deterred": int(round(deterred)),
        "chilling_ratio": deterred / encounters if encounters else None,
        "citizen_children_lost_benefit": int(round(children_lost - base_children_lost)),
        **recovery(loss_pp, injunction_week),
    }
