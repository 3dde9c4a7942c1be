"""The confidence interval of a mean: Student's t, written once.

Every table of the project that gives a mean over seeds (or regions) gives the
half-width of its t-interval from here: the figures' tables (`analysis.stats`),
the validation (`experiments.validation`) and the covered-versus-uncovered gap
of a run (Welch's interval, `sim.results.metrics`). The spread of outcomes (the
predictive interval) is a different thing and stays with its callers.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def t_half_width(sd: Any, n: Any, level: float) -> Any:
    """Half-width of the `level` t-interval of a mean of `n` values with sample sd `sd`.

    Vectorised over `sd` and `n` (numpy arrays or pandas Series keep their type); `n` below 2 gives the
    width of one degree of freedom, which callers mask (a single run has no interval).
    """
    from scipy import stats  # here, not at the top: scipy.stats costs 0.5 s and 30 MB at import, and a run needs none

    dof = np.maximum(n - 1, 1)
    return stats.t.ppf(0.5 + level / 2, dof) * sd / np.sqrt(np.maximum(n, 1))


def welch_half_width(a: np.ndarray, b: np.ndarray, level: float) -> tuple[float, float] | None:
    """(standard error, half-width) of the `level` Welch t-interval of mean(a) - mean(b), or None.

    None when either side has fewer than two values; a zero standard error gives a zero half-width.
    """
    from scipy import stats  # at call time, as in t_half_width

    if len(a) < 2 or len(b) < 2:
        return None
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = float(np.sqrt(va + vb))
    if se == 0:
        return 0.0, 0.0
    dof = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    return se, float(stats.t.ppf(0.5 + level / 2, dof)) * se
