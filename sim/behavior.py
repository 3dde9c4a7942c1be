"""Pure kernels: belief and trust updates and the attendance decision.

Every function here is a pure function of numbers: it works on numpy arrays
(the vectorized engine) and on scalars (the agent engine), with the same
arithmetic in the same order, so both engines give the same results.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

ArrayLike = np.ndarray | float


def perceived_risk(alpha: ArrayLike, beta: ArrayLike) -> ArrayLike:
    """Mean of the Beta belief that attending leads to an encounter."""
    return alpha / (alpha + beta)


def attend_probability(
    value: ArrayLike, hassle: ArrayLike, loss: ArrayLike, risk: ArrayLike, noise: float
) -> ArrayLike:
    """logistic((V - h - L * risk) / s): attend when the stake outweighs hassle and fear."""
    return expit((value - hassle - loss * risk) / noise)


def encounter_probability(p_request: ArrayLike, disclosure: ArrayLike, apprehension: float) -> ArrayLike:
    """P(encounter at an attended visit) = P(request) * P(disclose) * P(apprehend)."""
    return p_request * disclosure * apprehension


def add_evidence(
    alpha: ArrayLike,
    beta: ArrayLike,
    own_encounters: ArrayLike,
    neighbour_encounters: ArrayLike,
    news: ArrayLike,
    own_safe: ArrayLike,
    neighbour_safe: ArrayLike,
    reassurance: ArrayLike,
    trust: ArrayLike,
    w_encounter: float,
    w_neighbour_encounter: float,
    w_news: float,
    w_safe: float,
    w_neighbour_safe: float,
    w_reassure: float,
) -> tuple[ArrayLike, ArrayLike]:
    """A week's evidence: encounters and news to alpha, safe visits and reassurance to beta.

    `news` is the salience of disclosure news heard this week (0 if none);
    `reassurance` likewise for court news and outreach, which count only in
    proportion to trust in the agency.
    """
    alpha = alpha + w_encounter * own_encounters + w_neighbour_encounter * neighbour_encounters + w_news * news
    beta = beta + w_safe * own_safe + w_neighbour_safe * neighbour_safe + w_reassure * trust * reassurance
    return alpha, beta


def apply_memory(
    alpha: ArrayLike, beta: ArrayLike, alpha0: float, beta0: float, memory: float
) -> tuple[ArrayLike, ArrayLike]:
    """Pseudo-counts decay toward the prior: x = x0 + m * (x - x0)."""
    return alpha0 + memory * (alpha - alpha0), beta0 + memory * (beta - beta0)


def spread_rumour(
    alpha: ArrayLike, beta: ArrayLike, neighbour_risk: ArrayLike, has_neighbours: ArrayLike, eta: float
) -> tuple[ArrayLike, ArrayLike]:
    """Move perceived risk toward the neighbours' mean by eta, keeping alpha + beta."""
    total = alpha + beta
    risk = alpha / total
    pull = np.where(has_neighbours, eta, 0.0)
    risk = risk + pull * (neighbour_risk - risk)
    return risk * total, (1.0 - risk) * total


def update_trust(
    trust: ArrayLike,
    baseline: ArrayLike,
    news: ArrayLike,
    encounters_seen: ArrayLike,
    recovering: ArrayLike,
    loss_news: float,
    loss_encounter: float,
    recovery: float,
) -> ArrayLike:
    """Trust falls with disclosure news and nearby encounters, recovers slowly under records or a court.

    Falls are multiplicative and recovery moves toward the baseline, so trust
    stays in [0, 1] when it starts there.
    """
    seen = np.minimum(encounters_seen, 1.0)
    trust = trust * (1.0 - loss_news * news) * (1.0 - loss_encounter * seen)
    trust = trust + np.where(recovering, recovery, 0.0) * (baseline - trust)
    return np.clip(trust, 0.0, 1.0)


def clinic_risk(risk: ArrayLike, kappa: float, clinic_disclosure: float) -> ArrayLike:
    """Perceived risk at the clinic: SSA fear generalised by kappa, plus the clinic's own rule."""
    return np.minimum(kappa * risk + clinic_disclosure, 1.0)


def value_at_stake(monthly_amount: ArrayLike, months_at_risk: float, reference_monthly: float) -> ArrayLike:
    """Benefit months at risk times the amount, in units of a reference monthly benefit."""
    return months_at_risk * monthly_amount / reference_monthly
