"""Region outputs, missed appointments by type, and the Python entry point that does what the CLI does."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from sim.config import NEEDS
from sim.launch.simulate import run_config
from sim.results.outputs import BASELINE_REGION_TIMESERIES, REGION_TIMESERIES, SUMMARY
from sim.results.report import format_report
from tests.conftest import run_cli_in_process, small_config

PARTIAL = {"paired": True, "policy.regions": [0, 1, 2, 3, 4], "population.n_regions": 10}


@pytest.fixture(scope="module")
def partial():
    """A regime in force in half the regions, paired, at test size."""
    return run_config(small_config(n_people=4000, weeks=60, seed=1, **PARTIAL), warn=False)


def test_region_table_holds_the_same_people_as_the_group_table(partial) -> None:
    by_region = partial.regions.groupby("week")[["eligible", "receiving", "due", "missed"]].sum()
    by_group = partial.timeseries.groupby("week")[["eligible", "receiving", "due", "missed"]].sum()
    pd.testing.assert_frame_equal(by_region, by_group, rtol=1e-9)
    agents = partial.regions.groupby("week")["eligible_agents"].sum()
    assert agents.equals(partial.timeseries.groupby("week")["eligible_agents"].sum())
    assert set(partial.regions["region"]) == set(range(10))


def test_missed_appointments_by_type_add_up_to_the_missed(partial) -> None:
    df, m = partial.timeseries, partial.summary["metrics"]
    by_need = df[[f"missed_{n}" for n in NEEDS]].sum(axis=1)
    assert (by_need - df["missed"]).abs().max() < 1e-9
    assert sum(m["appointments_missed_by_need"].values()) == pytest.approx(m["appointments_missed"], abs=len(NEEDS))


def test_summary_has_uptake_and_loss_by_region_and_the_covered_gap(partial) -> None:
    m = partial.summary["metrics"]
    assert set(m["uptake_final_by_region"]) == {str(r) for r in range(10)}
    assert all(0.0 <= v <= 1.0 for v in m["uptake_final_by_region"].values())  # shares
    assert set(m["uptake_loss_final_by_region_pp"]) == set(m["uptake_final_by_region"])
    gap = m["regime_coverage_gap"]
    assert gap["covered_regions"] == [0, 1, 2, 3, 4] and gap["gap_pp_ci"] is not None
    lo, hi = gap["gap_pp_ci"]
    assert lo <= gap["gap_pp"] <= hi
    losses = m["uptake_loss_final_by_region_pp"]
    inside = [losses[str(r)] for r in range(5)]
    assert gap["covered_loss_pp"] == pytest.approx(sum(inside) / 5)
    report = format_report(partial.summary, partial.timeseries, partial.baseline)
    assert "loss in regions the regime covers vs the others (pp)" in report and "95% CI" in report


def test_a_regime_everywhere_prints_no_covered_line() -> None:
    r = run_config(small_config(n_people=1500, weeks=30, paired=True), warn=False)
    assert "regime_coverage_gap" not in r.summary["metrics"]
    assert "covers vs the others" not in format_report(r.summary, r.timeseries, r.baseline)


def test_run_config_does_what_the_cli_does(tmp_path: Path) -> None:
    """Same config through Python and through `python -m sim.run`'s entry point: same metrics, hash and files."""
    overrides = ["population.n_people=1500", "weeks=30", "paired=true", "seed=3", "policy.regions=[0,1]"]
    proc = run_cli_in_process(*overrides, f"hydra.run.dir={tmp_path / 'cli'}")
    assert proc.returncode == 0, proc.stderr
    cli = json.loads((tmp_path / "cli" / SUMMARY).read_text())
    cfg = small_config(n_people=1500, weeks=30, paired=True, seed=3, **{"policy.regions": [0, 1]})
    py = run_config(cfg, tmp_path / "py", warn=False)
    assert py.summary["metrics"] == cli["metrics"]
    assert py.summary["provenance"]["config_hash"] == cli["provenance"]["config_hash"]
    for name in (REGION_TIMESERIES, BASELINE_REGION_TIMESERIES):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "py" / name), pd.read_parquet(tmp_path / "cli" / name))


def test_any_regime_can_be_the_paired_baseline(tmp_path: Path) -> None:
    """`baseline=injunction`: the paired arm is the injunction run on the same seed, and losses are against it."""
    from sim.launch.simulate import simulate

    cfg = small_config(n_people=1500, weeks=40, seed=2, paired=True, baseline="injunction")
    result = run_config(cfg, tmp_path, warn=False)
    alone = simulate(small_config("injunction", n_people=1500, weeks=40, seed=2))
    pd.testing.assert_frame_equal(result.baseline, alone.timeseries)
    assert result.summary["baseline_policy"] == "injunction"
    loss = 100 * (alone.metrics["uptake_final"] - result.summary["metrics"]["uptake_final"])
    assert result.summary["metrics"]["uptake_loss_final_pp"] == pytest.approx(loss)
    assert "loss against the paired injunction run" in format_report(result.summary, result.timeseries, result.baseline)


def test_a_baseline_that_is_not_a_regime_is_refused_naming_the_field() -> None:
    proc = run_cli_in_process("baseline=directive", "population.n_people=1500", "weeks=30")
    assert proc.returncode == 2 and "baseline = 'directive'" in proc.stderr and "firewall" in proc.stderr
