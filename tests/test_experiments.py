"""Each experiment runs end to end at a tiny size and writes its figures, CSVs and manifest."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.common import expected_runs
from sim.config.paths import ROOT, regimes
from sim.results.outcomes import MIN_AGENTS

TINY = {
    "policy_comparison": ["population.n_people=800", "weeks=70", "policy=firewall,injunction", "seed=0,1"],
    "dose_response": [
        "population.n_people=800",
        "weeks=30",
        "policy.rules.disclosure_prob=0,1",
        "enforcement.base_presence=0.2,1",
        "seed=0",
    ],
    "reversal": ["population.n_people=800", "weeks=60", "policy.injunction_week=20,40", "seed=0,1"],
    "network": [
        "population.n_people=800",
        "weeks=30",
        "network.mean_degree=0,4",
        "network.within_block=0.2,0.8",
        "seed=0",
    ],
    "spillover": [
        "population.n_people=800",
        "weeks=30",
        "policy.clinic_disclosure_prob=0,0.3",
        "behavior.kappa=0,1",
        "seed=0",
    ],
}


@pytest.mark.slow
@pytest.mark.parametrize("name", list(TINY))
def test_experiment_end_to_end(name: str, tmp_path: Path) -> None:
    module = importlib.import_module(f"experiments.{name}")
    figures_dir = tmp_path / "figures"
    argv = [*TINY[name], "hydra/launcher=basic", f"--figures={figures_dir}", f"--sweep-dir={tmp_path / 'sweep'}"]
    result = module.main(argv)
    assert len(result.sweep.runs) == expected_runs(name, TINY[name]) == 4
    assert not result.sweep.bad_runs
    manifest = json.loads((figures_dir / "MANIFEST.json").read_text())
    for stem, paths in result.figures.items():
        assert {p.suffix for p in paths} == {".png", ".pdf", ".csv"}
        assert all(p.stat().st_size > 0 for p in paths)
        data = pd.read_csv(figures_dir / f"{stem}.csv")
        assert len(data) > 0 and data["mean"].notna().any()
        entry = manifest[stem]
        assert entry["experiment"] == name and entry["runs"] == 4 and entry["config_hashes"] and entry["seeds"]
        assert entry["version"] and "git_commit" in entry and entry["runtime_s"] >= 0
        made_by = sorted(set(result.sweep.runs["p.source_sha"]))  # the code behind the runs, not the plotting
        assert entry["source_shas"] == made_by and len(made_by[0]) == 16 and isinstance(entry["dirty"], bool)
        assert entry["git_commits"] == sorted({str(c) for c in result.sweep.runs["p.git_commit"] if c})
        if "segment" in data or "eligible_agents" in data:  # per-group numbers carry the agents behind them
            assert {"eligible_agents", "small"} <= set(data.columns)
            assert (data["small"] == (data["eligible_agents"] < MIN_AGENTS)).all()
    CHECKS.get(name, lambda *_: None)(result, figures_dir)


def _dose_response(result, figures_dir: Path) -> None:
    """The heatmap's loss is each run's summary `uptake_loss_final_pp`, averaged over seeds; encounters per 100k."""
    x, y = "policy.rules.disclosure_prob", "enforcement.base_presence"
    data = pd.read_csv(figures_dir / "dose_response_main.csv")
    assert set(data["metric"]) == {"uptake_loss_final_pp", "encounters_per_100k_people"}
    loss = data[data["metric"] == "uptake_loss_final_pp"].set_index([x, y])["mean"].sort_index()
    expected = result.sweep.runs.groupby([x, y])["m.uptake_loss_final_pp"].mean().sort_index()
    np.testing.assert_allclose(loss.to_numpy(), expected.to_numpy(), rtol=1e-9, atol=1e-9)
    enc = data[data["metric"] == "encounters_per_100k_people"].set_index([x, y])["mean"]
    assert (enc >= 0).all()


def _reversal(result, figures_dir: Path) -> None:
    """Every run is in the figure's data with the recovery of its summary: not-recovered runs are kept as such.

    The figure's half-life is the summary's, measured from the run's peak loss after the injunction.
    """
    data = pd.read_csv(figures_dir / "reversal_main.csv")
    per_run = data[data["kind"] == "run"].set_index("run")
    runs = per_run["status"]
    assert len(runs) == len(result.sweep.runs)
    for _, row in result.sweep.runs.iterrows():
        recovered = row.get("m.recovered")
        if recovered is None or pd.isna(recovered):
            assert runs[row["run"]] not in ("recovered", "not recovered by the horizon")
        elif bool(recovered):
            assert runs[row["run"]] == "recovered"
            got = per_run.loc[row["run"], "halflife_from_peak_weeks"]
            assert got == pytest.approx(row["m.recovery_half_life_weeks"])
            assert per_run.loc[row["run"], "peak_loss_week"] == row["m.peak_loss_week"]
        else:
            assert runs[row["run"]] == "not recovered by the horizon"


def _policy_comparison(result, figures_dir: Path) -> None:
    """The headline table a brief quotes: the mean with both intervals, n, unit, and which interval is which."""
    head = pd.read_csv(figures_dir / "policy_comparison_headline.csv")
    assert list(head.columns) == [
        "metric", "policy", "mean", "ci_lo", "ci_hi", "pi_lo", "pi_hi", "n", "unit", "interval"
    ]  # fmt: skip
    assert head["interval"].str.contains("95% CI of the mean").all()
    assert head["interval"].str.contains("90% predictive interval").all()
    both = head[head["n"] >= 2]
    assert len(both) and (both["ci_lo"] <= both["mean"]).all() and (both["mean"] <= both["ci_hi"]).all()
    assert (both["pi_lo"] <= both["pi_hi"]).all()


CHECKS = {"dose_response": _dose_response, "reversal": _reversal, "policy_comparison": _policy_comparison}


def test_expected_runs_follows_overrides() -> None:
    # The comparison sweeps every regime in conf/policy/ (glob), 16 seeds each. Count the files on both sides of
    # the call: tests/test_regimes.py adds a regime file for the length of one test, possibly in parallel.
    before, total, after = len(regimes()), expected_runs("policy_comparison", []), len(regimes())
    assert total in (16 * before, 16 * after)
    before, total, after = len(regimes()), expected_runs("policy_comparison", ["seed=range(0,3)"]), len(regimes())
    assert total in (3 * before, 3 * after)
    assert expected_runs("policy_comparison", ["seed=1", "policy=firewall,injunction"]) == 2


def test_the_committed_manifest_says_every_figure_s_runs_are_the_calibrated_model() -> None:
    """Issue: every experiment and figure runs on the calibrated model, and MANIFEST.json records it. The
    exceptions say what they are: the sensitivity analysis samples the declared ranges on purpose, and the
    group sizes are counts of the population, not runs."""
    manifest = json.loads((ROOT / "figures" / "MANIFEST.json").read_text())
    for name, entry in manifest.items():
        record = entry.get("behavior")
        assert record, f"{name}: MANIFEST.json does not say which behaviour its runs used"
        if name.startswith("sensitivity_") or name == "group_sizes":
            assert isinstance(record, str) and ("not the posterior" in record or "no behaviour" in record), name
        else:
            assert record["calibrated"] and record["posterior_file"] == ["data/posterior/posterior.csv"], name
            assert record["transfer_uncertain"], name


def test_a_sweep_is_dirty_when_any_run_was_whatever_the_column_holds() -> None:
    import numpy as np
    import pandas as pd

    from experiments.common import runs_fingerprint

    for column, dirty in (([False, None], False), ([np.True_, None], True), ([True, False], True), ([], False)):
        runs = pd.DataFrame({"p.dirty": pd.Series(column, dtype=object), "p.source_sha": ["a"] * len(column)})
        assert runs_fingerprint(runs)["dirty"] is dirty, column
