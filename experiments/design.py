"""What every experiment shares, written once: its sizes, its command-line options and seeds, the paired
evaluator, and how the points of a design are checked, run in parallel and checkpointed.

An experiment is a design: a list of points (what makes a config, and a seed), each evaluated by one function.

- Sizes. Each experiment's named sizes (`full`, `tiny`, ...) are in conf/experiment/sizes/<name>.yaml, read into
  the experiment's `Size` dataclass (`load_size`); `--tiny` (or `UPTAKE_TINY=1`) picks `tiny`. A Hydra sweep's
  full size is its own file, conf/experiment/<name>.yaml. The size files sit in a folder of their own so that
  `python -m sim.run --help` does not list them among the sweeps (and, as every file of conf/, they are part of
  the source fingerprint, `sim.source`).
- Options. `add_options` adds the options experiments share (`--tiny`, `--seed`, `--seeds`, `--jobs`, `--figures`,
  `--out`, `--plan`, ...), each spelled and defaulted one way.
- Seeds. `spawn_seeds` gives each random part of an experiment its own seed from one SeedSequence.
- The paired evaluator. `paired` runs a config's model and then its paired counterpart's (the firewall run) on
  one population and seed, measuring each as the caller asks (`paired_tables`: the weekly tables;
  `experiments.survey.track_pair`: the survey's records); `paired_losses` measures the loss between them.
- Checks. `check_points` configures (and so validates) every point before the first one runs: a bad point
  stops the experiment with one line naming the field, its value and what it allows, exit status 2, and
  nothing written (`exit_on_bad_input`).
- Runs. `run_points` evaluates the points over one joblib pool, in chunks; with a checkpoint file, the points
  finished are appended to it after each chunk, and the same command after a stop runs only the rest
  (`Checkpoint`). A point is found again by a hash of what it is (the function, its arguments, the model's
  source fingerprint), never by its place in a list, so a changed design reuses nothing it should not.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import importlib
import json
import os
import sys
import time
import typing
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from sim.config import ConfigError
from sim.config.paths import CONF_DIR, ROOT
from sim.launch.errors import EXIT_INVALID
from sim.launch.sweeps.words import FORCE_NEW_FLAG

SIZES_DIR = CONF_DIR / "experiment" / "sizes"
TINY_ENV = "UPTAKE_TINY"  # set (and not 0): every experiment runs at its `tiny` size, as --tiny does
CHUNK = 50  # points between two saves of the checkpoint
T = TypeVar("T")


# ------------------------------------------------------------------ sizes


def sizes(name: str) -> dict[str, dict[str, Any]]:
    """The named sizes of an experiment, as its YAML file holds them."""
    import yaml

    path = SIZES_DIR / f"{name}.yaml"
    data = yaml.safe_load(path.read_text()) or {}
    if not isinstance(data, dict) or not all(isinstance(v, dict | None) for v in data.values()):
        raise ConfigError(str(path.relative_to(ROOT)), data, "must map each size's name to its fields")
    return {k: dict(v or {}) for k, v in data.items()}


def load_size(name: str, cls: type[T], which: str = "full", **changes: Any) -> T:
    """The size `which` of experiment `name` as a `cls`, with `changes` (None: left as the file says), checked.

    Each field must be of its annotated type; a count (an `int` field) at least 1, an optional one (`int | None`,
    such as a start week) None or at least 0. A wrong one raises ConfigError naming the size and field.
    """
    known = sizes(name)
    if which not in known:
        raise ConfigError(f"{name} size", which, f"allowed: {', '.join(known)} (conf/experiment/sizes/{name}.yaml)")
    values = {**known[which], **{k: v for k, v in changes.items() if v is not None}}
    hints = typing.get_type_hints(cls)
    out = {}
    for key, value in values.items():
        where = f"{name}.{which}.{key}"
        if key not in hints:
            raise ConfigError(where, value, f"not a size field; allowed: {', '.join(hints)}")
        out[key] = _size_value(where, value, hints[key])
    return cls(**out)


def _size_value(where: str, value: Any, hint: Any) -> Any:
    args = typing.get_args(hint)
    optional = type(None) in args
    inner = next((a for a in args if a is not type(None)), hint) if optional else hint
    if value is None and optional:
        return None
    if inner is int:
        least = 0 if optional else 1
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ConfigError(where, value, f"must be an integer >= {least}" + (", or null" if optional else ""))
        return value
    if typing.get_origin(inner) is tuple:
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise ConfigError(where, value, "must be a list of names")
        return tuple(value)
    if inner is float and not isinstance(value, bool) and isinstance(value, int | float):
        return float(value)
    raise ConfigError(where, value, f"must be {getattr(inner, '__name__', inner)}")


def wants_tiny(args: argparse.Namespace) -> bool:
    """`--tiny`, or `UPTAKE_TINY` set (not to 0) in the environment."""
    return bool(getattr(args, "tiny", False)) or os.environ.get(TINY_ENV, "") not in ("", "0")


# ------------------------------------------------------------------ options

OPTIONS: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {
    "tiny": (("--tiny",), {"action": "store_true", "help": "CI size (conf/experiment/sizes/<name>.yaml: tiny)"}),
    "seed": (("--seed",), {"type": int, "default": 0, "help": "the seed every random part is drawn from"}),
    "seeds": (("--seeds",), {"type": int, "default": None, "help": "seeds 0..N-1 (default: the size's)"}),
    "people": (("--people",), {"type": int, "default": None, "help": "people per run (default: the size's)"}),
    "weeks": (("--weeks",), {"type": int, "default": None, "help": "weeks per run (default: the size's)"}),
    "jobs": (("--jobs",), {"type": int, "default": None, "help": "worker processes (default: the size's)"}),
    "figures": (
        ("--figures",),
        {"type": Path, "default": None, "help": "tables, figures and summary (default: --out; figures/ when named)"},
    ),
    "out": (("--out",), {"type": Path, "default": None, "help": "output folder (default: a new folder)"}),
    "plan": (("--plan",), {"action": "store_true", "help": "print the size and projected time, run nothing"}),
    "sweep_dir": (("--sweep-dir",), {"type": Path, "default": None, "help": "sweep folder (default: multirun/<name>)"}),
    "force_new": (
        (FORCE_NEW_FLAG,),
        {
            "action": "store_true",
            "help": "if the sweep folder holds another sweep, write this one beside it (<folder>-2, -3, ...: the "
            "first free or already holding this sweep) instead of refusing",
        },
    ),
}


def add_options(parser: argparse.ArgumentParser, *names: str, **helps: str) -> argparse.ArgumentParser:
    """Add the shared options `names` (keys of OPTIONS), each with its help replaced where `helps` names it."""
    for name in names:
        flags, kwargs = OPTIONS[name]
        parser.add_argument(*flags, **{**kwargs, **({"help": helps[name]} if name in helps else {})})
    return parser


def output_folder(name: str, given: Path | None, tiny: bool) -> Path:
    """`given`, or a new folder of this call's own, outputs/<name>/[tiny_]<date_time>: nothing an earlier call
    wrote is replaced."""
    from experiments.common import own_folder

    stamp = time.strftime("%Y-%m-%d_%H-%M-%S")
    return given or own_folder(ROOT / "outputs" / name / (("tiny_" if tiny else "") + stamp))


def command_line(name: str, argv: Sequence[str] | None) -> str:
    """The command as a user in the project would type it: no machine's own path in a committed file."""
    words = argv if argv is not None else sys.argv[1:]
    return f"python -m experiments.{name} " + " ".join(str(w).replace(f"{ROOT}/", "") for w in words)


@contextmanager
def exit_on_bad_input(name: str) -> Iterator[None]:
    """A ConfigError (a bad size, option or point) or a missing input file ends the command with one line on
    stderr and exit status 2; nothing has been run or written, as every point is checked first."""
    try:
        yield
    except (ConfigError, FileNotFoundError) as err:
        message = str(err).splitlines()[0] if str(err) else repr(err)
        print(f"experiments.{name}: {message}; nothing was run or written", file=sys.stderr)
        raise SystemExit(EXIT_INVALID) from None


# ------------------------------------------------------------------ seeds


def spawn_seeds(seed: int, names: Sequence[str]) -> dict[str, int]:
    """One seed per name, each from its own child of `seed`'s SeedSequence (the order of `names` matters)."""
    children = np.random.SeedSequence(seed).spawn(len(names))
    return {k: int(s.generate_state(1)[0]) for k, s in zip(names, children, strict=True)}


def seed_text(seeds: Sequence[int]) -> str:
    """`0-59` for a run of consecutive seeds, else the list."""
    seeds = list(seeds)
    if seeds and seeds == list(range(seeds[0], seeds[0] + len(seeds))):
        return f"{seeds[0]}-{seeds[-1]}" if len(seeds) > 1 else str(seeds[0])
    return " ".join(map(str, seeds))


# ------------------------------------------------------------------ the paired evaluator

LAST_YEAR = 52  # weeks of the last-year means
MIXED_CHILD_GROUP = "citizen.mixed_status"


def paired(cfg: Any, measure: Callable[[Any], T], collect: bool = True) -> tuple[T, T]:
    """`measure` of the model of `cfg`, then of its paired counterpart's (the baseline regime, on the same seed),
    which reuses the first's population, network and starting beliefs: common random numbers. `measure` runs a
    model to its horizon and returns what the caller reads; `collect`: `UptakeModel`'s."""
    from sim.launch.simulate import paired_counterpart
    from sim.model.engine.week import UptakeModel

    model = UptakeModel(cfg, collect=collect)
    first = measure(model)
    return first, measure(UptakeModel(paired_counterpart(cfg), like=model, collect=collect))


def weekly_table(model: Any) -> Any:
    """Run `model` to its horizon; its weekly table (`sim.results.outcomes.timeseries_frame`)."""
    from sim.results.outcomes import timeseries_frame

    model.run()
    return timeseries_frame(model)


def paired_tables(cfg: Any) -> tuple[Any, Any]:
    """The weekly tables of `cfg` and of its paired counterpart (`sim.launch.simulate.simulate` without the
    metrics the experiments do not read)."""
    return paired(cfg, weekly_table)


def _pooled(df: Any, group: str, weeks: int) -> float:
    g = df[df["group"].str.startswith(group) & (df["week"] >= weeks)]
    return float(g["receiving"].sum() / g["eligible"].sum()) if g["eligible"].sum() > 0 else float("nan")


def losses(ts: Any, base: Any) -> dict[str, float]:
    """A run's losses against its paired run, as `sim.results.metrics.paired_metrics` computes them (pp): the
    final week's, the mean of the last 52 weeks (all weeks when the horizon is shorter), and that of citizens in
    mixed-status households pooled over the last 52 weeks."""
    from sim.results.outcomes import uptake_series

    loss = 100.0 * (uptake_series(base) - uptake_series(ts))
    first = int(ts["week"].max()) + 1 - LAST_YEAR
    return {
        "uptake_loss_final_pp": float(loss.iloc[-1]),
        "uptake_loss_last_year_pp": float(loss.loc[first:].mean()),
        "mixed_child_loss_last_year_pp": 100.0
        * (_pooled(base, MIXED_CHILD_GROUP, first) - _pooled(ts, MIXED_CHILD_GROUP, first)),
    }


def paired_losses(cfg: Any) -> dict[str, float]:
    """`cfg` and its paired counterpart on the same seed (common random numbers): the losses between them."""
    return losses(*paired_tables(cfg))


# ------------------------------------------------------------------ checks


def check_points(points: Sequence[tuple], configure: Callable[..., Any], what: str = "point") -> None:
    """`configure(*point)` (which validates) for every point, before any runs: the first bad one raises
    ConfigError naming the point, the field, its value and what the field allows."""
    for i, point in enumerate(points):
        try:
            configure(*point)
        except ConfigError as err:
            raise ConfigError(f"{what} {i + 1} of {len(points)}: {err.field_name}", err.value, err.allowed) from err


# ------------------------------------------------------------------ runs


def importable(fn: Callable) -> Callable:
    """`fn`, from a module worker processes can import. A module run as a script (`python -m experiments.<name>`)
    is `__main__`, whose functions a worker cannot unpickle by name; the same function of the module imported
    under its own name can be."""
    if fn.__module__ != "__main__":
        return fn
    spec = getattr(sys.modules["__main__"], "__spec__", None)
    return getattr(importlib.import_module(spec.name), fn.__qualname__) if spec is not None else fn


def point_key(fn: Callable, job: Sequence[Any]) -> str:
    """What a point is, as a short hash: the function, its arguments (a size without its worker count, which
    changes no result) and the model's source fingerprint."""
    from sim.source import source_fingerprint

    made_of = [f"{fn.__module__}.{fn.__qualname__}", list(job), source_fingerprint()]
    return hashlib.sha256(json.dumps(made_of, sort_keys=True, default=_plain).encode()).hexdigest()[:20]


def _plain(o: Any) -> Any:
    """JSON for what numpy, dataclasses and paths hold (floats as repr: exact)."""
    if dataclasses.is_dataclass(o) and not isinstance(o, type):
        return {k: v for k, v in dataclasses.asdict(o).items() if k != "n_jobs"}
    if isinstance(o, np.generic | np.ndarray):
        return o.tolist()
    return str(o)


class Checkpoint:
    """The finished points of a design, one JSON line each (`{"key": ..., "result": {...}}`), appended as they
    finish. Floats are written exactly (repr), so a resumed design gives the numbers an unbroken one does. A
    half-written last line (a stop while writing) is ignored."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def load(self) -> dict[str, dict]:
        done: dict[str, dict] = {}
        if not self.path.exists():
            return done
        for line in self.path.read_text().splitlines():
            try:
                item = json.loads(line)
                done[item["key"]] = item["result"]
            except (ValueError, KeyError, TypeError):
                continue
        return done

    def add(self, items: Sequence[tuple[str, dict]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a") as f:
            for key, result in items:
                f.write(json.dumps({"key": key, "result": result}, default=_plain) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


def run_points(
    fn: Callable[..., dict],
    jobs: Sequence[tuple],
    n_jobs: int,
    checkpoint: Path | None = None,
    label: str | None = None,
) -> list[dict]:
    """`fn(*job)` for every job, in order, over `n_jobs` worker processes (one thread each: runs go in parallel,
    not the weeks of one run; the numbers are the same either way).

    With `checkpoint`, finished points are appended there every CHUNK points, and points found there (the same
    function, arguments and model source) are not run again. With `label`, a progress line after each chunk.
    """
    from joblib import Parallel, delayed

    os.environ.setdefault("UPTAKE_SIM_THREADS", "1")
    fn = importable(fn)
    store = Checkpoint(checkpoint) if checkpoint is not None else None
    keys = [point_key(fn, job) for job in jobs] if store is not None else [""] * len(jobs)
    done = store.load() if store is not None else {}
    results: list[dict | None] = [done.get(k) if store is not None else None for k in keys]
    todo = [i for i, r in enumerate(results) if r is None]
    if label and store is not None and len(todo) < len(jobs):
        print(f"[{label}] resuming: {len(jobs) - len(todo)} of {len(jobs)} points saved in {store.path}", flush=True)
    start = time.perf_counter()
    with Parallel(n_jobs=n_jobs) as parallel:
        for lo in range(0, len(todo), CHUNK):
            chunk = todo[lo : lo + CHUNK]
            for i, result in zip(chunk, parallel(delayed(fn)(*jobs[i]) for i in chunk), strict=True):
                results[i] = result
            if store is not None:
                store.add([(keys[i], results[i]) for i in chunk])
            if label:
                finished = len(jobs) - len(todo) + lo + len(chunk)
                print(f"[{label}] {finished}/{len(jobs)} runs, {time.perf_counter() - start:.0f} s", flush=True)
    return typing.cast(list[dict], results)
