"""The RAM guard: a population that cannot fit stops before anything is allocated."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.config import ConfigError
from sim.model.build.resources import GB, NotEnoughRAM, available_bytes, check_resources, estimate_bytes
from sim.model.engine.week import UptakeModel
from tests.conftest import run_cli_in_process, small_config

ABSURD = 300_000_000  # accepted by validation, far beyond any machine this runs on
BASE = small_config(n_people=2000, weeks=10)


def test_absurd_population_is_refused_with_what_it_needs_and_has() -> None:
    cfg = copy.deepcopy(BASE)
    cfg.population.n_people = ABSURD
    with pytest.raises(NotEnoughRAM) as err:
        check_resources(cfg, available=16 * GB)
    assert err.value.needed > 16 * GB and err.value.available == 16 * GB
    message = str(err.value)
    assert "population.n_people" in message and "GB" in message and "16.0 GB is available" in message
    assert isinstance(err.value, ConfigError)


def test_model_checks_before_building() -> None:
    """The real guard, against this machine's memory: no absurd array is ever allocated."""
    cfg = copy.deepcopy(BASE)
    cfg.population.n_people = ABSURD
    with pytest.raises(NotEnoughRAM):
        UptakeModel(cfg)


def test_small_population_fits() -> None:
    assert check_resources(BASE, available=GB) is BASE


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 10**9), st.integers(1, 10**9))
def test_estimate_grows_with_people(a: int, b: int) -> None:
    small, large = sorted((a, b))
    cfg_small, cfg_large = copy.deepcopy(BASE), copy.deepcopy(BASE)
    cfg_small.population.n_people, cfg_large.population.n_people = small, large
    assert 0 < estimate_bytes(cfg_small) <= estimate_bytes(cfg_large)


def test_agents_and_network_need_more() -> None:
    vec = small_config(n_people=100_000, weeks=10)
    agents = small_config(n_people=100_000, weeks=10, engine="agents")
    alone = small_config(n_people=100_000, weeks=10, network="none")
    assert estimate_bytes(agents) > estimate_bytes(vec) > estimate_bytes(alone)


def test_available_reads_meminfo_and_cgroup_limit(tmp_path: Path) -> None:
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal: 100 kB\nMemAvailable:    2048 kB\n")
    assert available_bytes(meminfo, tmp_path / "no-cgroup") == 2048 * 1024
    (tmp_path / "memory.max").write_text("1048576\n")
    (tmp_path / "memory.current").write_text("524288\n")
    assert available_bytes(meminfo, tmp_path) == 524288
    assert available_bytes(tmp_path / "missing") is None


def test_cli_exits_cleanly_without_output(tmp_path: Path) -> None:
    out = tmp_path / "run"
    proc = run_cli_in_process(f"population.n_people={ABSURD}", "weeks=10", f"hydra.run.dir={out}")
    assert proc.returncode == 2
    assert "GB of memory" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()
