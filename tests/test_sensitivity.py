"""Global sensitivity: screening, Sobol plumbing on a function with known indices, and a micro run."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from experiments import sensitivity as sa


def test_ranges_are_valid_and_cover_the_calibrated_parameters() -> None:
    from experiments.calibrate import PRIORS
    from sim.params import plausible

    assert set(PRIORS) <= set(sa.RANGES)
    for name, (lo, hi) in sa.RANGES.items():
        assert lo < hi, name
        assert (lo, hi) == plausible(name), f"{name}: the range is the declared plausible range"


def test_sobol_samples_nest_so_the_smaller_size_is_the_first_half() -> None:
    from SALib.sample import sobol as sobol_sample

    prob = sa.problem(list(sa.RANGES)[:3])
    small = sobol_sample.sample(prob, 8, calc_second_order=False, seed=2)
    large = sobol_sample.sample(prob, 16, calc_second_order=False, seed=2)
    np.testing.assert_array_equal(large[: len(small)], small)


def test_screen_ranks_by_scaled_mu_star_across_outputs() -> None:
    df = pd.DataFrame(
        {
            "output": ["a", "a", "a", "b", "b", "b"],
            "parameter": ["x", "y", "z"] * 2,
            "mu_star": [10.0, 1.0, 5.0, 0.1, 0.2, 0.01],  # y dominates b, x dominates a
        }
    )
    assert sa.screen(df, 2) == ["x", "y"]


def test_sobol_recovers_known_indices(monkeypatch) -> None:
    """Y = 4 x0 + x1 on equal ranges, x2 inert: S1 ~ 16/17, 1/17, 0 for every output."""
    names = list(sa.RANGES)[:3]
    lo = np.array([sa.RANGES[n][0] for n in names])
    width = np.array([sa.RANGES[n][1] - sa.RANGES[n][0] for n in names])

    def fake(x: np.ndarray, cols: list[str], size) -> pd.DataFrame:
        u = (x - lo) / width
        y = 4.0 * u[:, 0] + u[:, 1]
        return pd.concat([pd.DataFrame(x, columns=cols), pd.DataFrame({o: y for o in sa.OUTPUTS})], axis=1)

    monkeypatch.setattr(sa, "run_points", fake)
    size = replace(sa.TINY, sobol_n=512, resamples=50)
    df, _ = sa.sobol(names, size)
    big = df[(df["N"] == 512) & (df["output"] == "uptake_loss_pp")].set_index(["parameter", "order"])["index"]
    assert big[(names[0], "first")] == pytest.approx(16 / 17, abs=0.05)
    assert big[(names[1], "first")] == pytest.approx(1 / 17, abs=0.03)
    assert abs(big[(names[2], "total")]) < 0.02
    assert set(df["N"]) == {256, 512}
    assert (df["lo"] <= df["index"]).all() and (df["index"] <= df["hi"]).all()


def test_micro_sensitivity_writes_tables_and_figures(tmp_path) -> None:
    size = replace(sa.TINY, n_people=600, weeks=20, morris_trajectories=2, sobol_top=2, sobol_n=4, resamples=20)
    summary = sa.sensitivity(size, tmp_path)
    assert len(summary["screened"]) == 2
    sobol = pd.read_csv(tmp_path / "sobol.csv")
    assert set(sobol["output"]) == set(sa.OUTPUTS)
    assert set(sobol["parameter"]) == set(summary["screened"])
    for stem in ("sobol_indices", "sobol_convergence"):
        for ext in ("png", "pdf", "csv"):
            assert (tmp_path / f"{stem}.{ext}").stat().st_size > 0
