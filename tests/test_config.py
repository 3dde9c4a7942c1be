"""Validation of configs: every rule names the field, the value and what is allowed."""

from __future__ import annotations

import copy

import pytest

from sim.config import ConfigError, validate
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
