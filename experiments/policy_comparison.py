"""The policy comparison: regimes side by side on paired seeds, with the brief's headline table.

python -m experiments.policy_comparison [--figures DIR] [hydra overrides...]
"""

from __future__ import annotations

from collections.abc import Sequence

from analysis import figures
from analysis.style import attach, new_figure, save_figure
from experiments.common import ExperimentResult, run_experiment

FIGURES = {"uptake_over_time": figures.uptake_over_time, "loss_by_group": figures.loss_by_group}


def main(argv: Sequence[str] | None = None) -> ExperimentResult:
    result = run_experiment("policy_comparison", argv, FIGURES)
    table = figures.headline_table(result.sweep.runs)
    fig, _ = new_figure()
    out = result.figures["policy_comparison_uptake_over_time"][0].parent
    paths = save_figure(attach(fig, table), out / "policy_comparison_headline")
    csv = paths[2]
    for p in paths[:2]:
        p.unlink()
    loss = figures.loss_by_group(result.sweep.table).plotted
    print("\nUptake loss vs firewall, final week (percentage points; mean across seeds, intervals in the figure CSV):")
    loss = loss.assign(**{c: 100 * loss[c] for c in ("mean", "lo", "hi")})
    print(loss.pivot(index="segment", columns="policy", values="mean").round(2).to_string())
    print("\nHeadline metrics by regime (mean [95% interval] across seeds):")
    for _, row in table.iterrows():
        print(f"  {row['policy']:<24} {row['metric']:<62} {row['mean']:>12,.2f} [{row['lo']:,.2f}, {row['hi']:,.2f}]")
    print(f"\nHeadline table: {csv}")
    return result


if __name__ == "__main__":
    main()
