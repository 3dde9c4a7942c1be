"""The checks of a fit: does the posterior reproduce the survey (predictive check), and does a second seed
land inside the first fit's intervals (convergence)?"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from experiments.calibration.priors import PRIORS
from experiments.calibration.simulator import survey_statistics
from experiments.calibration.sizes import Size
from experiments.calibration.targets import TARGETS
from sim.launch.posterior import WEIGHT


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
