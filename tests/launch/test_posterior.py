"""Drawing parameters from a calibrated posterior: `sim/launch/posterior.py` and `behavior=posterior`."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import MODEL_VERSION
from sim.config import ConfigError, validate
from sim.launch.posterior import apply_parameters, apply_posterior, draw, load_posterior
from sim.launch.simulate import run_scenario
from sim.model.data.rng import STREAMS, Streams
from tests.conftest import run_cli, small_config


def _write(tmp_path, rows: list[dict], model_version: int | None = MODEL_VERSION) -> str:
    """A posterior CSV, with the diagnostics.json a calibration writes beside it (its model version)."""
    path = tmp_path / "posterior.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    if model_version is not None:
        (tmp_path / "diagnostics.json").write_text(json.dumps({"model_version": model_version}))
    return str(path)


def test_the_newest_streams_are_last_and_shift_no_other_stream() -> None:
    assert STREAMS[-2:] == ("posterior", "transfer")
    seed = 11
    without = np.random.SeedSequence(seed).spawn(len(STREAMS) - 2)
    streams = Streams(seed)
    for name, child in zip(STREAMS[:-2], without, strict=True):
        expected = np.random.Generator(np.random.PCG64(child)).random(4)
        np.testing.assert_array_equal(streams[name].random(4), expected)


@settings(max_examples=25, deadline=None, derandomize=True)  # the same examples on every machine
@given(st.integers(0, 10_000), st.integers(0, 4))
def test_draw_never_picks_a_zero_weight_particle(seed: int, keep: int) -> None:
    post = pd.DataFrame({"behavior.w_announcement": np.arange(5.0), "weight": np.eye(5)[keep]})
    assert draw(post, seed) == {"behavior.w_announcement": float(keep)}


def test_draws_follow_the_weights_and_repeat_per_seed(tmp_path) -> None:
    post = load_posterior(
        _write(tmp_path, [{"behavior.fast_memory": 0.8, "weight": 3}, {"behavior.fast_memory": 0.9, "weight": 1}])
    )
    assert post["weight"].sum() == pytest.approx(1.0)
    picks = [draw(post, s)["behavior.fast_memory"] for s in range(2000)]
    assert np.mean(np.isclose(picks, 0.8)) == pytest.approx(0.75, abs=0.04)
    assert draw(post, 7) == draw(post, 7)


def test_apply_parameters_sets_fields_and_scales_only_noncitizen_losses() -> None:
    cfg = small_config()
    before = dict(cfg.behavior.loss)
    out = apply_parameters(
        cfg, {"behavior.loss_scale": 2.0, "behavior.w_announcement": 0.25, "behavior.misses_to_suspend": 2.2}
    )
    assert out.behavior.loss["citizen"] == before["citizen"]
    assert out.behavior.loss["undocumented"] == 2.0 * before["undocumented"]
    assert out.behavior.w_announcement == 0.25
    assert out.behavior.misses_to_suspend == 2 and isinstance(out.behavior.misses_to_suspend, int)
    assert cfg.behavior.loss == before and cfg.behavior.w_announcement != 0.25  # the input is left alone
    with pytest.raises(KeyError):
        apply_parameters(cfg, {"behavior.no_such_field": 1.0})


def test_missing_posterior_file_is_a_config_error() -> None:
    cfg = small_config()
    cfg.behavior.posterior_file = "data/posterior/does_not_exist.csv"
    with pytest.raises(ConfigError, match="behavior.posterior_file"):
        validate(cfg)


def test_run_scenario_applies_the_seed_s_draw_to_both_paired_runs(tmp_path) -> None:
    path = _write(tmp_path, [{"behavior.w_announcement": 0.0, "behavior.loss_scale": 1.0, "weight": 1.0}])
    cfg = small_config(n_people=1200, weeks=30, paired=True)
    cfg.behavior.posterior_file = path
    applied, drawn = apply_posterior(cfg)
    assert drawn == {"behavior.w_announcement": 0.0, "behavior.loss_scale": 1.0}
    assert applied.behavior.w_announcement == 0.0 and applied.behavior.posterior_file == ""
    res = run_scenario(cfg)
    assert res.summary["posterior_draw"]["behavior.w_announcement"] == 0.0
    plain = small_config(n_people=1200, weeks=30, paired=True, **{"behavior.w_announcement": 0.0})
    assert res.summary["metrics"] == run_scenario(plain).summary["metrics"]


@pytest.mark.slow
def test_cli_behavior_posterior_records_the_draw(tmp_path) -> None:
    folder = tmp_path / "fit"
    folder.mkdir()
    path = _write(folder, [{"behavior.w_announcement": 2.5, "weight": 1.0}])
    run_dir = tmp_path / "run"
    proc = run_cli(f"behavior.posterior_file={path}", "population.n_people=800", "weeks=12", f"hydra.run.dir={run_dir}")
    assert proc.returncode == 0, proc.stderr
    drawn = json.loads((run_dir / "summary.json").read_text())["posterior_draw"]
    assert drawn == {"file": path, "behavior.w_announcement": 2.5}


def test_a_posterior_of_another_model_is_refused_with_a_clear_message(tmp_path) -> None:
    """A posterior fitted to another model version, or to parameters this model lacks, stops before any output."""
    old = tmp_path / "old"
    old.mkdir()
    path = _write(old, [{"behavior.w_announcement": 1.0, "weight": 1.0}], model_version=1)
    proc = run_cli(
        f"behavior.posterior_file={path}", "population.n_people=800", "weeks=12", f"hydra.run.dir={tmp_path / 'run'}"
    )
    assert proc.returncode == 2
    assert "behavior.posterior_file" in proc.stderr and "not to this model" in proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "run").exists()
    cfg = small_config()
    cfg.behavior.posterior_file = _write(tmp_path, [{"behavior.w_announcement": 1.0, "weight": 1.0}], model_version=1)
    with pytest.raises(ConfigError, match="model version 1"):
        apply_posterior(cfg)
    other = tmp_path / "other"
    other.mkdir()
    cfg.behavior.posterior_file = _write(other, [{"behavior.w_news": 1.0, "weight": 1.0}])
    with pytest.raises(ConfigError, match="behavior.w_news"):
        apply_posterior(cfg)


# A value outside each kind of declared range: a probability, an exclusive bound, an integer's bound, a derived
# parameter's bound, a number that is not finite.
OUT_OF_RANGE = {
    "behavior.fast_memory": 1.5,
    "behavior.noise": 0.0,
    "behavior.misses_to_suspend": 500.0,
    "behavior.loss_scale": -1.0,
    "behavior.w_announcement": float("nan"),
}


def test_a_posterior_cannot_set_a_field_out_of_range() -> None:
    base = small_config()
    failures = []
    for field, value in OUT_OF_RANGE.items():
        try:
            apply_parameters(base, {field: value})  # a copy: base is not changed
        except ConfigError as err:
            if err.field_name != field:
                failures.append(f"{field} = {value!r}: refused naming {err.field_name}")
        else:
            failures.append(f"{field} = {value!r}: applied")
    assert not failures, "\n".join(failures)


def test_an_out_of_range_posterior_file_fails_when_applied(tmp_path) -> None:
    cfg = small_config()
    cfg.behavior.posterior_file = _write(tmp_path, [{"behavior.fast_memory": 2.0, "weight": 1.0}])
    with pytest.raises(ConfigError, match="behavior.fast_memory"):
        apply_posterior(cfg)


def test_the_python_entry_points_apply_the_posterior_as_a_run_does(tmp_path) -> None:
    """run_config and build_model draw the posterior like `python -m sim.run`: no caller has to remember it."""
    from sim.launch.simulate import build_model, run_config

    path = _write(tmp_path, [{"behavior.w_announcement": 0.0, "behavior.loss_scale": 1.0, "weight": 1.0}])
    cfg = small_config(n_people=1200, weeks=30)
    cfg.behavior.posterior_file = path
    result = run_config(cfg, warn=False)
    assert result.summary["posterior_draw"]["behavior.w_announcement"] == 0.0
    assert build_model(cfg).cfg.behavior.w_announcement == 0.0
    assert cfg.behavior.w_announcement != 0.0, "the draw is applied to a copy, not to the caller's config"


def test_the_transfer_is_drawn_per_seed_over_its_declared_range_and_can_be_pinned() -> None:
    from sim.config.params import plausible
    from sim.launch.posterior import TRANSFER

    lo, hi = plausible(TRANSFER)
    drawn = []
    uncertain = small_config(n_people=800, weeks=10, **{"behavior.transfer_uncertain": True})  # composed once
    for seed in range(40):
        applied, params = apply_posterior(dataclasses.replace(uncertain, seed=seed))
        assert applied.behavior.announcement_transfer == params[TRANSFER]
        assert not applied.behavior.transfer_uncertain  # the run's config records the value drawn
        drawn.append(params[TRANSFER])
    assert lo <= min(drawn) and max(drawn) <= hi and max(drawn) - min(drawn) > 0.5 * (hi - lo)
    assert apply_posterior(small_config(n_people=800, weeks=10, seed=3, **{"behavior.transfer_uncertain": True}))[
        1
    ] == {TRANSFER: drawn[3]}
    pinned = small_config(n_people=800, weeks=10, **{"behavior.announcement_transfer": 0.7})
    assert apply_posterior(pinned)[0].behavior.announcement_transfer == 0.7


def test_a_louder_announcement_never_lowers_the_directive_s_loss() -> None:
    """The transfer is a lever that moves the outcome: the same seed, the announcement 0.3 or 1.5 times as loud."""
    visits = []
    for tau in (0.3, 1.5):
        cfg = small_config(n_people=3000, weeks=40, **{"behavior.announcement_transfer": tau})
        visits.append(run_scenario(cfg).summary["metrics"]["clinic_visits"])
    assert visits[1] < visits[0]  # more fear: fewer visits to the clinic (the survey's other programs)
