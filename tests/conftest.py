"""Shared fixtures: small configs and a helper to run `python -m sim.run`."""

from __future__ import annotations

import copy
import functools
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sim.config import Config, default_config, validate

ROOT = Path(__file__).resolve().parents[1]
# Two test workers share two cores: each run (and every `python -m sim.run` the tests start) takes one thread.
os.environ.setdefault("UPTAKE_SIM_THREADS", "1")


def small_config(policy: str = "appointment_disclosure", n_people: int = 3000, weeks: int = 60, **kw) -> Config:
    """A default config at test size; extra keyword overrides use Hydra's dotted names.

    Hydra's composition costs about half a second, and tests build the same config for many seeds: each
    distinct composition is made once per test process, and the seed (a plain field nothing else derives from)
    is set on a copy.
    """
    seed = kw.pop("seed", None)
    overrides = {"population.n_people": n_people, "weeks": weeks, **kw}
    try:
        cfg = copy.deepcopy(_composed(policy, tuple(sorted(overrides.items()))))
    except TypeError:  # an unhashable override value (a list): composed afresh
        cfg = default_config(policy, **overrides)
    if seed is not None:
        cfg.seed = seed
        cfg = validate(cfg)  # the seed checked as composition checks it
    return cfg


@functools.lru_cache(maxsize=256)
def _composed(policy: str, overrides: tuple) -> Config:
    return default_config(policy, **dict(overrides))


def set_path(cfg: Any, path: str, value: Any) -> None:
    """Set a dotted config path (`behavior.loss.lpr`) on a config object, through dataclasses and mappings."""
    parent, _, leaf = path.rpartition(".")
    node = get_path(cfg, parent) if parent else cfg
    if isinstance(node, dict):
        node[leaf] = value
    else:
        setattr(node, leaf, value)


def get_path(cfg: Any, path: str) -> Any:
    """A dotted config path's value on a config object, through dataclasses and mappings."""
    node = cfg
    for part in path.split("."):
        node = node[part] if isinstance(node, dict) else getattr(node, part)
    return node


def run_cli(*overrides: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run `python -m sim.run` with overrides; returns the completed process."""
    env = {**os.environ, "HYDRA_FULL_ERROR": "0"}
    return subprocess.run(
        [sys.executable, "-m", "sim.run", *overrides],
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


@pytest.fixture
def tiny() -> Config:
    return small_config(n_people=1500, weeks=30)
