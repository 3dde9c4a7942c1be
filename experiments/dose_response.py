"""The dose_response experiment: its sweep (conf/experiment/dose_response.yaml) and figures, in one call.

python -m experiments.dose_response [--figures DIR] [hydra overrides...]
"""

from __future__ import annotations

from collections.abc import Sequence

from analysis import figures
from experiments.common import ExperimentResult, run_experiment

FIGURES = {"main": figures.dose_response}


def main(argv: Sequence[str] | None = None) -> ExperimentResult:
    return run_experiment("dose_response", argv, FIGURES)


if __name__ == "__main__":
    main()
