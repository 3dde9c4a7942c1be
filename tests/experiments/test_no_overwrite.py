"""No command overwrites what it did not make in this call.

Each test makes something, runs the command again (or another command) where it could reach it, and checks
that every earlier file keeps its bytes and its modification time:

- a single run into a folder that holds a run: the same run is named and left alone (exit 0); another config
  or another source's run is refused (exit 4, one line);
- an experiment without `--figures` writes its figures into a new folder in its sweep folder, never figures/;
  a rerun gets a new one, and a sweep written beside another (`--force-new`) takes its figures with it;
- a comparison is named by its overrides and seeds, so another comparison of the same regimes replaces nothing;
  the same one made by the same code is shown again, and one made by another source is refused (exit 4).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from experiments.common import figures_folder, own_folder
from sim.launch.callbacks import EXIT_OTHER_RUN
from sim.results.outputs import SUMMARY
from sim.source import source_fingerprint
from tests.conftest import ROOT, run_cli_in_process

RUN = ["population.n_people=1500", "weeks=20", "progress=false"]


def _state(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under `folder`: its bytes and modification time."""
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()
    }


def _results(folder: Path) -> dict[str, tuple[bytes, int]]:
    """`_state` without Hydra's bookkeeping (each job's .hydra/, multirun.yaml, logs), which a sweep that resumes
    writes again for its own jobs (same bytes, the logs appended): every result and figure file."""
    return {
        k: v
        for k, v in _state(folder).items()
        if ".hydra" not in Path(k).parts and Path(k).name != "multirun.yaml" and Path(k).suffix != ".log"
    }


def _one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.startswith("uptake-sim:")]
    assert len(lines) == 1, text
    return lines[0]


# ------------------------------------------------------------------ a single run


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("single") / "run"
    done = run_cli_in_process(*RUN, f"hydra.run.dir={folder}")
    assert done.returncode == 0, done.stderr
    return folder


def test_the_same_run_again_is_named_and_left_alone(finished_run: Path, tmp_path: Path) -> None:
    folder = Path(shutil.copytree(finished_run, tmp_path / "run"))
    before = _state(folder)
    again = run_cli_in_process(*RUN, f"hydra.run.dir={folder}")
    assert again.returncode == 0, again.stderr
    line = _one_line(again.stdout)
    chash = json.loads((folder / SUMMARY).read_text())["provenance"]["config_hash"]
    assert f"{folder} already holds this run, complete (config {chash}, seed 0" in line, line
    assert "nothing was rerun or rewritten" in line
    assert _state(folder) == before


def test_a_run_of_another_config_or_source_is_refused(finished_run: Path, tmp_path: Path) -> None:
    folder = Path(shutil.copytree(finished_run, tmp_path / "run"))
    before = _state(folder)
    other = run_cli_in_process(*RUN, "seed=1", f"hydra.run.dir={folder}")
    assert other.returncode == EXIT_OTHER_RUN, other.stderr
    line = _one_line(other.stderr)
    assert f"{folder} holds another run" in line and "seed 0" in line and "hydra.run.dir" in line, line
    assert _state(folder) == before

    summary = json.loads((folder / SUMMARY).read_text())
    summary["provenance"]["source_sha"] = "0123456789abcdef"
    (folder / SUMMARY).write_text(json.dumps(summary))
    before = _state(folder)
    stale = run_cli_in_process(*RUN, f"hydra.run.dir={folder}")
    assert stale.returncode == EXIT_OTHER_RUN, stale.stderr
    line = _one_line(stale.stderr)
    assert "made by another model" in line and "source 0123456789abcdef" in line, line
    assert f"source {source_fingerprint()}" in line
    assert _state(folder) == before


# ------------------------------------------------------------------ an experiment's figures

NETWORK = [
    "population.n_people=800",
    "weeks=30",
    "network.mean_degree=0,4",
    "network.within_block=0.2,0.8",
    "hydra/launcher=basic",
]


@pytest.mark.slow
def test_an_experiment_without_a_destination_never_writes_figures_or_over_its_earlier_figures(
    tmp_path: Path,
) -> None:
    from experiments import network

    project_figures = _state(ROOT / "figures")
    sweep = tmp_path / "sweep"
    first = network.main([*NETWORK, "seed=0", f"--sweep-dir={sweep}"])
    assert first.figures["network_main"][0].parent == sweep / "figures"
    assert json.loads((sweep / "figures" / "MANIFEST.json").read_text())["network_main"]["runs"] == 4
    made = _results(sweep)
    assert {"0/summary.json", "figures/network_main.png", "figures/MANIFEST.json"} <= set(made)

    again = network.main([*NETWORK, "seed=0", f"--sweep-dir={sweep}"])  # resumes the sweep: its figures anew
    assert again.figures["network_main"][0].parent == sweep / "figures-2"
    assert {k: v for k, v in _results(sweep).items() if k in made} == made

    beside = network.main([*NETWORK, "seed=1", f"--sweep-dir={sweep}", "--force-new"])
    assert beside.sweep_dir == tmp_path / "sweep-2"
    assert beside.figures["network_main"][0].parent == tmp_path / "sweep-2" / "figures"  # with its sweep
    assert {k: v for k, v in _results(sweep).items() if k in made} == made
    assert _state(ROOT / "figures") == project_figures


def test_a_default_folder_is_always_new(tmp_path: Path) -> None:
    base = tmp_path / "figures"
    assert own_folder(base) == base
    base.mkdir()
    assert own_folder(base) == tmp_path / "figures-2"
    (tmp_path / "figures-2").mkdir()
    assert own_folder(base) == tmp_path / "figures-3"
    assert figures_folder(base, tmp_path / "x") == base  # a folder named on the command line is used as named
    assert figures_folder(None, base) == tmp_path / "figures-3"


# ------------------------------------------------------------------ a comparison

SMALL = ["population.n_people=1500", "weeks=20"]
REGIMES = ("appointment_disclosure", "injunction")


@pytest.mark.slow
def test_a_comparison_with_other_overrides_replaces_nothing(tmp_path: Path, capsys) -> None:
    from experiments.compare import compare, main

    compare(*REGIMES, SMALL, 2, 1, tmp_path)
    (first,) = tmp_path.glob("appointment_disclosure_vs_injunction_*[!s].csv")
    made = _state(tmp_path)

    later = compare(*REGIMES, [*SMALL, "b:policy.injunction_week=10"], 2, 1, tmp_path)
    assert later["b_overrides"].iloc[0] == " ".join([*SMALL, "policy.injunction_week=10"])
    assert len(list(tmp_path.glob("*.csv"))) == 4  # two tables, two run lists
    assert {k: v for k, v in _state(tmp_path).items() if k in made} == made

    again = compare(*REGIMES, SMALL, 2, 1, tmp_path)  # the same comparison by the same code: shown, not rerun
    pd.testing.assert_frame_equal(again, pd.read_csv(first))
    assert {k: v for k, v in _state(tmp_path).items() if k in made} == made

    table = pd.read_csv(first).assign(source_sha="0123456789abcdef")  # as if made before the model changed
    table.to_csv(first, index=False)
    made = _state(tmp_path)
    capsys.readouterr()
    with pytest.raises(SystemExit) as ended:
        main(["--a", REGIMES[0], "--b", REGIMES[1], "--seeds", "2", "--jobs", "1", "--out", str(tmp_path), *SMALL])
    assert ended.value.code == 4
    line = _one_line(capsys.readouterr().err)
    assert str(first) in line and "another model" in line and "--out" in line, line
    assert _state(tmp_path) == made
