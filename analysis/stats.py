"""Statistics over a sweep's tidy table: uptake series, paired losses, means with 95% intervals."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from sim.outputs import SCENARIO
from sim.paths import BASELINE

SEGMENTS: dict[str, Callable[[pd.DataFrame], pd.Series]] = {
    "All eligible people": lambda df: pd.Series(True, index=df.index),
    "Citizen-only households": lambda df: df["household_type"] == "citizen_only",
    "Citizens in mixed-status families": lambda df: (
        (df["household_type"] == "mixed_status") & (df["status"] == "citizen")
    ),
    "Noncitizens in mixed-status families": lambda df: (
        (df["household_type"] == "mixed_status") & (df["status"] != "citizen")
    ),
    "Lawful noncitizen families": lambda df: df["household_type"] == "lawful_noncitizen",
    "Visa-holder families": lambda df: df["household_type"] == "visa_holder",
    "People needing an interpreter": lambda df: df["interpreter"].astype(bool),
    "All noncitizens": lambda df: df["status"] != "citizen",
    "Immigrant families": lambda df: df["household_type"] != "citizen_only",
}


def mean_ci(df: pd.DataFrame, by: Sequence[str], value: str, level: float = 0.95) -> pd.DataFrame:
    """Mean of `value` across runs within `by`, with a t-interval (lo, hi) and n."""
    grouped = df.groupby(list(by), dropna=False)[value]
    out = grouped.agg(mean="mean", sd="std", n="count").reset_index()
    half = stats.t.ppf(0.5 + level / 2, np.maximum(out["n"] - 1, 1)) * out["sd"] / np.sqrt(out["n"])
    half = half.where(out["n"] > 1, 0.0).fillna(0.0)
    out["lo"], out["hi"] = out["mean"] - half, out["mean"] + half
    return out.drop(columns="sd")


def uptake(table: pd.DataFrame, keys: Sequence[str], segment: str = "All eligible people") -> pd.DataFrame:
    """Uptake (receiving / eligible) per `keys` (e.g. run, arm, week) within a segment of people."""
    rows = table[SEGMENTS[segment](table)]
    sums = rows.groupby(list(keys), dropna=False)[["receiving", "eligible"]].sum().reset_index()
    sums["uptake"] = sums["receiving"] / sums["eligible"].where(sums["eligible"] > 0)
    return sums


def paired_loss(table: pd.DataFrame, keys: Sequence[str], segment: str = "All eligible people") -> pd.DataFrame:
    """Uptake loss against the paired firewall arm (same run, same seed): firewall minus scenario."""
    if not (table["arm"] == BASELINE).any():
        raise ValueError(f"the table has no {BASELINE} arm: run the sweep with paired=true")
    keys = [k for k in keys if k != "arm"]
    up = uptake(table, [*keys, "arm"], segment)
    wide = up.pivot_table(index=keys, columns="arm", values="uptake", dropna=False).reset_index()
    wide = wide.reindex(columns=[*keys, BASELINE, SCENARIO])
    wide["loss"] = wide[BASELINE] - wide[SCENARIO]
    return wide
