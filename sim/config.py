"""Structured configs (registered in Hydra's ConfigStore) and their validation.

The dataclasses fix every field's name and type, so a typo or a wrong type
fails when Hydra composes the config. `validate` then checks ranges and
cross-field rules and raises `ConfigError` naming the field, the value and
what is allowed. Defaults and their sources are documented in docs/ODD.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from hydra.core.config_store import ConfigStore
from omegaconf import MISSING, DictConfig, OmegaConf

STATUSES = ("citizen", "lpr", "refugee", "student", "worker", "undocumented")
HOUSEHOLD_TYPES = ("citizen_only", "mixed_status", "lawful_noncitizen", "visa_holder")
PROGRAMS = ("none", "ssi", "rsdi", "child")
NEEDS = (
    "eligibility",
    "direct_deposit",
    "interpreter",
    "ssn",
    "child_review",
    "reinstatement",
)
ENGINES = ("vectorized", "agents")
NETWORK_KINDS = ("sbm", "random", "none")


class ConfigError(ValueError):
    """A config value outside what the model allows."""

    def __init__(self, field_name: str, value: Any, allowed: str) -> None:
        self.field_name, self.value, self.allowed = field_name, value, allowed
        super().__init__(f"{field_name} = {value!r}: {allowed}")


def _statuses(**kw: float) -> dict[str, float]:
    return {s: float(kw.get(s, 0.0)) for s in STATUSES}


@dataclass
class PopulationConfig:
    n_people: int = 50_000
    n_regions: int = 10
    offices_per_region: int = 4
    n_communities: int = 40
    immigrant_community_share: float = 0.3
    mean_household_size: float = 2.5
    child_share: float = 0.45
    household_type_shares: dict[str, float] = field(
        default_factory=lambda: {
            "citizen_only": 0.82,
            "mixed_status": 0.06,
            "lawful_noncitizen": 0.08,
            "visa_holder": 0.04,
        }
    )
    decider_status_shares: dict[str, dict[str, float]] = field(
        default_factory=lambda: {
            "citizen_only": _statuses(citizen=1.0),
            "mixed_status": _statuses(undocumented=0.8, lpr=0.1, worker=0.1),
            "lawful_noncitizen": _statuses(lpr=0.8, refugee=0.2),
            "visa_holder": _statuses(student=0.5, worker=0.5),
        }
    )
    child_citizen_share: dict[str, float] = field(
        default_factory=lambda: {
            "citizen_only": 1.0,
            "mixed_status": 0.9,
            "lawful_noncitizen": 0.5,
            "visa_holder": 0.2,
        }
    )
    adult_ssi_share: dict[str, float] = field(default_factory=lambda: _statuses(citizen=0.03, lpr=0.05, refugee=0.12))
    adult_rsdi_share: dict[str, float] = field(default_factory=lambda: _statuses(citizen=0.2, lpr=0.1, refugee=0.03))
    child_benefit_share: dict[str, float] = field(
        default_factory=lambda: _statuses(citizen=0.05, lpr=0.03, refugee=0.03)
    )
    monthly_amount: dict[str, float] = field(default_factory=lambda: {"ssi": 700.0, "rsdi": 1800.0, "child": 800.0})
    amount_sd: float = 0.25
    hearing_need_share: float = 0.02
    new_applicant_share: float = 0.05


@dataclass
class NetworkConfig:
    kind: str = "sbm"
    mean_degree: float = 6.0
    within_block: float = 0.75
    within_community: float = 0.15


@dataclass
class OfficeOpening:
    week: int = 0
    region: int = 0
    increment: float = 0.1


@dataclass
class EnforcementConfig:
    base_presence: float = 0.3
    presence_spread: float = 0.15
    growth_per_year: float = 0.15
    openings: list[OfficeOpening] = field(default_factory=list)
    request_rate: float = 0.3
    exposure: dict[str, float] = field(
        default_factory=lambda: _statuses(lpr=0.05, refugee=0.1, student=0.2, worker=0.2, undocumented=1.0)
    )
    apprehension: float = 0.3


@dataclass
class BehaviorConfig:
    prior_alpha: float = 0.5
    prior_beta: float = 19.5
    memory: float = 0.98
    w_encounter: float = 20.0
    w_neighbour_encounter: float = 3.0
    w_news: float = 1.5
    w_safe: float = 0.5
    w_neighbour_safe: float = 0.05
    w_reassure: float = 1.0
    rumour: float = 0.1
    trust_mean: float = 0.6
    trust_sd: float = 0.15
    trust_loss_news: float = 0.05
    trust_loss_encounter: float = 0.1
    trust_recovery: float = 0.02
    loss: dict[str, float] = field(
        default_factory=lambda: _statuses(lpr=12.0, refugee=12.0, student=15.0, worker=15.0, undocumented=50.0)
    )
    tie_loss: float = 6.0
    hassle: dict[str, float] = field(
        default_factory=lambda: {
            "eligibility": 1.0,
            "direct_deposit": 1.0,
            "interpreter": 1.5,
            "ssn": 1.0,
            "child_review": 1.0,
            "reinstatement": 1.5,
        }
    )
    months_at_risk: float = 6.0
    reference_monthly: float = 1000.0
    ssn_value: float = 5.0
    noise: float = 1.0
    misses_to_suspend: int = 3
    reschedule_weeks: int = 2
    return_lag_weeks: int = 8
    eligibility_period_weeks: int = 52
    child_review_period_weeks: int = 52
    direct_deposit_rate: float = 0.004
    interpreter_rate: float = 0.02
    ssn_rate: float = 0.01
    news_reach_mean: float = 0.3
    news_reach_sd: float = 0.1
    news_halflife_weeks: float = 8.0
    news_floor: float = 0.2
    clinic_rate: float = 0.05
    clinic_value: float = 3.0
    clinic_hassle: float = 0.5
    kappa: float = 0.5
    posterior_file: str = ""  # calibrated posterior to draw parameters from; "" for none (sim/posterior.py)


@dataclass
class RegimeRules:
    disclosure_prob: float = 1.0
    formal_request_required: bool = True
    formal_request_share: float = 0.05
    records_kept: bool = True
    routine: bool = False
    news_salience: float = 0.0


@dataclass
class PolicyConfig:
    name: str = MISSING
    rules: RegimeRules = field(default_factory=RegimeRules)
    baseline: RegimeRules = field(default_factory=RegimeRules)
    start_week: int = 8
    regions: list[int] = field(default_factory=list)
    compliance_mean: float = 0.8
    compliance_sd: float = 0.1
    remote_share: dict[str, float] = field(
        default_factory=lambda: {
            "eligibility": 0.0,
            "direct_deposit": 0.0,
            "interpreter": 0.1,
            "ssn": 0.0,
            "child_review": 0.0,
            "reinstatement": 0.0,
        }
    )
    injunction_week: int = -1
    injunction_regions: list[int] = field(default_factory=list)
    outreach_week: int = -1
    outreach_weeks: int = 12
    outreach_reach: float = 0.1
    outreach_regions: list[int] = field(default_factory=list)
    clinic_disclosure_prob: float = 0.0


@dataclass
class Config:
    seed: int = 0
    engine: str = "vectorized"
    weeks: int = 156
    paired: bool = False
    progress: bool = False
    population: PopulationConfig = MISSING
    network: NetworkConfig = MISSING
    policy: PolicyConfig = MISSING
    enforcement: EnforcementConfig = MISSING
    behavior: BehaviorConfig = MISSING


def register_configs() -> None:
    """Register the schemas that the YAML files in conf/ extend."""
    cs = ConfigStore.instance()
    cs.store(name="base_config", node=Config)
    cs.store(group="population", name="base_population", node=PopulationConfig)
    cs.store(group="network", name="base_network", node=NetworkConfig)
    cs.store(group="policy", name="base_policy", node=PolicyConfig)
    cs.store(group="enforcement", name="base_enforcement", node=EnforcementConfig)
    cs.store(group="behavior", name="base_behavior", node=BehaviorConfig)


def to_config(cfg: DictConfig | Config) -> Config:
    """Turn a composed DictConfig into a typed `Config` object."""
    if isinstance(cfg, Config):
        return cfg
    schema = OmegaConf.structured(Config)
    if isinstance(cfg, DictConfig):  # as plain data, a key added with `+` that the schema lacks is an error
        cfg = OmegaConf.to_container(cfg, resolve=True)
    merged = OmegaConf.merge(schema, cfg)
    return OmegaConf.to_object(merged)


def default_config(policy: str = "appointment_disclosure", **overrides: Any) -> Config:
    """Compose the default config from conf/ without Hydra's app machinery."""
    from hydra import compose, initialize_config_dir

    from sim.paths import CONF_DIR

    register_configs()
    args = [f"policy={policy}"] + [f"{k}={v}" for k, v in overrides.items()]
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        cfg = compose(config_name="config", overrides=args)
    cfg = OmegaConf.to_container(cfg, resolve=True)
    cfg.pop("hydra", None)
    return validate(to_config(cfg))


# ---------------------------------------------------------------- validation


def _check(ok: bool, name: str, value: Any, allowed: str) -> None:
    if not ok:
        raise ConfigError(name, value, allowed)


def _finite(x: Any) -> bool:
    """A finite real number; integers beyond 2**53 are refused, as numpy would hold them as Python objects."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return False
    return math.isfinite(x) and (isinstance(x, float) or abs(x) <= 2**53)


def _prob(name: str, value: Any) -> None:
    _check(_finite(value) and 0.0 <= value <= 1.0, name, value, "must be a probability in [0, 1]")


def _nonneg(name: str, value: Any) -> None:
    _check(_finite(value) and value >= 0, name, value, "must be a finite number >= 0")


def _positive_int(name: str, value: Any, hi: int | None = None) -> None:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 1
    _check(ok, name, value, "must be an integer >= 1")
    if hi is not None:
        _check(value <= hi, name, value, f"must be an integer in [1, {hi}]")


def _bool(name: str, value: Any) -> None:
    _check(isinstance(value, bool), name, value, "must be true or false")


# Upper bounds keep every index within the array types the model stores
# (int16 regions, int32 people and weeks, int8 miss counters) and keep a typo
# such as weeks=15600 from running for days instead of failing at once.
MAX_PEOPLE = 400_000_000
MAX_WEEKS = 5_200  # a century of weekly steps
MAX_REGIONS = 10_000
MAX_OFFICES_PER_REGION = 1_000
MAX_COMMUNITIES = 1_000_000
MAX_MISSES = 100


def _keys(name: str, mapping: dict, allowed: tuple[str, ...]) -> None:
    for key in mapping:
        _check(key in allowed, f"{name}.{key}", key, f"unknown key; allowed: {', '.join(allowed)}")
    for key in allowed:
        _check(key in mapping, f"{name}.{key}", None, "is missing")


def _shares(name: str, mapping: dict, allowed: tuple[str, ...]) -> None:
    _keys(name, mapping, allowed)
    for key, value in mapping.items():
        _prob(f"{name}.{key}", value)
    total = sum(mapping.values())
    _check(abs(total - 1.0) < 1e-6, name, dict(mapping), f"shares must sum to 1 (they sum to {total:g})")


def _probs(name: str, mapping: dict, allowed: tuple[str, ...]) -> None:
    _keys(name, mapping, allowed)
    for key, value in mapping.items():
        _prob(f"{name}.{key}", value)


def _week(name: str, value: int, weeks: int, optional: bool = False) -> None:
    if optional and value == -1:
        return
    allowed = f"must be a week in [0, {weeks - 1}] (weeks = {weeks})"
    if optional:
        allowed += ", or -1 for none"
    _check(isinstance(value, int) and 0 <= value < weeks, name, value, allowed)


def _regions(name: str, regions: list[int], n_regions: int) -> None:
    for r in regions:
        ok = isinstance(r, int) and 0 <= r < n_regions
        _check(ok, name, list(regions), f"regions must be in [0, {n_regions - 1}]")


def validate(cfg: Config) -> Config:
    """Check ranges and cross-field rules; return cfg or raise ConfigError."""
    _check(cfg.engine in ENGINES, "engine", cfg.engine, f"allowed: {', '.join(ENGINES)}")
    _positive_int("weeks", cfg.weeks, MAX_WEEKS)
    seed_ok = isinstance(cfg.seed, int) and not isinstance(cfg.seed, bool) and cfg.seed >= 0
    _check(seed_ok, "seed", cfg.seed, "must be an integer >= 0")
    _bool("paired", cfg.paired)
    _bool("progress", cfg.progress)
    _validate_population(cfg.population)
    _validate_network(cfg.network)
    _validate_enforcement(cfg.enforcement, cfg.weeks, cfg.population.n_regions)
    _validate_behavior(cfg.behavior)
    _validate_policy(cfg.policy, cfg.weeks, cfg.population.n_regions)
    return cfg


def _validate_population(p: PopulationConfig) -> None:
    sizes = {
        "n_people": MAX_PEOPLE,
        "n_regions": MAX_REGIONS,
        "offices_per_region": MAX_OFFICES_PER_REGION,
        "n_communities": MAX_COMMUNITIES,
    }
    for name, hi in sizes.items():
        _positive_int(f"population.{name}", getattr(p, name), hi)
    for name in ("immigrant_community_share", "child_share", "hearing_need_share", "new_applicant_share"):
        _prob(f"population.{name}", getattr(p, name))
    _check(
        _finite(p.mean_household_size) and 1.0 <= p.mean_household_size <= 20.0,
        "population.mean_household_size",
        p.mean_household_size,
        "must be in [1, 20]",
    )
    _check(_finite(p.amount_sd) and 0 <= p.amount_sd <= 3, "population.amount_sd", p.amount_sd, "must be in [0, 3]")
    _shares("population.household_type_shares", p.household_type_shares, HOUSEHOLD_TYPES)
    _keys("population.decider_status_shares", p.decider_status_shares, HOUSEHOLD_TYPES)
    for hh, shares in p.decider_status_shares.items():
        _shares(f"population.decider_status_shares.{hh}", shares, STATUSES)
    _check(
        p.decider_status_shares["citizen_only"]["citizen"] == 1.0,
        "population.decider_status_shares.citizen_only.citizen",
        p.decider_status_shares["citizen_only"]["citizen"],
        "must be 1 (citizen-only households are headed by citizens)",
    )
    _probs("population.child_citizen_share", p.child_citizen_share, HOUSEHOLD_TYPES)
    for name in ("adult_ssi_share", "adult_rsdi_share", "child_benefit_share"):
        _probs(f"population.{name}", getattr(p, name), STATUSES)
    for s in STATUSES:
        total = p.adult_ssi_share[s] + p.adult_rsdi_share[s]
        name = f"population.adult_ssi_share.{s} + population.adult_rsdi_share.{s}"
        _check(total <= 1.0, name, total, "SSI plus RSDI shares must not exceed 1")
    _keys("population.monthly_amount", p.monthly_amount, PROGRAMS[1:])
    for key, value in p.monthly_amount.items():
        _nonneg(f"population.monthly_amount.{key}", value)


def _validate_network(n: NetworkConfig) -> None:
    _check(n.kind in NETWORK_KINDS, "network.kind", n.kind, f"allowed: {', '.join(NETWORK_KINDS)}")
    _check(
        _finite(n.mean_degree) and 0 <= n.mean_degree <= 200,
        "network.mean_degree",
        n.mean_degree,
        "must be in [0, 200]",
    )
    _prob("network.within_block", n.within_block)
    _prob("network.within_community", n.within_community)
    total = n.within_block + n.within_community
    _check(total <= 1.0, "network.within_block", n.within_block, "within_block + within_community must not exceed 1")


def _validate_enforcement(e: EnforcementConfig, weeks: int, n_regions: int) -> None:
    for name in ("base_presence", "presence_spread", "request_rate", "apprehension"):
        _prob(f"enforcement.{name}", getattr(e, name))
    _nonneg("enforcement.growth_per_year", e.growth_per_year)
    _probs("enforcement.exposure", e.exposure, STATUSES)
    for i, opening in enumerate(e.openings):
        _week(f"enforcement.openings[{i}].week", opening.week, weeks)
        _regions(f"enforcement.openings[{i}].region", [opening.region], n_regions)
        _prob(f"enforcement.openings[{i}].increment", opening.increment)


def _validate_behavior(b: BehaviorConfig) -> None:
    for name in ("prior_alpha", "prior_beta", "noise", "months_at_risk", "reference_monthly", "news_halflife_weeks"):
        value = getattr(b, name)
        _check(_finite(value) and value > 0, f"behavior.{name}", value, "must be a finite number > 0")
    probs = (
        "memory",
        "rumour",
        "trust_mean",
        "trust_loss_news",
        "trust_loss_encounter",
        "trust_recovery",
        "direct_deposit_rate",
        "interpreter_rate",
        "ssn_rate",
        "news_reach_mean",
        "news_floor",
        "clinic_rate",
        "kappa",
    )
    for name in probs:
        _prob(f"behavior.{name}", getattr(b, name))
    nonneg = (
        "w_encounter",
        "w_neighbour_encounter",
        "w_news",
        "w_safe",
        "w_neighbour_safe",
        "w_reassure",
        "trust_sd",
        "news_reach_sd",
        "tie_loss",
        "ssn_value",
        "clinic_value",
        "clinic_hassle",
    )
    for name in nonneg:
        _nonneg(f"behavior.{name}", getattr(b, name))
    _keys("behavior.loss", b.loss, STATUSES)
    for key, value in b.loss.items():
        _nonneg(f"behavior.loss.{key}", value)
    _keys("behavior.hassle", b.hassle, NEEDS)
    for key, value in b.hassle.items():
        _nonneg(f"behavior.hassle.{key}", value)
    if b.posterior_file:
        from sim.posterior import resolve_path

        _check(resolve_path(b.posterior_file).is_file(), "behavior.posterior_file", b.posterior_file, "file not found")
    for name in (
        "misses_to_suspend",
        "reschedule_weeks",
        "return_lag_weeks",
        "eligibility_period_weeks",
        "child_review_period_weeks",
    ):
        _positive_int(f"behavior.{name}", getattr(b, name), MAX_MISSES if name == "misses_to_suspend" else MAX_WEEKS)


def _validate_rules(name: str, r: RegimeRules) -> None:
    _prob(f"{name}.disclosure_prob", r.disclosure_prob)
    _prob(f"{name}.formal_request_share", r.formal_request_share)
    _nonneg(f"{name}.news_salience", r.news_salience)
    _check(r.news_salience <= 1.0, f"{name}.news_salience", r.news_salience, "must be in [0, 1]")
    for flag in ("formal_request_required", "records_kept", "routine"):
        _bool(f"{name}.{flag}", getattr(r, flag))


def _validate_policy(p: PolicyConfig, weeks: int, n_regions: int) -> None:
    _validate_rules("policy.rules", p.rules)
    _validate_rules("policy.baseline", p.baseline)
    _week("policy.start_week", p.start_week, weeks)
    _week("policy.injunction_week", p.injunction_week, weeks, optional=True)
    if p.injunction_week >= 0:
        _check(
            p.injunction_week >= p.start_week,
            "policy.injunction_week",
            p.injunction_week,
            f"must not come before policy.start_week ({p.start_week})",
        )
    _week("policy.outreach_week", p.outreach_week, weeks, optional=True)
    _positive_int("policy.outreach_weeks", p.outreach_weeks, MAX_WEEKS)
    for name in ("compliance_mean", "outreach_reach", "clinic_disclosure_prob"):
        _prob(f"policy.{name}", getattr(p, name))
    # a positive sd so small that its square underflows would divide by zero when drawing compliance
    sd_ok = _finite(p.compliance_sd) and (p.compliance_sd == 0 or 1e-6 <= p.compliance_sd <= 0.5)
    _check(sd_ok, "policy.compliance_sd", p.compliance_sd, "must be 0 or in [1e-6, 0.5]")
    _probs("policy.remote_share", p.remote_share, NEEDS)
    for name in ("regions", "injunction_regions", "outreach_regions"):
        _regions(f"policy.{name}", getattr(p, name), n_regions)
