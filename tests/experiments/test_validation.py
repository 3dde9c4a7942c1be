"""Validation: its keys, the survey's family types on a built population, persistence from the peak, the
statistics' definitions on hand-made records, and a reproducible tiny run on a posterior's draws."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from experiments import validation as val
from experiments.calibration.priors import PRIORS
from experiments.survey import Record, family_types
from sim import MODEL_VERSION
from sim.config import PopulationConfig
from sim.model.build.population import (
    CITIZEN,
    LPR,
    NATURALIZED,
    REFUGEE,
    STUDENT,
    UNDOCUMENTED,
    WORKER,
    build_population,
)

SEVEN = (
    "avoidance_all_citizen",
    "avoidance_lpr_citizen",
    "avoidance_mixed_status",
    "persistence_104w",
    "surge_missed_ratio",
    "jurisdiction_gap_pp",
    "noncitizen_citizen_loss_ratio",
)


def _record(weeks: int, households: int = 4, regions: int = 2) -> Record:
    return Record(
        missed=np.zeros((weeks, households), dtype=bool),
        due_region=np.zeros((weeks, regions), dtype=np.int64),
        missed_region=np.zeros((weeks, regions), dtype=np.int64),
        receiving=np.zeros((weeks, regions, 2), dtype=np.int64),
        eligible=np.ones((weeks, regions, 2), dtype=np.int64),
        families={"immigrant": np.ones(households, dtype=bool)},
        weight=np.ones(households),
    )


def test_the_keys_are_exactly_the_seven() -> None:
    assert val.KEYS == SEVEN
    assert set(val.DESCRIPTIONS) == set(SEVEN)
    assert set(val.FAMILIES) == {k for k in SEVEN if k.startswith("avoidance_")}


def test_intervals_mean_ci_over_seeds_and_predictive_percentiles_ignoring_undefined_runs() -> None:
    got = val.intervals(np.array([*range(101), np.nan, np.inf]))
    assert got["n"] == 101 and got["mean"] == 50.0 and got["median"] == 50.0
    assert (got["pi_lo"], got["pi_hi"]) == (pytest.approx(5.0), pytest.approx(95.0))
    half = 1.984 * np.std(np.arange(101), ddof=1) / np.sqrt(101)  # t(0.975, 100)
    assert got["ci_lo"] == pytest.approx(50.0 - half, rel=1e-3) and got["ci_hi"] == pytest.approx(50.0 + half, rel=1e-3)
    one = val.intervals(np.array([0.3]))
    assert one["mean"] == 0.3 and one["n"] == 1 and np.isnan(one["ci_lo"]) and np.isnan(one["pi_hi"])


def test_family_types_on_a_built_population() -> None:
    """all-citizen: every member a citizen, one or more naturalized (never US-born households); LPR and
    citizen: an LPR or refugee, nobody undocumented or on a visa; mixed: someone undocumented or on a visa."""
    pop = build_population(PopulationConfig(n_people=4000), val.HORIZON, np.random.default_rng(3))
    masks = val.family_masks(family_types(pop))

    def any_member(*statuses: int) -> np.ndarray:
        return np.bincount(pop.household[np.isin(pop.status, statuses)], minlength=pop.n_households) > 0

    noncitizen = any_member(LPR, REFUGEE, STUDENT, WORKER, UNDOCUMENTED)
    all_citizen = masks["avoidance_all_citizen"]
    assert all_citizen.sum() > 50
    assert not noncitizen[all_citizen].any() and any_member(NATURALIZED)[all_citizen].all()
    np.testing.assert_array_equal(all_citizen, ~noncitizen & any_member(NATURALIZED))
    assert not (all_citizen & ~any_member(NATURALIZED) & any_member(CITIZEN)).any()  # no US-born household

    temporary_or_none = any_member(STUDENT, WORKER, UNDOCUMENTED)
    np.testing.assert_array_equal(masks["avoidance_lpr_citizen"], any_member(LPR, REFUGEE) & ~temporary_or_none)
    np.testing.assert_array_equal(masks["avoidance_mixed_status"], temporary_or_none)


def test_persistence_is_measured_from_the_peak_of_a_synthetic_series() -> None:
    """Rising until week 70, then halving every 52 weeks: 104 weeks after the peak, a quarter of it."""
    weeks = np.arange(56, val.HORIZON + 1)
    series = pd.Series(np.where(weeks <= 70, 0.2 * weeks / 70, 0.2 * 0.5 ** ((weeks - 70) / 52)), index=weeks)
    ratio, peak = val.from_peak(series)
    assert peak == 70 and ratio == pytest.approx(0.25)
    from_reversal = series[val.REVERSAL + 104] / series[val.REVERSAL + 8]  # what the injunction-week rule reads
    assert from_reversal != pytest.approx(0.25)
    late = pd.Series([0.0, 0.1, 0.3], index=[10, 11, 12])  # peak too late to follow for 104 weeks
    assert np.isnan(val.from_peak(late)[0]) and val.from_peak(late)[1] == 12
    assert np.isnan(val.from_peak(pd.Series([0.0, 0.0], index=[0, 1]))[0])


def test_persistence_on_records_follows_the_trailing_window_from_its_peak() -> None:
    rec, base = _record(val.HORIZON), _record(val.HORIZON)
    rec.missed[60, :] = True  # everyone avoids in week 60: the trailing share first peaks (1) in the window ending 61
    rec.missed[160, 0] = True  # one in four avoids again, inside the window ending 104 weeks after the peak
    base.missed[160, 1] = True  # the firewall run misses too in another household: not avoidance for fear
    assert val.persistence(rec, base) == (pytest.approx(0.25), 61.0)


def test_surge_ratio_is_missed_rate_after_over_before() -> None:
    rec = _record(val.SURGE_WEEK + val.SURGE_SPAN)
    before = slice(val.SURGE_WEEK - val.SURGE_SPAN, val.SURGE_WEEK)
    after = slice(val.SURGE_WEEK, val.SURGE_WEEK + val.SURGE_SPAN)
    rec.due_region[:, :] = 10
    rec.missed_region[before, 0] = 1
    rec.missed_region[after, 0] = 3
    rec.missed_region[:, 1] = 9  # other regions do not count
    assert val.surge_ratio(rec, [0]) == pytest.approx(3.0)


def test_jurisdiction_gap_in_percentage_points() -> None:
    rec = _record(val.HORIZON)
    rec.eligible[:, :, :] = 10
    rec.receiving[:, 0, :] = 9
    rec.receiving[:, 1, :] = 8
    assert val.jurisdiction_gap(rec, [0], 2) == pytest.approx(10.0)


@pytest.fixture(scope="module")
def posterior(tmp_path_factory) -> str:
    """Two particles inside the priors, recorded as fitted to this model (diagnostics.json beside it)."""
    folder = tmp_path_factory.mktemp("posterior")
    post = pd.DataFrame({p: [lo + 0.3 * (hi - lo), lo + 0.6 * (hi - lo)] for p, (lo, hi) in PRIORS.items()})
    post["weight"] = [0.5, 0.5]
    post.to_csv(folder / "posterior.csv", index=False)
    (folder / "diagnostics.json").write_text(json.dumps({"model_version": MODEL_VERSION}))
    return str(folder / "posterior.csv")


@pytest.fixture(scope="module")
def tiny_run(posterior, tmp_path_factory):
    out = tmp_path_factory.mktemp("validation")
    result = val.validate_model(val.TINY, posterior, out / "run", figures_dir=out / "figures", command="test")
    return result, out


@pytest.mark.slow
def test_tiny_run_writes_the_seven_with_both_intervals_and_provenance(tiny_run, posterior) -> None:
    result, out = tiny_run
    saved = json.loads((out / "run" / "validation.json").read_text())
    assert list(saved["statistics"]) == list(SEVEN)
    for key in ("seeds", "posterior", "model_version", "commit", "wall_s"):
        assert key in saved, key
    assert saved["posterior"] == posterior and saved["model_version"] == MODEL_VERSION
    table = pd.read_csv(out / "figures" / "validation.csv")
    assert list(table["key"]) == list(SEVEN)
    assert list(table.columns[: len(val.SUMMARY_COLUMNS)]) == list(val.SUMMARY_COLUMNS)
    assert {"seeds", "posterior", "model_version", "commit", "wall_s"} <= set(table.columns)
    pd.testing.assert_frame_equal(table, pd.read_csv(out / "run" / "validation.csv"))
    runs = pd.read_csv(out / "run" / "validation_runs.csv")
    assert list(runs["seed"]) == list(range(val.TINY.seeds))
    assert {*PRIORS, "behavior.announcement_transfer", *SEVEN, "posterior", "commit", "wall_s"} <= set(runs.columns)
    assert runs["behavior.announcement_transfer"].nunique() == len(runs)  # a transfer draw per seed
    for v in saved["statistics"].values():
        if v["n"] > 1:
            assert v["ci_lo"] <= v["mean"] <= v["ci_hi"] and v["pi_lo"] <= v["pi_hi"]
    assert 0.0 <= saved["statistics"]["avoidance_mixed_status"]["mean"] <= 1.0


@pytest.mark.slow
def test_tiny_run_is_reproducible(tiny_run, posterior) -> None:
    """The same seed gives the same draw and the same numbers."""
    _, out = tiny_run
    first = pd.read_csv(out / "run" / "validation_runs.csv").iloc[0]
    again = val.one_seed(0, val.TINY.n_people, posterior)
    for key in [*PRIORS, "behavior.announcement_transfer", *SEVEN, "persistence_peak_week"]:
        np.testing.assert_allclose(again[key], first[key], rtol=1e-12, equal_nan=True, err_msg=key)


def test_a_missing_posterior_names_the_file_and_the_command(tmp_path, capsys) -> None:
    missing = str(tmp_path / "posterior.csv")
    with pytest.raises(SystemExit) as err:
        val.main(["--tiny", "--posterior", missing, "--out", str(tmp_path / "out")])
    assert err.value.code == 2
    message = capsys.readouterr().err
    assert missing in message and "python -m experiments.calibrate" in message
    assert not (tmp_path / "out").exists()
