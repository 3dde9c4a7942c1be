"""Named random streams for common random numbers.

One `SeedSequence(seed)` is spawned into one child per process. Each dynamic
stream draws a fixed-size array every week whatever the policy, so two runs
with the same seed and different policies face the same draws: their
difference is the policy's effect alone, and a change in one process never
shifts another's numbers.
"""

from __future__ import annotations

import numpy as np

STREAMS = (
    "population",
    "network",
    "offices",
    "needs",
    "remote",
    "decisions",
    "requests",
    "disclosure",
    "encounters",
    "news",
    "clinic",
    "posterior",  # last, so adding it shifts no other stream
)


class Streams:
    """A `numpy.random.Generator` per named process, all from one seed."""

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)
        children = np.random.SeedSequence(self.seed).spawn(len(STREAMS))
        self._gens = {
            name: np.random.Generator(np.random.PCG64(child)) for name, child in zip(STREAMS, children, strict=True)
        }

    def __getitem__(self, name: str) -> np.random.Generator:
        return self._gens[name]

    def __getattr__(self, name: str) -> np.random.Generator:
        try:
            return self._gens[name]
        except KeyError:
            raise AttributeError(name) from None
