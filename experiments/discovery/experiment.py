"""Scenario discovery's whole experiment: sample, check every point, run, find the boxes, and write every
output with its provenance (the summary `discovery.json`, the tables and figures, MANIFEST.json entries).
"""

from __future__ import annotations

import shutil
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments import points
from experiments.design import check_points
from experiments.discovery.prim import AUTO_DIMS, BOX_RULE, PROBES, Settings, discover, require_ema
from experiments.discovery.sample import CHECKPOINT, FULL, Size, inputs, jobs, run, sample, seeds
from sim.config.params import TRANSFER
from sim.config.paths import ROOT
from sim.launch.posterior import require_posterior

POLICY = points.POLICY
UNITS = {
    "uptake_loss_last_year_pp": "pp, directive minus paired firewall run, mean of the last 52 weeks (all weeks "
    "when the horizon is shorter), all eligible people",
    "uptake_loss_final_pp": "pp, directive minus paired firewall run, final week, all eligible people",
    "mixed_child_loss_last_year_pp": "pp, citizens in mixed-status households, pooled over the last 52 weeks",
}
PER_RUN_S = {"idle": 1.1, "loaded": 1.65}  # CPU s per paired run at the full size (conf/experiment/sizes/)


def check_posterior(posterior: str) -> pd.DataFrame:
    """The posterior's particles; FileNotFoundError or ConfigError when the file is missing or fitted to another
    model (the command line turns either into one line and exit status 2)."""
    return require_posterior(posterior)


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
    t = time.perf_counter()
    if runs is None:
        _, table = sample(inp, post, size, seed)
        check_points(jobs(table, inp, size), points.configure, "run")  # a bad point stops here: nothing written
        wall["sample"] = round(time.perf_counter() - t, 1)
        t = time.perf_counter()
        runs = run(table, inp, size, progress=progress, checkpoint=out_dir / CHECKPOINT)
        wall["runs"] = round(time.perf_counter() - t, 1)
        out_dir.mkdir(parents=True, exist_ok=True)
        runs.to_csv(out_dir / "runs.csv", index=False, float_format="%.17g")  # exact: --from-runs finds the same
        (out_dir / CHECKPOINT).unlink(missing_ok=True)
    for d in (out_dir, figures_dir):
        d.mkdir(parents=True, exist_ok=True)
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
            "uniform over the declared plausible ranges (whole steps for a whole-number lever; 0/1 for a true/false "
            "one)",
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
    """The size and, at the full size's population and horizon, the projected wall time."""
    lines = [f"{size.n_runs} paired runs at {size.n_people:,} people, {size.weeks} weeks, {size.n_jobs} workers"]
    if (size.n_people, size.weeks) == (FULL.n_people, FULL.weeks):
        for load, s in PER_RUN_S.items():
            minutes = size.n_runs * s / size.n_jobs / 60
            lines.append(f"projected wall time at {s} CPU s per run ({load}): {minutes:.1f} min")
    return "\n".join(lines)
