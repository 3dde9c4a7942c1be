"""How much one fit computes: the full run, or CI's tiny one that finishes in under a minute.

The numbers are in conf/experiment/sizes/calibration.yaml, read by `experiments.design.load_size` as every
experiment's sizes are.
"""

from __future__ import annotations

from dataclasses import dataclass

from experiments import design


@dataclass(frozen=True)
class Size:
    """How much to compute: full run or CI's tiny one."""

    n_people: int
    population_size: int
    max_populations: int
    max_simulations: int
    min_eps_diff: float  # stop when the tolerance improves by less than this in a generation
    max_minutes: float  # a wall-time guard for the fit (pyabc's max_walltime), set not to bind
    check_minutes: float  # the convergence fit's wall-time guard
    n_procs: int
    predictive_draws: int
    noise_seeds: int  # seeds at one parameter set for the targets' noise level


FULL = design.load_size("calibration", Size, "full")  # conf/experiment/sizes/calibration.yaml
TINY = design.load_size("calibration", Size, "tiny")
