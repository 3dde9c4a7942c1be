"""`validate`: every field against its declaration, then the rules across fields.

The rules across fields are those no single declaration can state: shares that
sum to 1, statuses a household type admits, regions that exist, an injunction
after the start, one change of a lever per week, a posterior file that exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.config.checks import check_fields, is_int, require
from sim.config.declare import walk
from sim.config.paths import regimes, resolve_path
from sim.config.policy import TIMELINE_LEVERS
from sim.config.vocabulary import CITIZEN_STATUSES, HOUSEHOLD_TYPES, NONE_WEEK, STATUSES

if TYPE_CHECKING:
    from sim.config.network import NetworkConfig
    from sim.config.policy import LeverChange, PolicyConfig
    from sim.config.population import PopulationConfig
    from sim.config.root import Config


def validate(cfg: Config) -> Config:
    """Check every field against its declaration, then the cross-field rules; return cfg or raise ConfigError."""
    check_fields(cfg)
    _check_population(cfg.population)
    _check_network(cfg.network)
    _check_policy(cfg.policy)
    for name, value, p in walk(cfg):
        if p.region:
            _check_regions(name, value, cfg.population.n_regions)
    known = regimes()
    require(cfg.baseline in known, "baseline", cfg.baseline, f"a regime of conf/policy/: {', '.join(known)}")
    if cfg.behavior.posterior_file:
        found = resolve_path(cfg.behavior.posterior_file).is_file()
        require(
            found,
            "behavior.posterior_file",
            cfg.behavior.posterior_file,
            "file not found (a posterior is written by `python -m experiments.calibrate`; none is committed for "
            "this model version yet: run with behavior=default)",
        )
    return cfg


# ------------------------------------------------------ cross-field rules


def _check_regions(name: str, regions: Any, n_regions: int) -> None:
    listed = regions if isinstance(regions, list) else [regions]
    for r in listed:
        ok = is_int(r) and 0 <= r < n_regions
        require(ok, name, regions, f"regions must be in [0, {n_regions - 1}]")


def _sums_to_one(name: str, mapping: dict[str, float]) -> None:
    total = sum(mapping.values())
    require(abs(total - 1.0) < 1e-6, name, dict(mapping), f"shares must sum to 1 (they sum to {total:g})")


# Statuses each household type admits, by role ("*": every role); the types' definitions (HOUSEHOLD_TYPES).
_ADMITS = {
    "us_born": {"*": ("citizen",)},
    "all_citizen_immigrant": {"*": CITIZEN_STATUSES},
    "green_card_citizen": {"*": ("citizen", "naturalized", "lpr", "refugee")},
    "mixed_status": {"*": STATUSES},
    "visa_holder": {"decider": ("student", "worker"), "*": tuple(s for s in STATUSES if s != "undocumented")},
}


def _check_population(p: PopulationConfig) -> None:
    _sums_to_one("population.household_type_shares", p.household_type_shares)
    _sums_to_one("population.sample_shares", p.sample_shares)
    for t in HOUSEHOLD_TYPES:
        require(
            p.sample_shares[t] > 0 or p.household_type_shares[t] == 0,
            f"population.sample_shares.{t}",
            p.sample_shares[t],
            f"must be > 0 where population.household_type_shares.{t} is > 0 (else the type cannot be drawn)",
        )
    for role in ("decider", "partner", "child", "other_adult"):
        name = f"{role}_status_shares"
        for t, shares in getattr(p, name).items():
            _sums_to_one(f"population.{name}.{t}", shares)
            admits = _ADMITS[t].get(role, _ADMITS[t]["*"])
            for s, share in shares.items():
                ok = share == 0 or s in admits
                require(ok, f"population.{name}.{t}.{s}", share, f"must be 0 ({t} admits {', '.join(admits)})")
    for s in STATUSES:
        total = p.adult_ssi_share[s] + p.adult_rsdi_share[s]
        name = f"population.adult_ssi_share.{s} + population.adult_rsdi_share.{s}"
        require(total <= 1.0, name, total, "SSI plus RSDI shares must not exceed 1")


def _check_network(n: NetworkConfig) -> None:
    total = n.within_block + n.within_community
    require(total <= 1.0, "network.within_block", n.within_block, "within_block + within_community must not exceed 1")


def _check_policy(p: PolicyConfig) -> None:
    if p.injunction_week != NONE_WEEK:
        require(
            p.injunction_week >= p.start_week,
            "policy.injunction_week",
            p.injunction_week,
            f"must not come before policy.start_week ({p.start_week})",
        )
    # a positive sd so small that its square underflows would divide by zero when drawing compliance
    sd_ok = p.compliance_sd == 0 or p.compliance_sd >= 1e-6
    require(sd_ok, "policy.compliance_sd", p.compliance_sd, "must be 0 or in [1e-6, 0.5]")
    _check_timeline(p.timeline)


def _check_timeline(timeline: list[LeverChange]) -> None:
    """Each dated change changes something, and no two changes of the same lever share a week (which would win?)."""
    seen: dict[tuple[int, str], int] = {}
    for i, change in enumerate(timeline):
        name = f"policy.timeline[{i}]"
        changed = [f"remote_share.{k}" for k in change.remote_share] + [
            lever for lever in TIMELINE_LEVERS if lever != "remote_share" and getattr(change, lever) is not None
        ]
        require(
            bool(changed),
            name,
            {"week": change.week},
            f"changes nothing: give at least one of {', '.join(TIMELINE_LEVERS)}",
        )
        for lever in changed:
            earlier = seen.setdefault((change.week, lever), i)
            require(
                earlier == i,
                f"{name}.{lever}",
                _lever_value(change, lever),
                f"policy.timeline[{earlier}] already changes it at week {change.week}; give one value per week",
            )


def _lever_value(change: LeverChange, lever: str) -> Any:
    head, _, key = lever.partition(".")
    value = getattr(change, head)
    return value[key] if key else value
