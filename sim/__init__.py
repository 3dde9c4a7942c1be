"""uptake-sim: how enforcement data sharing deters benefit uptake."""

__version__ = "0.1.0"
