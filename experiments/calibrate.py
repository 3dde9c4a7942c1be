"""Calibration: fit the uncertain behavioural parameters to published survey figures by ABC-SMC.

The directive stands in for the 2018 public-charge announcement: a publicly
announced rule that raises the perceived immigration risk of using a benefit.
The model's avoidance share (experiments/survey.py) is compared with the Urban
Institute's Well-Being and Basic Needs Survey figures for adults in immigrant
families, each with a survey tolerance. pyabc's ABC-SMC returns weighted
particles (the posterior); they are saved with their diagnostics and a
posterior predictive check.

    python -m experiments.calibrate                 # the fit and its convergence check, writes data/posterior/
    python -m experiments.calibrate --seed 1        # another seed, for a check by hand
    python -m experiments.calibrate --tiny          # CI size (under a minute), writes outputs/calibration/

Reproducible: one `numpy.random.SeedSequence(seed)` seeds pyabc's sampler
(`experiments/seeded_sampler.py`: each candidate its own seed, which draws
the model's seed), pyabc's main process and the predictive check, so the same
command and seed give the same posterior with any number of processes.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.survey import net_avoidance, track_pair
from sim import MODEL_VERSION
from sim.config import UNCERTAINTY, Config, default_config
from sim.config.params import priors
from sim.config.paths import ROOT
from sim.launch.posterior import WEIGHT, apply_parameters

POLICY = "appointment_disclosure"
START = 8  # the directive's week in conf/policy (policy.start_week)
SURVEY_2018 = START + 40  # December 2018, about 40 weeks after the rule became news
SURVEY_2020 = SURVEY_2018 + 104  # December 2020, two years later
WINDOW_2018 = (max(0, SURVEY_2018 - 52), SURVEY_2018)  # each wave asks about the past twelve months
WINDOW_2020 = (SURVEY_2020 - 52, SURVEY_2020)
WEEKS = SURVEY_2020


@dataclass(frozen=True)
class Target:
    """One published figure, its model counterpart and the tolerance kept in the fit."""

    value: float
    sd: float
    family: str
    window: tuple[int, int]
    source: str


TARGETS: dict[str, Target] = {
    "avoid_2018": Target(
        0.137, 0.02, "immigrant", WINDOW_2018, "Bernstein, Gonzalez, Karpman, Zuckerman (2019), WBNS Dec 2018"
    ),
    "avoid_2018_children": Target(
        0.174, 0.025, "immigrant_with_children", WINDOW_2018, "Bernstein et al. (2019), families with children"
    ),
    "avoid_2018_no_children": Target(
        0.089, 0.025, "immigrant_without_children", WINDOW_2018, "Bernstein et al. (2019), families without children"
    ),
    "avoid_2020_children": Target(
        0.200, 0.025, "immigrant_with_children", WINDOW_2020,
        "Haley, Kenney, Bernstein, Gonzalez (2021), WBNS Dec 2020: adults in immigrant families with children, "
        "noncash benefits avoided for green-card or other immigration concerns",
    ),
    "avoid_2020_no_children": Target(
        0.150, 0.025, "immigrant_without_children", WINDOW_2020,
        "Haley, Kenney, Bernstein, Gonzalez (2021), WBNS Dec 2020: adults in immigrant families without children",
    ),
}  # fmt: skip

# Fitted parameters, by config path; each prior is uniform over the parameter's plausible range, declared
# once in sim/config/__init__.py (sim/config/params.py for the derived `behavior.loss_scale`) and listed in docs/ODD.md
# 9.
CALIBRATED = (
    "behavior.loss_scale",  # x every noncitizen loss: keeps each status's loss inside its plausible range
    "behavior.w_announcement",
    "behavior.consolidation",
    "behavior.theta",
    "behavior.news_reach_mean",
    "behavior.kin_weight",
    "behavior.kappa",  # the clinic stands for the survey's other programs: how far the agency's fear reaches them
)
PRIORS: dict[str, tuple[float, float]] = priors(CALIBRATED, roles=[UNCERTAINTY])


@dataclass(frozen=True)
class Size:
    """How much to compute: full run or CI's tiny one."""

    n_people: int
    population_size: int
    max_populations: int
    max_simulations: int
    min_eps_diff: float  # stop when the tolerance improves by less than this in a generation
    max_minutes: float  # a wall-time guard for the fit (pyabc's max_walltime), set not to bind
    check_minutes: float  # the convergence fit's wall-time guard
    n_procs: int
    predictive_draws: int
    noise_seeds: int  # seeds at one parameter set for the targets' noise level


FULL = Size(
    n_people=20_000,
    population_size=60,
    max_populations=8,
    max_simulations=3_000,  # a guard: the tolerance reaching the noise level stops the fit well before
    min_eps_diff=0.03,
    max_minutes=25.0,
    check_minutes=12.0,
    n_procs=2,
    predictive_draws=40,
    noise_seeds=20,
)
TINY = Size(
    n_people=1_000,
    population_size=6,
    max_populations=2,
    max_simulations=40,
    min_eps_diff=0.0,
    max_minutes=5.0,
    check_minutes=5.0,
    n_procs=1,
    predictive_draws=2,
    noise_seeds=2,
)


TRANSITION_SCALING = 4.0
PRIOR_SHARE = 0.1  # of proposals drawn from the prior itself (experiments/defensive_kernel.py)
TOLERANCE_QUANTILE = 0.4  # each generation's tolerance: this weighted quantile of the last one's distances


def short(path: str) -> str:
    """pyabc's parameter name for a config path (`behavior.w_news` -> `w_news`)."""
    return path.split(".")[-1]


def calibration_config(params: dict[str, float], seed: int, n_people: int) -> Config:
    """The directive at calibration size with `params` (keyed by config path) applied."""
    cfg = apply_parameters(_base_config(n_people), params)
    cfg.seed = seed
    return cfg


@lru_cache(maxsize=4)
def _base_config(n_people: int) -> Config:
    """Composed once per process: Hydra's compose costs more than a small run's week."""
    return default_config(POLICY, **{"population.n_people": n_people, "weeks": WEEKS})


def survey_statistics(params: dict[str, float], seed: int, n_people: int) -> dict[str, float]:
    """The model's answer to each target's question, net of the firewall run on the same seed."""
    cfg = calibration_config(params, seed, n_people)
    rec, base = track_pair(cfg)
    return {name: net_avoidance(rec, base, t.family, *t.window) for name, t in TARGETS.items()}


def distance(x: dict[str, float], x0: dict[str, float]) -> float:
    """Root mean square of the misfits in units of each target's survey tolerance."""
    z = [((x[k] - x0[k]) / TARGETS[k].sd) ** 2 for k in TARGETS]
    return float(np.sqrt(np.mean(z)))


class _Model:
    """pyabc's model: a picklable callable; its seed comes from numpy's global generator, which the sampler
    seeds for each candidate, so the model's randomness follows the fit's seed."""

    def __init__(self, n_people: int) -> None:
        self.n_people = n_people

    def __call__(self, par: dict[str, float]) -> dict[str, float]:
        seed = int(np.random.randint(0, 2**31 - 1))
        params = {path: float(par[short(path)]) for path in PRIORS}
        return survey_statistics(params, seed, self.n_people)


def seeds(seed: int) -> dict[str, np.random.SeedSequence]:
    """Every random number of a fit from one SeedSequence: the sampler's candidates, pyabc's main process,
    the predictive check and the noise level's runs."""
    sampler, main, check, noise = np.random.SeedSequence(seed).spawn(4)
    return {"sampler": sampler, "main": main, "check": check, "noise": noise}


def prior_centre() -> dict[str, float]:
    """The middle of every prior range."""
    return {p: (lo + hi) / 2 for p, (lo, hi) in PRIORS.items()}


def noise_level(params: dict[str, float], size: Size, seq: np.random.SeedSequence) -> dict[str, Any]:
    """The distance a model matching the survey exactly would still give: the targets' noise level.

    The survey's figure carries its tolerance, and the model's answer at one
    parameter set carries its own spread over seeds at the fit's size. For
    target k, model minus survey then has variance sd_k**2 + s_k**2, so the
    mean square of the z-scores is mean(1 + s_k**2 / sd_k**2); the noise level
    is its root. A tolerance below it is met only by runs whose noise happens
    to fall toward the survey. Also returned: the mean distance of the single
    runs, and the distance of their mean (the misfit that noise does not
    explain) at `params`.
    """
    from joblib import Parallel, delayed

    model_seeds = np.random.default_rng(seq).integers(0, 2**31 - 1, size=size.noise_seeds)
    stats = Parallel(n_jobs=size.n_procs)(
        delayed(survey_statistics)(params, int(s), size.n_people) for s in model_seeds
    )
    sims = pd.DataFrame(stats)
    spread = sims.std(ddof=1) if len(sims) > 1 else sims.iloc[0] * 0.0
    ratio2 = [float((spread[k] / t.sd) ** 2) for k, t in TARGETS.items()]
    return {
        "level": float(np.sqrt(np.mean([1.0 + r for r in ratio2]))),
        "seeds": size.noise_seeds,
        "model_sd": {k: float(spread[k]) for k in TARGETS},
        "mean_distance_of_runs": float(np.mean([distance(r, _target_values()) for r in stats])),
        "distance_of_mean": distance(sims.mean().to_dict(), _target_values()),
    }


def _target_values() -> dict[str, float]:
    return {k: t.value for k, t in TARGETS.items()}


def run_abc(size: Size, db: Path, min_epsilon: float, seed: int = 0, resume: bool = False) -> tuple[Any, int]:
    """ABC-SMC from uniform priors (or resumed from `db`), stopping at tolerance `min_epsilon` (the targets'
    noise level, `noise_level`) at the latest; returns pyabc's History and the model runs made, counted by
    pyabc or not (`SeededBatchSampler.runs`)."""
    import datetime
    import random

    import pyabc

    from experiments.defensive_kernel import DefensiveTransition
    from experiments.seeded_sampler import SeededBatchSampler
    from experiments.tolerance import FlooredQuantileEpsilon

    seq = seeds(seed)
    main_seed = int(seq["main"].generate_state(1, dtype=np.uint32)[0])
    np.random.seed(main_seed)
    random.seed(main_seed)
    prior = pyabc.Distribution(**{short(p): pyabc.RV("uniform", lo, hi - lo) for p, (lo, hi) in PRIORS.items()})
    sampler = SeededBatchSampler(seq["sampler"], n_procs=size.n_procs)
    # A wide perturbation kernel (4 x the weighted covariance): with a uniform prior and parameters the targets
    # barely inform, the default kernel made the importance weights uneven (effective sample size 18% of the
    # particles by the fourth generation); a wider one keeps the proposal smooth and the weights even. Mixed
    # with the prior (a tenth of proposals): in the generation that reached the noise level, the kernel alone
    # let one particle in a thin part of it carry 30% of the weight (ESS 9.9 of 60).
    bounds = {short(p): lohi for p, lohi in PRIORS.items()}
    transition = DefensiveTransition(bounds, alpha=PRIOR_SHARE, scaling=TRANSITION_SCALING)
    abc = pyabc.ABCSMC(
        _Model(size.n_people), prior, distance, population_size=size.population_size, sampler=sampler,
        transitions=transition, eps=FlooredQuantileEpsilon(floor=min_epsilon, alpha=TOLERANCE_QUANTILE),
    )  # fmt: skip
    db.parent.mkdir(parents=True, exist_ok=True)
    if resume and db.exists():
        abc.load(f"sqlite:///{db}", 1)  # continue the stored run from its last generation
    else:
        abc.new(f"sqlite:///{db}", _target_values())
    history = abc.run(
        minimum_epsilon=min_epsilon,
        min_eps_diff=size.min_eps_diff,
        max_nr_populations=size.max_populations,
        max_total_nr_simulations=size.max_simulations,
        max_walltime=datetime.timedelta(minutes=size.max_minutes),
    )
    return history, sampler.runs


def posterior_frame(history) -> pd.DataFrame:
    """The last generation's particles, columns named by config path, plus normalised weights."""
    df, w = history.get_distribution(m=0, t=history.max_t)
    out = pd.DataFrame({p: df[short(p)].to_numpy() for p in PRIORS})
    out[WEIGHT] = np.asarray(w) / np.sum(w)
    return out


def generation_diagnostics(history) -> list[dict[str, Any]]:
    """Per generation: epsilon, simulations, acceptance rate and effective sample size."""
    from pyabc.weighted_statistics import effective_sample_size

    pops = history.get_all_populations()
    rows = []
    for _, r in pops[pops["t"] >= 0].iterrows():
        _, w = history.get_distribution(m=0, t=int(r["t"]))
        rows.append(
            {
                "generation": int(r["t"]),
                "epsilon": float(r["epsilon"]),
                "simulations": int(r["samples"]),
                "particles": int(r["particles"]),
                "acceptance_rate": float(r["particles"] / r["samples"]) if r["samples"] else None,
                "ess": float(effective_sample_size(np.asarray(w))),
            }
        )
    return rows


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, qs: tuple[float, ...]) -> list[float]:
    order = np.argsort(values)
    cum = np.cumsum(weights[order]) / np.sum(weights)
    return [float(values[order][min(np.searchsorted(cum, q), len(values) - 1)]) for q in qs]


def posterior_summary(post: pd.DataFrame) -> pd.DataFrame:
    """Median and 90% interval of each parameter, with its prior range."""
    w = post[WEIGHT].to_numpy()
    rows = []
    for p, (lo, hi) in PRIORS.items():
        q05, q50, q95 = weighted_quantiles(post[p].to_numpy(), w, (0.05, 0.5, 0.95))
        rows.append({"parameter": p, "median": q50, "lo": q05, "hi": q95, "prior_lo": lo, "prior_hi": hi})
    return pd.DataFrame(rows)


def predictive_check(post: pd.DataFrame, size: Size, seq: np.random.SeedSequence) -> pd.DataFrame:
    """Fresh seeds, parameters drawn from the posterior: the model's targets beside the survey's."""
    from joblib import Parallel, delayed

    rng = np.random.default_rng(seq)
    rows = rng.choice(len(post), size=size.predictive_draws, p=post[WEIGHT].to_numpy())
    model_seeds = rng.integers(0, 2**31 - 1, size=size.predictive_draws)
    draws = [{p: float(post[p].iloc[r]) for p in PRIORS} for r in rows]
    stats = Parallel(n_jobs=size.n_procs)(
        delayed(survey_statistics)(d, int(s), size.n_people) for d, s in zip(draws, model_seeds, strict=True)
    )
    sims = pd.DataFrame(stats)
    out = []
    for name, t in TARGETS.items():
        v = sims[name].to_numpy()
        lo, med, hi = np.quantile(v, [0.05, 0.5, 0.95])
        out.append(
            {
                "target": name,
                "survey": t.value,
                "survey_sd": t.sd,
                "model_median": float(med),
                "model_lo": float(lo),
                "model_hi": float(hi),
                "z": float((med - t.value) / t.sd),
                "survey_in_interval": bool(lo <= t.value <= hi),
            }
        )
    return pd.DataFrame(out)


def identification(summary: pd.DataFrame) -> pd.DataFrame:
    """How much the targets narrowed each prior: the posterior's 90% width over the prior's 90% width.

    Under 0.5 the targets pin the parameter down; above 0.8 it stays near its prior (the figures do not
    inform it, and its uncertainty is carried into every run by the posterior draws).
    """
    out = summary.copy()
    out["width_vs_prior"] = (out["hi"] - out["lo"]) / (0.9 * (out["prior_hi"] - out["prior_lo"]))
    out["identified"] = np.select(
        [out["width_vs_prior"] < 0.5, out["width_vs_prior"] <= 0.8], ["pinned", "narrowed"], "near prior"
    )
    return out


def convergence(first: pd.DataFrame, second: pd.DataFrame) -> list[dict[str, Any]]:
    """Is each parameter's median of a second fit (another seed) inside the first fit's 90% interval?"""
    other = second.set_index("parameter")["median"]
    return [
        {
            "parameter": r["parameter"],
            "median": r["median"],
            "lo": r["lo"],
            "hi": r["hi"],
            "second_median": float(other[r["parameter"]]),
            "inside": bool(r["lo"] <= other[r["parameter"]] <= r["hi"]),
        }
        for _, r in first.iterrows()
    ]


def fit(size: Size, out_dir: Path, seed: int, resume: bool = False) -> tuple[pd.DataFrame, dict[str, Any]]:
    """One ABC-SMC run: its posterior and its diagnostics (generations, summary, wall time).

    It stops when the tolerance reaches the targets' noise level, measured
    first at the prior's centre (`noise_level`), or stops improving, or when
    the simulation budget is spent.
    """
    start = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    noise = noise_level(prior_centre(), size, seeds(seed)["noise"])
    history, runs = run_abc(size, out_dir / "abc.db", noise["level"], seed=seed, resume=resume)
    post = posterior_frame(history)
    gens = generation_diagnostics(history)
    final = {
        "epsilon": gens[-1]["epsilon"],
        "acceptance_rate": gens[-1]["acceptance_rate"],
        "ess": gens[-1]["ess"],
        "ess_share": gens[-1]["ess"] / gens[-1]["particles"],
        "total_simulations": int(sum(g["simulations"] for g in gens)),
        "runs_made": runs,  # with the prior sample and the candidates run past each n-th acceptance
        "stopped_because": _stop_reason(gens, size, noise["level"]),
    }
    summary = identification(posterior_summary(post))
    return post, {"seed": seed, "noise_at_prior_centre": noise, "generations": gens, "final": final,
                  "posterior_summary": summary, "wall_s": round(time.perf_counter() - start, 1)}  # fmt: skip


def _stop_reason(gens: list[dict[str, Any]], size: Size, noise: float) -> str:
    eps = [g["epsilon"] for g in gens]
    if eps[-1] <= noise:
        return f"tolerance reached the targets' noise level ({noise:.3f})"
    if len(eps) > 1 and abs(eps[-1] - eps[-2]) < size.min_eps_diff:
        return f"tolerance stopped improving (by less than {size.min_eps_diff} in a generation)"
    if sum(g["simulations"] for g in gens) >= size.max_simulations:
        return f"simulation budget ({size.max_simulations}) spent"
    if len(gens) >= size.max_populations:
        return f"generation limit ({size.max_populations})"
    return f"wall-time guard ({size.max_minutes:g} min)"


def calibrate(
    size: Size, out_dir: Path, posterior_dir: Path | None, seed: int = 0, check_seed: int | None = None,
    resume: bool = False,
) -> dict[str, Any]:  # fmt: skip
    """Fit, check convergence with a second seed, run the predictive check, write posterior and figures."""
    from analysis.calibration import posterior_figure, predictive_figure, save_figure
    from sim.results.provenance import model_fingerprint

    start, made_by = time.perf_counter(), model_fingerprint()  # the code that runs, even if a commit lands meanwhile
    post, main_fit = fit(size, out_dir, seed, resume=resume)
    check = predictive_check(post, size, seeds(seed)["check"])
    summary = main_fit.pop("posterior_summary")
    medians = dict(zip(summary["parameter"], summary["median"], strict=True))
    # the same model seeds as at the prior's centre: the two levels differ by their parameters, not by chance
    noise_at_posterior = noise_level(medians, size, seeds(seed)["noise"])
    fit_s = time.perf_counter() - start
    conv = None
    if check_seed is not None:
        check_size = replace(size, max_minutes=size.check_minutes)
        _, second = fit(check_size, out_dir / f"seed_{check_seed}", check_seed)
        conv = {
            "seed": check_seed,
            "wall_s": second["wall_s"],
            "final": second["final"],
            "parameters": convergence(summary, second["posterior_summary"]),
        }
        conv["all_inside"] = all(r["inside"] for r in conv["parameters"])
    diagnostics = {
        "model_version": MODEL_VERSION,
        "commit": made_by["git_commit"],
        "dirty": made_by["dirty"],
        "source_sha": made_by["source_sha"],
        "command": "python -m experiments.calibrate" + (" --tiny" if size == TINY else "") + f" --seed {seed}",
        "method": "ABC-SMC (pyabc 0.13), uniform priors over the declared plausible ranges, adaptive tolerance "
        f"(the weighted {TOLERANCE_QUANTILE:g} quantile of the last generation's distances, never below the "
        "noise level, experiments/tolerance.py), distance = RMS of z-scores, multivariate normal kernel at "
        f"{TRANSITION_SCALING:g} x the weighted covariance mixed with the prior ({PRIOR_SHARE:.0%} of proposals, "
        "experiments/defensive_kernel.py); seeded batch sampler (experiments/seeded_sampler.py)",
        "size": size.__dict__,
        "targets": {k: {**t.__dict__, "window": list(t.window)} for k, t in TARGETS.items()},
        **main_fit,
        "posterior_summary": summary.to_dict(orient="records"),
        "predictive_check": check.to_dict(orient="records"),
        "noise_at_posterior_median": noise_at_posterior,
        "convergence": conv,
        "wall_s": {
            "fit": main_fit["wall_s"],
            "fit_with_checks": round(fit_s, 1),
            "total": round(time.perf_counter() - start, 1),
        },
    }
    for d in {out_dir, posterior_dir} - {None}:
        d.mkdir(parents=True, exist_ok=True)
        post.to_csv(d / "posterior.csv", index=False)
        (d / "diagnostics.json").write_text(json.dumps(diagnostics, indent=2) + "\n")
        summary.to_csv(d / "posterior_summary.csv", index=False)
        check.to_csv(d / "predictive_check.csv", index=False)
    for d in {out_dir, posterior_dir} - {None}:
        save_figure(posterior_figure(post, PRIORS), d / "posterior_marginals")
        save_figure(predictive_figure(check), d / "predictive_check")
    return diagnostics


def _report(diag: dict[str, Any]) -> str:
    lines = ["Posterior (median [90% interval]; width / prior's):"]
    for r in diag["posterior_summary"]:
        lines.append(
            f"  {r['parameter']:<28} {r['median']:.3f} [{r['lo']:.3f}, {r['hi']:.3f}]"
            f"  {r['width_vs_prior']:.2f} {r['identified']}"
        )
    lines.append("Posterior predictive check (model median [90%] vs survey):")
    for r in diag["predictive_check"]:
        lines.append(
            f"  {r['target']:<24} {r['model_median']:.3f} [{r['model_lo']:.3f}, {r['model_hi']:.3f}]"
            f"  survey {r['survey']:.3f} +/- {r['survey_sd']:.3f}"
        )
    f = diag["final"]
    lines.append(
        f"Final epsilon {f['epsilon']:.3f}, acceptance {f['acceptance_rate']:.3f}, ESS {f['ess']:.1f}"
        f" ({f['ess_share']:.0%} of particles), simulations {f['total_simulations']} (runs made"
        f" {f['runs_made']}); {f['stopped_because']}"
    )
    prior, post = diag["noise_at_prior_centre"], diag["noise_at_posterior_median"]
    lines.append(
        f"Noise level {prior['level']:.3f} at the prior's centre, {post['level']:.3f} at the posterior median; "
        f"there a run's mean distance {post['mean_distance_of_runs']:.3f}, "
        f"the runs' mean {post['distance_of_mean']:.3f}"
    )
    conv = diag["convergence"]
    if conv:
        outside = [r["parameter"] for r in conv["parameters"] if not r["inside"]]
        lines.append(
            f"Convergence (seed {conv['seed']}): "
            + ("every median inside the first fit's 90% interval" if not outside else f"outside: {outside}")
        )
    lines.append(f"Wall time: {diag['wall_s']}")
    return "\n".join(lines)


def tiny_requested(argv_tiny: bool) -> bool:
    return argv_tiny or os.environ.get("UPTAKE_TINY", "") not in ("", "0")


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tiny", action="store_true", help="CI size; does not touch data/posterior/")
    parser.add_argument("--seed", type=int, default=0, help="the fit's seed (one SeedSequence for everything)")
    parser.add_argument("--no-check", action="store_true", help="skip the second fit (convergence check)")
    parser.add_argument("--out", type=Path, default=None, help="output folder")
    parser.add_argument("--resume", action="store_true", help="continue the run stored in OUT/abc.db")
    parser.add_argument("--generations", type=int, default=None, help="at most this many (more) generations")
    args = parser.parse_args(argv)
    tiny = tiny_requested(args.tiny)
    size = TINY if tiny else FULL
    if args.generations is not None:
        size = replace(size, max_populations=args.generations)
    logging.getLogger("ABC").setLevel(logging.WARNING)
    stamp = time.strftime("%Y-%m-%d_%H-%M-%S")
    from experiments.common import own_folder

    # a new folder of this call's own unless named: nothing an earlier call wrote is replaced
    out = args.out or own_folder(ROOT / "outputs" / "calibration" / (("tiny_" if tiny else "") + stamp))
    posterior_dir = None if tiny or args.seed != 0 else ROOT / "data" / "posterior"
    check_seed = None if args.no_check or tiny else args.seed + 1
    diag = calibrate(size, out, posterior_dir, seed=args.seed, check_seed=check_seed, resume=args.resume)
    print(_report(diag))
    print(f"\nOutputs: {out}")
    return out


if __name__ == "__main__":
    # Run the importable module, so that parallel workers can unpickle its functions.
    from experiments.calibrate import main as _main

    _main()
