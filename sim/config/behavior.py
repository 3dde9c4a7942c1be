"""How households decide (`behavior.*`): beliefs about disclosure, fear, memory, value, hassle and loss.

Nearly every field is an uncertainty (nobody knows it); the calibration fits some, sensitivity samples the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sim.config.declare import ASSUMPTION, NONNEG, PROB, SETTING, UNCERTAINTY, param, weeks_field
from sim.config.vocabulary import MAX_MISSES, NEEDS, STATUSES, per_status


def _behaviour(default: float, lo: float, hi: float, unit: str, source: str = ASSUMPTION, **kw: Any) -> Any:
    """A behavioural parameter: an uncertainty, finite and >= 0 unless told otherwise."""
    kw.setdefault("allowed", NONNEG)
    return field(default=default, metadata=param(UNCERTAINTY, plausible=(lo, hi), unit=unit, source=source, **kw))


def _probability(default: float, lo: float, hi: float, unit: str, source: str = ASSUMPTION, **kw: Any) -> Any:
    return _behaviour(default, lo, hi, unit, source, allowed=PROB, **kw)


def _positive(default: float, lo: float, hi: float, unit: str, source: str = ASSUMPTION, **kw: Any) -> Any:
    return _behaviour(default, lo, hi, unit, source, strict=True, **kw)


@dataclass
class BehaviorConfig:
    # Beliefs about disclosure (delta_hat): a Beta mean of prior, fast and slow pseudo-counts
    prior_strength: float = _positive(
        10.0, 4, 40, "pseudo-counts", "assumption (weight of the prior)",
        doc="weight of the prior belief about disclosure, in pseudo-counts (n0)",
    )  # fmt: skip
    prior_disclosure_trusting: float = _probability(
        0.05, 0.01, 0.2, "delta_hat prior under full trust", "assumption (trust enters the decision here)",
        doc="prior belief that the agency tells ICE when asked, under full trust",
    )  # fmt: skip
    prior_disclosure_distrusting: float = _probability(
        0.6, 0.3, 0.9, "delta_hat prior under no trust",
        "assumption (low trust raises the prior that the agency tells)",
        doc="prior belief that the agency tells ICE when asked, under no trust",
    )  # fmt: skip
    fast_memory: float = _probability(
        0.85, 0.6, 0.95, "per week", "assumption (alarm fades in weeks: half-life 4)",
        doc="share of the fast (alarm) evidence kept from one week to the next",
    )  # fmt: skip
    consolidation: float = _probability(
        0.05, 0.01, 0.2, "share of the fast part per week",
        "assumption (conviction builds over months; the slow part forgets nothing without evidence: "
        "Denrell & March 2001, the hot-stove effect)",
        doc="share of the fast evidence added each week to the slow part, which forgets nothing",
    )  # fmt: skip
    w_announcement: float = _behaviour(
        4.0, 0.5, 12, "pseudo-counts per unit of announcement news heard",
        doc="alarm per unit of a regime's announcement news heard",
    )  # fmt: skip
    w_event_news: float = _behaviour(
        1.0, 0, 5, "pseudo-counts per unit of event news heard",
        doc="alarm per unit of local news of disclosures, encounters and arrests heard",
    )  # fmt: skip
    w_own_event: float = _behaviour(
        10.0, 2, 30, "pseudo-counts per own disclosure, encounter or arrest",
        doc="alarm per own disclosure, encounter or arrest",
    )  # fmt: skip
    w_tie_event: float = _behaviour(
        2.0, 0.5, 8, "pseudo-counts per tie's disclosure, encounter or arrest",
        "assumption; Alsan & Yang (network effects) for the mechanism",
        doc="alarm per disclosure, encounter or arrest in a tied household",
    )  # fmt: skip
    w_safe: float = _behaviour(
        0.5, 0.1, 2, "pseudo-counts per own safe visit", doc="calm per own visit that was not disclosed",
    )  # fmt: skip
    w_tie_safe: float = _behaviour(
        0.1, 0, 0.5, "pseudo-counts per tie's safe visit", "assumption; Devillanova (2008) for the direction",
        doc="calm per tied household's visit that was not disclosed",
    )  # fmt: skip
    w_reassure: float = _behaviour(
        2.0, 0, 8, "pseudo-counts per unit of reassurance x trust",
        doc="calm per court order heard or outreach reached, times trust",
    )  # fmt: skip
    rumour: float = _behaviour(
        0.5, 0, 3, "pseudo-counts per unit by which ties are more fearful",
        doc="alarm per unit by which ties' mean belief exceeds one's own",
    )  # fmt: skip
    # Perceived ICE activity nearby (E_hat)
    activity_rate: float = _probability(
        0.2, 0.05, 0.5, "per week", "assumption (E_hat follows events in weeks)",
        doc="weekly rate at which perceived ICE activity (E_hat) moves toward what was seen and heard",
    )  # fmt: skip
    activity_sensitivity: float = _behaviour(
        1.0, 0.2, 5, "per event seen or unit of event news heard", "assumption (E_hat = 1 - exp(-this x seen))",
        doc="how fast perceived activity's target saturates with events seen and news heard",
    )  # fmt: skip
    # The perceived chain and the cost of a visit
    theta: float = _positive(
        3.0, 0.5, 10, "scale of the perceived chain", "assumption",
        doc="scale of the perceived chain: P(encounter) = 1 - exp(-theta x E_hat x x_hat x delta_hat)",
    )  # fmt: skip
    perceived_exposure: dict[str, float] = field(
        default_factory=lambda: per_status(
            naturalized=0.05, lpr=0.2, refugee=0.25, student=0.3, worker=0.3, undocumented=1.0
        ),
        metadata=param(
            UNCERTAINTY, allowed=PROB, keys=(STATUSES,), unit="x_hat", source=ASSUMPTION,
            plausible={
                "citizen": (0.0, 0.0), "naturalized": (0.0, 0.15), "lpr": (0.05, 0.4), "refugee": (0.05, 0.5),
                "student": (0.1, 0.6), "worker": (0.1, 0.6), "undocumented": (0.7, 1.0),
            },
            doc="how exposed the decider thinks a member of each status is (x_hat)",
        ),
    )  # fmt: skip
    kin_weight: float = _probability(
        0.3, 0.0, 1.0, "lambda_kin: weight of a noncitizen relative in another household",
        "assumption; Alsan & Yang (declines among Hispanic citizens, mixed-status households) for the mechanism",
        doc="weight of a noncitizen relative in another household in the expected cost of a visit",
    )  # fmt: skip
    # Trust in the agency
    trust_mean: float = _probability(
        0.6, 0.3, 0.8, "[0, 1]", doc="mean starting trust in the agency (drawn per household, clipped to [0, 1])",
    )  # fmt: skip
    trust_sd: float = _behaviour(0.15, 0, 0.3, "[0, 1]", doc="sd of starting trust across households")
    trust_loss_announcement: float = _probability(
        0.1, 0, 0.3, "share lost per unit of announcement news",
        doc="share of trust lost per unit of announcement news heard",
    )  # fmt: skip
    trust_loss_violation: float = _probability(
        0.1, 0, 0.3, "share lost per week with a violation seen",
        doc="share of trust lost in a week with a violation seen (own, ties' or in the news)",
    )  # fmt: skip
    ceiling_drop: float = _probability(
        0.05, 0, 0.2, "share of the ceiling lost per week with a violation seen",
        "assumption; Poortinga & Pidgeon (2004): negative events move trust more than positive ones",
        doc="share of trust's ceiling (the most it can recover to) lost per week with a violation seen",
    )  # fmt: skip
    trust_recovery: float = _probability(
        0.05, 0.005, 0.2, "per week, where records are kept or a court acted",
        doc="weekly share of the gap to starting trust (capped by its ceiling) regained where records are kept or a "
        "court has acted",
    )  # fmt: skip
    loss: dict[str, float] = field(
        default_factory=lambda: per_status(
            naturalized=30.0, lpr=30.0, refugee=30.0, student=20.0, worker=20.0, undocumented=50.0
        ),
        metadata=param(
            UNCERTAINTY, allowed=NONNEG, keys=(STATUSES,), unit="reference benefits", source=ASSUMPTION,
            plausible={
                "citizen": (0, 5), "naturalized": (5, 60), "lpr": (5, 60), "refugee": (5, 60),
                "student": (5, 40), "worker": (5, 40), "undocumented": (20, 150),
            },
            doc="what an encounter with ICE costs a member of each status (L_s)",
        ),
    )  # fmt: skip
    hassle: dict[str, float] = field(
        default_factory=lambda: {
            "eligibility": 1.0,
            "direct_deposit": 1.0,
            "interpreter": 1.5,
            "ssn": 1.0,
            "child_review": 1.0,
            "reinstatement": 1.5,
            "application": 1.5,
        },
        metadata=param(
            UNCERTAINTY, allowed=NONNEG, keys=(NEEDS,), unit="reference benefits", source=ASSUMPTION,
            plausible={"interpreter": (0.5, 4), "reinstatement": (0.5, 4), "application": (0.5, 4), "*": (0.25, 3)},
            doc="the hassle of an in-person visit by need (h_k)",
        ),
    )  # fmt: skip
    months_at_risk: float = _positive(
        6.0, 3, 12, "months", doc="months of benefit at stake in a benefit visit (value = months x amount / reference)",
    )  # fmt: skip
    reference_monthly: float = field(
        default=1000.0,
        metadata=param(
            SETTING, allowed=NONNEG, strict=True, plausible="fixed", unit="USD/month", role_note="unit",
            source="scale of V, h, L",
            doc="the monthly benefit that values, hassles and losses are measured in",
        ),
    )  # fmt: skip
    ssn_value: float = _behaviour(
        5.0, 1, 15, "reference benefits", doc="value of an SSN-card visit to a student or worker",
    )  # fmt: skip
    noise: float = _positive(
        1.0, 0.3, 3, "reference benefits", doc="scale of the randomness of the logit decision to attend (s)",
    )  # fmt: skip
    misses_to_suspend: int = weeks_field(
        3, 1, 5, SETTING, allowed=(1, MAX_MISSES), unit="appointments", role_note="agency rule; a possible lever",
        doc="consecutive misses that suspend the benefit (or give up an SSN service)",
    )  # fmt: skip
    reschedule_weeks: int = weeks_field(
        2, 1, 6, SETTING, unit="weeks", role_note="agency rule", doc="weeks until a missed appointment falls due again",
    )  # fmt: skip
    return_lag_weeks: int = weeks_field(
        8, 4, 26, UNCERTAINTY, unit="weeks",
        doc="weeks before a suspended person, or a new applicant who stayed away, tries again",
    )  # fmt: skip
    eligibility_period_weeks: int = weeks_field(
        52, 26, 156, SETTING, unit="weeks", role_note="agency rule",
        source="assumption; that noncitizen SSI recipients' status is re-verified through SAVE during SSI "
        "redeterminations is from an SSA emergency message (late 2025); the frequency is not",
        doc="weeks between in-person eligibility reviews of noncitizen adults with a program",
    )  # fmt: skip
    child_review_period_weeks: int = weeks_field(
        52, 26, 156, SETTING, unit="weeks", role_note="agency rule", doc="weeks between reviews of a child's benefit",
    )  # fmt: skip
    direct_deposit_rate: float = _probability(
        0.004, 0.001, 0.01, "per receiving person per week",
        doc="weekly probability a receiving person must change direct-deposit details in person",
    )  # fmt: skip
    interpreter_rate: float = _probability(
        0.02, 0.005, 0.05, "per receiving person with hearing need per week",
        doc="weekly probability a receiving person with a hearing need has a visit needing an interpreter",
    )  # fmt: skip
    ssn_rate: float = _probability(
        0.01, 0.002, 0.03, "per student/worker per week",
        doc="weekly probability a student or worker needs an SSN-card service",
    )  # fmt: skip
    news_reach_mean: float = _probability(
        0.3, 0.05, 0.7, "P(hear news) per week",
        doc="mean weekly probability a household follows local news (drawn per community)",
    )  # fmt: skip
    news_reach_sd: float = _behaviour(0.1, 0, 0.2, "across communities", doc="sd of news reach across communities")
    announcement_transfer: float = _behaviour(
        1.0, 0.3, 1.5, "x the calibrated announcement's news",
        "assumption: the fit measures fear of the 2018 public-charge rule, not of the directive; no study "
        "measures the ratio (docs/ODD.md, 11, \"Transfer\")",
        doc="how loud a regime's announcement is, relative to the public-charge rule the surveys measured (tau)",
    )  # fmt: skip
    transfer_uncertain: bool = field(
        default=False,
        metadata=param(
            SETTING,
            source="when true (the `behavior=posterior` group), each seed draws `announcement_transfer` uniformly "
            "from its plausible range with the `transfer` stream, so predictive intervals carry the transfer",
            doc="draw the announcement transfer per seed from its plausible range",
        ),
    )
    news_halflife_weeks: float = _positive(
        8.0, 2, 26, "weeks", doc="half-life of the news of an announcement or a court's order",
    )  # fmt: skip
    event_news_scale: float = _behaviour(
        20.0, 2, 100, "units of event news per (weighted event per 1,000 residents)",
        "assumption (how loud local news of disclosures, encounters and arrests is)",
        doc="loudness of local news: units of news per weighted event per 1,000 residents",
    )  # fmt: skip
    event_news_encounter_weight: float = _behaviour(
        3.0, 1, 10, "zeta: an encounter or arrest counts this many disclosures in the news", "assumption",
        doc="an encounter or arrest counts as this many disclosures in the news (zeta)",
    )  # fmt: skip
    clinic_rate: float = field(
        default=0.05,
        metadata=param(
            SETTING,
            allowed=PROB,
            plausible=(0.01, 0.2),
            unit="per household per week",
            source=ASSUMPTION,
            doc="weekly probability a household needs the community clinic",
        ),
    )
    clinic_value: float = _behaviour(3.0, 1, 6, "reference benefits", doc="value of a clinic visit")
    clinic_hassle: float = _behaviour(0.5, 0.1, 2, "reference benefits", doc="hassle of a clinic visit")
    kappa: float = _probability(
        0.5, 0, 1, "share of SSA fear carried to the clinic",
        doc="share of the fear of the agency carried to the clinic",
    )  # fmt: skip
    posterior_file: str = field(
        default="",
        metadata=param(
            SETTING, plausible="a path", default_note="none; the `behavior=posterior` group sets "
            "`data/posterior/posterior.csv`",
            source="when set, each seed draws one particle of the calibrated parameters from a weighted-particle "
            "CSV with the `posterior` stream and applies it before the run (`sim/launch/posterior.py`); see "
            "[Calibration](#calibration)",
            doc="a calibrated posterior to draw behaviour from (empty: the declared defaults)",
        ),
    )  # fmt: skip
    posterior_keep: list[str] = field(
        default_factory=list,
        metadata=param(
            SETTING, plausible="fitted parameters' paths", default_note="none",
            source="parameters a posterior draw leaves at the config's value, so that a sweep over a fitted "
            "parameter (the spillover experiment's `behavior.kappa`) is not overwritten by the draw; each must "
            "be a parameter the posterior (or the transfer draw) sets",
            doc="fitted parameters the posterior draw must not set (a sweep over one keeps its values)",
        ),
    )  # fmt: skip
