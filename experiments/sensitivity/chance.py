"""What chance alone does, and what the announcement transfer does alone: runs at the declared defaults on other
seeds, and at the two ends of the transfer's range."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from experiments import points
from experiments.sensitivity.morris import chance_mu_star
from experiments.sensitivity.runs import OUTPUTS, Size, evaluate_many
from sim.config.params import TRANSFER


def chance_jobs(size: Size, seed: int) -> list[tuple[dict[str, float], int]]:
    """(params, seed) of the chance runs: the declared defaults on `chance_seeds` other seeds."""
    return [({}, seed + 1 + i) for i in range(size.chance_seeds)]


def swing_jobs(seed: int) -> list[tuple[dict[str, float], int]]:
    """(params, seed) of the transfer's swing: each end of its range on `seed`, everything else at defaults."""
    lo, hi = points.RANGES[TRANSFER]
    return [({TRANSFER: lo}, seed), ({TRANSFER: hi}, seed)]


def chance(size: Size, seed: int, checkpoint: Path | None = None) -> tuple[dict[str, Any], pd.DataFrame]:
    """How much of an effect chance alone could make: each output over other seeds, at the defaults.

    `chance_mu_star` (`experiments.sensitivity.morris.chance_mu_star`) is the mean |elementary effect| of a
    parameter that does nothing, if the two runs of a step shared no randomness. The runs of a step share the
    seed, so chance moves them less: it is an upper bound.
    """
    jobs = chance_jobs(size, seed)
    others = [s for _, s in jobs]
    runs = pd.DataFrame(evaluate_many(jobs, size, checkpoint)).assign(seed=others)
    out: dict[str, Any] = {"seeds": others, "at": "declared defaults"}
    for name in OUTPUTS:
        sd = float(runs[name].std(ddof=1)) if len(runs) > 1 else float("nan")
        out[name] = {"mean": float(runs[name].mean()), "sd": sd, "chance_mu_star": chance_mu_star(sd)}
    return out, runs


def transfer_swing(size: Size, seed: int, checkpoint: Path | None = None) -> dict[str, Any]:
    """Each output at the two ends of the transfer's range, everything else at the defaults, on `seed`."""
    lo, hi = points.RANGES[TRANSFER]
    at = dict(zip((lo, hi), evaluate_many(swing_jobs(seed), size, checkpoint), strict=True))
    return {
        "at": [lo, hi],
        **{o: {"low": at[lo][o], "high": at[hi][o], "swing": at[hi][o] - at[lo][o]} for o in OUTPUTS},
    }
