"""Global sensitivity of the directive's uptake loss: Morris screening of every uncertainty, then Sobol indices.

What is varied. Every config field declared with role `uncertainty` in
sim/config/__init__.py (`sim.config.params.parameters(UNCERTAINTY)`), plus the derived
`behavior.loss_scale` (`sim.config.params.DERIVED`), each uniform over its declared
plausible range (`sim.config.params.priors`). The calibrated parameters
(`experiments.calibrate.CALIBRATED`) are among them, at their priors, and so
is `behavior.announcement_transfer` (tau: how loud the directive's
announcement is beside the public-charge rule the surveys measured; an
assumption). A field declared later joins by itself. Left out, each with its
reason in `SKIPPED` and in the summary:

- `behavior.loss.<status>` for every status but `citizen` (the noncitizen
  entries of the per-status loss table): represented by
  `behavior.loss_scale`, which scales them all at once (as the calibration
  does); varying both would vary the same losses twice. The citizens' entry,
  which the scale leaves alone, is varied on its own;
- entries whose plausible range is one value (`enforcement.exposure.citizen`,
  `behavior.perceived_exposure.citizen`: citizens are not pursued);
- fields that are not one number (`enforcement.openings`, a list of events).

The other per-key tables (`network.kin_degree`, `enforcement.exposure`,
`behavior.perceived_exposure`, `behavior.hassle`) are varied entry by entry,
each entry over its own plausible range. Two cross-field rules of
`sim.config.validate` are kept by adjusting a sampled point, not by dropping
it: `network.within_community` is capped at 1 - `network.within_block`, and
a `policy.compliance_sd` under 1e-6 is set to 0. The runs tables record the
sampled values.

What is measured. Each point is the directive (`appointment_disclosure`)
against its paired firewall run on one fixed seed (common random numbers):
its uptake loss in the final week (`uptake_loss_final_pp`, the headline's
metric), its mean weekly loss over the last 52 weeks
(`uptake_loss_last_year_pp`), and the loss of citizens in mixed-status
households over the last 52 weeks (`mixed_child_loss_last_year_pp`), all in
percentage points. A fixed seed does not remove chance: it freezes one draw
into the function being analysed, so a parameter's effect can be partly
chance. The summary's `chance` entry says how much: the spread of each output
over other seeds at the defaults, and the mu* that chance alone could give
(`chance_mu_star`, an upper bound); `above_chance` in the Morris table flags
the parameters that clear it.

How. Morris elementary effects (`morris_trajectories` trajectories, 4
levels) rank every parameter; the `sobol_top` parameters with the largest
mu* (scaled to each uptake output's largest, averaged over the two uptake
outputs) get first- and total-order Sobol indices from Saltelli samples of
size N and N/2 (the smaller is the first half of the larger: Sobol'
sequences nest), with 95% bootstrap intervals, the rest held at their
defaults. The summary's `transfer` entry gives the transfer's Morris rank
and, when it is among the screened parameters, its Sobol indices, and its
swing: each output at the two ends of its range, everything else at the
defaults.

    python -m experiments.sensitivity          # full: 20,000 people, 156 weeks, 863 paired runs, ~8 min
    python -m experiments.sensitivity --plan   # the full run's size and projected time, without running it
    python -m experiments.sensitivity --tiny   # CI size (~25 s of CPU), writes outputs/sensitivity/tiny_*

Writes, in `--figures` (default: the `--out` folder; figures/ only when named, as `make figures` names it):
`sensitivity_morris.{csv,png,pdf}`, `sensitivity_sobol.{csv,png,pdf}`, `sensitivity.json` (the summary: seed,
model version, commit, `dirty`, `source_sha`, wall time, sizes, ranges, skipped, chance, transfer) and entries
in MANIFEST.json; in `--out` (default: a new folder outputs/sensitivity/<stamp>), every run's inputs and
outputs.
"""

from __future__ import annotations

import argparse
import copy
import os
import time
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.config import STATUSES, UNCERTAINTY, Config, default_config
from sim.config.params import LOSS_SCALE, parameters, plausible, priors
from sim.config.paths import ROOT
from sim.launch.posterior import TRANSFER, apply_parameters

POLICY = "appointment_disclosure"
MIXED_CHILD_GROUP = "citizen.mixed_status"
LAST_YEAR = 52  # weeks of the last-year means
LOSS_TABLE = "behavior.loss"  # its noncitizen entries are represented by the derived loss scale
WITHIN_BLOCK, WITHIN_COMMUNITY = "network.within_block", "network.within_community"
COMPLIANCE_SD, MIN_SD = "policy.compliance_sd", 1e-6

OUTPUTS = ("uptake_loss_final_pp", "uptake_loss_last_year_pp", "mixed_child_loss_last_year_pp")
SCREEN_OUTPUTS = OUTPUTS[:2]  # the directive's uptake loss: what the screen ranks by
UNITS = {
    "uptake_loss_final_pp": "pp, directive minus paired firewall run, final week, all eligible people",
    "uptake_loss_last_year_pp": f"pp, directive minus paired firewall run, mean of the last {LAST_YEAR} weeks",
    "mixed_child_loss_last_year_pp": f"pp, citizens in mixed-status households, pooled over the last {LAST_YEAR} weeks",
}
MORRIS_UNIT = "output's unit per full plausible range (elementary effect: change over a step / step's share of range)"
MORRIS_INTERVAL = "95% bootstrap interval of mu* over the trajectories' elementary effects; one fixed seed"
MORRIS_COLUMNS = [
    "output", "parameter", "rank", "mu_star", "mu_star_lo", "mu_star_hi", "mu", "sigma", "chance_mu_star",
    "above_chance", "screen_rank", "in_sobol", "range_lo", "range_hi", "output_unit", "unit", "interval",
]  # fmt: skip
SOBOL_UNIT = "share of the output's variance over the screened parameters' ranges (the rest at defaults)"
SOBOL_INTERVAL = "95% bootstrap interval of the index; one fixed seed (chance frozen, not sampled)"


def uncertainties() -> tuple[dict[str, tuple[float, float]], dict[str, str]]:
    """(ranges, skipped): every declared uncertainty that is one number with a range, and why the rest are not.

    Read from the declarations each call, so a field declared `uncertainty` later joins by itself.
    """
    ranges: list[str] = []
    skipped: dict[str, str] = {}
    for path in parameters(UNCERTAINTY):
        if path.startswith(LOSS_TABLE + ".") and path != f"{LOSS_TABLE}.{STATUSES[0]}":
            skipped[path] = f"represented by {LOSS_SCALE}, which scales every noncitizen entry"
            continue
        try:
            lo, hi = plausible(path)
        except ValueError:
            skipped[path] = "not one number (no numeric plausible range)"
            continue
        if not lo < hi:
            skipped[path] = f"plausible range is one value ({lo:g})"
            continue
        ranges.append(path)
    return priors(ranges, roles=[UNCERTAINTY]), skipped


RANGES, SKIPPED = uncertainties()


@dataclass(frozen=True)
class Size:
    n_people: int
    weeks: int
    morris_trajectories: int
    sobol_top: int
    sobol_n: int  # base sample size of the larger Saltelli sample (a power of 2)
    chance_seeds: int  # other seeds at the defaults, for the chance level
    n_jobs: int
    resamples: int
    start_week: int | None = None  # the directive's start; None: its regime file's (week 8)

    def runs(self, n_parameters: int | None = None) -> dict[str, int]:
        """Paired runs of each stage (Morris, Sobol, chance, transfer swing)."""
        k = len(RANGES) if n_parameters is None else n_parameters
        return {
            "morris": self.morris_trajectories * (k + 1),
            "sobol": self.sobol_n * (self.sobol_top + 2),
            "chance": self.chance_seeds,
            "transfer_swing": 2,
        }


# The full size: 20,000 people (the calibration's size) and the headline's 156 weeks. One paired run there took
# 1.07-2.4 s of CPU (median 1.55) on a 2-core machine busy with a calibration, and is about 1 s idle. 863 runs
# (Morris 5 x 81, Sobol 64 x 7 on the top 5, 8 chance seeds, the transfer's 2 ends) on 2 workers: about 8 min
# idle, 11 min at the loaded rate (`--plan`). Five trajectories, not four, because about half the box gives
# next to no loss at this size, so a few trajectories carry each mu*.
FULL = Size(
    n_people=20_000, weeks=156, morris_trajectories=5, sobol_top=5, sobol_n=64, chance_seeds=8, n_jobs=2,
    resamples=1000,
)  # fmt: skip
# CI: every parameter, the fewest runs SALib accepts (2 trajectories: one gives no sigma); the directive from
# week 0, so that 16 weeks at 1,000 people show a loss at about a third of the Morris points (at 400 people and
# 12 weeks, at none). 182 runs of about 0.12 s each, most of it a paired run's fixed cost: about 25 s of CPU.
TINY = Size(
    n_people=1_000, weeks=16, morris_trajectories=2, sobol_top=2, sobol_n=4, chance_seeds=2, n_jobs=1, resamples=50,
    start_week=0,
)  # fmt: skip
PER_RUN_S = {"idle": 1.1, "loaded": 1.6}  # CPU s per paired run at FULL's size, as measured above


def problem(names: list[str]) -> dict[str, Any]:
    return {"num_vars": len(names), "names": names, "bounds": [list(RANGES[n]) for n in names]}


def seeds(seed: int) -> dict[str, int]:
    """The samplers' and bootstraps' seeds, from one SeedSequence; the model's seed is `seed` itself."""
    morris, sobol, boot = np.random.SeedSequence(seed).spawn(3)
    return {k: int(s.generate_state(1)[0]) for k, s in (("morris", morris), ("sobol", sobol), ("bootstrap", boot))}


@lru_cache(maxsize=4)
def _base(size: Size) -> Config:
    """The directive with the declared defaults (no posterior, no transfer draw), paired; composed once."""
    start = {} if size.start_week is None else {"policy.start_week": size.start_week}
    cfg = default_config(POLICY, **{"population.n_people": size.n_people, "weeks": size.weeks, "paired": True}, **start)
    assert not cfg.behavior.posterior_file and not cfg.behavior.transfer_uncertain, "sensitivity sets them itself"
    return cfg


def admissible(params: dict[str, float], base: Config) -> dict[str, float]:
    """A sampled point adjusted to the cross-field rules of `sim.config.validate` (see the module docstring)."""
    out = dict(params)
    if WITHIN_COMMUNITY in out:
        block = out.get(WITHIN_BLOCK, base.network.within_block)
        out[WITHIN_COMMUNITY] = min(out[WITHIN_COMMUNITY], 1.0 - block)
    if 0.0 < out.get(COMPLIANCE_SD, 0.0) < MIN_SD:
        out[COMPLIANCE_SD] = 0.0
    return out


def configure(params: dict[str, float], size: Size, seed: int) -> Config:
    """The directive at `params` (config paths, mapping entries such as `behavior.hassle.ssn` included), validated."""
    base = _base(size)
    params = admissible(params, base)
    cfg = copy.deepcopy(base)
    scalars = {}
    for path, value in params.items():
        *parents, leaf = path.split(".")
        node: Any = cfg
        for part in parents:
            node = node[part] if isinstance(node, dict) else getattr(node, part, None)
        if isinstance(node, dict):  # one entry of a per-key table
            if leaf not in node:
                raise KeyError(f"{path}: not a config field")
            node[leaf] = float(value)
        else:
            scalars[path] = value
    cfg = apply_parameters(cfg, scalars)  # scalars and the derived loss scale; validates the whole config
    cfg.seed = seed
    return cfg


def paired_tables(cfg: Config) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The weekly tables of `cfg` and of its paired counterpart, built on one population (`sim.launch.simulate.simulate`
    without the metrics the analysis does not read)."""
    from sim.launch.simulate import paired_counterpart
    from sim.model.engine.week import UptakeModel
    from sim.results.outcomes import timeseries_frame

    model = UptakeModel(cfg)
    model.run()
    base = UptakeModel(paired_counterpart(cfg), like=model)
    base.run()
    return timeseries_frame(model), timeseries_frame(base)


def _pooled(df: pd.DataFrame, group: str, weeks: int) -> float:
    g = df[df["group"].str.startswith(group) & (df["week"] >= weeks)]
    return float(g["receiving"].sum() / g["eligible"].sum()) if g["eligible"].sum() > 0 else float("nan")


def losses(ts: pd.DataFrame, base: pd.DataFrame) -> dict[str, float]:
    """The directive's losses against its paired run, as `sim.results.outcomes.paired_metrics` computes them (pp)."""
    from sim.results.outcomes import uptake_series

    loss = 100.0 * (uptake_series(base) - uptake_series(ts))
    first = int(ts["week"].max()) + 1 - LAST_YEAR
    return {
        "uptake_loss_final_pp": float(loss.iloc[-1]),
        "uptake_loss_last_year_pp": float(loss.loc[first:].mean()),
        "mixed_child_loss_last_year_pp": 100.0
        * (_pooled(base, MIXED_CHILD_GROUP, first) - _pooled(ts, MIXED_CHILD_GROUP, first)),
    }


def evaluate(params: dict[str, float], size: Size, seed: int = 0) -> dict[str, float]:
    """One paired run at `params` on `seed`: the outputs, and the CPU seconds it took."""
    start = time.process_time()
    out = losses(*paired_tables(configure(params, size, seed)))
    return {**out, "cpu_s": time.process_time() - start}


def evaluate_many(jobs: list[tuple[dict[str, float], int]], size: Size) -> list[dict[str, float]]:
    """`evaluate` of each (params, seed), in order, over `size.n_jobs` worker processes (one thread each)."""
    from joblib import Parallel, delayed

    return Parallel(n_jobs=size.n_jobs)(delayed(evaluate)(params, size, seed) for params, seed in jobs)


def run_points(x: np.ndarray, names: list[str], size: Size, seed: int) -> pd.DataFrame:
    """Evaluate every row of the sample matrix `x` (columns = `names`) on `seed`; inputs beside outputs."""
    rows = evaluate_many([(dict(zip(names, map(float, r), strict=True)), seed) for r in x], size)
    return pd.concat([pd.DataFrame(x, columns=names), pd.DataFrame(rows)], axis=1)


def _finite(y: np.ndarray) -> np.ndarray:
    """A group with nobody eligible has no loss; give such runs the sample median so SALib can proceed."""
    y = y.astype(float).copy()
    bad = ~np.isfinite(y)
    if bad.any():
        y[bad] = np.nanmedian(y) if (~bad).any() else 0.0
    return y


def morris_sample(names: list[str], size: Size, seed: int) -> np.ndarray:
    """The Morris trajectories (rows: points, columns: `names`), from the seed."""
    from SALib.sample import morris as salib_morris

    return salib_morris.sample(problem(names), size.morris_trajectories, num_levels=4, seed=seeds(seed)["morris"])


def morris_indices(names: list[str], runs: pd.DataFrame, size: Size, seed: int) -> pd.DataFrame:
    """mu*, its 95% bootstrap interval, mu and sigma of each parameter for each output, ranked per output."""
    from SALib.analyze import morris as salib_morris

    x = runs[names].to_numpy()
    rows = []
    for out in OUTPUTS:
        res = salib_morris.analyze(
            problem(names), x, _finite(runs[out].to_numpy()), num_levels=4, num_resamples=size.resamples,
            seed=seeds(seed)["bootstrap"],
        )  # fmt: skip
        for i, name in enumerate(names):
            mu_star, half = float(res["mu_star"][i]), float(res["mu_star_conf"][i])
            rows.append(
                {
                    "output": out,
                    "parameter": name,
                    "mu_star": mu_star,
                    "mu_star_lo": max(mu_star - half, 0.0),
                    "mu_star_hi": mu_star + half,
                    "mu": float(res["mu"][i]),
                    "sigma": float(res["sigma"][i]),
                }
            )
    df = pd.DataFrame(rows)
    df["rank"] = df.groupby("output")["mu_star"].rank(ascending=False, method="min").astype(int)
    return df


def morris(size: Size, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Morris elementary effects of every parameter on every output; returns (indices, runs)."""
    names = list(RANGES)
    runs = run_points(morris_sample(names, size, seed), names, size, seed)
    return morris_indices(names, runs, size, seed), runs


def screen_scores(morris_df: pd.DataFrame, outputs: tuple[str, ...] = SCREEN_OUTPUTS) -> pd.Series:
    """Each parameter's mu* scaled to each output's largest, averaged over `outputs`, largest first."""
    df = morris_df[morris_df["output"].isin(outputs)]
    top = df.groupby("output")["mu_star"].transform("max")
    scaled = df.assign(s=(df["mu_star"] / top.where(top > 0)).fillna(0.0))
    return scaled.groupby("parameter")["s"].mean().sort_values(ascending=False, kind="stable")


def screen(morris_df: pd.DataFrame, top: int, outputs: tuple[str, ...] = SCREEN_OUTPUTS) -> list[str]:
    """The `top` parameters by scaled mu* (`screen_scores`)."""
    return list(screen_scores(morris_df, outputs).index[:top])


def sobol_sample(names: list[str], size: Size, seed: int) -> np.ndarray:
    """The Saltelli sample of base size N for first- and total-order indices, from the seed."""
    from SALib.sample import sobol as salib_sobol

    return salib_sobol.sample(problem(names), size.sobol_n, calc_second_order=False, seed=seeds(seed)["sobol"])


def sobol_indices(names: list[str], runs: pd.DataFrame, size: Size, seed: int) -> pd.DataFrame:
    """S1 and ST with 95% bootstrap intervals at N/2 (the sample's first half) and N; NaN where nothing varies."""
    from SALib.analyze import sobol as salib_sobol

    rows = []
    per_base = len(names) + 2
    for n in (size.sobol_n // 2, size.sobol_n):
        for out in OUTPUTS:
            y = _finite(runs[out].to_numpy()[: n * per_base])
            if np.ptp(y) == 0:  # the output does not vary: its variance has no shares to give
                nan = np.full(len(names), np.nan)
                res = {"S1": nan, "S1_conf": nan, "ST": nan, "ST_conf": nan}
            else:
                res = salib_sobol.analyze(
                    problem(names), y, calc_second_order=False, num_resamples=size.resamples, conf_level=0.95,
                    seed=seeds(seed)["bootstrap"],
                )  # fmt: skip
            for i, name in enumerate(names):
                for order, key in (("first", "S1"), ("total", "ST")):
                    est, half = float(res[key][i]), float(res[f"{key}_conf"][i])
                    rows.append(
                        {
                            "N": n,
                            "runs": n * per_base,
                            "output": out,
                            "parameter": name,
                            "order": order,
                            "index": est,
                            "lo": est - half,
                            "hi": est + half,
                        }
                    )
    return pd.DataFrame(rows).assign(unit=SOBOL_UNIT, interval=SOBOL_INTERVAL)


def sobol(names: list[str], size: Size, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """First- and total-order indices with 95% bootstrap intervals, at N/2 and N; returns (indices, runs)."""
    runs = run_points(sobol_sample(names, size, seed), names, size, seed)
    return sobol_indices(names, runs, size, seed), runs


def chance(size: Size, seed: int) -> tuple[dict[str, Any], pd.DataFrame]:
    """How much of an effect chance alone could make: each output over other seeds, at the defaults.

    `chance_mu_star` is the mean |elementary effect| of a parameter that does nothing, if the two runs of a
    step shared no randomness: E|y1 - y2| / step = 2 sd / (sqrt(pi) x 2/3) with 4 levels. The runs of a step
    share the seed, so chance moves them less: it is an upper bound.
    """
    others = [seed + 1 + i for i in range(size.chance_seeds)]
    runs = pd.DataFrame(evaluate_many([({}, s) for s in others], size)).assign(seed=others)
    step = 4 / (2 * (4 - 1))  # SALib's Morris step at 4 levels, as a share of the range
    out: dict[str, Any] = {"seeds": others, "at": "declared defaults"}
    for name in OUTPUTS:
        sd = float(runs[name].std(ddof=1)) if len(runs) > 1 else float("nan")
        out[name] = {"mean": float(runs[name].mean()), "sd": sd, "chance_mu_star": 2 * sd / (np.sqrt(np.pi) * step)}
    return out, runs


def transfer_swing(size: Size, seed: int) -> dict[str, Any]:
    """Each output at the two ends of the transfer's range, everything else at the defaults, on `seed`."""
    lo, hi = RANGES[TRANSFER]
    at = dict(zip((lo, hi), evaluate_many([({TRANSFER: lo}, seed), ({TRANSFER: hi}, seed)], size), strict=True))
    return {
        "at": [lo, hi],
        **{o: {"low": at[lo][o], "high": at[hi][o], "swing": at[hi][o] - at[lo][o]} for o in OUTPUTS},
    }


def morris_table(morris_df: pd.DataFrame, chosen: list[str], chance_: dict[str, Any]) -> pd.DataFrame:
    """The Morris indices with ranks, ranges, the chance level, the screen and what each column carries."""
    scores = screen_scores(morris_df)
    screen_rank = {p: i + 1 for i, p in enumerate(scores.index)}
    df = morris_df.copy()
    df["chance_mu_star"] = df["output"].map(lambda o: chance_[o]["chance_mu_star"])
    df["above_chance"] = df["mu_star_lo"] > df["chance_mu_star"]
    df["screen_rank"] = df["parameter"].map(screen_rank)
    df["in_sobol"] = df["parameter"].isin(chosen)
    df["range_lo"] = df["parameter"].map(lambda p: RANGES[p][0])
    df["range_hi"] = df["parameter"].map(lambda p: RANGES[p][1])
    df["output_unit"] = df["output"].map(UNITS)
    df["unit"] = MORRIS_UNIT
    df["interval"] = MORRIS_INTERVAL
    return df[MORRIS_COLUMNS].sort_values(["output", "rank", "parameter"]).reset_index(drop=True)


def transfer_entry(morris_t: pd.DataFrame, sobol_df: pd.DataFrame, swing: dict[str, Any]) -> dict[str, Any]:
    """How much of the answer rests on the transfer: its Morris rank, its Sobol indices if screened, its swing."""
    m = morris_t[morris_t["parameter"] == TRANSFER].set_index("output")
    n_params = int(morris_t["parameter"].nunique())
    entry: dict[str, Any] = {
        "parameter": TRANSFER,
        "range": list(RANGES[TRANSFER]),
        "meaning": "how loud the directive's announcement is relative to the public-charge rule the calibration "
        "surveys measured (an assumption; docs/ODD.md, 11, 'Transfer')",
        "screen_rank": int(m["screen_rank"].iloc[0]),
        "of": n_params,
        "in_sobol": bool(m["in_sobol"].iloc[0]),
        "morris": {
            o: {
                "rank": int(r["rank"]),
                "mu_star": float(r["mu_star"]),
                "mu_star_interval": [float(r["mu_star_lo"]), float(r["mu_star_hi"])],
                "mu_star_vs_largest": float(r["mu_star"] / morris_t.loc[morris_t["output"] == o, "mu_star"].max())
                if morris_t.loc[morris_t["output"] == o, "mu_star"].max() > 0
                else None,
                "above_chance": bool(r["above_chance"]),
            }
            for o, r in m.iterrows()
        },
        "sobol": None,
        "swing": swing,
    }
    if entry["in_sobol"]:
        big = sobol_df[(sobol_df["parameter"] == TRANSFER) & (sobol_df["N"] == sobol_df["N"].max())]
        entry["sobol"] = {
            o: {
                order: {"index": float(r["index"]), "interval": [float(r["lo"]), float(r["hi"])]}
                for order, r in g.set_index("order").iterrows()
            }
            for o, g in big.groupby("output")
        } | {"N": int(sobol_df["N"].max()), "interval": SOBOL_INTERVAL}
    return entry


def sensitivity(size: Size, figures_dir: Path, runs_dir: Path | None = None, seed: int = 0) -> dict[str, Any]:
    """Morris, then Sobol on the screened parameters, the chance level and the transfer's swing.

    Writes the tables, figures and summary to `figures_dir`, every run to `runs_dir` (default: `figures_dir`).
    """
    from analysis.sensitivity import morris_figure, save_figure, sobol_figure
    from experiments.common import update_manifest
    from sim import MODEL_VERSION, __version__
    from sim.results.provenance import model_fingerprint, write_json

    start = time.perf_counter()
    made_by = model_fingerprint()  # the code that runs, read when it starts
    runs_dir = runs_dir or figures_dir
    for d in (figures_dir, runs_dir):
        d.mkdir(parents=True, exist_ok=True)
    wall: dict[str, float] = {}

    def lap(name: str, t0: float) -> None:
        wall[name] = round(time.perf_counter() - t0, 1)

    t = time.perf_counter()
    morris_df, morris_runs = morris(size, seed)
    lap("morris", t)
    chosen = screen(morris_df, size.sobol_top)
    t = time.perf_counter()
    sobol_df, sobol_runs = sobol(chosen, size, seed)
    lap("sobol", t)
    t = time.perf_counter()
    chance_, chance_runs = chance(size, seed)
    swing = transfer_swing(size, seed)
    lap("chance_and_swing", t)
    morris_t = morris_table(morris_df, chosen, chance_)
    for name, df in (("morris_runs", morris_runs), ("sobol_runs", sobol_runs), ("chance_runs", chance_runs)):
        df.to_csv(runs_dir / f"sensitivity_{name}.csv", index=False)
    paths = {
        "sensitivity_morris": save_figure(morris_figure(morris_t), figures_dir / "sensitivity_morris"),
        "sensitivity_sobol": save_figure(sobol_figure(sobol_df), figures_dir / "sensitivity_sobol"),
    }
    cpu = np.concatenate([r["cpu_s"].to_numpy() for r in (morris_runs, sobol_runs, chance_runs)])
    wall["total"] = round(time.perf_counter() - start, 1)
    runs = size.runs() | {"total": int(sum(size.runs().values()))}
    summary = {
        "command": "python -m experiments.sensitivity" + (" --tiny" if size == TINY else "") + f" --seed {seed}",
        "seed": seed,
        "seeds": seeds(seed),
        "model_version": MODEL_VERSION,
        "version": __version__,
        **made_by,
        "policy": POLICY,
        "baseline": "firewall (paired, same seed)",
        "behavior": "declared defaults; varied parameters uniform over their declared plausible ranges (the "
        "calibration's priors), not the posterior",
        "size": asdict(size),
        "runs": runs,
        "wall_s": wall,
        "cpu_s_per_run": {"mean": float(cpu.mean()), "median": float(np.median(cpu))},
        "outputs": UNITS,
        "screened_by": list(SCREEN_OUTPUTS),
        "n_parameters": len(RANGES),
        "ranges": {k: list(v) for k, v in RANGES.items()},
        "skipped": SKIPPED,
        "adjustments": {
            WITHIN_COMMUNITY: f"capped at 1 - {WITHIN_BLOCK} (validate: their sum must not exceed 1)",
            COMPLIANCE_SD: f"values under {MIN_SD:g} set to 0 (validate: 0 or at least {MIN_SD:g})",
        },
        "screened": chosen,
        "chance": chance_,
        "transfer": transfer_entry(morris_t, sobol_df, swing),
    }
    write_json(figures_dir / "sensitivity.json", summary)  # strict JSON: NaN written as null
    entry = {
        "experiment": "sensitivity",
        "runs": runs["total"],
        "seeds": [seed, *chance_["seeds"]],
        "model_version": MODEL_VERSION,
        "behavior": "defaults, parameters over their plausible ranges (not the posterior)",
        "version": __version__,
        **made_by,
        "runtime_s": wall["total"],
    }
    update_manifest(figures_dir, {stem: {**entry, "files": [p.name for p in ps]} for stem, ps in paths.items()})
    return summary


def table(sobol_df: pd.DataFrame) -> str:
    """The indices at the larger N as a fixed-width table, one row per output and parameter."""
    big = sobol_df[sobol_df["N"] == sobol_df["N"].max()]
    wide = big.pivot_table(index=["output", "parameter"], columns="order", values=["index", "lo", "hi"])
    lines = [f"{'output':<31}{'parameter':<36}{'S1 [95% bootstrap]':<24}ST [95% bootstrap]"]
    for (out, par), r in wide.iterrows():
        s1 = f"{r[('index', 'first')]:.2f} [{r[('lo', 'first')]:.2f}, {r[('hi', 'first')]:.2f}]"
        st = f"{r[('index', 'total')]:.2f} [{r[('lo', 'total')]:.2f}, {r[('hi', 'total')]:.2f}]"
        lines.append(f"{out:<31}{par:<36}{s1:<24}{st}")
    return "\n".join(lines)


def plan(size: Size) -> str:
    """The size, the runs of each stage and the projected wall time."""
    runs = size.runs()
    total = sum(runs.values())
    lines = [
        f"{len(RANGES)} parameters ({len(SKIPPED)} declared uncertainties skipped), {size.n_people:,} people, "
        f"{size.weeks} weeks, {size.n_jobs} workers",
        "paired runs: " + ", ".join(f"{k} {v}" for k, v in runs.items()) + f"; total {total}",
    ]
    if (size.n_people, size.weeks) != (FULL.n_people, FULL.weeks):
        return "\n".join(lines)  # PER_RUN_S is measured at the full size only
    for load, s in PER_RUN_S.items():
        lines.append(f"projected wall time at {s} CPU s per run ({load}): {total * s / size.n_jobs / 60:.1f} min")
    return "\n".join(lines)


def report(summary: dict[str, Any], figures_dir: Path) -> str:
    tr = summary["transfer"]
    lines = [
        f"Screened for Sobol: {', '.join(summary['screened'])}",
        table(pd.read_csv(figures_dir / "sensitivity_sobol.csv")),
    ]
    ranks = ", ".join(f"{o} {m['rank']}" for o, m in tr["morris"].items())
    lines.append(
        f"Transfer ({TRANSFER}, {tr['range'][0]}-{tr['range'][1]}): Morris rank of {tr['of']}: {ranks}; "
        f"screen rank {tr['screen_rank']}; " + ("in the Sobol set" if tr["in_sobol"] else "not in the Sobol set")
    )
    for o in OUTPUTS:
        sw = tr["swing"][o]
        lines.append(f"  swing {o}: {sw['low']:.3f} -> {sw['high']:.3f} ({sw['swing']:+.3f})")
    lines.append(f"Wall time (s): {summary['wall_s']}; CPU s per paired run: {summary['cpu_s_per_run']['mean']:.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tiny", action="store_true", help="CI size (writes to outputs/sensitivity/tiny_*)")
    parser.add_argument("--seed", type=int, default=0, help="the model's seed and the samplers' (one SeedSequence)")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: the size's)")
    parser.add_argument(
        "--figures", type=Path, default=None, help="tables, figures and summary (default: --out; figures/ when named)"
    )
    parser.add_argument("--out", type=Path, default=None, help="every run's inputs and outputs")
    parser.add_argument("--plan", action="store_true", help="print the size and projected time, run nothing")
    args = parser.parse_args(argv)
    tiny = args.tiny or os.environ.get("UPTAKE_TINY", "") not in ("", "0")
    # One thread per paired run, in this process too: runs go in parallel, not the weeks of one run (a lone run
    # would take every core, and its second thread waits busily between passes; the numbers are the same).
    os.environ.setdefault("UPTAKE_SIM_THREADS", "1")
    size = TINY if tiny else FULL
    if args.jobs is not None:
        size = replace(size, n_jobs=args.jobs)
    print(plan(size), flush=True)
    from experiments.common import own_folder

    stamp = time.strftime("%Y-%m-%d_%H-%M-%S")
    # a new folder of this call's own unless named: nothing an earlier call wrote is replaced
    out = args.out or own_folder(ROOT / "outputs" / "sensitivity" / (("tiny_" if tiny else "") + stamp))
    if args.plan:
        return out
    figures = args.figures or out  # figures/ only when named, as `make sensitivity` does
    summary = sensitivity(size, figures, out, seed=args.seed)
    print(report(summary, figures))
    print(f"\nFigures and summary: {figures}; runs: {out}")
    return out


if __name__ == "__main__":
    # Run the importable module, so that parallel workers can unpickle its functions.
    from experiments.sensitivity import main as _main

    _main()
