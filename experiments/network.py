"""The network experiment: its sweep (conf/experiment/network.yaml) and figures, in one call.

python -m experiments.network [--figures DIR] [hydra overrides...]
"""

from __future__ import annotations

from collections.abc import Sequence

from analysis import figures
from experiments.common import ExperimentResult, run_experiment

FIGURES = {"main": figures.network}


def main(argv: Sequence[str] | None = None) -> ExperimentResult:
    return run_experiment("network", argv, FIGURES)


if __name__ == "__main__":
    main()
