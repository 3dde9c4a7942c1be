"""The fit's tolerance schedule: a weighted quantile of the last generation's distances, never below a floor.

pyabc's adaptive tolerance takes, each generation, a quantile of the last
generation's distances. When the fit stops at the targets' noise level
(`experiments.calibration.noise.noise_level`), the generation that first crosses it
may land well below it, where acceptance falls steeply (a run's noise has to
fall toward the survey) and the generation costs far more simulations, for a
tolerance finer than the targets can tell apart. Held at the floor, that last
generation runs at the noise level itself.
"""

from __future__ import annotations

import pandas as pd
import pyabc


class FlooredQuantileEpsilon(pyabc.QuantileEpsilon):
    """`pyabc.QuantileEpsilon` (the `alpha` weighted quantile of the last distances) raised to `floor`."""

    def __init__(self, floor: float, alpha: float) -> None:
        if not floor > 0:
            raise ValueError(f"floor = {floor!r}: the tolerance's floor must be a positive distance")
        super().__init__(alpha=alpha, weighted=True)
        self.floor = floor

    def get_config(self) -> dict:
        return {**super().get_config(), "floor": self.floor}

    def _update(self, t: int, weighted_distances: pd.DataFrame) -> None:
        super()._update(t, weighted_distances)
        self._look_up[t] = max(self._look_up[t], self.floor)
