"""The schemas in Hydra's ConfigStore: what the YAML files in conf/ extend (`base_config`, `base_<group>`).

Kept apart from the schemas so that loading them (the model does) does not load Hydra.
"""

from __future__ import annotations

from hydra.core.config_store import ConfigStore

from sim.config.behavior import BehaviorConfig
from sim.config.enforcement import EnforcementConfig
from sim.config.network import NetworkConfig
from sim.config.paths import SCHEMA
from sim.config.policy import PolicyConfig
from sim.config.population import PopulationConfig
from sim.config.root import Config


def register_configs() -> None:
    """Register the schemas that the YAML files in conf/ extend."""
    cs = ConfigStore.instance()
    cs.store(name="base_config", node=Config)
    cs.store(group="population", name="base_population", node=PopulationConfig)
    cs.store(group="network", name="base_network", node=NetworkConfig)
    cs.store(group="policy", name=SCHEMA, node=PolicyConfig)
    cs.store(group="enforcement", name="base_enforcement", node=EnforcementConfig)
    cs.store(group="behavior", name="base_behavior", node=BehaviorConfig)
