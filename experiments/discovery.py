"""Scenario discovery: under which assumptions and levers does the directive do the most harm?

What is sampled. One Latin hypercube (`scipy.stats.qmc.LatinHypercube`, seeded)
over three kinds of input, each run a point of it:

- the posterior (kind `posterior`): one column of the hypercube picks a
  particle of the calibrated posterior by its cumulative weight (the inverse
  of the weighted empirical distribution over particles, as
  `sim.launch.posterior.draw` does with a random number), so the draws are
  stratified over the posterior's mass and each run gets a whole particle:
  the fitted parameters keep their joint structure (a column per parameter
  through its own weighted quantiles would lose their correlations). The runs
  table records the particle and its values, and PRIM sees the values;
- the assumptions the posterior does not pin down (kind `assumption`): every
  other declared uncertainty (`experiments.sensitivity.RANGES`: every field of
  sim/config/__init__.py with role `uncertainty` and a numeric plausible range, the
  derived loss scale and `behavior.announcement_transfer` among them; a field
  declared later joins by itself), uniform over its declared plausible range.
  Left out, with the reason in `SKIPPED`: what sensitivity leaves out (see
  its docstring), the posterior's parameters (drawn above), and
  `policy.rules.formal_request_share`, which cannot move the paired loss (the
  directive requires no formality, and the paired firewall run takes its rules
  from conf/policy/firewall.yaml);
- the levers (kind `lever`), uniform over their declared plausible ranges:
  `policy.rules.disclosure_prob`, `policy.compliance_mean` (declared an
  uncertainty, "oversight is a lever"), `policy.remote_share.<need>` for every
  need, an outreach campaign (`policy.outreach_reach`, starting at
  `policy.outreach_week` in 0 to weeks-1, running `policy.outreach_weeks`),
  `policy.rules.records_kept` (0 or 1, half the strata each) and
  `enforcement.base_presence` (declared an uncertainty with the note
  "scenario": how present ICE is, which a state's choices move).

Each run has its own model seed (from the seed's SeedSequence), so chance is
one more uncertainty, not frozen; the directive and its paired firewall run
share it (common random numbers). Two cross-field rules of validation adjust a
point as in sensitivity (`experiments.sensitivity.admissible`); the runs table
records the values run.

What is measured. The directive's uptake loss against its paired firewall run,
in percentage points: its mean over the last 52 weeks (`uptake_loss_last_year_pp`,
the default outcome), in the final week (`uptake_loss_final_pp`), and for
citizens in mixed-status households (`mixed_child_loss_last_year_pp`).

How. The cases of interest are the runs whose loss exceeds the threshold
(`--threshold-quantile`, default 0.8: the 80th percentile of the runs' losses;
or `--threshold-pp`). Feature scoring (extra trees, EMA Workbench
`get_ex_feature_scores`, seeded) ranks every input by how much it tells the
cases apart (classification) and by how much it explains the loss
(regression), beside 40 columns of uniform noise (probes): the largest score a
probe gets is the noise level. PRIM (EMA Workbench `prim.Prim`, binary mode,
lenient objective, peel and paste alpha 0.05, minimum mass 0.05) then looks
for boxes over the inputs that tell the cases apart better than noise does
(at least 2, at most 20), or over the best `--prim-dims N` (0: every input).
Why not all: with about 90 inputs and some hundreds of runs, PRIM over all of
them peels inputs that carry nothing but noise (each step takes the best of
~180 candidate peels), and the boxes name chance: at 500 runs and full size,
4 inputs stand out and the other 87 score like noise (with 40 probes, about 2
noise inputs are expected above them by chance). Each
restriction carries its quasi-p value (Bryant and Lempert 2010: a one-sided
binomial test of whether lifting it would lower the density; `significant`:
under 0.05); a large one flags a restriction that may be noise. The scoring
and PRIM use the same runs: read the boxes as where the model's harm
concentrates, not as a test.

The box chosen on each peeling trajectory is the one with the largest
coverage among those whose density reaches `--min-density` (default 0.4:
twice the share of cases overall at the default threshold; at full size no
box reaches 0.5, for the top fifth of losses is not confined to one tight
region; ties: fewer restricted dimensions, then the earlier step), or step
`--box N` of the first trajectory. PRIM reports a box
only when its most peeled box reaches `--min-density`; after each box, the
runs in it are set aside and PRIM looks again (covering), up to `--max-boxes`.

    python -m experiments.discovery                 # full: 20,000 people, 156 weeks, 1,000 paired runs
    python -m experiments.discovery --plan          # the full size and its projected time, without running
    python -m experiments.discovery --tiny          # CI size: 40 runs, 1,000 people, 20 weeks, directive at week 0
    python -m experiments.discovery --from-runs outputs/discovery/<stamp>/runs.csv --threshold-pp 1.5
                                                    # PRIM and scoring again on stored runs, another threshold

Writes, in `--figures` (default: the `--out` folder; figures/ only when named, as `make figures` does):
`discovery_boxes.csv` (each box's restricted dimensions, limits, quasi-p,
coverage, density, mass), `discovery_box.{png,pdf,csv}` (the limits against
the ranges), `discovery_peeling.{png,pdf,csv}` (coverage, density, mass and
restricted dimensions of every step), `discovery_feature_scores.{png,pdf,csv}`,
`discovery.json` (seed, model version, commit, `dirty`, `source_sha`, wall time, posterior file,
inputs, threshold, boxes) and MANIFEST.json entries; in `--out` (default: a
new folder outputs/discovery/<stamp>/, also with `--from-runs`): `runs.csv` (every run's inputs, seed, particle
and losses) and a copy of `discovery.json`. While it runs, the runs done so far
are saved every 50 in `runs.partial.csv`: the same command with the same
`--out` (and seed and size) goes on from there after a stop. Needs ema-workbench:
`pip install -e .[discovery]`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
import warnings
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.config import NEEDS
from sim.config.params import declared, plausible
from sim.config.paths import ROOT
from sim.launch.posterior import DEFAULT_POSTERIOR, TRANSFER, WEIGHT, parameter_names, require_posterior

POLICY = "appointment_disclosure"
MISSING_EMA = (
    "scenario discovery needs the EMA Workbench (ema-workbench 2.5.3), which is not installed: "
    "pip install -e .[discovery]"
)

POSTERIOR, ASSUMPTION, LEVER = "posterior", "assumption", "lever"
KINDS = (POSTERIOR, ASSUMPTION, LEVER)
PARTICLE = "posterior_particle"  # the hypercube's posterior column picks this row of the posterior file
SEED_COLUMN = "model_seed"

# The levers and how they are sampled; ranges are the declared plausible ranges, but for the outreach week
# (declared "0 to weeks-1", set from the run's horizon) and record-keeping (0 or 1).
OUTREACH_WEEK, RECORDS_KEPT = "policy.outreach_week", "policy.rules.records_kept"
LEVER_PATHS = (
    "policy.rules.disclosure_prob",
    "policy.compliance_mean",
    *(f"policy.remote_share.{need}" for need in NEEDS),
    "policy.outreach_reach",
    OUTREACH_WEEK,
    "policy.outreach_weeks",
    RECORDS_KEPT,
    "enforcement.base_presence",
)
INTEGER = (OUTREACH_WEEK, "policy.outreach_weeks")  # whole weeks: each of the range's values an equal share
BINARY = (RECORDS_KEPT,)  # 0 (no records) for the lower half of the strata, 1 for the upper
NO_EFFECT = {
    "policy.rules.formal_request_share": "cannot move the paired loss: the directive requires no formality, and "
    "the paired firewall run takes its rules from conf/policy/firewall.yaml",
}

OUTCOMES = {
    "last_year": "uptake_loss_last_year_pp",
    "final": "uptake_loss_final_pp",
}
UNITS = {
    "uptake_loss_last_year_pp": "pp, directive minus paired firewall run, mean of the last 52 weeks (all weeks "
    "when the horizon is shorter), all eligible people",
    "uptake_loss_final_pp": "pp, directive minus paired firewall run, final week, all eligible people",
    "mixed_child_loss_last_year_pp": "pp, citizens in mixed-status households, pooled over the last 52 weeks",
}
SHARE_UNIT = (
    "share: coverage = cases of interest in the box / all cases of interest; density = cases of interest in "
    "the box / runs in the box; mass = runs in the box / runs PRIM looked at"
)
SCORE_UNIT = (
    "share of the extra trees' impurity decrease (each score column sums to 1 over the inputs and the noise probes)"
)
SIGNIFICANT = 0.05  # a restriction's quasi-p value under this: `significant` in the boxes table
PROBE, PROBES = "noise_probe", 40  # uniform noise columns scored beside the inputs: the level a signal must clear
AUTO_DIMS = (2, 20)  # PRIM's inputs by default: those above the noise level, at least 2 and at most 20
BOX_RULE = (
    "largest coverage among the trajectory's boxes with density >= min_density (ties: fewer restricted "
    "dimensions, then the earlier step)"
)


def require_ema() -> None:
    """Fail with the install command when the EMA Workbench is missing."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # its optional evaluators (ipyparallel) and plotting (altair)
            import ema_workbench.analysis.prim  # noqa: F401
    except ImportError as exc:
        raise ModuleNotFoundError(MISSING_EMA) from exc


@dataclass(frozen=True)
class Size:
    n_runs: int
    n_people: int
    weeks: int
    n_jobs: int
    start_week: int | None = None  # the directive's start; None: its regime file's (week 8)
    trees: int = 250  # extra trees in feature scoring


# The full size: the calibration's 20,000 people and the headline's 156 weeks. A paired run there takes about
# 1.1 s of one core idle (sensitivity's measurement over the same ranges) and took 1.65 s (mean; median 1.24 s
# over 16 runs) here in a 500-run discovery on a 2-core machine loaded about 3 times over. 1,000 runs on 2
# workers: 9 min idle, 13-14 min loaded (`--plan`), inside 20 min on 2 cores; 1,000 rather than 500 because the
# losses are skewed and noisy (most of the box shows next to none), and PRIM over ~10 inputs needs the cases.
FULL = Size(n_runs=1000, n_people=20_000, weeks=156, n_jobs=2)
# CI: 40 runs at 1,000 people and 20 weeks, the directive from week 0 so that some runs show a loss (at this size
# most show none: the threshold is then 0 and the cases are the runs with any loss).
TINY = Size(n_runs=40, n_people=1_000, weeks=20, n_jobs=1, start_week=0, trees=50)
PER_RUN_S = {"idle": 1.1, "loaded": 1.65}  # CPU s per paired run at FULL's size, as above


@dataclass(frozen=True)
class Inputs:
    """What the hypercube samples: the posterior's parameters, the other assumptions and the levers."""

    posterior: tuple[str, ...]
    assumptions: dict[str, tuple[float, float]]
    levers: dict[str, tuple[float, float]]
    skipped: dict[str, str] = field(default_factory=dict)

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


def lever_ranges(weeks: int) -> dict[str, tuple[float, float]]:
    out = {}
    for path in LEVER_PATHS:
        if path == OUTREACH_WEEK:
            out[path] = (0.0, float(weeks - 1))
        elif path in BINARY:
            out[path] = (0.0, 1.0)
        else:
            out[path] = plausible(path)
    return out


def inputs(posterior: pd.DataFrame, size: Size) -> Inputs:
    """The posterior's parameters, every other declared uncertainty with a range, and the levers."""
    from experiments.sensitivity import RANGES, SKIPPED

    fitted = tuple(parameter_names(posterior))
    levers = lever_ranges(size.weeks)
    skipped = dict(SKIPPED)
    assumptions = {}
    for name, rng in RANGES.items():
        if name in fitted:
            skipped[name] = "from the posterior (one particle per run)"
        elif name in NO_EFFECT:
            skipped[name] = NO_EFFECT[name]
        elif name not in levers:
            assumptions[name] = rng
    return Inputs(fitted, assumptions, levers, skipped)


def seeds(seed: int) -> dict[str, int]:
    """The hypercube's, the model seeds' and the extra trees' seeds, from one SeedSequence."""
    lhs, model, trees, probes = np.random.SeedSequence(seed).spawn(4)
    pairs = (("lhs", lhs), ("model", model), ("trees", trees), ("probes", probes))
    return {k: int(s.generate_state(1)[0]) for k, s in pairs}


def unit_sample(n: int, d: int, seed: int) -> np.ndarray:
    """An n x d Latin hypercube in [0, 1): one point in each of the n strata of every column."""
    from scipy.stats import qmc

    return qmc.LatinHypercube(d=d, rng=np.random.default_rng(seeds(seed)["lhs"])).random(n)


def particles(u: np.ndarray, posterior: pd.DataFrame) -> np.ndarray:
    """The posterior row each u picks: the inverse of the cumulative weight (as `sim.launch.posterior.draw`)."""
    cum = np.cumsum(posterior[WEIGHT].to_numpy(dtype=float))
    return np.minimum(np.searchsorted(cum, u, side="right"), len(posterior) - 1)


def scale(name: str, u: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """A column of the unit hypercube mapped onto [lo, hi]: uniform, whole weeks, or 0/1."""
    if name in BINARY:
        return np.floor(2 * u).astype(np.int64)
    if name in INTEGER:
        return np.minimum(lo + np.floor(u * (hi - lo + 1)), hi).astype(np.int64)
    return lo + u * (hi - lo)


def sample(inp: Inputs, posterior: pd.DataFrame, size: Size, seed: int) -> tuple[np.ndarray, pd.DataFrame]:
    """(the unit hypercube, the runs' inputs): run, model seed, posterior particle and every input as run."""
    from experiments.sensitivity import _base, admissible

    u = unit_sample(size.n_runs, len(inp.columns), seed)
    table = pd.DataFrame({"run": np.arange(size.n_runs)})
    table[SEED_COLUMN] = np.random.default_rng(seeds(seed)["model"]).integers(0, 2**31 - 1, size.n_runs)
    rows = particles(u[:, 0], posterior)
    table[PARTICLE] = rows
    for name in inp.posterior:
        table[name] = posterior[name].to_numpy(dtype=float)[rows]
    for j, name in enumerate(inp.columns[1:], start=1):
        table[name] = scale(name, u[:, j], *inp.range(name))
    base = _base(size)
    adjusted = pd.DataFrame([admissible(r, base) for r in table[list(inp.assumptions)].to_dict("records")])
    for name in inp.assumptions:
        table[name] = adjusted[name].to_numpy()
    return u, table


def configure(params: dict[str, float], size: Size, seed: int):
    """The directive at `params` (the sampled inputs), validated; record-keeping set as a flag."""
    from experiments.sensitivity import configure as configure_point

    flags = {k: bool(params[k]) for k in BINARY if k in params}
    cfg = configure_point({k: v for k, v in params.items() if k not in flags}, size, seed)
    for path, value in flags.items():
        *parents, leaf = path.split(".")
        node = cfg
        for part in parents:
            node = getattr(node, part)
        setattr(node, leaf, value)
    return cfg


def evaluate(params: dict[str, float], size: Size, seed: int) -> dict[str, float]:
    """One paired run (directive and firewall on `seed`): the losses and the CPU seconds it took."""
    from experiments.sensitivity import losses, paired_tables

    start = time.process_time()
    out = losses(*paired_tables(configure(params, size, seed)))
    return {**out, "cpu_s": time.process_time() - start}


PARTIAL = "runs.partial.csv"  # the runs done so far, beside runs.csv: a stopped run resumes from it
CHUNK = 50  # runs between two saves of the partial table


def run(
    table: pd.DataFrame, inp: Inputs, size: Size, progress: bool = False, partial: Path | None = None
) -> pd.DataFrame:
    """Every row of `table` run on its own seed, over `size.n_jobs` worker processes; inputs beside outputs.

    With `partial`, the runs done so far are saved there every `CHUNK` runs, and a run that finds the file
    (the same points, from the same seed and size) goes on from where it stopped.
    """
    from joblib import Parallel, delayed

    jobs = [
        ({k: r[k] for k in inp.names}, int(r[SEED_COLUMN])) for r in table[[*inp.names, SEED_COLUMN]].to_dict("records")
    ]
    for params, seed in jobs:  # every point validated before any run: a bad one stops here, not after many runs
        configure(params, size, seed)
    done = _resume(partial, table)
    rows = done.drop(columns=list(table.columns)).to_dict("records") if len(done) else []
    start = time.perf_counter()
    with Parallel(n_jobs=size.n_jobs) as parallel:
        for lo in range(len(rows), len(jobs), CHUNK):
            chunk = jobs[lo : lo + CHUNK]
            rows += parallel(delayed(evaluate)(p, size, s) for p, s in chunk)
            out = pd.concat([table.iloc[: len(rows)].reset_index(drop=True), pd.DataFrame(rows)], axis=1)
            if partial is not None:
                out.to_csv(partial, index=False, float_format="%.17g")
            if progress:
                print(f"[discovery] {len(rows)}/{len(jobs)} runs, {time.perf_counter() - start:.0f} s", flush=True)
    return pd.concat([table.reset_index(drop=True), pd.DataFrame(rows)], axis=1)


def _resume(partial: Path | None, table: pd.DataFrame) -> pd.DataFrame:
    """The runs a stopped run saved, if they are this table's first rows; else nothing (and say so)."""
    if partial is None or not partial.exists():
        return pd.DataFrame()
    done = pd.read_csv(partial)
    head = table.iloc[: len(done)].reset_index(drop=True)
    try:
        pd.testing.assert_frame_equal(done[list(table.columns)], head, check_dtype=False, rtol=1e-12)
    except (AssertionError, KeyError):
        print(f"[discovery] {partial} holds other points (another seed or size): starting afresh", flush=True)
        return pd.DataFrame()
    print(f"[discovery] resuming after {len(done)} runs saved in {partial}", flush=True)
    return done


# ------------------------------------------------------------ the analysis


@dataclass(frozen=True)
class Settings:
    outcome: str = OUTCOMES["last_year"]
    threshold_quantile: float = 0.8
    threshold_pp: float | None = None  # overrides the quantile
    min_density: float = 0.4
    box: int | None = None  # a step of the first trajectory, instead of the rule
    max_boxes: int = 3
    prim_dims: int | None = None  # None: the inputs above the noise level (`AUTO_DIMS`); 0: every input
    peel_alpha: float = 0.05
    paste_alpha: float = 0.05
    mass_min: float = 0.05


def threshold(loss: np.ndarray, settings: Settings) -> float:
    """The loss above which a run is a case of interest (pp)."""
    if settings.threshold_pp is not None:
        return float(settings.threshold_pp)
    return float(np.quantile(loss, settings.threshold_quantile))


def features(runs: pd.DataFrame, inp: Inputs) -> pd.DataFrame:
    """The inputs as PRIM and the trees see them: floats, whole weeks and the 0/1 flag as integers."""
    x = runs[inp.names].copy()
    for name in inp.names:
        x[name] = x[name].astype(np.int64) if name in (*INTEGER, *BINARY) else x[name].astype(float)
    return x


def feature_scores(x: pd.DataFrame, loss: np.ndarray, cases: np.ndarray, inp: Inputs, size: Size, seed: int):
    """Extra-trees feature scores of every input: for telling the cases apart, and for the loss itself.

    `PROBES` columns of uniform noise are scored beside the inputs; the largest of their scores is the noise
    level (`noise_cases`, `noise_loss`) an input's score must clear to carry a signal (`above_noise`).
    """
    require_ema()
    from ema_workbench.analysis.feature_scoring import get_ex_feature_scores
    from ema_workbench.analysis.scenario_discovery_util import RuleInductionType

    state = seeds(seed)["trees"] % 2**31
    noise = np.random.default_rng(seeds(seed)["probes"]).random((len(x), PROBES))
    probes = [f"{PROBE}.{i}" for i in range(PROBES)]
    xp = pd.concat([x.reset_index(drop=True), pd.DataFrame(noise, columns=probes)], axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # out-of-bag estimates on few runs; pandas' future behaviour
        by_case, _ = get_ex_feature_scores(
            xp, cases.astype(int), mode=RuleInductionType.CLASSIFICATION, nr_trees=size.trees, random_state=state
        )
        by_loss, _ = get_ex_feature_scores(
            xp, loss, mode=RuleInductionType.REGRESSION, nr_trees=size.trees, random_state=state
        )
    by_case, by_loss = by_case.iloc[:, 0].astype(float), by_loss.iloc[:, 0].astype(float)
    df = pd.DataFrame({"parameter": inp.names})
    df["kind"] = df["parameter"].map(inp.kind)
    df["score_cases"] = df["parameter"].map(by_case)
    df["score_loss"] = df["parameter"].map(by_loss)
    df["noise_cases"] = float(by_case[probes].max())
    df["noise_loss"] = float(by_loss[probes].max())
    df["above_noise"] = df["score_cases"] > df["noise_cases"]
    df["rank_cases"] = df["score_cases"].rank(ascending=False, method="first").astype(int)
    df["rank_loss"] = df["score_loss"].rank(ascending=False, method="first").astype(int)
    df["range_lo"] = df["parameter"].map(lambda p: inp.range(p)[0])
    df["range_hi"] = df["parameter"].map(lambda p: inp.range(p)[1])
    df["parameter_unit"] = df["parameter"].map(unit_of)
    df["unit"] = SCORE_UNIT
    return df.sort_values(["rank_cases", "parameter"]).reset_index(drop=True)


def prim_dims(scores: pd.DataFrame, settings: Settings) -> int:
    """How many of the best-scored inputs PRIM looks at: `--prim-dims`, or those above the noise level."""
    n = len(scores)
    if settings.prim_dims is not None:
        return n if settings.prim_dims <= 0 else min(settings.prim_dims, n)
    return min(max(int(scores["above_noise"].sum()), AUTO_DIMS[0]), AUTO_DIMS[1], n)


def unit_of(name: str) -> str:
    if name in BINARY:
        return "0 = no records kept, 1 = records kept"
    try:
        return declared(name).unit or "-"
    except KeyError:
        return "-"


def choose(trajectory: pd.DataFrame, min_density: float) -> int:
    """The step the rule picks (`BOX_RULE`); the densest step (ties: larger coverage) if none reaches it."""
    t = trajectory.reset_index(drop=True)
    ok = t[t["density"] >= min_density - 1e-12]
    if ok.empty:
        return int(t.sort_values(["density", "coverage"], ascending=False, kind="stable").index[0])
    return int(ok.sort_values(["coverage", "res_dim"], ascending=[False, True], kind="stable").index[0])


def _box_rows(box, prim, step: int, number: int, inp: Inputs, x: pd.DataFrame) -> list[dict[str, Any]]:
    """A row per dimension the box restricts at `step`: limits, quasi-p values, the ranges."""
    from ema_workbench.analysis import scenario_discovery_util as sdutil

    lims = box.box_lims[step]
    restricted = list(sdutil._determine_restricted_dims(lims, prim.box_init))
    qp = box.qp[step]
    stats = box.peeling_trajectory.iloc[step]
    rows = []
    for name in restricted:
        lower, upper = float(lims[name].iloc[0]), float(lims[name].iloc[1])
        s_lo, s_hi = float(x[name].min()), float(x[name].max())
        q_lo, q_hi = (np.nan if v is None or v < 0 else float(v) for v in qp.get(name, [-1, -1]))
        side = [s for s, moved in (("lower", lower > s_lo), ("upper", upper < s_hi)) if moved]
        rows.append(
            {
                "box": number,
                "step": step,
                "parameter": name,
                "kind": inp.kind(name),
                "lower": lower,
                "upper": upper,
                "restricts": " and ".join(side) or "none",
                "qp_lower": q_lo,
                "qp_upper": q_hi,
                "significant": _smallest(q_lo, q_hi) < SIGNIFICANT,
                "sampled_lo": s_lo,
                "sampled_hi": s_hi,
                "range_lo": inp.range(name)[0],
                "range_hi": inp.range(name)[1],
                "unit": unit_of(name),
                "coverage": float(stats["coverage"]),
                "density": float(stats["density"]),
                "mass": float(stats["mass"]),
                "n_restricted": int(stats["res_dim"]),
                "runs_in_box": int(stats["n"]),
                "cases_in_box": int(stats["k"]),
                "share_unit": SHARE_UNIT,
            }
        )
    return sorted(rows, key=lambda r: (_smallest(r["qp_lower"], r["qp_upper"]), r["parameter"]))


def _smallest(*values: float) -> float:
    """The smaller quasi-p value of a restriction (1 when neither side has one): the table's order."""
    finite = [v for v in values if np.isfinite(v)]
    return min(finite) if finite else 1.0


def prim_boxes(x: pd.DataFrame, cases: np.ndarray, inp: Inputs, settings: Settings):
    """PRIM on (x, cases) with covering: (boxes table, peeling table); empty tables when no box is found."""
    require_ema()
    from ema_workbench.analysis import prim

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas' future behaviour inside the workbench
        p = prim.Prim(
            x,
            cases.astype(int),
            threshold=settings.min_density,
            peel_alpha=settings.peel_alpha,
            paste_alpha=settings.paste_alpha,
            mass_min=settings.mass_min,
        )
        rows, peels = [], []
        for number in range(1, settings.max_boxes + 1):
            box = p.find_box()
            if box is None or len(box.peeling_trajectory) < 2 or int(box.peeling_trajectory["res_dim"].iloc[-1]) == 0:
                break  # a dump box: what remains reaches the density nowhere
            t = box.peeling_trajectory.reset_index(drop=True)
            step = settings.box if number == 1 and settings.box is not None else choose(t, settings.min_density)
            if not 0 <= step < len(t):
                raise ValueError(f"--box {step}: the first trajectory has steps 0 to {len(t) - 1}")
            box.select(step)
            rows += _box_rows(box, p, step, number, inp, x)
            peels.append(
                pd.DataFrame(
                    {
                        "box": number,
                        "step": np.arange(len(t)),
                        "coverage": t["coverage"].astype(float),
                        "density": t["density"].astype(float),
                        "mass": t["mass"].astype(float),
                        "mean": t["mean"].astype(float),
                        "n_restricted": t["res_dim"].astype(int),
                        "runs_in_box": t["n"].astype(int),
                        "cases_in_box": t["k"].astype(int),
                        "chosen": np.arange(len(t)) == step,
                        "min_density": settings.min_density,
                        "unit": SHARE_UNIT + "; runs_in_box and cases_in_box in runs",
                    }
                )
            )
            left = np.setdiff1d(p.yi_remaining, box.yi)  # what the next find_box will look at
            if not cases[left].any():
                break
    boxes = pd.DataFrame(rows, columns=BOX_COLUMNS)
    peeling = pd.concat(peels, ignore_index=True) if peels else pd.DataFrame(columns=PEEL_COLUMNS)
    return boxes, peeling


BOX_COLUMNS = [
    "box", "step", "parameter", "kind", "lower", "upper", "restricts", "qp_lower", "qp_upper", "significant",
    "sampled_lo", "sampled_hi", "range_lo", "range_hi", "unit", "coverage", "density", "mass", "n_restricted",
    "runs_in_box", "cases_in_box", "share_unit",
]  # fmt: skip
PEEL_COLUMNS = [
    "box", "step", "coverage", "density", "mass", "mean", "n_restricted", "runs_in_box", "cases_in_box", "chosen",
    "min_density", "unit",
]  # fmt: skip


@dataclass
class Discovery:
    threshold_pp: float
    n_cases: int
    prim_inputs: list[str]
    scores: pd.DataFrame
    boxes: pd.DataFrame
    peeling: pd.DataFrame


def discover(runs: pd.DataFrame, inp: Inputs, size: Size, seed: int, settings: Settings) -> Discovery:
    """Cases of interest, feature scores of every input, then PRIM's boxes over the best-scoring inputs."""
    require_ema()
    loss = runs[settings.outcome].to_numpy(dtype=float)
    if not np.all(np.isfinite(loss)):
        raise ValueError(f"{settings.outcome}: runs without a loss (nobody eligible?); make the population larger")
    cut = threshold(loss, settings)
    cases = loss > cut
    if not 0 < cases.sum() < len(cases):
        raise ValueError(
            f"threshold {cut:.4g} pp leaves {int(cases.sum())} of {len(cases)} runs above it: PRIM needs runs on both "
            "sides; choose another --threshold-quantile or --threshold-pp"
        )
    x = features(runs, inp)
    scores = feature_scores(x, loss, cases, inp, size, seed)
    chosen = list(scores.sort_values("rank_cases")["parameter"].iloc[: prim_dims(scores, settings)])
    scores["in_prim"] = scores["parameter"].isin(chosen)
    ordered = [n for n in inp.names if n in chosen]  # the runs table's order: PRIM's result does not hang on ranks
    boxes, peeling = prim_boxes(x[ordered], cases, inp, settings)
    return Discovery(cut, int(cases.sum()), ordered, scores, boxes, peeling)


# ------------------------------------------------------------ the experiment


def check_posterior(posterior: str) -> pd.DataFrame:
    """The posterior's particles; a clear stop when the file is missing or fitted to another model."""
    try:
        return require_posterior(posterior)
    except FileNotFoundError as err:
        raise SystemExit(str(err)) from err


def behavior(posterior: str, transfer_range: tuple[float, float]) -> dict[str, Any]:
    """The MANIFEST's `behavior` entry: the posterior each run drew from, and the transfer, both sampled."""
    from experiments.common import behavior_record

    rec = behavior_record(pd.DataFrame({"behavior.posterior_file": [posterior], "behavior.transfer_uncertain": [True]}))
    return rec | {
        "draws": "one posterior particle per run, picked by weight with a Latin-hypercube column",
        "transfer": f"{TRANSFER} sampled by Latin hypercube over its plausible range {list(transfer_range)}",
    }


def experiment(
    size: Size,
    posterior: str,
    out_dir: Path,
    figures_dir: Path,
    seed: int = 0,
    settings: Settings = Settings(),  # noqa: B008  (frozen: safe as a default)
    runs: pd.DataFrame | None = None,
    command: str = "",
    progress: bool = False,
    runs_file: Path | None = None,
) -> dict[str, Any]:
    """Sample, run (unless `runs` are given: read from `runs_file`), score and find the boxes; write every
    output; return the summary."""
    from analysis.discovery import box_figure, feature_scores_figure, peeling_figure
    from analysis.style import save_figure
    from experiments.common import update_manifest
    from sim import MODEL_VERSION, __version__
    from sim.results.provenance import model_fingerprint, write_json

    require_ema()
    made_by = model_fingerprint()  # the code that runs, read when it starts
    start = time.perf_counter()
    wall: dict[str, float] = {}
    post = check_posterior(posterior)
    inp = inputs(post, size)
    for d in (out_dir, figures_dir):
        d.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    if runs is None:
        _, table = sample(inp, post, size, seed)
        wall["sample"] = round(time.perf_counter() - t, 1)
        t = time.perf_counter()
        runs = run(table, inp, size, progress=progress, partial=out_dir / PARTIAL)
        wall["runs"] = round(time.perf_counter() - t, 1)
        runs.to_csv(out_dir / "runs.csv", index=False, float_format="%.17g")  # exact: --from-runs finds the same
        (out_dir / PARTIAL).unlink(missing_ok=True)
    t = time.perf_counter()
    found = discover(runs, inp, size, seed, settings)
    wall["discovery"] = round(time.perf_counter() - t, 1)
    found.boxes.to_csv(figures_dir / "discovery_boxes.csv", index=False, float_format="%.10g")
    paths = {
        "discovery_box": save_figure(box_figure(found.boxes, settings.min_density), figures_dir / "discovery_box"),
        "discovery_peeling": save_figure(peeling_figure(found.peeling), figures_dir / "discovery_peeling"),
        "discovery_feature_scores": save_figure(
            feature_scores_figure(found.scores), figures_dir / "discovery_feature_scores"
        ),
    }
    paths["discovery_box"].append(figures_dir / "discovery_boxes.csv")
    wall["total"] = round(time.perf_counter() - start, 1)
    cpu = runs["cpu_s"].to_numpy(dtype=float) if "cpu_s" in runs else np.array([np.nan])
    summary = {
        "command": command,
        "seed": seed,
        "seeds": seeds(seed),
        "model_version": MODEL_VERSION,
        "version": __version__,
        **made_by,
        "posterior_file": posterior,
        "posterior_particles": len(post),
        "policy": POLICY,
        "baseline": "firewall (paired, same seed)",
        "size": asdict(size),
        "runs": len(runs),
        "wall_s": wall,
        "cpu_s_per_run": {"mean": float(np.mean(cpu)), "median": float(np.median(cpu))},
        "outcome": settings.outcome,
        "outcome_unit": UNITS[settings.outcome],
        "outcome_quantiles_pp": {
            str(q): float(np.quantile(runs[settings.outcome], q)) for q in (0.05, 0.25, 0.5, 0.75, 0.95)
        },
        "threshold": {
            "pp": found.threshold_pp,
            "quantile": None if settings.threshold_pp is not None else settings.threshold_quantile,
            "rule": "a case of interest is a run whose loss exceeds it",
            "cases": found.n_cases,
        },
        "prim": {
            "implementation": "ema_workbench.analysis.prim.Prim 2.5.3, binary, lenient1 objective",
            "min_density": settings.min_density,
            "peel_alpha": settings.peel_alpha,
            "paste_alpha": settings.paste_alpha,
            "mass_min": settings.mass_min,
            "max_boxes": settings.max_boxes,
            "inputs": found.prim_inputs,
            "inputs_rule": (
                f"the {settings.prim_dims} best-scored inputs (--prim-dims)"
                if settings.prim_dims
                else "every input (--prim-dims 0)"
                if settings.prim_dims == 0
                else f"the inputs whose score for telling the cases apart exceeds every one of {PROBES} noise "
                f"probes' ({found.scores['noise_cases'].iloc[0]:.4g}), at least {AUTO_DIMS[0]}, at most {AUTO_DIMS[1]}"
            ),
            "above_noise": list(found.scores.loc[found.scores["above_noise"], "parameter"]),
            "box_rule": BOX_RULE if settings.box is None else f"step {settings.box} of the first trajectory (--box)",
        },
        "boxes": [
            {
                "box": int(b),
                "step": int(g["step"].iloc[0]),
                "coverage": float(g["coverage"].iloc[0]),
                "density": float(g["density"].iloc[0]),
                "mass": float(g["mass"].iloc[0]),
                "n_restricted": int(g["n_restricted"].iloc[0]),
                "limits": {
                    r["parameter"]: {"lower": r["lower"], "upper": r["upper"], "unit": r["unit"]}
                    for r in g.to_dict("records")
                },
            }
            for b, g in found.boxes.groupby("box")
        ],
        "inputs": {
            "n": len(inp.names),
            "posterior": list(inp.posterior),
            "assumptions": {k: list(v) for k, v in inp.assumptions.items()},
            "levers": {k: list(v) for k, v in inp.levers.items()},
            "sampling": "Latin hypercube: one column picks the posterior particle by cumulative weight; the others "
            "uniform over the declared plausible ranges (whole weeks for the outreach's; 0/1 for records kept)",
            "skipped": inp.skipped,
        },
        "transfer": {
            "parameter": TRANSFER,
            "range": list(inp.range(TRANSFER)),
            "rank_cases": int(found.scores.set_index("parameter").loc[TRANSFER, "rank_cases"]),
            "rank_loss": int(found.scores.set_index("parameter").loc[TRANSFER, "rank_loss"]),
            "of": len(inp.names),
            "in_a_box": bool((found.boxes["parameter"] == TRANSFER).any()),
        },
        "outputs": {
            "runs": str(runs_file or out_dir / "runs.csv").replace(f"{ROOT}/", ""),
            "figures": str(figures_dir).replace(f"{ROOT}/", ""),
        },
    }
    write_json(figures_dir / "discovery.json", summary)
    if out_dir.resolve() != figures_dir.resolve():
        shutil.copyfile(figures_dir / "discovery.json", out_dir / "discovery.json")
    entry = {
        "experiment": "discovery",
        "runs": len(runs),
        "seeds": [seed],
        "model_seeds": "one per run, from the seed's SeedSequence (runs.csv)",
        "model_version": MODEL_VERSION,
        "behavior": behavior(posterior, inp.range(TRANSFER)),
        "version": __version__,
        **made_by,
        "runtime_s": wall["total"],
    }
    update_manifest(figures_dir, {stem: {**entry, "files": [p.name for p in ps]} for stem, ps in paths.items()})
    return summary


def report(summary: dict[str, Any]) -> str:
    th = summary["threshold"]
    q = f" (the {th['quantile']:.0%} quantile)" if th["quantile"] is not None else ""
    lines = [
        f"{summary['runs']} runs; outcome {summary['outcome']}; threshold {th['pp']:.3f} pp{q}: "
        f"{th['cases']} cases of interest",
        f"PRIM over {len(summary['prim']['inputs'])} inputs, min density {summary['prim']['min_density']}",
    ]
    if not summary["boxes"]:
        lines.append("no box reaches the minimum density (a lower --min-density, or another threshold, may find one)")
    for b in summary["boxes"]:
        lines.append(
            f"box {b['box']} (step {b['step']}): coverage {b['coverage']:.2f}, density {b['density']:.2f}, "
            f"mass {b['mass']:.2f}, {b['n_restricted']} restricted"
        )
        for name, lim in b["limits"].items():
            lines.append(f"    {name:<42} {lim['lower']:>10.4g} .. {lim['upper']:<10.4g} {lim['unit']}")
    tr = summary["transfer"]
    lines.append(
        f"transfer: feature-score rank {tr['rank_cases']} of {tr['of']} (cases), {tr['rank_loss']} (loss); "
        + ("in a box" if tr["in_a_box"] else "in no box")
    )
    lines.append(f"wall time (s): {summary['wall_s']}; CPU s per paired run: {summary['cpu_s_per_run']['mean']:.2f}")
    return "\n".join(lines)


def plan(size: Size) -> str:
    lines = [f"{size.n_runs} paired runs at {size.n_people:,} people, {size.weeks} weeks, {size.n_jobs} workers"]
    if (size.n_people, size.weeks) == (FULL.n_people, FULL.weeks):
        for load, s in PER_RUN_S.items():
            minutes = size.n_runs * s / size.n_jobs / 60
            lines.append(f"projected wall time at {s} CPU s per run ({load}): {minutes:.1f} min")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any] | None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tiny", action="store_true", help="CI size; writes to outputs/discovery/tiny_*")
    parser.add_argument("--seed", type=int, default=0, help="the hypercube's, the model seeds' and the trees' seed")
    parser.add_argument("--runs", type=int, default=None, help="paired runs (default: the size's)")
    parser.add_argument("--people", type=int, default=None, help="people per run (default: the size's)")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: the size's)")
    parser.add_argument("--posterior", default=DEFAULT_POSTERIOR, help=f"posterior file (default {DEFAULT_POSTERIOR})")
    parser.add_argument("--outcome", choices=sorted(OUTCOMES), default="last_year", help="the loss PRIM looks at")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--threshold-quantile", type=float, default=0.8, help="cases: loss above this quantile")
    group.add_argument("--threshold-pp", type=float, default=None, help="cases: loss above this many pp")
    parser.add_argument("--min-density", type=float, default=0.4, help="the density a chosen box must reach")
    parser.add_argument("--box", type=int, default=None, help="step of the first peeling trajectory to report")
    parser.add_argument("--max-boxes", type=int, default=3, help="boxes to look for (covering)")
    parser.add_argument(
        "--prim-dims",
        type=int,
        default=None,
        help="inputs PRIM sees, best scored first (0: all; default: those "
        f"scoring above {PROBES} noise probes, {AUTO_DIMS[0]} to {AUTO_DIMS[1]})",
    )
    parser.add_argument("--from-runs", type=Path, default=None, help="analyse a stored runs.csv instead of running")
    parser.add_argument(
        "--figures", type=Path, default=None, help="tables, figures and summary (default: --out; figures/ when named)"
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="the runs table and a copy of the summary (default: a new folder)"
    )
    parser.add_argument("--plan", action="store_true", help="print the size and projected time, run nothing")
    args = parser.parse_args(argv)
    if not 0 < args.threshold_quantile < 1:
        parser.error("--threshold-quantile must lie strictly between 0 and 1")
    tiny = args.tiny or os.environ.get("UPTAKE_TINY", "") not in ("", "0")
    os.environ.setdefault("UPTAKE_SIM_THREADS", "1")  # runs go in parallel, one thread each
    size = TINY if tiny else FULL
    changes = {"n_runs": args.runs, "n_people": args.people, "n_jobs": args.jobs}
    size = replace(size, **{k: v for k, v in changes.items() if v is not None})
    print(plan(size), flush=True)
    if args.plan:
        return None
    require_ema()
    from experiments.common import own_folder

    stamp = time.strftime("%Y-%m-%d_%H-%M-%S")
    runs = None
    if args.from_runs is not None:
        runs = pd.read_csv(args.from_runs)
        stored = args.from_runs.parent / "discovery.json"  # the size the runs were made at (the outreach week's range)
        if stored.exists():
            size = Size(**json.loads(stored.read_text())["size"])
    # a new folder of this call's own unless named: nothing an earlier call wrote (its runs, its summary) is replaced
    out = args.out or own_folder(ROOT / "outputs" / "discovery" / (("tiny_" if tiny else "") + stamp))
    figures = args.figures or out  # figures/ only when named, as `make figures` does
    settings = Settings(
        outcome=OUTCOMES[args.outcome],
        threshold_quantile=args.threshold_quantile,
        threshold_pp=args.threshold_pp,
        min_density=args.min_density,
        box=args.box,
        max_boxes=args.max_boxes,
        prim_dims=args.prim_dims,
    )
    words = argv if argv is not None else sys.argv[1:]
    # the project's folders as a user in it would give them: no machine's own path in a committed file
    command = "python -m experiments.discovery " + " ".join(w.replace(f"{ROOT}/", "") for w in words)
    summary = experiment(
        size,
        args.posterior,
        out,
        figures,
        args.seed,
        settings,
        runs=runs,
        command=command.strip(),
        progress=True,
        runs_file=args.from_runs,
    )
    print(report(summary))
    print(f"\nFigures and summary: {figures}; runs: {out / 'runs.csv'}")
    return summary


if __name__ == "__main__":
    # Run the importable module, so that parallel workers can unpickle its functions.
    from experiments.discovery import main as _main

    _main()
