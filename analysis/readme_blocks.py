"""The blocks of README.md that state what the runs found, written from the files they wrote.

`findings` from `figures/policy_comparison_headline.csv`, `figures/levers.csv`, `figures/levers_surge.csv` and
`figures/group_sizes.csv` (experiments/policy_comparison.py, experiments/levers.py), `mitigation` from
`figures/mitigation.csv` (experiments/mitigation.py), `discovery` from `figures/discovery*`
(experiments/discovery/) and `runtime` from `figures/MANIFEST.json`. `analysis.findings` puts them in the
document; tests/analysis/test_findings.py fails when the two disagree.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analysis.doc_blocks import FIGURES, markers, table
from analysis.mitigation import ALL_SEGMENT, CHILD_SEGMENT
from sim.config.paths import BASELINE


def _interval(row: pd.Series, metric: str) -> str:
    return f"{row[metric]:.2f} ({row[f'{metric}_ci_lo']:.2f} to {row[f'{metric}_ci_hi']:.2f})"


def lever_rows(levers: pd.DataFrame) -> list[str]:
    lines = [
        "| lever | setting | uptake loss, final week (pp) | uptake loss, mean over weeks (pp) "
        "| encounters at the agency per run | community arrests per run |",
        "|---|---|---|---|---|---|",
    ]
    for _, r in levers.iterrows():
        lines.append(
            f"| {r['lever']} | {r['setting']} | {_interval(r, 'loss_final_pp')} | {_interval(r, 'loss_mean_pp')} "
            f"| {r['encounters_at_agency']:.1f} | {r['community_arrests']:.1f} |"
        )
    return lines


def surge_line(surge: pd.DataFrame) -> str:
    change = surge.groupby("arm")["change_agents"].mean()
    first = surge.iloc[0]
    opened = [a for a in change.index if a != "no opening"][0]
    return (
        f"A regional surge (an ICE office opening in region {first['region']} of 2 at week {first['opening_week']}, "
        f"{first['people']:,} people, {surge['seed'].nunique()} seeds): missed benefit appointments in that region "
        f"in the 8 weeks after against the 8 weeks before changed by {change[opened]:+.1f} with the opening and "
        f"{change['no opening']:+.1f} without it (agents, mean over seeds; `figures/levers_surge.csv`)."
    )


def group_lines(groups: pd.DataFrame) -> list[str]:
    first = groups.iloc[0]
    lines = [
        f"Eligible agents behind each household type at the default population ({first['people']:,} people, "
        f"seed {first['seed']}; groups under {first['small_group_threshold_agents']} are flagged in every table):",
        "",
        "| household type | eligible agents | eligible people represented |",
        "|---|---|---|",
    ]
    lines += [
        f"| {r['household_type']} | {r['eligible_agents']:,} | {r['eligible_weighted']:,.0f} |"
        for _, r in groups.iterrows()
    ]
    return lines


HEADLINE_SHOWN = (
    "Uptake loss, final week (pp)",
    "Uptake loss, mean over weeks (pp)",
    "Extra benefits forgone per 1,000 eligible (USD)",
    "Citizen children in mixed-status households who lost benefits",
)


def _fmt(value: float, unit: str) -> str:
    return f"{value:,.0f}" if "USD" in unit or "children" in unit else f"{value:.2f}"


def headline_rows(head: pd.DataFrame) -> list[str]:
    """Each regime's headline metrics: the mean, its 95% CI and the 90% predictive interval."""
    head = head[head["metric"].isin(HEADLINE_SHOWN) & (head["policy"] != BASELINE)]
    rows = []
    for _, r in head.sort_values(["metric", "mean"], ascending=[True, False], key=_metric_order).iterrows():
        u = r["unit"]
        rows.append(
            [r["metric"], r["policy"], _fmt(r["mean"], u), f"{_fmt(r['ci_lo'], u)} to {_fmt(r['ci_hi'], u)}",
             f"{_fmt(r['pi_lo'], u)} to {_fmt(r['pi_hi'], u)}", str(int(r["n"]))]
        )  # fmt: skip
    return table(["metric", "regime", "mean", "95% CI of the mean", "90% predictive interval", "runs"], rows)


def _metric_order(col: pd.Series) -> pd.Series:
    if col.name == "metric":
        return col.map({m: i for i, m in enumerate(HEADLINE_SHOWN)})
    return col


def findings_block(figures: Path = FIGURES) -> str:
    """The regimes' headline metrics, the levers one at a time, the regional surge and the groups' sizes."""
    levers = pd.read_csv(figures / "levers.csv")
    headline = pd.read_csv(figures / "policy_comparison_headline.csv")
    manifest = json.loads((figures / "MANIFEST.json").read_text())["policy_comparison_uptake_over_time"]
    first = levers.iloc[0]
    intro = (
        f"Every regime against its paired firewall run on the same seeds ({len(manifest['seeds'])} seeds, each "
        "with its own posterior draw and announcement transfer; `figures/policy_comparison_headline.csv`). The "
        "95% CI is that of the mean over seeds; the 90% predictive interval (the 5th to 95th percentile of the "
        "seeds' outcomes) carries parameter and transfer uncertainty and chance."
    )
    head = (
        f"One lever at a time, under the directive unless the regime changes ({first['people']:,} people, "
        f"{first['weeks']} weeks, {first['seeds']} seeds per setting, the same seeds and draws for every setting; "
        "`figures/levers.csv`). Mean over seeds and the 95% confidence interval of that mean."
    )
    begin, end = markers("findings")
    lines = [begin, intro, "", *headline_rows(headline), "", head, "", *lever_rows(levers), ""]
    lines += [surge_line(pd.read_csv(figures / "levers_surge.csv")), ""]
    lines += [*group_lines(pd.read_csv(figures / "group_sizes.csv")), end]
    return "\n".join(lines)


MITIGATION_SHOWN = {
    "people_recovered_final_per_100k_eligible": ("people kept per 100,000 eligible, final week", "{:,.0f}"),
    "uptake_recovered_final_pp": ("uptake recovered, final week (pp)", "{:.2f}"),
    "benefits_kept_usd_per_100k_eligible": ("benefits kept per 100,000 eligible, whole run (USD)", "{:,.0f}"),
    "citizen_children_kept_per_100k_eligible": ("citizen children kept per 100,000 eligible", "{:,.0f}"),
}


def mitigation_block(figures: Path = FIGURES) -> str:
    """The mitigation table: each mitigation's mean, 95% CI of the mean and 90% predictive interval."""
    df = pd.read_csv(figures / "mitigation.csv")
    begin, end = markers("mitigation")
    first = df.iloc[0]
    main = df[df["metric"] == "people_recovered_final_per_100k_eligible"].sort_values("mean", ascending=False)
    header = ["mitigation", *(label for label, _ in MITIGATION_SHOWN.values())]
    rows = []
    for name in main["mitigation"]:
        cells = [str(main.loc[main["mitigation"] == name, "label"].iloc[0])]
        for metric, (_, fmt) in MITIGATION_SHOWN.items():
            r = df[(df["mitigation"] == name) & (df["metric"] == metric)].iloc[0]
            f = fmt.format
            cells.append(f"{f(r['mean'])} [{f(r['ci_lo'])}, {f(r['ci_hi'])}] {{{f(r['pi_lo'])}, {f(r['pi_hi'])}}}")
        rows.append(cells)
    agents = df.groupby("segment")["eligible_agents"].min()  # the fewest in any run's final week, by segment
    intro = (
        f"What each mitigation recovers under the directive, against the directive without it on the same seed "
        f"(`python -m experiments.mitigation`: {first['seeds']} seeds x {first['people']:,} people, "
        f"{first['weeks']} weeks, each seed with its own posterior draw and announcement transfer, the same with "
        f"and without each mitigation; behind each number at least {int(agents[ALL_SEGMENT]):,} eligible agents, "
        f"and {int(agents[CHILD_SEGMENT]):,} citizens in mixed-status households behind the children's; "
        "`figures/mitigation.csv`). Each cell: mean [95% CI of the mean over seeds] {90% predictive interval: "
        "where one run falls}. The first row is the directive's whole loss against its paired firewall run."
    )
    return "\n".join([begin, intro, "", *table(header, rows), end])


def discovery_block(figures: Path = FIGURES) -> str:
    """Scenario discovery: the threshold, each PRIM box's restrictions, coverage and density, the top scores."""
    summary = json.loads((figures / "discovery.json").read_text())
    boxes = pd.read_csv(figures / "discovery_boxes.csv")
    scores = pd.read_csv(figures / "discovery_feature_scores.csv").sort_values("rank_cases")
    begin, end = markers("discovery")
    size, thr = summary["size"], summary["threshold"]
    command = summary["command"]
    lines = [
        begin,
        f"`{command}`: {size['n_runs']:,} paired runs (directive and firewall, same seed) of "
        f"{size['n_people']:,} people, {size['weeks']} weeks, over a Latin hypercube of the posterior, the "
        f"assumptions it leaves open and the levers ({len(scores)} inputs; `figures/discovery_*`). Outcome: "
        f"{summary['outcome_unit']}. Cases of interest: the {thr['cases']} runs above the "
        f"{thr['quantile']:.0%} quantile, {thr['pp']:.3f} pp (median of all runs "
        f"{summary['outcome_quantiles_pp']['0.5']:.3f} pp, 95th percentile "
        f"{summary['outcome_quantiles_pp']['0.95']:.3f} pp).",
        "",
    ]
    if boxes.empty:
        lines.append("PRIM found no box reaching the minimum density.")
    for box, g in boxes.groupby("box"):
        first = g.iloc[0]
        limits = "; ".join(
            f"`{r['parameter']}` {r['lower']:.3g} to {r['upper']:.3g} (quasi-p "
            f"{min(x for x in (r['qp_lower'], r['qp_upper']) if pd.notna(x)):.2g})"
            for _, r in g[g["significant"]].iterrows()
        )
        loose = ", ".join(f"`{p}`" for p in g.loc[~g["significant"], "parameter"])
        lines.append(
            f"- Box {box}: coverage {first['coverage']:.2f}, density {first['density']:.2f}, mass {first['mass']:.2f} "
            f"({int(first['runs_in_box'])} runs, {int(first['cases_in_box'])} cases). Restrictions with quasi-p "
            f"under 0.05: {limits or 'none'}" + (f"; also restricted, not significant: {loose}." if loose else ".")
        )
    above = scores[scores["above_noise"]]
    lines += [
        "",
        f"Feature scores (extra trees, telling the cases apart): {len(above)} of {len(scores)} inputs score above "
        f"every one of 40 noise probes ({above['noise_cases'].iloc[0]:.4f})"
        + (": " if len(above) <= 8 else ", the first 8: ")
        + ", ".join(f"`{r['parameter']}` {r['score_cases']:.3f}" for _, r in above.head(8).iterrows())
        + f". The announcement transfer ranks {summary['transfer']['rank_cases']} of {summary['transfer']['of']}.",
        end,
    ]
    return "\n".join(lines)


NOT_IN_MAKE_FIGURES = ("sensitivity",)  # figures/ entries of other commands (`make sensitivity`)


def runtime_block(figures: Path = FIGURES) -> str:
    """How long `make figures` took, experiment by experiment, from the runtimes MANIFEST.json records."""
    manifest = json.loads((figures / "MANIFEST.json").read_text())
    runtimes: dict[str, float] = {}
    for entry in manifest.values():
        name = entry.get("experiment")
        if name and name not in NOT_IN_MAKE_FIGURES and "runtime_s" in entry:
            runtimes[name] = float(entry["runtime_s"])
    begin, end = markers("runtime")
    parts = ", ".join(
        f"{name.replace('_', ' ')} {t / 60:.1f}" for name, t in sorted(runtimes.items(), key=lambda x: -x[1])
    )
    commits = sorted({str(e.get("git_commit", ""))[:10] for e in manifest.values() if e.get("experiment") in runtimes})
    return "\n".join(
        [
            begin,
            f"The committed figures were made by `make figures` on 2 cores (commit {', '.join(commits)}): its "
            f"experiments ran for {sum(runtimes.values()) / 60:.1f} min in all, by their own clocks as "
            f"`figures/MANIFEST.json` records them (in minutes: {parts}).",
            end,
        ]
    )
