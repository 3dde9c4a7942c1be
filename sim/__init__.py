"""uptake-sim: how enforcement data sharing deters benefit uptake."""

__version__ = "0.1.0"

# The model's mechanism, as a number: a calibrated posterior records the version it was fitted to, and a run
# refuses a posterior fitted to another (sim/launch/posterior.py). Version 2: fear as an inference about the
# enforcement chain (docs/ODD.md).
MODEL_VERSION = 2

from sim.source import use_fingerprinted_cache  # noqa: E402

# Compiled code is cached per source fingerprint, so an edited kernel always runs as written (sim/source.py).
use_fingerprinted_cache()
