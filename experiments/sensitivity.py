"""Global sensitivity: Morris screening, then Sobol indices with bootstrap intervals, at two sample sizes.

Ranges are the uncertain parameters' plausible ranges, declared once in
sim/config.py and listed in docs/ODD.md, section 9 (the calibrated ones
included: their priors are the same ranges). Each point is a
paired run of the directive against the firewall on one fixed seed (common
random numbers), so the indices describe the parameters, not the draw.
Morris screening ranks all parameters; Sobol first- and total-order indices
are estimated for the most influential ones, from Saltelli samples of size N
and N/2 (the smaller is the first half of the larger: Sobol' sequences nest),
which shows whether the indices have converged.

    python -m experiments.sensitivity          # full (~10 min on 2 cores)
    python -m experiments.sensitivity --tiny   # CI size
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.calibrate import PRIORS
from sim.config import UNCERTAINTY, Config, default_config
from sim.params import priors
from sim.paths import ROOT
from sim.posterior import apply_parameters
from sim.simulate import run_scenario

POLICY = "appointment_disclosure"
MIXED_CHILD_GROUP = "citizen.mixed_status"

# The other uncertain parameters screened; each range is the plausible range declared in sim/config.py.
SCREENED = (
    "behavior.w_own_event",
    "behavior.w_tie_event",
    "behavior.w_event_news",
    "behavior.w_safe",
    "behavior.w_reassure",
    "behavior.fast_memory",
    "behavior.noise",
    "behavior.trust_loss_announcement",
    "behavior.news_halflife_weeks",
    "behavior.event_news_scale",
    "behavior.activity_sensitivity",
    "enforcement.request_rate",
    "enforcement.apprehension",
    "enforcement.arrest_rate",
)
OTHER_RANGES: dict[str, tuple[float, float]] = priors(SCREENED, roles=[UNCERTAINTY])
RANGES: dict[str, tuple[float, float]] = {**PRIORS, **OTHER_RANGES}
OUTPUTS = ("uptake_loss_pp", "mixed_child_loss_pp", "encounters", "chilling_ratio")


@dataclass(frozen=True)
class Size:
    n_people: int
    weeks: int
    morris_trajectories: int
    sobol_top: int
    sobol_n: int  # base sample size of the larger Saltelli sample (a power of 2)
    n_jobs: int
    resamples: int


FULL = Size(n_people=10_000, weeks=104, morris_trajectories=5, sobol_top=4, sobol_n=64, n_jobs=2, resamples=500)
TINY = Size(n_people=1_500, weeks=30, morris_trajectories=2, sobol_top=3, sobol_n=8, n_jobs=1, resamples=50)


def problem(names: list[str]) -> dict[str, Any]:
    return {"num_vars": len(names), "names": names, "bounds": [list(RANGES[n]) for n in names]}


@lru_cache(maxsize=4)
def _base(n_people: int, weeks: int) -> Config:
    return default_config(POLICY, **{"population.n_people": n_people, "weeks": weeks, "paired": True})


def _mixed_child_loss(ts: pd.DataFrame, base: pd.DataFrame) -> float:
    """Uptake loss (pp, pooled over weeks) of citizens (children, mostly) in mixed-status households."""

    def uptake(df: pd.DataFrame) -> float:
        g = df[df["group"].str.startswith(MIXED_CHILD_GROUP)]
        return float(g["receiving"].sum() / g["eligible"].sum()) if g["eligible"].sum() else float("nan")

    return 100.0 * (uptake(base) - uptake(ts))


def evaluate(params: dict[str, float], n_people: int, weeks: int, seed: int = 0) -> dict[str, float]:
    """One paired run at `params`: the four outputs the indices are computed for."""
    cfg = apply_parameters(copy.deepcopy(_base(n_people, weeks)), params)
    cfg.seed = seed
    res = run_scenario(cfg)
    m = res.summary["metrics"]
    chill = m["chilling_ratio"]
    return {
        "uptake_loss_pp": m["uptake_loss_mean_pp"],
        "mixed_child_loss_pp": _mixed_child_loss(res.timeseries, res.baseline),
        "encounters": float(m["encounters"]),
        "chilling_ratio": float(chill) if chill is not None else float("nan"),
    }


def run_points(x: np.ndarray, names: list[str], size: Size) -> pd.DataFrame:
    """Evaluate every row of the sample matrix `x` (columns = `names`)."""
    from joblib import Parallel, delayed

    rows = Parallel(n_jobs=size.n_jobs)(
        delayed(evaluate)(dict(zip(names, map(float, r), strict=True)), size.n_people, size.weeks) for r in x
    )
    return pd.concat([pd.DataFrame(x, columns=names), pd.DataFrame(rows)], axis=1)


def _finite(y: np.ndarray) -> np.ndarray:
    """Runs without encounters have no chilling ratio; give them the sample median so SALib can proceed."""
    y = y.astype(float).copy()
    bad = ~np.isfinite(y)
    if bad.any():
        y[bad] = np.nanmedian(y) if (~bad).any() else 0.0
    return y


def morris(size: Size, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Morris elementary effects of every parameter on every output; returns (indices, runs)."""
    from SALib.analyze import morris as morris_analyze
    from SALib.sample import morris as morris_sample

    names = list(RANGES)
    prob = problem(names)
    x = morris_sample.sample(prob, size.morris_trajectories, num_levels=4, seed=seed)
    runs = run_points(x, names, size)
    rows = []
    for out in OUTPUTS:
        res = morris_analyze.analyze(prob, x, _finite(runs[out].to_numpy()), num_levels=4, seed=seed)
        for i, name in enumerate(names):
            rows.append(
                {
                    "output": out,
                    "parameter": name,
                    "mu_star": res["mu_star"][i],
                    "sigma": res["sigma"][i],
                    "mu_star_conf": res["mu_star_conf"][i],
                }
            )
    return pd.DataFrame(rows), runs


def screen(morris_df: pd.DataFrame, top: int) -> list[str]:
    """The `top` parameters by mu* scaled to each output's largest, averaged over outputs."""
    scaled = morris_df.assign(s=morris_df["mu_star"] / morris_df.groupby("output")["mu_star"].transform("max"))
    return list(scaled.groupby("parameter")["s"].mean().sort_values(ascending=False).index[:top])


def sobol(names: list[str], size: Size, seed: int = 2) -> tuple[pd.DataFrame, pd.DataFrame]:
    """First- and total-order indices with 95% bootstrap intervals, at N/2 and N; returns (indices, runs)."""
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    prob = problem(names)
    x = sobol_sample.sample(prob, size.sobol_n, calc_second_order=False, seed=seed)
    runs = run_points(x, names, size)
    rows = []
    per_base = len(names) + 2
    for n in (size.sobol_n // 2, size.sobol_n):
        for out in OUTPUTS:
            y = _finite(runs[out].to_numpy()[: n * per_base])
            res = sobol_analyze.analyze(
                prob, y, calc_second_order=False, num_resamples=size.resamples, conf_level=0.95, seed=seed
            )
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
    return pd.DataFrame(rows), runs


def sensitivity(size: Size, out_dir: Path) -> dict[str, Any]:
    """Morris, then Sobol on the screened parameters; writes tables, figures and a summary."""
    from analysis.sensitivity import convergence_figure, indices_figure, save_figure

    start = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    morris_df, morris_runs = morris(size)
    chosen = screen(morris_df, size.sobol_top)
    sobol_df, sobol_runs = sobol(chosen, size)
    morris_df.to_csv(out_dir / "morris.csv", index=False)
    morris_runs.to_csv(out_dir / "morris_runs.csv", index=False)
    sobol_df.to_csv(out_dir / "sobol.csv", index=False)
    sobol_runs.to_csv(out_dir / "sobol_runs.csv", index=False)
    save_figure(indices_figure(sobol_df[sobol_df["N"] == size.sobol_n]), out_dir / "sobol_indices")
    save_figure(convergence_figure(sobol_df), out_dir / "sobol_convergence")
    summary = {
        "size": size.__dict__,
        "ranges": {k: list(v) for k, v in RANGES.items()},
        "screened": chosen,
        "runs": {"morris": len(morris_runs), "sobol": len(sobol_runs)},
        "wall_s": round(time.perf_counter() - start, 1),
    }
    (out_dir / "sensitivity.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary


def table(sobol_df: pd.DataFrame) -> str:
    """The indices at the larger N as a fixed-width table, one row per output and parameter."""
    big = sobol_df[sobol_df["N"] == sobol_df["N"].max()]
    wide = big.pivot_table(index=["output", "parameter"], columns="order", values=["index", "lo", "hi"])
    lines = [f"{'output':<18}{'parameter':<34}{'S1 [95% CI]':<24}ST [95% CI]"]
    for (out, par), r in wide.iterrows():
        s1 = f"{r[('index', 'first')]:.2f} [{r[('lo', 'first')]:.2f}, {r[('hi', 'first')]:.2f}]"
        st = f"{r[('index', 'total')]:.2f} [{r[('lo', 'total')]:.2f}, {r[('hi', 'total')]:.2f}]"
        lines.append(f"{out:<18}{par:<34}{s1:<24}{st}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description="Global sensitivity: Morris screening, then Sobol indices")
    parser.add_argument("--tiny", action="store_true", help="CI size")
    parser.add_argument("--out", type=Path, default=None, help="output folder")
    args = parser.parse_args(argv)
    tiny = args.tiny or os.environ.get("UPTAKE_TINY", "") not in ("", "0")
    stamp = time.strftime("%Y-%m-%d_%H-%M-%S")
    out = args.out or ROOT / "outputs" / "sensitivity" / (("tiny_" if tiny else "") + stamp)
    summary = sensitivity(TINY if tiny else FULL, out)
    print(f"Morris screened: {', '.join(summary['screened'])}")
    print(table(pd.read_csv(out / "sobol.csv")))
    print(f"\nOutputs: {out}")
    return out


if __name__ == "__main__":
    # Run the importable module, so that parallel workers can unpickle its functions.
    from experiments.sensitivity import main as _main

    _main()
