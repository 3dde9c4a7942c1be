"""Launching runs: single runs, the posterior, Hydra callbacks, mitigations and sweeps."""
