"""The model's side of the fit: its answer to each survey question at given parameters, and its distance.

Each answer is the avoidance share of a target's families over the target's
weeks, net of the firewall run on the same seed (experiments/survey.py), at
the fit's population size. The distance is what pyabc accepts or rejects on.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from experiments.calibration.priors import PRIORS, short
from experiments.calibration.targets import TARGETS, WEEKS
from experiments.survey import net_avoidance, track_pair
from sim.config import Config
from sim.config.compose import default_config
from sim.launch.posterior import apply_parameters

POLICY = "appointment_disclosure"


def calibration_config(params: dict[str, float], seed: int, n_people: int) -> Config:
    """The directive at calibration size with `params` (keyed by config path) applied."""
    cfg = apply_parameters(_base_config(n_people), params)
    cfg.seed = seed
    return cfg


@lru_cache(maxsize=4)
def _base_config(n_people: int) -> Config:
    """Composed once per process: Hydra's compose costs more than a small run's week."""
    return default_config(POLICY, **{"population.n_people": n_people, "weeks": WEEKS})


def survey_statistics(params: dict[str, float], seed: int, n_people: int) -> dict[str, float]:
    """The model's answer to each target's question, net of the firewall run on the same seed."""
    cfg = calibration_config(params, seed, n_people)
    rec, base = track_pair(cfg)
    return {name: net_avoidance(rec, base, t.family, *t.window) for name, t in TARGETS.items()}


def distance(x: dict[str, float], x0: dict[str, float]) -> float:
    """Root mean square of the misfits in units of each target's survey tolerance."""
    z = [((x[k] - x0[k]) / TARGETS[k].sd) ** 2 for k in TARGETS]
    return float(np.sqrt(np.mean(z)))


class SurveyModel:
    """pyabc's model: a picklable callable; its seed comes from numpy's global generator, which the sampler
    seeds for each candidate, so the model's randomness follows the fit's seed."""

    def __init__(self, n_people: int) -> None:
        self.n_people = n_people

    def __call__(self, par: dict[str, float]) -> dict[str, float]:
        seed = int(np.random.randint(0, 2**31 - 1))
        params = {path: float(par[short(path)]) for path in PRIORS}
        return survey_statistics(params, seed, self.n_people)
