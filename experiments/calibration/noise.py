"""The targets' noise level: the distance below which a smaller tolerance no longer tells parameters apart.

The fit stops there (`smc.fit`), and its tolerance schedule never goes below
it (`tolerance.FlooredQuantileEpsilon`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from experiments.calibration.simulator import distance, survey_statistics
from experiments.calibration.sizes import Size
from experiments.calibration.targets import TARGETS, target_values


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
        "mean_distance_of_runs": float(np.mean([distance(r, target_values()) for r in stats])),
        "distance_of_mean": distance(sims.mean().to_dict(), target_values()),
    }
