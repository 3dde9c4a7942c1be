"""Statistics over a sweep's tidy table: uptake series, paired losses (pp), means with both intervals, agents behind.

Every interval in the figures, their CSVs, the headline table and `experiments.compare` comes from one
function, `mean_intervals`: the mean over runs (seeds) with

- `ci_lo`, `ci_hi`: the 95% confidence interval of that mean (t over seeds): how precisely the runs pin the
  mean down. It narrows as seeds are added.
- `pi_lo`, `pi_hi`: the 90% predictive interval, the 5th and 95th percentiles of the per-run outcomes: where
  one run's outcome falls. It does not narrow with more seeds. Under `behavior=posterior` each seed draws its
  own parameters, so it carries parameter uncertainty and chance; with behaviour at its defaults, chance only.

`interval_text` words a table's `interval` column so that it says which pair is which and what they carry.

Segments are groups of people defined on the timeseries' keys (`status`, `household_type`, `interpreter`),
with the model's household types (`sim.config.HOUSEHOLD_TYPES`) and its citizen statuses (US-born `citizen`
and `naturalized`). Every count in the table is weighted (people represented); `eligible_agents` is the
number of agents behind it. A segment with fewer than `sim.results.outcomes.MIN_AGENTS` eligible agents is flagged
(`small`), never reported as a finding.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from sim.config import CITIZEN_STATUSES
from sim.config.paths import BASELINE_ARM
from sim.results.intervals import t_half_width
from sim.results.outcomes import MIN_AGENTS
from sim.results.outputs import SCENARIO

__all__ = [
    "CI_LEVEL",
    "INTERVAL_COLUMNS",
    "MIN_AGENTS",
    "PI_LEVEL",
    "PI_PERCENTILES",
    "SEGMENTS",
    "agents_behind",
    "interval_text",
    "label_intervals",
    "mean_intervals",
    "paired_loss",
    "segment_rows",
    "spread_carries",
    "uptake",
]

CI_LEVEL = 0.95  # confidence interval of the mean over seeds (t)
PI_LEVEL = 0.90  # predictive interval: the 5th to the 95th percentile of the per-run outcomes
INTERVAL_COLUMNS = ("ci_lo", "ci_hi", "pi_lo", "pi_hi")
PI_PERCENTILES = (100 * (1 - PI_LEVEL) / 2, 100 * (1 + PI_LEVEL) / 2)  # 5th and 95th
CI_WORDS = f"ci_lo to ci_hi: {CI_LEVEL:.0%} CI of the mean over seeds (t; how precisely the runs pin down the mean)"
PI_WORDS = (
    f"pi_lo to pi_hi: {PI_LEVEL:.0%} predictive interval ({PI_PERCENTILES[0]:.0f}th to "
    f"{PI_PERCENTILES[1]:.0f}th percentile of the per-seed outcomes; where one run falls)"
)


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


def mean_intervals(
    df: pd.DataFrame, by: Sequence[str], value: str, ci_level: float = CI_LEVEL, pi_level: float = PI_LEVEL
) -> pd.DataFrame:
    """Mean of `value` over runs within `by`, with its confidence interval and the predictive interval, and n.

    Columns: `by`, `mean`, `ci_lo`, `ci_hi` (the `ci_level` t-interval of the mean over runs), `pi_lo`, `pi_hi`
    (the (1 - `pi_level`)/2 and (1 + `pi_level`)/2 quantiles of the runs' values, linear interpolation as
    numpy's default), `n` (runs with a value; missing values are left out). With one run there is no interval
    (NaN). With few runs the percentiles cannot reach beyond the runs, and the CI of the mean can be the wider
    of the two: below about 10 seeds read `n` before either. `by` may be empty: one row over all of `df`.
    """
    by = list(by)
    data = df[[*by, value]] if by else df[[value]].assign(_all=0)
    keys = by or ["_all"]
    grouped = data.groupby(keys, dropna=False)[value]
    out = grouped.agg(mean="mean", sd="std", n="count")
    out["pi_lo"] = grouped.quantile((1 - pi_level) / 2)
    out["pi_hi"] = grouped.quantile((1 + pi_level) / 2)
    out = out.reset_index()
    if not by:
        out = out.drop(columns="_all")
        if out.empty:  # no rows at all: one row that says so
            out = pd.DataFrame({"mean": [np.nan], "sd": [np.nan], "n": [0], "pi_lo": [np.nan], "pi_hi": [np.nan]})
    several = out["n"] > 1
    half = t_half_width(out["sd"], out["n"], ci_level)
    half = half.where(several)
    out["ci_lo"], out["ci_hi"] = out["mean"] - half, out["mean"] + half
    out[["pi_lo", "pi_hi"]] = out[["pi_lo", "pi_hi"]].where(several)
    out["n"] = out["n"].astype(int)
    return out[[*by, "mean", *INTERVAL_COLUMNS, "n"]]


def spread_carries(posterior: bool, transfer: bool = False) -> str:
    """What the spread over seeds carries, in words: what each seed draws besides its chance.

    `posterior`: each seed draws one particle of the calibrated posterior (`behavior.posterior_file`);
    `transfer`: each seed draws the announcement transfer (`behavior.transfer_uncertain`).
    """
    if posterior and transfer:
        return (
            "each seed with its own posterior draw and announcement transfer: "
            "parameter and transfer uncertainty and chance"
        )
    if posterior:
        return "each seed with its own posterior draw: parameter uncertainty and chance"
    if transfer:
        return (
            "each seed with its own announcement transfer: transfer uncertainty and chance "
            "(other behaviour at assumed defaults)"
        )
    return "chance only: behaviour at assumed defaults, not calibrated"


def interval_text(carries: str) -> str:
    """The words of a table's `interval` column: which pair is which, and what the runs' spread carries.

    `carries` says where the spread over seeds comes from, e.g. "each seed with its own posterior draw:
    parameter uncertainty and chance", or "chance only: behaviour at assumed defaults, not calibrated".
    """
    if not carries:
        raise ValueError("an interval must say what it carries")
    return f"{CI_WORDS}; {PI_WORDS}; the spread over seeds carries {carries}"


def label_intervals(data: pd.DataFrame, carries: str) -> pd.DataFrame:
    """`data` with an `interval` column (`interval_text`) if it has any of `INTERVAL_COLUMNS`; refuses old names.

    A table with `lo` and `hi` is refused: they do not say which interval they are.
    """
    if {"lo", "hi"} & set(data.columns):
        raise ValueError("columns lo/hi do not say which interval they are: use mean_intervals' ci_lo, ..., pi_hi")
    if not set(INTERVAL_COLUMNS) & set(data.columns):
        return data
    return data.assign(interval=interval_text(carries))


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
