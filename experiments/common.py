"""Run an experiment's Hydra sweep, then its figures, in one call.

`run_experiment` launches `python -m sim.run -m +experiment=<name>` with the
user's overrides (sizes, launcher, seeds), shows progress while it runs,
loads the sweep into a tidy table, writes each figure as PNG, PDF and CSV,
and records it in the figures' MANIFEST.json (experiment, config hashes,
seeds, package version, git commit, runtime). Rerunning resumes: completed
runs are skipped by `sim.run`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from analysis.load import SweepTable, load_sweep
from analysis.style import save_figure
from sim import __version__
from sim.paths import CONF_DIR, ROOT
from sim.provenance import git_commit, write_json

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
    """Driver options (--figures, --sweep-dir); everything else is a Hydra override."""
    parser = argparse.ArgumentParser(
        prog=f"python -m experiments.{name}",
        description=f"Run the {name} sweep and write its figures. Other arguments are Hydra overrides, "
        "e.g. population.n_people=5000 'seed=range(0,3)' hydra/launcher=ray.",
    )
    parser.add_argument("--figures", type=Path, default=FIGURES_DIR, help="folder for figures (default: figures/)")
    parser.add_argument("--sweep-dir", type=Path, default=None, help="sweep folder (default: multirun/<name>)")
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
        key, sep, value = item.partition("=")
        sweeps = key in params or "," in value or "range(" in value or "glob(" in value
        if sep and sweeps and not key.startswith(("hydra", "+", "~")):
            params[key] = value
    return max(1, int(pd.Series([_count_values(k, v) for k, v in params.items()]).prod()))


def _done_runs(sweep_dir: Path) -> int:
    return sum(1 for _ in sweep_dir.glob("*/summary.json")) if sweep_dir.exists() else 0


def run_sweep(name: str, overrides: Sequence[str], sweep_dir: Path) -> None:
    """Launch the Hydra sweep in a subprocess with a progress bar; raise if it fails."""
    cmd = [sys.executable, "-m", "sim.run", "-m", f"+experiment={name}", f"hydra.sweep.dir={sweep_dir}", *overrides]
    total = expected_runs(name, overrides)
    proc = subprocess.Popen(cmd, cwd=ROOT)
    interactive = sys.stderr.isatty()
    last = -1
    while proc.poll() is None:
        done = _done_runs(sweep_dir)
        if done != last:
            end = "\r" if interactive else "\n"
            print(f"[{name}] {done}/{total} runs complete", end=end, file=sys.stderr, flush=True)
            last = done
        time.sleep(0.5)
    print(f"[{name}] {_done_runs(sweep_dir)}/{total} runs complete", file=sys.stderr)
    if proc.returncode != 0:
        raise SystemExit(f"[{name}] sweep failed (exit {proc.returncode}); rerun the same command to resume")


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
        "version": __version__,
        "git_commit": git_commit(),
        "runtime_s": round(wall_s, 1),
    }


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
    sweep_dir = (args.sweep_dir or ROOT / "multirun" / name).resolve()
    start = time.perf_counter()
    run_sweep(name, overrides, sweep_dir)
    sweep = load_sweep(sweep_dir)
    wall = time.perf_counter() - start
    result = ExperimentResult(name, sweep_dir, sweep, wall_s=wall)
    entries = {}
    for fig_name, make in figures.items():
        stem = f"{name}_{fig_name}"
        paths = save_figure(make(sweep.table), args.figures / stem)
        result.figures[stem] = paths
        entries[stem] = _manifest_entry(name, sweep, paths, wall)
    update_manifest(args.figures, entries)
    print(f"[{name}] sweep: {sweep_dir}")
    for stem, paths in result.figures.items():
        print(f"[{name}] figure {stem}: {', '.join(str(p) for p in paths)}")
    return result
