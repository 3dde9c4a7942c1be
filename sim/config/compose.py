"""A typed `Config` from Hydra's composition: `to_config` for a composed DictConfig, `default_config` from conf/.

The only way from OmegaConf's nodes to the dataclasses the model reads; kept
apart from the schemas so that the model (which loads them) loads neither Hydra
nor OmegaConf.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from omegaconf import DictConfig, OmegaConf

from sim.config.paths import BASELINE, policy_file
from sim.config.policy import PolicyConfig
from sim.config.root import Config
from sim.config.store import register_configs
from sim.config.validation import validate


def baseline_policy(policy_dir: Path | None = None, name: str = BASELINE) -> PolicyConfig:
    """A regime as its file states it (conf/policy/<name>.yaml, the firewall by default), on the PolicyConfig schema.

    The launcher's paired run takes its regime from here (`sim.launch.simulate`).
    """
    node = policy_file(name, policy_dir)
    return OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(PolicyConfig), node))


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

    from sim.config.paths import CONF_DIR

    register_configs()
    args = [f"policy={policy}"] + [f"{k}={v}" for k, v in overrides.items()]
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        cfg = compose(config_name="config", overrides=args)
    cfg = OmegaConf.to_container(cfg, resolve=True)
    cfg.pop("hydra", None)
    return validate(to_config(cfg))
