"""Calibration: the survey mapping, the distance, the saved posterior and a micro ABC-SMC run."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments.calibration import noise
from experiments.calibration.checks import convergence
from experiments.calibration.command import calibrate
from experiments.calibration.priors import CALIBRATED, PRIORS, prior_centre
from experiments.calibration.seeded_sampler import SeededBatchSampler
from experiments.calibration.seeds import seeds
from experiments.calibration.simulator import distance
from experiments.calibration.sizes import TINY
from experiments.calibration.smc import fit
from experiments.calibration.summary import identification, weighted_quantiles
from experiments.calibration.targets import TARGETS
from experiments.survey import _track, family_types, net_avoidance, track
from sim import MODEL_VERSION
from sim.config import HOUSEHOLD_TYPES
from sim.config.paths import ROOT
from sim.launch.posterior import load_posterior
from sim.model.engine.week import UptakeModel
from tests.conftest import small_config

POSTERIOR_DIR = ROOT / "data" / "posterior"


def test_family_types_partition_the_households() -> None:
    pop = UptakeModel(small_config(n_people=3000, weeks=10)).pop
    f = family_types(pop)
    kinds = sum(f[t].astype(int) for t in HOUSEHOLD_TYPES)
    assert (kinds == 1).all()  # every household is of exactly one type
    assert not (f["immigrant_with_children"] & f["immigrant_without_children"]).any()
    assert ((f["immigrant_with_children"] | f["immigrant_without_children"]) == f["immigrant"]).all()
    assert not (f["us_born"] & f["immigrant"]).any()  # US-born households are not immigrant families


def test_the_survey_s_record_is_the_same_without_the_week_s_group_outcomes() -> None:
    """`track` skips the group outcomes (`collect=False`): the run and its record are those of a collecting run,
    and the eligible counts, summed by week of eligibility, are the week-by-week count."""
    cfg = small_config(n_people=3000, weeks=30, seed=5)
    quick, collecting = track(cfg), _track(UptakeModel(cfg))
    for field in ("missed", "due_region", "missed_region", "receiving", "eligible", "weight"):
        np.testing.assert_array_equal(getattr(quick, field), getattr(collecting, field))
    pop = UptakeModel(cfg).pop
    for w in (0, 1, 17, cfg.weeks - 1):
        assert quick.eligible[w].sum() == (pop.eligible_ever & (pop.eligible_week <= w)).sum()
    assert quick.eligible[-1].sum() > quick.eligible[0].sum()  # some become eligible during the run


def test_avoidance_is_zero_against_itself_and_positive_under_the_directive() -> None:
    cfg = small_config(n_people=6000, weeks=60, **{"behavior.w_announcement": 10.0})
    rec = track(cfg)
    assert net_avoidance(rec, rec, "immigrant", 8, 60) == 0.0
    from sim.launch.simulate import paired_counterpart

    base = track(paired_counterpart(cfg))
    assert net_avoidance(rec, base, "immigrant", 8, 60) > 0.0
    assert net_avoidance(rec, base, "us_born", 8, 60) < net_avoidance(rec, base, "immigrant", 8, 60)


def test_targets_are_the_published_figures() -> None:
    assert {k: t.value for k, t in TARGETS.items()} == {
        "avoid_2018": 0.137,
        "avoid_2018_children": 0.174,
        "avoid_2018_no_children": 0.089,
        "avoid_2020_children": 0.200,
        "avoid_2020_no_children": 0.150,
    }


@settings(max_examples=50, deadline=None)
@given(st.floats(-0.2, 0.2), st.sampled_from(list(TARGETS)))
def test_distance_is_the_misfit_in_survey_tolerances(delta: float, key: str) -> None:
    obs = {k: t.value for k, t in TARGETS.items()}
    assert distance(obs, obs) == 0.0
    sim = {**obs, key: obs[key] + delta}
    expected = abs(delta) / TARGETS[key].sd / np.sqrt(len(obs))
    assert distance(sim, obs) == pytest.approx(expected)


def test_priors_are_the_declared_plausible_ranges_in_the_posterior_s_column_order() -> None:
    from sim.config.params import plausible

    assert list(PRIORS) == list(CALIBRATED)
    assert {name: plausible(name) for name in CALIBRATED} == PRIORS


def test_weighted_quantiles_respect_weights() -> None:
    v = np.array([1.0, 2.0, 3.0])
    assert weighted_quantiles(v, np.array([0.0, 1.0, 0.0]), (0.05, 0.5, 0.95)) == [2.0, 2.0, 2.0]
    assert weighted_quantiles(v, np.array([0.9, 0.05, 0.05]), (0.5,)) == [1.0]


@pytest.mark.slow
def test_micro_calibration_writes_a_posterior_and_its_diagnostics(tmp_path) -> None:
    size = replace(TINY, n_people=800, population_size=4, max_populations=1, max_simulations=12, predictive_draws=2)
    diag = calibrate(size, tmp_path, None)
    post = pd.read_csv(tmp_path / "posterior.csv")
    assert len(post) == 4 and post["weight"].sum() == pytest.approx(1.0)
    assert list(post.columns) == [*PRIORS, "weight"]
    assert diag["model_version"] == MODEL_VERSION  # so behavior.posterior_file accepts it (sim/launch/posterior.py)
    load_posterior(tmp_path / "posterior.csv")
    assert (tmp_path / "abc.db").exists()
    for stem in ("posterior_marginals", "predictive_check"):
        for ext in ("png", "pdf", "csv"):
            assert (tmp_path / f"{stem}.{ext}").stat().st_size > 0
    summary = pd.DataFrame(diag["posterior_summary"])
    assert (summary["lo"] <= summary["median"]).all() and (summary["median"] <= summary["hi"]).all()


@pytest.mark.slow
def test_the_same_seed_gives_the_same_posterior_with_one_process_or_two(tmp_path) -> None:
    """The fit is reproducible from its seed: pyabc's sampler, its main process and the model share one
    SeedSequence, and the seeded sampler's result does not depend on how many processes evaluate it.

    Equal posteriors from two fits also show that the seed is what decides them: were any part left to pyabc's
    own seeding (its workers reseed themselves), the two would differ. Another seed gives other seeds to each.
    """
    size = replace(TINY, n_people=600, population_size=3, max_populations=2, max_simulations=8)
    one, _ = fit(size, tmp_path / "one", seed=3)
    two, _ = fit(replace(size, n_procs=2), tmp_path / "two", seed=3)
    pd.testing.assert_frame_equal(one, two)
    assert one[list(PRIORS)].nunique().min() > 1  # particles, not one point copied
    three, four = seeds(3), seeds(4)
    assert all((three[k].generate_state(4) != four[k].generate_state(4)).any() for k in three)


def test_convergence_check_flags_a_median_outside_the_first_interval() -> None:
    first = pd.DataFrame({"parameter": ["a", "b"], "median": [1.0, 5.0], "lo": [0.5, 4.0], "hi": [1.5, 6.0]})
    second = pd.DataFrame({"parameter": ["a", "b"], "median": [1.2, 7.0]})
    assert [r["inside"] for r in convergence(first, second)] == [True, False]


def test_identification_calls_a_parameter_pinned_only_when_its_interval_narrowed() -> None:
    summary = pd.DataFrame(
        {"parameter": ["a", "b"], "median": [0.5, 0.5], "lo": [0.45, 0.06], "hi": [0.55, 0.94],
         "prior_lo": [0.0, 0.0], "prior_hi": [1.0, 1.0]}
    )  # fmt: skip
    assert list(identification(summary)["identified"]) == ["pinned", "near prior"]


def test_noise_level_is_at_least_the_survey_tolerance_and_grows_with_the_model_spread(monkeypatch) -> None:
    """With no spread over seeds the level is 1 (each target within its tolerance on average); spread adds."""
    size = replace(TINY, noise_seeds=4)
    answers = iter([{k: t.value + 0.0 for k, t in TARGETS.items()} for _ in range(4)])
    monkeypatch.setattr(noise, "survey_statistics", lambda params, seed, n: next(answers))
    exact = noise.noise_level(prior_centre(), size, seeds(0)["noise"])
    assert exact["level"] == pytest.approx(1.0) and exact["distance_of_mean"] == pytest.approx(0.0)
    shift = [-1.0, 1.0, -1.0, 1.0]
    answers = iter([{k: t.value + s * t.sd for k, t in TARGETS.items()} for s in shift])
    spread = noise.noise_level(prior_centre(), size, seeds(0)["noise"])
    # each target's spread over seeds is 1.155 tolerances (sample sd of +-1): level sqrt(1 + 4/3)
    assert spread["level"] == pytest.approx(np.sqrt(1 + 4 / 3))
    assert spread["mean_distance_of_runs"] == pytest.approx(1.0) and spread["distance_of_mean"] == pytest.approx(0.0)


def _candidate(below: float = 0.3) -> object:
    """A stand-in for pyabc's `simulate_one`: a proposal from numpy's global generator, which the sampler
    seeds per candidate, accepted below `below`."""
    import pyabc

    x = float(np.random.uniform())
    return pyabc.Particle(
        m=0, parameter=pyabc.Parameter({"x": x}), weight=1.0, sum_stat={}, distance=x, accepted=x < below
    )


@pytest.mark.parametrize("first_guess", [0.02, 0.3, 1.0])
def test_the_sampler_keeps_the_same_candidates_whatever_its_batch_sizes(first_guess: float) -> None:
    """Batches are sized from a guessed acceptance rate; the guess changes how many candidates are run past the
    n-th acceptance (`runs`), never which are kept or how many pyabc counts."""
    reference = SeededBatchSampler(np.random.SeedSequence(7))
    sampler = SeededBatchSampler(np.random.SeedSequence(7))
    sampler.acceptance_rate = first_guess
    for _ in range(2):  # two calls: the second batch is sized from the first call's measured rate
        a = reference.sample_until_n_accepted(6, _candidate, 0)
        b = sampler.sample_until_n_accepted(6, _candidate, 0)
        kept = [[p.parameter["x"] for p in s.accepted_particles] for s in (a, b)]
        assert kept[0] == kept[1] and len(kept[0]) == 6
        assert sampler.nr_evaluations_ == reference.nr_evaluations_
    assert sampler.runs >= reference.nr_evaluations_


def test_the_sampler_runs_exactly_n_candidates_when_all_are_accepted() -> None:
    """pyabc's sample from the prior accepts every candidate: no candidate is run for nothing."""
    sampler = SeededBatchSampler(np.random.SeedSequence(7))
    sampler.sample_until_n_accepted(7, lambda: _candidate(below=1.0), -1, all_accepted=True)
    assert sampler.runs == sampler.nr_evaluations_ == 7
