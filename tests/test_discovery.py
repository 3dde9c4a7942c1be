"""Scenario discovery: PRIM finds a known box, the sample is a Latin hypercube, and a run is reproducible.

These tests need the EMA Workbench. Without it they fail, saying how to install it (`pip install -e .[discovery]`):
CI installs the extra, so a missing install shows as a failure, not as a skip.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from experiments import discovery as disc
from experiments.calibration.priors import PRIORS
from sim import MODEL_VERSION
from sim.config import UNCERTAINTY
from sim.config.params import parameters
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
    disc.require_ema()  # fails, naming `pip install -e .[discovery]`, when the workbench is missing
    runs, inp = _synthetic()
    settings = disc.Settings(outcome="loss", threshold_pp=0.5, min_density=0.95, prim_dims=0, max_boxes=1)
    found = disc.discover(runs, inp, disc.TINY, seed=0, settings=settings)
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
    assert disc.choose(t, 0.8) == 2
    assert disc.choose(t, 0.95) == 4
    assert disc.choose(t, 1.5) == 4  # none reaches it: the densest


def test_the_sample_is_a_latin_hypercube_within_the_declared_ranges(posterior) -> None:
    post = disc.check_posterior(posterior)
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
    disc.require_ema()
    summary = disc.experiment(disc.TINY, posterior, tmp_path, tmp_path, seed=0, command="test")
    runs = pd.read_csv(tmp_path / "runs.csv")
    assert len(runs) == disc.TINY.n_runs and runs["uptake_loss_last_year_pp"].gt(0).any()
    post = disc.check_posterior(posterior)
    inp = disc.inputs(post, disc.TINY)
    again = disc.run(disc.sample(inp, post, disc.TINY, seed=0)[1], inp, disc.TINY)
    pd.testing.assert_frame_equal(runs.drop(columns="cpu_s"), again.drop(columns="cpu_s"), check_dtype=False)
    found = disc.discover(again, inp, disc.TINY, seed=0, settings=disc.Settings())
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


def test_a_stopped_run_resumes_only_from_its_own_points(posterior, tmp_path) -> None:
    post = disc.check_posterior(posterior)
    inp = disc.inputs(post, disc.TINY)
    table = disc.sample(inp, post, disc.TINY, seed=0)[1]
    partial = tmp_path / disc.PARTIAL
    table.head(3).assign(uptake_loss_last_year_pp=0.1, cpu_s=0.0).to_csv(partial, index=False, float_format="%.17g")
    assert len(disc._resume(partial, table)) == 3
    assert disc._resume(partial, disc.sample(inp, post, disc.TINY, seed=1)[1]).empty  # another seed's points
    assert disc._resume(tmp_path / "none.csv", table).empty
