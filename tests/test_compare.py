"""experiments/compare.py: any two scenarios on the same seeds, with both kinds of interval."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from experiments.compare import compare, interval_table, split_overrides
from tests.conftest import ROOT

SMALL = ["population.n_people=1500", "weeks=30"]


def test_an_override_reaches_both_unless_scoped() -> None:
    arms = split_overrides(["weeks=30", "b:policy.injunction_week=20", "a:seed=3", "policy.regions=[0,1]"])
    assert arms["a"] == ["weeks=30", "seed=3", "policy.regions=[0,1]"]
    assert arms["b"] == ["weeks=30", "policy.injunction_week=20", "policy.regions=[0,1]"]
    with pytest.raises(ValueError, match="c:weeks=3"):
        split_overrides(["c:weeks=3"])


def test_a_scenario_against_itself_differs_by_nothing(tmp_path: Path) -> None:
    """Same regime, same seeds: every difference is exactly zero, so pairing is real."""
    table = compare("appointment_disclosure", "appointment_disclosure", SMALL, 2, 1, tmp_path)
    assert (table[["mean", "mean_ci_lo", "mean_ci_hi", "predictive_lo", "predictive_hi"]] == 0).all().all()
    runs = pd.read_csv(tmp_path / "appointment_disclosure_vs_appointment_disclosure_runs.csv")
    assert sorted(runs["seed"].unique()) == [0, 1] and runs["config_hash"].nunique() == 2


def test_a_scoped_lever_moves_only_its_scenario(tmp_path: Path) -> None:
    """Remote service for every need in B only: B misses fewer appointments than A on every seed."""
    remote = [f"b:policy.remote_share.{k}=1.0" for k in ("eligibility", "direct_deposit", "child_review")]
    table = compare("appointment_disclosure", "appointment_disclosure", [*SMALL, *remote], 2, 1, tmp_path)
    row = table.set_index("metric").loc["appointments_missed_diff"]
    assert row["runs_max"] < 0 and row["predictive_lo"] <= row["mean_ci_lo"] <= row["mean"]


def test_predictive_interval_is_wider_than_the_means() -> None:
    runs = pd.DataFrame(
        [{"scenario": s, "seed": k, "uptake_final": 0.9 - 0.01 * k * (s == "b"), **dict.fromkeys(
            ["uptake_mean", "benefits_forgone_usd", "appointments_missed", "benefit_appointments_missed",
             "citizen_children_without_benefit", "encounters", "arrests"], 0.0)} for s in "ab" for k in range(5)]
    )  # fmt: skip
    row = interval_table(runs).set_index("metric").loc["uptake_final_diff_pp"]
    assert row["mean"] == pytest.approx(-2.0)
    assert row["predictive_lo"] < row["mean_ci_lo"] < row["mean"] < row["mean_ci_hi"] < row["predictive_hi"]


def test_an_unknown_scenario_stops_before_anything_is_written(tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    cmd = [sys.executable, "-m", "experiments.compare", "--a", "directive", "--b", "injunction", "--out", str(out)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and "'directive'" in proc.stderr and not out.exists()
