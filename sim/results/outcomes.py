"""The weekly outcome tables of a run, as pandas frames, and the uptake read from them.

The weekly tally (`sim.model.phases.tally.weekly_outcomes`) gives one array
over groups per outcome each week; the model's DataCollector keeps them, and
`timeseries_frame` and `region_frame` lay them out long-form (week x group,
week x region x household type). A group is status x household type x
interpreter need (`sim.model.build.groups`). The population oversamples
immigrant households, so every count is weighted by the household's
sampling weight (people represented) and every row also carries the agents
behind it; a group with fewer than `MIN_AGENTS` eligible agents is flagged,
never reported as a finding.

"Uptake" is the share of eligible people receiving: retention of a benefit
already held. The take-up of new applications is reported apart
(`sim.results.metrics`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.config import HOUSEHOLD_TYPES, NEEDS
from sim.model.phases.tally import DUE_COLUMNS

MIN_AGENTS = 50  # eligible agents below which a group's figures are flagged as too few to mean anything
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
