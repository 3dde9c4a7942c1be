"""The fitted parameters and their priors: uniform over each parameter's declared plausible range."""

from __future__ import annotations

from sim.config import UNCERTAINTY
from sim.config.priors import priors

# Fitted parameters, by config path; each prior is uniform over the parameter's plausible range, declared
# once in sim/config/__init__.py (sim/config/params.py for the derived `behavior.loss_scale`) and listed in docs/ODD.md
# 9.
CALIBRATED = (
    "behavior.loss_scale",  # x every noncitizen loss: keeps each status's loss inside its plausible range
    "behavior.w_announcement",
    "behavior.consolidation",
    "behavior.theta",
    "behavior.news_reach_mean",
    "behavior.kin_weight",
    "behavior.kappa",  # the clinic stands for the survey's other programs: how far the agency's fear reaches them
)
PRIORS: dict[str, tuple[float, float]] = priors(CALIBRATED, roles=[UNCERTAINTY])


def short(path: str) -> str:
    """pyabc's parameter name for a config path (`behavior.w_news` -> `w_news`)."""
    return path.split(".")[-1]


def prior_centre() -> dict[str, float]:
    """The middle of every prior range."""
    return {p: (lo + hi) / 2 for p, (lo, hi) in PRIORS.items()}
