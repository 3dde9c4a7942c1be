"""Calibration: fit the uncertain behavioural parameters to published survey figures by ABC-SMC.

The whole calibration behind `python -m experiments.calibrate`: the fit
(`smc`), its convergence check with a second seed and its predictive check
(`checks`), the noise level at the posterior's median (`noise`), then the
posterior, its diagnostics and figures written to the run's folder (and to
data/posterior/ for the committed fit).
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from experiments import design
from experiments.calibration.checks import convergence, predictive_check
from experiments.calibration.noise import noise_level
from experiments.calibration.priors import PRIORS
from experiments.calibration.seeds import seeds
from experiments.calibration.sizes import FULL, TINY, Size
from experiments.calibration.smc import PRIOR_SHARE, TOLERANCE_QUANTILE, TRANSITION_SCALING, fit
from experiments.calibration.targets import TARGETS
from sim import MODEL_VERSION
from sim.config.paths import ROOT


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
        "noise level, experiments/calibration/tolerance.py), distance = RMS of z-scores, multivariate normal "
        f"kernel at {TRANSITION_SCALING:g} x the weighted covariance mixed with the prior ({PRIOR_SHARE:.0%} of "
        "proposals, experiments/calibration/defensive_kernel.py); seeded batch sampler "
        "(experiments/calibration/seeded_sampler.py)",
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


def report(diag: dict[str, Any]) -> str:
    """The diagnostics a reader checks first, as text for the terminal."""
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


def main(argv: list[str] | None = None) -> Path:
    """Parse the command line, run the calibration in a folder of its own, print its report; returns the folder."""
    parser = argparse.ArgumentParser(prog="python -m experiments.calibrate", description=__doc__.split("\n")[0])
    design.add_options(
        parser, "tiny", "seed", tiny="CI size; does not touch data/posterior/",
        seed="the fit's seed (one SeedSequence for everything)",
    )  # fmt: skip
    parser.add_argument("--no-check", action="store_true", help="skip the second fit (convergence check)")
    design.add_options(parser, "out", out="output folder")
    parser.add_argument("--resume", action="store_true", help="continue the run stored in OUT/abc.db")
    parser.add_argument("--generations", type=int, default=None, help="at most this many (more) generations")
    args = parser.parse_args(argv)
    tiny = design.wants_tiny(args)
    size = TINY if tiny else FULL
    if args.generations is not None:
        size = replace(size, max_populations=args.generations)
    logging.getLogger("ABC").setLevel(logging.WARNING)
    # a new folder of this call's own unless named: nothing an earlier call wrote is replaced
    out = design.output_folder("calibration", args.out, tiny)
    posterior_dir = None if tiny or args.seed != 0 else ROOT / "data" / "posterior"
    check_seed = None if args.no_check or tiny else args.seed + 1
    diag = calibrate(size, out, posterior_dir, seed=args.seed, check_seed=check_seed, resume=args.resume)
    print(report(diag))
    print(f"\nOutputs: {out}")
    return out
