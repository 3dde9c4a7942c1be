"""Shared fixtures: small configs, a copy of conf/ to change, and `python -m sim.run` in a process or in this one.

Tests that start processes, kill launchers, drive a browser, execute notebooks or fit the model carry
`@pytest.mark.slow`; `pytest -m "not slow"` is the quick loop.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import io
import logging
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from sim.config import Config, validate
from sim.config.compose import default_config
from sim.config.paths import CONF_DIR

ROOT = Path(__file__).resolve().parents[1]
# Two test workers share two cores: each run (and every `python -m sim.run` the tests start) takes one thread.
os.environ.setdefault("UPTAKE_SIM_THREADS", "1")

# Property tests give the same examples on every machine and in every order, and never fail on a slow machine:
# the examples are derived from each test's name (no database, no clock), and no example has a deadline.
settings.register_profile(
    "uptake-sim", derandomize=True, database=None, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("uptake-sim")


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


@dataclass(frozen=True)
class CliOutcome:
    """What `python -m sim.run` ended with: its exit status and what it printed."""

    returncode: int
    stdout: str
    stderr: str


def run_cli_in_process(*args: str) -> CliOutcome:
    """`python -m sim.run *args` through its own entry point (`sim.run.main`), in this process.

    For what the command does with its input (exit status, the message, no output folder) without paying a new
    interpreter's imports; the few tests of the process itself (`--help`, kills) use `run_cli`. Hydra's global
    state and the logging it configures are put back afterwards, so later tests in this process see neither.
    """
    from hydra.core.global_hydra import GlobalHydra
    from hydra.core.hydra_config import HydraConfig

    import sim.run
    from sim.launch.sweeps.words import hydra_words

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    out, err = io.StringIO(), io.StringIO()
    argv, full_error = sys.argv, os.environ.get("HYDRA_FULL_ERROR")
    os.environ["HYDRA_FULL_ERROR"] = "0"
    returncode = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            sys.argv = ["sim.run", *hydra_words(list(args))]  # as `python -m sim.run` reads its words
            sim.run.main()
    except SystemExit as exit_:
        returncode = exit_.code if isinstance(exit_.code, int) else 1
    finally:
        sys.argv = argv
        if full_error is None:
            os.environ.pop("HYDRA_FULL_ERROR", None)
        else:
            os.environ["HYDRA_FULL_ERROR"] = full_error
        for handler in set(root.handlers) - set(handlers):
            handler.close()
        root.handlers[:], root.level = handlers, level
        HydraConfig.instance().cfg = None
        GlobalHydra.instance().clear()
    return CliOutcome(returncode, out.getvalue(), err.getvalue())


@pytest.fixture
def conf_copy(tmp_path: Path) -> Path:
    """A copy of conf/ for a test that adds or edits config files; the repository's conf/ is never written."""
    return Path(shutil.copytree(CONF_DIR, tmp_path / "conf"))


@pytest.fixture(scope="module")
def default() -> Config:
    """The default config, composed once per test module: read, never changed."""
    return default_config()


@pytest.fixture(scope="module")
def base(default: Config) -> Config:
    """The default config at test size (300 people, 20 weeks); tests change copies of it."""
    cfg = copy.deepcopy(default)
    cfg.population.n_people, cfg.weeks = 300, 20
    return validate(cfg)


@pytest.fixture
def tiny() -> Config:
    return small_config(n_people=1500, weeks=30)
