"""The reversal experiment: its sweep (conf/experiment/reversal.yaml) and figures, in one call.

python -m experiments.reversal [--figures DIR] [hydra overrides...]
"""

from __future__ import annotations

from collections.abc import Sequence

from analysis import figures
from experiments.common import ExperimentResult, run_experiment

FIGURES = {"main": figures.reversal}


def main(argv: Sequence[str] | None = None) -> ExperimentResult:
    return run_experiment("reversal", argv, FIGURES)


if __name__ == "__main__":
    main()
