"""Nonsense input fails clearly; anything validation accepts runs and gives sane numbers.

Property-based: hypothesis sets one config field to an edge value (negative,
zero, huge, NaN, infinite, a wrong type) or draws whole configs inside the
allowed ranges. Either `validate` rejects the config with a `ConfigError`
naming the field, or the run completes with finite outcomes that respect the
model's count chain. Bad overrides at the command line go through `sim.run`'s
entry point in the test's process (exit status, one message naming the field,
no traceback, no output folder); one of each exit status also in a real
`python -m sim.run` process, with a timeout so no hang blocks the suite.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.config import NETWORK_KINDS, Config, ConfigError, validate
from sim.config.compose import default_config
from sim.launch.simulate import run_scenario
from tests.conftest import ROOT, run_cli_in_process, set_path

BASE = default_config(**{"population.n_people": 300, "weeks": 20, "policy.start_week": 2})
SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow], "derandomize": True}


def _leaves(obj: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Every scalar field of the config as (dotted path, value); lists (regions, openings) are left out."""
    if dataclasses.is_dataclass(obj):
        return [leaf for f in dataclasses.fields(obj) for leaf in _leaves(getattr(obj, f.name), f"{prefix}{f.name}.")]
    if isinstance(obj, dict):
        return [leaf for k, v in obj.items() for leaf in _leaves(v, f"{prefix}{k}.")]
    if isinstance(obj, list):
        return []
    return [(prefix[:-1], obj)]


LEAVES = sorted(path for path, value in _leaves(BASE) if not isinstance(value, str))
EDGE_VALUES = [
    -1,
    0,
    1,
    2,
    127,
    128,
    5_201,
    2**31,
    2**63,
    -0.5,
    -0.0,
    0.0,
    5e-324,
    1e-300,
    0.5,
    1.0,
    1.5,
    3.0,
    1e6,
    1e300,
    math.inf,
    -math.inf,
    math.nan,
    True,
    False,
    None,
    "x",
    "0.5",
    [1],
    {"a": 1},
]
VALUES = st.one_of(
    st.sampled_from(EDGE_VALUES),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**70), max_value=2**70),
)


def _check_outputs(cfg: Config) -> None:
    """A valid config runs; its outcomes are finite, uptake a share, counts consistent."""
    result = run_scenario(cfg)
    df, m = result.timeseries, result.summary["metrics"]
    assert df["week"].nunique() == cfg.weeks
    numeric = df.select_dtypes("number").to_numpy(dtype=float)
    assert np.isfinite(numeric).all(), "non-finite weekly outcome"
    if df["eligible"].sum() > 0:
        assert 0.0 <= m["uptake_final"] <= 1.0
    eps = 1e-9 * max(1.0, float(df["people"].max()))  # weighted counts: sums of float weights
    assert (df["receiving"] <= df["eligible"] + eps).all() and (df["eligible_agents"] <= df["agents"]).all()
    assert np.allclose(df["attended"] + df["remote"] + df["missed"], df["due"], rtol=1e-12, atol=eps)
    assert (df["benefit_due"] <= df["due"] + eps).all() and (
        df["applications_made"] <= df["applications_due"] + eps
    ).all()
    assert (df["encounters"] <= df["disclosures"] + eps).all() and (df["disclosures"] <= df["requests"] + eps).all()
    assert (df["requests"] <= df["attended"] + eps).all()
    for col in ("perceived_disclosure_mean", "perceived_activity_mean", "trust_mean"):
        assert df[col].between(0, 1).all(), col


def _names_field(err: ConfigError, path: str) -> bool:
    """The message names the changed field, or the mapping or sum it belongs to."""
    parent = path.rsplit(".", 1)[0]
    return path in str(err) or err.field_name in (path, parent)


@settings(max_examples=150, **SETTINGS)
@given(path=st.sampled_from(LEAVES), value=VALUES)
def test_one_field_set_to_anything(path: str, value: Any) -> None:
    cfg = copy.deepcopy(BASE)
    set_path(cfg, path, value)
    try:
        validate(cfg)
    except ConfigError as err:
        assert _names_field(err, path), f"{path}={value!r} rejected with a message naming another field: {err}"
        return
    _check_outputs(cfg)


@st.composite
def valid_configs(draw: st.DrawFn) -> Config:
    """Configs inside every allowed range, several fields at once (small sizes so each run is quick)."""
    cfg = copy.deepcopy(BASE)
    prob = st.floats(0.0, 1.0)
    big = st.floats(0.0, 1e6)
    cfg.seed = draw(st.integers(0, 2**32))
    cfg.weeks = weeks = draw(st.integers(1, 40))
    cfg.paired = draw(st.booleans())
    pop = cfg.population
    pop.n_people = draw(st.integers(1, 400))
    pop.mean_household_size = draw(st.floats(1.0, 20.0))
    pop.n_regions = draw(st.integers(1, 12))
    pop.offices_per_region = draw(st.integers(1, 5))
    pop.n_communities = draw(st.integers(1, 50))
    pop.amount_sd = draw(st.floats(0.0, 3.0))
    pop.hearing_need_share = draw(prob)
    net = cfg.network
    net.kind = draw(st.sampled_from(NETWORK_KINDS))
    net.mean_degree = draw(st.floats(0.0, 50.0))
    net.within_block = draw(prob)
    net.within_community = draw(st.floats(0.0, 1.0 - net.within_block))
    e = cfg.enforcement
    for name in ("base_presence", "presence_spread", "request_rate", "apprehension", "arrest_rate"):
        setattr(e, name, draw(prob))
    e.growth_per_year = draw(st.floats(0.0, 10.0))
    b = cfg.behavior
    b.prior_strength = draw(st.floats(1e-6, 1e6))
    b.noise = draw(st.floats(1e-6, 1e6))
    b.theta = draw(st.floats(1e-6, 1e3))
    for name in (
        "fast_memory", "consolidation", "activity_rate", "prior_disclosure_trusting", "prior_disclosure_distrusting",
        "trust_mean", "trust_loss_announcement", "trust_loss_violation", "ceiling_drop", "kin_weight", "kappa",
    ):  # fmt: skip
        setattr(b, name, draw(prob))
    for name in (
        "w_announcement", "w_event_news", "w_own_event", "w_tie_event", "w_safe", "w_tie_safe", "w_reassure",
        "rumour", "activity_sensitivity", "event_news_scale",
    ):  # fmt: skip
        setattr(b, name, draw(big))
    b.loss["undocumented"] = draw(big)
    b.hassle["eligibility"] = draw(big)
    b.misses_to_suspend = draw(st.integers(1, 100))
    b.reschedule_weeks = draw(st.integers(1, 5200))
    b.return_lag_weeks = draw(st.integers(1, 5200))
    b.eligibility_period_weeks = draw(st.integers(1, 5200))
    p = cfg.policy
    rules = p.rules
    rules.disclosure_prob, rules.formal_request_share = draw(prob), draw(prob)
    rules.records_kept, rules.routine = draw(st.booleans()), draw(st.booleans())
    rules.formal_request_required = draw(st.booleans())
    p.start_week = draw(st.integers(0, weeks - 1))
    p.injunction_week = draw(st.one_of(st.just(-1), st.integers(p.start_week, weeks - 1)))
    p.outreach_week = draw(st.one_of(st.just(-1), st.integers(0, weeks - 1)))
    p.outreach_weeks = draw(st.integers(1, 5200))
    p.compliance_mean = draw(prob)
    p.compliance_sd = draw(st.one_of(st.just(0.0), st.floats(1e-6, 0.5)))
    for need in p.remote_share:
        p.remote_share[need] = draw(prob)
    p.clinic_disclosure_prob = draw(prob)
    return cfg


@settings(max_examples=60, **SETTINGS)
@given(cfg=valid_configs())
def test_configs_inside_the_ranges_validate_and_run(cfg: Config) -> None:
    validate(cfg)
    _check_outputs(cfg)


# ------------------------------------------------------------ command line

CLI_TIMEOUT_S = 180  # generous for a loaded machine; a hang fails the test instead of blocking CI
CLI_BAD = [
    # (override, exit status, texts the message must contain)
    ("weeks=1.5", 1, ["weeks", "1.5"]),
    ("seed=true", 1, ["seed"]),
    ("policy.rules.records_kept=maybe", 1, ["policy.rules.records_kept", "maybe"]),
    ("behavior.noise=nan", 2, ["behavior.noise = nan", "finite"]),
    ("weeks=99999", 2, ["weeks = 99999", "[1, 5200]"]),
    ("population.n_people=10000000000", 2, ["population.n_people", "400000000"]),
    ("behavior.misses_to_suspend=200", 2, ["behavior.misses_to_suspend", "[1, 100]"]),
    ("+population.n_peeple=10", 2, ["population.n_peeple"]),
    ("behavior.loss.alien=3", 1, ["behavior.loss.alien"]),
    ("weeks=${weeks}", 2, ["weeks", "Recursive interpolation"]),
    ("policy.regions=[99]", 2, ["policy.regions", "[0, 9]"]),
]


SIZE = ("population.n_people=300", "weeks=10")


@pytest.mark.parametrize(("override", "status", "texts"), CLI_BAD, ids=[c[0] for c in CLI_BAD])
def test_cli_bad_override(tmp_path: Path, override: str, status: int, texts: list[str]) -> None:
    """Through `sim.run`'s entry point in this process: the status, one message naming the field, no folder."""
    out = tmp_path / "run"
    proc = run_cli_in_process(*SIZE, f"hydra.run.dir={out}", override)
    assert proc.returncode == status, proc.stderr
    for text in texts:
        assert text in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists(), "a failed run must leave no output folder"


# One of each status in a real process: the exit status and the message are what the shell sees.
CLI_BAD_IN_A_PROCESS = [case for case in CLI_BAD if case[0] in ("weeks=1.5", "behavior.noise=nan")]


@pytest.mark.parametrize(
    ("override", "status", "texts"), CLI_BAD_IN_A_PROCESS, ids=[c[0] for c in CLI_BAD_IN_A_PROCESS]
)
def test_cli_bad_override_in_a_process(tmp_path: Path, override: str, status: int, texts: list[str]) -> None:
    out = tmp_path / "run"
    env = {**os.environ, "HYDRA_FULL_ERROR": "0"}
    cmd = [sys.executable, "-m", "sim.run", *SIZE, f"hydra.run.dir={out}", override]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env, timeout=CLI_TIMEOUT_S)
    assert proc.returncode == status, proc.stderr
    for text in texts:
        assert text in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists(), "a failed run must leave no output folder"
