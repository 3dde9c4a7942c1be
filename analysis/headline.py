"""The headline table: each regime's per-run metrics of summary.json, with both intervals over seeds.

`experiments.policy_comparison` saves it with `unit` (`HEADLINE_UNITS`) and `interval`
(`analysis.drawing.attach_intervals`); README's findings block quotes it (`analysis.readme_blocks`).
"""

from __future__ import annotations

import pandas as pd

from analysis.stats import INTERVAL_COLUMNS, mean_intervals

# Per-run metrics of summary.json (`m.` in the sweep's runs table): label and scale.
HEADLINE_METRICS = {  # column: (label, scale, unit)
    "m.uptake_loss_final_pp": ("Uptake loss, final week (pp)", 1.0, "pp"),
    "m.uptake_loss_mean_pp": ("Uptake loss, mean over weeks (pp)", 1.0, "pp"),
    "m.take_up_loss_pp": ("Take-up loss of new applications (pp)", 1.0, "pp"),
    "m.extra_forgone_usd_per_1000_eligible": (
        "Extra benefits forgone per 1,000 eligible (USD)",
        1.0,
        "USD per 1,000 eligible people",
    ),
    "m.citizen_children_lost_benefit": (
        "Citizen children in mixed-status households who lost benefits",
        1.0,
        "children (weighted)",
    ),
    "m.benefit_visits_deterred": ("Benefit visits deterred", 1.0, "visits (weighted)"),
    "m.encounters": ("Encounters at the agency", 1.0, "encounters (weighted)"),
    "m.chilling_ratio": (
        "Chilling ratio (benefit visits deterred per encounter at the agency)",
        1.0,
        "visits per encounter",
    ),
    "m.arrests": ("Community arrests (apart from the agency)", 1.0, "arrests (weighted)"),
    "m.peak_loss_pp": ("Peak loss after the injunction (pp)", 1.0, "pp"),
    "m.recovered": ("Runs recovered by the horizon (share)", 1.0, "share of runs"),
    "m.recovery_half_life_weeks": ("Recovery half-life from the peak, recovered runs only (weeks)", 1.0, "weeks"),
}
HEADLINE_UNITS = {label: unit for label, _, unit in HEADLINE_METRICS.values()}


HEADLINE_COLUMNS = ["metric", "mean", *INTERVAL_COLUMNS, "n"]


def headline_table(runs: pd.DataFrame, by: str = "policy") -> pd.DataFrame:
    """Per-run headline metrics by regime: `mean`, `ci_lo`, `ci_hi`, `pi_lo`, `pi_hi`, `n` (`mean_intervals`).

    `mean` is the mean over seeds; `ci_lo`-`ci_hi` its 95% confidence interval (t); `pi_lo`-`pi_hi` the 90%
    predictive interval, the 5th to 95th percentile of the per-seed values: with `behavior=posterior` (one draw
    per seed) where one run falls given parameter uncertainty and chance. `n` is the runs behind each row.
    `policy_comparison` saves it with `unit` and `interval` (`attach_intervals`).

    A run without a value (no encounters for a chilling ratio, no injunction for a recovery) is left out of
    that metric, and `n` says how many runs are behind it; `m.recovered` is the share of runs with an
    injunction in the horizon that recovered, so not-recovered runs count against it.
    """
    frames = []
    for column, (label, scale, _) in HEADLINE_METRICS.items():
        if column not in runs:
            continue
        rows = runs[[by, column]].dropna()
        if rows.empty:
            continue
        rows = rows.assign(value=rows[column].astype(float) * scale)
        frames.append(mean_intervals(rows, [by], "value").assign(metric=label))
    columns = [HEADLINE_COLUMNS[0], by, *HEADLINE_COLUMNS[1:]]
    return pd.concat(frames, ignore_index=True)[columns]
