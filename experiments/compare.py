"""Compare any two scenarios on the same seeds, with both kinds of interval.

    python -m experiments.compare --a appointment_disclosure --b injunction [--seeds 10] [--jobs 2]
        [--out outputs/compare] [key=value ...] [a:key=value ...] [b:key=value ...]

Each scenario is a regime (a file in conf/policy/) plus overrides. An
override `key=value` reaches both scenarios; `a:key=value` or `b:key=value`
reaches one only, so one regime can be compared with itself under a changed
lever (for example `--a appointment_disclosure --b appointment_disclosure
b:policy.remote_share.eligibility=0.9`). Before running, the command prints
which overrides reach which scenario.

For every seed both scenarios run on that seed (same people, same network,
same random numbers wherever the scenarios agree), each through
`sim.launch.simulate.run_config`, exactly as `python -m sim.run` would run it. The
difference B minus A is taken seed by seed. The table gives, per metric, by
the rule of every interval in the figures (`analysis.stats.mean_intervals`):

- `mean`, `ci_lo`, `ci_hi`: the mean difference and the 95% confidence
  interval of that mean (t over seeds): how sure we are of the average
  difference. It narrows with more seeds.
- `pi_lo`, `pi_hi`: the 90% predictive interval, the 5th to 95th percentile
  of the per-seed differences: where the difference of one run falls, the
  spread of outcomes. It does not narrow with more seeds; with few seeds it
  cannot reach beyond the runs (`runs_min`, `runs_max`), so read `n`. With
  behaviour at its defaults it carries chance only; with `behavior=posterior`
  each seed draws its own parameters, and it carries parameter uncertainty as
  well.

The `interval` column says which pair is which and what they carry.

Writes `<out>/<a>_vs_<b>_<key>.csv` (the table) and `<out>/<a>_vs_<b>_<key>_runs.csv`
(every run's metrics), with the overrides, seeds, config hashes, version, commit, `dirty` and `source_sha`.
The key is a short hash of each scenario's overrides and the seeds, so another comparison of the same two
regimes gets files of its own. The same comparison made earlier by the same code is shown again, not rerun;
one made by another source (another `source_sha`) is refused with exit 4, naming the file: give another
`--out`. Every run's config is composed and validated before the first runs (a bad one: one line, exit 2,
nothing written); the runs done so far are kept in `<out>/<a>_vs_<b>_<key>.checkpoint.jsonl` until the table is
written, so the same command goes on after a stop. Defaults of `--seeds` and `--jobs`:
conf/experiment/sizes/compare.yaml.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from hydra.errors import HydraException
from omegaconf.errors import OmegaConfBaseException

from analysis.stats import CI_LEVEL, INTERVAL_COLUMNS, PI_LEVEL, interval_text, mean_intervals, spread_carries
from experiments import design
from sim import __version__
from sim.config.paths import ROOT, regimes
from sim.launch.yaml_check import exit_on_malformed_yaml
from sim.results.provenance import model_fingerprint, write_atomic

EXIT_OTHER_MODEL = (
    4  # as a sweep or run folder holding results of another model (sim.launch.sweeps, sim.launch.callbacks)
)


@dataclass(frozen=True)
class Size:
    seeds: int  # seeds 0..seeds-1, each run in both scenarios
    n_jobs: int


FULL = design.load_size("compare", Size, "full")  # conf/experiment/sizes/compare.yaml

# metric of summary.json -> (column of the comparison, unit); differences are B minus A
METRICS = {
    "uptake_final": ("uptake_final_diff_pp", "pp (B minus A, final week)", 100.0),
    "uptake_mean": ("uptake_mean_diff_pp", "pp (B minus A, mean over weeks)", 100.0),
    "benefits_forgone_usd": ("benefits_forgone_diff_usd", "USD (B minus A, whole run, weighted)", 1.0),
    "appointments_missed": ("appointments_missed_diff", "appointments (B minus A, weighted)", 1.0),
    "benefit_appointments_missed": ("benefit_appointments_missed_diff", "appointments (B minus A, weighted)", 1.0),
    "citizen_children_without_benefit": ("citizen_children_without_benefit_diff", "children (B minus A)", 1.0),
    "encounters": ("encounters_at_agency_diff", "encounters (B minus A, weighted)", 1.0),
    "arrests": ("community_arrests_diff", "arrests (B minus A, weighted)", 1.0),
}


def split_overrides(overrides: Sequence[str]) -> dict[str, list[str]]:
    """`key=value` reaches both scenarios, `a:key=value` / `b:key=value` one only; anything else is an error."""
    arms: dict[str, list[str]] = {"a": [], "b": []}
    for item in overrides:
        scope, sep, rest = item.partition(":")
        scoped = sep and "=" not in scope  # a colon before the first "=" names a scenario
        if scoped and scope in arms and "=" in rest:
            arms[scope].append(rest)
        elif not scoped and "=" in item:
            arms["a"].append(item)
            arms["b"].append(item)
        else:
            raise ValueError(f"override {item!r}: expected key=value, a:key=value or b:key=value")
    return arms


def _config(regime: str, overrides: list[str], seed: int):
    from sim.config.compose import default_config

    pairs = dict(o.split("=", 1) for o in overrides)
    return default_config(regime, **{**pairs, "seed": seed, "paired": False})


def _with_seed(cfg, seed: int):
    """`cfg` on `seed`, validated and its memory checked (the seed's run composes the same config)."""
    from sim.config import validate
    from sim.model.build.resources import check_resources

    cfg = copy.deepcopy(cfg)
    cfg.seed = seed
    return check_resources(validate(cfg))


def _run(args: tuple[str, list[str], int]) -> dict:
    from sim.launch.simulate import run_config

    regime, overrides, seed = args
    summary = run_config(_config(regime, overrides, seed), warn=False).summary
    m, prov = summary["metrics"], summary["provenance"]
    return {"seed": seed, "config_hash": prov["config_hash"], **{k: m[k] for k in METRICS}}


def _carries(drawn: dict[str, tuple[bool, bool]]) -> str:
    """What the spread over seeds carries, given what each scenario draws per seed (posterior, transfer)."""
    if drawn["a"] == drawn["b"]:
        carries = spread_carries(*drawn["a"])
        return carries if not any(drawn["a"]) else f"{carries} (the same draws in A and B)"
    return f"A: {spread_carries(*drawn['a'])}; B: {spread_carries(*drawn['b'])}"


def interval_table(runs: pd.DataFrame, carries: str = "") -> pd.DataFrame:
    """Per metric: mean of B minus A over seeds, its confidence interval and the predictive interval, n.

    Both intervals are `analysis.stats.mean_intervals`' (95% CI of the mean, 90% predictive interval);
    `carries` (what the spread over seeds carries) goes into the `interval` column.
    """
    a, b = runs[runs["scenario"] == "a"].set_index("seed"), runs[runs["scenario"] == "b"].set_index("seed")
    rows = []
    for metric, (column, unit, scale) in METRICS.items():
        diff = (scale * (b[metric].astype(float) - a[metric].astype(float))).dropna()
        row = mean_intervals(diff.rename("diff").to_frame(), [], "diff").iloc[0]
        rows.append(
            {
                "metric": column,
                "unit": unit,
                "mean": float(row["mean"]),
                **{c: float(row[c]) for c in INTERVAL_COLUMNS},
                "runs_min": float(diff.min()),
                "runs_max": float(diff.max()),
                "n": int(row["n"]),
            }
        )
    return pd.DataFrame(rows).assign(interval=interval_text(carries or spread_carries(False)))


def compare(a: str, b: str, overrides: Sequence[str], seeds: int, jobs: int, out: Path) -> pd.DataFrame:
    """Run both scenarios on seeds 0..seeds-1, write the runs and the interval table, and return the table."""
    known = regimes()
    for name in (a, b):
        if name not in known:
            raise ValueError(f"scenario {name!r}: not a regime in conf/policy/ (one of {', '.join(known)})")
    arms = split_overrides(overrides)
    labels = {"a": a, "b": b}
    for arm in ("a", "b"):
        print(f"[compare] {arm.upper()} = {labels[arm]} with {' '.join(arms[arm]) or 'no overrides'}")
    drawn = {}
    for arm in ("a", "b"):  # every job checked before any runs: a config that cannot run stops here
        composed = _config(labels[arm], arms[arm], 0)
        design.check_points([(composed, seed) for seed in range(seeds)], _with_seed, f"scenario {arm.upper()} seed")
        drawn[arm] = (bool(composed.behavior.posterior_file), bool(composed.behavior.transfer_uncertain))
    stem = output_stem(a, b, arms, seeds)
    table_file, runs_file = out / f"{stem}.csv", out / f"{stem}_runs.csv"
    made = made_before(table_file, runs_file)
    if made is not None:
        print(
            f"[compare] {table_file} already holds this comparison, made by this code; nothing was rerun or rewritten"
        )
        return made
    jobs_list = [(arm, labels[arm], arms[arm], seed) for seed in range(seeds) for arm in ("a", "b")]
    checkpoint = out / f"{stem}.checkpoint.jsonl"
    results = design.run_points(_run, [((r, o, s),) for _, r, o, s in jobs_list], jobs, checkpoint)
    runs = pd.DataFrame(
        [
            {"scenario": arm, "regime": r, "overrides": " ".join(o), **res}
            for (arm, r, o, _), res in zip(jobs_list, results, strict=True)
        ]
    )
    table = interval_table(runs, _carries(drawn))
    overrides_text = {f"{arm}_overrides": " ".join(arms[arm]) for arm in ("a", "b")}
    table = table.assign(a=a, b=b, **overrides_text, seeds=seeds, version=__version__, **model_fingerprint())
    out.mkdir(parents=True, exist_ok=True)
    write_atomic(runs_file, lambda tmp: runs.to_csv(tmp, index=False))
    write_atomic(table_file, lambda tmp: table.to_csv(tmp, index=False, float_format="%.6g"))
    checkpoint.unlink(missing_ok=True)
    return table


def output_stem(a: str, b: str, arms: dict[str, list[str]], seeds: int) -> str:
    """`<a>_vs_<b>_<key>`: the key is a short hash of each scenario's overrides and the seeds, so a comparison of
    the same two regimes with other overrides or seeds gets a file of its own and replaces none."""
    made_of = json.dumps({"a": arms["a"], "b": arms["b"], "seeds": seeds}, sort_keys=True)
    return f"{a}_vs_{b}_{hashlib.sha256(made_of.encode()).hexdigest()[:8]}"


class OtherModel(Exception):
    """The comparison's file exists, made by other code: it is neither reused nor replaced (exit 4)."""


def made_before(table_file: Path, runs_file: Path) -> pd.DataFrame | None:
    """The table of this same comparison made earlier by this same code (reused), or None when there is none.

    The file's name holds the overrides and seeds (`output_stem`); one made by another source is refused
    (OtherModel), so that results of other code are neither passed off as current nor overwritten.
    """
    if not table_file.exists():
        return None
    try:
        table = pd.read_csv(table_file)
        made_by = str(table["source_sha"].iloc[0])
    except (OSError, ValueError, KeyError, IndexError, pd.errors.ParserError):
        made_by = "?"
        table = None
    now = model_fingerprint()["source_sha"]
    if table is None or made_by != now or not runs_file.exists():
        raise OtherModel(
            f"{table_file} holds this comparison made by another model (source {made_by}; the model now is source "
            f"{now}) or incomplete; refused, so that it is neither reused nor overwritten: give another --out"
        )
    return table


def format_table(table: pd.DataFrame) -> str:
    lines = [
        f"B minus A: mean over seeds, {CI_LEVEL:.0%} CI of the mean, and the {PI_LEVEL:.0%} predictive interval "
        "(5th to 95th percentile of the per-seed differences: where one run falls):"
    ]
    for _, r in table.iterrows():
        lines.append(
            f"  {r['metric']:<40} {r['mean']:>12,.3f}  CI [{r['ci_lo']:,.3f}, {r['ci_hi']:,.3f}]  "
            f"predictive [{r['pi_lo']:,.3f}, {r['pi_hi']:,.3f}]  n={r['n']}  ({r['unit']})"
        )
    if len(table):
        lines.append(f"  ({table['interval'].iloc[0]})")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(prog="python -m experiments.compare", description=__doc__.splitlines()[0])
    parser.add_argument("--a", required=True, help="scenario A: a regime in conf/policy/")
    parser.add_argument("--b", required=True, help="scenario B: a regime in conf/policy/")
    design.add_options(
        parser, "seeds", "jobs", seeds=f"seeds 0..N-1, each run in both scenarios (default {FULL.seeds})",
        jobs=f"runs in parallel (default {FULL.n_jobs})",
    )  # fmt: skip
    parser.add_argument("--out", type=Path, default=ROOT / "outputs" / "compare", help="folder for the CSVs")
    args, overrides = parser.parse_known_args(argv)
    if args.seeds is not None and args.seeds < 2:
        parser.error("--seeds must be at least 2 (an interval needs two runs)")
    exit_on_malformed_yaml([])  # a broken file of conf/ named in one line, before any config is composed
    try:
        size = design.load_size("compare", Size, "full", seeds=args.seeds, n_jobs=args.jobs)
        table = compare(args.a, args.b, overrides, size.seeds, size.n_jobs, args.out)
    except (ValueError, HydraException, OmegaConfBaseException) as err:  # cannot run: named, nothing written
        print(f"uptake-sim: {str(err).splitlines()[0]}", file=sys.stderr)
        sys.exit(2)
    except OtherModel as err:
        print(f"uptake-sim: {err}", file=sys.stderr)
        sys.exit(EXIT_OTHER_MODEL)
    print(format_table(table))
    stem = output_stem(args.a, args.b, split_overrides(overrides), size.seeds)
    print(f"\nTable: {args.out / f'{stem}.csv'}")
    return table


if __name__ == "__main__":
    main()
