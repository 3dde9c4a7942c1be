"""`python -m experiments.discovery`: the command line of scenario discovery (see the package's docstring)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pandas as pd

from experiments import design
from experiments.discovery.experiment import experiment, plan, report
from experiments.discovery.prim import AUTO_DIMS, OUTCOMES, PROBES, Settings, require_ema
from experiments.discovery.sample import Size
from sim.launch.posterior import DEFAULT_POSTERIOR

NAME = "discovery"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=f"python -m experiments.{NAME}", description="Scenario discovery: under which "
                                "assumptions and levers does the directive do the most harm?")  # fmt: skip
    design.add_options(
        p, "tiny", "seed", tiny="CI size; writes to outputs/discovery/tiny_*",
        seed="the hypercube's, the model seeds' and the trees' seed",
    )  # fmt: skip
    p.add_argument("--runs", type=int, default=None, help="paired runs (default: the size's)")
    design.add_options(p, "people", "jobs")
    p.add_argument("--posterior", default=DEFAULT_POSTERIOR, help=f"posterior file (default {DEFAULT_POSTERIOR})")
    p.add_argument("--outcome", choices=sorted(OUTCOMES), default="last_year", help="the loss PRIM looks at")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--threshold-quantile", type=float, default=0.8, help="cases: loss above this quantile")
    group.add_argument("--threshold-pp", type=float, default=None, help="cases: loss above this many pp")
    p.add_argument("--min-density", type=float, default=0.4, help="the density a chosen box must reach")
    p.add_argument("--box", type=int, default=None, help="step of the first peeling trajectory to report")
    p.add_argument("--max-boxes", type=int, default=3, help="boxes to look for (covering)")
    p.add_argument(
        "--prim-dims",
        type=int,
        default=None,
        help="inputs PRIM sees, best scored first (0: all; default: those "
        f"scoring above {PROBES} noise probes, {AUTO_DIMS[0]} to {AUTO_DIMS[1]})",
    )
    p.add_argument("--from-runs", type=Path, default=None, help="analyse a stored runs.csv instead of running")
    design.add_options(
        p, "figures", "out", "plan", out="the runs table and a copy of the summary (default: a new folder)"
    )
    return p


def main(argv: list[str] | None = None) -> dict[str, Any] | None:
    """Sample, run and analyse (or analyse stored runs again); print the boxes; return the summary."""
    p = parser()
    args = p.parse_args(argv)
    if not 0 < args.threshold_quantile < 1:
        p.error("--threshold-quantile must lie strictly between 0 and 1")
    tiny = design.wants_tiny(args)
    with design.exit_on_bad_input(NAME):
        size = design.load_size(
            NAME, Size, "tiny" if tiny else "full", n_runs=args.runs, n_people=args.people, n_jobs=args.jobs
        )
        print(plan(size), flush=True)
        if args.plan:
            return None
        require_ema()
        runs = None
        if args.from_runs is not None:
            runs = pd.read_csv(args.from_runs)
            stored = args.from_runs.parent / "discovery.json"  # the size the runs were made at (the outreach week's)
            if stored.exists():
                size = Size(**json.loads(stored.read_text())["size"])
        out = design.output_folder(NAME, args.out, tiny)
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
        command = design.command_line(NAME, argv).strip()
        summary = experiment(
            size, args.posterior, out, figures, args.seed, settings, runs=runs, command=command, progress=True,
            runs_file=args.from_runs,
        )  # fmt: skip
    print(report(summary))
    print(f"\nFigures and summary: {figures}; runs: {out / 'runs.csv'}")
    return summary
