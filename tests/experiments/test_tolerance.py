"""The fit's tolerance: pyabc's weighted quantile of the last distances, held at the noise level's floor."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyabc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments.calibration.tolerance import FlooredQuantileEpsilon


@settings(max_examples=60, deadline=None)
@given(
    distances=st.lists(st.floats(0.01, 10.0), min_size=2, max_size=40),
    floor=st.floats(0.01, 10.0),
    alpha=st.sampled_from([0.3, 0.4, 0.5]),
)
def test_the_tolerance_is_pyabc_s_quantile_or_the_floor_whichever_is_larger(
    distances: list[float], floor: float, alpha: float
) -> None:
    frame = pd.DataFrame({"distance": distances, "w": np.linspace(1.0, 2.0, len(distances))})
    floored, plain = FlooredQuantileEpsilon(floor=floor, alpha=alpha), pyabc.QuantileEpsilon(alpha=alpha)
    floored.update(3, lambda: frame.copy(), None, 0.1, None)
    plain.update(3, lambda: frame.copy(), None, 0.1, None)
    assert floored(3) == max(plain(3), floor)
    assert floored(3) >= floor


@pytest.mark.parametrize("floor", [0.0, -1.0, float("nan")])
def test_a_floor_that_is_not_a_positive_distance_is_refused(floor: float) -> None:
    with pytest.raises(ValueError, match="floor"):
        FlooredQuantileEpsilon(floor=floor, alpha=0.4)
