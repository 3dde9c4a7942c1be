"""What a posterior says about each parameter: its median and 90% interval, and how far the targets narrowed it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.calibration.priors import PRIORS
from sim.launch.posterior import WEIGHT


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, qs: tuple[float, ...]) -> list[float]:
    """The smallest particle values whose cumulative normalised weight reaches each q (no interpolation)."""
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
