"""A result is reused only if the same model made it: the source fingerprint of the runs, checked and recorded.

A sweep used to skip a job whose summary had the same config hash, whatever code had made it, so an edit to
the model could leave figures drawn from runs of the old code. A finished run now counts as done only when its
`source_sha` is the current one; a sweep folder holding runs of another source is refused (exit 4, one line
naming both fingerprints), never reused and never overwritten, and `--force-new` writes beside it. The
figures' MANIFEST.json names the fingerprints of the runs behind each figure.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.load import load_sweep
from experiments.common import runs_fingerprint
from sim.launch.errors import EXIT_OTHER_SWEEP
from sim.results.outputs import SUMMARY, TIMESERIES, completed_summary
from sim.source import source_fingerprint
from tests.conftest import run_cli_in_process

OLD_SOURCE = "0123456789abcdef"
SWEEP = ["population.n_people=1500", "weeks=20", "seed=0,1", "hydra/launcher=basic", "progress=false"]


def _state(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under `folder`: its bytes and modification time."""
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()
    }


def _made_by_old_source(run: Path) -> None:
    """Record in a finished run's summary that another source made it (as if the model was edited since)."""
    summary = json.loads((run / SUMMARY).read_text())
    summary["provenance"].update(source_sha=OLD_SOURCE, git_commit="feedface" * 5, dirty=False)
    (run / SUMMARY).write_text(json.dumps(summary))


@pytest.fixture(scope="module")
def finished_sweep(tmp_path_factory) -> Path:
    """A finished two-run sweep, made once for the module (tests copy it before changing it)."""
    folder = tmp_path_factory.mktemp("stale") / "sweep"
    done = run_cli_in_process("-m", *SWEEP, f"hydra.sweep.dir={folder}")
    assert done.returncode == 0, done.stderr
    return folder


def test_a_finished_run_is_reused_only_by_the_source_that_made_it(tmp_path: Path) -> None:
    run = tmp_path / "0"
    run.mkdir()
    (run / TIMESERIES).write_bytes(b"stands for the run's table")
    (run / SUMMARY).write_text(
        json.dumps({"provenance": {"config_hash": "a" * 16, "source_sha": source_fingerprint()}})
    )
    assert completed_summary(run, "a" * 16) is not None  # same config, same code: skipped on resume
    assert completed_summary(run, "b" * 16) is None  # another config
    _made_by_old_source(run)
    assert completed_summary(run, "a" * 16) is None  # same config, other code: not a result of this model
    (run / SUMMARY).write_text(json.dumps({"provenance": {"config_hash": "a" * 16}}))
    assert completed_summary(run, "a" * 16) is None  # from before fingerprints: cannot be shown to be this model


@pytest.mark.slow
def test_a_sweep_over_runs_of_another_source_is_refused_and_force_new_writes_beside(
    finished_sweep: Path, tmp_path: Path
) -> None:
    import shutil

    folder = Path(shutil.copytree(finished_sweep, tmp_path / "sweep"))
    _made_by_old_source(folder / "0")
    before = _state(folder)

    refused = run_cli_in_process("-m", *SWEEP, f"hydra.sweep.dir={folder}")
    assert refused.returncode == EXIT_OTHER_SWEEP, refused.stderr
    lines = [line for line in refused.stderr.splitlines() if line.startswith("uptake-sim:")]
    assert len(lines) == 1, refused.stderr
    line = lines[0]
    assert str(folder) in line and "runs made by another model" in line and "run 0" in line
    assert f"source {OLD_SOURCE} (commit feedface)" in line and f"source {source_fingerprint()}" in line
    assert "--force-new" in line and "another folder" in line
    assert _state(folder) == before  # neither reused nor overwritten: not a byte, not a time
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sweep"]

    beside = run_cli_in_process("-m", *SWEEP, f"hydra.sweep.dir={folder}", "--force-new")
    assert beside.returncode == 0, beside.stderr
    assert _state(folder) == before
    fresh = json.loads((tmp_path / "sweep-2" / "0" / SUMMARY).read_text())["provenance"]
    assert fresh["source_sha"] == source_fingerprint()  # run again by this code, not copied from the stale run


def test_the_same_source_resumes_without_rerunning(finished_sweep: Path, tmp_path: Path) -> None:
    import shutil

    folder = Path(shutil.copytree(finished_sweep, tmp_path / "sweep"))
    runs = {p: p.stat().st_mtime_ns for p in folder.glob("*/" + SUMMARY)}
    again = run_cli_in_process("-m", *SWEEP, f"hydra.sweep.dir={folder}")
    assert again.returncode == 0, again.stderr
    assert "resuming: 2 of 2 already complete" in again.stdout, again.stdout
    assert {p: p.stat().st_mtime_ns for p in runs} == runs


def test_the_runs_table_and_the_manifest_carry_the_runs_fingerprints(finished_sweep: Path) -> None:
    runs = load_sweep(finished_sweep).runs
    assert set(runs["p.source_sha"]) == {source_fingerprint()}
    assert runs["p.dirty"].map(type).isin([bool, type(None)]).all() and "p.git_commit" in runs
    assert "p.environment.numpy" in runs  # the library versions, one column each
    assert runs_fingerprint(runs)["source_shas"] == [source_fingerprint()]

    mixed = pd.DataFrame(
        {
            "p.source_sha": ["b" * 16, "a" * 16, "b" * 16, None],
            "p.git_commit": ["c2", "c1", "c2", None],
            "p.dirty": [False, True, False, None],
        }
    )
    assert runs_fingerprint(mixed) == {"source_shas": ["a" * 16, "b" * 16], "git_commits": ["c1", "c2"], "dirty": True}
    clean = mixed.assign(**{"p.dirty": [False, False, False, None]})
    assert runs_fingerprint(clean)["dirty"] is False
