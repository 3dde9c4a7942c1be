"""Statistics over a sweep's tidy table: uptake series, paired losses (pp), means with 95% intervals, agents behind.

Segments are groups of people defined on the timeseries' keys (`status`, `household_type`, `interpreter`),
with the model's household types (`sim.config.HOUSEHOLD_TYPES`) and its citizen statuses (US-born `citizen`
and `naturalized`). Every count in the table is weighted (people represented); `eligible_agents` is the
number of agents behind it. A segment with fewer than `sim.outcomes.MIN_AGENTS` eligible agents is flagged
(`small`), never reported as a finding.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from sim.config import CITIZEN_STATUSES
from sim.outcomes import MIN_AGENTS
from sim.outputs import SCENARIO
from sim.paths import BASELINE_ARM

__all__ = ["MIN_AGENTS", "SEGMENTS", "agents_behind", "mean_ci", "paired_loss", "segment_rows", "uptake"]


def _citizen(df: pd.DataFrame) -> pd.Series:
    return df["status"].isin(CITIZEN_STATUSES)


def _household(kind: str) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda df: df["household_type"] == kind


SEGMENTS: dict[str, Callable[[pd.DataFrame], pd.Series]] = {
    "All eligible people": lambda df: pd.Series(True, index=df.index),
    "US-born households": _household("us_born"),
    "All-citizen immigrant households": _household("all_citizen_immigrant"),
    "Green card and citizen households": _household("green_card_citizen"),
    "Citizens in mixed-status households": lambda df: (df["household_type"] == "mixed_status") & _citizen(df),
    "Noncitizens in mixed-status households": lambda df: (df["household_type"] == "mixed_status") & ~_citizen(df),
    "Visa-holder households": _household("visa_holder"),
    "People needing an interpreter": lambda df: df["interpreter"].astype(bool),
    "All noncitizens": lambda df: ~_citizen(df),
    "Immigrant households": lambda df: df["household_type"] != "us_born",
}
# Names of the previous model's segments that still mean the same people.
ALIASES = {
    "Immigrant families": "Immigrant households",
    "Citizens in mixed-status families": "Citizens in mixed-status households",
    "Noncitizens in mixed-status families": "Noncitizens in mixed-status households",
    "Visa-holder families": "Visa-holder households",
}


def segment_rows(table: pd.DataFrame, segment: str) -> pd.DataFrame:
    """The rows of `table` in a segment of people (a key of `SEGMENTS`)."""
    name = ALIASES.get(segment, segment)
    if name not in SEGMENTS:
        raise KeyError(f"unknown segment {segment!r}; segments: {', '.join(SEGMENTS)}")
    return table[SEGMENTS[name](table)]


def mean_ci(df: pd.DataFrame, by: Sequence[str], value: str, level: float = 0.95) -> pd.DataFrame:
    """Mean of `value` across runs (seeds) within `by`, with the t-interval of the mean (lo, hi) and n."""
    grouped = df.groupby(list(by), dropna=False)[value]
    out = grouped.agg(mean="mean", sd="std", n="count").reset_index()
    half = stats.t.ppf(0.5 + level / 2, np.maximum(out["n"] - 1, 1)) * out["sd"] / np.sqrt(out["n"])
    half = half.where(out["n"] > 1, 0.0).fillna(0.0)
    out["lo"], out["hi"] = out["mean"] - half, out["mean"] + half
    return out.drop(columns="sd")


def uptake(table: pd.DataFrame, keys: Sequence[str], segment: str = "All eligible people") -> pd.DataFrame:
    """Uptake (weighted receiving / weighted eligible) per `keys` (e.g. run, arm, week) within a segment."""
    rows = segment_rows(table, segment)
    sums = rows.groupby(list(keys), dropna=False)[["receiving", "eligible"]].sum().reset_index()
    sums["uptake"] = sums["receiving"] / sums["eligible"].where(sums["eligible"] > 0)
    return sums


def paired_loss(table: pd.DataFrame, keys: Sequence[str], segment: str = "All eligible people") -> pd.DataFrame:
    """Uptake loss against the paired baseline arm (same run, same seed), in percentage points.

    `loss` = 100 x (uptake in the baseline arm - uptake in the scenario arm), per `keys`; the baseline arm
    runs the run's `baseline` regime, the firewall unless set.
    """
    if not (table["arm"] == BASELINE_ARM).any():
        raise ValueError(f"the table has no {BASELINE_ARM} arm: run the sweep with paired=true")
    keys = [k for k in keys if k != "arm"]
    up = uptake(table, [*keys, "arm"], segment)
    wide = up.pivot_table(index=keys, columns="arm", values="uptake", dropna=False).reset_index()
    wide = wide.reindex(columns=[*keys, BASELINE_ARM, SCENARIO]).dropna(subset=[BASELINE_ARM, SCENARIO], how="all")
    wide["loss"] = 100.0 * (wide[BASELINE_ARM] - wide[SCENARIO])
    return wide


def agents_behind(table: pd.DataFrame, by: Sequence[str], segment: str = "All eligible people") -> pd.DataFrame:
    """Eligible agents behind a segment in the last week, per `by`: the fewest over runs, and whether that is small.

    Counted in the scenario arm (the paired arm has the same people). `small` is True when some run has fewer
    than `MIN_AGENTS` eligible agents in the segment: its numbers are a flag, never a finding.
    """
    if "eligible_agents" not in table:
        raise ValueError("the table has no eligible_agents column: it was written by an older model; rerun the sweep")
    by = [k for k in by if k != "run"]
    last = table[(table["week"] == table["week"].max()) & (table["arm"] == SCENARIO)]
    rows = segment_rows(last, segment)
    runs = last[[*by, "run"]].drop_duplicates()  # runs where the segment is absent have 0 agents
    per_run = rows.groupby([*by, "run"], dropna=False)["eligible_agents"].sum().reset_index()
    per_run = runs.merge(per_run, on=[*by, "run"], how="left").fillna({"eligible_agents": 0})
    if by:
        out = per_run.groupby(by, dropna=False)["eligible_agents"].min().reset_index()
    else:
        out = pd.DataFrame({"eligible_agents": [per_run["eligible_agents"].min()]})
    out["eligible_agents"] = out["eligible_agents"].astype(int)
    out["small"] = out["eligible_agents"] < MIN_AGENTS
    return out
