"""The numbers README.md and docs/ODD.md state about runs, generated from the files the runs wrote.

Each block between `<!-- NAME:begin -->` and `<!-- NAME:end -->` is made here
from its source, never typed: README's `findings` from `figures/levers.csv`,
`figures/levers_surge.csv` and `figures/group_sizes.csv` (experiments/levers.py),
`mitigation` from `figures/mitigation.csv` (experiments/mitigation.py) and
`discovery` from `figures/discovery*` (experiments/discovery.py);
the ODD's `calibration` from `data/posterior/` (experiments/calibrate.py),
`validation` from `figures/validation.csv` (experiments/validation.py) and
`sensitivity` from `figures/sensitivity_*.csv` (experiments/sensitivity.py).
tests/test_findings.py fails when a document and its sources disagree.

    python -m analysis.findings            # print every block
    python -m analysis.findings --write    # rewrite them in README.md and docs/ODD.md
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from analysis.mitigation import ALL_SEGMENT, CHILD_SEGMENT
from sim.config.paths import BASELINE, ROOT

README = ROOT / "README.md"
ODD = ROOT / "docs" / "ODD.md"
FIGURES = ROOT / "figures"
POSTERIOR = ROOT / "data" / "posterior"
BEGIN, END = "<!-- findings:begin -->", "<!-- findings:end -->"


def markers(name: str) -> tuple[str, str]:
    return f"<!-- {name}:begin -->", f"<!-- {name}:end -->"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header), *("| " + " | ".join(r) + " |" for r in rows)]


def _noise_lines(diag: dict) -> list[str]:
    """The targets' noise level where the fit measured it, and the misfit at the posterior's median."""
    prior, post, eps = diag["noise_at_prior_centre"], diag["noise_at_posterior_median"], diag["final"]["epsilon"]
    ratios = ", ".join(f"{k} {v / diag['targets'][k]['sd']:.2f}" for k, v in post["model_sd"].items())
    misfit = "above" if post["distance_of_mean"] > post["level"] else "not above"
    tolerance = "below" if eps < post["mean_distance_of_runs"] else "not below"
    return [
        f"The targets' noise level (the distance a model matching every survey figure would still give on "
        f"average: the survey's tolerance and the model's own spread over {prior['seeds']} seeds at this size, "
        f"`experiments.calibrate.noise_level`): {prior['level']:.3f} at the prior's centre, the level the fit "
        f"stops at; {post['level']:.3f} at the posterior's median, where the model's spread over seeds is, in "
        f"units of each tolerance: {ratios}. At the posterior's median a single run lies on average "
        f"{post['mean_distance_of_runs']:.3f} from the survey, and the mean of {post['seeds']} runs "
        f"{post['distance_of_mean']:.3f}, {misfit} the noise level: a misfit the model's noise does not "
        f"explain. The final tolerance ({eps:.3f}) is {tolerance} a single run's mean distance there.",
        "",
    ]


def posterior_correlations(folder: Path = POSTERIOR, at_least: float = 0.3) -> pd.Series:
    """Weighted correlations between the posterior's parameters (particles of `posterior.csv`), the pairs whose
    size is `at_least` or more, largest first: what the targets constrain jointly when no parameter alone."""
    post = pd.read_csv(folder / "posterior.csv")
    w = post.pop("weight").to_numpy()
    centred = post - (post.mul(w, axis=0).sum() / w.sum())
    cov = centred.mul(w, axis=0).T @ centred / w.sum()
    sd = cov.to_numpy().diagonal() ** 0.5
    corr = cov / pd.DataFrame([[a * b for b in sd] for a in sd], index=cov.index, columns=cov.columns)
    pairs = pd.Series(
        {(a, b): corr.loc[a, b] for i, a in enumerate(corr.index) for b in corr.columns[i + 1 :]}, dtype=float
    )
    return pairs[pairs.abs() >= at_least].sort_values(key=abs, ascending=False)


def _correlation_line(folder: Path) -> str:
    pairs = posterior_correlations(folder)
    listed = "; ".join(f"`{a}` with `{b}` {r:+.2f}" for (a, b), r in pairs.items()) or "none"
    return (
        "Weighted correlations between fitted parameters across the posterior's particles, of size 0.3 or more "
        f"(what the targets constrain jointly; from {len(pd.read_csv(folder / 'posterior.csv'))} particles, so "
        f"each has a standard error of about 0.1): {listed}."
    )


def calibration_block(folder: Path = POSTERIOR) -> str:
    """The fit's record: generations, posterior with identification, convergence, predictive check."""
    diag = json.loads((folder / "diagnostics.json").read_text())
    begin, end = markers("calibration")
    f, size = diag["final"], diag["size"]
    lines = [
        begin,
        f"The committed fit (`{diag['command']}`, commit `{str(diag['commit'])[:10]}`): {size['n_people']:,} people "
        f"per evaluation, {size['population_size']} particles, {f['total_simulations']} paired simulations "
        f"counted by pyabc ({f['runs_made']} run, with the sample from the prior and the candidates run past a "
        f"generation's last acceptance); stopped: {f['stopped_because']}. Wall time on 2 cores: "
        f"{diag['wall_s']['fit'] / 60:.1f} min for the fit, "
        f"{diag['wall_s']['fit_with_checks'] / 60:.1f} min with its predictive check and noise levels, "
        f"{diag['wall_s']['total'] / 60:.1f} min with the convergence fit as well.",
        "",
        *_noise_lines(diag),
        *_table(
            ["generation", "tolerance (RMS z)", "simulations", "acceptance rate", "effective sample size"],
            [
                [
                    str(g["generation"]),
                    f"{g['epsilon']:.3f}",
                    str(g["simulations"]),
                    f"{g['acceptance_rate']:.3f}",
                    f"{g['ess']:.1f} of {g['particles']} ({g['ess'] / g['particles']:.0%})",
                ]
                for g in diag["generations"]
            ],
        ),  # fmt: skip
        "",
        "Posterior: median and 90% interval of each fitted parameter (weighted particles); the width is the "
        "interval's over the prior's 90% width (under 0.5: pinned by the targets; over 0.8: near its prior).",
        "",
    ]
    conv = {r["parameter"]: r for r in (diag.get("convergence") or {}).get("parameters", [])}
    header = ["parameter", "prior (uniform)", "median", "90% interval", "width / prior's", "identified"]
    rows = []
    for r in diag["posterior_summary"]:
        rows.append(
            [f"`{r['parameter']}`", f"{r['prior_lo']:g} to {r['prior_hi']:g}", f"{r['median']:.3g}",
             f"{r['lo']:.3g} to {r['hi']:.3g}", f"{r['width_vs_prior']:.2f}", r["identified"]]
        )  # fmt: skip
        if conv:
            c = conv[r["parameter"]]
            rows[-1].append(f"{c['second_median']:.3g} ({'inside' if c['inside'] else 'outside'})")
    if conv:
        header.append(f"median of the fit with seed {diag['convergence']['seed']}")
    lines += _table(header, rows)
    lines += ["", _correlation_line(folder)]
    if conv:
        c = diag["convergence"]
        cf = c["final"]
        lines += [
            "",
            f"The convergence fit (seed {c['seed']}, the same settings): {cf['total_simulations']} paired simulations, "
            f"final tolerance {cf['epsilon']:.3f}, ESS {cf['ess']:.1f} of {size['population_size']}; stopped: "
            f"{cf['stopped_because']}; {c['wall_s'] / 60:.1f} min. Every median inside the first fit's 90% interval: "
            f"{'yes' if c['all_inside'] else 'no'}.",
        ]
    lines += [
        "",
        "Posterior predictive check: fresh seeds, parameters drawn from the posterior "
        f"({size['predictive_draws']} draws at {size['n_people']:,} people); the model's median and 90% "
        "predictive interval beside the survey's figure.",
        "",
        *_table(
            ["target", "survey", "tolerance", "model median", "model 90% interval", "z of the median", "survey inside"],
            [
                [
                    r["target"],
                    f"{r['survey']:.1%}",
                    f"{r['survey_sd']:.1%}",
                    f"{r['model_median']:.1%}",
                    f"{r['model_lo']:.1%} to {r['model_hi']:.1%}",
                    f"{r['z']:+.2f}",
                    "yes" if r["survey_in_interval"] else "no",
                ]
                for r in diag["predictive_check"]
            ],
        ),  # fmt: skip
        "",
        _outside_line(diag["predictive_check"]),
        end,
    ]
    return "\n".join(lines)


def _outside_line(check: list[dict]) -> str:
    """Which survey figures the model's 90% predictive interval misses, said in words beside the table."""
    outside = [r for r in check if not r["survey_in_interval"]]
    if not outside:
        return "Every survey figure lies inside the model's 90% predictive interval."
    said = "; ".join(
        f"{r['target']} ({r['survey']:.1%}, the model's {r['model_lo']:.1%} to {r['model_hi']:.1%})" for r in outside
    )
    return f"Survey figures outside the model's 90% predictive interval ({len(outside)} of {len(check)}): {said}."


def validation_block(figures: Path = FIGURES) -> str:
    """Statistics the fit did not use: mean with its 95% CI over seeds, and the 90% predictive interval."""
    df = pd.read_csv(figures / "validation.csv")
    begin, end = markers("validation")
    first = df.iloc[0]
    rows = [
        [f"`{r['key']}`", str(r["what"]), str(r["unit"]), f"{r['mean']:.3g}", f"{r['ci_lo']:.3g} to {r['ci_hi']:.3g}",
         f"{r['pi_lo']:.3g} to {r['pi_hi']:.3g}", str(int(r["n"]))]
        for _, r in df.iterrows()
    ]  # fmt: skip
    return "\n".join(
        [
            begin,
            f"`python -m experiments.validation` (seeds {first['seeds']}, one posterior draw and one transfer "
            f"each; `figures/validation.csv`, {first['wall_s'] / 60:.1f} min on 2 cores). 95% CI: of the mean over "
            "seeds; 90% PI: the 5th to 95th percentile of the seeds' outcomes (parameter and transfer uncertainty "
            "and chance).",
            "",
            *_table(["statistic", "what", "unit", "mean", "95% CI of the mean", "90% predictive interval", "n"], rows),
            end,
        ]
    )


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
    return _table(["metric", "regime", "mean", "95% CI of the mean", "90% predictive interval", "runs"], rows)


def _metric_order(col: pd.Series) -> pd.Series:
    if col.name == "metric":
        return col.map({m: i for i, m in enumerate(HEADLINE_SHOWN)})
    return col


def block(figures: Path = FIGURES) -> str:
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
    lines = [BEGIN, intro, "", *headline_rows(headline), "", head, "", *lever_rows(levers), ""]
    lines += [surge_line(pd.read_csv(figures / "levers_surge.csv")), ""]
    lines += [*group_lines(pd.read_csv(figures / "group_sizes.csv")), END]
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
    return "\n".join([begin, intro, "", *_table(header, rows), end])


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


def sensitivity_block(figures: Path = FIGURES, top: int = 12) -> str:
    """Morris's ranking (the top and the transfer), Sobol's indices of the screened set, the transfer's swing."""
    begin, end = markers("sensitivity")
    summary = json.loads((figures / "sensitivity.json").read_text())
    morris = pd.read_csv(figures / "sensitivity_morris.csv")
    sobol = pd.read_csv(figures / "sensitivity_sobol.csv")
    out = "uptake_loss_last_year_pp"
    m = morris[morris["output"] == out].sort_values("rank")
    tr = summary["transfer"]
    shown = m[(m["rank"] <= top) | (m["parameter"] == tr["parameter"])]
    rows = [
        [str(int(r["rank"])), f"`{r['parameter']}`", f"{r['range_lo']:g} to {r['range_hi']:g}", f"{r['mu_star']:.3f}",
         f"{r['mu_star_lo']:.3f} to {r['mu_star_hi']:.3f}", "yes" if r["above_chance"] else "no",
         "yes" if r["in_sobol"] else "no"]
        for _, r in shown.iterrows()
    ]  # fmt: skip
    big = sobol[(sobol["N"] == sobol["N"].max()) & (sobol["output"] == out)]
    srows = []
    for param, g in big.groupby("parameter", sort=False):
        cells = [g[g["order"] == order].iloc[0] for order in ("first", "total")]  # S1, then ST
        srows.append([f"`{param}`", *(f"{c['index']:.2f} ({c['lo']:.2f} to {c['hi']:.2f})" for c in cells)])
    swing = tr["swing"][out]
    lines = [
        begin,
        f"`python -m experiments.sensitivity` (seed {summary['seed']}; {summary['size']['n_people']:,} people, "
        f"{summary['size']['weeks']} weeks; {summary['runs']['total']} paired runs, "
        f"{summary['wall_s']['total'] / 60:.1f} min on 2 cores). Output: the directive's uptake loss against its "
        "paired firewall run, mean over the last 52 weeks (pp). Morris mu* with its 95% bootstrap interval over "
        f'the trajectories; "above chance": mu* beyond what chance alone gives at the defaults. The top {top} '
        f"of {tr['of']}, and the transfer:",
        "",
        *_table(["rank", "parameter", "range", "mu* (pp)", "95% interval", "above chance", "in Sobol set"], rows),
        "",
        f"Sobol indices of the screened set (N = {int(big['N'].max()) if len(big) else 0}; 95% bootstrap "
        "intervals; one fixed seed):",
        "",
        *_table(["parameter", "first order S1", "total ST"], srows),
        "",
        f"Chance alone (the same loss over {len(summary['chance']['seeds'])} other seeds at the defaults) gives "
        f"mu* {summary['chance'][out]['chance_mu_star']:.3f} pp; with {summary['size']['morris_trajectories']} "
        + (
            "trajectories no mu* interval clears it, so the screen orders the parameters but does not separate "
            "them from chance: the Sobol intervals are what separate them."
            if not m["above_chance"].any()
            else f"trajectories {int(m['above_chance'].sum())} of {len(m)} mu* intervals clear it."
        ),
        "",
        f"The transfer ({tr['parameter']}, {tr['range'][0]:g} to {tr['range'][1]:g}) ranks "
        f"{tr['morris'][out]['rank']} of {tr['of']} on this loss ({tr['screen_rank']} in the screen, which ranks "
        f"over all its outputs); at the defaults, moving it from {tr['range'][0]:g} to {tr['range'][1]:g} moves "
        f"this loss from {swing['low']:.3f} to {swing['high']:.3f} pp.",
        end,
    ]
    return "\n".join(lines)


def readme_block(text: str, name: str = "findings") -> str:
    begin, end = markers(name)
    return text[text.index(begin) : text.index(end) + len(end)]


def blocks() -> dict[tuple[Path, str], str]:
    """Every generated block, by (document, block name)."""
    return {
        (README, "runtime"): runtime_block(),
        (README, "findings"): block(),
        (README, "mitigation"): mitigation_block(),
        (README, "discovery"): discovery_block(),
        (ODD, "calibration"): calibration_block(),
        (ODD, "validation"): validation_block(),
        (ODD, "sensitivity"): sensitivity_block(),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m analysis.findings", description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the blocks in README.md and docs/ODD.md")
    args = parser.parse_args(argv)
    for (doc, name), new in blocks().items():
        if not args.write:
            print(new, end="\n\n")
            continue
        text = doc.read_text()
        doc.write_text(text.replace(readme_block(text, name), new))
        print(f"wrote {doc} ({name})", file=sys.stderr)


if __name__ == "__main__":
    main()
