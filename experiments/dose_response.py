"""The dose_response experiment: its sweep (conf/experiment/dose_response.yaml) and figure, in one call.

python -m experiments.dose_response [--figures DIR] [hydra overrides...]

Writes figures/dose_response_main.{png,pdf,csv}: heatmaps over stated disclosure x ICE presence of the
final-week uptake loss (pp) and of encounters at the agency per 100,000 people, and prints both grids. Each
cell is the mean over seeds, with its 90% predictive interval written under it; the CSV holds both intervals
(`ci_lo`, `ci_hi`: 95% CI of the mean; `pi_lo`, `pi_hi`: 5th to 95th percentile of the seeds) and says what
they carry (`interval`).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis import figures
from experiments.common import ExperimentResult, run_experiment

FIGURES = {"main": figures.dose_response}
X, Y = "policy.rules.disclosure_prob", "enforcement.base_presence"


def main(argv: Sequence[str] | None = None) -> ExperimentResult:
    result = run_experiment("dose_response", argv, FIGURES)
    csv = result.figures["dose_response_main"][2]
    data = pd.read_csv(csv)
    titles = {
        "uptake_loss_final_pp": "Uptake loss vs firewall, final week, all eligible people (pp)",
        "encounters_per_100k_people": "Encounters at the agency over the run, per 100,000 people",
    }
    for metric, title in titles.items():
        grid = data[data["metric"] == metric].pivot(index=Y, columns=X, values="mean").sort_index(ascending=False)
        print(f"\n{title} (mean over seeds; rows: ICE presence, columns: stated disclosure):")
        print(grid.round(2).to_string())
    small = data[data["small"].astype(bool)]
    if len(small):
        print(f"\n{len(small)} cell(s) rest on fewer than {figures.MIN_AGENTS} eligible agents: flags, not findings.")
    print(
        f"\nCells with the {figures.CI_LABEL}, the {figures.PI_LABEL} and the agents behind them "
        f"(spread over seeds: {figures.uncertainty_note(result.sweep.table)}): {csv}"
    )
    return result


if __name__ == "__main__":
    main()
