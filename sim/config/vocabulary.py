"""The model's fixed vocabulary: statuses, household types, programs, needs, and the limits of what it stores.

These are names, not parameters: arrays are indexed by their positions, so the
model (sim.model) and the readers of its outputs (analysis/) share them. Nothing
here imports anything, so any layer may use them.
"""

from __future__ import annotations

# "citizen" is a US-born citizen; "naturalized" a naturalized citizen; the rest are noncitizens.
STATUSES = ("citizen", "naturalized", "lpr", "refugee", "student", "worker", "undocumented")
CITIZEN_STATUSES = ("citizen", "naturalized")
# The survey literature's household types (Urban Institute WBNS): US-born (no foreign-born member);
# all-citizen immigrant (every member a citizen, at least one naturalized); green card and citizen (lawful
# permanent residents or refugees with citizens, nobody undocumented or on a temporary visa); mixed-status
# (at least one undocumented member); visa holders (a member on a student or work visa, nobody undocumented).
HOUSEHOLD_TYPES = ("us_born", "all_citizen_immigrant", "green_card_citizen", "mixed_status", "visa_holder")
PROGRAMS = ("none", "ssi", "rsdi", "child")
NEEDS = (
    "eligibility",
    "direct_deposit",
    "interpreter",
    "ssn",
    "child_review",
    "reinstatement",
    "application",
)
# Benefit contacts are every need but SSN-card services, which are not a benefit.
BENEFIT_NEEDS = tuple(k for k in NEEDS if k != "ssn")
ENGINES = ("vectorized", "agents")
NETWORK_KINDS = ("sbm", "random", "none")

# Upper bounds keep every index within the array types the model stores
# (int16 regions, int32 people and weeks, int8 miss counters) and keep a typo
# such as weeks=15600 from running for days instead of failing at once.
MAX_PEOPLE = 400_000_000
MAX_WEEKS = 5_200  # a century of weekly steps
MAX_EVENT_WEEK = 2**31 - 1  # a dated event may lie past the horizon (it is then not reached), but fits an int32
MAX_REGIONS = 10_000
MAX_OFFICES_PER_REGION = 1_000
MAX_COMMUNITIES = 1_000_000
MAX_MISSES = 100
NONE_WEEK = -1  # an optional dated event that does not happen


def per_status(**shares: float) -> dict[str, float]:
    """A value for every status, in STATUSES' order: those named, 0 for the rest (the schemas' per-status defaults)."""
    return {s: float(shares.get(s, 0.0)) for s in STATUSES}
