"""Launching runs: single runs, the posterior, Hydra callbacks and sweeps."""
