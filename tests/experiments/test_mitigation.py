"""The mitigation experiment: what it runs, what its table says, and that no mitigation costs uptake.

`python -m experiments.mitigation --tiny` (a court order in half the regions and every lever at once; 2 seeds; the
experiment's own behaviour, through its Hydra sweep) serves the tests of the table, the figure and what each run
composed.
Every mitigation of the YAML is run in-process at a small size for the claim that none lowers uptake: a Hydra
job costs about 1 s of CPU in composing alone, too slow for all 21 in a test.

What "no mitigation lowers uptake" can honestly mean was measured, not assumed. At full size (20,000 people,
156 weeks, 10 seeds, the calibrated posterior) every mitigation's mean over seeds is positive, but 7 of 400 seed
pairs are slightly negative: final week, an injunction in half the regions on seed 4 (-0.074 pp, a few agents),
video interpreting and records kept (-0.018 and -0.009 pp); mean over weeks, outreach at reach 0.1 and records
kept (-0.002 pp). At 5,000 people 4 of 400 were (remote SSN service -0.10 pp in the final week though +0.07 pp
over the weeks; outreach -0.004 to -0.013 pp over the weeks). Once a mitigation changes one person's path (an SSN
need met remotely leaves room for a review to arise; a reassured person attends under the directive), the two
runs' later draws fall on different people, so a seed can lose a person or a few by chance. The claim tested is
therefore that the mean over seeds never falls (tolerance 0), which a mitigation wired the wrong way breaks
(routine sharing in place of records kept costs 0.03 to 0.07 pp over the weeks on two of the three seeds). At
this size (2,000 people, seeds 0 to 2) no seed of any mitigation falls at all, on either metric (0 of 60 per
metric), and the largest mean gain is 0.09 pp in the final week (remote service everywhere); one agent's worth of
uptake is 0.82 to 0.99 pp here, ten times any effect, so no per-seed slack of that size is allowed. Measured from
the `every_mitigation` fixture's table.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis import mitigation as mit
from analysis.stats import interval_text, spread_carries
from experiments import mitigation as experiment
from experiments.common import expected_runs
from sim.config import validate
from sim.config.compose import default_config
from sim.config.mitigations import mitigation_names
from sim.config.paths import CONF_DIR
from sim.launch.simulate import run_scenario
from sim.results.provenance import config_hash
from tests.conftest import set_path

YAML = CONF_DIR / "experiment" / "mitigation.yaml"
N, WEEKS, SEEDS = 2000, 104, range(3)  # the in-process check of every mitigation


def yaml_mitigations() -> list[str]:
    """The mitigations the experiment's YAML sweeps, in its order."""
    params = yaml.safe_load(YAML.read_text())["hydra"]["sweeper"]["params"]
    return [m.strip() for m in str(params["mitigation"]).split(",")]


def with_mitigation(base, name: str, seed: int):
    """`base` (the experiment's config without mitigation) with a mitigation's overrides, as its file sets them."""
    cfg = copy.deepcopy(base)
    for key, value in mit.describe(name)["overrides"].items():
        set_path(cfg, key, list(value) if isinstance(value, list) else value)
    cfg.seed, cfg.paired = seed, False
    return validate(cfg)


@pytest.fixture(scope="module")
def base():
    return default_config(
        "appointment_disclosure", **{"+experiment": "mitigation", "population.n_people": N, "weeks": WEEKS}
    )


@pytest.fixture(scope="module")
def every_mitigation(base) -> pd.DataFrame:
    """Every mitigation of the YAML and the directive without one, on SEEDS: uptake in the final week and mean (pp)."""
    rows = []
    for seed in SEEDS:
        for name in yaml_mitigations():
            m = run_scenario(with_mitigation(base, name, seed)).summary["metrics"]
            rows.append(
                {
                    "mitigation": name,
                    "seed": seed,
                    "final_pp": 100 * m["uptake_final"],
                    "mean_pp": 100 * m["uptake_mean"],
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> experiment.MitigationResult:
    tmp = tmp_path_factory.mktemp("mitigation")
    return experiment.main(["--tiny", f"--figures={tmp / 'figures'}", f"--sweep-dir={tmp / 'sweep'}"])


def test_the_yaml_lists_every_mitigation_defined() -> None:
    listed = yaml_mitigations()
    assert listed[0] == mit.NONE and len(set(listed)) == len(listed)
    assert sorted(listed) == mitigation_names()  # no definition left out of the sweep, none run undefined
    assert expected_runs(experiment.NAME, []) == len(listed) * 6  # the full sweep: every one on every seed
    assert set(experiment.TINY.mitigations) < set(listed)
    for name in listed:
        d = mit.describe(name)
        assert d["family"] in mit.FAMILY_COLORS or name == mit.NONE, name
        assert d["label"] and d["overrides"], name
    args, _ = experiment.parse_args([])
    assert experiment.sweep_overrides(args, ["mitigation=records_kept"]) == ["mitigation=none,records_kept"]


def test_a_mitigation_file_composes_to_what_the_checks_apply(base) -> None:
    """Hydra's composition of a mitigation (with its defaults list) is the config `with_mitigation` builds."""
    for name in ("everything", "injunction_half_week26", "remote_ssn"):
        composed = default_config(
            "appointment_disclosure",
            **{"+experiment": "mitigation", "mitigation": name, "population.n_people": N, "weeks": WEEKS, "seed": 3},
        )
        assert config_hash(composed) == config_hash(with_mitigation(base, name, 3)), name
    assert config_hash(with_mitigation(base, "everything", 3)) != config_hash(with_mitigation(base, "none", 3))


def test_no_mitigation_lowers_uptake(every_mitigation: pd.DataFrame) -> None:
    """Against the directive without mitigation on the same seed: never on average (the module docstring's claim)."""
    runs = every_mitigation.set_index(["mitigation", "seed"])
    none = runs.loc[mit.NONE]
    for metric in ("final_pp", "mean_pp"):
        gained = (runs[metric] - none[metric].reindex(runs.index, level="seed")).drop(mit.NONE, level="mitigation")
        mean = gained.groupby(level="mitigation").mean()
        assert (mean >= 0).all(), mean[mean < 0]
        for name in ("remote_all", "injunction_all_week26", "everything"):
            assert mean[name] > 0, (name, metric)  # levers that act on everyone recover something here
    mean = (runs["mean_pp"] - none["mean_pp"].reindex(runs.index, level="seed")).groupby(level="mitigation").mean()
    assert mean["everything"] >= mean["agency_package"] - 1e-9
    assert mean["injunction_all_week26"] >= mean["injunction_half_week26"] - 1e-9
    assert mean["remote_all"] >= max(mean[m] for m in mean.index if m.startswith("remote_")) - 1e-9


def _runs_got_their_overrides(result: experiment.MitigationResult) -> None:
    """What each run of the sweep composed (its .hydra/config.yaml) holds every value its mitigation sets."""
    runs = result.runs
    seeds = sorted(runs["seed"].unique())
    assert len(seeds) == experiment.TINY.seeds and len(runs) == len(experiment.TINY.mitigations) * len(seeds)
    for name in experiment.TINY.mitigations:
        assert sorted(runs.loc[runs["mitigation"] == name, "seed"]) == seeds  # paired seeds
        for run in runs.loc[runs["mitigation"] == name, "run"]:
            cfg = yaml.safe_load((result.sweep_dir / str(run) / ".hydra" / "config.yaml").read_text())
            for key, value in mit.describe(name)["overrides"].items():
                node = cfg
                for part in key.split("."):
                    node = node[part]
                assert node == value, (name, run, key)
    assert list(dict.fromkeys(result.table["mitigation"])) == [mit.WITHDRAWN, *experiment.TINY.mitigations[1:]]
    manifest = json.loads((result.files["mitigation"][0].parent / "MANIFEST.json").read_text())
    assert manifest["mitigation_main"]["mitigations"] == list(experiment.TINY.mitigations[1:])
    calibrated = bool(runs["behavior.posterior_file"].fillna("").astype(bool).all())
    assert manifest["mitigation_main"]["behavior"]["calibrated"] == calibrated


def _table_has_its_columns_units_and_numbers(result: experiment.MitigationResult) -> None:
    """The table's columns and units, and its numbers recomputed from the runs' own summaries."""
    table = pd.read_csv(result.files["mitigation"][0])
    for column in (
        "mitigation", "family", "label", "overrides", "metric", "unit", "mean", "ci_lo", "ci_hi", "pi_lo",
        "pi_hi", "n", "interval", "segment", "eligible_agents", "small", "seeds", "people", "weeks", "behavior",
        "version", "git_commit",
    ):  # fmt: skip
        assert column in table, column
    assert set(table["metric"]) == set(mit.METRICS)
    assert (table["unit"] == table["metric"].map(mit.METRICS)).all()
    assert table["unit"].str.contains("per 100,000 eligible|pp|people represented").all()
    assert table["metric"].str.contains("_pp$|_usd_|_per_100k_|_people$").all()  # units in the names
    assert (table["n"] == experiment.TINY.seeds).all()
    assert (table["ci_lo"] <= table["mean"] + 1e-9).all() and (table["mean"] <= table["ci_hi"] + 1e-9).all()
    assert (table["pi_lo"] <= table["pi_hi"]).all()
    behavior = bool(result.runs["behavior.posterior_file"].fillna("").astype(bool).all())
    carries = spread_carries(behavior, behavior)
    assert table["interval"].iloc[0].startswith(interval_text(carries)[:60])

    # the arithmetic, from the runs' own summaries: the mitigated run minus the unmitigated one, same seed
    runs = result.runs.set_index(["mitigation", "seed"])
    for name in ("injunction_half_week26", "everything"):
        diff = runs.loc[name, "m.uptake_final"] - runs.loc[mit.NONE, "m.uptake_final"]
        row = table[(table["mitigation"] == name) & (table["metric"] == mit.MAIN_METRIC)].iloc[0]
        assert row["mean"] == pytest.approx(1e5 * diff.mean(), rel=1e-5, abs=1e-6)
        assert row["pi_lo"] == pytest.approx(1e5 * np.percentile(diff, 5), rel=1e-5, abs=1e-6)
        kept = (
            runs.loc[mit.NONE, "m.citizen_children_without_benefit"]
            - runs.loc[name, "m.citizen_children_without_benefit"]
        )
        row = table[(table["mitigation"] == name) & (table["metric"] == "citizen_children_kept_people")].iloc[0]
        assert row["mean"] == pytest.approx(kept.mean(), rel=1e-5, abs=1e-6)
    ceiling = table[(table["mitigation"] == mit.WITHDRAWN) & (table["metric"] == "uptake_recovered_final_pp")]
    loss = runs.loc[mit.NONE, "m.uptake_loss_final_pp"].mean()
    assert ceiling["mean"].iloc[0] == pytest.approx(loss, rel=1e-5, abs=1e-6)  # the table keeps 6 significant digits


def _figure_and_its_numbers(result: experiment.MitigationResult) -> None:
    """The ranked chart's files and numbers: the main metric, ranked, the directive's whole loss on top."""
    paths = result.files["mitigation_main"]
    assert {p.suffix for p in paths} == {".png", ".pdf", ".csv"} and all(p.stat().st_size > 0 for p in paths)
    data = pd.read_csv(Path(paths[0]).with_suffix(".csv"))
    assert set(data["metric"]) == {mit.MAIN_METRIC}
    assert {"mean", "ci_lo", "ci_hi", "pi_lo", "pi_hi", "n", "unit", "interval", "eligible_agents"} <= set(data)
    ranked = data[data["mitigation"] != mit.WITHDRAWN]["mean"].to_numpy()
    assert (np.diff(ranked) >= 0).all()  # ranked (drawn bottom to top)
    assert data["mitigation"].iloc[-1] == mit.WITHDRAWN  # the ceiling on top


@pytest.mark.slow
def test_the_tiny_experiment_end_to_end(result: experiment.MitigationResult) -> None:
    """One test, so that the tiny sweep runs once whichever worker takes it."""
    _runs_got_their_overrides(result)
    _table_has_its_columns_units_and_numbers(result)
    _figure_and_its_numbers(result)


def test_a_user_folder_must_hold_mitigations_of_new_names(tmp_path: Path, capsys) -> None:
    """--conf DIR: a missing DIR/mitigation, or a file shadowing a shipped mitigation, stops with its name."""
    with pytest.raises(SystemExit) as missing:
        experiment.parse_args(["--conf", str(tmp_path)])
    assert missing.value.code == 2 and "mitigation" in capsys.readouterr().err
    (tmp_path / "mitigation").mkdir()
    (tmp_path / "mitigation" / "remote_all.yaml").write_text("# @package _global_\npolicy: {}\n")
    with pytest.raises(SystemExit) as clash:
        experiment.parse_args(["--conf", str(tmp_path)])
    assert clash.value.code == 2 and "remote_all already named" in capsys.readouterr().err
    (tmp_path / "mitigation" / "remote_all.yaml").rename(tmp_path / "mitigation" / "mine.yaml")
    args, _ = experiment.parse_args(["--conf", str(tmp_path)])
    assert any(o.startswith("hydra.searchpath=") for o in experiment.sweep_overrides(args, []))
    assert mit.describe("mine", [tmp_path / "mitigation", mit.MITIGATION_DIR])["family"] == "combination"
