"""The points scenario discovery runs: a Latin hypercube over the posterior, the open assumptions and the levers,
each point the directive against its paired firewall run on its own seed.

The posterior's column picks a whole particle by its cumulative weight (the inverse of the weighted empirical
distribution over particles, as `sim.launch.posterior.draw` does with a random number), so the draws are
stratified over the posterior's mass and the fitted parameters keep their joint structure. The assumptions and
the levers are uniform over their declared plausible ranges (whole steps for a whole-number field, 0/1 for a
true/false rule: the lower half of the strata 0, the upper 1). Each run has its own model seed from the seed's
SeedSequence.

The levers are the declarations' (`names_with_role(Role.LEVER)`, in declaration order), so a lever declared later
joins by itself; a week declared "0 to weeks-1" ranges over the run's horizon. Held at the directive's value,
each for the reason `HELD` gives: the rules that define other regimes, the directive's start and a court's
order; left out as not one number: the lists (regions, dated changes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from experiments import points
from experiments.design import load_size, run_points, spawn_seeds
from sim.config import Role
from sim.config.params import declared, names_with_role, plausible
from sim.launch.posterior import WEIGHT, parameter_names

POSTERIOR, ASSUMPTION, LEVER = "posterior", "assumption", "lever"
KINDS = (POSTERIOR, ASSUMPTION, LEVER)
PARTICLE = "posterior_particle"  # the hypercube's posterior column picks this row of the posterior file
SEED_COLUMN = "model_seed"
SEED_NAMES = ("lhs", "model", "trees", "probes")  # the hypercube's, the model seeds', the trees' and the probes'
CHECKPOINT = "runs.checkpoint.jsonl"  # the runs done so far, beside runs.csv: a stopped run resumes from it

OUTREACH_WEEK, RECORDS_KEPT = "policy.outreach_week", "policy.rules.records_kept"
TO_HORIZON = "0 to weeks-1"  # a week's declared plausible range: 0 to the run's last week
# Declared levers discovery holds at the directive's value, and why: it asks where the directive, in force from
# its start, does the most harm.
HELD = {
    "policy.rules.formal_request_required": "defines other regimes (the firewall, formal_agreements and "
    "gc_discretionary require a formality): the directive requires none",
    "policy.rules.routine": "defines another regime (routine_sharing: no request needed, stated disclosure 1)",
    "policy.start_week": "the design's timing, not a lever of the harm: the directive starts at its regime file's "
    "week (the size's start_week), and the loss is measured over the last 52 weeks",
    "policy.injunction_week": "a court's order ends the directive: the reversal experiment's question "
    "(conf/experiment/reversal.yaml), not where the directive in force does harm",
}
NO_EFFECT = {
    "policy.rules.formal_request_share": "cannot move the paired loss: the directive requires no formality, and "
    "the paired firewall run takes its rules from conf/policy/firewall.yaml",
}


@dataclass(frozen=True)
class Size:
    n_runs: int
    n_people: int
    weeks: int
    n_jobs: int
    start_week: int | None = None  # the directive's start; None: its regime file's (week 8)
    trees: int = 250  # extra trees in feature scoring


FULL = load_size("discovery", Size, "full")  # conf/experiment/sizes/discovery.yaml
TINY = load_size("discovery", Size, "tiny")


@dataclass(frozen=True)
class Inputs:
    """What the hypercube samples: the posterior's parameters, the other assumptions and the levers."""

    posterior: tuple[str, ...]
    assumptions: dict[str, tuple[float, float]]
    levers: dict[str, tuple[float, float]]
    skipped: dict[str, str] = field(default_factory=dict)
    integer: tuple[str, ...] = ()  # sampled in whole steps: each of the range's values an equal share
    binary: tuple[str, ...] = ()  # sampled as 0 (the lower half of the strata) or 1 (the upper)

    @property
    def names(self) -> list[str]:
        """Every sampled input, in the runs table's order."""
        return [*self.posterior, *self.assumptions, *self.levers]

    @property
    def columns(self) -> list[str]:
        """The hypercube's columns: one for the posterior particle, then the assumptions and the levers."""
        return [PARTICLE, *self.assumptions, *self.levers]

    def kind(self, name: str) -> str:
        if name in self.posterior:
            return POSTERIOR
        return ASSUMPTION if name in self.assumptions else LEVER

    def range(self, name: str) -> tuple[float, float]:
        """The declared range: the plausible range (the calibration's prior, for the posterior's parameters)."""
        if name in self.assumptions:
            return self.assumptions[name]
        if name in self.levers:
            return self.levers[name]
        return plausible(name)

    def unit(self, name: str) -> str:
        if name in self.binary:
            return f"0 = false, 1 = true ({name.rsplit('.', 1)[-1]})"
        try:
            return declared(name).unit or "-"
        except KeyError:
            return "-"


def levers(size: Size) -> tuple[dict[str, tuple[float, float]], tuple[str, ...], tuple[str, ...], dict[str, str]]:
    """(ranges, whole-number levers, true/false levers, skipped): every declared lever, in declaration order,
    sampled over its plausible range (a true/false one over 0 and 1; a week "0 to weeks-1" over the horizon),
    but those `HELD` and those that are not one number."""
    base = points.base(size)
    ranges: dict[str, tuple[float, float]] = {}
    integer, binary, skipped = [], [], {}
    for path in names_with_role(Role.LEVER):
        value = points.value_at(path, base)
        if path in HELD:
            skipped[path] = HELD[path]
        elif isinstance(value, bool):
            ranges[path] = (0.0, 1.0)
            binary.append(path)
        elif declared(path).plausible == TO_HORIZON:
            ranges[path] = (0.0, float(size.weeks - 1))
        else:
            try:
                lo, hi = plausible(path)
            except ValueError:
                skipped[path] = "not one number (no numeric plausible range)"
                continue
            if not lo < hi:
                skipped[path] = f"plausible range is one value ({lo:g})"
                continue
            ranges[path] = (lo, hi)
        if path in ranges and isinstance(value, int) and not isinstance(value, bool):
            integer.append(path)
    return ranges, tuple(integer), tuple(binary), skipped


def inputs(posterior: pd.DataFrame, size: Size) -> Inputs:
    """The posterior's parameters, every other declared uncertainty with a range, and the declared levers."""
    fitted = tuple(parameter_names(posterior))
    lever_ranges, integer, binary, skipped_levers = levers(size)
    skipped = dict(points.SKIPPED) | skipped_levers
    assumptions = {}
    for name, rng in points.RANGES.items():
        if name in fitted:
            skipped[name] = "from the posterior (one particle per run)"
        elif name in NO_EFFECT:
            skipped[name] = NO_EFFECT[name]
        elif name not in lever_ranges:  # an uncertainty a state's choices also move is sampled as a lever
            assumptions[name] = rng
    return Inputs(fitted, assumptions, lever_ranges, skipped, integer, binary)


def seeds(seed: int) -> dict[str, int]:
    """The hypercube's, the model seeds', the extra trees' and the noise probes' seeds, from one SeedSequence."""
    return spawn_seeds(seed, SEED_NAMES)


def unit_sample(n: int, d: int, seed: int) -> np.ndarray:
    """An n x d Latin hypercube in [0, 1): one point in each of the n strata of every column."""
    from scipy.stats import qmc

    return qmc.LatinHypercube(d=d, rng=np.random.default_rng(seeds(seed)["lhs"])).random(n)


def particles(u: np.ndarray, posterior: pd.DataFrame) -> np.ndarray:
    """The posterior row each u picks: the inverse of the cumulative weight (as `sim.launch.posterior.draw`)."""
    cum = np.cumsum(posterior[WEIGHT].to_numpy(dtype=float))
    return np.minimum(np.searchsorted(cum, u, side="right"), len(posterior) - 1)


def scale(inp: Inputs, name: str, u: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """A column of the unit hypercube mapped onto [lo, hi]: uniform, whole steps, or 0/1."""
    if name in inp.binary:
        return np.floor(2 * u).astype(np.int64)
    if name in inp.integer:
        return np.minimum(lo + np.floor(u * (hi - lo + 1)), hi).astype(np.int64)
    return lo + u * (hi - lo)


def sample(inp: Inputs, posterior: pd.DataFrame, size: Size, seed: int) -> tuple[np.ndarray, pd.DataFrame]:
    """(the unit hypercube, the runs' inputs): run, model seed, posterior particle and every input as run."""
    u = unit_sample(size.n_runs, len(inp.columns), seed)
    table = pd.DataFrame({"run": np.arange(size.n_runs)})
    table[SEED_COLUMN] = np.random.default_rng(seeds(seed)["model"]).integers(0, 2**31 - 1, size.n_runs)
    rows = particles(u[:, 0], posterior)
    table[PARTICLE] = rows
    for name in inp.posterior:
        table[name] = posterior[name].to_numpy(dtype=float)[rows]
    for j, name in enumerate(inp.columns[1:], start=1):
        table[name] = scale(inp, name, u[:, j], *inp.range(name))
    base = points.base(size)
    adjusted = pd.DataFrame([points.admissible(r, base) for r in table[list(inp.assumptions)].to_dict("records")])
    for name in inp.assumptions:
        table[name] = adjusted[name].to_numpy()
    return u, table


def jobs(table: pd.DataFrame, inp: Inputs, size: Size) -> list[tuple[dict, Size, int]]:
    """Each run of the table as `points.evaluate`'s arguments: its inputs, the size, its own model seed."""
    records = table[[*inp.names, SEED_COLUMN]].to_dict("records")
    return [({k: r[k] for k in inp.names}, size, int(r[SEED_COLUMN])) for r in records]


def run(
    table: pd.DataFrame, inp: Inputs, size: Size, progress: bool = False, checkpoint: Path | None = None
) -> pd.DataFrame:
    """Every row of `table` run on its own seed, over `size.n_jobs` worker processes; inputs beside outputs.

    Every point is configured (validated) before `run` is called (`experiments.design.check_points`). With
    `checkpoint`, the runs done so far are saved there, and a stopped run goes on from where it stopped.
    """
    rows = run_points(
        points.evaluate, jobs(table, inp, size), size.n_jobs, checkpoint, "discovery" if progress else None
    )
    return pd.concat([table.reset_index(drop=True), pd.DataFrame(rows)], axis=1)
