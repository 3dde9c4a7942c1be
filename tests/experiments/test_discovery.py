"""Scenario discovery: PRIM finds a known box, the sample is a Latin hypercube, and a run is reproducible.

These tests need the EMA Workbench. Without it they fail, saying how to install it (`pip install -e .[discovery]`):
CI installs the extra, so a missing install shows as a failure, not as a skip.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from experiments.calibration.priors import PRIORS
from experiments.discovery import experiment as run_all
from experiments.discovery import prim
from experiments.discovery import sample as disc
from sim import MODEL_VERSION
from sim.config import LEVER, UNCERTAINTY
from sim.config.params import names_with_role, parameters
from sim.launch.posterior import TRANSFER


@pytest.fixture(scope="module")
def posterior(tmp_path_factory) -> str:
    """Three particles inside the priors, unequal weights, recorded as fitted to this model."""
    folder = tmp_path_factory.mktemp("posterior")
    post = pd.DataFrame({p: [lo + f * (hi - lo) for f in (0.3, 0.6, 0.9)] for p, (lo, hi) in PRIORS.items()})
    post["weight"] = [0.25, 0.25, 0.5]
    post.to_csv(folder / "posterior.csv", index=False)
    (folder / "diagnostics.json").write_text(json.dumps({"model_version": MODEL_VERSION}))
    return str(folder / "posterior.csv")


def _synthetic(n: int = 1000, seed: int = 1) -> tuple[pd.DataFrame, disc.Inputs]:
    """x uniform in [0, 1]^5; the loss is 1 exactly where x0 > 0.7 and x2 < 0.4, else 0 (plus a little noise)."""
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.random((n, 5)), columns=[f"x{i}" for i in range(5)])
    inside = (x["x0"] > 0.7) & (x["x2"] < 0.4)
    runs = x.assign(loss=inside.astype(float) + 0.01 * rng.random(n))
    inp = disc.Inputs(posterior=(), assumptions={c: (0.0, 1.0) for c in x.columns}, levers={})
    return runs, inp


def test_prim_finds_the_known_box_and_nothing_else() -> None:
    prim.require_ema()  # fails, naming `pip install -e .[discovery]`, when the workbench is missing
    runs, inp = _synthetic()
    settings = prim.Settings(outcome="loss", threshold_pp=0.5, min_density=0.95, prim_dims=0, max_boxes=1)
    found = prim.discover(runs, inp, disc.TINY, seed=0, settings=settings)
    assert found.n_cases == int((runs["loss"] > 0.5).sum()) > 100
    assert set(found.scores.sort_values("rank_cases")["parameter"].iloc[:2]) == {"x0", "x2"}
    assert found.scores.set_index("parameter").loc[["x0", "x2"], "above_noise"].all()  # above every noise probe
    box = found.boxes.set_index("parameter")
    assert set(box.index) == {"x0", "x2"}, "the box restricts x0 and x2 and no other input"
    assert box.loc["x0", "lower"] == pytest.approx(0.7, abs=0.05) and box.loc["x0", "restricts"] == "lower"
    assert box.loc["x2", "upper"] == pytest.approx(0.4, abs=0.05) and box.loc["x2", "restricts"] == "upper"
    assert box["density"].iloc[0] >= 0.95 and box["coverage"].iloc[0] >= 0.85
    assert box["mass"].iloc[0] == pytest.approx(0.3 * 0.4, abs=0.03)
    peel = found.peeling
    assert peel["chosen"].sum() == 1 and peel.loc[peel["chosen"], "density"].iloc[0] == box["density"].iloc[0]
    assert {"coverage", "density", "mass", "n_restricted", "unit"} <= set(peel.columns) and peel["unit"].notna().all()


def test_the_box_rule_takes_the_largest_coverage_that_reaches_the_density() -> None:
    t = pd.DataFrame(
        {"coverage": [1.0, 0.95, 0.9, 0.8, 0.6], "density": [0.2, 0.6, 0.81, 0.9, 1.0], "res_dim": [0, 1, 2, 2, 3]}
    )
    assert prim.choose(t, 0.8) == 2
    assert prim.choose(t, 0.95) == 4
    assert prim.choose(t, 1.5) == 4  # none reaches it: the densest


def test_the_sample_is_a_latin_hypercube_within_the_declared_ranges(posterior) -> None:
    post = run_all.check_posterior(posterior)
    inp = disc.inputs(post, disc.TINY)
    n = disc.TINY.n_runs
    u, table = disc.sample(inp, post, disc.TINY, seed=3)
    assert u.shape == (n, len(inp.columns))
    for j in range(u.shape[1]):  # one point in each of the n strata of every column
        assert sorted(np.floor(u[:, j] * n).astype(int)) == list(range(n)), inp.columns[j]
    # Every declared uncertainty is sampled (from the posterior or its range) or skipped for a stated reason.
    assert set(parameters(UNCERTAINTY)) <= set(inp.names) | set(inp.skipped)
    assert set(inp.posterior) == set(PRIORS) and TRANSFER in inp.assumptions
    assert {"policy.rules.disclosure_prob", "policy.outreach_reach", disc.RECORDS_KEPT} <= set(inp.levers)
    # Every declared lever too, but those held for a stated reason and the lists; a lever-and-uncertainty once.
    assert set(names_with_role(LEVER)) == set(inp.levers) | {k for k in inp.skipped if k in names_with_role(LEVER)}
    assert set(disc.HELD) <= set(inp.skipped) and not set(inp.levers) & set(inp.assumptions)
    assert {"enforcement.base_presence", "policy.compliance_mean", "policy.clinic_disclosure_prob"} <= set(inp.levers)
    assert inp.binary == (disc.RECORDS_KEPT,) and disc.OUTREACH_WEEK in inp.integer
    for name in [*inp.assumptions, *inp.levers]:
        lo, hi = inp.range(name)
        assert table[name].between(lo, hi).all(), name
    assert table[TRANSFER].to_numpy() == pytest.approx(0.3 + 1.2 * u[:, inp.columns.index(TRANSFER)])
    assert set(table[disc.RECORDS_KEPT]) == {0, 1} and (table[disc.RECORDS_KEPT] == 1).sum() == n // 2
    week = table[disc.OUTREACH_WEEK]
    assert (week == week.round()).all() and week.between(0, disc.TINY.weeks - 1).all()
    # The posterior column picks whole particles by weight: stratified, so the shares are the weights.
    rows = table[disc.PARTICLE].to_numpy()
    assert np.bincount(rows, minlength=3).tolist() == [n // 4, n // 4, n // 2]
    for name in inp.posterior:
        assert table[name].to_numpy() == pytest.approx(post[name].to_numpy()[rows])
    again = disc.sample(inp, post, disc.TINY, seed=3)[1]
    pd.testing.assert_frame_equal(table, again)
    assert not disc.sample(inp, post, disc.TINY, seed=4)[1][TRANSFER].equals(table[TRANSFER])


@pytest.mark.slow
def test_the_discovery_run_is_reproducible_from_its_seed(posterior, tmp_path) -> None:
    """The tiny run, then its sample, runs and analysis again from the same seed: the same runs and boxes."""
    prim.require_ema()
    summary = run_all.experiment(disc.TINY, posterior, tmp_path, tmp_path, seed=0, command="test")
    runs = pd.read_csv(tmp_path / "runs.csv")
    assert len(runs) == disc.TINY.n_runs and runs["uptake_loss_last_year_pp"].gt(0).any()
    post = run_all.check_posterior(posterior)
    inp = disc.inputs(post, disc.TINY)
    again = disc.run(disc.sample(inp, post, disc.TINY, seed=0)[1], inp, disc.TINY)
    pd.testing.assert_frame_equal(runs.drop(columns="cpu_s"), again.drop(columns="cpu_s"), check_dtype=False)
    found = prim.discover(again, inp, disc.TINY, seed=0, settings=prim.Settings())
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "discovery_boxes.csv"), found.boxes, check_dtype=False)
    written = pd.read_csv(tmp_path / "discovery_feature_scores.csv")
    pd.testing.assert_frame_equal(written, found.scores, check_dtype=False)
    peeling = pd.read_csv(tmp_path / "discovery_peeling.csv")
    pd.testing.assert_frame_equal(peeling, found.peeling.reset_index(drop=True), check_dtype=False)
    assert summary["threshold"]["pp"] == found.threshold_pp and summary["threshold"]["cases"] == found.n_cases
    # Provenance, and the MANIFEST's record of what the runs drew.
    saved = json.loads((tmp_path / "discovery.json").read_text())
    for key in ("seed", "seeds", "model_version", "git_commit", "wall_s", "posterior_file", "boxes", "inputs"):
        assert key in saved, key
    assert saved["model_version"] == MODEL_VERSION and saved["posterior_file"] == posterior
    manifest = json.loads((tmp_path / "MANIFEST.json").read_text())
    for stem in ("discovery_box", "discovery_peeling", "discovery_feature_scores"):
        entry = manifest[stem]
        assert entry["behavior"]["calibrated"] and entry["behavior"]["posterior_file"] == [posterior]
        assert TRANSFER in entry["behavior"]["transfer"]
        assert all((tmp_path / f).exists() for f in entry["files"])
        table = pd.read_csv(tmp_path / f"{stem}.csv")
        assert "unit" in table and table["unit"].notna().all(), stem


def test_a_bad_size_or_point_stops_before_anything_is_written(posterior, tmp_path, capsys) -> None:
    """A bad size (no runs) or a bad point (more people than a run may hold) stops the command with one line
    naming the field, its value and what it allows: exit status 2, and nothing written."""
    from experiments.discovery import main
    from sim.config import MAX_PEOPLE

    out = tmp_path / "out"
    for option, words in ((["--runs", "0"], "discovery.tiny.n_runs = 0"), (["--people", str(MAX_PEOPLE + 1)],
                          f"population.n_people = {MAX_PEOPLE + 1}")):  # fmt: skip
        with pytest.raises(SystemExit) as ended:
            main(["--tiny", *option, "--posterior", posterior, "--out", str(out)])
        assert ended.value.code == 2
        line = capsys.readouterr().err.strip()
        assert "\n" not in line and words in line and "nothing was run or written" in line, line
    assert not out.exists()


def test_every_point_is_checked_by_its_config() -> None:
    """`check_points` names the point, the field, its value and the allowed range of the first bad point."""
    from experiments import points
    from experiments.design import check_points
    from sim.config import ConfigError

    good = ({"policy.rules.disclosure_prob": 0.5}, disc.TINY, 0)
    bad = ({"policy.rules.disclosure_prob": 1.5}, disc.TINY, 0)
    check_points([good], points.configure)
    with pytest.raises(ConfigError, match=r"run 2 of 2: policy.rules.disclosure_prob = 1.5: must be a probability"):
        check_points([good, bad], points.configure, "run")


def test_a_stopped_run_resumes_from_its_checkpoint_and_reuses_only_its_own_points(posterior, tmp_path) -> None:
    """Runs saved before a stop are read back, not run again, and give the numbers an unbroken run gives."""
    post = run_all.check_posterior(posterior)
    inp = disc.inputs(post, disc.TINY)
    table = disc.sample(inp, post, disc.TINY, seed=0)[1]
    checkpoint = tmp_path / disc.CHECKPOINT
    stopped = disc.run(table.head(3), inp, disc.TINY, checkpoint=checkpoint)  # as if stopped after 3 runs
    assert len(checkpoint.read_text().splitlines()) == 3
    whole = disc.run(table.head(5), inp, disc.TINY, checkpoint=checkpoint)
    assert len(checkpoint.read_text().splitlines()) == 5  # only the 2 runs not saved were run
    pd.testing.assert_frame_equal(whole.head(3), stopped)  # the saved ones read back, CPU seconds and all
    fresh = disc.run(table.head(5), inp, disc.TINY)
    pd.testing.assert_frame_equal(whole.drop(columns="cpu_s"), fresh.drop(columns="cpu_s"), check_exact=True)
    disc.run(disc.sample(inp, post, disc.TINY, seed=1)[1].head(2), inp, disc.TINY, checkpoint=checkpoint)
    assert len(checkpoint.read_text().splitlines()) == 7  # another seed's points: nothing of the others reused
