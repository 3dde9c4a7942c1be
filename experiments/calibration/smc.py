"""One ABC-SMC run: pyabc set up with the fit's prior, kernel, tolerance and seeded sampler, and what it found.

pyabc's ABC-SMC returns weighted particles (the posterior) and, per
generation, its tolerance, simulations and effective sample size. A fit
stops when the tolerance reaches the targets' noise level (`noise`), stops
improving, or its simulation budget is spent.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.calibration.noise import noise_level
from experiments.calibration.priors import PRIORS, prior_centre, short
from experiments.calibration.seeds import seeds
from experiments.calibration.simulator import SurveyModel, distance
from experiments.calibration.sizes import Size
from experiments.calibration.summary import identification, posterior_summary
from experiments.calibration.targets import target_values
from sim.launch.posterior import WEIGHT

TRANSITION_SCALING = 4.0
PRIOR_SHARE = 0.1  # of proposals drawn from the prior itself (experiments/calibration/defensive_kernel.py)
TOLERANCE_QUANTILE = 0.4  # each generation's tolerance: this weighted quantile of the last one's distances


def run_abc(size: Size, db: Path, min_epsilon: float, seed: int = 0, resume: bool = False) -> tuple[Any, int]:
    """ABC-SMC from uniform priors (or resumed from `db`), stopping at tolerance `min_epsilon` (the targets'
    noise level, `noise_level`) at the latest; returns pyabc's History and the model runs made, counted by
    pyabc or not (`SeededBatchSampler.runs`)."""
    import datetime
    import random

    import pyabc

    from experiments.calibration.defensive_kernel import DefensiveTransition
    from experiments.calibration.seeded_sampler import SeededBatchSampler
    from experiments.calibration.tolerance import FlooredQuantileEpsilon

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
        SurveyModel(size.n_people), prior, distance, population_size=size.population_size, sampler=sampler,
        transitions=transition, eps=FlooredQuantileEpsilon(floor=min_epsilon, alpha=TOLERANCE_QUANTILE),
    )  # fmt: skip
    db.parent.mkdir(parents=True, exist_ok=True)
    if resume and db.exists():
        abc.load(f"sqlite:///{db}", 1)  # continue the stored run from its last generation
    else:
        abc.new(f"sqlite:///{db}", target_values())
    history = abc.run(
        minimum_epsilon=min_epsilon,
        min_eps_diff=size.min_eps_diff,
        max_nr_populations=size.max_populations,
        max_total_nr_simulations=size.max_simulations,
        max_walltime=datetime.timedelta(minutes=size.max_minutes),
    )
    return history, sampler.runs


def posterior_frame(history: Any) -> pd.DataFrame:
    """The last generation's particles, columns named by config path, plus normalised weights."""
    df, w = history.get_distribution(m=0, t=history.max_t)
    out = pd.DataFrame({p: df[short(p)].to_numpy() for p in PRIORS})
    out[WEIGHT] = np.asarray(w) / np.sum(w)
    return out


def generation_diagnostics(history: Any) -> list[dict[str, Any]]:
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
