"""Sweeps: identical results on every launcher, and resumable after being killed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from analysis.load import load_sweep, run_dirs
from tests.conftest import ROOT

SWEEP = [
    "+experiment=spillover",
    "population.n_people=1000",
    "weeks=20",
    "policy.clinic_disclosure_prob=0.1",
    "behavior.kappa=0,1",
    "seed=3,4",
]


def _sweep(sweep_dir: Path, *extra: str, popen: bool = False):
    cmd = [sys.executable, "-m", "sim.run", "-m", *SWEEP, f"hydra.sweep.dir={sweep_dir}", *extra]
    env = {**os.environ, "RAY_AUTH_MODE": "disabled"}
    if popen:
        return subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
        )
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def _results(sweep_dir: Path) -> dict[str, tuple[pd.DataFrame, dict]]:
    """Per run: the timeseries and the summary, without wall time and commit (which may differ between runs)."""
    out = {}
    for run in run_dirs(sweep_dir):
        summary = json.loads((run / "summary.json").read_text())
        for key in ("wall_s", "git_commit"):
            summary["provenance"].pop(key)
        out[run.name] = (pd.read_parquet(run / "timeseries.parquet"), summary)
    return out


def _assert_same(results: dict, reference: dict) -> None:
    assert sorted(results) == sorted(reference) == ["0", "1", "2", "3"]
    for name, (frame, summary) in results.items():
        pd.testing.assert_frame_equal(frame, reference[name][0], check_exact=True)
        assert summary == reference[name][1], f"run {name}: summaries differ"


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> dict:
    sweep_dir = tmp_path_factory.mktemp("basic")
    _sweep(sweep_dir, "hydra/launcher=basic")
    return _results(sweep_dir)


@pytest.mark.slow
@pytest.mark.parametrize(
    "launcher",
    [
        ("hydra/launcher=joblib", "hydra.launcher.n_jobs=2"),
        ("hydra/launcher=ray", "+hydra.launcher.ray.init.num_cpus=2"),
        ("hydra/launcher=submitit_local",),
    ],
    ids=["joblib", "ray", "submitit_local"],
)
def test_launchers_give_identical_results(tmp_path: Path, reference: dict, launcher: tuple) -> None:
    _sweep(tmp_path, *launcher)
    _assert_same(_results(tmp_path), reference)


@pytest.mark.slow
def test_killed_sweep_resumes_to_identical_results(tmp_path: Path, reference: dict) -> None:
    proc = _sweep(tmp_path, "hydra/launcher=basic", popen=True)
    deadline = time.time() + 300
    while len(list(tmp_path.glob("*/summary.json"))) < 2 and time.time() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = {p.parent.name: p.stat().st_mtime_ns for p in tmp_path.glob("*/summary.json")}
    assert 2 <= len(finished) < 4
    for run in run_dirs(tmp_path):
        if run.name not in finished:
            assert not (run / "summary.json").exists()
    rerun = _sweep(tmp_path, "hydra/launcher=basic")
    assert rerun.stdout.count("already complete, skipped") + rerun.stderr.count("already complete, skipped") == len(
        finished
    )
    for name, mtime in finished.items():
        assert (tmp_path / name / "summary.json").stat().st_mtime_ns == mtime
    _assert_same(_results(tmp_path), reference)
    sweep = load_sweep(tmp_path)
    assert not sweep.bad_runs and len(sweep.runs) == 4
