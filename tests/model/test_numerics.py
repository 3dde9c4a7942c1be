"""The numbers: converging across seeds, paired comparisons pay off, thread-proof.

Tolerances are measured, and documented in docs/reliability.md with the
commands that reproduce them. Agreement of the two engines is the subject of
tests/model/test_equivalence.py; each policy lever's direction under paired seeds, of
tests/model/test_lever_directions.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim.launch.simulate import run_scenario
from tests.conftest import ROOT, small_config
from tests.model.test_lever_directions import EXPOSED  # many noncitizen households, an active ICE

# ------------------------------------------------------------ convergence and pairing

CONV_SEEDS = 48
PAIRED_KEYS = ("uptake_mean", "uptake_final", "appointments_attended", "benefits_paid_usd", "benefits_forgone_usd")


@pytest.fixture(scope="module")
def paired_runs() -> dict[str, dict[str, np.ndarray]]:
    """Headline metrics of CONV_SEEDS paired runs: the directive ("policy") and its firewall counterpart."""
    return paired_metrics(CONV_SEEDS)


def paired_metrics(seeds: int) -> dict[str, dict[str, np.ndarray]]:
    out: dict[str, dict[str, list]] = {"policy": {k: [] for k in PAIRED_KEYS}, "firewall": {k: [] for k in PAIRED_KEYS}}
    out["policy"]["uptake_loss_mean_pp"] = []
    for seed in range(seeds):
        s = run_scenario(small_config(n_people=2000, weeks=52, seed=seed, paired=True, **EXPOSED)).summary
        for key in PAIRED_KEYS:
            out["policy"][key].append(s["metrics"][key])
            out["firewall"][key].append(s["baseline_metrics"][key])
        out["policy"]["uptake_loss_mean_pp"].append(s["metrics"]["uptake_loss_mean_pp"])
    return {arm: {k: np.array(v, dtype=float) for k, v in d.items()} for arm, d in out.items()}


def se_slope(x: np.ndarray) -> float:
    """Log-log slope of the spread of batch means against batch size (1/sqrt(n) gives -0.5)."""
    sizes = np.array([1, 2, 4, 8])
    spread = [x[: len(x) // n * n].reshape(-1, n).mean(axis=1).std(ddof=1) for n in sizes]
    return float(np.polyfit(np.log(sizes), np.log(spread), 1)[0])


def variance_reduction(policy: np.ndarray, firewall: np.ndarray) -> tuple[float, float]:
    """Variance of the paired difference, and of a difference against another seed's firewall run."""
    return float(np.var(firewall - policy, ddof=1)), float(np.var(np.roll(firewall, 1) - policy, ddof=1))


@pytest.mark.slow
@pytest.mark.parametrize("metric", ["uptake_mean", "uptake_loss_mean_pp", "benefits_forgone_usd"])
def test_standard_error_shrinks_like_one_over_root_seeds(paired_runs, metric: str) -> None:
    x = paired_runs["policy"][metric]
    assert x.std() > 0, "metric does not vary across seeds"
    slope = se_slope(x)
    assert -0.85 <= slope <= -0.15, f"{metric}: spread of means ~ n^{slope:.2f}, expected n^-0.5"


@pytest.mark.slow
def test_paired_difference_has_smaller_variance(paired_runs) -> None:
    """Common random numbers: totals that vary with the drawn population cancel in the paired difference.

    Uptake shares gain nothing from pairing here, as the firewall arm's uptake hardly varies between seeds
    (docs/reliability.md); pairing must still never make them worse.
    """
    policy, firewall = paired_runs["policy"], paired_runs["firewall"]
    loss_pp = 100.0 * (firewall["uptake_mean"] - policy["uptake_mean"])
    np.testing.assert_allclose(loss_pp, policy["uptake_loss_mean_pp"], atol=1e-10)
    for key in ("appointments_attended", "benefits_paid_usd"):
        paired, unpaired = variance_reduction(policy[key], firewall[key])
        assert paired * 10 < unpaired, f"{key}: paired variance {paired:.3e} vs unpaired {unpaired:.3e}"
    for key in ("uptake_mean", "uptake_final"):
        paired, unpaired = variance_reduction(policy[key], firewall[key])
        assert paired <= 1.25 * unpaired, f"{key}: pairing raised the variance ({paired:.3e} vs {unpaired:.3e})"


# ------------------------------------------------------------ threads


@pytest.mark.slow
def test_results_do_not_depend_on_blas_threads(tmp_path: Path) -> None:
    """The same run with 1 and 2 numpy/BLAS threads writes byte-identical outputs."""
    outputs = []
    for threads in ("1", "2"):
        out = tmp_path / f"threads{threads}"
        env = {**os.environ, "HYDRA_FULL_ERROR": "0"}
        env.update({k: threads for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")})
        cmd = [sys.executable, "-m", "sim.run", "population.n_people=5000", "weeks=60", "paired=true", "seed=2"]
        proc = subprocess.run(
            [*cmd, f"hydra.run.dir={out}"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
        )
        assert proc.returncode == 0, proc.stderr
        outputs.append(out)
    for name in ("timeseries.parquet", "timeseries_baseline.parquet"):
        assert (outputs[0] / name).read_bytes() == (outputs[1] / name).read_bytes(), name


if __name__ == "__main__":  # the figures quoted in docs/reliability.md
    runs = paired_metrics(CONV_SEEDS)
    for key in ("uptake_mean", "uptake_loss_mean_pp", "benefits_forgone_usd"):
        print(f"SE slope {key}: {se_slope(runs['policy'][key]):+.2f}")
    for key in PAIRED_KEYS:
        paired, unpaired = variance_reduction(runs["policy"][key], runs["firewall"][key])
        print(f"variance {key}: paired {paired:.3e}, unpaired {unpaired:.3e}, reduction x{unpaired / paired:.1f}")
