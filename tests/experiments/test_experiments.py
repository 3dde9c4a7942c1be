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
    # the call: tests/model/test_regimes.py adds a regime file for the length of one test, possibly in parallel.
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


# ------------------------------------------------------------------ experiments.design

CALLS: list[int] = []


def _square(x: int) -> dict:
    """A point of a test design: records that it ran."""
    CALLS.append(x)
    return {"x": x, "y": x * x / 7.0, "nan": float("nan"), "flag": np.bool_(x % 2), "count": np.int64(x)}


def test_a_design_stopped_midway_resumes_from_its_checkpoint(tmp_path: Path) -> None:
    """Points saved before a stop are read back exactly (floats, NaN, numpy scalars), not run again; a half-written
    last line is ignored; another design's points are not reused."""
    from experiments import design

    checkpoint = tmp_path / "points.checkpoint.jsonl"
    jobs = [(i,) for i in range(5)]
    CALLS.clear()
    first = design.run_points(_square, jobs[:3], 1, checkpoint)  # as if stopped after 3 points
    with checkpoint.open("a") as f:
        f.write('{"key": "half')  # a stop while writing
    CALLS.clear()
    whole = design.run_points(_square, jobs, 1, checkpoint)
    assert CALLS == [3, 4]  # only the points not saved ran
    assert pd.DataFrame(whole).head(3).equals(pd.DataFrame(first))
    CALLS.clear()
    fresh = design.run_points(_square, jobs, 1)
    assert pd.DataFrame(whole).equals(pd.DataFrame(fresh)) and CALLS == [0, 1, 2, 3, 4]
    CALLS.clear()
    design.run_points(_square, [(10,)], 1, checkpoint)
    assert CALLS == [10]


def test_a_function_of_a_module_run_as_a_script_is_taken_from_the_importable_module(monkeypatch) -> None:
    """`python -m experiments.x` runs x as __main__, whose functions workers cannot unpickle by name."""
    import sys
    import types

    from experiments import design, levers

    main = types.ModuleType("__main__")
    main.__spec__ = levers.__spec__
    monkeypatch.setitem(sys.modules, "__main__", main)

    def _paired() -> None: ...

    _paired.__module__, _paired.__qualname__ = "__main__", "_paired"
    assert design.importable(_paired) is levers._paired
    assert design.importable(_square) is _square


def test_every_experiment_s_sizes_load_and_a_bad_size_is_named() -> None:
    from experiments import compare, design, levers, mitigation, validation
    from experiments.calibration import sizes as calibration
    from experiments.discovery import sample
    from experiments.sensitivity import runs
    from sim.config import ConfigError

    sized = {"discovery": sample.Size, "sensitivity": runs.Size, "validation": validation.Size,
             "levers": levers.Size, "mitigation": mitigation.Size, "compare": compare.Size,
             "calibration": calibration.Size}  # fmt: skip
    assert {p.stem for p in design.SIZES_DIR.glob("*.yaml")} == set(sized)
    for name, cls in sized.items():
        for which in design.sizes(name):
            assert isinstance(design.load_size(name, cls, which), cls)
    assert design.load_size("discovery", sample.Size, "tiny", n_runs=7).n_runs == 7
    for change, words in (
        ({"n_runs": 0}, "discovery.tiny.n_runs = 0: must be an integer >= 1"),
        ({"n_runs": 2.5}, "discovery.tiny.n_runs = 2.5"),
        ({"start_week": -1}, "discovery.tiny.start_week = -1: must be an integer >= 0, or null"),
        ({"runs": 3}, "discovery.tiny.runs = 3: not a size field"),
    ):
        with pytest.raises(ConfigError, match=words.replace(".", r"\.").replace("(", r"\(")):
            design.load_size("discovery", sample.Size, "tiny", **change)
    with pytest.raises(ConfigError, match="allowed: full, tiny"):
        design.load_size("discovery", sample.Size, "huge")


def test_the_seeds_of_each_random_part_are_those_of_one_seed_sequence() -> None:
    from experiments import design
    from experiments.discovery.sample import seeds

    names, children = ("lhs", "model", "trees", "probes"), np.random.SeedSequence(5).spawn(4)
    assert seeds(5) == {k: int(s.generate_state(1)[0]) for k, s in zip(names, children, strict=True)}
    assert (
        design.seed_text(range(0, 60)) == "0-59" and design.seed_text([3]) == "3" and design.seed_text([1, 3]) == "1 3"
    )


@pytest.mark.slow
def test_a_lever_run_that_cannot_run_stops_the_table_before_anything_is_written(tmp_path: Path, capsys) -> None:
    from experiments import levers
    from sim.config import MAX_PEOPLE

    with pytest.raises(SystemExit) as ended:
        levers.main(["--tiny", "--people", str(MAX_PEOPLE + 1), "--figures", str(tmp_path / "out")])
    assert ended.value.code == 2
    line = capsys.readouterr().err.strip()
    assert "\n" not in line and f"lever run 1 of 36: population.n_people = {MAX_PEOPLE + 1}" in line, line
    assert not (tmp_path / "out").exists()
