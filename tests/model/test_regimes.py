"""A regime is YAML only: a new file in conf/policy/ runs, pairs, sweeps and gets a colour, with no Python change.

The paired firewall counterpart of every run is built from conf/policy/firewall.yaml, so editing that file
changes every paired run. Files are added and edited in a copy of conf/ (tests run in parallel and never write
into the repository); the command line is pointed at the copy with `--config-path`, the Python code by the
folder sim.config.paths names.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import experiments.common
import sim.config.paths
from analysis import figures
from analysis.style import BASELINE_COLOR, regime_colors
from experiments.common import expected_runs
from sim.config.paths import BASELINE, BASELINE_ARM, POLICY_DIR, default_regime, policy_file, regimes
from sim.results.outputs import BASELINE_TIMESERIES, SUMMARY, TIMESERIES
from tests.conftest import ROOT, run_cli_in_process, small_config

NEW = "zz_test_regime"
NEW_YAML = f"""# A regime made for a test: half the requests answered, informally.
defaults:
  - base_policy
  - _self_
name: {NEW}
rules:
  disclosure_prob: 0.5
  formal_request_required: false
  formal_request_share: 1.0
  records_kept: false
  routine: false
"""
TINY = ("population.n_people=1500", "weeks=20", "progress=false")


@pytest.fixture
def new_regime(conf_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """policy/zz_test_regime.yaml in a copy of conf/, which the project's Python code reads for this test."""
    (conf_copy / "policy" / f"{NEW}.yaml").write_text(NEW_YAML)
    monkeypatch.setattr(sim.config.paths, "CONF_DIR", conf_copy)
    monkeypatch.setattr(sim.config.paths, "POLICY_DIR", conf_copy / "policy")
    monkeypatch.setattr(experiments.common, "CONF_DIR", conf_copy)
    yield NEW


def _run(*args: str) -> None:
    """`python -m sim.run *args` through its entry point, in this process; it must succeed."""
    proc = run_cli_in_process(*args)
    assert proc.returncode == 0, proc.stderr[-3000:]


def test_regimes_are_the_files_in_conf_policy() -> None:
    assert regimes() == sorted(p.stem for p in POLICY_DIR.glob("*.yaml"))
    assert BASELINE in regimes() and default_regime() in regimes()


def _synthetic_table(policies: list[str]) -> pd.DataFrame:
    """A small tidy table: two runs of each regime, two arms, three weeks, two household types."""
    rows = []
    for p, policy in enumerate(policies):
        for seed in range(2):
            run = 2 * p + seed
            for arm in ("scenario", BASELINE_ARM):
                for week in range(3):
                    for hh, status in (("us_born", "citizen"), ("mixed_status", "undocumented")):
                        cut = 0 if arm == BASELINE_ARM else p + seed + week
                        rows.append(
                            {
                                "run": run,
                                "policy": policy,
                                "arm": arm,
                                "week": week,
                                "household_type": hh,
                                "status": status,
                                "interpreter": False,
                                "eligible": 100,
                                "eligible_agents": 100,
                                "receiving": 100 - cut,
                            }
                        )
    return pd.DataFrame(rows)


def _legend_colors(fig) -> dict[str, str]:
    from matplotlib.colors import to_hex

    legend = fig.axes[0].get_legend() or (fig.legends[0] if fig.legends else None)
    handles = legend.legend_handles if hasattr(legend, "legend_handles") else legend.legendHandles
    out = {}
    for text, handle in zip(legend.get_texts(), handles, strict=True):
        color = handle.get_facecolor() if hasattr(handle, "get_facecolor") else handle.get_color()
        color = color[0] if isinstance(color, np.ndarray) and color.ndim == 2 else color
        out[text.get_text()] = to_hex(color)
    return out


def test_a_new_yaml_file_is_a_new_regime(new_regime: str, conf_copy: Path, tmp_path: Path) -> None:
    assert new_regime in regimes()
    policy_dir = conf_copy / "policy"
    config_path = f"--config-path={conf_copy}"

    # It runs alone ...
    _run(config_path, f"policy={new_regime}", *TINY, f"hydra.run.dir={tmp_path / 'alone'}")
    alone = json.loads((tmp_path / "alone" / SUMMARY).read_text())
    assert alone["provenance"]["policy"] == new_regime and not (tmp_path / "alone" / BASELINE_TIMESERIES).exists()

    # ... and paired with its firewall counterpart on the same seed.
    _run(config_path, f"policy={new_regime}", *TINY, "paired=true", f"hydra.run.dir={tmp_path / 'paired'}")
    paired = json.loads((tmp_path / "paired" / SUMMARY).read_text())
    assert paired["provenance"]["policy"] == new_regime and "baseline_metrics" in paired
    scenario = pd.read_parquet(tmp_path / "paired" / TIMESERIES)
    baseline = pd.read_parquet(tmp_path / "paired" / BASELINE_TIMESERIES)
    assert len(scenario) == len(baseline) > 0
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "alone" / TIMESERIES), scenario)

    # It joins the policy comparison sweep, which globs the policy group.
    params = yaml.safe_load((conf_copy / "experiment" / "policy_comparison.yaml").read_text())
    assert str(params["hydra"]["sweeper"]["params"]["policy"]).startswith("glob(")
    assert expected_runs("policy_comparison", ["seed=0"]) == len(regimes())
    assert expected_runs("policy_comparison", ["seed=0", f"policy={BASELINE},{new_regime}"]) == 2

    # It has a colour of its own, and adding it (it sorts last) changes no other regime's colour.
    colors = regime_colors()
    assert set(colors) == set(regimes()) and colors[BASELINE] == BASELINE_COLOR
    assert len(set(colors.values())) == len(colors), "every regime has a colour of its own"
    (policy_dir / f"{new_regime}.yaml").unlink()
    without = regime_colors()
    (policy_dir / f"{new_regime}.yaml").write_text(NEW_YAML)
    assert all(colors[name] == color for name, color in without.items())

    # ... and the policy-comparison figures draw it in that colour.
    table = _synthetic_table([BASELINE, default_regime(), new_regime])
    for make in (figures.uptake_over_time, figures.loss_by_group):
        drawn = _legend_colors(make(table))
        assert len(set(drawn.values())) == len(drawn), f"{make.__name__}: two regimes share a colour"
        label = [text for text in drawn if "zz test regime" in text.lower()]
        assert label, f"{make.__name__}: the new regime is not in the legend {list(drawn)}"
        assert drawn[label[0]] == colors[new_regime]


# ---------------------------------------------------------------- the firewall counterpart


def test_counterpart_comes_from_firewall_yaml() -> None:
    from sim.launch.simulate import RUN_FIELDS, paired_counterpart

    cfg = small_config(default_regime(), n_people=1500, weeks=20)
    cfg.policy.outreach_week, cfg.policy.clinic_disclosure_prob = 5, 0.3
    cfg.policy.remote_share = {**cfg.policy.remote_share, "eligibility": 0.4}
    base = paired_counterpart(cfg)
    stated = policy_file(BASELINE)
    assert base.policy.name == stated["name"] == BASELINE
    for key, value in stated["rules"].items():
        assert getattr(base.policy.rules, key) == value
    assert base.policy.outreach_week == stated.get("outreach_week", -1)
    assert base.policy.clinic_disclosure_prob == stated.get("clinic_disclosure_prob", 0.0)
    for name in RUN_FIELDS:  # the services and compliance of the run are kept
        assert getattr(base.policy, name) == getattr(cfg.policy, name)
    assert (base.seed, base.population, base.enforcement, base.behavior) == (
        cfg.seed,
        cfg.population,
        cfg.enforcement,
        cfg.behavior,
    )
    assert cfg.policy.name == default_regime(), "the run's own config is left as it was"


def test_editing_firewall_yaml_changes_the_paired_run(tmp_path: Path) -> None:
    from sim.launch.simulate import paired_counterpart, simulate

    policy_dir = tmp_path / "policy"
    policy_dir.mkdir()
    for path in POLICY_DIR.glob("*.yaml"):
        (policy_dir / path.name).write_text(path.read_text())
    cfg = small_config(default_regime(), n_people=1500, weeks=20, **{"enforcement.base_presence": 0.8})
    before = simulate(paired_counterpart(cfg, policy_dir)).timeseries
    same = simulate(paired_counterpart(cfg)).timeseries
    pd.testing.assert_frame_equal(before, same)  # the copy is the real file

    edited = yaml.safe_load((policy_dir / f"{BASELINE}.yaml").read_text())
    edited["rules"].update(formal_request_required=False, formal_request_share=1.0, records_kept=False)
    edited["rules"].update(routine=True)
    (policy_dir / f"{BASELINE}.yaml").write_text(yaml.safe_dump(edited))
    base = paired_counterpart(cfg, policy_dir)
    assert base.policy.rules.routine is True and base.policy.rules.records_kept is False
    after = simulate(base).timeseries
    assert not after.equals(before), "a firewall that answers every request must change the paired run"


def test_cli_paired_run_uses_firewall_yaml(tmp_path: Path) -> None:
    """The counterpart `python -m sim.run paired=true` writes is the firewall.yaml run on the same seed."""
    from sim.config.compose import default_config
    from sim.launch.simulate import paired_counterpart, simulate

    _run(*TINY, "paired=true", "seed=4", f"hydra.run.dir={tmp_path}")
    written = pd.read_parquet(tmp_path / BASELINE_TIMESERIES)
    cfg = default_config(default_regime(), **dict(a.split("=") for a in TINY), seed=4)
    expected = simulate(paired_counterpart(cfg)).timeseries
    pd.testing.assert_frame_equal(written, expected)


# ---------------------------------------------------------------- no Python names a regime

ALLOWED = {BASELINE, default_regime()}


def _string_constants(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text())
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [
        (n.lineno, n.value)
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    ]


# Every Python file of the project that could name a regime: sim/ whole, analysis/, the notebooks.
MINE = sorted((ROOT / "sim").rglob("*.py")) + [
    p for d in ("analysis", "notebooks") for p in sorted((ROOT / d).glob("*.py"))
]


@pytest.mark.parametrize("path", MINE, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_python_names_a_regime(path: Path) -> None:
    """Only the baseline (in sim.config.paths.BASELINE) and the config's default may be named, and only as constants."""
    named = [
        (line, value)
        for line, value in _string_constants(path)
        for regime in set(regimes()) - ALLOWED
        if value == regime or f"={regime}" in value or f",{regime}" in value or f"{regime}," in value
    ]
    assert not named, f"{path.relative_to(ROOT)} names regimes: {named}"
    if path.name != "paths.py":
        literal = [(line, v) for line, v in _string_constants(path) if v == BASELINE]
        assert not literal, f"{path.relative_to(ROOT)}: use sim.config.paths.BASELINE, not the literal {literal}"
