"""Run an experiment's Hydra sweep, then its figures, in one call.

`run_experiment` launches `python -m sim.run -m +experiment=<name>` with the
user's overrides (sizes, launcher, seeds), shows progress while it runs,
loads the sweep into a tidy table, writes each figure as PNG, PDF and CSV,
and records it in the figures' MANIFEST.json (experiment, config hashes,
seeds, the fingerprints of the runs behind it: `source_shas`, `git_commits`,
`dirty`; package version, the plotting commit, runtime). Rerunning resumes:
completed runs of the same config made by the same source are skipped by
`sim.run`.

The figures go where `--figures` says; without it, into a new folder inside
the sweep folder (`<sweep>/figures`, or `figures-2`, ... when an earlier call
made one), so that they move with the runs they come from, and a sweep
written beside another (`--force-new`) takes its figures with it. Only
`make figures` (`python -m experiments.all`, which names `--figures figures`)
writes the project's figures/.

Before any run, the sweep guard (`sim.launch.sweeps`, in the `sim.run` process)
checks every job's config, refuses a folder that holds another sweep (or, with
`--force-new`, writes beside it) and prints which overrides reach which
regime; `<regime>:<key>=<value>` gives an override to one regime only. A
failure the guard stops (invalid input, another sweep in the folder) gets no
advice to rerun: only a sweep that started and was interrupted resumes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from analysis.load import SweepTable, load_sweep
from analysis.style import save_figure
from experiments import design
from sim import __version__
from sim.config.paths import CONF_DIR, ROOT
from sim.launch.errors import EXIT_INVALID, EXIT_OTHER_SWEEP
from sim.launch.sweeps.words import FORCE_NEW_FLAG, SWEEP_DIR_ENV, split_scoped
from sim.launch.yaml_check import exit_on_malformed_yaml
from sim.results.provenance import write_json
from sim.source import git_commit

FIGURES_DIR = ROOT / "figures"
MANIFEST = "MANIFEST.json"
FigureFn = Callable[[pd.DataFrame], Figure]


@dataclass
class ExperimentResult:
    name: str
    sweep_dir: Path
    sweep: SweepTable
    figures: dict[str, list[Path]] = field(default_factory=dict)
    wall_s: float = 0.0


def parse_args(name: str, argv: Sequence[str] | None) -> tuple[argparse.Namespace, list[str]]:
    """Driver options (--figures, --sweep-dir, --force-new); everything else is a Hydra override."""
    parser = argparse.ArgumentParser(
        prog=f"python -m experiments.{name}",
        description=f"Run the {name} sweep and write its figures. Other arguments are Hydra overrides, "
        "e.g. population.n_people=5000 'seed=range(0,3)' hydra/launcher=ray; an override for one regime of a "
        "comparison only is written <regime>:<key>=<value> (injunction:policy.injunction_week=20). Before any "
        "run, every job is checked and the overrides each regime gets are printed.",
    )
    design.add_options(
        parser, "figures", "sweep_dir", "force_new",
        figures="folder for figures (default: a new folder in the sweep folder, <sweep>/figures; figures/ is "
        "written only when named: make figures)",
    )  # fmt: skip
    return parser.parse_known_args(argv)


def _count_values(key: str, value: str) -> int:
    """How many values a sweep parameter takes; a `glob(...)` over a config group counts the group's YAML files."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.core.override_parser.types import Glob

    override = OverridesParser.create().parse_override(f"{key}={value}")
    if isinstance(override.value(), Glob):
        options = sorted(p.stem for p in (CONF_DIR / key.replace(".", "/")).glob("*.yaml"))
        return len(override.value().filter(options))
    return len(list(override.sweep_string_iterator())) if override.is_sweep_override() else 1


def expected_runs(name: str, overrides: Sequence[str]) -> int:
    """How many runs the sweep will launch: the product of its sweep parameters' lengths."""
    import yaml

    params = yaml.safe_load((CONF_DIR / "experiment" / f"{name}.yaml").read_text())["hydra"]["sweeper"]["params"]
    params = {k: str(v) for k, v in params.items()}
    for item in overrides:
        if split_scoped(item) is not None:
            continue  # a scoped override changes one regime's runs, not how many there are
        key, sep, value = item.partition("=")
        sweeps = key in params or "," in value or "range(" in value or "glob(" in value
        if sep and sweeps and not key.startswith(("hydra", "+", "~")):
            params[key] = value
    return max(1, int(pd.Series([_count_values(k, v) for k, v in params.items()]).prod()))


def _done_runs(sweep_dir: Path) -> int:
    return sum(1 for _ in sweep_dir.glob("*/summary.json")) if sweep_dir.exists() else 0


def _failure(name: str, code: int, sweep_dir: Path, started: bool) -> str:
    """What went wrong, and whether rerunning the command can help (only for a sweep that started)."""
    if code == EXIT_OTHER_SWEEP:
        return (
            f"[{name}] sweep not started: {sweep_dir} holds another sweep, or runs made by another model (the "
            f"difference is above); nothing was written. Add {FORCE_NEW_FLAG} to write this one beside it, or give "
            "another --sweep-dir"
        )
    if code == EXIT_INVALID:
        done = "" if started else "; nothing was run or written"
        return (
            f"[{name}] sweep stopped on invalid input (exit {code}: the message above names the job and the "
            f"field, or the file and line){done}. A rerun fails the same way until the overrides are fixed"
        )
    if not started:
        return f"[{name}] sweep not started (exit {code}: see the message above); nothing was run"
    return f"[{name}] sweep failed (exit {code}); rerun the same command to resume: finished runs are kept and skipped"


def run_sweep(name: str, overrides: Sequence[str], sweep_dir: Path, force_new: bool = False) -> Path:
    """Launch the Hydra sweep in a subprocess with a progress bar; return its folder, or raise SystemExit.

    The folder is `sweep_dir`, or with `force_new` the one beside it that the sweep guard chose (it writes it
    to the file named by `SWEEP_DIR_ENV` once every job is checked, which also tells that the sweep started).
    """
    cmd = [sys.executable, "-m", "sim.run", "-m", f"+experiment={name}", f"hydra.sweep.dir={sweep_dir}", *overrides]
    cmd += [FORCE_NEW_FLAG] if force_new else []
    total = expected_runs(name, overrides)
    interactive = sys.stderr.isatty()
    with tempfile.TemporaryDirectory(prefix="uptake-sim-sweep.") as tmp:
        chosen = Path(tmp) / "sweep_dir"
        proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, SWEEP_DIR_ENV: str(chosen)})
        folder, last = None, -1
        while proc.poll() is None:
            folder = folder or (Path(chosen.read_text()) if chosen.exists() else None)
            done = _done_runs(folder) if folder else -1
            if done != last:
                end = "\r" if interactive else "\n"
                print(f"[{name}] {done}/{total} runs complete", end=end, file=sys.stderr, flush=True)
                last = done
            time.sleep(0.5)
        folder = folder or (Path(chosen.read_text()) if chosen.exists() else None)
    if folder is not None and (interactive or _done_runs(folder) != last):
        print(f"[{name}] {_done_runs(folder)}/{total} runs complete", file=sys.stderr)
    if proc.returncode != 0:
        raise SystemExit(_failure(name, proc.returncode, sweep_dir, started=folder is not None))
    if folder is None:
        raise SystemExit(f"[{name}] the sweep ended without saying which folder it used ({SWEEP_DIR_ENV})")
    return folder


def behavior_record(runs: pd.DataFrame) -> dict:
    """Whether the experiment's runs are the calibrated model: the posterior each drew from, and the transfer."""
    files = sorted({str(f) for f in runs.get("behavior.posterior_file", pd.Series(dtype=str)).dropna() if f})
    transfer = bool(runs.get("behavior.transfer_uncertain", pd.Series([False])).fillna(False).astype(bool).all())
    calibrated = bool(files and len(runs) and runs["behavior.posterior_file"].fillna("").astype(bool).all())
    return {
        "calibrated": calibrated,
        "posterior_file": files,
        "draws": "one posterior draw per seed" if calibrated else "assumed defaults (behavior=default)",
        "transfer_uncertain": transfer,
    }


def runs_fingerprint(runs: pd.DataFrame) -> dict:
    """Which code made a sweep's runs, from their provenance: the sorted distinct `source_shas` and
    `git_commits`, and `dirty` (any run made from a tree with uncommitted changes). The plotting process's own
    commit says nothing of runs that were reused from earlier."""

    def distinct(column: str) -> list[str]:
        values = runs[column] if column in runs else pd.Series(dtype=object)
        return sorted({str(v) for v in values if v is not None and not pd.isna(v)})

    dirty = runs["p.dirty"] if "p.dirty" in runs else pd.Series(dtype=object)
    return {
        "source_shas": distinct("p.source_sha"),
        "git_commits": distinct("p.git_commit"),
        "dirty": bool(dirty.eq(True).any()),  # Python or numpy booleans; None for runs that did not record it
    }


def _manifest_entry(name: str, sweep: SweepTable, paths: list[Path], wall_s: float) -> dict:
    runs = sweep.runs
    hashes = sorted(set(runs["p.config_hash"])) if "p.config_hash" in runs else []
    seeds = sorted({int(s) for s in runs["p.seed"]}) if "p.seed" in runs else []
    return {
        "experiment": name,
        "files": [p.name for p in paths],
        "runs": len(runs),
        "config_hashes": hashes,
        "seeds": seeds,
        "behavior": behavior_record(runs),
        **runs_fingerprint(runs),
        "version": __version__,
        "git_commit": git_commit(),
        "runtime_s": round(wall_s, 1),
    }


def own_folder(base: Path) -> Path:
    """`base` if nothing is there yet, else the first free `<base>-2`, `<base>-3`, ...: a folder this call makes,
    so that what it writes replaces nothing an earlier call wrote."""
    base = Path(base)
    candidates = (base if i == 1 else base.with_name(f"{base.name}-{i}") for i in count(1))
    return next(c for c in candidates if not c.exists())


def figures_folder(given: Path | None, default: Path) -> Path:
    """Where a driver writes its figures: the folder named (--figures), else a new one at `default`
    (`own_folder`). The project's figures/ is written only when named, as `make figures` names it."""
    return Path(given) if given is not None else own_folder(default)


def update_manifest(figures_dir: Path, entries: dict[str, dict]) -> Path:
    """Merge figure entries into figures_dir/MANIFEST.json (written atomically)."""
    path = figures_dir / MANIFEST
    manifest = json.loads(path.read_text()) if path.exists() else {}
    manifest.update(entries)
    write_json(path, dict(sorted(manifest.items())))
    return path


def run_experiment(name: str, argv: Sequence[str] | None, figures: dict[str, FigureFn]) -> ExperimentResult:
    """The sweep, its tidy table and its figures; returns where everything is."""
    args, overrides = parse_args(name, argv)
    exit_on_malformed_yaml(overrides)  # before the experiment's own file is read to count its runs
    sweep_dir = (args.sweep_dir or ROOT / "multirun" / name).resolve()
    start = time.perf_counter()
    sweep_dir = run_sweep(name, overrides, sweep_dir, force_new=args.force_new)
    sweep = load_sweep(sweep_dir)
    wall = time.perf_counter() - start
    result = ExperimentResult(name, sweep_dir, sweep, wall_s=wall)
    out = figures_folder(args.figures, sweep_dir / "figures")  # with the sweep it was made from, wherever it goes
    entries = {}
    for fig_name, make in figures.items():
        stem = f"{name}_{fig_name}"
        paths = save_figure(make(sweep.table), out / stem)
        result.figures[stem] = paths
        entries[stem] = _manifest_entry(name, sweep, paths, wall)
    update_manifest(out, entries)
    print(f"[{name}] sweep: {sweep_dir}")
    print(f"[{name}] figures: {out}")
    for stem, paths in result.figures.items():
        print(f"[{name}] figure {stem}: {', '.join(str(p) for p in paths)}")
    return result
