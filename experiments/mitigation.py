"""What would undo the directive: each mitigation alone and in combination, on paired seeds, with both intervals.

    python -m experiments.mitigation [--tiny] [--seeds N] [--people N] [--weeks N] [--figures DIR]
        [--sweep-dir DIR] [--force-new] [--conf DIR] [hydra overrides ...]

The sweep is conf/experiment/mitigation.yaml: under the directive (policy=appointment_disclosure), every
mitigation listed there (each a file of conf/mitigation/: remote service restored for each need and for all,
video interpreting, records kept, outreach of three reaches, an injunction in half the regions or in all at
week 26 or 52, and the combinations an agency or a court could adopt) and the directive without mitigation
(`none`), each on the same seeds. With `behavior=posterior` (the experiment's default) each seed draws one
posterior particle and one announcement transfer, the same for every mitigation, so a mitigation's effect on
a seed is measured against the directive without mitigation on that seed: the same people, network, random
numbers and parameters. `none` also runs its paired firewall run: the directive's whole loss, what withdrawing it
would recover (`directive_withdrawn` in the table; remote service can recover more, as it also helps people
who would miss an in-person visit without the directive).

Writes into the figures folder, `--figures` (default: a new folder in the sweep folder, `<sweep>/figures`;
figures/ only when named, as `make figures` does), and MANIFEST.json entries there, with the behaviour the
runs drew from and their fingerprints (`source_shas`, `git_commits`, `dirty`):

- `mitigation.csv`: one row per mitigation x metric (`analysis.mitigation.METRICS`: uptake recovered in pp,
  final week and mean over weeks; people receiving per 100,000 eligible; benefit USD kept per 100,000
  eligible over the run; citizen children kept on benefits, people represented and per 100,000 eligible),
  with `unit`, mean, `ci_lo`/`ci_hi` (95% CI of the mean over seeds), `pi_lo`/`pi_hi` (90% predictive
  interval: where one run falls), `n`, `interval`, the eligible agents behind it, the mitigation's family,
  label and overrides, and the size, version, commit, `dirty` and `source_sha`;
- `mitigation_seeds.csv`: every seed's value of every metric, per mitigation;
- `mitigation_main.{png,pdf,csv}`: the ranked dot-and-interval chart of people recovered per 100,000
  eligible (final week) and its numbers.

Full size (the YAML's: 21 arms x 6 seeds at 20,000 people, 156 weeks) takes about 4 minutes on 2 idle cores;
`--tiny` (`TINY`, conf/experiment/sizes/mitigation.yaml: 2 mitigations and `none`, 2 seeds, 2,000 people, 104
weeks, one process) about 15 s.
Other arguments are Hydra overrides
(`behavior=default`, `mitigation=none,records_kept,...`; `none` is added to a `mitigation=` list without it).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import mitigation as mit
from analysis.load import SweepTable, load_sweep
from analysis.stats import agents_behind, interval_text, spread_carries
from analysis.style import save_figure
from experiments import design
from experiments.common import behavior_record, figures_folder, run_sweep, runs_fingerprint, update_manifest
from sim import __version__
from sim.config.mitigations import mitigation_names
from sim.config.paths import ROOT
from sim.launch.yaml_check import exit_on_malformed_yaml
from sim.results.outputs import SCENARIO
from sim.results.provenance import model_fingerprint, write_atomic

NAME = "mitigation"
KEY = "mitigation"


@dataclass(frozen=True)
class Size:
    """What a size changes in the sweep of conf/experiment/mitigation.yaml; None: the sweep's own."""

    seeds: int | None = None  # seeds 0..seeds-1
    people: int | None = None  # population.n_people
    weeks: int | None = None
    mitigations: tuple[str, ...] | None = None  # the mitigations swept (`none` among them)


FULL = design.load_size(NAME, Size, "full")  # conf/experiment/sizes/mitigation.yaml
TINY = design.load_size(NAME, Size, "tiny")


@dataclass
class MitigationResult:
    sweep_dir: Path
    sweep: SweepTable
    runs: pd.DataFrame  # one row per run: mitigation, seed, summary metrics (`m.`), provenance (`p.`)
    seeds: pd.DataFrame  # per mitigation x seed x metric
    table: pd.DataFrame  # per mitigation x metric, over seeds
    files: dict[str, list[Path]] = field(default_factory=dict)
    wall_s: float = 0.0


def parse_args(argv: Sequence[str] | None) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(
        prog=f"python -m experiments.{NAME}",
        description=__doc__.splitlines()[0] + " Other arguments are Hydra overrides.",
    )
    design.add_options(
        parser, "tiny", "seeds", "people", "weeks", "figures", "sweep_dir", "force_new",
        tiny=f"a check in seconds: {TINY}, one process", seeds="seeds 0..N-1 (default: the YAML's, 6)",
        people="population.n_people (default: the YAML's)", weeks="weeks (default: 156)",
        figures="folder for the table and figure (default: a new folder in the sweep folder, <sweep>/figures)",
        sweep_dir=f"sweep folder (default: multirun/{NAME})",
        force_new="a folder holding another sweep: write beside it",
    )  # fmt: skip
    parser.add_argument(
        "--conf",
        type=Path,
        default=None,
        help="your own folder laid out like conf/: its mitigation/<name>.yaml files join the shipped ones "
        "(added to Hydra's search path; run them with mitigation=none,<name>,...)",
    )
    args, overrides = parser.parse_known_args(argv)
    if args.conf is not None and not (args.conf / KEY).is_dir():
        parser.error(f"--conf {args.conf}: no folder {args.conf / KEY} (put your mitigations there, one YAML each)")
    if args.conf is not None:
        clash = sorted(set(mitigation_names([args.conf / KEY])) & set(mitigation_names()))
        if clash:
            taken = ", ".join(clash)
            parser.error(f"--conf {args.conf}: {taken} already named in conf/{KEY}/; give yours another name")
    if args.seeds is not None and args.seeds < 2:
        parser.error("--seeds must be at least 2 (an interval needs two runs)")
    return args, overrides


def sweep_overrides(args: argparse.Namespace, overrides: Sequence[str]) -> list[str]:
    """The Hydra overrides of the sweep: the size's (`--tiny`, then `--seeds`, `--people`, `--weeks`), then the
    user's; `none` always among the mitigations. A bad size raises ConfigError."""
    tiny = design.wants_tiny(args)
    size = design.load_size(
        NAME, Size, "tiny" if tiny else "full", seeds=args.seeds, people=args.people, weeks=args.weeks
    )
    out = []
    if size.seeds is not None:
        out.append(f"seed=range(0,{size.seeds})")
    if size.people is not None:
        out.append(f"population.n_people={size.people}")
    if size.weeks is not None:
        out.append(f"weeks={size.weeks}")
    if args.conf is not None:
        out.append(f"hydra.searchpath=[file://{args.conf.resolve()}]")
    if tiny and not any(o.startswith("hydra/launcher=") for o in overrides):
        out.append("hydra/launcher=basic")  # tiny runs: one process is faster than starting workers
    if size.mitigations and not any(o.startswith(f"{KEY}=") for o in overrides):
        out.append(f"{KEY}={','.join(size.mitigations)}")
    for item in overrides:
        key, sep, value = item.partition("=")
        if sep and key == KEY and mit.NONE not in value.split(","):
            item = f"{KEY}={mit.NONE},{value}"
        out.append(item)
    return out


def eligible_final(sweep: SweepTable, runs: pd.DataFrame) -> pd.Series:
    """Eligible people (weighted) in the final week of each seed's run without mitigation, indexed by seed."""
    t = sweep.table
    last = t[(t["arm"] == SCENARIO) & (t["week"] == t["week"].max())]
    per_run = last.groupby("run")["eligible"].sum()
    none = runs[runs[KEY] == mit.NONE]
    return pd.Series(per_run.loc[none["run"]].to_numpy(), index=none["seed"].to_numpy(), name="eligible")


def fewest_agents(sweep: SweepTable) -> dict[str, int]:
    """The fewest eligible agents in any run's final week, per segment the table reports on."""
    return {
        s: int(agents_behind(sweep.table, [], s)["eligible_agents"].iloc[0])
        for s in (mit.ALL_SEGMENT, mit.CHILD_SEGMENT)
    }


def _carries(behavior: dict) -> str:
    words = spread_carries(behavior["calibrated"], behavior["transfer_uncertain"])
    drawn = behavior["calibrated"] or behavior["transfer_uncertain"]
    return f"{words} (the same draws with and without each mitigation)" if drawn else words


def _note(behavior: dict, seeds: int, people: int, weeks: int, agents: dict[str, int], carries: str) -> str:
    model = (
        f"Calibrated model (behavior=posterior: {', '.join(behavior['posterior_file'])})"
        if behavior["calibrated"]
        else "Behaviour at assumed defaults (behavior=default), NOT calibrated"
    )
    return (
        f"{model}; {seeds} seeds x {people:,} people, {weeks} weeks; every mitigation on the same seeds as the "
        f"directive without mitigation. Behind each number: at least {agents[mit.ALL_SEGMENT]:,} eligible agents "
        f"(the fewest in any run's final week; {agents[mit.CHILD_SEGMENT]:,} citizens in mixed-status households "
        f"behind the children). The spread over seeds carries {carries}."
    )


def _write(df: pd.DataFrame, path: Path) -> Path:
    write_atomic(path, lambda tmp: df.to_csv(tmp, index=False, float_format="%.6g"))
    return path


def main(argv: Sequence[str] | None = None) -> MitigationResult:
    args, user = parse_args(argv)
    exit_on_malformed_yaml([*user, *([f"--config-dir={args.conf}"] if args.conf is not None else [])])
    with design.exit_on_bad_input(NAME):
        overrides = sweep_overrides(args, user)
    default_dir = ROOT / "multirun" / (f"{NAME}_tiny" if design.wants_tiny(args) else NAME)
    start = time.perf_counter()
    folder = run_sweep(NAME, overrides, (args.sweep_dir or default_dir).resolve(), force_new=args.force_new)
    sweep = load_sweep(folder)
    runs = sweep.runs.sort_values("run").assign(seed=lambda d: d["p.seed"].astype(int))
    order = list(dict.fromkeys(runs[KEY]))
    behavior = behavior_record(runs)
    carries = _carries(behavior)
    agents = fewest_agents(sweep)
    seeds = mit.per_seed(runs, eligible_final(sweep, runs))
    folders = ([args.conf.resolve() / KEY] if args.conf is not None else []) + [mit.MITIGATION_DIR]
    table = mit.mitigation_table(seeds, order, interval_text(carries), agents, folders)
    n_seeds, people, weeks = runs["seed"].nunique(), int(runs["p.n_people"].iloc[0]), int(runs["p.weeks"].iloc[0])
    wall = time.perf_counter() - start
    size = {
        "seeds": n_seeds,
        "people": people,
        "weeks": weeks,
        "behavior": "posterior" if behavior["calibrated"] else "default",
    }
    stamp = {"version": __version__, **model_fingerprint()}
    out = figures_folder(args.figures, folder / "figures")  # with the sweep it was made from
    out.mkdir(parents=True, exist_ok=True)
    files = {
        NAME: [
            _write(table.assign(**size, **stamp), out / f"{NAME}.csv"),
            _write(seeds.assign(unit=seeds["metric"].map(mit.METRICS)), out / f"{NAME}_seeds.csv"),
        ]
    }
    fig = mit.figure(table, _note(behavior, n_seeds, people, weeks, agents, carries))
    files[f"{NAME}_main"] = save_figure(fig, out / f"{NAME}_main")
    entry = {
        "experiment": NAME,
        "runs": len(runs),
        "mitigations": [m for m in order if m != mit.NONE],
        "config_hashes": sorted(set(runs["p.config_hash"])),
        "seeds": sorted(int(s) for s in runs["seed"].unique()),
        "people": people,
        "weeks": weeks,
        "behavior": behavior,
        **runs_fingerprint(runs),  # the runs' code; the commit below is the process's that wrote the files
        "version": __version__,
        "git_commit": stamp["git_commit"],
        "runtime_s": round(wall, 1),
    }
    update_manifest(out, {stem: {**entry, "files": [p.name for p in paths]} for stem, paths in files.items()})
    print(summary_text(table))
    print(f"\n[{NAME}] sweep: {folder}")
    print(f"[{NAME}] figures: {out}")
    for stem, paths in files.items():
        print(f"[{NAME}] {stem}: {', '.join(str(p) for p in paths)}")
    print(f"[{NAME}] {wall:.0f} s")
    return MitigationResult(folder, sweep, runs, seeds, table, files, wall)


def summary_text(table: pd.DataFrame) -> str:
    """The table in a few columns: per mitigation, mean [95% CI] {90% predictive interval} of four metrics."""
    shown = {
        mit.MAIN_METRIC: ("people/100k", "{:,.0f}"),
        "uptake_recovered_mean_pp": ("pp, mean over weeks", "{:.2f}"),
        "benefits_kept_usd_per_100k_eligible": ("USD/100k", "{:,.0f}"),
        "citizen_children_kept_per_100k_eligible": ("children/100k", "{:,.0f}"),
    }
    lines = ["Recovered against the directive without mitigation, same seed: mean [95% CI] {90% predictive}"]
    for name, g in table.groupby("mitigation", sort=False):
        cells = []
        for metric, (unit, fmt) in shown.items():
            r = g[g["metric"] == metric]
            if r.empty:
                continue
            r = r.iloc[0]
            vals = [
                fmt.format(r[c]) if np.isfinite(r[c]) else "-" for c in ("mean", "ci_lo", "ci_hi", "pi_lo", "pi_hi")
            ]
            cells.append(f"{vals[0]} [{vals[1]}, {vals[2]}] {{{vals[3]}, {vals[4]}}} {unit}")
        lines.append(f"  {name:<24} " + "; ".join(cells))
    if len(table):
        lines.append(f"  ({table['interval'].iloc[0]})")
    return "\n".join(lines)


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
