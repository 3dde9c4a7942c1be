"""A perturbation kernel mixed with the uniform prior, so that no particle's importance weight runs away.

ABC-SMC weights an accepted particle by its prior density over the density of
the proposal that drew it. pyabc's multivariate normal kernel, fitted to the
last generation, is thin where that generation had few particles, and a
particle accepted there takes a weight that can dwarf the rest: in a fit of
this model, one particle of 60 carried 30% of the weight in the generation that
reached the targets' noise level (effective sample size 9.9 of 60). Drawing a
share `alpha` of the proposals from the prior itself (defensive importance
sampling, Hesterberg 1995, Technometrics 37:185) keeps the proposal's density
at least `alpha` times the prior's everywhere in the prior's box, so no
particle's weight can exceed 1 / `alpha` times the prior-relative scale. The
cost: those proposals are accepted less often, so a generation needs somewhat
more simulations.

Draws use numpy's global generator, which `experiments.calibration.seeded_sampler` seeds
for each candidate, so the fit stays reproducible from its seed.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pyabc
from pyabc import Parameter


class DefensiveTransition(pyabc.MultivariateNormalTransition):
    """With probability `alpha` a draw from the uniform prior over `bounds`, else pyabc's multivariate normal
    kernel (at `scaling` x the weighted covariance); its density is the same mixture."""

    def __init__(self, bounds: dict[str, tuple[float, float]], alpha: float, scaling: float = 1.0) -> None:
        if not 0.0 < alpha < 1.0:
            raise ValueError(f"alpha = {alpha!r}: the prior's share of proposals must lie strictly between 0 and 1")
        super().__init__(scaling=scaling)
        self.bounds = bounds
        self.alpha = alpha
        self._prior_density = 1.0 / math.prod(hi - lo for lo, hi in bounds.values())

    def rvs_single(self) -> Parameter:
        if np.random.uniform() < self.alpha:
            return Parameter({k: lo + (hi - lo) * np.random.uniform() for k, (lo, hi) in self._ordered_bounds()})
        return super().rvs_single()

    def rvs(self, size: int | None = None) -> Parameter | pd.DataFrame:
        if size is None:
            return self.rvs_single()
        return pd.DataFrame([dict(self.rvs_single()) for _ in range(size)], columns=self.X.columns)

    def pdf(self, x: Parameter | pd.Series | pd.DataFrame) -> float | np.ndarray:
        kernel = super().pdf(x)
        if isinstance(x, pd.DataFrame):
            inside = np.ones(len(x), dtype=bool)
            for k, (lo, hi) in self.bounds.items():
                inside &= (x[k].to_numpy() >= lo) & (x[k].to_numpy() <= hi)
        else:
            inside = all(lo <= x[k] <= hi for k, (lo, hi) in self.bounds.items())
        return self.alpha * self._prior_density * inside + (1.0 - self.alpha) * kernel

    def _ordered_bounds(self) -> list[tuple[str, tuple[float, float]]]:
        """The bounds in the fitted particles' column order, so a prior draw is laid out like a kernel draw."""
        return [(k, self.bounds[k]) for k in self.X.columns]
