"""How much one fit computes: the full run, or CI's tiny one that finishes in under a minute."""

from __future__ import annotations

from dataclasses import dataclass


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


FULL = Size(
    n_people=20_000,
    population_size=60,
    max_populations=8,
    max_simulations=3_000,  # a guard: the tolerance reaching the noise level stops the fit well before
    min_eps_diff=0.03,
    max_minutes=25.0,
    check_minutes=12.0,
    n_procs=2,
    predictive_draws=40,
    noise_seeds=20,
)
TINY = Size(
    n_people=1_000,
    population_size=6,
    max_populations=2,
    max_simulations=40,
    min_eps_diff=0.0,
    max_minutes=5.0,
    check_minutes=5.0,
    n_procs=1,
    predictive_draws=2,
    noise_seeds=2,
)
