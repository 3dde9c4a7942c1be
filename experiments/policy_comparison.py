"""The policy comparison: regimes side by side on paired seeds, with the brief's headline table.

python -m experiments.policy_comparison [--figures DIR] [--sweep-dir DIR] [--force-new] [hydra overrides...]

An override reaches every regime: before any run the sweep prints which overrides reach which regime (and its
paired firewall run), and warns for a `policy.*` one. To give an override to one regime only, scope it:
`injunction:policy.injunction_week=20` moves the court order of the injunction arm and leaves the directive
(appointment_disclosure) without one.

Every headline number is the mean over seeds with two intervals (`analysis.stats.mean_intervals`): the 95%
confidence interval of the mean (`ci_lo`, `ci_hi`) and the 90% predictive interval, the 5th to 95th percentile of
the per-seed values (`pi_lo`, `pi_hi`). What the spread over seeds carries is read from the runs: with
`behavior=posterior` (one posterior draw per seed) parameter uncertainty and chance, with behaviour at its
defaults chance only; the `interval` column of `policy_comparison_headline.csv` says which. Losses are in
percentage points against each run's paired firewall run; every group's loss comes with the eligible agents
behind it, and groups with fewer than MIN_AGENTS are flagged.
"""

from __future__ import annotations

from collections.abc import Sequence

from analysis import figures
from analysis.style import new_figure, save_figure
from experiments.common import ExperimentResult, run_experiment

FIGURES = {"uptake_over_time": figures.uptake_over_time, "loss_by_group": figures.loss_by_group}


def main(argv: Sequence[str] | None = None) -> ExperimentResult:
    result = run_experiment("policy_comparison", argv, FIGURES)
    table = figures.headline_table(result.sweep.runs)
    fig, _ = new_figure()
    out = result.figures["policy_comparison_uptake_over_time"][0].parent
    note = figures.uncertainty_note(result.sweep.table)
    headline = figures.attach_intervals(fig, table, figures.HEADLINE_UNITS, note, by="metric")
    paths = save_figure(headline, out / "policy_comparison_headline")
    csv = paths[2]
    for p in paths[:2]:
        p.unlink()
    loss = figures.loss_by_group(result.sweep.table).plotted
    print(f"\nUptake loss vs firewall, final week (percentage points; mean over seeds; {note}):")
    wide = loss.pivot(index="segment", columns="policy", values="mean").reindex(figures.LOSS_SEGMENTS).round(2)
    agents = loss.groupby("segment")["eligible_agents"].min().reindex(wide.index)
    wide.insert(0, "eligible agents", agents.astype("Int64"))
    small = loss.groupby("segment")["small"].any().reindex(wide.index).fillna(True)
    wide["flag"] = ["" if not s else f"{figures.SMALL_MARK}: not a finding" for s in small]
    print(wide.to_string())
    print(
        f"\nHeadline metrics by regime: mean over seeds [{figures.CI_LABEL}] {{{figures.PI_LABEL}}} n runs "
        f"(the spread over seeds carries {note}):"
    )
    for _, row in table.iterrows():
        print(
            f"  {row['policy']:<24} {row['metric']:<72} {row['mean']:>12,.2f} "
            f"[{row['ci_lo']:,.2f}, {row['ci_hi']:,.2f}] {{{row['pi_lo']:,.2f}, {row['pi_hi']:,.2f}}} n={row['n']}"
        )
    print(f"\nHeadline table: {csv}")
    return result


if __name__ == "__main__":
    main()
