"""The run's configuration: its vocabulary, the declared schemas, and their validation.

Every field is declared once, in the schema module of its section
(`population`, `network`, `enforcement`, `behavior`, `policy`, and `root` for
`Config` itself): its default, the range the model allows (`allowed`), the range
an analyst should consider plausible (`plausible`), its roles (lever,
uncertainty, setting; a field may carry more than one), unit and source, as
`field(default=..., metadata=param(...))` (`sim.config.declare`). The
dataclasses fix every field's name and type, so a typo or a wrong type fails
when Hydra composes the config. `validate` checks each field against its
declaration (`checks`), then the rules across fields (`validation`), and raises
`ConfigError` naming the field, the value and what is allowed. The calibration
priors, the sensitivity ranges, the explorer's sliders, `--help` and the
parameter tables of docs/ODD.md are derived from the same declarations
(`params`, `priors`, `tables`, `help_text`).

This package face loads neither Hydra nor OmegaConf (the model imports it):
composing a config is `sim.config.compose` (`to_config`, `default_config`),
registering the schemas `sim.config.store` (`register_configs`).
"""

from __future__ import annotations

from sim.config.behavior import BehaviorConfig
from sim.config.checks import allowed_text, bound_text, check_fields, meaningful_warnings
from sim.config.declare import (
    ASSUMPTION,
    LEVER,
    MISSING,
    NONNEG,
    PARAM,
    PROB,
    SETTING,
    UNCERTAINTY,
    Bounds,
    ConfigError,
    Param,
    Role,
    declaration,
    field_types,
    optional_of,
    param,
    walk,
)
from sim.config.enforcement import EnforcementConfig, OfficeOpening
from sim.config.network import NetworkConfig
from sim.config.paths import resolve_path
from sim.config.policy import TIMELINE_LEVERS, LeverChange, PolicyConfig, RegimeRules
from sim.config.population import PopulationConfig
from sim.config.root import Config
from sim.config.validation import validate
from sim.config.vocabulary import (
    BENEFIT_NEEDS,
    CITIZEN_STATUSES,
    ENGINES,
    HOUSEHOLD_TYPES,
    MAX_COMMUNITIES,
    MAX_EVENT_WEEK,
    MAX_MISSES,
    MAX_OFFICES_PER_REGION,
    MAX_PEOPLE,
    MAX_REGIONS,
    MAX_WEEKS,
    NEEDS,
    NETWORK_KINDS,
    NONE_WEEK,
    PROGRAMS,
    STATUSES,
)

__all__ = [
    "ASSUMPTION",
    "BENEFIT_NEEDS",
    "CITIZEN_STATUSES",
    "ENGINES",
    "HOUSEHOLD_TYPES",
    "LEVER",
    "MAX_COMMUNITIES",
    "MAX_EVENT_WEEK",
    "MAX_MISSES",
    "MAX_OFFICES_PER_REGION",
    "MAX_PEOPLE",
    "MAX_REGIONS",
    "MAX_WEEKS",
    "MISSING",
    "NEEDS",
    "NETWORK_KINDS",
    "NONE_WEEK",
    "NONNEG",
    "PARAM",
    "PROB",
    "PROGRAMS",
    "SETTING",
    "STATUSES",
    "TIMELINE_LEVERS",
    "UNCERTAINTY",
    "BehaviorConfig",
    "Bounds",
    "Config",
    "ConfigError",
    "EnforcementConfig",
    "LeverChange",
    "NetworkConfig",
    "OfficeOpening",
    "Param",
    "PolicyConfig",
    "PopulationConfig",
    "RegimeRules",
    "Role",
    "allowed_text",
    "bound_text",
    "check_fields",
    "declaration",
    "field_types",
    "meaningful_warnings",
    "optional_of",
    "param",
    "resolve_path",
    "validate",
    "walk",
]
