"""Sobol indices of the screened parameters: first- and total-order, at two nested sample sizes, with 95%
bootstrap intervals; the parameters not screened held at their defaults."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from experiments.sensitivity.runs import OUTPUTS, Size, finite, problem, run_sample, seeds

SOBOL_UNIT = "share of the output's variance over the screened parameters' ranges (the rest at defaults)"
SOBOL_INTERVAL = "95% bootstrap interval of the index; one fixed seed (chance frozen, not sampled)"


def sobol_sample(names: list[str], size: Size, seed: int) -> np.ndarray:
    """The Saltelli sample of base size N for first- and total-order indices, from the seed."""
    from SALib.sample import sobol as salib_sobol

    return salib_sobol.sample(problem(names), size.sobol_n, calc_second_order=False, seed=seeds(seed)["sobol"])


def sobol_indices(names: list[str], runs: pd.DataFrame, size: Size, seed: int) -> pd.DataFrame:
    """S1 and ST with 95% bootstrap intervals at N/2 (the sample's first half) and N; NaN where nothing varies."""
    from SALib.analyze import sobol as salib_sobol

    rows = []
    per_base = len(names) + 2
    for n in (size.sobol_n // 2, size.sobol_n):
        for out in OUTPUTS:
            y = finite(runs[out].to_numpy()[: n * per_base])
            if np.ptp(y) == 0:  # the output does not vary: its variance has no shares to give
                nan = np.full(len(names), np.nan)
                res = {"S1": nan, "S1_conf": nan, "ST": nan, "ST_conf": nan}
            else:
                res = salib_sobol.analyze(
                    problem(names), y, calc_second_order=False, num_resamples=size.resamples, conf_level=0.95,
                    seed=seeds(seed)["bootstrap"],
                )  # fmt: skip
            for i, name in enumerate(names):
                for order, key in (("first", "S1"), ("total", "ST")):
                    est, half = float(res[key][i]), float(res[f"{key}_conf"][i])
                    rows.append(
                        {
                            "N": n,
                            "runs": n * per_base,
                            "output": out,
                            "parameter": name,
                            "order": order,
                            "index": est,
                            "lo": est - half,
                            "hi": est + half,
                        }
                    )
    return pd.DataFrame(rows).assign(unit=SOBOL_UNIT, interval=SOBOL_INTERVAL)


def sobol(
    names: list[str], size: Size, seed: int, checkpoint: Path | None = None, x: np.ndarray | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """First- and total-order indices with 95% bootstrap intervals, at N/2 and N; returns (indices, runs).
    `x`: the sample, when the caller has drawn it (`sobol_sample`) to check its points first."""
    x = sobol_sample(names, size, seed) if x is None else x
    runs = run_sample(x, names, size, seed, checkpoint)
    return sobol_indices(names, runs, size, seed), runs
