"""`python -m experiments.sensitivity`: the command line of the sensitivity analysis (see the package's docstring)."""

from __future__ import annotations

import argparse
from pathlib import Path

from experiments import design
from experiments.sensitivity.experiment import plan, report, sensitivity
from experiments.sensitivity.runs import Size

NAME = "sensitivity"


def main(argv: list[str] | None = None) -> Path:
    """Plan, run and report the analysis; return the folder of its runs."""
    parser = argparse.ArgumentParser(
        prog=f"python -m experiments.{NAME}",
        description="Global sensitivity of the directive's uptake loss: Morris screening of every uncertainty, "
        "then Sobol indices.",
    )
    design.add_options(
        parser, "tiny", "seed", "jobs", "figures", "out", "plan",
        tiny="CI size (writes to outputs/sensitivity/tiny_*)",
        seed="the model's seed and the samplers' (one SeedSequence)",
        out="every run's inputs and outputs",
    )  # fmt: skip
    args = parser.parse_args(argv)
    tiny = design.wants_tiny(args)
    with design.exit_on_bad_input(NAME):
        size = design.load_size(NAME, Size, "tiny" if tiny else "full", n_jobs=args.jobs)
        print(plan(size), flush=True)
        out = design.output_folder(NAME, args.out, tiny)
        if args.plan:
            return out
        figures = args.figures or out  # figures/ only when named, as `make sensitivity` does
        summary = sensitivity(size, figures, out, seed=args.seed)
    print(report(summary, figures))
    print(f"\nFigures and summary: {figures}; runs: {out}")
    return out
