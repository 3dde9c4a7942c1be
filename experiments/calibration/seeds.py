"""Every random number of a fit from one SeedSequence, so the same command and seed give the same posterior.

The seed's sequence is spawned into four, one per consumer: pyabc's sampler
(`seeded_sampler`: each candidate its own seed, which draws the model's seed),
pyabc's main process, the predictive check and the noise level's runs. None
of them depends on the number of processes.
"""

from __future__ import annotations

import numpy as np


def seeds(seed: int) -> dict[str, np.random.SeedSequence]:
    """Every random number of a fit from one SeedSequence: the sampler's candidates, pyabc's main process,
    the predictive check and the noise level's runs."""
    sampler, main, check, noise = np.random.SeedSequence(seed).spawn(4)
    return {"sampler": sampler, "main": main, "check": check, "noise": noise}
