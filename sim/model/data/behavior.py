"""Pure kernels: the arithmetic of beliefs, trust, the enforcement chain and the decision.

Every function here is a pure function of numbers (numpy arrays or scalars)
and imports nothing of the project: the phases in `appointments`,
`enforcement`, `decision` and `beliefs` call these and hold no arithmetic of
their own that a kernel already states.

Notation (docs/ODD.md, "Submodels"): delta_hat is the perceived probability
that the agency tells ICE when asked; E_hat the perceived ICE activity
nearby; x_hat a status's perceived exposure; L a status's loss from an
encounter, in reference monthly benefits.

Each kernel is written once, in numpy, and works on arrays and on scalars.
Those the weekly passes over every household need are also `jitable`: the
compiled loops of those passes call the same function on one household at a
time, so a rule has one text and the loops do no arithmetic of their own.
The kernels avoid `np.where` (not defined on scalars in compiled code) by
multiplying with a boolean, which gives the same bits: x * 1 is x, and the
factor is 0 where the rule adds nothing.
"""

from __future__ import annotations

import numba
import numpy as np
from numba.extending import overload
from numba.extending import register_jitable as jitable

ArrayLike = np.ndarray | float


def saturation(x: ArrayLike) -> ArrayLike:
    """1 - exp(-x) for x >= 0: how a rate of evidence (or of risk) saturates into a share in [0, 1)."""
    return -np.expm1(-x)


_compiled_saturation = numba.njit(saturation)  # the one text above, compiled for `_saturation_one`


@overload(saturation)
def _saturation_one(x):  # noqa: ANN001, ANN202
    """In compiled loops, on one number: most households see nothing in a week, and 1 - exp(-0) is exactly 0."""

    def one(x):  # noqa: ANN001, ANN202
        return 0.0 if x == 0.0 else _compiled_saturation(x)

    return one


# ------------------------------------------------------------------ the real chain


def request_probability(request_rate: float, routine: ArrayLike, presence: ArrayLike, exposure: ArrayLike):
    """P(ICE asks about a visit) = q * E_r * x; routine sharing needs no request (rate 1)."""
    rate = np.where(routine, 1.0, request_rate)
    return rate * presence * exposure


def encounter_probability(p_request: ArrayLike, disclosure: ArrayLike, apprehension: float) -> ArrayLike:
    """P(encounter at an attended visit) = P(request) * P(disclose) * P(apprehend)."""
    return p_request * disclosure * apprehension


def arrest_mean(arrest_rate: float, presence: ArrayLike, exposure: ArrayLike) -> ArrayLike:
    """Expected community arrests in a region: mu * E_r * exposure summed over its residents.

    The week's Poisson draw takes it with the exposure unweighted (agents);
    the starting beliefs take it with each resident's sampling weight (people
    represented).
    """
    return arrest_rate * presence * exposure


def stated_disclosure(disclosure_prob: float, formal_request_required: bool, formal_share: float, routine: bool):
    """What a regime states an office does when ICE asks: routine sharing is full disclosure."""
    if routine:
        return 1.0
    return disclosure_prob * (formal_share if formal_request_required else 1.0)


# ------------------------------------------------------------------ beliefs


@jitable
def prior_disclosure(trust: ArrayLike, low: float, high: float) -> ArrayLike:
    """Prior mean of delta_hat: `low` under full trust, rising linearly to `high` under none."""
    return low + (high - low) * (1.0 - trust)


@jitable
def perceived_disclosure(
    a_fast: ArrayLike,
    b_fast: ArrayLike,
    a_slow: ArrayLike,
    b_slow: ArrayLike,
    trust: ArrayLike,
    strength: float,
    low: float,
    high: float,
) -> ArrayLike:
    """delta_hat: the Beta mean of prior (set by trust), fast (alarm) and slow (conviction) pseudo-counts."""
    a0 = strength * prior_disclosure(trust, low, high)
    alarm = a0 + a_fast + a_slow
    return alarm / (strength + a_fast + a_slow + b_fast + b_slow)


@jitable
def decay_and_add(fast: ArrayLike, memory: float, evidence: ArrayLike) -> ArrayLike:
    """The fast part forgets at `memory` per week and takes the week's evidence."""
    return memory * fast + evidence


@jitable
def consolidate(slow: ArrayLike, fast: ArrayLike, rate: float) -> ArrayLike:
    """The slow part takes `rate` of the fast part each week and forgets nothing: conviction needs evidence."""
    return slow + rate * fast


@jitable
def alarm_evidence(
    announcement: ArrayLike,
    event_news: ArrayLike,
    own_events: ArrayLike,
    tie_events: ArrayLike,
    w_announcement: float,
    w_event_news: float,
    w_own: float,
    w_ties: float,
) -> ArrayLike:
    """Pseudo-counts for "the agency tells": news heard, and events (disclosures, encounters, arrests) seen."""
    return w_announcement * announcement + w_event_news * event_news + w_own * own_events + w_ties * tie_events


@jitable
def calm_evidence(
    own_safe: ArrayLike,
    tie_safe: ArrayLike,
    reassurance: ArrayLike,
    trust: ArrayLike,
    w_safe: float,
    w_tie_safe: float,
    w_reassure: float,
) -> ArrayLike:
    """Pseudo-counts for "the agency does not tell": safe visits seen, and reassurance counted by trust."""
    return w_safe * own_safe + w_tie_safe * tie_safe + w_reassure * trust * reassurance


@jitable
def rumour_alarm(delta_hat: ArrayLike, ties_delta_hat: ArrayLike, has_ties: ArrayLike, weight: float) -> ArrayLike:
    """Alarm carried by ties more fearful than oneself (calm travels only as their safe visits)."""
    return weight * np.maximum(ties_delta_hat - delta_hat, 0.0) * has_ties


@jitable
def activity_target(seen: ArrayLike, sensitivity: float) -> ArrayLike:
    """Where E_hat heads: 1 - exp(-sensitivity * the events seen and heard in a week)."""
    return saturation(sensitivity * seen)


@jitable
def perceived_activity(activity: ArrayLike, seen: ArrayLike, rate: float, sensitivity: float) -> ArrayLike:
    """E_hat moves at `rate` toward the week's target (`activity_target`)."""
    target = activity_target(seen, sensitivity)
    return activity + rate * (target - activity)


@jitable
def recovery_target(baseline: ArrayLike, ceiling: ArrayLike) -> ArrayLike:
    """The level trust recovers toward: its level before the policy, never above its ceiling."""
    return np.minimum(baseline, ceiling)


@jitable
def recovers(trust: ArrayLike, target: ArrayLike, recovering: ArrayLike) -> ArrayLike:
    """Whether trust moves up this week: below its target, where records are kept or a court has acted."""
    return recovering & (trust < target)


@jitable
def update_trust(
    trust: ArrayLike,
    ceiling: ArrayLike,
    baseline: ArrayLike,
    announcement: ArrayLike,
    violations: ArrayLike,
    recovering: ArrayLike,
    loss_announcement: float,
    loss_violation: float,
    recovery: float,
) -> ArrayLike:
    """Trust falls with announcements and violations seen; recovers toward min(baseline, ceiling) where allowed.

    Falls are multiplicative and recovery moves part way toward a target in
    [0, 1], so trust stays in [0, 1]; it never recovers above its ceiling.
    """
    seen = np.minimum(violations, 1.0)
    trust = trust * (1.0 - loss_announcement * np.minimum(announcement, 1.0)) * (1.0 - loss_violation * seen)
    target = recovery_target(baseline, ceiling)
    trust = trust + recovery * recovers(trust, target, recovering) * (target - trust)
    return np.minimum(np.maximum(trust, 0.0), 1.0)


@jitable
def lower_ceiling(ceiling: ArrayLike, violations: ArrayLike, drop: float) -> ArrayLike:
    """Each week with a violation seen lowers the ceiling trust can recover to."""
    return ceiling * (1.0 - drop * np.minimum(violations, 1.0))


# ------------------------------------------------------------------ decision


@jitable
def perceived_encounter(activity: ArrayLike, exposure_hat: ArrayLike, delta_hat: ArrayLike, theta: float) -> ArrayLike:
    """pi = 1 - exp(-theta * E_hat * x_hat * delta_hat): the real chain with beliefs for facts."""
    return saturation(theta * activity * exposure_hat * delta_hat)


@numba.njit(cache=True, parallel=True)
def expected_cost(
    exposed: np.ndarray,
    rows: np.ndarray,
    loss: np.ndarray,
    exposure_hat: np.ndarray,
    activity: np.ndarray,
    delta_hat: np.ndarray,
    theta: float,
) -> np.ndarray:
    """C = sum over statuses s of exposed[s] * L_s * pi_s: everyone the visit could expose, kin included.

    `exposed` is [households, statuses]: members of each status plus
    lambda_kin times noncitizen kin of each status; the cost is that of the
    households `rows`, whose deciders hold `activity` and `delta_hat`.
    Compiled: a decision reads every status of every deciding household. A
    status nobody in the household has adds exactly nothing, so it is
    skipped.
    """
    cost = np.empty(len(rows))
    for i in numba.prange(len(rows)):  # each row by one thread: the same sum in the same order
        total = 0.0
        for s in range(exposed.shape[1]):
            if exposed[rows[i], s] != 0.0:
                pi = perceived_encounter(activity[i], exposure_hat[s], delta_hat[i], theta)
                total += exposed[rows[i], s] * (loss[s] * pi)
        cost[i] = total
    return cost


def attend_probability(value: ArrayLike, hassle: ArrayLike, cost: ArrayLike, noise: float) -> ArrayLike:
    """logistic((V - h - C) / s): attend when the stake outweighs hassle and the expected cost of an encounter."""
    with np.errstate(over="ignore"):  # a cost far above the stake: exp overflows to inf, and the probability is 0
        return 1.0 / (1.0 + np.exp(-((value - hassle - cost) / noise)))


def clinic_disclosure(delta_hat: ArrayLike, kappa: float, clinic_rule: float) -> ArrayLike:
    """Perceived disclosure at the clinic: SSA fear generalised by kappa, plus the clinic's own rule."""
    return np.minimum(kappa * delta_hat + clinic_rule, 1.0)


def value_at_stake(monthly_amount: ArrayLike, months_at_risk: float, reference_monthly: float) -> ArrayLike:
    """Benefit months at risk times the amount, in units of a reference monthly benefit."""
    return months_at_risk * monthly_amount / reference_monthly


def news_decay(weeks_since: ArrayLike, halflife: float) -> ArrayLike:
    """Salience of news `weeks_since` after it broke: 1, halving every `halflife` weeks; 0 before."""
    t = np.asarray(weeks_since, dtype=np.float64)
    return np.where(t >= 0, 0.5 ** (np.maximum(t, 0.0) / halflife), 0.0)
