"""Morris screening: elementary effects of every parameter on every output, and the screen that picks the
parameters Sobol's indices are computed for."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments import points
from experiments.sensitivity.runs import OUTPUTS, SCREEN_OUTPUTS, UNITS, Size, finite, problem, run_sample, seeds

LEVELS = 4
MORRIS_UNIT = "output's unit per full plausible range (elementary effect: change over a step / step's share of range)"
MORRIS_INTERVAL = "95% bootstrap interval of mu* over the trajectories' elementary effects; one fixed seed"
MORRIS_COLUMNS = [
    "output", "parameter", "rank", "mu_star", "mu_star_lo", "mu_star_hi", "mu", "sigma", "chance_mu_star",
    "above_chance", "screen_rank", "in_sobol", "range_lo", "range_hi", "output_unit", "unit", "interval",
]  # fmt: skip


def morris_sample(names: list[str], size: Size, seed: int) -> np.ndarray:
    """The Morris trajectories (rows: points, columns: `names`), from the seed."""
    from SALib.sample import morris as salib_morris

    return salib_morris.sample(problem(names), size.morris_trajectories, num_levels=LEVELS, seed=seeds(seed)["morris"])


def morris_indices(names: list[str], runs: pd.DataFrame, size: Size, seed: int) -> pd.DataFrame:
    """mu*, its 95% bootstrap interval, mu and sigma of each parameter for each output, ranked per output."""
    from SALib.analyze import morris as salib_morris

    x = runs[names].to_numpy()
    rows = []
    for out in OUTPUTS:
        res = salib_morris.analyze(
            problem(names), x, finite(runs[out].to_numpy()), num_levels=LEVELS, num_resamples=size.resamples,
            seed=seeds(seed)["bootstrap"],
        )  # fmt: skip
        for i, name in enumerate(names):
            mu_star, half = float(res["mu_star"][i]), float(res["mu_star_conf"][i])
            rows.append(
                {
                    "output": out,
                    "parameter": name,
                    "mu_star": mu_star,
                    "mu_star_lo": max(mu_star - half, 0.0),
                    "mu_star_hi": mu_star + half,
                    "mu": float(res["mu"][i]),
                    "sigma": float(res["sigma"][i]),
                }
            )
    df = pd.DataFrame(rows)
    df["rank"] = df.groupby("output")["mu_star"].rank(ascending=False, method="min").astype(int)
    return df


def morris(
    names: list[str], size: Size, seed: int, checkpoint: Path | None = None, x: np.ndarray | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Morris elementary effects of every parameter of `names` on every output; returns (indices, runs).
    `x`: the sample, when the caller has drawn it (`morris_sample`) to check its points first."""
    x = morris_sample(names, size, seed) if x is None else x
    runs = run_sample(x, names, size, seed, checkpoint)
    return morris_indices(names, runs, size, seed), runs


def screen_scores(morris_df: pd.DataFrame, outputs: tuple[str, ...] = SCREEN_OUTPUTS) -> pd.Series:
    """Each parameter's mu* scaled to each output's largest, averaged over `outputs`, largest first."""
    df = morris_df[morris_df["output"].isin(outputs)]
    top = df.groupby("output")["mu_star"].transform("max")
    scaled = df.assign(s=(df["mu_star"] / top.where(top > 0)).fillna(0.0))
    return scaled.groupby("parameter")["s"].mean().sort_values(ascending=False, kind="stable")


def screen(morris_df: pd.DataFrame, top: int, outputs: tuple[str, ...] = SCREEN_OUTPUTS) -> list[str]:
    """The `top` parameters by scaled mu* (`screen_scores`)."""
    return list(screen_scores(morris_df, outputs).index[:top])


def chance_mu_star(sd: float) -> float:
    """The mean |elementary effect| of a parameter that does nothing, if the two runs of a step shared no
    randomness: E|y1 - y2| / step = 2 sd / (sqrt(pi) x 2/3) with 4 levels."""
    step = LEVELS / (2 * (LEVELS - 1))  # SALib's Morris step, as a share of the range
    return 2 * sd / (np.sqrt(np.pi) * step)


def morris_table(morris_df: pd.DataFrame, chosen: list[str], chance_: dict[str, Any]) -> pd.DataFrame:
    """The Morris indices with ranks, ranges, the chance level, the screen and what each column carries."""
    scores = screen_scores(morris_df)
    screen_rank = {p: i + 1 for i, p in enumerate(scores.index)}
    df = morris_df.copy()
    df["chance_mu_star"] = df["output"].map(lambda o: chance_[o]["chance_mu_star"])
    df["above_chance"] = df["mu_star_lo"] > df["chance_mu_star"]
    df["screen_rank"] = df["parameter"].map(screen_rank)
    df["in_sobol"] = df["parameter"].isin(chosen)
    df["range_lo"] = df["parameter"].map(lambda p: points.RANGES[p][0])
    df["range_hi"] = df["parameter"].map(lambda p: points.RANGES[p][1])
    df["output_unit"] = df["output"].map(UNITS)
    df["unit"] = MORRIS_UNIT
    df["interval"] = MORRIS_INTERVAL
    return df[MORRIS_COLUMNS].sort_values(["output", "rank", "parameter"]).reset_index(drop=True)
