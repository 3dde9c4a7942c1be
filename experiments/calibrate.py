"""Calibration: fit the uncertain behavioural parameters to published survey figures by ABC-SMC.

The documented command; the fit itself lives in the package
experiments/calibration/ (targets, priors, simulator, pyabc extensions,
ABC-SMC run, checks, outputs: see its __init__).

    python -m experiments.calibrate                 # the fit and its convergence check, writes data/posterior/
    python -m experiments.calibrate --seed 1        # another seed, for a check by hand
    python -m experiments.calibrate --tiny          # CI size (under a minute), writes outputs/calibration/

Reproducible: one `numpy.random.SeedSequence(seed)` seeds pyabc's sampler
(`experiments/calibration/seeded_sampler.py`: each candidate its own seed,
which draws the model's seed), pyabc's main process and the predictive check,
so the same command and seed give the same posterior with any number of
processes.
"""

from __future__ import annotations

# Every function the parallel workers unpickle lives in the package, never in __main__.
from experiments.calibration.command import main

if __name__ == "__main__":
    main()
