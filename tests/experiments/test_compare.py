"""experiments/compare.py: any two scenarios on the same seeds, with both kinds of interval."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from experiments.compare import compare, interval_table, split_overrides
from tests.conftest import ROOT

SMALL = ["population.n_people=1500", "weeks=30"]


def test_an_override_reaches_both_unless_scoped() -> None:
    arms = split_overrides(["weeks=30", "b:policy.injunction_week=20", "a:seed=3", "policy.regions=[0,1]"])
    assert arms["a"] == ["weeks=30", "seed=3", "policy.regions=[0,1]"]
    assert arms["b"] == ["weeks=30", "policy.injunction_week=20", "policy.regions=[0,1]"]
    with pytest.raises(ValueError, match="c:weeks=3"):
        split_overrides(["c:weeks=3"])


@pytest.mark.slow
def test_a_scenario_against_itself_differs_by_nothing(tmp_path: Path) -> None:
    """Same regime, same seeds: every difference is exactly zero, so pairing is real."""
    table = compare("appointment_disclosure", "appointment_disclosure", SMALL, 2, 1, tmp_path)
    assert (table[["mean", "ci_lo", "ci_hi", "pi_lo", "pi_hi"]] == 0).all().all()
    (runs_file,) = tmp_path.glob("appointment_disclosure_vs_appointment_disclosure_*_runs.csv")
    runs = pd.read_csv(runs_file)
    assert sorted(runs["seed"].unique()) == [0, 1] and runs["config_hash"].nunique() == 2


@pytest.mark.slow
def test_a_scoped_lever_moves_only_its_scenario(tmp_path: Path) -> None:
    """Remote service for every need in B only: B misses fewer appointments than A on every seed."""
    remote = [f"b:policy.remote_share.{k}=1.0" for k in ("eligibility", "direct_deposit", "child_review")]
    table = compare("appointment_disclosure", "appointment_disclosure", [*SMALL, *remote], 2, 1, tmp_path)
    row = table.set_index("metric").loc["appointments_missed_diff"]
    assert row["runs_max"] < 0 and row["ci_lo"] <= row["mean"] <= row["ci_hi"]
    assert row["runs_min"] <= row["pi_lo"] <= row["pi_hi"] <= row["runs_max"]  # percentiles of the two seeds


def test_both_intervals_by_the_figures_rule() -> None:
    """B minus A over 40 seeds: the CI of the mean and the 90% predictive interval of `mean_intervals`, labelled."""
    seeds = 40
    runs = pd.DataFrame(
        [{"scenario": s, "seed": k, "uptake_final": 0.9 - 0.001 * k * (s == "b"), **dict.fromkeys(
            ["uptake_mean", "benefits_forgone_usd", "appointments_missed", "benefit_appointments_missed",
             "citizen_children_without_benefit", "encounters", "arrests"], 0.0)} for s in "ab" for k in range(seeds)]
    )  # fmt: skip
    table = interval_table(runs)
    row = table.set_index("metric").loc["uptake_final_diff_pp"]
    diff = -0.1 * np.arange(seeds)  # pp
    assert row["mean"] == pytest.approx(diff.mean()) and row["n"] == seeds
    assert [row["pi_lo"], row["pi_hi"]] == pytest.approx(list(np.percentile(diff, [5, 95])))
    half = stats.t.ppf(0.975, seeds - 1) * diff.std(ddof=1) / np.sqrt(seeds)
    assert row["ci_hi"] - row["mean"] == pytest.approx(half)
    assert row["pi_lo"] < row["ci_lo"] < row["mean"] < row["ci_hi"] < row["pi_hi"]  # many seeds: the CI is inside
    assert "95% CI of the mean" in row["interval"] and "90% predictive interval" in row["interval"]
    assert "chance only" in row["interval"]


@pytest.mark.slow
def test_an_unknown_scenario_stops_before_anything_is_written(tmp_path: Path) -> None:
    out = tmp_path / "cmp"
    cmd = [sys.executable, "-m", "experiments.compare", "--a", "directive", "--b", "injunction", "--out", str(out)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and "'directive'" in proc.stderr and not out.exists()
