"""The root config (`Config`): the run's seed, engine, horizon and pairing, and one section per config group."""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.config.behavior import BehaviorConfig
from sim.config.declare import MISSING, SETTING, param
from sim.config.enforcement import EnforcementConfig
from sim.config.network import NetworkConfig
from sim.config.paths import BASELINE
from sim.config.policy import PolicyConfig
from sim.config.population import PopulationConfig
from sim.config.vocabulary import ENGINES, MAX_WEEKS


@dataclass
class Config:
    seed: int = field(
        default=0,
        metadata=param(
            SETTING,
            allowed=(0, None),
            plausible="any",
            doc="the random seed: the same seed and config give the same output (the paired firewall run uses it too)",
        ),
    )
    engine: str = field(
        default="vectorized",
        metadata=param(
            SETTING,
            allowed=ENGINES,
            source="- (both give the same results)",
            doc="how the rules run: `vectorized` (arrays over everyone) or `agents` (Mesa agents); same results",
        ),
    )
    weeks: int = field(
        default=156,
        metadata=param(
            SETTING,
            allowed=(1, MAX_WEEKS),
            meaningful=(52, None),
            understates="a horizon under a year understates losses (the yearly eligibility and child reviews, "
            "where visits are missed and benefits suspended, fall only partly inside it, and conviction builds "
            "over months)",
            plausible=(52, 520),
            unit="weeks",
            source="assumption (three years)",
            doc="the horizon: the number of weekly steps simulated",
        ),
    )
    paired: bool = field(
        default=False,
        metadata=param(
            SETTING,
            source="also run the firewall counterpart",
            doc="also run the firewall counterpart on the same seed, so losses are measured against it",
        ),
    )
    baseline: str = field(
        default=BASELINE,
        metadata=param(
            SETTING,
            source="the regime a paired run is compared against; any file of conf/policy/",
            doc="the regime of the paired run (paired=true): losses are measured against it on the same seed",
        ),
    )
    progress: bool = field(
        default=False,
        metadata=param(
            SETTING,
            source="progress bar, shown only for an interactive single run; not part of the config hash",
            doc="show a progress bar (interactive single runs only)",
        ),
    )
    population: PopulationConfig = MISSING
    network: NetworkConfig = MISSING
    policy: PolicyConfig = MISSING
    enforcement: EnforcementConfig = MISSING
    behavior: BehaviorConfig = MISSING
