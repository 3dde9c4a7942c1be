"""Validation of configs: every rule names the field, the value and what is allowed."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Any

import omegaconf
import pytest
import yaml

from sim.config import MISSING, Config, ConfigError, validate
from sim.config.paths import POLICY_DIR, ROOT, SCHEMA, policy_file, regimes
from tests.conftest import set_path, small_config


def test_default_config_is_valid() -> None:
    cfg = small_config()
    assert validate(cfg) is cfg


# One value of each kind of rule: a range, a probability, a dated week, a whole week, a name, a mapping's entry.
OUT_OF_RANGE = [
    ("weeks", 0),
    ("population.n_people", 0),
    ("policy.rules.disclosure_prob", -0.1),
    ("behavior.fast_memory", 1.2),
    ("policy.start_week", -2),
    ("policy.injunction_week", 1.5),
    ("network.kind", "ring"),
    ("enforcement.exposure.undocumented", 2.0),
]


def test_out_of_range_values_raise_naming_the_field_and_the_value() -> None:
    base = small_config(weeks=60)
    failures = []
    for path, value in OUT_OF_RANGE:
        cfg = copy.deepcopy(base)
        set_path(cfg, path, value)
        try:
            validate(cfg)
        except ConfigError as err:
            if err.field_name != path or str(value) not in str(err):
                failures.append(f"{path} = {value!r}: refused as {err}, not naming the field and the value")
        else:
            failures.append(f"{path} = {value!r}: accepted")
    assert not failures, "\n".join(failures)


def test_injunction_before_start_is_rejected() -> None:
    cfg = small_config("injunction", weeks=100)
    cfg.policy.injunction_week = cfg.policy.start_week - 1
    with pytest.raises(ConfigError, match="policy.injunction_week"):
        validate(cfg)


# ------------------------------------------------------------ the package's walls


def test_the_schemas_and_validation_load_neither_hydra_nor_omegaconf() -> None:
    """The model imports sim.config: composing (sim.config.compose) and the store (sim.config.store) stay apart."""
    code = (
        "import sys, sim.config, sim.config.params, sim.config.paths\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('hydra', 'omegaconf'))\n"
        "assert not bad, bad\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_missing_is_omegaconfs_marker() -> None:
    """A schema field without a default (`policy.name`, each config group) reads as missing to OmegaConf."""
    assert MISSING == omegaconf.MISSING
    with pytest.raises(omegaconf.errors.MissingMandatoryValue):
        _ = omegaconf.OmegaConf.structured(Config).policy.name


@pytest.mark.parametrize("regime", regimes())
def test_a_regime_file_reads_as_omegaconf_reads_it(regime: str) -> None:
    """policy_file reads YAML without OmegaConf (the model reads regimes), to the same data and types."""
    assert _typed(policy_file(regime)) == _typed(_omegaconf_policy_file(regime))


def test_regime_files_parse_numbers_as_omegaconf_does_and_refuse_what_it_refuses(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text("rules:\n  disclosure_prob: 1e-3\n  routine: false\nregions: [1, 2]\n")
    (tmp_path / "child.yaml").write_text("defaults:\n  - base\nrules:\n  routine: true\nregions: [3]\nweek: 1_000\n")
    assert _typed(policy_file("child", tmp_path)) == _typed(_omegaconf_policy_file("child", tmp_path))
    assert policy_file("child", tmp_path)["rules"] == {"disclosure_prob": 0.001, "routine": True}
    (tmp_path / "twice.yaml").write_text("name: a\nname: b\n")
    with pytest.raises(yaml.YAMLError, match="duplicate key"):
        policy_file("twice", tmp_path)
    (tmp_path / "loop.yaml").write_text("defaults:\n  - loop\n")
    with pytest.raises(ValueError, match="loop"):
        policy_file("loop", tmp_path)


def _omegaconf_policy_file(name: str, policy_dir: Path | None = None) -> dict:
    """The reading policy_file replaced: OmegaConf's loader and merge."""
    from omegaconf import OmegaConf

    folder = POLICY_DIR if policy_dir is None else policy_dir

    def load(regime: str) -> Any:
        node = OmegaConf.load(folder / f"{regime}.yaml")
        defaults = list(node.pop("defaults", None) or [])
        if "_self_" not in defaults:
            defaults.append("_self_")
        merged = OmegaConf.create()
        for entry in defaults:
            if entry == "_self_":
                merged = OmegaConf.merge(merged, node)
            elif entry != SCHEMA:
                merged = OmegaConf.merge(merged, load(str(entry)))
        return merged

    return OmegaConf.to_container(load(name), resolve=True)


def _typed(data: Any) -> Any:
    """Data with each value's type beside it (1 and 1.0 and True compare equal in Python)."""
    if isinstance(data, dict):
        return {k: _typed(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_typed(v) for v in data]
    return (type(data).__name__, data)
