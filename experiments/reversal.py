"""The reversal experiment: its sweep (conf/experiment/reversal.yaml) and figures, in one call.

python -m experiments.reversal [--figures DIR] [hydra overrides...]

Writes figures/reversal_main.{png,pdf,csv} (`analysis.over_time.reversal`) and prints, per injunction week, the
recovery half-life measured from each run's PEAK loss after the injunction (`halflife_from_peak_weeks`), not
from the injunction week: the loss keeps rising for a while after the court's order, and measuring from the
order counted that rise as slow recovery. Runs not recovered by the horizon are counted, never dropped.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis import figures
from experiments.common import ExperimentResult, run_experiment

FIGURES = {"main": figures.reversal}
KEY = "policy.injunction_week"


def summary(data: pd.DataFrame) -> pd.DataFrame:
    """Per injunction week, from the figure's CSV: the half-life from the peak with both intervals, and the runs."""
    hl = data[data["kind"] == "halflife_from_peak_recovered_runs"].set_index(KEY)
    runs = data[data["kind"] == "run"]
    rising = runs.groupby(KEY)["peak_weeks_after_injunction"].median().rename("peak_weeks_after_injunction_median")
    columns = ["weeks_under_policy", "mean", "ci_lo", "ci_hi", "pi_lo", "pi_hi", "runs_recovered", "runs_not_recovered"]
    return hl.reindex(columns=columns).join(rising).sort_index()


def main(argv: Sequence[str] | None = None) -> ExperimentResult:
    result = run_experiment("reversal", argv, FIGURES)
    csv = result.figures["reversal_main"][2]
    data = pd.read_csv(csv)
    note = figures.uncertainty_note(result.sweep.table)
    print(
        f"\nRecovery half-life from each run's peak loss after the injunction (weeks; recovered runs: mean "
        f"[{figures.CI_LABEL}] {{{figures.PI_LABEL}}}; spread over seeds: {note}):"
    )
    for week, r in summary(data).iterrows():
        if r["runs_recovered"] + r["runs_not_recovered"] == 0:
            print(f"  injunction at week {week:g}: no run had a loss after the order to recover from")
            continue
        shown = (
            f"{r['mean']:.1f} [{r['ci_lo']:.1f}, {r['ci_hi']:.1f}] {{{r['pi_lo']:.1f}, {r['pi_hi']:.1f}}}"
            if pd.notna(r["mean"])
            else "no run recovered"
        )
        print(
            f"  injunction at week {week:g} ({r['weeks_under_policy']:g} weeks under the policy): {shown}; "
            f"{r['runs_recovered']:.0f} recovered, {r['runs_not_recovered']:.0f} not by the horizon; "
            f"the loss peaked a median {r['peak_weeks_after_injunction_median']:.0f} weeks after the order"
        )
    print(f"\nEvery run's half-life, peak and status: {csv}")
    return result


if __name__ == "__main__":
    main()
