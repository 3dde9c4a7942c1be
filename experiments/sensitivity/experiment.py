"""The whole sensitivity analysis: Morris, then Sobol on the screened parameters, the chance level and the
transfer's swing, every point checked before the first runs; the tables, figures, summary and MANIFEST.json
entries it writes, and what it prints."""

from __future__ import annotations

import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments import points
from experiments.design import check_points
from experiments.sensitivity.chance import chance, chance_jobs, swing_jobs, transfer_swing
from experiments.sensitivity.morris import morris, morris_sample, morris_table, screen
from experiments.sensitivity.runs import CHECKPOINT, FULL, OUTPUTS, PER_RUN_S, SCREEN_OUTPUTS, TINY, UNITS, Size, seeds
from experiments.sensitivity.sobol import SOBOL_INTERVAL, sobol, sobol_sample
from sim.config.params import TRANSFER

POLICY = points.POLICY


def transfer_entry(morris_t: pd.DataFrame, sobol_df: pd.DataFrame, swing: dict[str, Any]) -> dict[str, Any]:
    """How much of the answer rests on the transfer: its Morris rank, its Sobol indices if screened, its swing."""
    m = morris_t[morris_t["parameter"] == TRANSFER].set_index("output")
    n_params = int(morris_t["parameter"].nunique())
    entry: dict[str, Any] = {
        "parameter": TRANSFER,
        "range": list(points.RANGES[TRANSFER]),
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


def sensitivity(
    size: Size, figures_dir: Path, runs_dir: Path | None = None, seed: int = 0, names: list[str] | None = None
) -> dict[str, Any]:
    """Morris over `names` (default: every parameter of `points.RANGES`), then Sobol on the screened ones, the
    chance level and the transfer's swing.

    Every point of Morris, of the chance runs and of the swing is configured (validated) before the first run,
    and Sobol's before its own: a bad one raises ConfigError with nothing written. Writes the tables, figures and
    summary to `figures_dir`, every run to `runs_dir` (default: `figures_dir`), where a checkpoint of the runs
    done lets a stopped analysis go on (`experiments.design.run_points`).
    """
    from analysis.calibration import save_figure
    from analysis.sensitivity import morris_figure, sobol_figure
    from experiments.common import update_manifest
    from sim import MODEL_VERSION, __version__
    from sim.results.provenance import model_fingerprint, write_json

    start = time.perf_counter()
    made_by = model_fingerprint()  # the code that runs, read when it starts
    runs_dir = runs_dir or figures_dir
    names = list(points.RANGES) if names is None else list(names)
    ranges = {k: points.RANGES[k] for k in names}
    fixed = [(params, size, s) for params, s in [*chance_jobs(size, seed), *swing_jobs(seed)]]
    x_morris = morris_sample(names, size, seed)
    check_points([*fixed, *_sample_jobs(x_morris, names, size, seed)], points.configure)  # before any run
    checkpoint = runs_dir / CHECKPOINT
    wall: dict[str, float] = {}

    def lap(name: str, t0: float) -> None:
        wall[name] = round(time.perf_counter() - t0, 1)

    t = time.perf_counter()
    morris_df, morris_runs = morris(names, size, seed, checkpoint, x_morris)
    lap("morris", t)
    chosen = screen(morris_df, size.sobol_top)
    t = time.perf_counter()
    x_sobol = sobol_sample(chosen, size, seed)
    check_points(_sample_jobs(x_sobol, chosen, size, seed), points.configure)
    sobol_df, sobol_runs = sobol(chosen, size, seed, checkpoint, x_sobol)
    lap("sobol", t)
    t = time.perf_counter()
    chance_, chance_runs = chance(size, seed, checkpoint)
    swing = transfer_swing(size, seed, checkpoint)
    lap("chance_and_swing", t)
    morris_t = morris_table(morris_df, chosen, chance_)
    for d in (figures_dir, runs_dir):
        d.mkdir(parents=True, exist_ok=True)
    for name, df in (("morris_runs", morris_runs), ("sobol_runs", sobol_runs), ("chance_runs", chance_runs)):
        df.to_csv(runs_dir / f"sensitivity_{name}.csv", index=False)
    paths = {
        "sensitivity_morris": save_figure(morris_figure(morris_t), figures_dir / "sensitivity_morris"),
        "sensitivity_sobol": save_figure(sobol_figure(sobol_df), figures_dir / "sensitivity_sobol"),
    }
    cpu = np.concatenate([r["cpu_s"].to_numpy() for r in (morris_runs, sobol_runs, chance_runs)])
    wall["total"] = round(time.perf_counter() - start, 1)
    runs = size.runs(len(names)) | {"total": int(sum(size.runs(len(names)).values()))}
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
        "n_parameters": len(ranges),
        "ranges": {k: list(v) for k, v in ranges.items()},
        "skipped": points.SKIPPED,
        "adjustments": points.ADJUSTMENTS,
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
    checkpoint.unlink(missing_ok=True)
    return summary


def _sample_jobs(x: np.ndarray, names: list[str], size: Size, seed: int) -> list[tuple[dict[str, float], Size, int]]:
    """The rows of a sample matrix as `points.configure`'s arguments."""
    return [(dict(zip(names, map(float, r), strict=True)), size, seed) for r in x]


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
        f"{len(points.RANGES)} parameters ({len(points.SKIPPED)} declared uncertainties skipped), "
        f"{size.n_people:,} people, {size.weeks} weeks, {size.n_jobs} workers",
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
