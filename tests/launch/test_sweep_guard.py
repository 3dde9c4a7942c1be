"""The sweep guard (sim.launch.sweeps): nothing overwritten or mixed, every job checked first, overrides scoped.

Each test guards a trap an analyst fell into:

- a second sweep (`seed=range(2,4)`) sent to the folder of a first (`seed=range(0,2)`) replaced its runs, because
  Hydra numbers job folders 0..N-1 whatever the sweep: it is now refused, naming the folder and the difference,
  and `--force-new` writes it beside the first;
- a job that could never run was found only when its turn came, after a half-made folder and with advice to
  rerun: every job is now checked before any runs, nothing is written, and no rerun is advised;
- `policy.injunction_week=20` given to the policy comparison also gave the directive a court order: the sweep now
  says which overrides reach which regime, warns, and `injunction:policy.injunction_week=20` reaches the
  injunction only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hydra import initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from hydra.types import RunMode
from omegaconf import OmegaConf

from sim.config.compose import to_config
from sim.config.paths import CONF_DIR
from sim.config.store import register_configs
from sim.launch.errors import EXIT_INVALID, EXIT_OTHER_SWEEP, SweepError
from sim.launch.sweeps.folder import choose_folder
from sim.launch.sweeps.hydra_jobs import JobComposer, expand_jobs
from sim.launch.sweeps.manifest import SWEEP_MANIFEST, write_manifest
from sim.launch.sweeps.plan import Job, SweepPlan, plan_sweep
from sim.launch.sweeps.report import arm_report
from sim.launch.sweeps.words import FORCE_NEW_KEY, SCOPED_KEY, command_line
from sim.source import source_fingerprint
from tests.conftest import ROOT

SMALL = ["population.n_people=1000", "weeks=52"]
COMPARISON = ["+experiment=policy_comparison", "policy=appointment_disclosure,injunction", "seed=0", *SMALL]


@pytest.fixture(scope="module")
def hydra_loader() -> Iterator:
    """Hydra's config loader over conf/, as the guard gets it inside `python -m sim.run -m`."""
    register_configs()
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        yield GlobalHydra.instance().config_loader()


def _master(loader, overrides: list[str]):
    """The multirun's composed config (what Hydra hands the callback), for these command-line overrides."""
    return loader.load_configuration("config", overrides=overrides, run_mode=RunMode.MULTIRUN)


def _plan(loader, overrides: list[str], scoped: tuple[str, ...] = ()) -> SweepPlan:
    return plan_sweep(loader, _master(loader, overrides), scoped)[0]


# ------------------------------------------------------------------ the jobs, as the sweeper launches them


def test_jobs_are_listed_in_the_sweepers_order() -> None:
    jobs = expand_jobs(["policy=firewall,injunction", "seed=range(0,2)", "weeks=52"])
    assert jobs == [
        ["policy=firewall", "seed=0", "weeks=52"],
        ["policy=firewall", "seed=1", "weeks=52"],
        ["policy=injunction", "seed=0", "weeks=52"],
        ["policy=injunction", "seed=1", "weeks=52"],
    ]


def test_composing_once_per_regime_gives_hydras_configs(hydra_loader) -> None:
    """The shortcut (groups composed once, values set per job, one typed config per seed) is Hydra's result."""
    master = _master(hydra_loader, [*COMPARISON[:2], "seed=0,1", *SMALL, "policy.rules.disclosure_prob=0.5"])
    compose = JobComposer(hydra_loader, master)
    for job in expand_jobs([str(o) for o in master.hydra.overrides.task]):
        fast, full = compose(job), compose.full(job)
        assert OmegaConf.to_container(fast, resolve=True) == OmegaConf.to_container(full, resolve=True), job
        assert compose.typed(fast, to_config) == to_config(full), job
    assert len(compose.bases) == 2 and len(compose.typed_cache) == 2  # one per regime, not one per job


# ------------------------------------------------------------------ every job checked before the first runs


@pytest.mark.parametrize(
    ("sweep", "named"),
    [
        (["population.n_people=1000,-5"], ["job 1 of 2", "population.n_people=-5", "population.n_people"]),
        (
            ["behavior.posterior_file=data/posterior/posterior.csv,data/posterior/none.csv"],
            ["job 1 of 2", "behavior.posterior_file=data/posterior/none.csv", "behavior.posterior_file"],
        ),
        (["policy=firewall,no_such_regime"], ["job 1 of 2", "policy=no_such_regime", "policy/no_such_regime"]),
        (["population.n_people=1000,390000000"], ["job 1 of 2", "population.n_people=390000000", "memory"]),
        (["policy=injunction", "policy.injunction_week=20,-5"], ["job 1 of 2", "policy.injunction_week=-5"]),
    ],
    ids=["out_of_range", "posterior_missing", "unknown_regime", "ram_guard", "injunction_week"],
)
def test_a_job_that_can_never_run_is_named_before_any_runs(hydra_loader, sweep: list[str], named: list[str]) -> None:
    with pytest.raises(SweepError) as err:
        _plan(hydra_loader, ["weeks=52", *sweep])
    assert err.value.exit_code == EXIT_INVALID
    for text in named:
        assert text in str(err.value), str(err.value)
    assert "nothing was written" in str(err.value)


@pytest.mark.slow
def test_invalid_job_stops_the_driver_without_output_or_resume_advice(tmp_path: Path, capfd) -> None:
    """Through `python -m experiments.*`: exit 2 from the guard, no folder, and no advice to rerun."""
    from experiments.common import run_sweep

    sweep_dir = tmp_path / "sweep"
    with pytest.raises(SystemExit) as err:
        run_sweep("reversal", [*SMALL, "seed=0", "policy.injunction_week=20,-5", "hydra/launcher=basic"], sweep_dir)
    message = str(err.value.code)
    assert "invalid input" in message and "nothing was run or written" in message, message
    assert "resume" not in message and "rerun the same command" not in message, message
    stderr = capfd.readouterr().err
    assert "invalid config: job 1 of 2" in stderr and "policy.injunction_week=-5" in stderr, stderr
    assert "Traceback" not in stderr
    assert not sweep_dir.exists()  # no sweep folder, no .hydra, no run.log


# ------------------------------------------------------------------ a result is never overwritten or mixed


def _sweep(sweep_dir: Path, *overrides: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "sim.run", "-m", *SMALL, "hydra/launcher=basic", f"hydra.sweep.dir={sweep_dir}"]
    return subprocess.run([*cmd, *overrides], cwd=ROOT, capture_output=True, text=True, timeout=600)


def _state(sweep_dir: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of a sweep folder: its bytes and modification time."""
    return {
        str(p.relative_to(sweep_dir)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(sweep_dir.rglob("*"))
        if p.is_file()
    }


def _seeds(sweep_dir: Path) -> dict[str, int]:
    return {
        p.parent.name: json.loads(p.read_text())["provenance"]["seed"] for p in sorted(sweep_dir.glob("*/summary.json"))
    }


@pytest.mark.slow
def test_other_sweep_into_the_same_folder_is_refused_and_force_new_writes_beside(tmp_path: Path) -> None:
    folder = tmp_path / "sweep"
    first = _sweep(folder, "seed=range(0,2)")
    assert first.returncode == 0, first.stderr
    assert _seeds(folder) == {"0": 0, "1": 1}
    manifest = json.loads((folder / SWEEP_MANIFEST).read_text())
    assert "seed=range(0,2)" in manifest["overrides"]
    assert [[o for o in j["overrides"] if o.startswith("seed=")] for j in manifest["jobs"]] == [["seed=0"], ["seed=1"]]
    assert all(len(j["config_hash"]) == 16 for j in manifest["jobs"])
    before = _state(folder)

    other = _sweep(folder, "seed=range(2,4)")
    assert other.returncode == EXIT_OTHER_SWEEP, other.stderr
    assert str(folder) in other.stderr and "seed: range(0,2) there, range(2,4) now" in other.stderr, other.stderr
    assert "--force-new" in other.stderr and "Traceback" not in other.stderr
    assert _state(folder) == before  # runs 0 and 1 intact, nothing added
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sweep"]

    beside = _sweep(folder, "seed=range(2,4)", "--force-new")
    assert beside.returncode == 0, beside.stderr
    assert _seeds(tmp_path / "sweep-2") == {"0": 2, "1": 3}
    assert _state(folder) == before


@pytest.mark.slow
def test_driver_advises_a_rerun_only_for_a_sweep_that_started(tmp_path: Path) -> None:
    from experiments.common import _failure

    other = _failure("policy_comparison", EXIT_OTHER_SWEEP, tmp_path, started=False)
    assert str(tmp_path) in other and "--force-new" in other and "--sweep-dir" in other
    invalid = _failure("policy_comparison", EXIT_INVALID, tmp_path, started=False)
    assert "nothing was run or written" in invalid
    composition = _failure("policy_comparison", 1, tmp_path, started=False)  # e.g. a misspelled key, from Hydra
    for message in (other, invalid, composition):
        assert "resume" not in message and "rerun the same command" not in message, message
    assert "rerun the same command to resume" in _failure("policy_comparison", -9, tmp_path, started=True)


def test_scoped_overrides_do_not_change_the_run_count() -> None:
    from experiments.common import expected_runs

    scoped = ["seed=0", "policy=firewall,injunction", "injunction:policy.injunction_regions=[0,1]"]
    assert expected_runs("policy_comparison", scoped) == 2


def _plan_of(hashes: list[str], seeds: str = "range(0,2)") -> SweepPlan:
    jobs = [Job(i, [f"seed={i}"], h) for i, h in enumerate(hashes)]
    return SweepPlan(overrides=[f"seed={seeds}"], jobs=jobs)


def test_folder_holds_one_sweep(tmp_path: Path) -> None:
    base = tmp_path / "sweep"
    first = _plan_of(["a" * 16, "b" * 16])
    assert choose_folder(base, first, force_new=False) == base  # free
    write_manifest(base, first)
    assert choose_folder(base, first, force_new=False) == base  # the same sweep: resumes
    other = _plan_of(["c" * 16, "d" * 16], "range(2,4)")
    with pytest.raises(SweepError) as err:
        choose_folder(base, other, force_new=False)
    assert err.value.exit_code == EXIT_OTHER_SWEEP and str(base) in str(err.value)
    assert "seed: range(0,2) there, range(2,4) now" in str(err.value)
    assert choose_folder(base, other, force_new=True) == tmp_path / "sweep-2"
    write_manifest(tmp_path / "sweep-2", other)
    assert choose_folder(base, other, force_new=True) == tmp_path / "sweep-2"  # rerun with --force-new resumes
    third = _plan_of(["e" * 16, "f" * 16], "range(4,6)")
    assert choose_folder(base, third, force_new=True) == tmp_path / "sweep-3"


def test_folder_without_manifest_is_judged_by_its_runs(tmp_path: Path) -> None:
    """A sweep folder from before sweep.json: a finished run of another config is never replaced."""
    base = tmp_path / "old"
    (base / "0").mkdir(parents=True)
    made = {"config_hash": "a" * 16, "source_sha": source_fingerprint()}
    (base / "0" / "summary.json").write_text(json.dumps({"provenance": made}))
    assert choose_folder(base, _plan_of(["a" * 16, "b" * 16]), force_new=False) == base
    with pytest.raises(SweepError) as err:
        choose_folder(base, _plan_of(["c" * 16]), force_new=False)
    assert "run 0 holds config aaaaaaaaaaaaaaaa" in str(err.value)
    (base / "5").mkdir()
    with pytest.raises(SweepError, match="it holds run 5"):
        choose_folder(base, _plan_of(["a" * 16, "b" * 16]), force_new=False)


# ------------------------------------------------------------------ overrides scoped and visible


def test_command_line_gathers_scopes_and_force_new() -> None:
    words = command_line(["-m", "policy=a,b", "b:policy.injunction_week=20", "--force-new", "b:weeks=60"])
    assert words == [
        "-m",
        f"{SCOPED_KEY}=['b:policy.injunction_week=20','b:weeks=60']",
        f"{FORCE_NEW_KEY}=true",
        "policy=a,b",
    ]
    assert command_line(["seed=1", "hydra.searchpath=[file:///x]"]) == ["seed=1", "hydra.searchpath=[file:///x]"]
    with pytest.raises(SweepError, match="use one form"):
        command_line(["a:weeks=60", f"{SCOPED_KEY}=['a:weeks=52']"])


@pytest.mark.parametrize(
    ("sweep", "scoped", "said"),
    [
        (COMPARISON, ("firewall:weeks=60",), "which this sweep does not run"),
        (COMPARISON, ("injunction:policy.injunction_week=20,30",), "sweeps several values"),
        (COMPARISON, ("injunction:policy=firewall",), "cannot differ by regime"),
        (["policy=injunction", *SMALL], ("injunction:weeks=60",), "give weeks=60 without the scope"),
        ([*COMPARISON, "policy.injunction_week=30"], ("injunction:policy.injunction_week=20",), "does not take effect"),
    ],
    ids=["unknown_regime", "sweep_in_scope", "the_regime_itself", "one_regime", "also_given_to_all"],
)
def test_bad_scoped_override_is_refused(hydra_loader, sweep, scoped, said) -> None:
    with pytest.raises(SweepError, match=said) as err:
        _plan(hydra_loader, sweep, scoped)
    assert err.value.exit_code == EXIT_INVALID


def test_report_warns_when_a_policy_override_reaches_every_regime(hydra_loader) -> None:
    lines, warnings = arm_report(_plan(hydra_loader, [*COMPARISON, "policy.injunction_week=20"]))
    text = "\n".join(lines)
    assert "every regime:" in text and "policy.injunction_week=20" in text
    assert "so not policy.injunction_week=20" in text  # nor does it reach the paired firewall run
    assert len(warnings) == 1
    assert "policy.injunction_week=20 reaches every regime" in warnings[0]
    assert "appointment_disclosure, injunction" in warnings[0]
    assert "injunction:policy.injunction_week=20" in warnings[0]  # the regime whose file sets it, as the example

    plan = _plan(hydra_loader, COMPARISON, ("injunction:policy.injunction_week=20",))
    lines, warnings = arm_report(plan)
    assert not warnings
    rows = {line.split(":")[0].strip(): line for line in lines[1:]}
    assert "policy.injunction_week=20 (scoped)" in rows["injunction"]
    assert "(nothing of its own)" in rows["appointment_disclosure"]
    assert "injunction_week" not in rows["every regime"]
    hashes = {j.overrides[0]: j.config_hash for j in plan.jobs}
    unscoped = {j.overrides[0]: j.config_hash for j in _plan(hydra_loader, COMPARISON).jobs}
    assert hashes["policy=appointment_disclosure"] == unscoped["policy=appointment_disclosure"]
    assert hashes["policy=injunction"] != unscoped["policy=injunction"]


def _by_week(run: Path, column: str) -> pd.Series:
    return pd.read_parquet(run / "timeseries.parquet").groupby("week")[column].mean()


def _injunction_week(run: Path) -> int:
    return yaml.safe_load((run / ".hydra" / "config.yaml").read_text())["policy"]["injunction_week"]


@pytest.mark.slow
def test_policy_comparison_scopes_the_injunction_week(tmp_path: Path, capfd) -> None:
    """`injunction:policy.injunction_week=20` gives the injunction arm its court order and the directive none.
    The same override unscoped, with --force-new (the folder holds the scoped sweep), runs beside it with a
    warning, and the directive gets the court order too: its rows are then the injunction's."""
    from experiments import policy_comparison
    from experiments.common import run_sweep

    sweep_dir, figures = tmp_path / "comparison", tmp_path / "figures"
    common = [*COMPARISON[1:], "hydra/launcher=basic", f"--sweep-dir={sweep_dir}", f"--figures={figures}"]
    result = policy_comparison.main([*common, "injunction:policy.injunction_week=20"])
    out = capfd.readouterr().out
    assert "injunction:" in out and "policy.injunction_week=20 (scoped)" in out, out
    runs = {json.loads((r / "summary.json").read_text())["provenance"]["policy"]: r for r in sweep_dir.glob("[0-9]")}
    directive, injunction = runs["appointment_disclosure"], runs["injunction"]
    assert (_injunction_week(directive), _injunction_week(injunction)) == (-1, 20)
    d, i = _by_week(directive, "perceived_disclosure_mean"), _by_week(injunction, "perceived_disclosure_mean")
    pd.testing.assert_series_equal(d.loc[:19], i.loc[:19])  # the same until the court acts
    assert (i.loc[21:] < d.loc[21:]).all()  # then the court order lowers the injunction arm's perceived disclosure
    assert set(result.sweep.runs["policy"]) == {"appointment_disclosure", "injunction"}

    # the driver's sweep, without the figures checked above: the same words, with --force-new
    unscoped = [*COMPARISON[1:], "hydra/launcher=basic", "policy.injunction_week=20"]
    beside = run_sweep("policy_comparison", unscoped, sweep_dir, force_new=True)
    captured = capfd.readouterr()
    assert "policy.injunction_week=20 reaches every regime" in captured.err, captured.err
    assert f"beside {sweep_dir}, which holds another sweep" in captured.out, captured.out
    assert beside == tmp_path / "comparison-2"
    runs = {json.loads((r / "summary.json").read_text())["provenance"]["policy"]: r for r in beside.glob("[0-9]")}
    assert _injunction_week(runs["appointment_disclosure"]) == _injunction_week(runs["injunction"]) == 20
    pd.testing.assert_series_equal(
        _by_week(runs["appointment_disclosure"], "perceived_disclosure_mean"),
        _by_week(runs["injunction"], "perceived_disclosure_mean"),
    )
    assert os.path.exists(sweep_dir / "0" / "summary.json")  # the scoped sweep is untouched
