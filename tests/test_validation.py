"""Validation: the statistics' definitions on hand-made records, and a micro end-to-end run."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from experiments import validation as val
from experiments.survey import Record
from sim import MODEL_VERSION
from sim.paths import ROOT


def _record(weeks: int, households: int = 4, regions: int = 2) -> Record:
    return Record(
        missed=np.zeros((weeks, households), dtype=bool),
        due_region=np.zeros((weeks, regions), dtype=np.int64),
        missed_region=np.zeros((weeks, regions), dtype=np.int64),
        receiving=np.zeros((weeks, regions, 2), dtype=np.int64),
        eligible=np.ones((weeks, regions, 2), dtype=np.int64),
        families={"immigrant": np.ones(households, dtype=bool)},
        weight=np.ones(households),
    )


def test_interval_is_median_and_90_percent_ignoring_undefined_runs() -> None:
    got = val.interval(pd.Series([*range(101), np.nan, np.inf]))
    assert got == {"median": 50.0, "lo": 5.0, "hi": 95.0}


def test_surge_ratio_is_missed_rate_after_over_before() -> None:
    rec = _record(val.SURGE_WEEK + val.SURGE_SPAN)
    before = slice(val.SURGE_WEEK - val.SURGE_SPAN, val.SURGE_WEEK)
    after = slice(val.SURGE_WEEK, val.SURGE_WEEK + val.SURGE_SPAN)
    rec.due_region[:, :] = 10
    rec.missed_region[before, 0] = 1
    rec.missed_region[after, 0] = 3
    rec.missed_region[:, 1] = 9  # other regions do not count
    assert val.surge_ratio(rec, [0]) == pytest.approx(3.0)


def test_persistence_is_avoidance_after_the_lag_over_its_peak() -> None:
    weeks = val.HORIZON
    rec, base = _record(weeks), _record(weeks)
    rec.missed[val.START + 1, :] = True  # everyone avoids once, early: peak share 1
    late = val.REVERSAL + val.PERSISTENCE_LAG - 5
    rec.missed[late, :2] = True  # half still avoid near the end of the window
    assert val.persistence(rec, base) == pytest.approx(0.5)


def test_jurisdiction_gap_in_percentage_points() -> None:
    rec = _record(val.HORIZON)
    rec.eligible[:, :, :] = 10
    rec.receiving[:, 0, :] = 9
    rec.receiving[:, 1, :] = 8
    assert val.jurisdiction_gap(rec, [0], 2) == pytest.approx(10.0)


def test_tiny_cli_writes_every_key_with_an_interval_and_prints_where(tmp_path) -> None:
    post = tmp_path / "posterior.csv"
    pd.DataFrame(
        {"behavior.w_announcement": [1.0, 3.0], "behavior.loss_scale": [1.0, 1.5], "weight": [0.5, 0.5]}
    ).to_csv(post, index=False)
    (tmp_path / "diagnostics.json").write_text(json.dumps({"model_version": MODEL_VERSION}))
    out = tmp_path / "run"
    proc = subprocess.run(
        [sys.executable, "-m", "experiments.validation", "--posterior", str(post), "--out", str(out)],
        cwd=ROOT,
        env={**os.environ, "UPTAKE_TINY": "1"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    assert f"Validation: {out / 'validation.json'}" in proc.stdout
    saved = json.loads((out / "validation.json").read_text())
    assert list(saved) == list(val.KEYS)
    for key, v in saved.items():
        assert set(v) == {"median", "lo", "hi"}, key
        if np.isfinite(v["median"]):
            assert v["lo"] <= v["median"] <= v["hi"], key
    assert 0.0 <= saved["avoidance_mixed_status"]["hi"] <= 1.0
    runs = pd.read_csv(out / "validation_runs.csv")
    assert len(runs) == val.TINY.seeds and runs["seed"].is_unique
