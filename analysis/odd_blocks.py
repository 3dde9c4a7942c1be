"""The blocks of docs/ODD.md that state the fit and the runs about it, written from the files they wrote.

`calibration` from `data/posterior/` (experiments/calibrate.py), `validation` from `figures/validation.csv`
(experiments/validation.py) and `sensitivity` from `figures/sensitivity_*.csv` (experiments/sensitivity/).
`analysis.findings` puts them in the document; tests/analysis/test_findings.py fails when the two disagree.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analysis.doc_blocks import FIGURES, POSTERIOR, markers, table


def _noise_lines(diag: dict) -> list[str]:
    """The targets' noise level where the fit measured it, and the misfit at the posterior's median."""
    prior, post, eps = diag["noise_at_prior_centre"], diag["noise_at_posterior_median"], diag["final"]["epsilon"]
    ratios = ", ".join(f"{k} {v / diag['targets'][k]['sd']:.2f}" for k, v in post["model_sd"].items())
    misfit = "above" if post["distance_of_mean"] > post["level"] else "not above"
    tolerance = "below" if eps < post["mean_distance_of_runs"] else "not below"
    return [
        f"The targets' noise level (the distance a model matching every survey figure would still give on "
        f"average: the survey's tolerance and the model's own spread over {prior['seeds']} seeds at this size, "
        f"`experiments.calibration.noise.noise_level`): {prior['level']:.3f} at the prior's centre, the level "
        f"the fit stops at; {post['level']:.3f} at the posterior's median, where the model's spread over seeds is, in "
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
        *table(
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
    lines += table(header, rows)
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
        *table(
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
            *table(["statistic", "what", "unit", "mean", "95% CI of the mean", "90% predictive interval", "n"], rows),
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
        *table(["rank", "parameter", "range", "mu* (pp)", "95% interval", "above chance", "in Sobol set"], rows),
        "",
        f"Sobol indices of the screened set (N = {int(big['N'].max()) if len(big) else 0}; 95% bootstrap "
        "intervals; one fixed seed):",
        "",
        *table(["parameter", "first order S1", "total ST"], srows),
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
