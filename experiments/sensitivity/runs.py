"""The sensitivity analysis's size, its outputs, and the runs of a sample: each point the directive against its
paired firewall run on one fixed seed (`experiments.points.evaluate`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments import points
from experiments.design import LAST_YEAR, load_size, run_points, spawn_seeds

OUTPUTS = ("uptake_loss_final_pp", "uptake_loss_last_year_pp", "mixed_child_loss_last_year_pp")
SCREEN_OUTPUTS = OUTPUTS[:2]  # the directive's uptake loss: what the screen ranks by
UNITS = {
    "uptake_loss_final_pp": "pp, directive minus paired firewall run, final week, all eligible people",
    "uptake_loss_last_year_pp": f"pp, directive minus paired firewall run, mean of the last {LAST_YEAR} weeks",
    "mixed_child_loss_last_year_pp": f"pp, citizens in mixed-status households, pooled over the last {LAST_YEAR} weeks",
}
SEED_NAMES = ("morris", "sobol", "bootstrap")  # the samplers' and the bootstraps'; the model's is the seed itself
CHECKPOINT = "sensitivity.checkpoint.jsonl"  # the runs done so far, in the runs folder: a stopped run resumes


@dataclass(frozen=True)
class Size:
    n_people: int
    weeks: int
    morris_trajectories: int
    sobol_top: int
    sobol_n: int  # base sample size of the larger Saltelli sample (a power of 2)
    chance_seeds: int  # other seeds at the defaults, for the chance level
    n_jobs: int
    resamples: int
    start_week: int | None = None  # the directive's start; None: its regime file's (week 8)

    def runs(self, n_parameters: int | None = None) -> dict[str, int]:
        """Paired runs of each stage (Morris, Sobol, chance, transfer swing)."""
        k = len(points.RANGES) if n_parameters is None else n_parameters
        return {
            "morris": self.morris_trajectories * (k + 1),
            "sobol": self.sobol_n * (self.sobol_top + 2),
            "chance": self.chance_seeds,
            "transfer_swing": 2,
        }


FULL = load_size("sensitivity", Size, "full")  # conf/experiment/sizes/sensitivity.yaml
TINY = load_size("sensitivity", Size, "tiny")
PER_RUN_S = {"idle": 1.1, "loaded": 1.6}  # CPU s per paired run at FULL's size, as measured there


def seeds(seed: int) -> dict[str, int]:
    """The samplers' and bootstraps' seeds, from one SeedSequence; the model's seed is `seed` itself."""
    return spawn_seeds(seed, SEED_NAMES)


def problem(names: list[str]) -> dict[str, Any]:
    """SALib's problem over `names`, each over its declared plausible range."""
    return {"num_vars": len(names), "names": names, "bounds": [list(points.RANGES[n]) for n in names]}


def evaluate_many(
    jobs: list[tuple[dict[str, float], int]], size: Size, checkpoint: Path | None = None
) -> list[dict[str, float]]:
    """`points.evaluate` of each (params, seed), in order, over `size.n_jobs` worker processes."""
    return run_points(points.evaluate, [(params, size, seed) for params, seed in jobs], size.n_jobs, checkpoint)


def run_sample(x: np.ndarray, names: list[str], size: Size, seed: int, checkpoint: Path | None = None) -> pd.DataFrame:
    """Evaluate every row of the sample matrix `x` (columns = `names`) on `seed`; inputs beside outputs."""
    rows = evaluate_many([(dict(zip(names, map(float, r), strict=True)), seed) for r in x], size, checkpoint)
    return pd.concat([pd.DataFrame(x, columns=names), pd.DataFrame(rows)], axis=1)


def finite(y: np.ndarray) -> np.ndarray:
    """A group with nobody eligible has no loss; give such runs the sample median so SALib can proceed."""
    y = y.astype(float).copy()
    bad = ~np.isfinite(y)
    if bad.any():
        y[bad] = np.nanmedian(y) if (~bad).any() else 0.0
    return y
