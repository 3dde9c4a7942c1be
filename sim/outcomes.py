"""Weekly outcomes by group and per-run metrics.

A group is status x household type x interpreter need; labels read
`status.household_type` with `.interpreter` appended for people who need a
sign-language interpreter. Weekly outcomes are computed in one vectorized
pass (bincount over group codes), never by scanning agents in Python.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from sim.behavior import perceived_risk
from sim.config import HOUSEHOLD_TYPES, STATUSES
from sim.population import CITIZEN, MIXED_STATUS, Population
from sim.state import OUTCOME_ATTENDED, OUTCOME_MISSED, OUTCOME_NONE, OUTCOME_REMOTE

if TYPE_CHECKING:
    from sim.state import World

WEEKS_PER_MONTH = 52.0 / 12.0
COUNT_COLUMNS = (
    "people",
    "eligible",
    "receiving",
    "suspended",
    "due",
    "remote",
    "attended",
    "missed",
    "requests",
    "disclosures",
    "encounters",
    "ssn_dropped",
    "clinic_needs",
    "clinic_visits",
    "clinic_encounters",
)
FLOAT_COLUMNS = ("paid_usd", "forgone_usd", "risk_mean", "trust_mean")


class GroupIndex:
    """Maps people to the groups present in the population, with what the weekly counts need.

    Only the clients (people who can ever have business with the agency) can
    be eligible, receive, be suspended or have appointments; everyone else
    contributes only static counts. So weekly counts run over the clients and
    the week's appointments, and household means over each household's
    members by group: no weekly pass over every person.
    """

    def __init__(self, pop: Population, clients: np.ndarray | None = None) -> None:
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
        self.of_household = self.of_person[pop.decider]
        self.people = np.bincount(self.of_person, minlength=self.n)
        if clients is None:
            clients = np.flatnonzero(pop.eligible_ever | pop.needs_ssn)
        self.clients = clients
        self.of_client = self.of_person[clients]
        self.client_eligible = pop.eligible_ever[clients]
        self.client_eligible_week = pop.eligible_week[clients]
        self.client_weekly_amount = pop.monthly_amount[clients] / WEEKS_PER_MONTH
        # members of each group in each household, by household (CSC), so a mean over people reads the
        # household values once, in order
        ones = np.ones(pop.n_people)
        self.members = sp.csc_matrix((ones, (self.of_person, pop.household)), shape=(self.n, pop.n_households))
        self.members.sum_duplicates()

    def member_total(self, household_values: np.ndarray) -> np.ndarray:
        """Sum over people of their household's value, by group."""
        return self.members @ household_values


def weekly_outcomes(m: World) -> dict[str, np.ndarray]:
    """This week's outcomes, one array over groups per outcome."""
    g, p, h = m.groups, m.people, m.households
    c = g.clients
    # one cell per group x (receiving, eligible): counts and dollars in two passes over the clients
    receiving = p.receiving[c]
    eligible = g.client_eligible & (g.client_eligible_week <= m.week)
    cell = g.of_client * 4 + receiving + 2 * eligible
    people = np.bincount(cell, minlength=4 * g.n).reshape(g.n, 4)
    usd = np.bincount(cell, weights=g.client_weekly_amount, minlength=4 * g.n).reshape(g.n, 4)
    outcome = p.outcome[c]
    sel = np.flatnonzero(outcome != OUTCOME_NONE)
    due, outcome, group = c[sel], outcome[sel], g.of_client[sel]

    def by_group(mask: np.ndarray) -> np.ndarray:
        return np.bincount(group[mask], minlength=g.n)

    clinic = np.flatnonzero(h.clinic_need)
    clinic_group = g.of_household[clinic]
    return {
        "people": g.people.copy(),
        "eligible": people[:, 2] + people[:, 3],
        "receiving": people[:, 1] + people[:, 3],
        "suspended": np.bincount(g.of_client[p.suspended[c]], minlength=g.n),
        "due": np.bincount(group, minlength=g.n),
        "remote": by_group(outcome == OUTCOME_REMOTE),
        "attended": by_group(outcome == OUTCOME_ATTENDED),
        "missed": by_group(outcome == OUTCOME_MISSED),
        "requests": by_group(p.requested[due]),
        "disclosures": by_group(p.disclosed[due]),
        "encounters": by_group(p.encounter[due]),
        "ssn_dropped": by_group(p.ssn_dropped[due]),
        "clinic_needs": np.bincount(clinic_group, minlength=g.n),
        "clinic_visits": np.bincount(clinic_group[h.clinic_visit[clinic]], minlength=g.n),
        "clinic_encounters": np.bincount(clinic_group[h.clinic_encounter[clinic]], minlength=g.n),
        "paid_usd": usd[:, 1] + usd[:, 3],
        "forgone_usd": usd[:, 2],
        "risk_mean": g.member_total(perceived_risk(h.alpha, h.beta)) / g.people,
        "trust_mean": g.member_total(h.trust) / g.people,
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
    for col in COUNT_COLUMNS:
        frame[col] = np.concatenate([r[col] for r in rows]).astype(np.int64) if rows else np.array([], np.int64)
    for col in FLOAT_COLUMNS:
        frame[col] = np.concatenate([r[col] for r in rows]).astype(np.float64) if rows else np.array([])
    df = pd.DataFrame(frame)
    for col in ("group", "status", "household_type"):
        df[col] = df[col].astype(str)
    return df


def _uptake(df: pd.DataFrame) -> pd.Series:
    """Overall uptake per week: receiving over eligible."""
    weekly = df.groupby("week")[["receiving", "eligible"]].sum()
    return weekly["receiving"] / weekly["eligible"].where(weekly["eligible"] > 0)


def uptake_by(df: pd.DataFrame, column: str, week: int) -> dict[str, float]:
    """Uptake in `week`, by the values of `column` (groups without eligible people are left out)."""
    last = df[df["week"] == week].groupby(column)[["receiving", "eligible"]].sum()
    last = last[last["eligible"] > 0]
    return {str(k): float(v) for k, v in (last["receiving"] / last["eligible"]).items()}


def citizen_children_without_benefit(m: Any) -> int:
    """Eligible US-citizen children in mixed-status households not receiving at the end."""
    pop, p = m.pop, m.people
    mixed = pop.hh_type[pop.household] == MIXED_STATUS
    eligible = pop.eligible_ever & (pop.eligible_week <= m.week - 1)
    mask = pop.is_child & (pop.status == CITIZEN) & mixed & eligible & ~p.receiving
    return int(mask.sum())


def run_metrics(df: pd.DataFrame, children_lost: int) -> dict[str, Any]:
    """Headline metrics of one run."""
    uptake = _uptake(df)
    last = int(df["week"].max())
    eligible_mean = float(df.groupby("week")["eligible"].sum().mean())
    forgone = float(df["forgone_usd"].sum())
    encounters = int(df["encounters"].sum() + df["clinic_encounters"].sum())
    return {
        "uptake_final": float(uptake.iloc[-1]),
        "uptake_mean": float(uptake.mean()),
        "appointments_due": int(df["due"].sum()),
        "appointments_attended": int(df["attended"].sum()),
        "appointments_remote": int(df["remote"].sum()),
        "appointments_missed": int(df["missed"].sum()),
        "requests": int(df["requests"].sum()),
        "disclosures": int(df["disclosures"].sum()),
        "encounters": encounters,
        "encounters_ssa": int(df["encounters"].sum()),
        "clinic_visits": int(df["clinic_visits"].sum()),
        "benefits_paid_usd": float(df["paid_usd"].sum()),
        "benefits_forgone_usd": forgone,
        "forgone_usd_per_1000_eligible": 1000.0 * forgone / eligible_mean if eligible_mean else 0.0,
        "citizen_children_without_benefit": children_lost,
        "uptake_final_by_group": uptake_by(df, "group", last),
        "uptake_final_by_household_type": uptake_by(df, "household_type", last),
    }


def recovery_half_life(loss: pd.Series, injunction_week: int) -> float | None:
    """Weeks after the injunction until the uptake loss first falls to half its level then."""
    if injunction_week < 0 or injunction_week not in loss.index:
        return None
    start = float(loss.loc[injunction_week])
    if start <= 0:
        return None
    after = loss.loc[injunction_week:]
    below = after[after <= start / 2.0]
    return float(below.index[0] - injunction_week) if len(below) else None


def paired_metrics(
    df: pd.DataFrame, base: pd.DataFrame, children_lost: int, base_children_lost: int, injunction_week: int
) -> dict[str, Any]:
    """Metrics against the paired baseline run (same seed, `firewall`)."""
    loss = _uptake(base) - _uptake(df)
    last = int(df["week"].max())
    eligible_mean = float(df.groupby("week")["eligible"].sum().mean())
    extra_forgone = float(df["forgone_usd"].sum() - base["forgone_usd"].sum())
    deterred = int(base["attended"].sum() - df["attended"].sum())
    encounters = int(df["encounters"].sum() + df["clinic_encounters"].sum())
    by_group = uptake_by(df, "group", last)
    base_by_group = uptake_by(base, "group", last)
    return {
        "uptake_loss_final": float(loss.iloc[-1]),
        "uptake_loss_mean": float(loss.mean()),
        "uptake_loss_final_by_group": {k: base_by_group[k] - v for k, v in by_group.items() if k in base_by_group},
        "extra_forgone_usd": extra_forgone,
        "extra_forgone_usd_per_1000_eligible": 1000.0 * extra_forgone / eligible_mean if eligible_mean else 0.0,
        "visits_deterred": deterred,
        "chilling_ratio": deterred / encounters if encounters else None,
        "citizen_children_lost_benefit": children_lost - base_children_lost,
        "recovery_half_life_weeks": recovery_half_life(loss, injunction_week),
    }
