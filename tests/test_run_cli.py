"""The command line: outputs, reproducibility, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import run_cli

SMALL = ("population.n_people=2000", "weeks=30")


def _run(tmp_path: Path, name: str, *overrides: str) -> Path:
    out = tmp_path / name
    proc = run_cli(*SMALL, f"hydra.run.dir={out}", *overrides)
    assert proc.returncode == 0, proc.stderr
    return out


def test_outputs_and_provenance(tmp_path: Path) -> None:
    out = _run(tmp_path, "a", "paired=true", "seed=4")
    summary = json.loads((out / "summary.json").read_text())
    metrics, prov = summary["metrics"], summary["provenance"]
    for key in (
        "uptake_final",
        "uptake_mean",
        "appointments_due",
        "appointments_attended",
        "appointments_missed",
        "encounters",
        "benefits_forgone_usd",
        "uptake_final_by_group",
        "uptake_loss_final",
        "chilling_ratio",
    ):
        assert key in metrics
    assert 0 <= metrics["uptake_final"] <= 1
    assert prov["seed"] == 4 and prov["engine"] == "vectorized" and len(prov["config_hash"]) == 16
    assert prov["version"] and "git_commit" in prov and prov["wall_s"] > 0
    assert (out / ".hydra" / "config.yaml").exists()
    df = pd.read_parquet(out / "timeseries.parquet")
    assert {"week", "group", "receiving", "eligible", "encounters"} <= set(df.columns)
    assert df["week"].nunique() == 30
    assert not list(out.glob("*.tmp"))


def test_same_seed_same_bytes_different_seed_different(tmp_path: Path) -> None:
    a = _run(tmp_path, "a", "seed=1")
    b = _run(tmp_path, "b", "seed=1")
    c = _run(tmp_path, "c", "seed=2")
    assert (a / "timeseries.parquet").read_bytes() == (b / "timeseries.parquet").read_bytes()
    da, dc = pd.read_parquet(a / "timeseries.parquet"), pd.read_parquet(c / "timeseries.parquet")
    assert not da.equals(dc)
    hashes = [json.loads((d / "summary.json").read_text())["provenance"]["config_hash"] for d in (a, b, c)]
    assert hashes[0] == hashes[1] != hashes[2]


def test_event_past_the_horizon_is_not_reached_and_said_once(tmp_path: Path) -> None:
    """A court order at week 500 in a 30-week run: one line says so, and the run goes ahead."""
    out = tmp_path / "late"
    proc = run_cli(*SMALL, f"hydra.run.dir={out}", "policy=injunction", "policy.injunction_week=500")
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if "not reached" in line]
    assert len(lines) == 1 and "policy.injunction_week" in lines[0] and "500" in lines[0], proc.stdout
    assert (out / "summary.json").exists()


BAD = [
    (("policy=no_such_regime",), ["policy", "no_such_regime", "appointment_disclosure"]),
    (("population.n_people=-5",), ["population.n_people", "-5", "integer in [1,"]),
    (("enforcement.apprehension=1.5",), ["enforcement.apprehension", "1.5", "[0, 1]"]),
    (("population.household_type_shares.citizen_only=0.9",), ["population.household_type_shares", "sum to 1"]),
    (("policy=injunction", "policy.injunction_week=-5"), ["policy.injunction_week", "-5", "-1 for none"]),
    (("population.n_people=lots",), ["population.n_people", "lots"]),
    (("engine=turbo",), ["engine", "turbo", "vectorized"]),
    (("population.n_peeple=10",), ["n_peeple"]),
]


@pytest.mark.parametrize(("overrides", "expected"), BAD, ids=[b[0][-1] for b in BAD])
def test_bad_input_fails_clearly_without_output(tmp_path: Path, overrides, expected) -> None:
    out = tmp_path / "run"
    proc = run_cli(*SMALL, f"hydra.run.dir={out}", *overrides)
    assert proc.returncode != 0
    for text in expected:
        assert text in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists()


def test_help_lists_config_groups() -> None:
    proc = run_cli("--help")
    assert proc.returncode == 0
    for group in ("population", "network", "policy", "enforcement", "behavior"):
        assert f"{group}:" in proc.stdout
    assert "appointment_disclosure" in proc.stdout
