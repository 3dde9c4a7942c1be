"""Validation of configs: every rule names the field, the value and what is allowed."""

from __future__ import annotations

import pytest

from sim.config import ConfigError, validate
from tests.conftest import set_path, small_config


def test_default_config_is_valid() -> None:
    cfg = small_config()
    assert validate(cfg) is cfg


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("weeks", 0, "weeks"),
        ("population.n_people", 0, "population.n_people"),
        ("policy.rules.disclosure_prob", -0.1, "policy.rules.disclosure_prob"),
        ("behavior.fast_memory", 1.2, "behavior.fast_memory"),
        ("policy.start_week", -2, "policy.start_week"),
        ("policy.injunction_week", 1.5, "policy.injunction_week"),
        ("network.kind", "ring", "network.kind"),
        ("enforcement.exposure.undocumented", 2.0, "enforcement.exposure.undocumented"),
    ],
)
def test_out_of_range_values_raise(path: str, value, field: str) -> None:
    cfg = small_config(weeks=60)
    set_path(cfg, path, value)
    with pytest.raises(ConfigError) as err:
        validate(cfg)
    assert err.value.field_name == field and str(value) in str(err.value)


def test_injunction_before_start_is_rejected() -> None:
    cfg = small_config("injunction", weeks=100)
    cfg.policy.injunction_week = cfg.policy.start_week - 1
    with pytest.raises(ConfigError, match="policy.injunction_week"):
        validate(cfg)
