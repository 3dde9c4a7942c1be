"""The command line: outputs, reproducibility, and bad input.

Whole runs of `python -m sim.run` are slow; bad input goes through the entry point in the test's process
(`run_cli_in_process`), except one real process for the exit status and the message the shell sees.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from sim.results.outcomes import MIN_AGENTS
from tests.conftest import run_cli, run_cli_in_process

SMALL = ("population.n_people=2000", "weeks=30")


def _run(tmp_path: Path, name: str, *overrides: str) -> Path:
    out = tmp_path / name
    proc = run_cli(*SMALL, f"hydra.run.dir={out}", *overrides)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.mark.slow
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
        "eligible_by_group",
        "small_groups",
        "arrests",
        "uptake_loss_final_pp",
        "uptake_loss_mean_pp",
        "uptake_loss_final_by_household_type_pp",
        "benefit_visits_deterred",
        "chilling_ratio",
        "recovered",
    ):
        assert key in metrics
    assert 0 <= metrics["uptake_final"] <= 1
    # losses in percentage points: the final-week loss is 100 x (firewall uptake - uptake), from the two tables
    base = pd.read_parquet(out / "timeseries_baseline.parquet")
    df = pd.read_parquet(out / "timeseries.parquet")
    last = df["week"].max()

    def up(t: pd.DataFrame) -> float:
        week = t[t["week"] == last]
        return week["receiving"].sum() / week["eligible"].sum()

    assert metrics["uptake_loss_final_pp"] == pytest.approx(100 * (up(base) - up(df)))
    # every group's figures come with the eligible agents behind them; groups below MIN_AGENTS are flagged
    with_eligible = {g for g, n in metrics["eligible_by_group"].items() if n > 0}
    assert set(metrics["uptake_final_by_group"]) == with_eligible
    small = {g for g, n in metrics["eligible_by_group"].items() if n < metrics["small_group_threshold_agents"]}
    assert set(metrics["small_groups"]) == small
    assert prov["seed"] == 4 and prov["engine"] == "vectorized" and len(prov["config_hash"]) == 16
    assert prov["version"] and "git_commit" in prov and prov["wall_s"] > 0
    assert (out / ".hydra" / "config.yaml").exists()
    assert {"week", "group", "receiving", "eligible", "encounters", "arrests", "eligible_agents"} <= set(df.columns)
    assert {"perceived_disclosure_mean", "perceived_activity_mean", "trust_mean"} <= set(df.columns)
    assert set(df["household_type"]) <= {
        "us_born",
        "all_citizen_immigrant",
        "green_card_citizen",
        "mixed_status",
        "visa_holder",
    }
    assert df["week"].nunique() == 30
    assert not list(out.glob("*.tmp"))


def _commit(run_dir: Path) -> str | None:
    return json.loads((run_dir / "summary.json").read_text())["provenance"].get("git_commit")


@pytest.mark.slow
def test_same_seed_same_bytes_different_seed_different(tmp_path: Path) -> None:
    a = _run(tmp_path, "a", "seed=1")
    b = _run(tmp_path, "b", "seed=1")
    c = _run(tmp_path, "c", "seed=2")
    if _commit(a) == _commit(b):
        assert (a / "timeseries.parquet").read_bytes() == (b / "timeseries.parquet").read_bytes()
    else:  # the checkout gained a commit between the two runs (recorded in the metadata): the rest is identical
        ta, tb = pq.read_table(a / "timeseries.parquet"), pq.read_table(b / "timeseries.parquet")
        assert ta.equals(tb)
        commit = b"uptake_sim.git_commit"
        assert {k: v for k, v in ta.schema.metadata.items() if k != commit} == {
            k: v for k, v in tb.schema.metadata.items() if k != commit
        }
    da, dc = pd.read_parquet(a / "timeseries.parquet"), pd.read_parquet(c / "timeseries.parquet")
    assert not da.equals(dc)
    hashes = [json.loads((d / "summary.json").read_text())["provenance"]["config_hash"] for d in (a, b, c)]
    assert hashes[0] == hashes[1] != hashes[2]


@pytest.mark.slow
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
    (("population.household_type_shares.us_born=0.9",), ["population.household_type_shares", "sum to 1"]),
    (("policy=injunction", "policy.injunction_week=-5"), ["policy.injunction_week", "-5", "-1 for none"]),
    (("population.n_people=lots",), ["population.n_people", "lots"]),
    (("engine=turbo",), ["engine", "turbo", "vectorized"]),
    (("population.n_peeple=10",), ["n_peeple"]),
]


@pytest.mark.parametrize(("overrides", "expected"), BAD, ids=[b[0][-1] for b in BAD])
def test_bad_input_fails_clearly_without_output(tmp_path: Path, overrides, expected) -> None:
    out = tmp_path / "run"
    proc = run_cli_in_process(*SMALL, f"hydra.run.dir={out}", *overrides)
    assert proc.returncode != 0
    for text in expected:
        assert text in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists()


def test_an_unknown_regime_fails_in_a_real_process(tmp_path: Path) -> None:
    """What the shell sees: a non-zero status and the regimes there are, without a traceback or a folder."""
    out = tmp_path / "run"
    overrides, expected = BAD[0]
    proc = run_cli(*SMALL, f"hydra.run.dir={out}", *overrides)
    assert proc.returncode != 0
    for text in expected:
        assert text in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr and not out.exists()


def test_help_lists_config_groups() -> None:
    proc = run_cli("--help")
    assert proc.returncode == 0
    for group in ("population", "network", "policy", "enforcement", "behavior"):
        assert f"{group}:" in proc.stdout
    assert "appointment_disclosure" in proc.stdout


@pytest.mark.slow
def test_report_names_what_it_counts(tmp_path: Path) -> None:
    """The printed table: household types with the eligible agents behind each row, flags, losses in pp."""
    out = tmp_path / "report"
    proc = run_cli(*SMALL, f"hydra.run.dir={out}", "policy=injunction", "policy.injunction_week=10", "paired=true")
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    for words in (
        "eligible agents",
        "US-born households",
        "Mixed-status households",
        "loss_pp",
        "percentage points",
        "encounters",
        "community arrests (apart from the agency)",
        "benefit visits deterred",
        "chilling ratio (benefit visits deterred per encounter at the agency)",
        "recovery after the injunction (half-life from the peak loss)",
    ):
        assert words in text, words
    metrics = json.loads((out / "summary.json").read_text())["metrics"]
    if metrics["small_groups"]:
        assert f"n<{MIN_AGENTS}: not a finding" in text
    recovery = next(line for line in text.splitlines() if "recovery after the injunction" in line)
    if metrics["recovered"] is False:
        assert "not recovered by the horizon" in recovery
    elif metrics["recovered"]:
        assert f"{metrics['recovery_half_life_weeks']:.0f} weeks from the peak" in recovery


def test_report_says_not_recovered_by_the_horizon() -> None:
    from sim.results.report import _recovery

    peak = {"peak_loss_pp": 2.5, "peak_loss_week": 40}
    assert _recovery({"recovered": False, "recovery_half_life_weeks": None, **peak}).startswith(
        "not recovered by the horizon"
    )
    assert _recovery({"recovered": True, "recovery_half_life_weeks": 12.0, **peak}).startswith("12 weeks from the peak")
    assert "no injunction" in _recovery({"recovered": None, "recovery_half_life_weeks": None})
